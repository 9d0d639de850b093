"""Issue 10, open shifts: a store's shift with N places that staff claim.

Pure rules (no I/O), run by the device (instant answer, offline too) and again by the server
(authoritative). An open shift is a time span at a store (overnight allowed: it belongs to the
day it starts, ``app.domain.roster``), a role and N places. Each claim is judged by the chain's
shift rules (``app.domain.shift_rules``: role, overlap, rest, weekly cap, notice) as an
"open claim"; a full shift or a second claim by the same person is refused with a reason.
The chain's ``open_shift_mode`` says whether the first valid claim wins (the claimant gets
a published shift at once) or the manager picks among the claimants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from app.domain import roster, trades
from app.domain.access import AccessDenied
from app.domain.shift_rules import (
    FIRST_CLAIM_WINS, Override, Person, RosterIndex, Shift, ShiftTradeSettings, Trade, TradeCheck, TradeKind,
    check_trade,
)

#: An open shift has at least one place and at most this many.
MAX_SLOTS = 20

# Where a claim stands.
WAITING = "waiting_manager"   # the manager picks among the claimants (or a warning needs them)
APPROVED = "approved"         # the claimant has the shift
DECLINED = "declined"         # the manager picked someone else
EXPIRED = "expired"           # still waiting when the shift started
REFUSED = "refused"           # issue 10, openshiftedit: the rules refuse it since the manager's edit
CANCELLED = "cancelled"       # issue 10, openshiftedit: the manager cancelled the open shift
LIVE_CLAIMS = frozenset({WAITING, APPROVED})

# Reason codes (``app.protocol.Reason`` takes its members' values from here).
REASON_FULL = "open_shift_full"
REASON_ALREADY_CLAIMED = "open_shift_already_claimed"
REASON_NOT_OPEN = "open_shift_not_open"
REASON_CLAIM_DECIDED = "open_shift_claim_decided"
REASON_BAD_SLOTS = "open_shift_bad_slots"
# -- issue 10, openshiftedit: a manager edits or cancels an open shift
REASON_CHANGED = "open_shift_changed"
REASON_BELOW_FILLED = "open_shift_below_filled"
REASON_HAS_FILLED = "open_shift_has_filled"
REASON_CANCELLED = "open_shift_cancelled"
# -- issue 10, issue10fix: a started (or past) open shift is kept as it was
REASON_STARTED = "open_shift_started"
REASON_IN_PAST = "open_shift_in_past"  # a new one starting before it was made


class ClaimRefused(AccessDenied):
    """A claim (or a pick) that may not happen; ``check`` holds the rules' verdict when they refused."""

    def __init__(self, reason: str, message: str, check: TradeCheck | None = None) -> None:
        super().__init__(reason, message)
        self.check = check


@dataclass(frozen=True)
class OpenShift:
    """One open shift as the rules need it; ``filled`` counts the places already taken."""

    id: str
    store_id: str
    role: str
    starts_at: datetime
    ends_at: datetime
    slots: int
    status: str = roster.DRAFT
    filled: int = 0
    version: int = 1

    @property
    def remaining(self) -> int:
        return max(self.slots - self.filled, 0)

    def as_shift(self) -> Shift:
        """The open shift as the shift rules see it: a shift nobody holds yet."""
        return Shift(self.id, None, self.store_id, self.role, self.starts_at, self.ends_at, self.status)


def check_open_shift(starts_at: datetime, ends_at: datetime, slots: int,
                     rules: roster.RosterRules = roster.RosterRules(), *, now: datetime | None = None) -> None:
    """Raise unless a manager may add this open shift: a real span, not too long, 1 to MAX_SLOTS
    places, starting after ``now`` (when made: nobody can claim a place in the past)."""
    roster.check_times(starts_at, ends_at, rules)
    if now is not None and starts_at <= now:
        raise roster.RosterRefused(REASON_IN_PAST, "An open shift must start later than now.")
    if isinstance(slots, bool) or not isinstance(slots, int) or not 1 <= slots <= MAX_SLOTS:
        raise roster.RosterRefused(REASON_BAD_SLOTS, f"An open shift has 1 to {MAX_SLOTS} places.",
                                   limit=MAX_SLOTS)


