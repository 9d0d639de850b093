"""Payloads of each mutation type. The server validates every payload with these."""

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from app.domain import broadcast_checks, broadcasts, open_shifts, saved_audiences
from app.domain.attachments import MAX_FILES, MAX_PDF_BYTES
from app.domain.approvals import MIN_REASON_LENGTH
from app.domain.availability import MAX_NOTE, MAX_WINDOWS
from app.domain.requests.kinds import RequestType
from app.domain.roles import Role
from app.domain.timesheet_query import MAX_MESSAGE, MIN_MESSAGE
from app.i18n.locales import SUPPORTED_LOCALES
from app.protocol.fields import NO_CONTROL_CHARACTERS, StrictBool, StrictFloat, WireTime

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BroadcastRead(_Payload):
    """A staff member confirms they read a broadcast (read receipt)."""

    broadcast_id: Id
    user_id: Id
    read_at: WireTime


class NoteAdd(_Payload):
    """A hand-over note left for a store (optionally about one shift)."""

    note_id: Id
    user_id: Id
    store_id: Id
    body: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True), NO_CONTROL_CHARACTERS]
    shift_id: Id | None = None


class NoteDelete(_Payload):
    """The author withdraws their note."""

    note_id: Id


class BroadcastAudience(_Payload):
    """Issue 11, broadcasts: who a broadcast is for (app.domain.broadcasts.Audience): stores, an
    area, one role among them, named people. Also the body of ``POST /broadcasts/audience-count``."""

    store_ids: list[Id] = Field(default_factory=list, max_length=500)
    area: Id | None = None
    role: Role | None = None
    user_ids: list[Id] = Field(default_factory=list, max_length=broadcasts.MAX_NAMED)

    def audience(self) -> broadcasts.Audience:
        return broadcasts.Audience(tuple(self.store_ids), self.area, self.role, tuple(self.user_ids))


class SavedAudienceSave(BroadcastAudience):
    """Issue 11, bcsaved: the body of ``POST /saved-audiences``: an audience and its name."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=saved_audiences.MAX_NAME, strip_whitespace=True)]


BroadcastTitle = Annotated[str, StringConstraints(min_length=1, max_length=broadcasts.MAX_TITLE,
                                                  strip_whitespace=True), NO_CONTROL_CHARACTERS]
BroadcastBody = Annotated[str, StringConstraints(max_length=broadcasts.MAX_BODY), NO_CONTROL_CHARACTERS]


class BroadcastTranslation(_Payload):
    """Issue 11, bcwrite: a broadcast's title and text in another language, added by the sender."""

    title: BroadcastTitle
    body: BroadcastBody = ""


def _supported_languages(translations: dict) -> dict:
    unknown = sorted(set(translations) - set(SUPPORTED_LOCALES))
    if unknown:
        raise ValueError(f"not a supported language: {', '.join(unknown)}")
    return translations


#: Language code -> that language's version (supported languages only).
BroadcastTranslations = Annotated[dict[str, BroadcastTranslation], Field(max_length=len(SUPPORTED_LOCALES)),
                                  AfterValidator(_supported_languages)]


class BroadcastAttachment(_Payload):
    """Issue 11, bcattach: one photo or PDF a broadcast carries, uploaded separately by its
    SHA-256 (``PUT /photos``); ``name`` is what readers see."""

    sha256: Sha256
    kind: Literal["image/jpeg", "image/png", "image/webp", "application/pdf"]
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
    size: int = Field(ge=1, le=MAX_PDF_BYTES)


def _distinct_files(files: list) -> list:
    if len({f.sha256 for f in files}) != len(files):
        raise ValueError("the same file is attached twice")
    return files
class BroadcastCheck(_Payload):
    """Issue 11, bccheck: an urgent broadcast's one-question check (the rule:
    app.domain.broadcast_checks.check_valid, called by the phone and the server, which refuses a
    bad one with ``broadcast_bad_check``; only the wire's outer limits are here)."""

    question: Annotated[str, StringConstraints(max_length=4 * broadcast_checks.MAX_QUESTION)]
    choices: list[Annotated[str, StringConstraints(max_length=4 * broadcast_checks.MAX_CHOICE)]] = Field(
        max_length=4 * broadcast_checks.MAX_CHOICES)
    right: int = Field(ge=-1, le=4 * broadcast_checks.MAX_CHOICES)

    def rule(self) -> broadcast_checks.Check:
        return broadcast_checks.Check(self.question, tuple(self.choices), self.right)


