"""Issue 11, bcsaved: a manager's saved audiences on the server (app.domain.saved_audiences).

Each is its owner's only: listing shows the caller's own, deleting someone else's is "not found".
Saving and listing check the audience with the same rule as sending
(``broadcasts.check_may_address``); a saved audience that reaches outside the stores its owner
manages now is listed with that refusal (``problem``), and sending to it is refused as any
audience is (``services.broadcasts.send``).
"""

import json
import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from app.domain import saved_audiences as rules
from app.domain.access import AccessDenied
from app.domain.broadcasts import check_may_address
from app.domain.roles import Actor
from app.protocol.mutations import BroadcastAudience, SavedAudienceSave
from backend_stub import db
from backend_stub.services.broadcasts import area_stores, people


def check(conn: Connection, actor: Actor, audience: BroadcastAudience, *, saved: bool = True) -> None:
    """AccessDenied when ``actor`` may not (``saved``: no longer) send to ``audience``."""
    chosen = audience.audience()
    rule = rules.check_still_addressable if saved else check_may_address
    rule(actor, chosen, area_stores(conn), people(conn, user_ids=chosen.user_ids))


def listed(conn: Connection, actor: Actor) -> list[dict]:
    """The caller's saved audiences by name, each with why it can no longer be used (or None)."""
    t = db.saved_audiences.c
    found = []
    for row in conn.execute(select(t.id, t.name, t.audience).where(t.owner_id == actor.user_id).order_by(t.name)):
        audience = BroadcastAudience.model_validate_json(row.audience)
        try:
            check(conn, actor, audience)
            problem = None
        except AccessDenied as exc:
            problem = {"code": exc.reason, "message": exc.message}
        found.append({"id": row.id, "name": row.name, "audience": audience.model_dump(mode="json"),
                      "problem": problem})
    return found


def save(conn: Connection, actor: Actor, body: SavedAudienceSave, now: datetime) -> dict:
    """Save (or, under a name already used, replace) the caller's audience; AccessDenied if it is
    not theirs to send to."""
    audience = BroadcastAudience.model_validate(body.model_dump(exclude={"name"}))
    check(conn, actor, audience, saved=False)
    t = db.saved_audiences.c
    text = audience.model_dump_json()
    existing = conn.execute(select(t.id).where(t.owner_id == actor.user_id, t.name == body.name)).scalar()
    if existing is None:
        existing = f"sa-{uuid.uuid4().hex}"
        conn.execute(db.saved_audiences.insert(), {"id": existing, "owner_id": actor.user_id, "name": body.name,
                                                   "audience": text, "saved_at": now})
    else:
        conn.execute(db.saved_audiences.update().where(t.id == existing).values(audience=text, saved_at=now))
    return {"id": existing, "name": body.name, "audience": audience.model_dump(mode="json"), "problem": None}


def remove(conn: Connection, actor: Actor, audience_id: str) -> bool:
    """Delete one of the caller's saved audiences; False when they have none with that id."""
    t = db.saved_audiences.c
    return conn.execute(delete(db.saved_audiences).where(t.id == audience_id, t.owner_id == actor.user_id)).rowcount == 1
