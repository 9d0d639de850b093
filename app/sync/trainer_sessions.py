"""Issue 13, traintrainer: the trainer's sessions on this phone, brought up to date from the server.

Online, ``refresh`` lists the sessions the signed-in person trains, takes each one's secret that
the phone does not hold yet (the server gives it to the named trainer only) and deletes the
secrets of sessions no longer theirs or over. Offline the phone shows what it kept
(``app.store.training_secrets.kept``). Blocking: run it with ``offload``.
"""

import logging
from datetime import datetime

from app.store import training_secrets
from app.store.device import DeviceStore
from app.sync import trainer_api
from app.sync.api import ApiClient
from app.sync.errors import RequestRejected

log = logging.getLogger(__name__)


def refresh(store: DeviceStore, api: ApiClient, user_id: str, now: datetime) -> list[training_secrets.KeptSession]:
    """Bring the kept secrets in line with the server's list of ``user_id``'s sessions; raises
    ``NetworkError`` / ``TransientError`` / ``AuthRequired`` when the server cannot answer."""
    listed = trainer_api.my_sessions(api)
    training_secrets.forget_stale(store, user_id, now, {s["id"] for s in listed})
    for session in listed:
        if training_secrets.kept_one(store, user_id, session["id"], now) is not None:
            continue
        try:
            body = trainer_api.session_secret(api, session["id"])
        except RequestRejected as exc:  # closed or cancelled since it was listed
            log.info("training: no secret for %s: %s", session["id"], exc.code)
            continue
        training_secrets.keep(store, user_id, session, body["secret"], body["codes_until"])
    return training_secrets.kept(store, user_id, now)
