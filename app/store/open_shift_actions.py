"""Issue 10, open shifts on the device: a manager adds one (a draft until the week is published),
staff claim a place, and with "manager picks" the manager picks among the claimants, offline too.
The manager may also edit the places still open (times, role, places) or cancel them.

Each action is one local transaction (its row and its outbox row) checked first with the same
``app.domain.open_shifts`` rules the server runs again; a claim the server refuses (the last
place went to someone else meanwhile) is undone by ``app.store.undo`` and shown with its reason.
The claimant's shift itself is made by the server and arrives with the next pull.
"""

import json
import uuid
from datetime import UTC, datetime

from sqlite_utils import Database

from app.domain import open_shifts, roster
from app.domain.access import require_manager_of
from app.domain.shift_rules import Override
from app.protocol import Reason
from app.protocol import mutations as m
from app.store.availability import load_settings
from app.store.trade_actions import TradeActions


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def as_open_shift(row: dict) -> open_shifts.OpenShift:
    """A stored open shift as the rules see it."""
    return open_shifts.OpenShift(row["id"], row["store_id"], row["role"] or "",
                                 datetime.fromisoformat(row["starts_at"]), datetime.fromisoformat(row["ends_at"]),
                                 row["slots"], row["status"] or roster.DRAFT, row["filled"] or 0, row["version"] or 1)


def store_open_shifts(db: Database, store_ids, start: datetime, end: datetime, published_only: bool) -> list[dict]:
    """Open shifts of ``store_ids`` starting in [start, end), oldest first, each with ``remaining``."""
    ids = sorted(store_ids)
    where = f"store_id IN ({','.join('?' * len(ids))}) AND starts_at >= ? AND starts_at < ?"
    if published_only:
        where += " AND status='published'"
    rows = db.query(f"SELECT * FROM open_shifts WHERE {where} ORDER BY starts_at, id", [*ids, _iso(start), _iso(end)])
    return [{**r, "remaining": as_open_shift(r).remaining} for r in rows]


def claims_of(db: Database, open_shift_id: str) -> list[dict]:
    """The claims this device knows on one open shift (a manager: all; staff: their own), oldest first."""
    return list(db.query("SELECT c.*, u.name AS name FROM open_shift_claims c LEFT JOIN users u ON u.id = c.user_id"
                         " WHERE c.open_shift_id=? ORDER BY c.created_at, c.id", [open_shift_id]))


