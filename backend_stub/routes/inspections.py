"""Issue 12, inspscore: inspection templates (``/inspection-templates``) and finished inspections
(``/inspections``), online. Templates are written by area managers and HQ; each ``PUT`` is the
next version. See docs/inspections.md."""

from datetime import UTC, datetime

from fastapi import APIRouter, Header, Query, Response

from app.domain.inspections.templates import MAX_VERSION
from app.protocol.fields import WireTime
from app.protocol.inspections import (
    InspectionCreate,
    InspectionPublic,
    InspectionReportLink,
    InspectionTemplateCreate,
    InspectionTemplatePublic,
    InspectionTemplateUpdate,
)
from app.protocol.inspection_trends import StoreInspectionHistory, TemplateFailingItems
from app.protocol import Reason
from backend_stub.deps import CurrentUser, DbRead, DbSession, EngineDep, SettingsDep, load_actor
from backend_stub.errors import TooManyRequests
from backend_stub.openapi import errors
from backend_stub.services import inspection_report, inspection_report_links, inspection_report_trends, inspections

templates_router = APIRouter(prefix="/inspection-templates", tags=["inspections"])
router = APIRouter(prefix="/inspections", tags=["inspections"])


@templates_router.post("", status_code=201, responses=errors(400, 401, 403))
def create_template(body: InspectionTemplateCreate, caller: CurrentUser, conn: DbSession) -> InspectionTemplatePublic:
    """A new template (version 1), by an area manager for an area of their stores, or by HQ."""
    return inspections.create_template(conn, caller.actor, body, datetime.now(UTC))


@templates_router.get("", responses=errors(401, 403))
def list_templates(caller: CurrentUser, conn: DbRead) -> list[InspectionTemplatePublic]:
    """The current version of each template the caller may use (their stores' areas and the chain's)."""
    return inspections.list_templates(conn, caller.actor)


@templates_router.get("/{template_id}", responses=errors(401, 403, 404))
def get_template(template_id: str, caller: CurrentUser, conn: DbRead,
                 version: int | None = Query(default=None, ge=1, le=MAX_VERSION)) -> InspectionTemplatePublic:
    """The template's current version, or the ``version`` asked for."""
    return inspections.get_template(conn, caller.actor, template_id, version)


@templates_router.put("/{template_id}", responses=errors(400, 401, 403, 404, 409))
def edit_template(template_id: str, body: InspectionTemplateUpdate, caller: CurrentUser, conn: DbSession,
                  base_version: int | None = Query(default=None, ge=1, le=MAX_VERSION, description=(
                      "The version this edit was made from: when another version was saved since, 409 "
                      "conflict (issue 12, inspbuild: the app's builder sends it)"))) -> InspectionTemplatePublic:
    """Save the template as its next version (inspections done with earlier ones keep theirs)."""
    return inspections.edit_template(conn, caller.actor, template_id, body, datetime.now(UTC), base_version)


@router.post("", status_code=201, responses=errors(400, 401, 403, 404, 409))
def record(body: InspectionCreate, caller: CurrentUser, conn: DbSession, settings: SettingsDep) -> InspectionPublic:
    """A finished inspection, checked and scored by the server with the version it was done with."""
    return inspections.record_inspection(conn, caller.actor, body, datetime.now(UTC), settings.max_fix_accuracy_m)


@router.get("/{inspection_id}", responses=errors(401, 404))
def get_inspection(inspection_id: str, caller: CurrentUser, conn: DbRead) -> InspectionPublic:
    """One inspection: for HQ and the managers of its store."""
    return inspections.get_inspection(conn, caller.actor, inspection_id)


# Issue 12, inspreport: the report and trends (read only).
REPORT_RESPONSES = {200: {"description": "The inspection report (A4 PDF)", "content": {"application/pdf": {}}},
                    **errors(401, 404, 429)}
REPORT_RETRY_S = 5  # a report draws in about a second or two


