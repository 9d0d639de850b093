"""Issue 13, traintrainer: the trainer's online calls (``/v1/training``), through the API client's
``_authed`` (token refresh, error mapping, clock offset). Every call blocks: run it with ``offload``."""

from app.sync.api import ApiClient


def my_sessions(api: ApiClient) -> list[dict]:
    """The sessions the signed-in person trains whose codes are still needed (no secrets)."""
    return api._authed("GET", "/training/my-sessions").json()


def session_secret(api: ApiClient, session_id: str) -> dict:
    """``{session_id, secret, codes_until}``: only the session's trainer gets it (else
    ``RequestRejected`` forbidden_role, training_closed...)."""
    return api._authed("GET", f"/training/sessions/{session_id}/secret").json()


def attendance(api: ApiClient, session_id: str) -> list[dict]:
    """The live roll of a session (its trainer and the store's managers)."""
    return api._authed("GET", f"/training/sessions/{session_id}/attendance").json()


def manual_add(api: ApiClient, session_id: str, user_id: str, reason: str) -> dict:
    """Add someone by hand with a reason; ``RequestRejected`` with the rule's reason if refused."""
    return api._authed("POST", f"/training/sessions/{session_id}/manual-add",
                       json={"user_id": user_id, "reason": reason}).json()
