"""Issue 12, photoprep: a task photo is prepared on the phone, queued, uploaded through sync, and
flagged for the reviewer when reused or taken far from the completion (real API, real SQLite)."""

import io
import json
from datetime import datetime, timedelta

from PIL import Image
from sqlalchemy import select

from app.domain.attendance import HONG_KONG
from app.store import Actions, DeviceStore
from app.sync import SyncEngine
from backend_stub import db as server_tables
from tests.conftest import login
from tests.servers import server_engine
from tests.test_photo_prepare import camera_jpeg
from tests.test_sync_rollback import _actor


def _exif_time(at: datetime) -> str:
    return at.astimezone(HONG_KONG).strftime("%Y:%m:%d %H:%M:%S")


def _server_photo(server, sha: str) -> Image.Image:
    return Image.open(io.BytesIO((server.data_dir / "photos" / sha).read_bytes()))


def _flags(server, *task_ids: str) -> dict[str, list[str]]:
    """The reviewer's flags the server keeps on these tasks' photos (issue 12, taskboard: per photo)."""
    t = server_tables.task_photos
    with server_engine(server).connect() as conn:
        rows = conn.execute(select(t).where(t.c.task_id.in_(task_ids))).mappings().all()
    return {row["task_id"]: json.loads(row["flags"]) for row in rows}


def test_task_photos_are_prepared_uploaded_and_a_reused_or_old_one_is_flagged(server, tmp_path):
    """HQ keeps GPS; staff complete two tasks offline with camera photos: the server holds 1600 px
    upright JPEGs with GPS, and the second (the same shot again, taken a month before) is flagged."""
    hq_store = DeviceStore(tmp_path / "hq.db")
    login(server.url, hq_store, "A0001", "9000").change_photo_settings(
        {"keep_gps": True, "keep_time": True, "max_time_gap_minutes": 60})
    store = DeviceStore(tmp_path / "staff.db")
    engine = SyncEngine(store, login(server.url, store, "S3001", "1111"))
    engine.sync_once()  # pulls the tasks and the chain's photo settings
    with store.reading() as db:
        first, second = [r[0] for r in db.execute("SELECT id FROM tasks WHERE status='to_do' ORDER BY id LIMIT 2")]
    actions = Actions(store, store.clock, _actor(store))
    now = datetime.now(HONG_KONG)
    actions.complete_task(first, "shelf done", photo=camera_jpeg(when=_exif_time(now)))
    actions.complete_task(second, "shelf done", photo=camera_jpeg(when=_exif_time(now - timedelta(days=30)),
                                                                    orientation=1))
    with store.reading() as db:
        queued = [r[0] for r in db.execute("SELECT sha256 FROM photo_uploads WHERE status='pending'")]
        shas = dict(db.execute("SELECT id, photo_sha256 FROM tasks WHERE id IN (?, ?)", [first, second]).fetchall())
    assert sorted(queued) == sorted(shas.values())

    report = engine.sync_once()

    assert report.applied >= 2 and report.rejected == 0
    photo = _server_photo(server, shas[first])
    exif = photo.getexif()
    assert (photo.format, photo.size) == ("JPEG", (1200, 1600))
    assert 0x0112 not in exif and exif.get_ifd(0x8825)[1] == "N" and 0xA431 not in exif
    # The second task's photo is stored landscape (no rotation asked), but it is the same shot.
    assert _server_photo(server, shas[second]).size == (1600, 1200)
    assert _flags(server, first, second) == {first: [], second: ["photo_time_differs"]}


def test_the_same_picture_for_another_task_is_flagged_as_reused(server, tmp_path):
    """A photo of the same scene sent again (re-taken, so other bytes) for another task is flagged
    photo_reused; the first use is not flagged."""
    store = DeviceStore(tmp_path / "staff.db")
    engine = SyncEngine(store, login(server.url, store, "S3003", "3333"))  # Mong Kok's tasks
    engine.sync_once()
    with store.reading() as db:
        first, second = [r[0] for r in db.execute("SELECT id FROM tasks WHERE status='to_do' ORDER BY id LIMIT 2")]
    actions = Actions(store, store.clock, _actor(store))
    when = _exif_time(datetime.now(HONG_KONG))
    actions.complete_task(first, photo=camera_jpeg(when=when, orientation=3))  # a scene not sent before
    engine.sync_once()
    actions.complete_task(second, photo=camera_jpeg(when=when, orientation=3, width=4032, height=3024))
    engine.sync_once()
    with store.reading() as db:
        shas = [r[0] for r in db.execute("SELECT photo_sha256 FROM tasks WHERE id IN (?, ?)", [first, second])]
    assert len(set(shas)) == 2  # different bytes: only the picture hash tells they are the same
    assert _flags(server, first, second) == {first: [], second: ["photo_reused"]}


def test_only_hq_changes_the_photo_settings_and_a_bad_one_changes_nothing(api):
    """Defaults: strip GPS, keep the time, 120 minutes. Staff get 403; an unknown key or a zero gap
    is chain_settings_invalid and nothing changes; HQ's change is shown to everyone."""
    from tests.test_api_photos import bearer

    staff, hq = bearer(api, "u-s01"), bearer(api, "u-hq")
    url = "/v1/chain/settings/photos"
    defaults = {"keep_gps": False, "keep_time": True, "max_time_gap_minutes": 120}
    assert api.get("/v1/chain/settings", headers=staff).json()["photos"] == defaults
    assert api.put(url, json={"keep_gps": True}, headers=staff).status_code == 403
    for bad in ({"max_time_gap_minutes": 0}, {"keep_faces": True}):
        refused = api.put(url, json=bad, headers=hq)
        assert (refused.status_code, refused.json()["code"]) == (400, "chain_settings_invalid")
    assert api.get("/v1/chain/settings", headers=staff).json()["photos"] == defaults
    assert api.put(url, json={"keep_time": False}, headers=hq).status_code == 200
    assert api.get("/v1/chain/settings", headers=staff).json()["photos"] == {**defaults, "keep_time": False}


def test_a_file_that_is_no_photo_is_refused_on_the_phone_and_changes_nothing(tmp_path):
    """Completing a task with a text file as its photo is refused (image_corrupt): the task stays
    open, nothing is queued, no action waits to be sent."""
    import pytest

    from app.domain.access import AccessDenied
    from app.domain.roles import Actor, Role

    store = DeviceStore(tmp_path / "staff.db")
    with store.transaction() as db:
        db["tasks"].insert({"id": "tk-x", "store_id": "st-cwb", "title": "Photograph the promotion shelf",
                            "status": "open", "sync_state": "synced"})
    actions = Actions(store, store.clock, Actor("u-s01", Role.STAFF, frozenset({"st-cwb"})))

    with pytest.raises(AccessDenied) as refused:
        actions.complete_task("tk-x", "done", photo=b"Promotion shelf done, photo to follow\n")

    assert refused.value.reason == "image_corrupt"
    with store.reading() as db:
        assert db.execute("SELECT status FROM tasks WHERE id='tk-x'").fetchone()[0] == "open"
        assert db.execute("SELECT count(*) FROM photo_uploads").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
