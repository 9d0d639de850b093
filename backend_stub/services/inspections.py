"""Issue 12, inspscore: inspection templates and finished inspections on the server.

Templates are written by area managers (for an area of their stores) and HQ (any area, or the
whole chain); each edit is a new version and old versions stay as they were. A finished
inspection is checked and scored again here with ``app.domain.inspections`` (the phone's score
is never trusted) against the version it was done with, and kept with it. Who may see what:
``_may_see_template`` and ``_may_see_inspection``; a record the caller may not see is "not found".
"""

import json
from collections.abc import Iterable
from datetime import datetime
from uuid import uuid4

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from app.domain.access import AccessDenied
from app.domain.geofence import Fence, Fix, decide
from app.domain.inspections.scoring import Score, answer_from_dict, mark_repeated, score
from app.domain.inspections.templates import (WRITERS, Template, TemplateProblem, TemplateRefused, check_template,
                                              may_write, next_version)
from app.domain.roles import Actor, Role
from app.protocol import Reason
from app.protocol.inspections import InspectionCreate, InspectionTemplateCreate, InspectionTemplateUpdate
from backend_stub import db
from backend_stub.errors import BadRequest, Conflict, Forbidden, NotFound
from backend_stub.services import task_board  # issue 12, taskboard: corrective tasks
from backend_stub.services.changes import emit

_WRITERS = WRITERS  # issue 12, inspbuild: the app's builder uses the same set


def _areas(conn: Connection, store_ids: Iterable[str]) -> set[str]:
    ids = list(store_ids)
    return set(conn.execute(select(db.stores.c.area).where(db.stores.c.id.in_(ids))).scalars()) if ids else set()


def _all_areas(conn: Connection) -> set[str]:
    return set(conn.execute(select(db.stores.c.area).distinct()).scalars())


def _require_writer(actor: Actor) -> None:
    if actor.role not in _WRITERS:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only area managers and HQ write templates and inspect stores.")


def _may_see_template(conn: Connection, actor: Actor, area: str | None) -> bool:
    """HQ sees every template; other managers those for the whole chain or an area of their stores."""
    return actor.role is Role.HQ_ADMIN or (actor.role.is_manager and (
        area is None or area in _areas(conn, actor.store_ids)))


def _may_edit_template(conn: Connection, actor: Actor, area: str | None) -> bool:
    """HQ edits every template; an area manager those for an area of their stores."""
    return may_write(actor.role, area, _areas(conn, actor.store_ids))  # issue 12, inspbuild: one rule


def _refused(exc: AccessDenied) -> BadRequest:
    """The domain's refusal as a 400; a template's says which rule and where (``details``)."""
    return BadRequest(Reason(exc.reason), exc.message, exc.details if isinstance(exc, TemplateRefused) else None)


def _checked(template: Template) -> Template:
    try:
        check_template(template)
    except AccessDenied as exc:
        raise _refused(exc) from None
    return template


def _from_body(template_id: str, version: int, area: str | None,
               body: InspectionTemplateUpdate) -> Template:
    return Template.from_dict({**body.model_dump(exclude={"area"}), "id": template_id, "version": version,
                               "area": area})


def _public(template: Template, written_by: str, written_at: datetime) -> dict:
    return {**template.as_dict(), "written_by": written_by, "written_at": db.aware(written_at)}


def _add_version(conn: Connection, template: Template, actor: Actor, now: datetime) -> dict:
    conn.execute(db.inspection_template_versions.insert().values(
        template_id=template.id, version=template.version, body=json.dumps(template.as_dict()),
        written_by=actor.user_id, written_at=now))
    public = _public(template, actor.user_id, now)
    _emit_template(conn, public)
    return public


def _emit_template(conn: Connection, public: dict) -> None:
    """Issue 12, insprun: the current version to the phones of those who may inspect with it
    (``inspectors``: area managers and HQ covering a store of its area; chain-wide: all of them)."""
    area = public["area"]
    store_ids = ([None] if area is None else
                 list(conn.execute(select(db.stores.c.id).where(db.stores.c.area == area)).scalars()))
    emit(conn, "inspection_template", public["id"], public, audience="inspectors", store_ids=store_ids)


def backfill_template_feed(conn: Connection) -> int:
    """Issue 12, inspbuild: emit the current version of each template the change feed has never
    carried (written before templates went into the feed), so a phone's first pull has them all.
    Returns how many (Alembic ``0025_inspection_template_backfill``)."""
    t, v, c = db.inspection_templates.c, db.inspection_template_versions.c, db.changes.c
    in_feed = select(c.entity_id).where(c.entity == "inspection_template")
    rows = conn.execute(select(v.body, v.written_by, v.written_at)
                        .select_from(db.inspection_templates.join(db.inspection_template_versions,
                                                                  (v.template_id == t.id)
                                                                  & (v.version == t.current_version)))
                        .where(t.id.not_in(in_feed)).order_by(t.created_at, t.id)).all()
    for r in rows:
        _emit_template(conn, _public(Template.from_dict(json.loads(r.body)), r.written_by, r.written_at))
    return len(rows)