def _require_claimable(shift: OpenShift, claimant_id: str, live_claimants: Iterable[str]) -> None:
    if shift.status != roster.PUBLISHED:
        raise ClaimRefused(REASON_NOT_OPEN, "This open shift is not open for claims.")
    if claimant_id in set(live_claimants):
        raise ClaimRefused(REASON_ALREADY_CLAIMED, "You have already claimed this open shift.")
    if shift.remaining <= 0:
        raise ClaimRefused(REASON_FULL, "Someone else already took the last place on this shift.")


def check_claim(shift: OpenShift, claimant: Person, live_claimants: Iterable[str], roster_index: RosterIndex,
                settings: ShiftTradeSettings, now: datetime) -> TradeCheck:
    """The verdict on ``claimant`` claiming ``shift``: raises ``ClaimRefused`` when the shift is
    not open, full, already claimed by them, or the shift rules refuse it; returns the rules'
    check (with any warnings) otherwise. ``live_claimants``: people whose claim still stands."""
    _require_claimable(shift, claimant.id, live_claimants)
    check = claim_rules(shift, claimant, roster_index, settings, now)
    if not check.allowed:
        first = check.refusals[0]
        raise ClaimRefused(first.code, "The shift rules refuse this claim.", check)
    return check


def claim_rules(shift: OpenShift, claimant: Person, roster_index: RosterIndex, settings: ShiftTradeSettings,
                now: datetime) -> TradeCheck:
    """The chain's shift rules alone on ``claimant`` taking ``shift`` (no place or status check)."""
    return check_trade(Trade(TradeKind.OPEN_CLAIM, shift.as_shift(), claimant.id), {claimant.id: claimant},
                       roster_index, settings, now)


def after_claim(check: TradeCheck, settings: ShiftTradeSettings) -> str:
    """A valid claim: approved at once when the first valid claim wins and no warning fired,
    else waiting for the manager (who picks, or accepts the warning)."""
    return APPROVED if check.auto_approves(settings) else WAITING


def first_claim_wins(settings: ShiftTradeSettings) -> bool:
    return settings.open_shift_mode == FIRST_CLAIM_WINS


def check_pick(shift: OpenShift, claim_state: str, approve: bool = True) -> None:
    """A manager decides a claim that still waits; giving a place needs one left."""
    if claim_state != WAITING:
        raise ClaimRefused(REASON_CLAIM_DECIDED, "This claim has already been decided.")
    if not approve:
        return
    if shift.status != roster.PUBLISHED:
        raise ClaimRefused(REASON_NOT_OPEN, "This open shift is not open for claims.")
    if shift.remaining <= 0:
        raise ClaimRefused(REASON_FULL, "Someone else already took the last place on this shift.")


def accepted_warnings(check: TradeCheck, overrides: Iterable[Override]) -> tuple[Override, ...]:
    """The overrides a manager's pick uses: every warning of ``check`` needs one, with a reason
    (kept with the claim: who, why, when); refused with the codes still open otherwise."""
    overrides = tuple(overrides)
    if not check.approvable(overrides):
        codes = ", ".join(sorted({w.code for w in check.unresolved(overrides)}))
        raise ClaimRefused(trades.REASON_OVERRIDE_NEEDED, f"Give a reason to accept: {codes}.")
    return tuple(o for o in overrides if any(o.covers(w) for w in check.warnings))


def overrides_json(overrides: Iterable[Override]) -> list[dict]:
    """The overrides as kept with the claim."""
    return [{"code": o.code, "person_id": o.person_id, "by": o.by, "reason": o.reason, "at": o.at.isoformat()}
            for o in overrides]


def claim_shift_id(claim_id: str) -> str:
    """The id of the shift a claim becomes: the same on the device and the server."""
    return f"sh-{claim_id}"


