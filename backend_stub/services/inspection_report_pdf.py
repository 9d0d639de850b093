"""Issue 12, inspreport: drawing the inspection report with ReportLab (platypus flowables, A4).

Layout: a heading with the store, template and version, inspector and finish time; the score
with PASS/FAIL in large type (and the critical items that failed it); a table of section
scores; each finding with its section, label, critical and repeated marks, the note and its
photos (scaled to fit, two a row); then the corrective tasks. Every text goes through
``inspection_report_fonts.markup`` so Chinese, Thai and Arabic names are drawn with the bundled
Noto fonts. Pure: the data comes in (``InspectionReport``, the tasks), PDF bytes go out.
"""

import io
from collections.abc import Sequence
from pathlib import Path

from app.i18n import Translator
from app.reports.inspection_report_text import LABELS
from app.i18n.common_strings import TASK_STATUS_LABELS
from backend_stub.services import inspection_report_fonts as fonts
from backend_stub.services.inspection_report import CorrectiveTask, InspectionReport, ReportFinding, ReportPhoto

_PASS_COLOUR, _FAIL_COLOUR = "#1b7f3b", "#b3261e"
_PHOTO_BOX_MM = (80, 60)


class _Styles:
    """The report's paragraph styles (built per report: the fonts are registered first)."""

    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        base = ParagraphStyle("body", fontName=fonts.LATIN, fontSize=10, leading=14, shaping=1)
        self.body = base
        self.small = ParagraphStyle("small", base, fontSize=8.5, leading=11)
        self.title = ParagraphStyle("title", base, fontSize=18, leading=24, spaceAfter=6)
        self.heading = ParagraphStyle("heading", base, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4)
        self.finding = ParagraphStyle("finding", base, fontSize=11, leading=15, spaceBefore=8)
        self.verdict = ParagraphStyle("verdict", base, fontSize=22, leading=28, spaceBefore=4, spaceAfter=4)