class BroadcastCreate(BroadcastAudience):
    """A manager sends a broadcast to an audience (issue 11: urgent ones must be acknowledged)."""

    broadcast_id: Id
    title: BroadcastTitle
    body: BroadcastBody = ""
    kind: Literal["normal", "urgent"] = broadcasts.NORMAL
    pinned: StrictBool = False
    translations: BroadcastTranslations = Field(default_factory=dict)
    # Issue 11, bcwrite: the server holds it until ``send_at`` and hides it after ``expires_at``.
    send_at: WireTime | None = None
    expires_at: WireTime | None = None
    # Issue 11, bcattach: its photos and PDF files (each uploaded by the sender).
    attachments: Annotated[list[BroadcastAttachment], Field(max_length=MAX_FILES),
                           AfterValidator(_distinct_files)] = Field(default_factory=list)
    check: BroadcastCheck | None = None  # issue 11, bccheck: urgent ones only


class BroadcastEdit(_Payload):
    """Issue 11, bcwrite: the sender (or their manager) edits a sent broadcast's text; the
    version they saw (``base_version``) must still be the current one."""

    broadcast_id: Id
    base_version: int = Field(ge=1)
    title: BroadcastTitle
    body: BroadcastBody = ""
    translations: BroadcastTranslations = Field(default_factory=dict)


class BroadcastAcknowledge(_Payload):
    """Issue 11, broadcasts: the person acknowledges an urgent broadcast (when they tapped it)."""

    broadcast_id: Id
    user_id: Id
    acknowledged_at: WireTime
    answer: int | None = Field(default=None, ge=0, le=4 * broadcast_checks.MAX_CHOICES)  # issue 11, bccheck


class BroadcastRemind(_Payload):
    """Issue 11, bcfollow: "remind them": the sender (or their manager) reminds those who have not
    read a broadcast yet (not acknowledged, for an urgent one). The server decides who that is
    when it arrives."""

    reminder_id: Id
    broadcast_id: Id
    sent_at: WireTime


class UserLocaleSet(_Payload):
    """Issue 11, bcfollow: the language a person chose on their phone, so the server knows it
    (receipts' read rate by the readers' language)."""

    user_id: Id
    locale: Literal[tuple(SUPPORTED_LOCALES)]  # type: ignore[valid-type]


class LocationFix(_Payload):
    """A location fix as the device's geolocator reported it."""

    latitude: StrictFloat = Field(ge=-90, le=90)
    longitude: StrictFloat = Field(ge=-180, le=180)
    accuracy_m: StrictFloat = Field(ge=0, le=100_000)
    timestamp: WireTime
    mocked: StrictBool = False


class PunchRecord(_Payload):
    """Clock in/out or a break, with the evidence the device gathered.

    ``method``: ``face`` (selfie verified), ``pin`` (no biometric consent: PIN plus a
    manager's confirmation) or ``kiosk`` (a store tablet identified the person).
    ``device_geofence`` / ``device_face`` are the device's own verdicts; the server
    recomputes both and flags any disagreement.
    """

    punch_id: Id
    user_id: Id
    store_id: Id
    kind: Literal["clock_in", "clock_out", "break_start", "break_end"]
    fix: LocationFix | None = None
    method: Literal["face", "pin", "kiosk"] = "face"
    selfie_sha256: Sha256 | None = None
    frame_sha256s: list[Sha256] = Field(default_factory=list, max_length=3)
    device_geofence: str | None = None
    device_face: Literal["matched", "mismatch", "pending", "not_used"] = "not_used"
    #: The person asked to clock in without a shift (offered after ``shift_ended``): the
    #: server accepts it flagged ``unscheduled`` for a manager to approve.
    unscheduled: bool = False


class PunchConfirm(_Payload):
    """A manager confirms (or refuses) a PIN punch of someone without face consent."""

    punch_id: Id
    approve: StrictBool = True


class PunchCorrect(_Payload):
    """A manager fixes a punch time (e.g. a missing clock-out), with a reason (audited)."""

    correction_id: Id
    user_id: Id
    store_id: Id
    shift_id: Id | None = None
    kind: Literal["clock_in", "clock_out", "break_start", "break_end"]
    at: WireTime
    reason: Annotated[str, StringConstraints(min_length=MIN_REASON_LENGTH, max_length=500, strip_whitespace=True)]


class TimesheetQuery(_Payload):
    """Issue 8, my-punches: "this looks wrong" about a day of one's own timesheet, to the managers."""

    query_id: Id
    user_id: Id
    store_id: Id
    day: date
    message: Annotated[str, StringConstraints(min_length=MIN_MESSAGE, max_length=MAX_MESSAGE,
                                              strip_whitespace=True)]


# -- issue 10, roster: managers build and publish the week ------------------------------
ShiftRole = Annotated[str, StringConstraints(max_length=64, strip_whitespace=True)]


def _monday(day: date) -> date:
    if day.weekday() != 0:
        raise ValueError("a roster week starts on a Monday")
    return day


Monday = Annotated[date, AfterValidator(_monday)]


