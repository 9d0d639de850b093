"""Issue 13, trainremind: training expiry reminders reach real phones (real uvicorn API, the job
run on a fixed clock against the server's database) and are shown: Chan's Home and My training
say "Till basics expires in 30 days (on ...). Book a session." in the reader's language; the
Causeway Bay manager's Home lists "Training expiring soon" with the person, course and date and
opens Team -> Who is trained; a renewal (a newer completion) hides the reminder after sync, and
so does the expiry itself. Every pressable control has a spoken name."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.training import completions
from app.i18n import Translator
from app.store.training_reminders import my_expiry_reminders
from app.sync import SyncEngine
from app.ui import training_reminders as expiring
from app.ui.screens import home, my_training
from backend_stub.engine import make_engine
from backend_stub.services.changes import flush
from backend_stub.services.training_reminders import run_training_reminders
from backend_stub.services.training_signin import _record
from tests.test_accessible_names import nameless
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)
from tests.training_world import TrainingPhone, write_courses

CHAN_ID = "u-s01"


@pytest.fixture
def engine(server, tmp_path):
    """HQ's courses through the API, and the server's own database for the job."""
    hq = TrainingPhone(server, tmp_path, "A0001", "9000")
    write_courses(hq)
    hq.close()
    eng = make_engine(server.db_url)
    yield eng
    eng.dispose()


def _complete(engine, key: str, completed_at: datetime, expires_at: datetime, course_id: str = "tills") -> None:
    """A completion of a course (Till basics) by Chan, told to Chan and Causeway Bay's managers as the server does."""
    with engine.begin() as conn:
        _record(conn, {"id": None, "store_id": "st-cwb"},
                completions.Completion(CHAN_ID, course_id, completed_at, expires_at, completions.VIA_ATTENDANCE), key)
        flush(conn)


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def test_expiring_completion_reminded_on_staff_and_manager_home_until_renewed(server, device, engine):
    """30 days before expiry the job sends one reminder; after a sync Chan's Home and My training
    word it from its fields, the manager's Home lists Chan,
    the course and the date with a named button to Who is trained; a renewal hides both."""
    now = datetime.now(UTC)
    expires = now + timedelta(days=30)
    _complete(engine, "tc-old", expires - timedelta(days=30 * 12), expires)
    assert run_training_reminders(engine, now) == 1
    chan, manager = device("S3001", "1111"), device("M2001", "7100")
    line = chan._("{course} expires in {count} days (on {date}). Book a session.", course="Till basics",
                  count="30", date=chan.tr.format_date(expires, "medium"))
    assert line == "Till basics expires in 30 days (on %s). Book a session." % chan.tr.format_date(expires, "medium")
    assert line in _texts(home.view(chan))
    assert line in _texts(my_training.view(chan))
    assert "Training expiring soon" not in _texts(home.view(chan))  # staff see only their own

    team_view = home.view(manager)
    want = manager._("{person}: {course}, expires on {date}", person="Chan Tai Man 陳大文", course="Till basics",
                     date=manager.tr.format_date(expires, "medium"))
    assert "Training expiring soon" in _texts(team_view) and want in _texts(team_view)
    assert nameless(team_view) == []
    _button(team_view, "Who is trained").on_click(None)
    assert manager.page.route == expiring.MATRIX_ROUTE

    _complete(engine, "tc-new", now, now + timedelta(days=365))  # renewed at today's session
    _sync(chan)
    _sync(manager)
    assert line not in _texts(home.view(chan)) and line not in _texts(my_training.view(chan))
    assert "Training expiring soon" not in _texts(home.view(manager))


def test_reminder_in_the_readers_language_and_gone_after_expiry(server, device, engine):
    """The same pulled fields read on a Traditional Chinese phone carry the date in that reader's
    form; once the expiry has passed the reminder is no longer shown (and a later job run sends
    nothing more)."""
    now = datetime.now(UTC)
    expires = now + timedelta(days=7, hours=1)
    _complete(engine, "tc-seven", expires - timedelta(days=30), expires, "stock")
    assert run_training_reminders(engine, now) == 1
    chan = device("S3001", "1111", locale="zh_Hant_HK")
    assert chan.tr.format_date(expires, "medium") != Translator("en").format_date(expires, "medium")
    mine = [expiring.my_line(chan, r, now) for r in my_expiry_reminders_of(chan, now)]
    assert len(mine) == 1 and chan.tr.format_date(expires, "medium") in mine[0]
    assert mine[0] in _texts(home.view(chan))
    assert my_expiry_reminders_of(chan, expires + timedelta(seconds=1)) == []
    assert run_training_reminders(engine, expires + timedelta(days=1)) == 0


def my_expiry_reminders_of(ctx, at: datetime) -> list:
    with ctx.store.reading() as db:
        return my_expiry_reminders(db, ctx.user["id"], at)
