"""Issue 13, traintrainer: the trainer's phone takes its sessions' secrets from a real uvicorn API
(SQLite and PostgreSQL), keeps them in device meta, shows the server's code offline, and deletes
them when the session is over, no longer theirs, or at logout; no other person's phone gets one."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app.domain.training import codes, trainer
from app.store import DeviceStore, training_secrets
from app.sync import ApiClient, NetworkError
from app.sync.trainer_sessions import refresh
from backend_stub import db
from tests.conftest import login

TRAINER, STAFF = "u-s02", "u-s01"


def _secret_on_server(server, session_id: str) -> bytes:
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            text = conn.execute(select(db.training_sessions.c.secret)
                                .where(db.training_sessions.c.id == session_id)).scalar_one()
    finally:
        engine.dispose()
    return codes.decode_secret(text)


@pytest.fixture(scope="module")
def sessions(server, tmp_path_factory):
    """HQ writes a course; Causeway Bay's manager schedules two sessions trained by Siti (u-s02)."""
    path = tmp_path_factory.mktemp("hq")
    hq = DeviceStore(path / "hq.db")
    manager = DeviceStore(path / "sm.db")
    try:
        api = login(server.url, hq, "A0001", "9000")
        api._authed("POST", "/training/courses", json={"id": "hygiene", "title": "Food hygiene",
                                                       "skill": "food_safety"})
        api = login(server.url, manager, "M2001", "7100")
        for sid, start in (("ts-dev-a", 5), ("ts-dev-b", 90)):
            at = datetime.now(UTC) + timedelta(minutes=start)
            api._authed("POST", "/training/sessions", json={
                "id": sid, "course_id": "hygiene", "trainer_id": TRAINER, "store_id": "st-cwb",
                "starts_at": at.isoformat(), "ends_at": (at + timedelta(hours=1)).isoformat()})
    finally:
        hq.close()
        manager.close()
    return ["ts-dev-a", "ts-dev-b"]


def _keys(store: DeviceStore) -> list[str]:
    with store.reading() as conn:
        return [r[0] for r in conn.execute("SELECT key FROM meta WHERE key LIKE 'training_secret:%'")]


def test_the_trainers_phone_keeps_the_secrets_and_shows_the_servers_code_offline(server, sessions, tmp_path: Path):
    """Online, refresh keeps both sessions' secrets (equal to the server's); offline the phone still
    lists them and shows the code the server expects for this moment."""
    store = DeviceStore(tmp_path / "trainer.db")
    api = login(server.url, store, "S3002", "2222")
    kept = refresh(store, api, TRAINER, datetime.now(UTC))
    assert [k.session_id for k in kept] == sessions
    assert kept[0].secret == _secret_on_server(server, "ts-dev-a")
    assert kept[0].shown["course_title"] == "Food hygiene"
    offline = ApiClient("http://127.0.0.1:9", store.device_id, timeout=1)
    offline.refresh_token = api.refresh_token
    with pytest.raises(NetworkError):
        refresh(store, offline, TRAINER, datetime.now(UTC))
    now = datetime.now(UTC)
    again = training_secrets.kept_one(store, TRAINER, "ts-dev-a", now)
    shown = trainer.shown_now("ts-dev-a", again.secret, now, store.clock.offset_ms)
    assert codes.verify_code(_secret_on_server(server, "ts-dev-a"), shown.code, now).accepted
    assert shown.qr_text == f"shopfloor:training/ts-dev-a/{shown.code}" and 1 <= shown.seconds_left <= 30
    store.close()


def test_no_secret_reaches_another_persons_phone(server, sessions, tmp_path: Path):
    """A colleague at the same store (Chan, u-s01) refreshing on their phone keeps nothing: the server
    lists no session of theirs and the phone's meta holds no secret."""
    store = DeviceStore(tmp_path / "staff.db")
    api = login(server.url, store, "S3001", "1111")
    assert refresh(store, api, STAFF, datetime.now(UTC)) == []
    assert _keys(store) == []
    store.close()


def test_secrets_go_when_over_not_theirs_or_at_logout(server, sessions, tmp_path: Path):
    """A secret past its last code is deleted; one the server no longer lists is deleted; another person
    signing in on the phone is not given the trainer's; logout deletes every one."""
    store = DeviceStore(tmp_path / "shared.db")
    api = login(server.url, store, "S3002", "2222")
    refresh(store, api, TRAINER, datetime.now(UTC))
    assert training_secrets.kept_one(store, STAFF, "ts-dev-a", datetime.now(UTC)) is None  # the next person
    past = training_secrets.kept_one(store, TRAINER, "ts-dev-a", datetime.now(UTC))
    late = past.codes_until + timedelta(seconds=1)
    assert [k.session_id for k in training_secrets.kept(store, TRAINER, late)] == ["ts-dev-b"]
    assert training_secrets.forget_stale(store, TRAINER, late) == 1
    assert _keys(store) == ["training_secret:ts-dev-b"]
    training_secrets.forget_stale(store, TRAINER, datetime.now(UTC), still_mine=set())
    assert _keys(store) == []
    refresh(store, api, TRAINER, datetime.now(UTC))
    assert len(_keys(store)) == 2
    assert training_secrets.forget_all(store) == 2 and _keys(store) == []
    store.close()


def test_a_damaged_kept_secret_is_ignored_and_deleted(device):
    """A meta row that is not a kept secret (hand-edited, cut off) is never shown and is deleted."""
    device.set_meta("training_secret:ts-bad", '{"user_id": "u-s02", "secret": "!!"')
    assert training_secrets.kept(device, TRAINER, datetime.now(UTC)) == []
    assert training_secrets.forget_stale(device, TRAINER, datetime.now(UTC)) == 1
    with pytest.raises(ValueError):
        training_secrets.keep(device, TRAINER, {"id": "ts-x", "starts_at": datetime.now(UTC),
                                                "ends_at": datetime.now(UTC)}, "SHORT", datetime.now(UTC))
