"""Device sessions: logout ends the access token at once, a device stays bound to its user until
they log out, and a refresh whose answer was lost can be retried for a short grace."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from app.sync import ApiClient, NetworkError
from backend_stub import db
from backend_stub.services import sessions
from tests.servers import ApiServer
from tests.test_api_push import SENT_MONO, mutation, note_add

DEVICE = "dev-sess-0001"


def login(api, staff_no: str, pin: str, device_id: str = DEVICE):
    return api.post("/v1/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id})


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def refresh(api, token: str, device_id: str = DEVICE):
    return api.post("/v1/auth/refresh", json={"refresh_token": token, "device_id": device_id})


def push_note(api, tokens: dict, seq: int, note_id: str, user_id: str = "u-s01", device_id: str = DEVICE):
    body = {"device_id": device_id, "mutations": [mutation(seq, "note.add", note_add(note_id, user_id))],
            "sent": {"device_time": datetime.now(UTC).isoformat(), "monotonic_ms": SENT_MONO,
                     "boot_id": "boot-a"}}
    return api.post("/v1/sync/push", json=body, headers=bearer(tokens))


def test_logout_ends_the_access_token_at_once(api):
    """Right after logout the access token no longer reads /me, pushes or pulls (401)."""
    tokens = login(api, "S3001", "1111").json()
    assert api.get("/v1/auth/me", headers=bearer(tokens)).status_code == 200
    assert push_note(api, tokens, 1, "n-before").json()["results"][0]["status"] == "applied"
    assert api.post("/v1/auth/logout", headers=bearer(tokens)).status_code == 204
    for resp in (api.get("/v1/auth/me", headers=bearer(tokens)), push_note(api, tokens, 2, "n-after"),
                 api.get("/v1/sync/pull", params={"cursor": ""}, headers=bearer(tokens))):
        assert resp.status_code == 401, resp.text
        assert resp.json()["code"] == "token_invalid"
    with api.engine.connect() as conn:
        assert conn.execute(select(db.notes.c.id)).scalars().all() == ["n-before"]


def test_login_with_another_users_device_id_is_refused_and_the_victim_keeps_syncing(api):
    """Signing in with a device id bound to someone else answers 409 device_bound; the owner's
    session and queued actions carry on (no sign-out, no seq_reused)."""
    victim = login(api, "S3001", "1111").json()
    taken = login(api, "S3002", "2222")
    assert taken.status_code == 409
    assert taken.json()["code"] == "device_bound"
    if "access_token" in taken.json():  # what the old code allowed: the thief's action takes seq 1
        push_note(api, taken.json(), 1, "n-thief", user_id="u-s02")
    result = push_note(api, victim, 1, "n-victim").json()["results"][0]
    assert result["status"] == "applied", result
    assert refresh(api, victim["refresh_token"]).status_code == 200
    with api.engine.connect() as conn:
        owner = conn.execute(select(db.devices.c.user_id).where(db.devices.c.id == DEVICE)).scalar_one()
    assert owner == "u-s01"


def test_device_whose_session_expired_passes_on_and_the_old_token_stops(api):
    """A device whose user's session ran out may be bound by another user; the old access token stops."""
    first = login(api, "S3001", "1111").json()
    with api.engine.begin() as conn:
        conn.execute(update(db.auth_sessions).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    second = login(api, "S3002", "2222")
    assert second.status_code == 200, second.text
    resp = api.get("/v1/auth/me", headers=bearer(first))
    assert resp.status_code == 401 and resp.json()["code"] == "token_invalid"
    assert api.get("/v1/auth/me", headers=bearer(second.json())).json()["id"] == "u-s02"


def test_deactivated_user_frees_the_device(api):
    """A deactivated user's device may be signed in by the next person (their session is over)."""
    login(api, "S3001", "1111")
    with api.engine.begin() as conn:
        conn.execute(update(db.users).where(db.users.c.id == "u-s01").values(active=False))
    assert login(api, "S3002", "2222").status_code == 200


def test_retried_refresh_within_grace_gets_a_working_pair(api):
    """The answer to a refresh was lost: the same token again, soon, from the same device, works."""
    first = login(api, "S3001", "1111").json()
    lost = refresh(api, first["refresh_token"]).json()  # the device never saw this answer
    retried = refresh(api, first["refresh_token"])
    assert retried.status_code == 200, retried.text
    pair = retried.json()
    assert pair["user"]["id"] == "u-s01"
    assert api.get("/v1/auth/me", headers=bearer(pair)).status_code == 200
    # The session goes on: the new refresh token rotates normally; the unseen one is void.
    assert refresh(api, pair["refresh_token"]).status_code == 200
    assert refresh(api, lost["refresh_token"]).status_code == 401


def test_retry_outside_grace_or_of_an_older_token_is_treated_as_theft(api):
    """After the grace, or for a token two rotations old, the device's session ends (401)."""
    first = login(api, "S3001", "1111").json()
    second = refresh(api, first["refresh_token"]).json()
    third = refresh(api, second["refresh_token"]).json()
    older = refresh(api, first["refresh_token"])
    assert older.status_code == 401 and older.json()["code"] == "refresh_invalid"
    assert api.get("/v1/auth/me", headers=bearer(third)).status_code == 401

    again = login(api, "S3001", "1111").json()
    refresh(api, again["refresh_token"])
    with api.engine.begin() as conn:
        conn.execute(update(db.auth_sessions).values(
            rotated_at=datetime.now(UTC) - timedelta(seconds=sessions.REFRESH_GRACE_S + 1)))
    late = refresh(api, again["refresh_token"])
    assert late.status_code == 401 and late.json()["code"] == "refresh_invalid"


def test_grace_is_only_for_the_same_device(api):
    """The replaced token sent from another device id is refused, and the owner stays signed in."""
    first = login(api, "S3001", "1111").json()
    second = refresh(api, first["refresh_token"]).json()
    assert refresh(api, first["refresh_token"], device_id="dev-other-0002").status_code == 401
    assert api.get("/v1/auth/me", headers=bearer(second)).status_code == 200


class LoseFirstRefreshAnswer(httpx.HTTPTransport):
    """The network drops the first refresh answer after the server has sent it."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        resp = super().handle_request(request)
        if request.url.path.endswith("/auth/refresh") and not self.dropped:
            resp.read()
            self.dropped = True
            raise httpx.ReadError("connection reset while reading the answer")
        return resp


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    srv = ApiServer(tmp_path_factory.mktemp("sessions")).start()
    yield srv
    srv.stop()


def test_app_survives_a_lost_refresh_answer(real_server):
    """Against a real server: the app's refresh answer is lost, it retries, and stays signed in."""
    transport = LoseFirstRefreshAnswer()
    client = ApiClient(real_server.url, "dev-sess-lost1", transport=transport)
    client.login("S3003", "3333")
    with pytest.raises(NetworkError):
        client.refresh()
    assert transport.dropped
    client.refresh()
    assert client.pull("", limit=5).changes  # the refreshed session works
    client.logout()
    client.close()


def test_refresh_token_from_before_sessions_keeps_its_user_signed_in(api):
    """A refresh token issued by the previous server version (no session) still refreshes once,
    and the new pair is bound to a session that logout ends."""
    tokens = login(api, "S3001", "1111").json()
    with api.engine.begin() as conn:
        conn.execute(db.auth_sessions.delete())  # as the old server left it
    pair = refresh(api, tokens["refresh_token"])
    assert pair.status_code == 200, pair.text
    assert api.get("/v1/auth/me", headers=bearer(pair.json())).status_code == 200
    assert api.post("/v1/auth/logout", headers=bearer(pair.json())).status_code == 204
    assert api.get("/v1/auth/me", headers=bearer(pair.json())).status_code == 401


def test_manager_signs_a_person_out_to_free_a_shared_phone(api):
    """A shared phone left signed in: the person's store manager signs them out (audited); their
    token stops, and the next person may sign in on the phone. Staff and other stores may not."""
    left = login(api, "S3001", "1111").json()
    assert login(api, "S3002", "2222").json()["code"] == "device_bound"
    peer = login(api, "S3002", "2222", device_id="dev-peer-0001").json()
    other_store = login(api, "M2002", "7200", device_id="dev-mk-000001").json()
    for caller in (peer, other_store):
        assert api.post("/v1/staff/u-s01/sign-out", headers=bearer(caller)).status_code == 403
    manager = login(api, "M2001", "7100", device_id="dev-cwb-00001").json()
    resp = api.post("/v1/staff/u-s01/sign-out", headers=bearer(manager))
    assert resp.status_code == 200, resp.text
    assert resp.json()["devices_signed_out"] == 1
    assert api.get("/v1/auth/me", headers=bearer(left)).status_code == 401
    assert login(api, "S3002", "2222").status_code == 200
    with api.engine.connect() as conn:
        audit = conn.execute(select(db.sign_in_audit)).mappings().all()
    assert [(a["user_id"], a["action"], a["by_user"]) for a in audit] == [("u-s01", "sign_out", "u-sm-cwb")]
