"""Issue 13 with issue 10's rules, on the server and the phone: a shift needing a skill (``role``)
is taken only by someone whose valid training grants it; an expired completion grants nothing."""

import json
from datetime import UTC, datetime, timedelta

from app.domain.shift_rules import REFUSED
from app.store import training_queries as q
from backend_stub import db
from tests.servers import server_engine
from tests.test_api_push import mutation, push
from tests.test_trades_device import Phone
from tests.trade_world import add_shift, full_week, future_monday, offer, shift_row, trade_row
from tests.training_world import (CHAN, CWB_MANAGER, HQ, QUIZ, SITI, TrainingPhone, at_store, code_now, new_session,
                                  right_answers, write_courses)

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


def _passes_the_quiz(manager, siti, session_id: str) -> None:
    """Siti signs in to a stock-room session at the store and passes its quiz; her phone syncs."""
    new_session(manager, session_id, course_id="stock", starts_in_min=2, trainer_id="u-sm-cwb")
    siti.sync.sync_once()
    siti.fetch_quiz(session_id, QUIZ["id"])
    siti.actions.sign_in_to_session(session_id, code_now(manager, session_id), at_store())
    with siti.store.reading() as sdb:
        view = q.next_view(sdb, siti.user_id, session_id, QUIZ["id"])
    siti.actions.answer_quiz(session_id, right_answers(view))
    siti.sync.sync_once()
    siti.sync.sync_once()  # the grade, then what it recorded
    assert siti.rows("SELECT via, score FROM training_completions WHERE user_id='u-s02'") == [
        {"via": "quiz", "score": 100}]


def test_a_colleagues_phone_learns_the_skill_but_not_the_completion(server, tmp_path):
    """Siti passes the stock-room course's quiz on her phone (real sign-in and grading); Chan's phone
    syncs and lists her as able to take his stock-room shift (before: the missing skill). Chan's
    phone holds her skill and until when, never her completion, score, quiz result or certificate;
    HQ renaming the course's skill reaches it too (the shift then needs a skill she lacks)."""
    engine = server_engine(server)
    hq, manager = TrainingPhone(server, tmp_path, *HQ), TrainingPhone(server, tmp_path, *CWB_MANAGER)
    siti, chan = TrainingPhone(server, tmp_path, *SITI), Phone(server, tmp_path, *CHAN)
    try:
        write_courses(hq)
        shift = add_shift(engine, "u-s01", future_monday(9), role="stock_room")
        full_week(engine, "u-s01", future_monday(9))
        chan.sync()
        assert {c.person_id: c.status for c in chan.trades.who_can_take(shift)}["u-s02"] == REFUSED
        _passes_the_quiz(manager, siti, "ts-skill-phone")
        chan.sync()
        assert {c.person_id: c.status for c in chan.trades.who_can_take(shift)}["u-s02"] != REFUSED
        held = chan.one("training_skills", "u-s02")
        skills = json.loads(held["skills"])
        assert [s["skill"] for s in skills] == ["stock_room"] and set(skills[0]) == {"skill", "until"}
        assert datetime.fromisoformat(skills[0]["until"]) > datetime.now(UTC) + timedelta(days=300)  # 12 months
        with chan.store.reading() as cdb:
            for table in ("training_completions", "training_quiz_results", "training_sign_ins"):
                assert list(cdb.query(f"SELECT * FROM {table} WHERE user_id='u-s02'")) == [], table
        with engine.connect() as conn:
            pulled = conn.execute(db.changes.select().where(db.changes.c.entity == "training_skills",
                                                            db.changes.c.entity_id == "u-s02")).mappings().all()
        assert pulled and {r["audience"] for r in pulled} == {"store"}
        assert all(set(json.loads(r["data"])) == {"user_id", "skills"} for r in pulled)
        hq.post("/v1/training/courses", {"id": "stock", "title": "Stock room safety", "skill": "pallets",
                                         "validity_months": 12, "quiz_id": QUIZ["id"]})  # the skill renamed
        chan.sync()
        assert [s["skill"] for s in json.loads(chan.one("training_skills", "u-s02")["skills"])] == ["pallets"]
        assert {c.person_id: c.status for c in chan.trades.who_can_take(shift)}["u-s02"] == REFUSED
    finally:
        for phone in (hq, manager, siti):
            phone.close()
        chan.store.close()
        engine.dispose()
