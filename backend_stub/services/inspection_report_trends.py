"""Issue 12, inspreport: inspection history per store and the items failing most per template.

Both are read only and scoped by the caller's role and stores, with the same rules as one
inspection (``inspections.get_inspection``) and one template (``inspections.get_template``):

- a store's history: HQ, and the managers (store and area) who cover the store; staff and
  managers of other stores ``403 forbidden_role`` (a store's existence is no secret); an unknown
  store ``404``;
- a template's failing items: whoever may read the template (managers of its area's stores or
  of any store for a chain-wide one, HQ; staff ``403``, another area ``404``), counted over the
  inspections of *their* stores only (HQ: every store).

Findings are kept as JSON on each inspection, so the counting is done here after one indexed
query per call (chain scale: a findings table would let the database count; see the docs).
"""

import json
from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.domain.inspections.templates import Template
from app.domain.roles import Actor, Role
from app.protocol import Reason
from backend_stub import db
from backend_stub.errors import Forbidden, NotFound
from backend_stub.services import inspections

MAX_HISTORY = 200
MAX_ITEMS = 100


def _require_store_manager(conn: Connection, actor: Actor, store_id: str) -> None:
    if not actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers see a store's inspections.")
    if actor.role is not Role.HQ_ADMIN and not actor.covers(store_id):
        raise Forbidden(Reason.FORBIDDEN_ROLE, f"You do not cover store {store_id}.")
    if conn.execute(select(db.stores.c.id).where(db.stores.c.id == store_id)).first() is None:
        raise NotFound(Reason.NOT_FOUND, f"No store {store_id}.")


def store_history(conn: Connection, actor: Actor, store_id: str, limit: int = 20,
                  since: datetime | None = None) -> dict:
    """The store's inspections per template (at most ``limit`` each, newest first); the template
    inspected most recently first."""
    _require_store_manager(conn, actor, store_id)
    i, t = db.inspections.c, db.inspection_templates.c
    query = (select(i.id, i.template_id, t.name, i.template_version, i.finished_at, i.score, i.passed,
                    i.critical_failed, i.findings)
             .select_from(db.inspections.join(db.inspection_templates, t.id == i.template_id))
             .where(i.store_id == store_id).order_by(i.finished_at.desc(), i.id))
    if since is not None:
        query = query.where(i.finished_at >= since)
    templates: dict[str, dict] = {}
    for row in conn.execute(query):
        entry = templates.setdefault(row.template_id, {"template_id": row.template_id, "name": row.name,
                                                       "inspections": []})
        if len(entry["inspections"]) < limit:
            findings = json.loads(row.findings)
            entry["inspections"].append({
                "inspection_id": row.id, "finished_at": db.aware(row.finished_at),
                "template_version": row.template_version, "score": row.score, "passed": row.passed,
                "critical_failed": json.loads(row.critical_failed), "findings": len(findings),
                "repeated": [f["label"] for f in findings if f.get("repeated")]})  # issue 12, insptrend
    return {"store_id": store_id, "templates": list(templates.values())}


def _scope(conn: Connection, actor: Actor) -> list[str] | None:
    """The stores whose inspections the caller counts (None: every store, for HQ)."""
    return None if actor.role is Role.HQ_ADMIN else sorted(actor.store_ids)


def _items(template: Template) -> dict[str, tuple[str, str, bool]]:
    """Item id -> (label, section title, critical) in the template's current version."""
    return {item.id: (item.label, section.title, item.critical) for section, item in template.items()}


def failing_items(conn: Connection, actor: Actor, template_id: str, limit: int = 20,
                  since: datetime | None = None) -> dict:
    """The items of the template failing most over the caller's stores' inspections with it (any
    version: item ids are kept across versions), with how often at each store."""
    current = inspections.get_template(conn, actor, template_id)  # 403 staff, 404 not theirs to see
    i = db.inspections.c
    query = select(i.store_id, i.findings).where(i.template_id == template_id)
    stores = _scope(conn, actor)
    if stores is not None:
        query = query.where(i.store_id.in_(stores))
    if since is not None:
        query = query.where(i.finished_at >= since)
    total, counted = Counter(), defaultdict(Counter)
    seen_stores, inspected = set(), 0
    labels: dict[str, tuple[str, str, bool]] = {}
    for row in conn.execute(query):
        inspected += 1
        seen_stores.add(row.store_id)
        for finding in json.loads(row.findings):
            total[finding["item_id"]] += 1
            counted[finding["item_id"]][row.store_id] += 1
            labels.setdefault(finding["item_id"], (finding["label"], finding["section_id"], finding["critical"]))
    labels.update(_items(Template.from_dict(current)))
    names = dict(conn.execute(select(db.stores.c.id, db.stores.c.name).where(db.stores.c.id.in_(seen_stores))).all())
    ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    items = [{"item_id": item_id, "label": labels[item_id][0], "section": labels[item_id][1],
              "critical": labels[item_id][2], "failures": failures,
              "stores": [{"store_id": s, "store_name": names.get(s, s), "failures": n}
                         for s, n in sorted(counted[item_id].items(), key=lambda kv: (-kv[1], kv[0]))]}
             for item_id, failures in ranked]
    return {"template_id": template_id, "name": current["name"], "inspections": inspected,
            "store_ids": sorted(seen_stores), "items": items}
