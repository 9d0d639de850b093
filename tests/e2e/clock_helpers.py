"""Helpers for the clock-in end-to-end tests: a shift about to start, fake-camera clips made
from the face fixtures, and read-only looks into the server's and the device's databases."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from backend_stub import seed
from tests.face_fixtures import selfie_640x480

from . import harness

#: The fake camera's picture size (the face fills ~40 % of the height, as at arm's length).
CAMERA_SIZE = (640, 480)
CAMERA_FPS = 20
#: How long each photo stays on the fake camera (seconds). The clock screen takes its 3
#: pictures one ``asyncio.sleep(0.5)`` + one ``take_picture()`` (~0.04 s idle) apart:
#: interval I ~0.54 s idle, more under load. A clip cycling through THREE photos, each shown
#: for D with I/2 < D < I, makes every two consecutive pictures show different photos
#: (I spans one or two photo changes, never zero or three), whatever the phase; so the
#: device's 3-frame and the server's 2-frame liveness checks both see a head turn. With only
#: two photos no D can guarantee that (two changes bring back the same photo).
#: D = 0.45 s covers I from 0.45 s to 0.9 s.
CAMERA_SWITCH_S = 0.45


def store(store_id: str) -> tuple[str, float, float, int]:
    """(name, latitude, longitude, radius in metres) of a seeded store."""
    for sid, _code, name, _area, _address, lat, lon, radius in seed.STORES:
        if sid == store_id:
            return name, lat, lon, radius
    raise KeyError(store_id)


def face_camera_clip(photo_names: list[str], out: Path) -> Path:
    """A looping fake-camera clip that cycles through the given fixture photos, each cropped to a
    640x480 selfie framing (the raw fixtures letterboxed at 640x480 show faces too small for
    enrolment)."""
    stills = []
    for name in photo_names:
        still = out.with_name(f"{out.stem}-{Path(name).stem}.jpg")
        still.write_bytes(selfie_640x480(name))
        stills.append(still)
    per_photo = round(CAMERA_SWITCH_S * CAMERA_FPS)
    return harness.make_y4m(stills, out, frames=per_photo * len(stills), size=CAMERA_SIZE,
                            fps=CAMERA_FPS, switch_every=per_photo)


def add_shift_starting_soon(data_dir: Path, *, user_id: str, store_id: str, shift_id: str,
                            minutes: int = 10, hours: int = 8, db_url: str | None = None) -> dict:
    """Make a shift at ``store_id`` starting ``minutes`` from now ``user_id``'s only shift
    within a day of now (the seeded ones there are deleted, or one starting a few minutes
    earlier would be picked for the clock-in and could make it late). Written the way the
    server writes shifts (rows + change-feed entries), so devices get it on their next pull."""
    from sqlalchemy import select

    from backend_stub import db
    from backend_stub.engine import make_engine
    from backend_stub.services.changes import emit

    now = datetime.now(UTC)
    starts = (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    row = {"id": shift_id, "store_id": store_id, "user_id": user_id, "starts_at": starts,
           "ends_at": starts + timedelta(hours=hours), "position": "Sales"}
    engine = make_engine(db_url or f"sqlite:///{(data_dir / 'shopfloor.db').resolve()}")
    try:
        with engine.begin() as conn:
            near = db.shifts.c.user_id == user_id, db.shifts.c.starts_at.between(
                now - timedelta(days=1, hours=12), now + timedelta(days=1, hours=12))
            for old_id, old_store in conn.execute(select(db.shifts.c.id, db.shifts.c.store_id).where(*near)):
                emit(conn, "shift", old_id, None, audience="store", store_ids=[old_store])
            conn.execute(db.shifts.delete().where(*near))
            conn.execute(db.shifts.insert().values(**row))
            emit(conn, "shift", shift_id, row, audience="store", store_ids=[store_id])
    finally:
        engine.dispose()
    return row


@contextlib.contextmanager
def read_only(path: Path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        yield db
    finally:
        db.close()


def server_punches(data_dir: Path, user_id: str) -> list[dict]:
    """The server's punches of ``user_id``, oldest first (flags decoded)."""
    with read_only(data_dir / "shopfloor.db") as db:
        rows = [dict(r) for r in db.execute(
            "SELECT id, kind, method, status, face, geofence, distance_m, flags, shift_id"
            " FROM punches WHERE user_id = ? ORDER BY at", [user_id])]
    for r in rows:
        r["flags"] = json.loads(r["flags"])
    return rows


def server_punch_mutations(data_dir: Path, device_id: str) -> list[str]:
    """Statuses of the ``punch.record`` mutations this device pushed."""
    with read_only(data_dir / "shopfloor.db") as db:
        return [s for (s,) in db.execute(
            "SELECT status FROM mutations WHERE device_id = ? AND type = 'punch.record'", [device_id])]


def device_punches(db_path: Path) -> list[dict]:
    """The punches in a device's own database (synced or not), oldest first."""
    with read_only(db_path) as db:
        return [dict(r) for r in db.execute(
            "SELECT id, kind, at, face, geofence, status FROM punches ORDER BY at")]


def device_outbox(db_path: Path) -> list[tuple[str, str]]:
    """(type, status) of every action in a device's outbox, oldest first."""
    with read_only(db_path) as db:
        return [tuple(r) for r in db.execute("SELECT type, status FROM outbox ORDER BY seq")]


def wait_until(predicate, timeout: float = 20, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.2)
