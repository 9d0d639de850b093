"""Issue 12, insptrend: the online reads of inspection trends (a store's history, a template's
items failing most), next to ``app.sync.api`` and through its ``_authed`` request (token refresh,
error mapping), each answer kept on the phone (``app.store.kept_copies``) for offline reading.

A refusal (``RequestRejected``: not the caller's store or template) forgets the kept copy; a
network failure leaves it, so the screen can show it marked with its time.
"""

import logging
from collections.abc import Callable

from pydantic import BaseModel

from app.protocol.inspection_trends import StoreInspectionHistory, TemplateFailingItems
from app.store import DeviceStore
from app.store.kept_copies import Kept, forget, keep
from app.sync.api import ApiClient
from app.sync.errors import RequestRejected

log = logging.getLogger(__name__)


def store_history(api: ApiClient, store_id: str, limit: int = 20) -> StoreInspectionHistory:
    """``GET /stores/{id}/inspection-history``: the store's scores per template, newest first."""
    resp = api._authed("GET", f"/stores/{store_id}/inspection-history", params={"limit": limit})
    return StoreInspectionHistory.model_validate_json(resp.content)


def failing_items(api: ApiClient, template_id: str, limit: int = 20) -> TemplateFailingItems:
    """``GET /inspection-templates/{id}/failing-items``: counted over the caller's stores."""
    resp = api._authed("GET", f"/inspection-templates/{template_id}/failing-items", params={"limit": limit})
    return TemplateFailingItems.model_validate_json(resp.content)


def history_subject(store_id: str) -> str:
    return f"inspection-history:{store_id}"


def failing_subject(template_id: str) -> str:
    return f"inspection-failing:{template_id}"


def fetch_and_keep(store: DeviceStore, user_id: str, subject: str, call: Callable[[], BaseModel]) -> Kept:
    """Ask the server (``call``) and keep the answer; a refusal forgets the kept copy."""
    try:
        answer = call()
    except RequestRejected as exc:
        log.info("%s refused: %s", subject.split(":", 1)[0], exc.code)
        forget(store, user_id, subject)
        raise
    return keep(store, user_id, subject, answer.model_dump(mode="json"), store.clock.now())


__all__ = ["failing_items", "failing_subject", "fetch_and_keep", "history_subject", "store_history"]