@router.get("/{inspection_id}/report.pdf", response_class=Response, responses=REPORT_RESPONSES)
def inspection_report_pdf(inspection_id: str, caller: CurrentUser, engine: EngineDep, settings: SettingsDep,
                          lang: str | None = Query(default=None, max_length=35,
                                                   description="Language of the report (default: the caller's)"),
                          accept_language: str | None = Header(default=None)) -> Response:
    """The finished inspection as a PDF: score, pass/fail, sections, findings with their photos,
    corrective tasks. For HQ and the managers of its store (anyone else: 404, as ``GET``).
    A plain ``def`` route: the drawing runs in the thread pool, never on the event loop."""
    return _pdf_response(_drawn(lambda: inspection_report.report_pdf(
        engine, settings, caller.actor, inspection_id, lang, accept_language)), inspection_id)


def _drawn(draw) -> bytes:
    """The report drawn, or 429 reports_busy at once when every slot is drawing (probe12)."""
    try:
        return draw()
    except inspection_report.ReportsBusy:
        raise TooManyRequests(Reason.REPORTS_BUSY, "Other reports are being drawn; try again shortly.",
                              REPORT_RETRY_S) from None


def _pdf_response(pdf: bytes, inspection_id: str) -> Response:
    safe_id = "".join(c if c.isalnum() or c in "-_." else "_" for c in inspection_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="inspection-{safe_id}.pdf"',
                             "Cache-Control": "private, no-store"})


# Issue 12, insprun: a link to the report that a browser opens without the app's token.
@router.post("/{inspection_id}/report-link", responses=errors(401, 404))
def inspection_report_link(inspection_id: str, caller: CurrentUser, conn: DbRead, settings: SettingsDep,
                           lang: str | None = Query(default=None, max_length=35,
                                                    description="Language of the report (default: the caller's)")
                           ) -> InspectionReportLink:
    """A link to the report, valid for 10 minutes, for whoever may read it (anyone else: 404)."""
    return inspection_report_links.issue(conn, settings, caller.actor, inspection_id, lang,
                                         inspection_report_links.now())


links_router = APIRouter(prefix="/inspection-reports", tags=["inspections"])


@links_router.get("/{link}.pdf", response_class=Response, responses={**REPORT_RESPONSES, **errors(401, 404)})
def inspection_report_by_link(link: str, engine: EngineDep, settings: SettingsDep) -> Response:
    """The report through a link from ``report-link`` (no token: the link is the credential).
    The person is checked again as they are now; a forged or expired link is 401."""
    user_id, inspection_id, lang = inspection_report_links.read(settings, link)
    with engine.connect() as conn:
        loaded = load_actor(conn, user_id)
    if loaded is None:
        raise inspection_report_links.not_found(inspection_id)
    return _pdf_response(_drawn(lambda: inspection_report.report_pdf(engine, settings, loaded[0], inspection_id, lang)),
                         inspection_id)


stores_router = APIRouter(prefix="/stores", tags=["inspections"])
Since = Query(default=None, description="Only inspections finished at or after this time")


@stores_router.get("/{store_id}/inspection-history", responses=errors(401, 403, 404))
def store_inspection_history(store_id: str, caller: CurrentUser, conn: DbRead,
                             limit: int = Query(default=20, ge=1, le=inspection_report_trends.MAX_HISTORY),
                             since: WireTime | None = Since) -> StoreInspectionHistory:
    """The store's inspection scores over time, per template, newest first, with pass/fail: for
    HQ and the managers who cover the store (staff and other stores' managers: 403)."""
    return inspection_report_trends.store_history(conn, caller.actor, store_id, limit, since)


@templates_router.get("/{template_id}/failing-items", responses=errors(401, 403, 404))
def template_failing_items(template_id: str, caller: CurrentUser, conn: DbRead,
                           limit: int = Query(default=20, ge=1, le=inspection_report_trends.MAX_ITEMS),
                           since: WireTime | None = Since) -> TemplateFailingItems:
    """The template's items failing most across the caller's stores (HQ: all), with how often and
    where. For those who may read the template (staff 403, another area's 404)."""
    return inspection_report_trends.failing_items(conn, caller.actor, template_id, limit, since)
