"""Issue 12, insprun: doing an inspection on the phone, offline first.

Starting one keeps a draft (``inspection_drafts``) with its own copy of the template version it
was started with; each answer, note and photo is saved at once (closing the app loses nothing;
a photo is prepared and queued for upload when it is taken, ``task_photos``). Finishing is one
transaction: the shared rules score it (``app.domain.inspections``: a draft the server would
refuse is refused here first), the finished inspection is written (``inspections``, with where
the phone was by the clock-in geofence rules) and ``inspection.record`` is queued. The server
checks it again with the same code; a refusal removes the finished row (``app.store.undo``), so
the draft is open again and the refusal is shown with its reason (``inspection_queries``).
"""

import json
import uuid
from collections.abc import Mapping

from app.domain.access import AccessDenied
from app.domain.geofence import Fence, Fix, decide
from app.domain.inspections import progress as rules
from app.domain.inspections.scoring import Answer, answer_from_dict, score
from app.domain.inspections.templates import Template
from app.protocol import Reason
from app.protocol.inspections import InspectionAnswer, InspectionCreate
from app.protocol.mutations import LocationFix

_UNSET = object()


def template_from_row(row: Mapping) -> Template:
    """A pulled template row (``sections`` JSON) as the rules see it."""
    return Template.from_dict({**row, "sections": json.loads(row["sections"] or "[]")})


def load_draft(db, draft_id: str) -> tuple[dict, Template, list[Answer]]:
    """The draft row, its template copy and its answers so far."""
    rows = list(db.query("SELECT * FROM inspection_drafts WHERE id=?", [draft_id]))
    if not rows:
        raise AccessDenied(Reason.NOT_FOUND.value, "This inspection is not on this phone.")
    row = rows[0]
    answers = [answer_from_dict(a) for a in json.loads(row["answers"] or "[]")]
    return row, Template.from_dict(json.loads(row["template"])), answers


def _as_dict(answer: Answer) -> dict:
    return {"item_id": answer.item_id, "value": answer.value, "not_applicable": answer.not_applicable,
            "note": answer.note, "photos": list(answer.photos)}