class ShiftCreate(_Payload):
    """A manager adds a shift to their store's roster (a draft until the week is published)."""

    shift_id: Id
    store_id: Id
    user_id: Id
    starts_at: WireTime
    ends_at: WireTime
    role: ShiftRole = ""


class ShiftUpdate(_Payload):
    """A manager changes a shift's person, times or role (it stays at its store)."""

    shift_id: Id
    user_id: Id
    starts_at: WireTime
    ends_at: WireTime
    role: ShiftRole = ""


class ShiftDelete(_Payload):
    """A manager deletes a shift: a draft goes, a published shift is cancelled."""

    shift_id: Id


class RosterCopyWeek(_Payload):
    """Last week's shifts of a store copied into the week starting ``week_start``, as drafts."""

    copy_key: Annotated[str, StringConstraints(min_length=8, max_length=32, pattern=r"^[a-z0-9]+$")]
    store_id: Id
    week_start: Monday


class RosterPublish(_Payload):
    """A store's drafts of one week become published (staff see them)."""

    store_id: Id
    week_start: Monday
# -- issue 10, leave: requests walking an approval chain (app.domain.requests) -------------
Comment = Annotated[str, StringConstraints(max_length=1000, strip_whitespace=True)]


class RequestSubmit(_Payload):
    """A person asks for leave, overtime, a shift change or a purchase at a store they work at."""

    request_id: Id
    type: RequestType
    store_id: Id
    first_day: date | None = None
    last_day: date | None = None
    hours: StrictFloat = Field(default=0, ge=0, le=24 * 31)
    after_the_fact: StrictBool = False
    shift_id: Id | None = None
    amount_hkd: StrictFloat = Field(default=0, ge=0, le=10_000_000)
    certificate_sha256: Sha256 | None = None
    note: Comment = ""


class RequestDecide(_Payload):
    """An approver of the request's current step approves, declines or sends it back."""

    request_id: Id
    decision: Literal["approve", "decline", "send_back"]
    comment: Comment = ""


class RequestCancel(_Payload):
    """The requester withdraws the request before its final decision."""

    request_id: Id


class RequestResubmit(_Payload):
    """The requester answers a send-back; the request waits again at the step that sent it."""

    request_id: Id
    comment: Comment = ""


class DelegationSet(_Payload):
    """An approver away from ``first_day`` to ``last_day`` hands their approvals to a delegate."""

    delegation_id: Id
    delegate_id: Id
    first_day: date
    last_day: date


class DelegationCancel(_Payload):
    """Issue 10, delegation: the delegator (or HQ) ends a hand-over before or during its days."""

    delegation_id: Id


# -- issue 10, trades: swaps, offers and cover requests ----------------------------------
TradeKindName = Literal["swap", "offer", "pool_offer", "cover"]
OverrideReason = Annotated[str, StringConstraints(min_length=MIN_REASON_LENGTH, max_length=500,
                                                  strip_whitespace=True)]


class TradeRequest(_Payload):
    """A staff member offers, swaps or asks cover for their shift, as they saw it (version)."""

    trade_id: Id
    kind: TradeKindName
    shift_id: Id
    shift_version: int = Field(ge=1)
    taker_id: Id | None = None
    swap_shift_id: Id | None = None
    swap_shift_version: int | None = Field(default=None, ge=1)


class TradeRespond(_Payload):
    """The colleague says yes or no (for a pool offer or cover: whoever takes it)."""

    trade_id: Id
    accept: StrictBool


class TradeOverride(_Payload):
    """A manager accepts one warning (``Flag`` code, about ``person_id``) with a reason."""

    code: Id
    person_id: Id | None = None
    reason: OverrideReason


class TradeDecide(_Payload):
    """A manager approves (each warning overridden with a reason) or declines."""

    trade_id: Id
    approve: StrictBool
    overrides: list[TradeOverride] = Field(default_factory=list, max_length=10)


class TradeCancel(_Payload):
    """The requester withdraws the request before it is approved."""

    trade_id: Id


# -- issue 10, availability: when I can work, and days I cannot -------------------------
HhMm = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class WeeklyWindowIn(_Payload):
    """A weekly time I can work (weekday 0 = Monday; an end at or before the start is overnight)."""

    weekday: int = Field(ge=0, le=6)
    start: HhMm
    end: HhMm


class AvailabilitySet(_Payload):
    """A person replaces their weekly availability (no windows: any time)."""

    user_id: Id
    windows: list[WeeklyWindowIn] = Field(default_factory=list, max_length=MAX_WINDOWS)


class UnavailabilityAdd(_Payload):
    """A person cannot work from ``first_day`` to ``last_day`` (whole days), optionally why."""

    unavailability_id: Id
    user_id: Id
    first_day: date
    last_day: date
    note: Annotated[str, StringConstraints(max_length=MAX_NOTE, strip_whitespace=True)] = ""