def create_template(conn: Connection, actor: Actor, body: InspectionTemplateCreate, now: datetime) -> dict:
    """A new template at version 1."""
    _require_writer(actor)
    if not _may_edit_template(conn, actor, body.area):
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Write templates for an area of your stores (only HQ writes "
                                               "templates for the whole chain).")
    if body.area is not None and body.area not in _all_areas(conn):
        raise _refused(TemplateRefused(TemplateProblem.AREA, f"No store is in area {body.area}."))
    template = _checked(_from_body(uuid4().hex, 1, body.area, body))
    conn.execute(db.inspection_templates.insert().values(
        id=template.id, name=template.name, area=template.area, current_version=1,
        created_by=actor.user_id, created_at=now))
    return _add_version(conn, template, actor, now)


def _version_row(conn: Connection, template_id: str, version: int | None):
    t, v = db.inspection_templates.c, db.inspection_template_versions.c
    return conn.execute(
        select(t.area, t.current_version, v.body, v.written_by, v.written_at)
        .select_from(db.inspection_templates.join(db.inspection_template_versions, v.template_id == t.id))
        .where(t.id == template_id, v.version == (t.current_version if version is None else version))
    ).first()


def _not_found(template_id: str) -> NotFound:
    return NotFound(Reason.NOT_FOUND, f"No inspection template {template_id} you may see.")


def get_template(conn: Connection, actor: Actor, template_id: str, version: int | None = None) -> dict:
    """One version of a template (the current one when ``version`` is None)."""
    if not actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers see inspection templates.")
    row = _version_row(conn, template_id, version)
    if row is None or not _may_see_template(conn, actor, row.area):
        raise _not_found(template_id)
    return _public(Template.from_dict(json.loads(row.body)), row.written_by, row.written_at)


def list_templates(conn: Connection, actor: Actor) -> list[dict]:
    """The current version of every template the caller may see, by name."""
    if not actor.role.is_manager:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only managers see inspection templates.")
    t, v = db.inspection_templates.c, db.inspection_template_versions.c
    query = (select(v.body, v.written_by, v.written_at)
             .select_from(db.inspection_templates.join(db.inspection_template_versions,
                                                       (v.template_id == t.id) & (v.version == t.current_version)))
             .order_by(t.name, t.id))
    if actor.role is not Role.HQ_ADMIN:
        query = query.where(t.area.is_(None) | t.area.in_(sorted(_areas(conn, actor.store_ids))))
    return [_public(Template.from_dict(json.loads(r.body)), r.written_by, r.written_at) for r in conn.execute(query)]


def edit_template(conn: Connection, actor: Actor, template_id: str, body: InspectionTemplateUpdate,
                  now: datetime, base_version: int | None = None) -> dict:
    """The template's next version; earlier versions (and inspections done with them) stay.
    ``base_version``: the version the edit was made from (another saved since: conflict)."""
    _require_writer(actor)
    row = _version_row(conn, template_id, None)
    if row is None or not _may_see_template(conn, actor, row.area):
        raise _not_found(template_id)
    if not _may_edit_template(conn, actor, row.area):
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only HQ edits a template for the whole chain or another area.")
    current = Template.from_dict(json.loads(row.body))
    if base_version is not None and base_version != current.version:  # issue 12, inspbuild: no lost edit
        raise Conflict(Reason.CONFLICT, f"This template is at version {current.version} now. Open it again and "
                                        "redo your change.")
    try:
        template = next_version(current, _from_body(template_id, current.version, row.area, body))
    except AccessDenied as exc:
        raise _refused(exc) from None
    moved = conn.execute(update(db.inspection_templates)
                         .where(db.inspection_templates.c.id == template_id,
                                db.inspection_templates.c.current_version == current.version)
                         .values(current_version=template.version, name=template.name))
    if moved.rowcount != 1:  # someone else's edit got in first: theirs is the next version
        raise Conflict(Reason.CONFLICT, "This template was edited meanwhile. Open it again and redo your change.")
    return _add_version(conn, template, actor, now)


def _may_see_inspection(actor: Actor, store_id: str) -> bool:
    """HQ, and the managers (area and store) of the inspected store."""
    return actor.role is Role.HQ_ADMIN or (actor.role.is_manager and actor.covers(store_id))


def _earlier_failures(conn: Connection, body: InspectionCreate) -> list[list[str]]:
    """The failed item ids of the store's inspections with this template before this one, newest first."""
    i = db.inspections.c
    rows = conn.execute(select(i.findings).where(
        i.store_id == body.store_id, i.template_id == body.template_id, i.finished_at < body.finished_at,
        i.id != body.id).order_by(i.finished_at.desc()).limit(3)).scalars()
    return [[f["item_id"] for f in json.loads(findings)] for findings in rows]


def _inspection_public(row) -> dict:
    return {"id": row.id, "template_id": row.template_id, "template_version": row.template_version,
            "store_id": row.store_id, "inspector_id": row.inspector_id,
            "finished_at": db.aware(row.finished_at), "received_at": db.aware(row.received_at),
            "geofence": row.geofence, "distance_m": row.distance_m,
            "score": row.score, "section_scores": json.loads(row.section_scores), "passed": row.passed,
            "critical_failed": json.loads(row.critical_failed), "findings": json.loads(row.findings),
            "answers": json.loads(row.answers)}


