"""Issue 13, trainstaff: the training calls the staff phone makes online (next to ``api.py``, with
its ``_authed`` request helper): the views of a session's quiz, fetched while online so the quiz
can be answered offline later. A view holds no key, no seed and no authored choice id."""

from app.protocol.training import PublicQuizOut
from app.sync.api import ApiClient


def quiz_views(api: ApiClient, session_id: str) -> list[PublicQuizOut]:
    """My views of the session's quiz, one per attempt still allowed (``GET .../quiz``)."""
    resp = api._authed("GET", f"/training/sessions/{session_id}/quiz")
    return [PublicQuizOut.model_validate(view) for view in resp.json()]
