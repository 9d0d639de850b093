"""Issue 10, trades on the device: offer, swap, ask for cover, answer, decide and cancel, offline.

Each action is one local transaction (the trade row and its outbox row), shown at once as
pending and undone by ``app.store.undo`` when the server refuses it. The shift rules run here
on the device's own roster for instant feedback (``who_can_take``, ``check``); the server runs
them again on its data and its verdict is the one kept.
"""

import json
import uuid
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from app.domain import trades
from app.domain.access import require_manager_of, require_self
from app.domain.training.completions import with_skills
from app.domain.shift_rules import (
    Candidate, Override, RosterIndex, Shift, Trade, TradeCheck, TradeKind, check_trade,
    who_can_take,
)
from app.protocol import Reason
from app.protocol import mutations as m
from app.store.actions import Actions
from app.store.availability import load_availability, load_settings
from app.store.roster_actions import person_store_ids
from app.store.training_queries import catalogue, held_skills_of


#: A swap is offered against colleagues' shifts starting within this long after mine.
SWAP_WINDOW = timedelta(days=7)


def swap_candidates(db: Database, shift: dict, limit: int = 50) -> list[dict]:
    """Colleagues' published shifts at the same store starting within a week after ``shift``."""
    week_later = (datetime.fromisoformat(shift["starts_at"]) + SWAP_WINDOW).astimezone(UTC).isoformat()
    return list(db.query(
        "SELECT * FROM shifts WHERE store_id=? AND user_id != ? AND status='published' AND starts_at > ?"
        " AND starts_at < ? ORDER BY starts_at LIMIT ?",
        [shift["store_id"], shift["user_id"], shift["starts_at"], week_later, limit]))


def _shift(row: dict) -> Shift:
    return Shift(row["id"], row["user_id"], row["store_id"], row["role"] or "", datetime.fromisoformat(row["starts_at"]),
                 datetime.fromisoformat(row["ends_at"]), row["status"] or "published")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


