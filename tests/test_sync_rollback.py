"""A refused action's local effect is undone, and a refused photo blocks nothing (real API)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text, update

from app.domain import attendance
from app.domain.roles import Actor, Role
from app.i18n import Translator, REASON_MESSAGES
from app.store import Actions, DeviceStore, PunchActions, queries
from app.store import outbox
from app.sync import SyncEngine
from backend_stub import db as server_tables
from tests.conftest import login
from tests.servers import server_engine


def _actor(store: DeviceStore) -> Actor:
    user, _ = store.load_session()
    return Actor(user["id"], Role(user["role"]), frozenset(user["store_ids"]))


def _device_state(store: DeviceStore, user_id: str, at: datetime):
    """What the clock screen computes: the user's state and whether a clock-in is allowed now."""
    with store.reading() as db:
        history = queries.punches(db, [user_id], at - timedelta(days=2))
        shifts = queries.shift_windows(db, queries.shifts_for_user(db, user_id, at - timedelta(days=1),
                                                                    at + timedelta(days=1)))
    rules = attendance.ShiftRules()
    shift = attendance.shift_for_punch("clock_in", at, punches=history, shifts=shifts, rules=rules)
    return attendance.state_of(history), attendance.check_punch("clock_in", at, punches=history,
                                                                shift=shift, rules=rules)


def _screen_line(row: dict, locale: str) -> tuple[str, str]:
    """The rejected-actions screen's title parts for ``row``, in ``locale``."""
    from app.ui.screens.rejected import _describe

    class Session:  # the two things the screen reads from a session
        tr = Translator(locale)

        def _(self, message: str, **kw) -> str:
            return self.tr.gettext(message, **kw)

    return _describe(Session(), row, json.loads(row["payload"]))


def _one_shift(server, store: DeviceStore, user_id: str, starts_on_device: datetime,
               starts_on_server: datetime) -> None:
    """The user's only shift today: the device knows one start, the server holds another."""
    around = (starts_on_device - timedelta(days=1), starts_on_device + timedelta(days=1))
    with server_engine(server).begin() as conn:
        t = server_tables.shifts
        conn.execute(delete(t).where(t.c.user_id == user_id, t.c.starts_at.between(*around)))
        conn.execute(t.insert().values(id="sh-moved", store_id="st-cwb", user_id=user_id,
                                       starts_at=starts_on_server,
                                       ends_at=starts_on_server + timedelta(hours=8), position="Sales"))
    with store.transaction() as db:
        db.execute("DELETE FROM shifts WHERE user_id=?", [user_id])
        db["shifts"].insert({"id": "sh-moved", "store_id": "st-cwb", "user_id": user_id,
                             "starts_at": starts_on_device.isoformat(),
                             "ends_at": (starts_on_device + timedelta(hours=8)).isoformat(),
                             "position": "Sales"})


def test_clock_in_refused_by_the_server_is_undone_and_can_be_made_again(server, device):
    """The server refuses a clock-in (its shift moved): the device shows "not clocked in",
    says why in the person's language, and the next clock-in is allowed and lands."""
    api = login(server.url, device, "S3001", "1111")
    engine = SyncEngine(device, api)
    engine.sync_once()
    now = datetime.now(UTC)
    _one_shift(server, device, "u-s01", starts_on_device=now - timedelta(minutes=10),
               starts_on_server=now + timedelta(hours=5))
    punches = PunchActions(device, device.clock, _actor(device))
    punches.record_punch(kind="clock_in", store_id="st-cwb", fix=None, method="pin", shift_id="sh-moved")
    assert _device_state(device, "u-s01", now)[0] is attendance.AttendanceState.IN

    report = engine.sync_once()

    assert report.rejected == 1
    state, check = _device_state(device, "u-s01", datetime.now(UTC))
    assert state is attendance.AttendanceState.OUT
    assert check.allowed, check.reason
    with device.reading() as db:
        [refused] = outbox.rejected(db)
        assert db.execute("SELECT count(*) FROM punches WHERE user_id='u-s01'").fetchone()[0] == 0
    assert refused["type"] == "punch.record" and refused["reason"] == "too_early"
    said = REASON_MESSAGES.text(Translator("zh_Hant_HK"), refused["reason"])
    assert said and said != REASON_MESSAGES.text(Translator("en"), refused["reason"])
    what, _when = _screen_line(refused, "zh_Hant_HK")  # what Me > Rejected actions lists
    assert what == Translator("zh_Hant_HK").gettext("Clock in") != "Clock in"

    with server_engine(server).begin() as conn:  # the manager moves the shift back
        conn.execute(update(server_tables.shifts).where(server_tables.shifts.c.id == "sh-moved")
                     .values(starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=8)))
    punches.record_punch(kind="clock_in", store_id="st-cwb", fix=None, method="pin", shift_id="sh-moved")
    assert engine.sync_once().applied == 1
    assert _device_state(device, "u-s01", datetime.now(UTC))[0] is attendance.AttendanceState.IN


