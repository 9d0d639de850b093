"""Errors of the sync engine and API client.

Hierarchy::

    SyncError                    base
    ├── TransientError           worth retrying with backoff
    │   ├── NetworkError         no answer: DNS, refused, reset, timeout
    │   └── ServerError          5xx
    ├── AuthRequired             401 and the refresh token no longer works: sign in again
    └── RequestRejected          any other 4xx: the request itself is wrong (code, message)
"""


class SyncError(Exception):
    """Base of everything the sync engine raises."""


class TransientError(SyncError):
    """The request may succeed if repeated later."""


class NetworkError(TransientError):
    """The server could not be reached or did not answer."""


class ServerError(TransientError):
    """The server answered 5xx."""

    def __init__(self, status: int, message: str = "", code: str | None = None) -> None:
        super().__init__(f"server error {status}: {message}")
        #: The error body's code when the server said why (e.g. ``face_engine_unavailable``).
        self.status, self.code = status, code


class AuthRequired(SyncError):
    """The session is over (refresh refused): the user must sign in again."""


class RequestRejected(SyncError):
    """A 4xx other than an expired token: retrying the same request will not help."""

    def __init__(self, status: int, code: str, message: str, details=None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.details = status, code, message, details
