"""Read models for screens. Screens read only the local database, so they render offline."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from app.domain import broadcast_checks
from app.domain.roles import Actor, Role


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime) -> str:
    # Stored times are ISO 8601 in UTC, so string comparison orders them correctly.
    return value.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class Shift:
    id: str
    store_id: str
    store_name: str
    user_id: str
    user_name: str
    starts_at: datetime
    ends_at: datetime
    position: str
    #: Issue 10, roster: draft (managers only), published or cancelled; the role worked.
    status: str = "published"
    role: str = ""
    version: int = 1
    sync_state: str = "synced"


def _shifts(db: Database, where: str, params: list, *, live_only: bool = True) -> list[Shift]:
    """Shifts matching ``where``; ``live_only``: published ones alone (what staff work: no
    manager's draft, no cancelled shift counts in a timesheet, a clock-in or a team board)."""
    if live_only:
        where = f"({where}) AND coalesce(s.status, 'published') = 'published'"
    rows = db.query(
        "SELECT s.*, coalesce(st.name, s.store_id) AS store_name, coalesce(u.name, s.user_id) AS user_name"
        " FROM shifts s LEFT JOIN stores st ON st.id = s.store_id LEFT JOIN users u ON u.id = s.user_id"
        f" WHERE {where} ORDER BY s.starts_at, u.name", params)
    return [Shift(r["id"], r["store_id"], r["store_name"], r["user_id"], r["user_name"],
                  _dt(r["starts_at"]), _dt(r["ends_at"]), r["position"] or "", r["status"] or "published",
                  r["role"] or r["position"] or "", r["version"] or 1, r["sync_state"] or "synced") for r in rows]


def shifts_for_user(db: Database, user_id: str, start: datetime, end: datetime) -> list[Shift]:
    """The user's published shifts that start in [start, end)."""
    return _shifts(db, "s.user_id = ? AND s.starts_at >= ? AND s.starts_at < ?",
                   [user_id, _iso(start), _iso(end)])


def shifts_for_stores(db: Database, store_ids: list[str], start: datetime, end: datetime, *,
                      live_only: bool = True) -> list[Shift]:
    """Shifts at the given stores that start in [start, end) (published ones, or every status
    for the managers' roster)."""
    marks = ",".join("?" * len(store_ids)) or "''"
    return _shifts(db, f"s.store_id IN ({marks}) AND s.starts_at >= ? AND s.starts_at < ?",
                   [*store_ids, _iso(start), _iso(end)], live_only=live_only)


def shift_by_id(db: Database, shift_id: str) -> Shift | None:
    """One shift, whatever its status (the roster's edit form)."""
    found = _shifts(db, "s.id = ?", [shift_id], live_only=False)
    return found[0] if found else None


def todays_shift(db: Database, user_id: str, day_start: datetime) -> Shift | None:
    """The user's first shift of the day that starts at ``day_start`` (a local midnight)."""
    found = shifts_for_user(db, user_id, day_start, day_start + timedelta(days=1))
    return found[0] if found else None


@dataclass(frozen=True)
class Broadcast:
    id: str
    title: str
    body: str
    created_at: datetime | None
    author_name: str
    read_at: datetime | None
    sync_state: str | None
    kind: str = "normal"  # issue 10, shiftnews: "shift_change" ones have no text, only lines
    shift_lines: tuple["ShiftNewsLine", ...] = ()
    recipients: tuple[tuple[str, str], ...] = ()  # (id, name) of the people it is addressed to
    pinned: bool = False  # issue 11, broadcasts: kept on top of the feed
    acknowledged_at: datetime | None = None  # issue 11: when I acknowledged it (urgent ones)
    author_id: str = ""
    translations: dict = field(default_factory=dict)  # issue 11, bcwrite: code -> {title, body}
    version: int = 1  # issue 11, bcwrite: edits
    edited_at: datetime | None = None
    previous: dict | None = None  # the text before the last edit: {title, body}
    attachments: list = field(default_factory=list)  # issue 11, bcattach: {sha256, kind, name, size}

    @property
    def urgent(self) -> bool:
        return self.kind == "urgent"


@dataclass(frozen=True)
class ShiftNewsLine:
    """Issue 10, shiftnews: one shift a "shift change" broadcast links, and what happened to it
    (``shift`` is None when this device does not hold that shift)."""

    change: str
    shift_id: str
    shift: "Shift | None"


def _shift_lines(db: Database, row: dict) -> tuple[ShiftNewsLine, ...]:
    changes = json.loads(row.get("changes") or "{}")
    return tuple(ShiftNewsLine(changes.get(sid, ""), sid, shift_by_id(db, sid))
                 for sid in json.loads(row.get("shift_ids") or "[]"))


def _recipients(db: Database, row: dict) -> tuple[tuple[str, str], ...]:
    ids = json.loads(row.get("recipient_ids") or "[]")
    names = {r["id"]: r["name"] for r in db.query(
        f"SELECT id, name FROM users WHERE id IN ({','.join('?' * len(ids))})", ids)} if ids else {}
    return tuple((uid, names.get(uid, uid)) for uid in ids)


#: Issue 10, shiftnews / issue 11: a broadcast is mine to read when it names me among its
#: recipients, or names nobody (everyone of its stores) and I did not send it. Named, it is mine
#: even when I am its author: a shift change my own action caused (a trade I accepted that the
#: chain approved at once) is still news to me.
#: Issue 11, bcwrite: and it is due (sent, not expired), by this phone's clock, offline too.
ADDRESSED = (" (EXISTS (SELECT 1 FROM json_each(b.recipient_ids) WHERE value = :me)"
              " OR (b.recipient_ids IS NULL AND b.author_id IS NOT :me))"
              " AND (b.send_at IS NULL OR julianday(b.send_at) <= julianday(:now))"
              " AND (b.expires_at IS NULL OR julianday(b.expires_at) > julianday(:now))")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def addressed_params(user_id: str) -> dict:
    """The parameters ``ADDRESSED`` needs: me, and now (for send-later and expiry)."""
    return {"me": user_id, "now": _now_iso()}


def broadcasts(db: Database, user_id: str, *, unread_only: bool = False, feed: bool = False,
               only: str | None = None) -> list[Broadcast]:
    """Broadcasts this device knows, newest first, with the user's read receipt if any.

    ``unread_only``: those addressed to the user and not read yet (Home). ``feed`` (issue 11):
    those addressed to the user, pinned on top, then unread, then newest. ``only``: that one.
    """
    where = " WHERE b.id = :only" if only else ""
    if unread_only or feed:
        where = " WHERE" + ADDRESSED + (" AND r.read_at IS NULL" if unread_only else "")
    order = " ORDER BY " + ("b.pinned DESC, r.read_at IS NOT NULL, " if feed else "") + "b.created_at DESC, b.id DESC"
    rows = db.query(
        "SELECT b.*, coalesce(u.name, b.author_id) AS author_name, r.read_at, r.sync_state,"
        " a.acknowledged_at FROM broadcasts b LEFT JOIN users u ON u.id = b.author_id"
        " LEFT JOIN broadcast_reads r ON r.broadcast_id = b.id AND r.user_id = :me"
        " LEFT JOIN broadcast_acks a ON a.broadcast_id = b.id AND a.user_id = :me" + where + order,
        {"me": user_id, "only": only, "now": _now_iso()})
    return [Broadcast(r["id"], r["title"], r["body"] or "", _dt(r["created_at"]), r["author_name"],
                      _dt(r["read_at"]), r["sync_state"], r.get("kind") or "normal", _shift_lines(db, r),
                      _recipients(db, r), bool(r.get("pinned")), _dt(r["acknowledged_at"]), r["author_id"],
                      json.loads(r.get("translations") or "{}"), r.get("version") or 1, _dt(r.get("edited_at")),
                      json.loads(r.get("previous") or "null"), json.loads(r.get("attachments") or "[]"))
            for r in rows]


def unacknowledged_urgent(db: Database, user_id: str) -> Broadcast | None:
    """Issue 11: the oldest urgent broadcast sent to me that I have not acknowledged (one
    indexed look-up: the shell asks on every redraw)."""
    row = db.execute(
        "SELECT b.id FROM broadcasts b LEFT JOIN broadcast_acks a ON a.id = b.id || ':' || :me"
        " WHERE b.kind = 'urgent' AND a.id IS NULL AND" + ADDRESSED + " ORDER BY b.created_at, b.id LIMIT 1",
        addressed_params(user_id)).fetchone()
    return broadcast(db, user_id, row[0]) if row else None


def broadcast_check(db: Database, broadcast_id: str) -> broadcast_checks.Check | None:
    """Issue 11, bccheck: the check question an urgent broadcast asks (None: none)."""
    row = db.execute("SELECT check_question FROM broadcasts WHERE id=?", [broadcast_id]).fetchone()
    return broadcast_checks.Check.from_dict(json.loads(row[0] or "null")) if row else None


def reminded_ids(db: Database, user_id: str) -> set[str]:
    """Issue 11, bcfollow: broadcasts I was reminded of and still have not read (urgent: not
    acknowledged)."""
    return {row[0] for row in db.execute(
        "SELECT DISTINCT b.id FROM broadcast_reminders m JOIN broadcasts b ON b.id = m.broadcast_id"
        " LEFT JOIN broadcast_reads r ON r.broadcast_id = b.id AND r.user_id = :me"
        " LEFT JOIN broadcast_acks a ON a.broadcast_id = b.id AND a.user_id = :me WHERE" + ADDRESSED +
        " AND CASE WHEN b.kind = 'urgent' THEN a.id IS NULL ELSE r.id IS NULL END", addressed_params(user_id))}


def broadcast_reminders(db: Database, broadcast_id: str) -> list[dict]:
    """Issue 11, bcfollow: the reminders of a broadcast this phone holds (sent from here, or
    pulled by its sender and their managers), newest first; ``people`` is None until the server
    has it."""
    return list(db.query("SELECT m.*, coalesce(u.name, m.sent_by) AS sent_by_name FROM broadcast_reminders m"
                         " LEFT JOIN users u ON u.id = m.sent_by WHERE m.broadcast_id = ?"
                         " ORDER BY m.sent_at DESC, m.id", [broadcast_id]))


def last_reminder_at(db: Database, broadcast_id: str) -> datetime | None:
    """Issue 11, bcfollow: when the latest reminder of a broadcast this phone holds was sent."""
    latest = db.execute("SELECT max(sent_at) FROM broadcast_reminders WHERE broadcast_id = ?", [broadcast_id]).fetchone()[0]
    return _aware(latest) if latest else None


def broadcast(db: Database, user_id: str, broadcast_id: str) -> Broadcast | None:
    """Issue 11: one broadcast as ``user_id`` sees it (None when this phone does not hold it)."""
    return next(iter(broadcasts(db, user_id, only=broadcast_id)), None)


@dataclass(frozen=True)
class ReadReceipts:
    broadcast_id: str
    read: int
    audience: int


def read_receipts(db: Database, broadcast_id: str) -> ReadReceipts:
    """How many of the target stores' people have read a broadcast (managers' view)."""
    row = db.execute("SELECT store_ids, recipient_ids FROM broadcasts WHERE id=?", [broadcast_id]).fetchone()
    stores = json.loads(row[0]) if row and row[0] else []
    marks = ",".join("?" * len(stores)) or "''"
    audience = db.execute(f"SELECT count(*) FROM users WHERE home_store_id IN ({marks})", stores).fetchone()[0]
    if row and row[1]:  # issue 10, shiftnews: addressed to named people
        audience = len(json.loads(row[1]))
    read = db.execute("SELECT count(*) FROM broadcast_reads WHERE broadcast_id=?", [broadcast_id]).fetchone()[0]
    return ReadReceipts(broadcast_id, read, audience)


@dataclass(frozen=True)
class Task:
    id: str
    store_id: str
    title: str
    due_at: datetime | None
    status: str
    sync_state: str | None


def tasks(db: Database, store_ids: list[str], *, open_only: bool = False) -> list[Task]:
    """Tasks of the user's stores: open ones (to do, sent back) first, by due time."""
    marks = ",".join("?" * len(store_ids)) or "''"
    is_open = "status IN ('to_do', 'in_progress', 'open')"
    rows = db.query(
        f"SELECT * FROM tasks WHERE store_id IN ({marks})" + (f" AND {is_open}" if open_only else "")
        + f" ORDER BY NOT ({is_open}), due_at, title", store_ids)
    return [Task(r["id"], r["store_id"], r["title"], _dt(r["due_at"]), r["status"], r["sync_state"])
            for r in rows]


def store_names(db: Database) -> dict[str, str]:
    return {r["id"]: r["name"] for r in db.query("SELECT id, name FROM stores ORDER BY name")}


def area_stores(db: Database) -> dict[str, list[str]]:
    """Each area -> the stores this phone knows in it."""
    areas: dict[str, list[str]] = {}
    for row in db.query("SELECT id, area FROM stores ORDER BY id"):
        areas.setdefault(row["area"], []).append(row["id"])
    return areas


# -- attendance: rows as domain objects, for the rules in app.domain.attendance --------------
def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _punches(db: Database, where: str, params: list):
    from app.domain.attendance import Punch, PunchKind

    rows = db.query(f"SELECT * FROM punches WHERE {where} AND status != 'refused' ORDER BY at", params)
    return [Punch(r["id"], r["user_id"], r["store_id"], PunchKind(r["kind"]), _aware(r["at"]), r["shift_id"],
                  tuple(json.loads(r["flags"] or "[]"))) for r in rows]


def punches(db: Database, user_ids: list[str], since: datetime):
    """Punches of these users since ``since`` (refused PIN punches left out)."""
    marks = ",".join("?" * len(user_ids)) or "''"
    return _punches(db, f"user_id IN ({marks}) AND at >= ?", [*user_ids, _iso(since)])


def punches_at_stores(db: Database, store_ids: list[str], since: datetime):
    """Punches at these stores since ``since``, whoever made them (refused ones left out)."""
    marks = ",".join("?" * len(store_ids)) or "''"
    return _punches(db, f"store_id IN ({marks}) AND at >= ?", [*store_ids, _iso(since)])


def shift_windows(db: Database | None, shifts_: list[Shift]):
    """``Shift`` read models as ``attendance.ShiftWindow`` values."""
    from app.domain.attendance import ShiftWindow

    return [ShiftWindow(s.id, s.user_id, s.store_id, s.starts_at, s.ends_at) for s in shifts_]


def corrections(db: Database, user_ids: list[str]):
    from app.domain.attendance import PunchCorrection, PunchKind

    marks = ",".join("?" * len(user_ids)) or "''"
    rows = db.query(f"SELECT * FROM punch_corrections WHERE user_id IN ({marks})", user_ids)
    return [PunchCorrection(new_time=_aware(r["at"]), reason=r["reason"],
                            by_user=r["by_user"], at=_aware(r["created_at"]), shift_id=r["shift_id"],
                            kind=PunchKind(r["kind"])) for r in rows]


def awaiting_confirmation(db: Database, actor: Actor) -> list[dict]:
    """Punches waiting for a manager (PIN punches, clock-ins off the roster) at the actor's
    stores that the actor may sign off (``app.domain.approvals.may_sign_off``: the server
    refuses anyone else's), each with its shift when it has one."""
    from app.domain.approvals import AWAITING, may_sign_off

    marks = ",".join("?" * len(actor.store_ids)) or "''"
    rows = db.query(
        "SELECT p.*, coalesce(u.name, p.user_id) AS user_name, coalesce(u.role, 'staff') AS user_role,"
        " s.starts_at AS shift_starts_at, s.ends_at AS shift_ends_at"
        " FROM punches p LEFT JOIN users u ON u.id = p.user_id LEFT JOIN shifts s ON s.id = p.shift_id"
        f" WHERE p.store_id IN ({marks}) AND p.status = ? ORDER BY p.at", [*sorted(actor.store_ids), AWAITING])
    return [p for p in rows
            if may_sign_off(actor, p["user_id"], Role(p["user_role"]), [p["store_id"]], p["store_id"])]


def users_of_stores(db: Database, store_ids: list[str]) -> dict[str, str]:
    """id -> name of the people whose home store is one of these."""
    marks = ",".join("?" * len(store_ids)) or "''"
    return {r["id"]: r["name"] for r in db.query(
        f"SELECT id, name FROM users WHERE home_store_id IN ({marks}) ORDER BY name", store_ids)}


def users_by_id(db: Database, user_ids: list[str]) -> dict[str, dict]:
    """id -> name, home store and staff number of these people (the ones this device knows)."""
    marks = ",".join("?" * len(user_ids)) or "''"
    return {r["id"]: r for r in db.query(
        f"SELECT id, name, home_store_id, staff_no FROM users WHERE id IN ({marks})", user_ids)}


def punch_detail(db: Database, punch_id: str) -> dict | None:
    """One punch with its person's name and role, its shift's times and its store's name."""
    rows = list(db.query(
        "SELECT p.*, coalesce(u.name, p.user_id) AS user_name, coalesce(u.role, 'staff') AS user_role,"
        " s.starts_at AS shift_starts_at, s.ends_at AS shift_ends_at, coalesce(st.name, p.store_id) AS store_name"
        " FROM punches p LEFT JOIN users u ON u.id = p.user_id LEFT JOIN shifts s ON s.id = p.shift_id"
        " LEFT JOIN stores st ON st.id = p.store_id WHERE p.id = ?", [punch_id]))
    return rows[0] if rows else None


def people_of_stores(db: Database, store_ids: list[str], exclude: str) -> list[dict]:
    """id, name, staff number and role of the people whose home store is one of these (not ``exclude``)."""
    marks = ",".join("?" * len(store_ids)) or "''"
    return list(db.query(f"SELECT id, name, staff_no, role FROM users WHERE home_store_id IN ({marks}) AND id != ?"
                         " ORDER BY name", [*store_ids, exclude]))


def timesheet_queries(db: Database, *, user_id: str | None = None, store_ids: list[str] = (),
                      open_only: bool = False) -> list[dict]:
    """"This looks wrong" requests: one person's own, or those sent to these stores; newest first."""
    marks = ",".join("?" * len(store_ids)) or "''"
    where, params = ("q.user_id = ?", [user_id]) if user_id else (f"q.store_id IN ({marks})", list(store_ids))
    if open_only:
        where += " AND q.status = 'open'"
    return list(db.query("SELECT q.*, coalesce(u.name, q.user_id) AS user_name,"
                         " coalesce(s.name, q.store_id) AS store_name FROM timesheet_queries q"
                         " LEFT JOIN users u ON u.id = q.user_id LEFT JOIN stores s ON s.id = q.store_id"
                         f" WHERE {where} ORDER BY q.created_at DESC", params))


def pay_period_setting(db: Database, store_id: str | None) -> str | None:
    """The store's pay period setting (None when this device lacks it; the domain has the default)."""
    row = db.execute("SELECT pay_period FROM stores WHERE id = ?", [store_id]).fetchone()
    return row[0] if row else None
