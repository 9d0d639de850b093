"""Issue 12, inspscore: the wire format of inspection templates and inspections.

Bodies are strict (unknown fields refused); what a template or an answer means is checked by
``app.domain.inspections`` (the same rules on the phone and the server)."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.domain.inspections import scoring, templates
from app.domain.inspections.templates import ItemKind
from app.protocol.fields import NO_CONTROL_CHARACTERS, StrictBool, WireTime
from app.protocol.mutations import Id, LocationFix, Sha256

Label = Annotated[str, StringConstraints(min_length=1, max_length=templates.MAX_LABEL, strip_whitespace=True), NO_CONTROL_CHARACTERS]
Choice = Annotated[str, StringConstraints(min_length=1, max_length=templates.MAX_LABEL)]
Weight = Annotated[float, Field(gt=0, le=templates.MAX_WEIGHT)]
#: An answer's value: yes/no a boolean, a score an integer, a number any number, a choice or
#: text a string, a photo item or a not-applicable one nothing.
AnswerValue = StrictBool | int | float | Annotated[str, StringConstraints(max_length=scoring.MAX_NOTE)] | None


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InspectionItem(_Body):
    """One item of a template (see docs/inspections.md for each kind's fields)."""

    id: Id
    label: Label
    kind: ItemKind
    weight: Weight = 1
    critical: StrictBool = False
    photo_required_when_failed: StrictBool = False
    note_required_when_failed: StrictBool = False
    max_score: int | None = Field(default=None, ge=1, le=templates.MAX_SCORE)
    pass_score: int | None = Field(default=None, ge=0, le=templates.MAX_SCORE)
    min_value: float | None = None
    max_value: float | None = None
    choices: list[Choice] = Field(default_factory=list, max_length=templates.MAX_CHOICES)
    passing_choices: list[Choice] = Field(default_factory=list, max_length=templates.MAX_CHOICES)


class InspectionSection(_Body):
    """A titled group of items."""

    id: Id
    title: Label
    items: list[InspectionItem] = Field(min_length=1, max_length=templates.MAX_ITEMS)


class InspectionTemplateUpdate(_Body):
    """``PUT /inspection-templates/{id}``: the whole template as its next version."""

    name: Label
    pass_mark: float = Field(default=templates.DEFAULT_PASS_MARK, ge=0, le=100)
    sections: list[InspectionSection] = Field(min_length=1, max_length=templates.MAX_SECTIONS)


class InspectionTemplateCreate(InspectionTemplateUpdate):
    """``POST /inspection-templates``: a new template (version 1). ``area``: the area it is for;
    only HQ may leave it out (a chain-wide template)."""

    area: Id | None = None


class InspectionTemplatePublic(InspectionTemplateCreate):
    """A template at one version, who wrote that version and when."""

    model_config = ConfigDict(extra="ignore")
    id: str
    version: int
    written_by: str
    written_at: datetime


class InspectionAnswer(_Body):
    """The answer to one item."""

    item_id: Id
    value: AnswerValue = None
    not_applicable: StrictBool = False
    note: Annotated[str, StringConstraints(max_length=scoring.MAX_NOTE)] = ""
    photos: list[Sha256] = Field(default_factory=list, max_length=scoring.MAX_PHOTOS)


class InspectionCreate(_Body):
    """``POST /inspections``: a finished inspection. ``id`` is made by the phone (sending it
    again returns the same inspection); ``finished_at`` is the phone's time, kept as sent;
    ``fix`` where it was then."""

    id: Id
    template_id: Id
    template_version: int = Field(ge=1, le=templates.MAX_VERSION)
    store_id: Id
    finished_at: WireTime
    answers: list[InspectionAnswer] = Field(max_length=templates.MAX_ITEMS)
    fix: LocationFix | None = Field(default=None, description="Where the phone was when the inspection was "
                                    "finished (judged by the clock-in geofence rules)")


class FindingPublic(BaseModel):
    """A failed item; ``repeated``: it failed in one of the store's last 3 inspections too."""

    item_id: str
    section_id: str
    label: str
    critical: bool
    note: str
    photos: list[str]
    repeated: bool


class InspectionPublic(BaseModel):
    """A finished inspection as the server scored it, with the template version it was done with."""

    id: str
    template_id: str
    template_version: int
    store_id: str
    inspector_id: str
    finished_at: datetime
    received_at: datetime
    geofence: str | None = Field(description="inside, uncertain, outside or refused (None: no location sent)")
    distance_m: float | None
    score: float | None = Field(description="Weighted % of applicable items (None: nothing applicable)")
    section_scores: dict[str, float | None]
    passed: bool
    critical_failed: list[str]
    findings: list[FindingPublic]
    answers: list[InspectionAnswer]


class InspectionReportLink(BaseModel):
    """Issue 12, insprun: a link a browser opens to the report without the app's token
    (``/v1/inspection-reports/{link}.pdf``, relative to the server), and until when it works."""

    url: str
    expires_at: datetime