class TradeActions(Actions):
    """What a person does with a shift trade; managers decide them."""

    # -- reading the device's own data for the rules ---------------------------------------
    def _shift_row(self, db: Database, shift_id: str) -> dict:
        rows = list(db.query("SELECT * FROM shifts WHERE id=?", [shift_id]))
        if not rows:
            raise trades.TradeRefused(Reason.NOT_FOUND, "This shift no longer exists.")
        return rows[0]

    def _person(self, db: Database, user_id: str):
        """Rostered roles and (issue 13) the skills their training grants, as this phone knows
        them: a colleague's as the server sent them, its own completions too; the server decides."""
        roles = [r[0] for r in db.execute("SELECT DISTINCT role FROM shifts WHERE user_id=?", [user_id])]
        found = trades.person(user_id, person_store_ids(db, user_id), roles, load_availability(db, user_id))
        now = self._now()
        return with_skills(found, held_skills_of(db, user_id, now), catalogue(db), now)

    def _roster(self, db: Database, shifts: list[Shift | None], people=None) -> RosterIndex:
        start, end = trades.roster_window(shifts)
        where = "status='published' AND starts_at >= ? AND starts_at < ?"
        params: list = [_iso(start), _iso(end)]
        if people is not None:
            where += f" AND user_id IN ({','.join('?' * len(people))})"
            params += sorted(people)
        return RosterIndex.build(_shift(r) for r in db.query(f"SELECT * FROM shifts WHERE {where}", params))

    def _check(self, db: Database, kind: TradeKind, shift: Shift, taker_id: str, swap: Shift | None) -> TradeCheck:
        involved = {taker_id, shift.person_id} - {None}
        people = {p: self._person(db, p) for p in involved}
        return check_trade(Trade(kind, shift, taker_id, swap), people, self._roster(db, [shift, swap], involved),
                           load_settings(db), self._now())

    def who_can_take(self, shift_id: str, kind: TradeKind = TradeKind.OFFER) -> list[Candidate]:
        """Every colleague of the shift's store (and those who work there too), each eligible,
        with a warning, or refused with the rule and its numbers: none hidden."""
        with self._store.reading() as db:
            shift = _shift(self._shift_row(db, shift_id))
            ids = [r[0] for r in db.execute(
                "SELECT id FROM users WHERE home_store_id=? UNION SELECT user_id FROM shifts WHERE store_id=?",
                [shift.store_id, shift.store_id])]
            people = [self._person(db, uid) for uid in ids]
            roster = self._roster(db, [shift])
            settings = load_settings(db)
        return who_can_take(shift, people, roster, settings, self._now(), kind)

    def _current(self, db: Database, row: dict) -> tuple[Shift, Shift | None]:
        """The trade's shifts as this phone has them, refused with "shift changed" when either
        was edited or changed hands since the request (the server would refuse it too)."""
        shift_row = self._shift_row(db, row["shift_id"])
        trades.require_unchanged(row["shift_version"], shift_row["version"] or 1, shift_row["user_id"],
                                 row["requester_id"])
        if not row["swap_shift_id"]:
            return _shift(shift_row), None
        swap_row = self._shift_row(db, row["swap_shift_id"])
        trades.require_unchanged(row["swap_shift_version"], swap_row["version"] or 1, swap_row["user_id"],
                                 row["taker_id"])
        return _shift(shift_row), _shift(swap_row)

    def shifts_of(self, row: dict) -> tuple[list[dict], bool]:
        """A trade's shifts as this phone has them, and whether one changed since the request
        (then it can no longer be accepted or approved, only cancelled or declined)."""
        with self._store.reading() as db:
            ids = [i for i in (row["shift_id"], row["swap_shift_id"]) if i]
            shifts = list(db.query(f"SELECT * FROM shifts WHERE id IN ({','.join('?' * len(ids))})", ids))
            try:
                self._current(db, row)
            except trades.TradeRefused:
                return sorted(shifts, key=lambda s: s["id"] != row["shift_id"]), True
        return sorted(shifts, key=lambda s: s["id"] != row["shift_id"]), False

    def _trade(self, db: Database, trade_id: str) -> dict:
        rows = list(db.query("SELECT * FROM trades WHERE id=?", [trade_id]))
        if not rows:
            raise trades.TradeRefused(Reason.NOT_FOUND, "This request no longer exists.")
        return rows[0]

    # -- actions ------------------------------------------------------------------------
    def request(self, kind: TradeKind, shift_id: str, taker_id: str | None = None,
                swap_shift_id: str | None = None) -> str:
        """Offer, swap or ask cover for one's own shift; refused here at once when the rules
        refuse it (``TradeRefused.check`` holds every reason). Returns the request's id."""
        trades.request_shape(kind, taker_id, swap_shift_id is not None)
        with self._store.reading() as db:
            row = self._shift_row(db, shift_id)
            require_self(self.actor, row["user_id"])
            trades.require_not_asked_twice(kind, taker_id, db.execute(
                "SELECT kind, taker_id, state FROM trades WHERE shift_id=?", [shift_id]).fetchall())
            shift = _shift(row)
            swap_row = self._shift_row(db, swap_shift_id) if swap_shift_id else None
            swap = _shift(swap_row) if swap_row else None
            check = (trades.open_request_check(kind, shift, load_settings(db), self._now()) if taker_id is None
                     else self._check(db, kind, shift, taker_id, swap))
        if trades.after_request(kind, check) == trades.REFUSED:
            first = check.refusals[0]
            raise trades.TradeRefused(first.code, "The shift rules refuse this request.", check)
        p = m.TradeRequest(trade_id=f"tr-{uuid.uuid4().hex}", kind=kind.value, shift_id=shift_id,
                           shift_version=row["version"] or 1, taker_id=taker_id, swap_shift_id=swap_shift_id,
                           swap_shift_version=(swap_row["version"] or 1) if swap_row else None)
        now = _iso(self._now())
        trade = {"id": p.trade_id, "kind": kind.value, "store_id": shift.store_id, "shift_id": shift_id,
                 "shift_version": p.shift_version, "swap_shift_id": swap_shift_id,
                 "swap_shift_version": p.swap_shift_version, "requester_id": self.actor.user_id,
                 "taker_id": taker_id, "state": trades.WAITING_COLLEAGUE, "findings": json.dumps(check.to_dict()),
                 "overrides": "[]", "created_at": now, "updated_at": now, "sync_state": "pending"}
        self._record("trade.request", p, f"trade:{p.trade_id}", lambda db: db["trades"].insert(trade))
        return p.trade_id

    def _update(self, type_: str, payload: m.BaseModel, trade_id: str, values: dict) -> int:
        values = {**values, "updated_at": _iso(self._now()), "sync_state": "pending"}
        sets = ", ".join(f"{k}=?" for k in values)
        return self._record(type_, payload, f"trade:{trade_id}",
                            lambda db: db.execute(f"UPDATE trades SET {sets} WHERE id=?", [*values.values(), trade_id]))

    def respond(self, trade_id: str, accept: bool) -> int:
        """The colleague's yes or no (for a cover or pool offer: taking it). A yes runs the rules
        on the device first; the server decides whether it is approved at once."""
        with self._store.reading() as db:
            row = self._trade(db, trade_id)
            kind = TradeKind(row["kind"])
            if kind not in trades.ANYONE_KINDS:
                require_self(self.actor, row["taker_id"])
            if row["state"] != trades.WAITING_COLLEAGUE:
                raise trades.TradeRefused(Reason.TRADE_CLOSED, "This request no longer waits for an answer.")
            values = {"state": trades.DECLINED} if not accept else {}
            if accept:
                shift, swap = self._current(db, row)
                check = self._check(db, kind, shift, self.actor.user_id, swap)
                if not check.allowed:
                    raise trades.TradeRefused(check.refusals[0].code, "The shift rules refuse this.", check)
                # Approval needs the server (it hands the shifts over): shown as waiting until then.
                values = {"taker_id": self.actor.user_id, "state": trades.WAITING_MANAGER,
                          "findings": json.dumps(check.to_dict())}
        if not accept and kind in trades.ANYONE_KINDS:
            values = {}  # passing on a cover request leaves it open for the others
        return self._update("trade.respond", m.TradeRespond(trade_id=trade_id, accept=accept), trade_id, values)

    def decide(self, trade_id: str, approve: bool, override_reasons: dict[tuple[str, str | None], str] | None = None) -> int:
        """A manager approves (a reason for each warning, keyed by (code, person)) or declines."""
        with self._store.reading() as db:
            row = self._trade(db, trade_id)
            require_manager_of(self.actor, [row["store_id"]])
            trades.require_not_party(self.actor.user_id, row["requester_id"], row["taker_id"])
            check = None
            if approve:
                shift, swap = self._current(db, row)
                check = self._check(db, TradeKind(row["kind"]), shift, row["taker_id"], swap)
        if check is not None and not check.allowed:
            raise trades.TradeRefused(check.refusals[0].code, "The shift rules refuse this trade now.", check)
        reasons = override_reasons or {}
        overrides = [Override(code, person, self.actor.user_id, why, self._now()) for (code, person), why in reasons.items()]
        decision = trades.decide(row["state"], approve, check, overrides)
        payload = m.TradeDecide(trade_id=trade_id, approve=approve, overrides=[
            m.TradeOverride(code=o.code, person_id=o.person_id, reason=o.reason) for o in overrides])
        values = {"state": decision.state, "decided_by": self.actor.user_id, "decided_at": _iso(self._now())}
        return self._update("trade.decide", payload, trade_id, values)

    def cancel(self, trade_id: str) -> int:
        """The requester withdraws a request that still waits."""
        with self._store.reading() as db:
            row = self._trade(db, trade_id)
        require_self(self.actor, row["requester_id"])
        trades.require_open(row["state"])
        return self._update("trade.cancel", m.TradeCancel(trade_id=trade_id), trade_id, {"state": trades.CANCELLED})
