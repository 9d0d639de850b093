"""HTTP client of the Shopfloor API: tokens, refresh on 401, error mapping, clock offset."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from app.domain.clock import offset_from_exchange
from app.platform import make_lock
from app.protocol import (
    CalendarFeedPublic,
    LoginRequest,
    PullResponse,
    PushRequest,
    PinReset,
    PushResponse,
    Reason,
    RefreshRequest,
    SetPinRequest,
    TokenPair,
)
from app.sync.errors import AuthRequired, NetworkError, RequestRejected, ServerError

log = logging.getLogger(__name__)


def server_date(headers: httpx.Headers) -> datetime | None:
    """The server's clock from a response's Date header, or ``None`` when it cannot be trusted.

    A proxy may add a second Date header (then we cannot tell which is the server's, so
    neither is used); ``-0000`` or a missing zone is read as UTC (HTTP dates are GMT);
    anything unreadable is ignored: clock data only improves estimates, it is never needed.
    """
    values = headers.get_list("date")
    if len(set(values)) != 1:
        if len(values) > 1:
            log.info("clock offset ignored: %d different Date headers", len(set(values)))
        return None
    try:
        parsed = parsedate_to_datetime(values[0])
    except (TypeError, ValueError, IndexError, OverflowError):
        log.info("clock offset ignored: unreadable Date header %r", values[0][:64])
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class ApiClient:
    """One device's connection to the API.

    Args:
        base_url: the API root (``http://host:port``).
        device_id: this device; tokens are bound to it.
        transport: an httpx transport (tests use ``MockTransport`` or ASGI).
        on_tokens: called with each new ``TokenPair`` so the caller can persist the refresh token.
        on_offset: called with each new server-clock offset estimate in milliseconds.
    """

    def __init__(self, base_url: str, device_id: str, *, transport: httpx.BaseTransport | None = None,
                 timeout: float = 15.0, on_tokens: Callable[[TokenPair], None] | None = None,
                 on_offset: Callable[[int], None] | None = None) -> None:
        self.device_id = device_id
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self._on_tokens, self._on_offset = on_tokens, on_offset
        #: One refresh at a time: two requests refused together (a sync round and a screen asking the
        #: server) must not both swap the one refresh token; the second uses the first one's tokens.
        self._refreshing = make_lock()
        self._http = httpx.Client(base_url=base_url.rstrip("/") + "/v1", transport=transport,
                                  timeout=timeout)

    def close(self) -> None:
        self._http.close()

    # -- plumbing ---------------------------------------------------------------------
    def _send(self, method: str, url: str, **kw) -> httpx.Response:
        sent = datetime.now(UTC)
        try:
            resp = self._http.request(method, url, **kw)
        except httpx.TransportError as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc
        self._note_clock(sent, resp)
        return resp

    def _note_clock(self, sent: datetime, resp: httpx.Response) -> None:
        """Update the server-clock offset from the Date header; bad clock data is ignored."""
        if self._on_offset is None:
            return
        server = server_date(resp.headers)
        if server is None:
            return
        try:
            offset = offset_from_exchange(sent, datetime.now(UTC), server)
            offset_ms = int(offset.total_seconds() * 1000)
        except (OverflowError, ValueError) as exc:  # a Date centuries away from the device clock
            log.warning("clock offset ignored: %s", exc)
            return
        self._on_offset(offset_ms)

    def ping(self, timeout: float = 5.0) -> None:
        """Check the API answers (``GET /health``, no token) within ``timeout`` seconds, shorter
        than a sync request's: a silent network must show as offline soon. Raises like any request."""
        self._raise_for(self._send("GET", "/health", timeout=timeout))

    @staticmethod
    def _raise_for(resp: httpx.Response) -> None:
        if resp.status_code < 400:
            return
        if resp.status_code >= 500:
            try:  # a 503 of ours says why; a proxy's 502 page does not
                code = resp.json().get("code")
            except (ValueError, AttributeError):
                code = None
            raise ServerError(resp.status_code, resp.text[:200], code if isinstance(code, str) else None)
        try:
            body = resp.json()
            code, message, details = body.get("code", "error"), body.get("message", ""), body.get("details")
        except ValueError:
            code, message, details = "error", resp.text[:200], None
        wait = resp.headers.get("retry-after", "")
        if resp.status_code == 429 and wait.isdigit() and (details is None or isinstance(details, dict)):
            # The header is the standard; a proxy's own 429 may carry nothing else.
            details = {"retry_after_s": int(wait), **(details or {})}
        raise RequestRejected(resp.status_code, code, message, details)

    def _authed(self, method: str, url: str, *, headers: dict | None = None,
                allow: tuple[int, ...] = (), **kw) -> httpx.Response:
        """Send with the access token; on 401 refresh once and resend.

        Statuses in ``allow`` are returned instead of raised.
        """
        if self.access_token is None:
            self._refresh_unless_done(None)
        for attempt in (0, 1):
            used = self.access_token
            resp = self._send(method, url, headers={**(headers or {}), "Authorization": f"Bearer {used}"}, **kw)
            if resp.status_code != 401 or self._pin_refused(resp):
                break
            if attempt == 0:
                self._refresh_unless_done(used)
        else:
            raise AuthRequired("access token refused after refresh")
        if resp.status_code not in allow:
            self._raise_for(resp)
        return resp

    def _refresh_unless_done(self, refused: str | None) -> None:
        """Refresh, unless another request already did since ``refused`` was the access token."""
        with self._refreshing:
            if self.access_token is None or self.access_token == refused:
                self.refresh()

    @staticmethod
    def _pin_refused(resp: httpx.Response) -> bool:
        """A 401 about a PIN typed at the kiosk, not about our token: resending would count the
        wrong PIN twice towards the lock."""
        try:
            return resp.json().get("code") == Reason.INVALID_CREDENTIALS
        except (ValueError, AttributeError):
            return False

    def _take(self, tokens: TokenPair) -> TokenPair:
        self.access_token, self.refresh_token = tokens.access_token, tokens.refresh_token
        if self._on_tokens:
            self._on_tokens(tokens)
        return tokens

    # -- auth -------------------------------------------------------------------------
    def login(self, staff_no: str, pin: str, *, device_name: str = "", platform: str = "") -> TokenPair:
        """Sign in; raises ``RequestRejected`` (code ``invalid_credentials``) on a wrong PIN."""
        body = LoginRequest(staff_no=staff_no, pin=pin, device_id=self.device_id,
                            device_name=device_name, platform=platform)
        resp = self._send("POST", "/auth/login", json=body.model_dump())
        self._raise_for(resp)
        return self._take(TokenPair.model_validate(resp.json()))

    def set_pin(self, staff_no: str, pin: str, new_pin: str, *, device_name: str = "",
                platform: str = "") -> TokenPair:
        """Sign in with the current (or a manager's temporary) PIN and choose ``new_pin``."""
        body = SetPinRequest(staff_no=staff_no, pin=pin, new_pin=new_pin, device_id=self.device_id,
                             device_name=device_name, platform=platform)
        resp = self._send("POST", "/auth/set-pin", json=body.model_dump())
        self._raise_for(resp)
        return self._take(TokenPair.model_validate(resp.json()))

    def reset_pin(self, user_id: str) -> PinReset:
        """A manager resets a person's forgotten PIN; the temporary PIN is in the answer (online only)."""
        return PinReset.model_validate(self._authed("POST", f"/staff/{user_id}/reset-pin").json())

    def calendar_feed(self) -> CalendarFeedPublic:
        """The person's secret calendar feed URL, made on the first call (online only)."""
        return CalendarFeedPublic.model_validate(self._authed("GET", "/me/calendar-feed").json())

    def new_calendar_feed(self) -> CalendarFeedPublic:
        """A new calendar feed URL; the old one stops working at once (online only)."""
        return CalendarFeedPublic.model_validate(self._authed("POST", "/me/calendar-feed").json())

    # -- issue 10, availability: the chain's settings (HQ changes them; devices also pull them) --
    def chain_settings(self) -> dict:
        """The chain's settings with defaults filled in (online only)."""
        return self._authed("GET", "/chain/settings").json()

    def change_shift_trade_settings(self, settings: dict) -> dict:
        """HQ replaces the shift-trade settings; ``ApiError`` with ``chain_settings_invalid`` if bad."""
        return self._authed("PUT", "/chain/settings/shift-trades", json=settings).json()

    def change_urgent_repeats(self, settings: dict) -> dict:
        """Issue 11, bcfollow: HQ sets how often urgent broadcasts put off come back."""
        return self._authed("PUT", "/chain/settings/urgent-repeats", json=settings).json()

    def change_photo_settings(self, settings: dict) -> dict:
        """Issue 12, photoprep: HQ sets what task photos keep (GPS, camera time) and the time gap allowed."""
        return self._authed("PUT", "/chain/settings/photos", json=settings).json()

    def task_schedules(self, store_id: str) -> list[dict]:
        """Issue 12, taskrecur: a store's recurring tasks (its managers; online only)."""
        return self._authed("GET", f"/stores/{store_id}/task-schedules").json()

    def add_task_schedule(self, store_id: str, schedule: dict) -> dict:
        """Issue 12, taskrecur: add a recurring task; ``ApiError`` with its reason if refused."""
        return self._authed("POST", f"/stores/{store_id}/task-schedules", json=schedule).json()

    def change_departments(self, settings: dict) -> dict:
        """Issue 12, taskrecur: HQ sets the chain's departments (``{"departments": [{id, name}]}``)."""
        return self._authed("PUT", "/chain/settings/departments", json=settings).json()

    def send_task_to_department(self, store_id: str, task_id: str, department_id: str | None) -> dict:
        """Issue 12, taskrecur: a manager sends an equipment repair to a department (None: back)."""
        return self._authed("PUT", f"/stores/{store_id}/tasks/{task_id}/department",
                            json={"department_id": department_id}).json()

    # -- issue 11, broadcasts: the audience count and receipts need the server ------------------
    def broadcast_audience_count(self, audience: dict) -> dict:
        """How many people an audience reaches, per store (online only; ``ApiError`` if refused)."""
        return self._authed("POST", "/broadcasts/audience-count", json=audience).json()

    def broadcast_receipts(self, broadcast_id: str, status: str = "all") -> dict:
        """Delivered, read and acknowledged per store and per person (sender and their managers)."""
        return self._authed("GET", f"/broadcasts/{broadcast_id}/receipts", params={"status": status}).json()

    def broadcasts_not_acknowledged(self) -> list[dict]:
        """Issue 11, bcfollow: for the manager on duty, who has not acknowledged after reminders."""
        return self._authed("GET", "/broadcasts/not-acknowledged").json()

    # -- issue 11, bcsaved: a manager's saved audiences (online only) -----------------------------
    def saved_audiences(self) -> list[dict]:
        """The caller's saved audiences, each with ``problem`` when it is no longer theirs to use."""
        return self._authed("GET", "/saved-audiences").json()

    def save_audience(self, name: str, audience: dict) -> dict:
        """Save ``audience`` under ``name`` (the same name replaces it); ``RequestRejected`` if refused."""
        return self._authed("POST", "/saved-audiences", json={**audience, "name": name}).json()

    def delete_saved_audience(self, audience_id: str) -> None:
        self._authed("DELETE", f"/saved-audiences/{audience_id}")

    def broadcast_versions(self, broadcast_id: str) -> list[dict]:
        """Issue 11, bcsaved: every version of a broadcast, oldest first (its sender and their managers)."""
        return self._authed("GET", f"/broadcasts/{broadcast_id}/versions").json()

    def refresh(self) -> TokenPair:
        """Swap the refresh token for new tokens; ``AuthRequired`` when the session is over."""
        if not self.refresh_token:
            raise AuthRequired("not signed in")
        body = RefreshRequest(refresh_token=self.refresh_token, device_id=self.device_id)
        resp = self._send("POST", "/auth/refresh", json=body.model_dump())
        if resp.status_code in (400, 401, 422):
            self.access_token = None
            raise AuthRequired("refresh token refused")
        self._raise_for(resp)
        return self._take(TokenPair.model_validate(resp.json()))

    def logout(self) -> None:
        try:
            self._authed("POST", "/auth/logout")
        finally:
            self.access_token = self.refresh_token = None

    # -- sync -------------------------------------------------------------------------
    def push(self, request: PushRequest) -> PushResponse:
        resp = self._authed("POST", "/sync/push", content=request.model_dump_json().encode(),
                            headers={"Content-Type": "application/json"})
        return PushResponse.model_validate_json(resp.content)

    def pull(self, cursor: str, limit: int = 500) -> PullResponse:
        resp = self._authed("GET", "/sync/pull", params={"cursor": cursor, "limit": limit})
        return PullResponse.model_validate_json(resp.content)

    # -- face (online only: enrolment needs the server to encode and store) -----------
    def face_status(self) -> dict:
        return self._authed("GET", "/face/status").json()

    def face_consent(self, granted: bool, text_version: str, locale: str | None = None) -> dict:
        return self._authed("POST", "/face/consent", json={"granted": granted, "text_version": text_version,
                                                           "locale": locale}).json()

    def face_enrol(self, photos: list[bytes]) -> list[list[float]]:
        """Send 3 photos; the server keeps only encrypted embeddings and returns them once."""
        files = [("photos", (f"p{i}.jpg", blob, "image/jpeg")) for i, blob in enumerate(photos)]
        # Encoding 3 photos takes the server a second or more; under load much more.
        return self._authed("POST", "/face/enrol", files=files, timeout=90).json()["embeddings"]

    def kiosk_identify(self, store_id: str, photo: bytes) -> dict:
        """1:N on the server among the store's enrolled staff: {matched, user_id, name}."""
        return self._authed("POST", f"/kiosk/{store_id}/identify",
                            files={"photo": ("selfie.jpg", photo, "image/jpeg")}, timeout=60).json()

    def kiosk_pin(self, store_id: str, staff_no: str, pin: str) -> dict:
        return self._authed("POST", f"/kiosk/{store_id}/pin", json={"staff_no": staff_no, "pin": pin}).json()

    def inspection_report(self, inspection_id: str, lang: str | None = None) -> bytes:
        """Issue 12, insprun: a finished inspection's PDF report (``RequestRejected`` not_found:
        not on the server yet, or not ours to see)."""
        return self._authed("GET", f"/inspections/{inspection_id}/report.pdf",
                            params={"lang": lang} if lang else None).content

    def inspection_report_link(self, inspection_id: str, lang: str | None = None) -> str:
        """Issue 12, insprun: a short-lived address of the report that a browser opens without
        our token (absolute)."""
        resp = self._authed("POST", f"/inspections/{inspection_id}/report-link",
                            params={"lang": lang} if lang else None)
        origin = str(self._http.base_url).rstrip("/").removesuffix("/v1")
        return origin + resp.json()["url"]

    def photo(self, sha256: str) -> bytes | None:
        """A stored photo's bytes, or ``None`` when it is not there for us (not uploaded yet, or
        not ours to see: the server answers both with 404)."""
        resp = self._authed("GET", f"/photos/{sha256}", allow=(404,))
        return resp.content if resp.status_code == 200 else None

    def photo_offset(self, sha256: str) -> int | None:
        """Bytes of this photo the server already has; ``None`` when it is fully stored."""
        resp = self._authed("HEAD", f"/photos/{sha256}", allow=(404,))
        if resp.status_code == 200:
            return None
        return int(resp.headers.get("upload-offset", "0"))

    def upload_photo(self, sha256: str, data: bytes, chunk: int = 512 * 1024) -> None:
        """Upload (or resume) a photo by its SHA-256; a repeat stores no second copy."""
        offset = self.photo_offset(sha256)
        while offset is not None and offset < len(data):
            end = min(len(data), offset + chunk) - 1
            resp = self._authed("PUT", f"/photos/{sha256}", content=data[offset:end + 1],
                                headers={"Content-Range": f"bytes {offset}-{end}/{len(data)}",
                                         "Content-Type": "application/octet-stream"})
            done = resp.status_code in (200, 201)
            offset = None if done else int(resp.headers["upload-offset"])
