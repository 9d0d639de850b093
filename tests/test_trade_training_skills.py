"""Issue 13 with issue 10's rules, on the server and the phone: a shift needing a skill (``role``)
is taken only by someone whose valid training grants it; an expired completion grants nothing."""

from datetime import UTC, datetime, timedelta

from app.domain.shift_rules import REFUSED
from backend_stub import db
from backend_stub.services.changes import emit, flush
from tests.servers import server_engine
from tests.test_api_push import mutation, push
from tests.test_trades_device import Phone
from tests.trade_world import add_shift, full_week, future_monday, offer, shift_row, trade_row

SKILL = "forklift"


def _one(api, user_id: str, seq: int, type_: str, payload: dict) -> dict:
    r = push(api, user_id, [mutation(seq, type_, payload)], device_id=f"dev-skill-{user_id}")
    assert r.status_code == 200, r.text
    return r.json()["results"][0]


def _trained(api, user_id: str, expires_at: datetime | None) -> None:
    """HQ's forklift course and ``user_id``'s completion of it (as a passed quiz records it)."""
    now = datetime.now(UTC)
    with api.engine.begin() as conn:
        if conn.execute(db.training_courses.select().where(db.training_courses.c.id == "fork")).first() is None:
            conn.execute(db.training_courses.insert().values(id="fork", title="Forklift", skill=SKILL,
                                                             written_by="u-hq", written_at=now))
        conn.execute(db.training_completions.insert().values(
            id=f"tc-{user_id}-{expires_at}", user_id=user_id, course_id="fork", completed_at=now - timedelta(days=400),
            expires_at=expires_at, via="quiz", score=100))


def _cover_taken_by_siti(api, weeks: int, seq: int) -> tuple[str, dict]:
    monday = future_monday(weeks)
    shift = add_shift(api.engine, "u-s01", monday, role=SKILL)
    full_week(api.engine, "u-s01", monday)
    trade = f"tr-skill-{weeks}"
    assert _one(api, "u-s01", seq, "trade.request", offer(trade, shift, None, kind="cover"))["status"] == "applied"
    return shift, _one(api, "u-s02", seq, "trade.respond", {"trade_id": trade, "accept": True})


def test_a_skill_from_valid_training_makes_a_colleague_eligible_and_an_expired_one_does_not(api):
    """Siti untrained: her yes to a forklift cover is refused with the missing skill. With an
    expired completion: refused the same. With a valid one: the shift is hers."""
    shift, answer = _cover_taken_by_siti(api, 6, 1)
    assert answer["status"] == "rejected" and answer["reason"] == "shift_role_missing", answer
    _trained(api, "u-s02", datetime.now(UTC) - timedelta(days=1))
    shift, answer = _cover_taken_by_siti(api, 7, 2)
    assert answer["status"] == "rejected" and answer["reason"] == "shift_role_missing", answer
    _trained(api, "u-s02", None)
    shift, answer = _cover_taken_by_siti(api, 8, 3)
    assert answer["status"] == "applied", answer
    assert trade_row(api.engine, "tr-skill-8")["state"] == "approved"
    assert shift_row(api.engine, shift)["user_id"] == "u-s02"


def test_the_phone_counts_the_training_it_holds(server, tmp_path):
    """On Siti's phone, once her forklift completion is pulled, she can take a forklift shift
    (before it: the missing skill); Chan's phone never holds her completion and still says so."""
    engine = server_engine(server)
    try:
        monday = future_monday(9)
        shift = add_shift(engine, "u-s01", monday, role=SKILL)
        full_week(engine, "u-s01", monday)
        siti, chan = Phone(server, tmp_path, "S3002", "2222"), Phone(server, tmp_path, "S3001", "1111")
        siti.sync()
        status = {c.person_id: c.status for c in siti.trades.who_can_take(shift)}
        assert status["u-s02"] == REFUSED
        now = datetime.now(UTC)
        row = dict(id="tc-phone", user_id="u-s02", course_id="fork", session_id=None, completed_at=now,
                   expires_at=None, via="quiz", score=100)
        with engine.begin() as conn:
            course = dict(id="fork", title="Forklift", skill=SKILL, validity_months=None, sign_out_required=False,
                          quiz_id=None)
            conn.execute(db.training_courses.insert().values(**course, written_by="u-hq", written_at=now))
            emit(conn, "training_course", "fork", course, audience="all")
            conn.execute(db.training_completions.insert().values(**row))
            emit(conn, "training_completion", "tc-phone", row, audience="user", user_id="u-s02")
            flush(conn)
        siti.sync()
        chan.sync()
        assert {c.person_id: c.status for c in siti.trades.who_can_take(shift)}["u-s02"] != REFUSED
        assert {c.person_id: c.status for c in chan.trades.who_can_take(shift)}["u-s02"] == REFUSED
        siti.store.close()
        chan.store.close()
    finally:
        engine.dispose()