def test_every_action_type_is_undone_when_refused(server, tmp_path):
    """Note, note deletion, task done, read receipt, broadcast and punch fixes: a refused one
    leaves the device showing what the server holds."""
    store = DeviceStore(tmp_path / "m.db")
    api = login(server.url, store, "S3001", "1111")
    engine = SyncEngine(store, api)
    engine.sync_once()
    with store.reading() as db:
        task = db.execute("SELECT id, status, title FROM tasks WHERE status='to_do' LIMIT 1").fetchone()
        broadcast = db.execute("SELECT id FROM broadcasts LIMIT 1").fetchone()[0]
    actions = PunchActions(store, store.clock, _actor(store))
    kept = actions.add_note("st-cwb", "kept on the server")
    engine.sync_once()
    with server_engine(server).begin() as conn:  # the server changes under the device's feet
        conn.execute(text("UPDATE notes SET author_id='u-s02' WHERE id=:i"), {"i": kept})
        conn.execute(text("DELETE FROM tasks WHERE id=:i"), {"i": task[0]})
        for table in ("broadcast_reads", "broadcast_stores"):  # its rows first (foreign keys)
            conn.execute(text(f"DELETE FROM {table} WHERE broadcast_id=:i"), {"i": broadcast})
        conn.execute(text("DELETE FROM broadcasts WHERE id=:i"), {"i": broadcast})
    # Each of these is refused by the server (not the author any more, records gone, a forgery).
    actions.delete_note(kept)
    actions.complete_task(task[0], "done")
    actions.mark_broadcast_read(broadcast)
    actions.raw("note.add", {"note_id": "nt-forged", "user_id": "u-s02", "store_id": "st-cwb", "body": "x"},
                "note:nt-forged")
    with store.transaction() as db:  # a forged local row, as a buggy screen might write
        db["notes"].insert({"id": "nt-forged", "store_id": "st-cwb", "author_id": "u-s02", "body": "x",
                            "created_at": "2026-01-01T00:00:00+00:00", "sync_state": "pending"})

    report = engine.sync_once()

    assert report.rejected == 4
    with store.reading() as db:
        rejected = {r["type"] for r in outbox.rejected(db)}
        assert db.execute("SELECT status FROM tasks WHERE id=?", [task[0]]).fetchone()[0] == "to_do"
        assert db.execute("SELECT count(*) FROM broadcast_reads WHERE broadcast_id=?",
                          [broadcast]).fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM notes WHERE id='nt-forged'").fetchone()[0] == 0
        note = db.execute("SELECT body, sync_state FROM notes WHERE id=?", [kept]).fetchone()
    assert rejected == {"note.delete", "task.complete", "broadcast.read", "note.add"}
    assert note == ("kept on the server", "synced")  # the refused deletion is undone
    store.close()