def taken_shift(shift: OpenShift, claim_id: str, user_id: str) -> roster.ShiftSpan:
    """The claimant's published shift, made from the open shift."""
    return roster.ShiftSpan(claim_shift_id(claim_id), user_id, shift.store_id, shift.starts_at, shift.ends_at,
                            roster.PUBLISHED, shift.role, 1, 1)


# -- issue 10, openshiftedit: a manager edits or cancels an open shift ------------------------
# Deputy's model: a place given is the claimant's own, ordinary shift from then on (the manager
# edits it on the roster). Editing an open shift changes the places still open; cancelling it
# cancels those and turns down the claims still waiting, while people who have a place keep
# their shift (the manager confirms that first: ``keep_filled``).

def _require_current(shift: OpenShift, base_version: int) -> None:
    if shift.status == roster.CANCELLED:
        raise roster.RosterRefused(REASON_CANCELLED, "This open shift was cancelled.")
    if base_version != shift.version:
        raise roster.RosterRefused(REASON_CHANGED, "This open shift changed meanwhile; look again and retry.",
                                   version=shift.version)


def may_change(shift: OpenShift, now: datetime) -> bool:
    """Whether a manager may still edit or cancel ``shift`` at ``now`` (the roster offers it then)."""
    return shift.status != roster.CANCELLED and (shift.status == roster.DRAFT or shift.starts_at > now)


def _require_not_started(starts_at: datetime, now: datetime) -> None:
    # Once it has started its places are history (people may be working them): changing or
    # cancelling it then would rewrite what happened, as a trade of a started shift would.
    if starts_at <= now:
        raise roster.RosterRefused(REASON_STARTED, "This open shift has already started; it can no longer be changed.",
                                   starts_at=starts_at.isoformat())


def check_edit(shift: OpenShift, base_version: int, starts_at: datetime, ends_at: datetime, slots: int,
               role: str, now: datetime, rules: roster.RosterRules = roster.RosterRules()) -> OpenShift:
    """The open shift after the manager's edit (made on ``base_version``), or ``RosterRefused``:
    cancelled, changed meanwhile, started (or moved to a start already past at ``now``), a bad
    span or number of places, or fewer places than are filled."""
    _require_current(shift, base_version)
    _require_not_started(shift.starts_at, now)
    _require_not_started(starts_at, now)
    check_open_shift(starts_at, ends_at, slots, rules)
    if slots < shift.filled:
        raise roster.RosterRefused(REASON_BELOW_FILLED, f"Places already filled: {shift.filled}; keep at least that many.",
                                   filled=shift.filled)
    return OpenShift(shift.id, shift.store_id, role, starts_at, ends_at, slots, shift.status, shift.filled,
                     shift.version + 1)


def times_changed(before: OpenShift, after: OpenShift) -> bool:
    """Whether the claims still waiting need the rules again (new times or role)."""
    return (before.starts_at, before.ends_at, before.role) != (after.starts_at, after.ends_at, after.role)


def after_recheck(check: TradeCheck) -> str:
    """A waiting claim after an edit: still waiting, or refused with the rule that broke."""
    return WAITING if check.allowed else REFUSED


def check_cancel(shift: OpenShift, base_version: int, keep_filled: bool, now: datetime) -> str | None:
    """What cancelling leaves (None: a draft is removed; else ``roster.CANCELLED``), or
    ``RosterRefused`` (also once a published one has started at ``now``: a draft nobody saw
    may still go); places already filled need the manager's ``keep_filled`` confirmation."""
    _require_current(shift, base_version)
    if shift.status != roster.DRAFT:
        _require_not_started(shift.starts_at, now)
    if shift.filled and not keep_filled:
        raise roster.RosterRefused(REASON_HAS_FILLED, f"Places already filled: {shift.filled}; confirm that those people keep their shifts.",
                                   filled=shift.filled)
    return None if shift.status == roster.DRAFT else roster.CANCELLED