class InspectionActions:
    """The inspection actions of ``app.store.actions.Actions`` (mixed in there)."""

    def start_inspection(self, store_id: str, template_id: str) -> str:
        """Begin inspecting a store with the current version of a template; returns the draft id."""
        with self._store.reading() as db:
            found = list(db.query("SELECT * FROM inspection_templates WHERE id=?", [template_id]))
            area = db.execute("SELECT area FROM stores WHERE id=?", [store_id]).fetchone()
        if not found:
            raise AccessDenied(Reason.NOT_FOUND.value, "This template is not on this phone.")
        template = template_from_row(found[0])
        rules.require_may_inspect(self.actor, store_id, template, area[0] if area else None)
        draft_id, now = f"in-{uuid.uuid4().hex}", self._now().isoformat()
        with self._store.transaction() as db:
            db["inspection_drafts"].insert({
                "id": draft_id, "template_id": template.id, "template_version": template.version,
                "template": json.dumps(template.as_dict()), "store_id": store_id, "inspector_id": self.actor.user_id,
                "started_at": now, "updated_at": now, "answers": "[]"})
        return draft_id

    def _change_answer(self, draft_id: str, item_id: str, change) -> None:
        """Save one item's answer as ``change(old answer dict)`` returns it (one transaction)."""
        with self._store.transaction() as db:
            row, template, answers = load_draft(db, draft_id)
            if item_id not in {item.id for _s, item in template.items()}:
                raise AccessDenied(Reason.INSPECTION_BAD_ANSWER.value, f"Item {item_id} is not in this template.")
            by_item = {a.item_id: _as_dict(a) for a in answers}
            by_item[item_id] = change(by_item.get(item_id) or {"item_id": item_id, "value": None,
                                                               "not_applicable": False, "note": "", "photos": []})
            InspectionAnswer(**by_item[item_id])  # the wire's limits (note length, photo count)
            db.execute("UPDATE inspection_drafts SET answers=?, updated_at=? WHERE id=?",
                       [json.dumps(list(by_item.values()), ensure_ascii=False), self._now().isoformat(), draft_id])

    def answer_item(self, draft_id: str, item_id: str, value=_UNSET, *, not_applicable: bool | None = None,
                    note: str | None = None) -> None:
        """Save an item's value, "not applicable" or note as soon as it is given."""
        def change(old: dict) -> dict:
            new = dict(old)
            if value is not _UNSET:
                new.update(value=value, not_applicable=False)
            if not_applicable is not None:
                new["not_applicable"] = not_applicable
                if not_applicable:
                    new["value"] = None
            if note is not None:
                new["note"] = note
            return new

        self._change_answer(draft_id, item_id, change)

    def add_item_photo(self, draft_id: str, item_id: str, photo: bytes) -> str:
        """A photo of an item (camera or file), prepared and kept; returns its sha256. It is
        queued for upload on Finish (a queued photo no waiting action cites is dropped by sync)."""
        from app.store import task_photos  # imports app.store.actions, which mixes this class in

        sha = task_photos.prepare(self._store, photo)[0]  # kept in the photo folder; queued on Finish
        self._change_answer(draft_id, item_id, lambda old: {**old, "photos": [*old["photos"], sha]})
        return sha

    def remove_item_photo(self, draft_id: str, item_id: str, sha256: str) -> None:
        """Take a photo off an item (its upload, if any, stays harmless)."""
        self._change_answer(draft_id, item_id,
                            lambda old: {**old, "photos": [p for p in old["photos"] if p != sha256]})

    def discard_inspection(self, draft_id: str) -> None:
        """Throw away an inspection in progress (never sent)."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM inspection_drafts WHERE id=? AND id NOT IN (SELECT id FROM inspections)",
                       [draft_id])

    def finish_inspection(self, draft_id: str, fix: Fix | None = None) -> int:
        """Score it with the shared rules, keep it as finished and queue ``inspection.record``
        (the phone's time and where it was, judged by the clock-in geofence rules)."""
        from app.store import task_photos

        with self._store.reading() as db:
            row, template, answers = load_draft(db, draft_id)
            store = list(db.query("SELECT * FROM stores WHERE id=?", [row["store_id"]]))
        result = score(template, answers)  # AccessDenied: what is missing, as the server would say
        finished_at = self._now()
        p = InspectionCreate(
            id=draft_id, template_id=template.id, template_version=template.version, store_id=row["store_id"],
            finished_at=finished_at, answers=[InspectionAnswer(**_as_dict(a)) for a in answers],
            fix=None if fix is None else LocationFix(latitude=fix.latitude, longitude=fix.longitude,
                                                     accuracy_m=float(fix.accuracy_m), timestamp=fix.timestamp,
                                                     mocked=fix.mocked))
        finished = {
            "id": draft_id, "template_id": template.id, "template_version": template.version,
            "template_name": template.name, "store_id": row["store_id"], "inspector_id": self.actor.user_id,
            "finished_at": finished_at.isoformat(), **_where(fix, store[0] if store else None, finished_at),
            "score": result.percent, "section_scores": json.dumps(result.sections),
            "passed": int(result.passed), "critical_failed": json.dumps(list(result.critical_failed)),
            "findings": json.dumps([{**f.__dict__, "photos": list(f.photos)} for f in result.findings]),
            "answers": json.dumps([_as_dict(a) for a in answers]), "sync_state": "pending"}
        photos = _kept_photos(self._store, answers)

        def write(db) -> None:
            for kept in photos:
                task_photos.queue(db, kept, finished.get("finished_at"))
            db["inspections"].upsert(finished, pk="id")

        return self._record("inspection.record", p, f"inspection:{draft_id}", write)


def _where(fix: Fix | None, store: Mapping | None, at) -> dict:
    """Where the phone was, by the clock-in geofence rules, as the server records it."""
    if fix is None or store is None:
        return {"geofence": None, "distance_m": None}
    decision = decide(fix, Fence(store["id"], store["latitude"], store["longitude"], store["radius_m"]), now=at)
    return {"geofence": decision.verdict.value, "distance_m": round(decision.distance_m, 1)}


def _kept_photos(store, answers: list[Answer]) -> list[tuple[str, object, int]]:
    """The answers' photos kept on this phone, as ``task_photos.queue`` takes them."""
    from app.store import actions

    out = []
    for sha in dict.fromkeys(p for a in answers for p in a.photos):
        path = actions.photo_path(store, sha)
        if path.is_file():
            out.append((sha, path, path.stat().st_size))
    return out