def _p(text: str, style, bold: bool = False, colour: str | None = None):
    """A paragraph of ``text`` in the bundled fonts (shaped where it holds Thai or Arabic)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    body = fonts.markup(text, bold)
    if colour:
        body = f'<font color="{colour}">{body}</font>'
    return Paragraph(body, ParagraphStyle(style.name, style, fontName=fonts.base_font(text, bold)))


def _percent(t: Translator, value: float | None) -> str:
    return "-" if value is None else f"{t.format_decimal(value, '0.##')}%"


def _heading(report: InspectionReport, t: Translator, s: _Styles) -> list:
    from reportlab.platypus import Table, TableStyle

    template = LABELS.text(t, "template_version", name=report.template, version=report.template_version)
    rows = [(LABELS.text(t, "store"), report.store), (LABELS.text(t, "template"), template),
            (LABELS.text(t, "inspector"), report.inspector),
            (LABELS.text(t, "finished_at"), t.format_datetime(report.finished_at, "medium"))]
    table = Table([[_p(k, s.body, bold=True), _p(v, s.body)] for k, v in rows], colWidths=("30%", "70%"))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [_p(LABELS.text(t, "title"), s.title, bold=True), table]


def _verdict(report: InspectionReport, t: Translator, s: _Styles) -> list:
    verdict = LABELS.text(t, "passed" if report.passed else "failed")
    score = (LABELS.text(t, "no_score") if report.score is None else _percent(t, report.score))
    mark = LABELS.text(t, "pass_mark", mark=t.format_decimal(report.pass_mark, "0.##"))
    out = [_p(LABELS.text(t, "score"), s.heading, bold=True),
           _p(f"{score}  {verdict}", s.verdict, bold=True, colour=_PASS_COLOUR if report.passed else _FAIL_COLOUR),
           _p(f"({mark})", s.small)]
    if report.critical_failed:
        items = ", ".join(report.critical_failed)
        out.append(_p(LABELS.text(t, "critical_failed", items=items), s.body, bold=True, colour=_FAIL_COLOUR))
    return out


def _sections(report: InspectionReport, t: Translator, s: _Styles) -> list:
    from reportlab.platypus import Table, TableStyle

    rows = [[_p(LABELS.text(t, "section"), s.body, bold=True), _p(LABELS.text(t, "score"), s.body, bold=True)]]
    rows += [[_p(title, s.body), _p(_percent(t, value), s.body)] for title, value in report.sections]
    table = Table(rows, colWidths=("75%", "25%"), repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, "#444444"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#bbbbbb"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [_p(LABELS.text(t, "sections"), s.heading, bold=True), table]


def _photo(photo: ReportPhoto, t: Translator, s: _Styles):
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    if photo.jpeg is None:
        return _p(f"{LABELS.text(t, 'photo_missing')} ({photo.sha256[:12]})", s.small)
    box_w, box_h = _PHOTO_BOX_MM[0] * mm, _PHOTO_BOX_MM[1] * mm
    scale = min(box_w / photo.width, box_h / photo.height)
    return Image(io.BytesIO(photo.jpeg), width=photo.width * scale, height=photo.height * scale)


def _photos(photos: Sequence[ReportPhoto], t: Translator, s: _Styles) -> list:
    from reportlab.platypus import Table, TableStyle

    if not photos:
        return []
    cells = [_photo(p, t, s) for p in photos]
    rows = [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=("50%", "50%"))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "LEFT"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [table]


def _finding(n: int, finding: ReportFinding, t: Translator, s: _Styles) -> list:
    from reportlab.platypus import KeepTogether

    marks = [LABELS.text(t, "critical")] if finding.critical else []
    if finding.repeated:
        marks.append(LABELS.text(t, "repeated"))
    head = [_p(f"{n}. {finding.label}", s.finding, bold=True,
               colour=_FAIL_COLOUR if finding.critical else None),
            _p(f"{LABELS.text(t, 'section')}: {finding.section}", s.small)]
    if marks:
        head.append(_p(" · ".join(f"[{m}]" for m in marks), s.small, bold=True, colour=_FAIL_COLOUR))
    if finding.note.strip():
        head.append(_p(f"{LABELS.text(t, 'note')}: {finding.note}", s.body))
    return [KeepTogether(head + _photos(finding.photos[:2], t, s))] + _photos(finding.photos[2:], t, s)


def _findings(report: InspectionReport, t: Translator, s: _Styles) -> list:
    out = [_p(LABELS.text(t, "findings"), s.heading, bold=True)]
    if not report.findings:
        return out + [_p(LABELS.text(t, "no_findings"), s.body)]
    for n, finding in enumerate(report.findings, 1):
        out += _finding(n, finding, t, s)
    return out


def _tasks(report: InspectionReport, tasks: Sequence[CorrectiveTask], t: Translator, s: _Styles) -> list:
    from reportlab.platypus import Table, TableStyle

    out = [_p(LABELS.text(t, "corrective_tasks"), s.heading, bold=True)]
    if not tasks:
        return out + [_p(LABELS.text(t, "no_tasks"), s.body)]
    labels = {f.item_id: f.label for f in report.findings}
    keys = ("task", "finding", "status", "due", "assignee")
    rows = [[_p(LABELS.text(t, k), s.small, bold=True) for k in keys]]
    for task in tasks:
        due = t.format_datetime(task.due_at, "short") if task.due_at else "-"
        finding = labels.get(task.finding_item_id or "", task.finding_item_id or "-")
        status = t.gettext(TASK_STATUS_LABELS.get(task.status, task.status))
        rows.append([_p(v, s.small) for v in (task.title, finding, status, due, task.assignee or "-")])
    table = Table(rows, colWidths=("30%", "25%", "13%", "16%", "16%"), repeatRows=1)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, "#444444"),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.25, "#bbbbbb"),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return out + [table]


def render(report: InspectionReport, tasks: Sequence[CorrectiveTask], t: Translator,
           font_cache: Path | None = None) -> bytes:
    """The report as PDF bytes, in ``t``'s language (``font_cache``: see ``fonts.register``)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    fonts.register(font_cache)
    s = _Styles()
    out = io.BytesIO()
    title = f"{LABELS.text(t, 'title')}: {report.store}"
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author=report.inspector, subject=report.template)
    story = (_heading(report, t, s) + _verdict(report, t, s) + _sections(report, t, s)
             + _findings(report, t, s) + _tasks(report, tasks, t, s))

    def footer(canvas, document) -> None:
        page = _p(LABELS.text(t, "page", number=document.page), s.small)
        width, _height = page.wrap(40 * mm, 10 * mm)
        page.drawOn(canvas, A4[0] - 18 * mm - min(width, page.minWidth()), 8 * mm)

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
