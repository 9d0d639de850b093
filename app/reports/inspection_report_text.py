"""Issue 12, inspreport: the words of the inspection PDF report, marked for translation.

The server draws the report (``backend_stub/services/inspection_report_pdf.py``) in the reader's
language with these; they live under ``app/`` so ``scripts/i18n_extract.sh`` finds them.
"""

from app.i18n import MessageMap, N_

LABELS = MessageMap({
    # Translators: title of the PDF report of one finished store inspection.
    "title": N_("Store inspection report"),
    "store": N_("Store"),
    # Translators: the inspection template used, then its version number, e.g. "Store walk (version 3)".
    "template": N_("Template"),
    "template_version": N_("{name} (version {version})"),
    "inspector": N_("Inspector"),
    "finished_at": N_("Finished"),
    "score": N_("Score"),
    # Translators: the score when no item of the inspection could be scored (all not applicable).
    "no_score": N_("No score (nothing applicable)"),
    "pass_mark": N_("pass mark {mark}%"),
    # Translators: the verdict of a store inspection, written large on its report.
    "passed": N_("PASS"),
    "failed": N_("FAIL"),
    # Translators: why an inspection failed whatever its score; {items} lists the failed items.
    "critical_failed": N_("Failed because a critical item failed: {items}"),
    "sections": N_("Sections"),
    "section": N_("Section"),
    "findings": N_("Findings"),
    "no_findings": N_("No item failed."),
    "critical": N_("critical"),
    # Translators: marks a finding whose item also failed in one of the store's last 3 inspections.
    "repeated": N_("repeated: also failed in the last 3 inspections"),
    "note": N_("Note"),
    # Translators: shown instead of a photo of a finding that the server does not hold.
    "photo_missing": N_("Photo not received yet"),
    "corrective_tasks": N_("Corrective tasks"),
    "no_tasks": N_("No corrective task yet."),
    "task": N_("Task"),
    "status": N_("Status"),
    "due": N_("Due"),
    "assignee": N_("Assigned to"),
    # Translators: the finding (failed item) a corrective task was made for.
    "finding": N_("Finding"),
    "page": N_("Page {number}"),
})
