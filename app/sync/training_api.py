"""Issue 13: the online calls of the training screens: the managers' (trainmanage: sessions and
the trained matrix) and the staff phone's (trainstaff: a session's quiz views, fetched while
online so the quiz can be answered offline later; a view holds no key, no seed and no authored
choice id). Each needs the server (``NetworkError`` offline, ``RequestRejected`` with the
rule's reason when refused); nothing here is queued. Uses the client's ``_authed`` (tokens,
refresh on 401, error mapping)."""

from app.protocol.training import PublicQuizOut
from app.sync.api import ApiClient


def courses(api: ApiClient) -> list[dict]:
    """The course catalogue (what a session is of)."""
    return api._authed("GET", "/training/courses").json()  # noqa: SLF001 (the client's one request path)


def sessions(api: ApiClient, store_id: str) -> list[dict]:
    """A store's sessions not ended yet, soonest first, with how many signed in (its managers)."""
    return api._authed("GET", "/training/sessions", params={"store_id": store_id}).json()  # noqa: SLF001


def create_session(api: ApiClient, body: dict) -> dict:
    """Schedule a session (``SessionCreate``); the public session (no secret)."""
    return api._authed("POST", "/training/sessions", json=body).json()  # noqa: SLF001


def edit_session(api: ApiClient, session_id: str, body: dict) -> dict:
    """Change a session (``SessionEdit``, on the version seen)."""
    return api._authed("PUT", f"/training/sessions/{session_id}", json=body).json()  # noqa: SLF001


def cancel_session(api: ApiClient, session_id: str, base_version: int) -> dict:
    """Call a session off (on the version seen); invitees and the roll are told by the server."""
    return api._authed("POST", f"/training/sessions/{session_id}/cancel",  # noqa: SLF001
                       json={"base_version": base_version}).json()


def matrix(api: ApiClient, store_id: str) -> dict:
    """People by course at one store (done, expiring, expired, missing)."""
    return api._authed("GET", "/training/matrix", params={"store_id": store_id}).json()  # noqa: SLF001


def matrix_file(api: ApiClient, store_id: str, fmt: str) -> bytes:
    """The matrix exported as ``csv`` or ``xlsx``, in the reader's language."""
    return api._authed("GET", "/training/matrix", params={"store_id": store_id, "format": fmt}).content  # noqa: SLF001


def matrix_link(api: ApiClient, store_id: str, fmt: str) -> str:
    """On the web: an absolute link the browser downloads the export from (10 minutes)."""
    resp = api._authed("POST", "/training/matrix/link", params={"store_id": store_id, "format": fmt})  # noqa: SLF001
    origin = str(api._http.base_url).rstrip("/").removesuffix("/v1")  # noqa: SLF001
    return origin + resp.json()["url"]


def quiz_views(api: ApiClient, session_id: str) -> list[PublicQuizOut]:
    """My views of the session's quiz, one per attempt still allowed (``GET .../quiz``)."""
    resp = api._authed("GET", f"/training/sessions/{session_id}/quiz")  # noqa: SLF001
    return [PublicQuizOut.model_validate(view) for view in resp.json()]
