"""A forgotten PIN: the store manager resets it from the phone (audited, sessions ended), and the
person chooses a new PIN at their next login. Staff and other stores' managers cannot reset."""

from sqlalchemy import select

from backend_stub import db


def login(api, staff_no: str, pin: str, device_id: str = "dev-reset-0001"):
    return api.post("/v1/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id})


def set_pin(api, staff_no: str, pin: str, new_pin: str, device_id: str = "dev-reset-0001"):
    return api.post("/v1/auth/set-pin", json={"staff_no": staff_no, "pin": pin, "new_pin": new_pin,
                                              "device_id": device_id})


def bearer(pair: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def audit(api) -> list[tuple[str, str, str]]:
    with api.engine.connect() as conn:
        rows = conn.execute(select(db.sign_in_audit).order_by(db.sign_in_audit.c.id)).mappings().all()
    return [(a["user_id"], a["action"], a["by_user"]) for a in rows]


def test_staff_and_other_stores_managers_cannot_reset_a_pin(api):
    """A colleague, another store's manager and the person themselves get 403; the PIN still works."""
    colleague = login(api, "S3002", "2222", device_id="dev-peer-00001").json()
    other_store = login(api, "M2002", "7200", device_id="dev-mk-000001").json()
    self_ = login(api, "S3001", "1111").json()
    for caller in (colleague, other_store, self_):
        resp = api.post("/v1/staff/u-s01/reset-pin", headers=bearer(caller))
        assert resp.status_code == 403 and resp.json()["code"] == "forbidden_role"
    manager = login(api, "M2001", "7100", device_id="dev-cwb-00001").json()
    assert api.post("/v1/staff/u-nobody/reset-pin", headers=bearer(manager)).status_code == 404
    assert login(api, "S3001", "1111", device_id="dev-reset-0002").status_code == 200
    assert audit(api) == []


def test_manager_reset_ends_sessions_and_next_login_sets_a_new_pin(api):
    """The Causeway Bay manager resets S3001's PIN: their phone is signed out, the old PIN fails,
    the temporary PIN asks for a new PIN, the new PIN works; every step is audited."""
    phone = login(api, "S3001", "1111").json()
    assert api.get("/v1/auth/me", headers=bearer(phone)).status_code == 200
    manager = login(api, "M2001", "7100", device_id="dev-cwb-00001").json()
    resp = api.post("/v1/staff/u-s01/reset-pin", headers=bearer(manager))
    assert resp.status_code == 200, resp.text
    reset = resp.json()
    temporary = reset["temporary_pin"]
    assert len(temporary) == 6 and temporary.isdigit() and reset["sessions_ended"] == 1
    assert api.get("/v1/auth/me", headers=bearer(phone)).status_code == 401

    assert login(api, "S3001", "1111").json()["code"] == "invalid_credentials"
    asked = login(api, "S3001", temporary)
    assert asked.status_code == 403 and asked.json()["code"] == "pin_change_required"
    assert "access_token" not in asked.json()
    assert set_pin(api, "S3001", temporary, temporary).status_code == 400  # must be a new PIN
    assert set_pin(api, "S3001", "1111", "4321").json()["code"] == "invalid_credentials"
    chosen = set_pin(api, "S3001", temporary, "4321")
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["user"]["staff_no"] == "S3001"
    assert api.get("/v1/auth/me", headers=bearer(chosen.json())).status_code == 200
    assert login(api, "S3001", temporary).json()["code"] == "invalid_credentials"
    assert login(api, "S3001", "4321").status_code == 200
    assert audit(api) == [("u-s01", "pin_reset", "u-sm-cwb"), ("u-s01", "pin_set", "u-s01")]


def test_area_manager_resets_a_pin_at_one_of_the_persons_stores(api):
    """S3008 works at Sha Tin and Causeway Bay: the Hong Kong area manager may reset, Kowloon's not."""
    kowloon = login(api, "A1001", "8100", device_id="dev-am-kln-01").json()
    assert api.post("/v1/staff/u-s08/reset-pin", headers=bearer(kowloon)).status_code == 403
    island = login(api, "A1002", "8200", device_id="dev-am-hk-001").json()
    assert api.post("/v1/staff/u-s08/reset-pin", headers=bearer(island)).status_code == 200