def test_server_copy_pulled_while_waiting_is_shown_after_a_refusal(server, tmp_path):
    """A record the server changed while the device's own change waited comes back as the
    server holds it (not as it was before) when that change is refused."""
    store = DeviceStore(tmp_path / "s.db")
    api = login(server.url, store, "S3002", "2222")
    engine = SyncEngine(store, api)
    engine.sync_once()
    with store.reading() as db:
        task = db.execute("SELECT id FROM tasks WHERE status='to_do' LIMIT 1").fetchone()[0]
    actions = Actions(store, store.clock, _actor(store))
    actions.complete_task(task, "mine")
    engine.pull()  # the pull before the push: the task is unchanged on the server
    from app.protocol import Change
    from app.store import apply_page
    with store.transaction() as db:  # the server renamed the task meanwhile (a pulled change)
        apply_page(db, [Change(seq=1, entity="task", id=task, op="upsert",
                               data={"id": task, "title": "Renamed by the manager", "status": "open"})],
                   store.get_meta("pull_cursor") or "")
    with store.reading() as db:
        assert db.execute("SELECT status FROM tasks WHERE id=?", [task]).fetchone()[0] == "waiting_review"
    with store.transaction() as db:  # the server refuses the completion
        [mut] = outbox.pending(db, 10)
        from app.protocol import ItemResult, ItemStatus
        outbox.record_results(db, [ItemResult(seq=mut.seq, idempotency_key=mut.idempotency_key,
                                              status=ItemStatus.REJECTED, reason="not_found")])
    with store.reading() as db:
        row = db.execute("SELECT title, status, sync_state FROM tasks WHERE id=?", [task]).fetchone()
    assert row == ("Renamed by the manager", "open", "synced")
    store.close()


@pytest.mark.parametrize("blob, reason", [
    (b"GIF89a" + b"\x00" * 200, "unsupported_media_type"),
    (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 200, "unsupported_media_type"),
])
def test_refused_photo_refuses_its_action_and_sync_goes_on(server, tmp_path, blob, reason):
    """A GIF/HEIC selfie from the file picker: that clock-in is shown rejected with why, its
    effect undone, and the actions behind it still reach the server."""
    store = DeviceStore(tmp_path / "p.db")
    api = login(server.url, store, "S3003", "3333")
    engine = SyncEngine(store, api)
    engine.sync_once()
    actor = _actor(store)
    punches = PunchActions(store, store.clock, actor)
    punch = punches.record_punch(kind="clock_in", store_id="st-mk", fix=None, method="face", selfie=blob)
    note = punches.add_note("st-mk", "behind the refused photo")

    report = engine.sync_once()

    assert report.applied == 1 and report.rejected == 1 and report.waiting == 0
    with store.reading() as db:
        [refused] = outbox.rejected(db)
        photo = db.execute("SELECT status, reason FROM photo_uploads").fetchone()
        assert db.execute("SELECT count(*) FROM punches WHERE id=?", [punch]).fetchone()[0] == 0
    assert refused["type"] == "punch.record" and refused["reason"] == reason
    assert photo == ("rejected", reason)
    assert not list((tmp_path / "photos").iterdir())  # the refused selfie is not kept on the phone
    with server_engine(server).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes WHERE id=:i"), {"i": note}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM punches WHERE id=:i"), {"i": punch}).scalar() == 0
        kinds = [r[0] for r in conn.execute(text("SELECT type FROM mutations WHERE device_id=:d ORDER BY seq"),
                                            {"d": store.device_id})]
    assert kinds == ["mutation.void", "note.add"]  # the number is used up, nothing applied
    assert engine.sync_once().rejected == 0  # never tried again
    store.close()


def test_too_large_photo_and_a_lost_photo_file_are_refused_per_item(server, tmp_path):
    """A photo over the size limit (413) and one deleted from the phone refuse only their task."""
    store = DeviceStore(tmp_path / "big.db")
    api = login(server.url, store, "S3004", "4444")
    engine = SyncEngine(store, api)
    engine.sync_once()
    punches = PunchActions(store, store.clock, _actor(store))
    huge = b"\xff\xd8\xff\xe0" + b"\x00" * (11 * 1024 * 1024)
    punches.record_punch(kind="clock_in", store_id="st-mk", fix=None, method="face", selfie=huge)
    lost = punches.record_punch(kind="clock_in", store_id="st-mk", fix=None, method="face",
                                selfie=b"\xff\xd8\xff\xe0 lost photo")
    with store.reading() as db:
        path = db.execute("SELECT path FROM photo_uploads WHERE size < 100").fetchone()[0]
    import os
    os.remove(path)
    note = punches.add_note("st-mk", "still goes through")

    report = engine.sync_once()

    with store.reading() as db:
        reasons = {json.loads(r["payload"])["punch_id"]: r["reason"] for r in outbox.rejected(db)}
    assert sorted(reasons.values()) == ["payload_too_large", "photo_missing"]
    assert reasons[lost] == "photo_missing"
    assert report.applied == 1 and report.waiting == 0
    with server_engine(server).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes WHERE id=:i"), {"i": note}).scalar() == 1
    store.close()
