"""Leave balance per person and leave type: entitled, used (approved), held (still waiting).

Computed from the requests themselves, so approving "deducts" (held -> used) and declining or
cancelling "restores" (the request no longer counts), with no counter to drift.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.requests.flow import Status
from app.domain.requests.kinds import REASON_OVER_BALANCE, RequestRefused


@dataclass(frozen=True)
class LeaveBalance:
    """Days of one leave type for one person this year."""

    entitled: float
    used: float = 0
    held: float = 0

    @property
    def available(self) -> float:
        return self.entitled - self.used - self.held


def leave_balance(entitled: float, requests: Iterable[tuple[str, float]]) -> LeaveBalance:
    """The balance given the person's requests of that type as (status, days)."""
    used = held = 0.0
    for status, days in requests:
        status = Status(status)
        if status is Status.APPROVED:
            used += days
        elif status.is_open:
            held += days
    return LeaveBalance(entitled, used, held)


def require_within_balance(balance: LeaveBalance, days: float) -> None:
    """Refuse a request for more days than are available, with the numbers."""
    if days > balance.available:
        raise RequestRefused(
            REASON_OVER_BALANCE,
            f"Asks for {days:g} days; {balance.available:g} are left "
            f"({balance.entitled:g} a year, {balance.used:g} taken, {balance.held:g} waiting).",
            requested=days, available=balance.available, entitled=balance.entitled,
            used=balance.used, held=balance.held)