class OpenShiftActions(TradeActions):
    """Add an open shift (managers), claim a place (staff), pick among claimants (managers)."""

    def _open_shift(self, db: Database, open_shift_id: str) -> dict:
        rows = list(db.query("SELECT * FROM open_shifts WHERE id=?", [open_shift_id]))
        if not rows:
            raise open_shifts.ClaimRefused(Reason.NOT_FOUND, "This open shift no longer exists.")
        return rows[0]

    def add_open_shift(self, *, store_id: str, starts_at: datetime, ends_at: datetime, slots: int,
                       role: str = "") -> str:
        """A new open shift with ``slots`` places, a draft on the store's roster; returns its id."""
        require_manager_of(self.actor, [store_id])
        open_shifts.check_open_shift(starts_at, ends_at, slots, now=self._now())
        p = m.OpenShiftCreate(open_shift_id=f"os-{uuid.uuid4().hex}", store_id=store_id, starts_at=starts_at,
                              ends_at=ends_at, role=role, slots=slots)
        now = _iso(self._now())
        row = {"id": p.open_shift_id, "store_id": store_id, "starts_at": _iso(p.starts_at),
               "ends_at": _iso(p.ends_at), "role": p.role, "slots": slots, "filled": 0, "status": roster.DRAFT,
               "version": 1, "created_by": self.actor.user_id, "created_at": now, "updated_at": now,
               "sync_state": "pending"}
        self._record("open_shift.create", p, f"open_shift:{p.open_shift_id}",
                     lambda db: db["open_shifts"].insert(row))
        return p.open_shift_id

    def claim(self, open_shift_id: str) -> str:
        """Claim a place; refused here at once (``ClaimRefused`` with the reason) when the device
        already knows it is full, claimed, or against the rules. Returns the claim's id."""
        me = self.actor.user_id
        with self._store.reading() as db:
            # No store check of its own: the chain's store rule (own stores or an allowed group) decides.
            shift = as_open_shift(self._open_shift(db, open_shift_id))
            mine = [c["user_id"] for c in claims_of(db, open_shift_id) if c["state"] in open_shifts.LIVE_CLAIMS]
            index = self._roster(db, [shift.as_shift()], {me})
            chain = load_settings(db)
            check = open_shifts.check_claim(shift, self._person(db, me), mine, index, chain, self._now())
        p = m.OpenShiftClaim(claim_id=f"oc-{uuid.uuid4().hex}", open_shift_id=open_shift_id)
        claim = {"id": p.claim_id, "open_shift_id": open_shift_id, "store_id": shift.store_id, "user_id": me,
                 "state": open_shifts.after_claim(check, chain), "shift_id": None,
                 "findings": json.dumps(check.to_dict()), "overrides": "[]", "created_at": _iso(self._now()),
                 "decided_by": None,
                 "decided_at": None, "sync_state": "pending"}
        self._record("open_shift.claim", p, f"open_shift_claim:{p.claim_id}",
                     lambda db: db["open_shift_claims"].insert(claim))
        return p.claim_id

    def _pick_check(self, db: Database, claim: dict, shift: open_shifts.OpenShift, overrides) -> list:
        """The rules again for the claimant (their own claim aside), and the overrides they need."""
        others = [c["user_id"] for c in claims_of(db, shift.id)
                  if c["state"] in open_shifts.LIVE_CLAIMS and c["id"] != claim["id"]]
        user = claim["user_id"]
        check = open_shifts.check_claim(shift, self._person(db, user), others,
                                        self._roster(db, [shift.as_shift()], {user}), load_settings(db),
                                        self._now())
        return open_shifts.overrides_json(open_shifts.accepted_warnings(check, overrides))

    def pick(self, claim_id: str, approve: bool,
             override_reasons: dict[tuple[str, str | None], str] | None = None) -> int:
        """A manager gives the claimant a place (a reason for each warning, keyed by (code, person))
        or turns them down; the server checks again and makes the shift."""
        overrides = [Override(code, person, self.actor.user_id, why, self._now())
                     for (code, person), why in (override_reasons or {}).items()]
        with self._store.reading() as db:
            rows = list(db.query("SELECT * FROM open_shift_claims WHERE id=?", [claim_id]))
            if not rows:
                raise open_shifts.ClaimRefused(Reason.NOT_FOUND, "This claim no longer exists.")
            claim = rows[0]
            require_manager_of(self.actor, [claim["store_id"]])
            shift = as_open_shift(self._open_shift(db, claim["open_shift_id"]))
            open_shifts.check_pick(shift, claim["state"], approve)
            kept = self._pick_check(db, claim, shift, overrides) if approve else []
        p = m.OpenShiftPick(claim_id=claim_id, approve=approve, overrides=[
            m.TradeOverride(code=o.code, person_id=o.person_id, reason=o.reason) for o in overrides])
        state = open_shifts.APPROVED if approve else open_shifts.DECLINED
        values = [state, json.dumps(kept), self.actor.user_id, _iso(self._now()), claim_id]
        return self._record("open_shift.pick", p, f"open_shift_claim:{claim_id}", lambda db: db.execute(
            "UPDATE open_shift_claims SET state=?, overrides=?, decided_by=?, decided_at=?, sync_state='pending'"
            " WHERE id=?", values))

    # -- issue 10, openshiftedit: the manager edits or cancels an open shift -------------------
    def _managed(self, db: Database, open_shift_id: str) -> open_shifts.OpenShift:
        shift = as_open_shift(self._open_shift(db, open_shift_id))
        require_manager_of(self.actor, [shift.store_id])
        return shift

    def edit_open_shift(self, open_shift_id: str, *, starts_at: datetime, ends_at: datetime, slots: int,
                        role: str = "") -> int:
        """New times, role or places for the places still open, made on the version this phone
        holds (the server refuses it "changed meanwhile" if that is no longer the current one)."""
        with self._store.reading() as db:
            before = self._managed(db, open_shift_id)
        after = open_shifts.check_edit(before, before.version, starts_at, ends_at, slots, role, self._now())
        p = m.OpenShiftEdit(open_shift_id=open_shift_id, version=before.version, starts_at=starts_at,
                            ends_at=ends_at, role=role, slots=slots)
        values = [_iso(p.starts_at), _iso(p.ends_at), p.role, slots, after.version, _iso(self._now()), open_shift_id]
        return self._record("open_shift.edit", p, f"open_shift:{open_shift_id}", lambda db: db.execute(
            "UPDATE open_shifts SET starts_at=?, ends_at=?, role=?, slots=?, version=?, updated_at=?,"
            " sync_state='pending' WHERE id=?", values))

    def cancel_open_shift(self, open_shift_id: str, keep_filled: bool = False) -> int:
        """Cancel the places still open; with places filled, ``keep_filled`` says the manager
        confirmed those people keep their shifts (else ``RosterRefused`` naming how many)."""
        with self._store.reading() as db:
            shift = self._managed(db, open_shift_id)
        left = open_shifts.check_cancel(shift, shift.version, keep_filled, self._now())
        p = m.OpenShiftCancel(open_shift_id=open_shift_id, version=shift.version, keep_filled=keep_filled)

        def write(db: Database) -> None:
            if left is None:  # a draft goes
                db.execute("DELETE FROM open_shifts WHERE id=?", [open_shift_id])
                return
            db.execute("UPDATE open_shifts SET status=?, version=?, updated_at=?, sync_state='pending' WHERE id=?",
                       [left, shift.version + 1, _iso(self._now()), open_shift_id])

        return self._record("open_shift.cancel", p, f"open_shift:{open_shift_id}", write)
