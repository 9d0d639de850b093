"""Issue 12, inspreport: a finished inspection as a PDF report (``GET /v1/inspections/{id}/report.pdf``).

Who may fetch it is exactly who may ``GET /v1/inspections/{id}`` (``inspections.get_inspection``:
HQ and the managers of the inspected store; anyone else is told it does not exist). The data is
read in one short read transaction; the photos are read from the photo folder and the PDF drawn
after it is closed (``inspection_report_pdf.render``), in the caller's thread: the route is a
plain ``def`` route, so FastAPI runs it in its thread pool, never on the event loop. At most
``MAX_CONCURRENT_RENDERS`` reports are drawn at once (a 60-item report with 20 photos takes about
a second of CPU; see docs/benchmarks.md), the rest wait their turn.

Photos: a finding's photo is put in the report only when it is stored, is a picture, and was
uploaded by the inspector (as ``photo_refs`` lets a record cite only its own user's photos: an
answer naming someone else's photo address never shows that photo to the report's readers).
A prepared photo (JPEG, long side at most 1600 px, upright) is embedded as it is; anything else
(a full-size camera JPEG from a file picker, a PNG) is prepared the phone's way first
(``app.media.prepare``; GPS and time dropped), so a report stays small and upright.
"""

import io
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from app.domain.attachments import IMAGE_TYPES
from app.domain.inspections.templates import Template
from app.domain.photo_checks import MAX_SIDE, PhotoSettings
from app.domain.roles import Actor
from app.domain.tasks.model import shown_status
from app.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES, negotiate, parse_accept_language
from backend_stub import db
from backend_stub.services import inspections
from backend_stub.services.task_board import to_domain
from backend_stub.settings import Settings

MAX_CONCURRENT_RENDERS = 2
_renders = threading.BoundedSemaphore(MAX_CONCURRENT_RENDERS)
_NO_EXIF = PhotoSettings(keep_gps=False, keep_time=False)


@dataclass(frozen=True)
class CorrectiveTask:
    """A task made from a finding, as the report lists it (``assignee``: a person's name)."""

    title: str
    status: str
    due_at: datetime | None
    assignee: str | None
    finding_item_id: str | None


@dataclass(frozen=True)
class ReportPhoto:
    """A finding's photo: JPEG bytes ready to embed, or None when the server does not hold it."""

    sha256: str
    jpeg: bytes | None = None
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class ReportFinding:
    """A failed item with its section title, the inspector's note and photos."""

    item_id: str
    section: str
    label: str
    critical: bool
    repeated: bool
    note: str
    photos: tuple[ReportPhoto, ...]


@dataclass(frozen=True)
class InspectionReport:
    """Everything the PDF shows of one finished inspection."""

    inspection_id: str
    store: str
    template: str
    template_version: int
    inspector: str
    finished_at: datetime
    score: float | None
    passed: bool
    pass_mark: float
    critical_failed: tuple[str, ...]
    sections: tuple[tuple[str, float | None], ...]
    findings: tuple[ReportFinding, ...]


def corrective_tasks(conn: Connection, inspection_id: str, now: datetime | None = None) -> list[CorrectiveTask]:
    """The tasks made from this inspection's findings, by due time, each with the status a board
    shows (overdue derived, app.domain.tasks) and the names of the people it is assigned to."""
    t = db.tasks.c
    rows = [dict(r) for r in conn.execute(select(db.tasks).where(t.inspection_id == inspection_id)
                                          .order_by(t.due_at, t.title)).mappings()]
    people = {u for r in rows for u in json.loads(r["assignees"] or "{}").get("user_ids", [])}
    names = dict(conn.execute(select(db.users.c.id, db.users.c.name).where(db.users.c.id.in_(people))).all()) \
        if people else {}
    now = now or datetime.now(UTC)
    out = []
    for r in rows:
        ids = json.loads(r["assignees"] or "{}").get("user_ids", [])
        out.append(CorrectiveTask(r["title"], shown_status(to_domain(r, []), now),
                                  db.aware(r["due_at"]) if r["due_at"] else None,
                                  ", ".join(names.get(u, u) for u in ids) or None, r["finding_item_id"]))
    return out


def report_locale(conn: Connection, actor: Actor, asked: str | None, accept_language: str | None) -> str:
    """The report's language: the one asked for, else the caller's own, else their browser's."""
    if asked:
        return negotiate([asked])
    own = conn.execute(select(db.users.c.locale).where(db.users.c.id == actor.user_id)).scalar()
    if own in SUPPORTED_LOCALES:
        return own
    return negotiate(parse_accept_language(accept_language)) if accept_language else DEFAULT_LOCALE