class UnavailabilityRemove(_Payload):
    """The person withdraws one of their days off."""

    unavailability_id: Id


# -- issue 10, openshifts: open shifts with N places, claimed by staff ----------------------
class OpenShiftCreate(_Payload):
    """A manager adds an open shift with ``slots`` places (a draft until the week is published)."""

    open_shift_id: Id
    store_id: Id
    starts_at: WireTime
    ends_at: WireTime
    role: ShiftRole = ""
    slots: int = Field(ge=1, le=open_shifts.MAX_SLOTS, strict=True)


class OpenShiftClaim(_Payload):
    """A staff member claims a place on a published open shift."""

    claim_id: Annotated[str, StringConstraints(min_length=1, max_length=48, pattern=r"^[A-Za-z0-9_.:-]+$")]
    open_shift_id: Id


class OpenShiftPick(_Payload):
    """A manager gives a place to a claimant (each warning accepted with a reason) or turns the claim down."""

    claim_id: Id
    approve: StrictBool
    overrides: list[TradeOverride] = Field(default_factory=list, max_length=10)


# -- issue 10, openshiftedit: a manager edits or cancels an open shift --------------------------
class OpenShiftEdit(_Payload):
    """New times, role or number of places, made on ``version`` (stale: "changed meanwhile")."""

    open_shift_id: Id
    version: int = Field(ge=1, strict=True)
    starts_at: WireTime
    ends_at: WireTime
    role: ShiftRole = ""
    slots: int = Field(ge=1, le=open_shifts.MAX_SLOTS, strict=True)


class OpenShiftCancel(_Payload):
    """Cancel the places still open (``keep_filled``: the manager confirmed that people who
    already have a place keep their shift)."""

    open_shift_id: Id
    version: int = Field(ge=1, strict=True)
    keep_filled: StrictBool = False


#: Mutation type name -> payload model. A type not listed here is rejected per item.
# -- issue 7, device sync: an action given up on the device still uses its number ----------
#: The type of a void: sent in place of an action the device refused or discarded.
VOID = "mutation.void"


class MutationVoid(_Payload):
    """Uses up an action's number and changes nothing, so the actions after it go through."""


PAYLOADS: dict[str, type[BaseModel]] = {
    "broadcast.read": BroadcastRead,
    "note.add": NoteAdd,
    "note.delete": NoteDelete,
    "broadcast.create": BroadcastCreate,
    "broadcast.acknowledge": BroadcastAcknowledge,  # issue 11, broadcasts
    "broadcast.remind": BroadcastRemind,  # issue 11, bcfollow
    "user.locale": UserLocaleSet,  # issue 11, bcfollow
    "broadcast.edit": BroadcastEdit,  # issue 11, bcwrite
    "punch.record": PunchRecord,
    "punch.confirm": PunchConfirm,
    "punch.correct": PunchCorrect,
    "timesheet.query": TimesheetQuery,
    "shift.create": ShiftCreate,
    "shift.update": ShiftUpdate,
    "shift.delete": ShiftDelete,
    "roster.copy_week": RosterCopyWeek,
    "roster.publish": RosterPublish,
    "request.submit": RequestSubmit,
    "request.decide": RequestDecide,
    "request.cancel": RequestCancel,
    "request.resubmit": RequestResubmit,
    "delegation.set": DelegationSet,
    "delegation.cancel": DelegationCancel,  # issue 10, delegation
    "trade.request": TradeRequest,
    "trade.respond": TradeRespond,
    "trade.decide": TradeDecide,
    "trade.cancel": TradeCancel,
    # issue 10, availability
    "availability.set": AvailabilitySet,
    "unavailability.add": UnavailabilityAdd,
    "unavailability.remove": UnavailabilityRemove,
    "open_shift.create": OpenShiftCreate,
    "open_shift.claim": OpenShiftClaim,
    "open_shift.pick": OpenShiftPick,
    "open_shift.edit": OpenShiftEdit,  # issue 10, openshiftedit
    "open_shift.cancel": OpenShiftCancel,
    VOID: MutationVoid,
}

# Issue 12, taskboard: the task board's mutations (task.create/complete/cant_do/undo/review).
from app.protocol.tasks import TASK_PAYLOADS, TaskComplete  # noqa: E402,F401  (needs _Payload above)

PAYLOADS.update(TASK_PAYLOADS)

# Issue 12, insprun: an inspection finished on a phone: the body of POST /v1/inspections.
from app.protocol.inspections import InspectionCreate  # noqa: E402  (imports Id, LocationFix above)

PAYLOADS["inspection.record"] = InspectionCreate



# Issue 13, trainapi: training sign-in/out and quiz answers (graded on the server).
from app.protocol.training import TRAINING_PAYLOADS  # noqa: E402  (imports Id, LocationFix above)

PAYLOADS.update(TRAINING_PAYLOADS)