def _where(conn: Connection, body: InspectionCreate, max_accuracy_m: float) -> dict:
    """The clock-in geofence rules' verdict on where the phone was when it finished (recorded, as
    a punch's is, for the reader to judge; an inspection is not refused for it)."""
    if body.fix is None:
        return {"geofence": None, "distance_m": None}
    store = conn.execute(select(db.stores).where(db.stores.c.id == body.store_id)).first()
    f = body.fix
    decision = decide(Fix(f.latitude, f.longitude, f.accuracy_m, f.timestamp, f.mocked),
                      Fence(store.id, store.latitude, store.longitude, store.radius_m), now=body.finished_at,
                      max_accuracy_m=max_accuracy_m)
    return {"geofence": decision.verdict.value, "distance_m": round(decision.distance_m, 1)}


def _scored(conn: Connection, actor: Actor, body: InspectionCreate) -> Score:
    """The inspection checked and scored with the template version it was done with."""
    row = _version_row(conn, body.template_id, body.template_version)
    if row is None or not _may_see_template(conn, actor, row.area):
        raise _not_found(f"{body.template_id} version {body.template_version}")
    store_area = conn.execute(select(db.stores.c.area).where(db.stores.c.id == body.store_id)).scalar()
    if row.area is not None and row.area != store_area:
        raise BadRequest(Reason.INSPECTION_BAD_TEMPLATE, "This template is for another area's stores.")
    template = Template.from_dict(json.loads(row.body))
    try:
        result = score(template, [answer_from_dict(a.model_dump()) for a in body.answers])
    except AccessDenied as exc:
        raise BadRequest(Reason(exc.reason), exc.message) from None
    return mark_repeated(result, _earlier_failures(conn, body))


def record_inspection(conn: Connection, actor: Actor, body: InspectionCreate, now: datetime,
                      max_accuracy_m: float) -> dict:
    """Check, score and keep a finished inspection; the same one sent again is answered as kept."""
    _require_writer(actor)
    if not actor.covers(body.store_id):
        raise Forbidden(Reason.FORBIDDEN_ROLE, f"You do not cover store {body.store_id}.")
    if _kept(conn, actor, body.id) is None:
        _insert(conn, actor, body, now, max_accuracy_m)
        kept = _inspection_public(_kept(conn, actor, body.id))
        # issue 12, insprun: the result to the phones of those who may read it (HQ, the store's managers)
        # (with the template's name: store managers' phones do not hold templates)
        emit(conn, "inspection", body.id, {**kept, "template_name": _template_of(conn, body).name},
             audience="managers", store_ids=[body.store_id])
        return kept
    return _inspection_public(_kept(conn, actor, body.id))


def _kept(conn: Connection, actor: Actor, inspection_id: str):
    """The inspection already kept under this id (None: none); someone else's is a conflict."""
    kept = conn.execute(select(db.inspections).where(db.inspections.c.id == inspection_id)).first()
    if kept is not None and kept.inspector_id != actor.user_id:
        raise Conflict(Reason.CONFLICT, f"Inspection {inspection_id} is someone else's.")
    return kept


def _insert(conn: Connection, actor: Actor, body: InspectionCreate, now: datetime, max_accuracy_m: float) -> None:
    """Score and keep it; a copy racing in (the phone retrying) keeps the first one only."""
    result = _scored(conn, actor, body)
    row = dict(id=body.id, template_id=body.template_id, template_version=body.template_version,
               store_id=body.store_id, inspector_id=actor.user_id, finished_at=body.finished_at,
               received_at=now, **_where(conn, body, max_accuracy_m), answers=json.dumps([a.model_dump() for a in body.answers]),
               score=result.percent, section_scores=json.dumps(result.sections), passed=result.passed,
               critical_failed=json.dumps(list(result.critical_failed)),
               findings=json.dumps([f.__dict__ | {"photos": list(f.photos)} for f in result.findings]))
    db.insert_missing(conn, db.inspections, **row)
    sections = {s.id: s.title for s in _template_of(conn, body).sections}
    for f in result.findings:  # issue 12, taskboard: each failed item's corrective task
        task_board.add_corrective(conn, body.id, body.store_id, actor.user_id, body.finished_at, f.item_id,
                                  sections.get(f.section_id, ""), f.label, f.note)


def _template_of(conn: Connection, body: InspectionCreate) -> Template:
    return Template.from_dict(json.loads(_version_row(conn, body.template_id, body.template_version).body))


def get_inspection(conn: Connection, actor: Actor, inspection_id: str) -> dict:
    """One inspection, for HQ and the managers of its store; anyone else: not found."""
    row = conn.execute(select(db.inspections).where(db.inspections.c.id == inspection_id)).first()
    if row is None or not _may_see_inspection(actor, row.store_id):
        raise NotFound(Reason.NOT_FOUND, f"No inspection {inspection_id} you may see.")
    return _inspection_public(row)
