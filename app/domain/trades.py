"""Issue 10, trades: where a swap, offer or cover request stands, and what may happen next.

Pure state rules (no I/O) used by the device and the server alike; the eligibility of a trade
itself is ``app.domain.shift_rules``. A request waits for the colleague (a named one, or any
eligible colleague for a pool offer or a cover request), then for the manager unless the chain
auto-approves it, and ends approved, declined, refused, cancelled or expired (the shift started).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.access import AccessDenied
from app.domain.requests.kinds import REASON_OWN_REQUEST
from app.domain.shift_rules import (
    STATUS_PUBLISHED, Availability, Person, Shift, ShiftTradeSettings, TradeCheck, TradeKind,
)
from app.domain.shift_rules import rules as _rules
from app.domain.shift_rules.codes import REASON_SHIFT_NOT_TRADEABLE, WHY_NOT_PUBLISHED
from app.domain.shift_rules.result import Finding

WAITING_COLLEAGUE = "waiting_colleague"
WAITING_MANAGER = "waiting_manager"
APPROVED = "approved"
DECLINED = "declined"
REFUSED = "refused"
CANCELLED = "cancelled"
EXPIRED = "expired"
OPEN_STATES = frozenset({WAITING_COLLEAGUE, WAITING_MANAGER})
FINAL_STATES = frozenset({APPROVED, DECLINED, REFUSED, CANCELLED, EXPIRED})

#: Kinds where anyone eligible may take the shift (no colleague named up front).
ANYONE_KINDS = frozenset({TradeKind.POOL_OFFER, TradeKind.COVER})
#: Kinds a staff member may ask for today (open shifts have no holder on the roster yet).
REQUEST_KINDS = frozenset({TradeKind.SWAP, TradeKind.OFFER, TradeKind.POOL_OFFER, TradeKind.COVER})

# Reason codes (``app.protocol.Reason`` takes its values from here).
REASON_SHIFT_CHANGED = "trade_shift_changed"
REASON_TRADE_CLOSED = "trade_closed"
REASON_OVERRIDE_NEEDED = "trade_override_needed"
REASON_ALREADY_TAKEN = "trade_already_taken"
REASON_TRADE_SHAPE = "trade_invalid"
#: Issue 10, tradeflow: deciding one's own trade is refused like deciding one's own request.
REASON_OWN_TRADE = REASON_OWN_REQUEST
REASON_ALREADY_OPEN = "trade_already_open"

#: How far around a traded shift the rules need the roster: the "468" window looks back four
#: weeks, the weekly cap forward to the end of the week, rest and overlap a day either side.
ROSTER_BEFORE = timedelta(days=29)
ROSTER_AFTER = timedelta(days=8)


class TradeRefused(AccessDenied):
    """A trade action that may not happen now; ``reason`` is one of the codes above (or a
    shift rule's code, with the rules' whole verdict in ``check``)."""

    def __init__(self, reason: str, message: str, check: TradeCheck | None = None) -> None:
        super().__init__(reason, message)
        self.check = check


def person(user_id: str, store_ids, rostered_roles, availability: Availability = Availability()) -> Person:
    """A colleague as the rules see them: their stores, as roles or skills those they have
    been rostered in, and their stored availability (the same on the device and the server)."""
    return Person(user_id, frozenset(store_ids), frozenset(rostered_roles) - {""}, availability)


def roster_window(shifts) -> tuple[datetime, datetime]:
    """The span of roster the rules need around ``shifts`` (load these shifts, then index them)."""
    shifts = [s for s in shifts if s is not None]
    return min(s.start for s in shifts) - ROSTER_BEFORE, max(s.end for s in shifts) + ROSTER_AFTER


def request_shape(kind: TradeKind, taker_id: str | None, has_swap_shift: bool) -> None:
    """A request names a colleague exactly when its kind needs one, and a swap shift only for a swap."""
    if kind not in REQUEST_KINDS:
        raise TradeRefused(REASON_TRADE_SHAPE, "This kind of trade cannot be requested.")
    if (kind in ANYONE_KINDS) != (taker_id is None):
        raise TradeRefused(REASON_TRADE_SHAPE, "Name a colleague for a swap or offer, and nobody for a cover or pool offer.")
    if (kind is TradeKind.SWAP) != has_swap_shift:
        raise TradeRefused(REASON_TRADE_SHAPE, "A swap needs the colleague's shift, and only a swap.")


def require_open(state: str) -> None:
    if state not in OPEN_STATES:
        raise TradeRefused(REASON_TRADE_CLOSED, f"This request is already {state.replace('_', ' ')}.")


def require_not_asked_twice(kind: TradeKind, taker_id: str | None, requests) -> None:
    """The same request (kind, colleague) for a shift is not sent again while one waits (a
    double tap, or a phone retrying offline); ``requests`` holds (kind, taker, state) of the
    shift's requests. Different requests may wait side by side: approving one makes the
    others fail with "shift changed"."""
    if any(k == kind.value and t == taker_id and s in OPEN_STATES for k, t, s in requests):
        raise TradeRefused(REASON_ALREADY_OPEN, "This request already waits for an answer.")


def require_not_party(decider_id: str, requester_id: str, taker_id: str | None) -> None:
    """A manager never decides a trade they take part in (it would approve itself); another
    manager of the store, or one above, decides it."""
    if decider_id in (requester_id, taker_id):
        raise TradeRefused(REASON_OWN_TRADE, "You cannot decide a trade you take part in.")


def require_unchanged(asked_version: int, current_version: int, holder_now: str | None,
                      holder_asked: str | None) -> None:
    """The shift still is what the request was made about (offline requests are re-checked)."""
    if asked_version != current_version or holder_now != holder_asked:
        raise TradeRefused(REASON_SHIFT_CHANGED, "The shift changed after this request was made.")


def started(shift: Shift, now: datetime) -> bool:
    """A trade on a started (or past) shift expires."""
    return now >= shift.start


def open_request_check(kind: TradeKind, shift: Shift, settings: ShiftTradeSettings, now: datetime) -> TradeCheck:
    """A pool offer or cover request names nobody yet: only the shift itself (published, not
    started, enough notice) can refuse it now; each taker is checked when they say yes."""
    if shift.status != STATUS_PUBLISHED:
        refusal = Finding(REASON_SHIFT_NOT_TRADEABLE, None, None, shift.id, {"why": WHY_NOT_PUBLISHED})
        return TradeCheck(kind, refusals=(refusal,))
    return TradeCheck(kind, refusals=tuple(_rules.shift_timing(shift, None, settings, now)))


def after_request(kind: TradeKind, check: TradeCheck) -> str:
    """A new request: refused by the rules, or waiting for the colleague (named or anyone)."""
    if kind in ANYONE_KINDS:
        # Nobody to judge yet: only the shift itself (started, notice, shape) can refuse it now.
        return REFUSED if check.refusals else WAITING_COLLEAGUE
    return REFUSED if not check.allowed else WAITING_COLLEAGUE


def after_accept(check: TradeCheck, settings: ShiftTradeSettings) -> str:
    """The colleague said yes: the rules ran again; approved at once when the chain allows it."""
    if not check.allowed:
        return REFUSED
    return APPROVED if check.auto_approves(settings) else WAITING_MANAGER


@dataclass(frozen=True, slots=True)
class Decision:
    """What a manager's decision leads to."""

    state: str
    apply: bool


def decide(state: str, approve: bool, check: TradeCheck | None, overrides=()) -> Decision:
    """A manager approves (every warning needs an override with a reason) or declines."""
    if state != WAITING_MANAGER:
        raise TradeRefused(REASON_TRADE_CLOSED, "This request is not waiting for a manager.")
    if not approve:
        return Decision(DECLINED, False)
    if check is None or not check.allowed:
        return Decision(REFUSED, False)
    if not check.approvable(overrides):
        codes = ", ".join(sorted({w.code for w in check.unresolved(overrides)}))
        raise TradeRefused(REASON_OVERRIDE_NEEDED, f"Give a reason to accept: {codes}.")
    return Decision(APPROVED, True)
