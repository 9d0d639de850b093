"""Issue 12, inspreport: the wire format of inspection history (per store) and failing items (per
template). Read only; see docs/inspections.md, "Report and trends"."""

from datetime import datetime

from pydantic import BaseModel, Field


class HistoryPoint(BaseModel):
    """One finished inspection of the store with a template."""

    inspection_id: str
    finished_at: datetime
    template_version: int
    score: float | None = Field(description="Weighted % (None: nothing applicable)")
    passed: bool
    critical_failed: list[str]
    findings: int = Field(description="How many items failed")
    repeated: list[str] = Field(default_factory=list, description=(
        "Labels of the findings that repeat (also failed in one of the store's 3 previous inspections with the "
        "template); issue 12, insptrend"))


class TemplateHistory(BaseModel):
    """A template's inspections of the store, newest first."""

    template_id: str
    name: str
    inspections: list[HistoryPoint]


class StoreInspectionHistory(BaseModel):
    """``GET /stores/{id}/inspection-history``: scores over time per template; the template
    inspected most recently comes first."""

    store_id: str
    templates: list[TemplateHistory]


class StoreFailures(BaseModel):
    """How often an item failed at one store."""

    store_id: str
    store_name: str
    failures: int


class FailingItem(BaseModel):
    """An item of the template and how often it failed, in all and per store (most first)."""

    item_id: str
    label: str
    section: str
    critical: bool
    failures: int
    stores: list[StoreFailures]


class TemplateFailingItems(BaseModel):
    """``GET /inspection-templates/{id}/failing-items``: over the caller's stores' inspections
    with the template (``inspections`` of them, at ``store_ids``), the items failing most."""

    template_id: str
    name: str
    inspections: int
    store_ids: list[str]
    items: list[FailingItem]
