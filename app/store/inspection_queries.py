"""Issue 12, insprun: what the inspection screens read from the phone's database.

The stores a person inspects with the templates they may use there, their inspections in
progress, finished ones (waiting to sync, or as the server scored them) and the last refusal of
each. Scoring and who-may come from ``app.domain.inspections``; nothing is decided here.
"""

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from app.domain.inspections.progress import INSPECTORS, Progress, progress
from app.domain.inspections.templates import Template
from app.domain.roles import Actor, Role
from app.store.inspection_actions import load_draft, template_from_row
from app.store.task_actions import listed


@dataclass(frozen=True)
class Refusal:
    """The server's (or this phone's) refusal of a finished inspection."""

    reason: str
    message: str


def refusal(db, inspection_id: str) -> Refusal | None:
    """The last refusal of this inspection, when the last try was refused (None otherwise)."""
    row = db.execute("SELECT status, reason, message FROM outbox WHERE entity_ref=? ORDER BY seq DESC LIMIT 1",
                     [f"inspection:{inspection_id}"]).fetchone()
    return Refusal(row[1] or "", row[2] or "") if row and row[0] == "rejected" else None


def stores_to_inspect(db, actor: Actor) -> list[dict]:
    """Each store the person covers (by name) with the templates usable there (by name); empty
    for someone who does not inspect."""
    if actor.role not in INSPECTORS:
        return []
    templates = [template_from_row(r) for r in db.query("SELECT * FROM inspection_templates ORDER BY name, id")]
    marks = ",".join("?" * len(actor.store_ids)) or "''"
    out = []
    for store in db.query(f"SELECT id, name, area FROM stores WHERE id IN ({marks}) ORDER BY name",
                          sorted(actor.store_ids)):
        usable = [t for t in templates if t.area is None or t.area == store["area"]]
        out.append({"store": store, "templates": usable})
    return out


def in_progress(db, inspector_id: str) -> list[dict]:
    """The person's inspections not finished yet (a refused one is open again), newest first,
    each with its store's name, template name, its progress and its last refusal."""
    out = []
    for row in db.query("SELECT d.id, s.name AS store_name FROM inspection_drafts d LEFT JOIN stores s"
                        " ON s.id = d.store_id WHERE d.inspector_id=? AND d.id NOT IN (SELECT id FROM inspections)"
                        " ORDER BY d.updated_at DESC", [inspector_id]):
        draft = draft_view(db, row["id"])
        out.append({**draft, "store_name": row["store_name"] or draft["row"]["store_id"]})
    return out


def draft_view(db, draft_id: str) -> dict:
    """One inspection in progress: its row, template copy, answers by item, progress and refusal."""
    row, template, answers = load_draft(db, draft_id)
    return {"row": row, "template": template, "answers": {a.item_id: a for a in answers},
            "progress": progress(template, answers), "refusal": refusal(db, draft_id)}


def finished(db, store_ids: list[str], limit: int = 50) -> list[dict]:
    """Finished inspections of these stores, newest first: the row (JSON decoded), the
    template's name and its store's name; ``sync_state`` pending: not yet scored by the server."""
    marks = ",".join("?" * len(store_ids)) or "''"
    out = []
    for row in db.query(
            f"SELECT i.*, s.name AS store_name, coalesce(t.name, i.template_name) AS template_name FROM inspections i"
            f" LEFT JOIN stores s ON s.id = i.store_id LEFT JOIN inspection_templates t ON t.id = i.template_id"
            f" WHERE i.store_id IN ({marks}) ORDER BY i.finished_at DESC LIMIT ?", [*store_ids, limit]):
        out.append({**row, **{k: json.loads(row[k] or "null") for k in
                              ("section_scores", "critical_failed", "findings", "answers")},
                    "passed": bool(row["passed"])})
    return out


def is_finished(db, inspection_id: str) -> bool:
    """Whether this phone holds ``inspection_id`` as a finished inspection (one indexed row)."""
    return db.execute("SELECT 1 FROM inspections WHERE id=?", [inspection_id]).fetchone() is not None


def one_finished(db, inspection_id: str) -> dict | None:
    """One finished inspection as ``finished`` lists it (None: not on this phone)."""
    row = db.execute("SELECT store_id FROM inspections WHERE id=?", [inspection_id]).fetchone()
    if row is None:
        return None
    return next((i for i in finished(db, [row[0]], 10_000) if i["id"] == inspection_id), None)


def trend_subjects(db, actor: Actor) -> dict[str, list[dict]]:
    """Issue 12, insptrend: the stores whose history the person may open (their stores; HQ every
    store this phone knows) and the templates on this phone (for their items failing most), by name."""
    if actor.role is Role.HQ_ADMIN:
        stores = list(db.query("SELECT id, name FROM stores ORDER BY name, id"))
    else:
        marks = ",".join("?" * len(actor.store_ids)) or "''"
        stores = list(db.query(f"SELECT id, name FROM stores WHERE id IN ({marks}) ORDER BY name, id",
                               sorted(actor.store_ids)))
    templates = list(db.query("SELECT id, name FROM inspection_templates ORDER BY name, id"))
    return {"stores": stores, "templates": templates}


def corrective_tasks(db, inspection_id: str, user_id: str, role: str, store_ids: Collection[str],
                     now: datetime) -> dict[str, list[dict]]:
    """Issue 12, inspe2e: the corrective tasks of this inspection that this phone has and the
    person's task screens open, by finding (item id), as the task list shows them."""
    out: dict[str, list[dict]] = {}
    for entry in listed(db, user_id, role, store_ids, now, inspection_id):
        out.setdefault(entry["row"].get("finding_item_id") or "", []).append(entry)
    return out


__all__ = ["Progress", "Refusal", "corrective_tasks", "draft_view", "finished", "in_progress", "is_finished", "one_finished",
           "refusal", "stores_to_inspect", "trend_subjects"]
