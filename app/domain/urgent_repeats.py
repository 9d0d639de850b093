"""Issue 11, bcfollow: when an urgent broadcast not acknowledged yet shows again.

The urgent screen may be put off ("Later"); while the broadcast is not acknowledged it comes back
by itself every ``every_minutes`` during the first ``for_minutes`` after it was sent, and always at
the next app start and before the next clock-in. The period counts from sending (issue 11,
bcsaved), as the server's "not acknowledged after reminders" does: counted from when each phone
first showed it, a phone that was off for a while kept asking after the manager on duty had
already been told. Both numbers are the chain's settings
(key ``URGENT_REPEATS`` of its settings). Pure: the caller passes the times (the clock injected).
"""

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from app.domain.broadcasts import sent_at  # noqa: F401  (the period runs from sending)

#: The key of these settings in the chain's settings (and its pulled entity id).
URGENT_REPEATS = "urgent_repeats"
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class RepeatSettings:
    """How often and for how long an urgent broadcast put off comes back (minutes)."""

    every_minutes: int = 5
    for_minutes: int = 60

    def __post_init__(self) -> None:
        for name in ("every_minutes", "for_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_MINUTES:
                raise ValueError(f"{name} must be a whole number of minutes from 1 to {MAX_MINUTES} (got {value!r})")

    @classmethod
    def from_dict(cls, data: Any) -> "RepeatSettings":
        if not isinstance(data, dict):
            raise ValueError("settings must be an object")
        unknown = set(data) - {"every_minutes", "for_minutes"}
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def comes_back_at(sent: datetime, put_off_at: datetime, settings: RepeatSettings) -> datetime | None:
    """When the screen put off at ``put_off_at`` shows again by itself; None once that would be
    after the repeat period from sending (it then waits for the next app start or clock-in)."""
    at = put_off_at + timedelta(minutes=settings.every_minutes)
    return at if at <= sent + timedelta(minutes=settings.for_minutes) else None


def shows_now(now: datetime, sent: datetime, put_off_at: datetime | None, settings: RepeatSettings,
              *, app_started_at: datetime, clocking_in: bool = False) -> bool:
    """Whether the urgent screen of a broadcast not acknowledged yet shows now: never put off, put
    off before this app start, before a clock-in, or its time to come back has come."""
    if put_off_at is None or clocking_in or put_off_at < app_started_at:
        return True
    back = comes_back_at(sent, put_off_at, settings)
    return back is not None and now >= back