def _photo_files(conn: Connection, settings: Settings, shas: set[str], inspector_id: str) -> dict[str, bytes]:
    """The bytes of those photos the inspector uploaded and the server holds."""
    if not shas:
        return {}
    p = db.photos.c
    kept = conn.execute(select(p.sha256).where(p.sha256.in_(sorted(shas)), p.uploaded_by == inspector_id,
                                               p.content_type.in_(sorted(IMAGE_TYPES)))).scalars()
    files = {}
    for sha in kept:
        path = settings.photo_dir / sha
        if path.is_file():
            files[sha] = path.read_bytes()
    return files


def embeddable(sha: str, data: bytes | None) -> ReportPhoto:
    """The photo as a JPEG for the PDF: a prepared one as it is, anything else prepared first."""
    if data is None:
        return ReportPhoto(sha)
    from PIL import Image

    from app.media.prepare import PhotoUnreadable, prepare_photo

    try:
        with Image.open(io.BytesIO(data)) as im:
            if (im.format == "JPEG" and max(im.size) <= MAX_SIDE and im.mode in ("RGB", "L")
                    and im.getexif().get(0x0112, 1) == 1):
                return ReportPhoto(sha, data, *im.size)
        prepared = prepare_photo(data, _NO_EXIF)
    except (OSError, PhotoUnreadable, Image.DecompressionBombError):
        return ReportPhoto(sha)
    return ReportPhoto(sha, prepared.data, prepared.width, prepared.height)


def _names(conn: Connection, inspection: dict) -> tuple[str, str, Template]:
    store = conn.execute(select(db.stores.c.name).where(db.stores.c.id == inspection["store_id"])).scalar()
    inspector = conn.execute(select(db.users.c.name).where(db.users.c.id == inspection["inspector_id"])).scalar()
    v = db.inspection_template_versions.c
    body = conn.execute(select(v.body).where(v.template_id == inspection["template_id"],
                                             v.version == inspection["template_version"])).scalar_one()
    return store or inspection["store_id"], inspector or inspection["inspector_id"], Template.from_dict(json.loads(body))


def _report(inspection: dict, store: str, inspector: str, template: Template,
            photos: dict[str, bytes]) -> InspectionReport:
    titles = {s.id: s.title for s in template.sections}
    labels = {item.id: item.label for _s, item in template.items()}
    findings = tuple(ReportFinding(
        f["item_id"], titles.get(f["section_id"], f["section_id"]), f["label"], f["critical"], f["repeated"],
        f["note"], tuple(embeddable(sha, photos.get(sha)) for sha in f["photos"])) for f in inspection["findings"])
    return InspectionReport(
        inspection["id"], store, template.name, template.version, inspector, inspection["finished_at"],
        inspection["score"], inspection["passed"], template.pass_mark,
        tuple(labels.get(i, i) for i in inspection["critical_failed"]),
        tuple((s.title, inspection["section_scores"].get(s.id)) for s in template.sections), findings)


def gather(conn: Connection, settings: Settings, actor: Actor,
           inspection_id: str) -> tuple[dict, str, str, Template, dict[str, bytes], list[CorrectiveTask]]:
    """What the report needs from the database and the photo folder; 404 as ``GET`` answers it."""
    inspection = inspections.get_inspection(conn, actor, inspection_id)
    store, inspector, template = _names(conn, inspection)
    shas = {sha for f in inspection["findings"] for sha in f["photos"]}
    return (inspection, store, inspector, template, _photo_files(conn, settings, shas, inspection["inspector_id"]),
            corrective_tasks(conn, inspection_id))


class ReportsBusy(Exception):
    """Every report slot is drawing: the caller is told to come back (429), no thread waits."""


def report_pdf(engine: Engine, settings: Settings, actor: Actor, inspection_id: str, lang: str | None = None,
               accept_language: str | None = None) -> bytes:
    """The PDF of one inspection, for a caller who may see it (else ``NotFound``). Blocking:
    call it from a thread, never from the event loop."""
    from app.i18n import Translator
    from backend_stub.services import inspection_report_pdf

    # The slot first, then the reading: a flood of requests neither holds threads waiting for a
    # slot nor holds every photo in memory while it waits (probe12).
    if not _renders.acquire(blocking=False):
        raise ReportsBusy()
    try:
        with engine.connect().execution_options(readonly=True) as conn, conn.begin():
            inspection, store, inspector, template, photos, tasks = gather(conn, settings, actor, inspection_id)
            locale = report_locale(conn, actor, lang, accept_language)
        report = _report(inspection, store, inspector, template, photos)
        return inspection_report_pdf.render(report, tasks, Translator(locale), settings.derived_dir)
    finally:
        _renders.release()


def render_gathered(report: InspectionReport, tasks: Sequence[CorrectiveTask], locale: str = "en") -> bytes:
    """Draw an already gathered report (benchmarks and tests; the converted font is kept where
    the settings say, as the server keeps it)."""
    from app.i18n import Translator
    from backend_stub.services import inspection_report_pdf

    return inspection_report_pdf.render(report, tasks, Translator(locale), Settings().cache_dir)
