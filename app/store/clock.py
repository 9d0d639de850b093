"""The device's clocks, as stamped on every event."""

import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from app.protocol import EventClock


def _boot_id() -> str:
    # time.monotonic() is comparable within one boot on Linux/Android; elsewhere (or when
    # the boot id is unreadable) only within this process.
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return f"proc-{uuid.uuid4().hex}"


class DeviceClock:
    """Wall clock + monotonic clock + the latest estimate of the server's offset."""

    def __init__(self) -> None:
        self.boot_id = _boot_id()
        self.offset_ms: int | None = None

    def now(self) -> datetime:
        """The device's wall-clock time (kept and compared, never trusted)."""
        return datetime.now(UTC)

    def monotonic_ms(self) -> int:
        return int(time.monotonic() * 1000)

    def stamp(self) -> EventClock:
        """Everything the server needs to judge when an event really happened."""
        return EventClock(device_time=self.now(), monotonic_ms=self.monotonic_ms(),
                          boot_id=self.boot_id, clock_offset_ms=self.offset_ms)
