"""Issue 13, traininvite: on real phones (device stores, real uvicorn API), someone of another store
invited by name finds a new session in their list after one sync (no secret stored); a colleague of
theirs who was not invited never receives it."""

from datetime import UTC, datetime

import pytest

from app.store import training_queries as q
from tests.training_world import CWB_MANAGER, HQ, TrainingPhone, new_session, write_courses

LEUNG, NGUYEN = ("S3003", "3333"), ("S3004", "4444")  # both of Mong Kok


@pytest.fixture
def phones(server, tmp_path):
    made = {name: TrainingPhone(server, tmp_path, *who) for name, who in
            {"hq": HQ, "manager": CWB_MANAGER, "leung": LEUNG, "nguyen": NGUYEN}.items()}
    yield made
    for phone in made.values():
        phone.close()


def test_an_invitee_of_another_store_sees_a_new_session_after_one_sync(phones):
    """A Causeway Bay session for invited people only, naming Leung (Mong Kok): Leung's phone lists
    it after one sync, and its row has no secret; Nguyen (Mong Kok, not invited) holds no copy."""
    write_courses(phones["hq"])
    sid = f"ts-invite-{datetime.now(UTC).strftime('%H%M%S%f')}"
    leung, nguyen = phones["leung"], phones["nguyen"]
    new_session(phones["manager"], sid, starts_in_min=60, invite_only=True, invited_user_ids=[leung.user_id])
    leung.sync.sync_once()
    nguyen.sync.sync_once()
    with leung.store.reading() as db:
        assert sid in [s["id"] for s in q.my_sessions(db, leung.actions.actor, datetime.now(UTC))]
    row = leung.rows("SELECT * FROM training_sessions WHERE id=?", [sid])[0]
    assert "secret" not in row and row["store_id"] == "st-cwb"
    assert nguyen.rows("SELECT id FROM training_sessions WHERE id=?", [sid]) == []
