"""Issue 10, availability on the server: each person's weekly windows and days off (set by
that person only, through sync) and the chain's settings; both read by the trade checks.

Who sees what: a person's full availability (days off with their note) goes to themselves and
to the managers of their stores; the staff they share a store with get a reduced copy (times
only: ``rules.colleague_copy``) so their phones' shift rules can refuse an unavailable colleague
offline; the chain's settings go to everyone (one chain per server).
"""

import json
import logging
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain import availability as rules
from app.domain.roles import Actor
from app.domain.shift_rules import Availability, ShiftTradeSettings
from app.protocol import Reason
from app.protocol import mutations as m
from backend_stub import db
from backend_stub.services.changes import emit
from backend_stub.services.handlers import Context, person_store_ids
from backend_stub.services.outcomes import Rejected

log = logging.getLogger(__name__)
_W = db.availability_windows.c
_U = db.unavailability.c
_C = db.chain_settings.c


def _emit_private(conn: Connection, entity: str, key: str, data: dict | None, user_id: str) -> None:
    """In full to the person and to the managers of the stores they work at; reduced to the
    other staff of those stores (feed audience ``colleagues``), never to another store."""
    emit(conn, entity, key, data, audience="user", user_id=user_id)
    stores = sorted(person_store_ids(conn, user_id))
    if stores:
        emit(conn, entity, key, data, audience="managers", store_ids=stores)
        emit(conn, entity, key, rules.colleague_copy(entity, data), audience="colleagues", store_ids=stores,
             user_id=user_id)


def _windows(conn: Connection, user_id: str) -> list[dict]:
    rows = conn.execute(select(_W.weekday, _W.starts, _W.ends).where(_W.user_id == user_id)).all()
    return [{"weekday": r.weekday, "start": r.starts, "end": r.ends} for r in rows]


def load_availability(conn: Connection, user_id: str, since: date | None = None) -> Availability:
    """What the shift rules know of when ``user_id`` can work (days off ending before ``since`` left out)."""
    query = select(_U.first_day, _U.last_day).where(_U.user_id == user_id)
    if since is not None:
        query = query.where(_U.last_day >= since.isoformat())
    absences = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in conn.execute(query).all()]
    return rules.availability_of(_windows(conn, user_id), absences)


def availability_set(conn: Connection, p: m.AvailabilitySet, ctx: Context) -> None:
    """The person replaces their weekly windows (checked again here, whatever the device said)."""
    rules.require_own_availability(ctx.actor, p.user_id)
    windows = rules.window_dicts(rules.windows_to_set(w.model_dump() for w in p.windows))
    conn.execute(db.availability_windows.delete().where(_W.user_id == p.user_id))
    if windows:
        conn.execute(db.availability_windows.insert(), [
            {"user_id": p.user_id, "weekday": w["weekday"], "starts": w["start"], "ends": w["end"]} for w in windows])
    data = {"user_id": p.user_id, "windows": windows, "updated_at": ctx.received_at}
    _emit_private(conn, "availability", p.user_id, data, p.user_id)


def unavailability_add(conn: Connection, p: m.UnavailabilityAdd, ctx: Context) -> None:
    """One of the person's days off (a reused id is a per-item conflict)."""
    rules.require_own_availability(ctx.actor, p.user_id)
    rules.check_days_off(p.first_day, p.last_day)
    row = {"id": p.unavailability_id, "user_id": p.user_id, "first_day": p.first_day.isoformat(),
           "last_day": p.last_day.isoformat(), "note": p.note, "created_at": ctx.received_at}
    conn.execute(db.unavailability.insert(), row)
    _emit_private(conn, "unavailability", p.unavailability_id, row, p.user_id)


def unavailability_remove(conn: Connection, p: m.UnavailabilityRemove, ctx: Context) -> None:
    """The person withdraws one of their own days off."""
    owner = conn.execute(select(_U.user_id).where(_U.id == p.unavailability_id)).scalar()
    if owner is None:
        raise Rejected(Reason.NOT_FOUND, "These days off no longer exist.")
    rules.require_own_availability(ctx.actor, owner)
    conn.execute(db.unavailability.delete().where(_U.id == p.unavailability_id))
    _emit_private(conn, "unavailability", p.unavailability_id, None, owner)


def load_settings(conn: Connection) -> ShiftTradeSettings:
    """The chain's shift-trade settings (the defaults until HQ stores some)."""
    value = conn.execute(select(_C.value).where(_C.key == rules.SHIFT_TRADES)).scalar()
    if value is None:
        return ShiftTradeSettings()
    return ShiftTradeSettings.from_json(value)  # stored only after the same parser accepted it


def settings_view(conn: Connection) -> dict:
    """The chain's settings as the API shows them."""
    return {rules.SHIFT_TRADES: load_settings(conn).to_dict()}


def change_settings(conn: Connection, actor: Actor, data: object, now: datetime) -> dict:
    """HQ replaces the chain's shift-trade settings; every device pulls them. Bad settings are
    refused whole (nothing stored)."""
    rules.require_may_change_settings(actor)
    settings = rules.settings_from(data)
    value = settings.to_json()
    values = {"value": value, "updated_at": now, "updated_by": actor.user_id}
    if not db.insert_missing(conn, db.chain_settings, key=rules.SHIFT_TRADES, **values):
        conn.execute(db.chain_settings.update().where(_C.key == rules.SHIFT_TRADES).values(**values))
    emit(conn, "chain_setting", rules.SHIFT_TRADES, {"settings": json.loads(value), "updated_at": now},
         audience="all")
    log.info("chain settings %s changed by %s", rules.SHIFT_TRADES, actor.user_id)
    return settings_view(conn)


AVAILABILITY_HANDLERS = {
    "availability.set": availability_set,
    "unavailability.add": unavailability_add,
    "unavailability.remove": unavailability_remove,
}
