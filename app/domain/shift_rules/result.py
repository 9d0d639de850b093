"""What the rules say about a trade: refusals and warnings, each naming its rule and numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.approvals import require_reason
from app.domain.shift_rules.codes import RULE_CODES
from app.domain.shift_rules.model import TradeKind
from app.domain.shift_rules.settings import FIRST_CLAIM_WINS, ShiftTradeSettings

ELIGIBLE, WARNING, REFUSED = "eligible", "warning", "refused"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule that broke: its code (a ``Reason`` or ``Flag`` value), whom and which shift it is
    about, and the numbers that broke it (``{"hours": 52, "limit": 48}``), JSON-ready."""

    code: str
    rule: str | None
    person_id: str | None
    shift_id: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "rule": self.rule, "person_id": self.person_id, "shift_id": self.shift_id,
                "details": dict(self.details)}


def finding(rule: str, person_id: str | None, shift_id: str, **details: Any) -> Finding:
    """The finding of ``rule`` (its code looked up once, in ``codes.RULE_CODES``)."""
    return Finding(RULE_CODES[rule], rule, person_id, shift_id, details)


@dataclass(frozen=True, slots=True)
class Override:
    """A manager accepting a warning: who, why and when (kept with the request)."""

    code: str
    person_id: str | None
    by: str
    reason: str
    at: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", require_reason(self.reason))

    def covers(self, warning: Finding) -> bool:
        return warning.code == self.code and warning.person_id == self.person_id


@dataclass(frozen=True, slots=True)
class TradeCheck:
    """The verdict on one trade: refused if any refusal, else eligible with or without warnings."""

    kind: TradeKind
    refusals: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def status(self) -> str:
        """``"refused"``, ``"warning"`` (a manager must accept it) or ``"eligible"``."""
        return REFUSED if self.refusals else WARNING if self.warnings else ELIGIBLE

    def unresolved(self, overrides: Iterable[Override] = ()) -> tuple[Finding, ...]:
        """Warnings no override covers yet."""
        overrides = tuple(overrides)
        return tuple(w for w in self.warnings if not any(o.covers(w) for o in overrides))

    def approvable(self, overrides: Iterable[Override] = ()) -> bool:
        """Whether a manager may approve: nothing refused and every warning overridden."""
        return self.allowed and not self.unresolved(overrides)

    def auto_approves(self, settings: ShiftTradeSettings) -> bool:
        """Whether no manager is needed: the chain allows it and no warning fired (open shifts
        also need first-claim-wins: otherwise the manager picks among the claimants)."""
        if not (settings.auto_approve and self.allowed and not self.warnings):
            return False
        return self.kind is not TradeKind.OPEN_CLAIM or settings.open_shift_mode == FIRST_CLAIM_WINS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, e.g. for an error body's ``details``."""
        return {"kind": str(self.kind), "status": self.status, "refusals": [f.to_dict() for f in self.refusals],
                "warnings": [f.to_dict() for f in self.warnings]}


@dataclass(frozen=True, slots=True)
class Candidate:
    """One colleague in "who can take this shift?": shown with the reason even when refused.

    ``status`` judges the colleague: a warning about someone else (the giver's continuous
    contract) is the same for every colleague, so it stays in ``check.warnings`` (a manager
    must still override it) without marking each colleague "warning".
    """

    person_id: str
    check: TradeCheck

    @property
    def own_warnings(self) -> tuple[Finding, ...]:
        return tuple(w for w in self.check.warnings if w.person_id == self.person_id)

    @property
    def status(self) -> str:
        return REFUSED if self.check.refusals else WARNING if self.own_warnings else ELIGIBLE
