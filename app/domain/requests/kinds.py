"""Request types (leave, overtime, shift change, purchase), their facts and refusal codes."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.access import AccessDenied
from app.domain.requests.hk_holidays import leave_days


class RequestType(StrEnum):
    """What a person can ask for through an approval chain."""

    ANNUAL_LEAVE = "annual_leave"
    SICK_LEAVE = "sick_leave"
    UNPAID_LEAVE = "unpaid_leave"
    OVERTIME = "overtime"
    SHIFT_CHANGE = "shift_change"
    PURCHASE = "purchase"

    @property
    def is_leave(self) -> bool:
        """Leave types run from a first to a last day."""
        return self in LEAVE_TYPES

    @property
    def has_balance(self) -> bool:
        """Leave types counted against a yearly balance (unpaid leave is not)."""
        return self in (RequestType.ANNUAL_LEAVE, RequestType.SICK_LEAVE)


LEAVE_TYPES = frozenset({RequestType.ANNUAL_LEAVE, RequestType.SICK_LEAVE, RequestType.UNPAID_LEAVE})

# Reason codes (values of ``app.protocol.Reason``; plain strings so the domain imports nothing above).
REASON_OVER_BALANCE = "leave_over_balance"
REASON_NO_WORKING_DAYS = "leave_no_working_days"
REASON_BAD_DATES = "request_bad_dates"
REASON_CERTIFICATE_REQUIRED = "certificate_required"
REASON_MISSING_DETAIL = "request_missing_detail"
REASON_NOT_OPEN = "request_not_open"
REASON_NOT_YOUR_TURN = "request_not_your_turn"
REASON_OWN_REQUEST = "request_own"
REASON_ALREADY_DECIDED = "request_already_decided"
REASON_NO_APPROVER = "request_no_approver"
REASON_COMMENT_REQUIRED = "request_comment_required"
REASON_NOT_SENT_BACK = "request_not_sent_back"
# issue 10, delegation: one hand-over at a time per approver
REASON_DELEGATION_OVERLAPS = "delegation_overlaps"

#: Longest leave a single request may cover (a typo like 2062 must not pass as a year of leave).
MAX_LEAVE_SPAN_DAYS = 366


class RequestRefused(AccessDenied):
    """A request or a decision that breaks a request rule (reason code in ``reason``)."""

    def __init__(self, reason: str, message: str, **details) -> None:
        super().__init__(reason, message)
        #: The numbers behind the refusal (e.g. requested and available days).
        self.details = details


@dataclass(frozen=True)
class Request:
    """One request as the chain sees it.

    Leave: ``first_day``..``last_day``; sick leave cites ``certificate_sha256`` (a photo
    uploaded like any other). Overtime: ``first_day`` and ``hours``, ``after_the_fact``
    when it was already worked. Shift change: ``shift_id``. Purchase: ``amount_hkd``.
    """

    request_id: str
    requester_id: str
    store_id: str
    type: RequestType
    first_day: date | None = None
    last_day: date | None = None
    hours: float = 0.0
    after_the_fact: bool = False
    shift_id: str | None = None
    amount_hkd: float = 0.0
    certificate_sha256: str | None = None
    note: str = ""


def check_details(req: Request) -> None:
    """Refuse a request that lacks what its type needs (dates, hours, shift, amount, certificate)."""
    if req.type.is_leave or req.type is RequestType.OVERTIME:
        last = req.last_day or req.first_day
        if req.first_day is None or last is None or last < req.first_day:
            raise RequestRefused(REASON_BAD_DATES, "The last day is before the first day.")
        if (last - req.first_day).days >= MAX_LEAVE_SPAN_DAYS:
            raise RequestRefused(REASON_BAD_DATES, "A request covers at most a year.",
                                 limit=MAX_LEAVE_SPAN_DAYS)
        if req.type.is_leave and leave_days(req.first_day, last) == 0:
            raise RequestRefused(REASON_NO_WORKING_DAYS, "Every day asked for is a general holiday.")
    if req.type is RequestType.SICK_LEAVE and not req.certificate_sha256:
        raise RequestRefused(REASON_CERTIFICATE_REQUIRED, "Sick leave needs a photo of the certificate.")
    missing = ((req.type is RequestType.OVERTIME and req.hours <= 0)
               or (req.type is RequestType.SHIFT_CHANGE and not req.shift_id)
               or (req.type is RequestType.PURCHASE and req.amount_hkd <= 0))
    if missing:
        raise RequestRefused(REASON_MISSING_DETAIL, f"A {req.type.value} request needs its hours, shift or amount.")
