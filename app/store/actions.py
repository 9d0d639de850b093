"""User actions. Each is one local transaction: the domain row and its outbox row.

Screens call these; the UI shows the result at once and the sync engine delivers it later.
Rules a device can check itself (the caller's own record, their store, their role) are
checked here with the same domain functions the server runs.
"""

import hashlib
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from app.domain import approvals, broadcast_checks, broadcasts
from app.domain.access import AccessDenied, require_manager_of, require_may_sign_off, require_store
from app.domain.attendance import HONG_KONG
from app.domain.roles import Actor, Role
from app.domain.timesheet_query import check_timesheet_query
from app.protocol import Reason
from app.protocol import mutations as m
from app.store.database import Locked
from app.store.clock import DeviceClock
from app.store import broadcast_files, queries
from app.store.outbox import enqueue
from app.store.inspection_actions import InspectionActions
from app.store.task_actions import TaskBoardActions
from app.store.undo import remember


def _translations_json(p: m.BroadcastCreate | m.BroadcastEdit) -> str:
    """Issue 11, bcwrite: a broadcast's other-language versions as the phone stores them."""
    return json.dumps({code: t.model_dump() for code, t in p.translations.items()})


class Actions(TaskBoardActions, InspectionActions):  # issue 12, taskboard and insprun
    """Everything a signed-in user can do, offline."""

    def __init__(self, store: Locked, clock: DeviceClock, actor: Actor) -> None:
        self._store, self._clock, self.actor = store, clock, actor

    def _now(self) -> datetime:
        return self._clock.now()

    def _record(self, type_: str, payload: m.BaseModel, entity_ref: str, write) -> int:
        """One transaction: keep the record as it was (to undo a refusal), write, queue."""
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            remember(db, entity_ref)
            write(db)
            return enqueue(db, type=type_, payload=payload.model_dump(mode="json"), clock=stamp,
                           entity_ref=entity_ref)

    def mark_broadcast_read(self, broadcast_id: str) -> int:
        """Send a read receipt for a broadcast (idempotent locally: reading twice sends once)."""
        key = f"{broadcast_id}:{self.actor.user_id}"
        with self._store.reading() as db:
            if db.execute("SELECT 1 FROM broadcast_reads WHERE id=?", [key]).fetchone():
                return 0
            if not _addressed_to(db, broadcast_id, self.actor.user_id):
                return 0  # issue 11: the sender (or a manager following it) opening it is no receipt
        p = m.BroadcastRead(broadcast_id=broadcast_id, user_id=self.actor.user_id, read_at=self._now())
        row = {"id": key, "broadcast_id": broadcast_id, "user_id": self.actor.user_id,
               "read_at": p.read_at.isoformat(), "sync_state": "pending"}
        return self._record("broadcast.read", p, f"broadcast_read:{key}",
                            lambda db: db["broadcast_reads"].insert(row))

    def add_note(self, store_id: str, body: str, shift_id: str | None = None) -> str:
        """Leave a hand-over note for a store; returns the new note's id."""
        require_store(self.actor, store_id)
        p = m.NoteAdd(note_id=f"nt-{uuid.uuid4().hex}", user_id=self.actor.user_id,
                      store_id=store_id, body=body, shift_id=shift_id)
        row = {"id": p.note_id, "store_id": store_id, "author_id": self.actor.user_id,
               "shift_id": shift_id, "body": p.body, "created_at": self._now().isoformat(),
               "sync_state": "pending"}
        self._record("note.add", p, f"note:{p.note_id}", lambda db: db["notes"].insert(row))
        return p.note_id

    def delete_note(self, note_id: str) -> int:
        """Withdraw a note (the author, or a manager of its store)."""
        with self._store.reading() as db:
            note = db.execute("SELECT author_id, store_id FROM notes WHERE id=?", [note_id]).fetchone()
        if note and note[0] != self.actor.user_id:
            require_manager_of(self.actor, [note[1]])
        return self._record("note.delete", m.NoteDelete(note_id=note_id), f"note:{note_id}",
                            lambda db: db.execute("DELETE FROM notes WHERE id=?", [note_id]))

    def create_broadcast(self, store_ids: list[str], title: str, body: str, *, area: str | None = None,
                         role: Role | None = None, user_ids: tuple[str, ...] = (), kind: str = "normal",
                         pinned: bool = False, translations: dict[str, dict[str, str]] | None = None,
                         send_at: datetime | None = None, expires_at: datetime | None = None,
                         attachments: Sequence[tuple[str, bytes]] = (),
                         check: broadcast_checks.Check | None = None) -> str:
        """A manager sends a broadcast to an audience (issue 11: an area, a role, named people;
        the server resolves who it reaches; ``translations``: language code -> {title, body};
        ``attachments``: (name, bytes) of photos and PDF files, queued for upload; ``check``: an
        urgent one's check question); returns its id."""
        with self._store.reading() as db:
            areas = queries.area_stores(db)
        audience = broadcasts.Audience(tuple(store_ids), area, role, tuple(user_ids))
        require_manager_of(self.actor, broadcasts.places(audience, areas))
        broadcasts.check_schedule(self._now(), send_at, expires_at)  # issue 11, bcwrite
        broadcast_checks.check_valid(check, kind)  # issue 11, bccheck: urgent ones' check question
        kept = broadcast_files.prepare(self._store, attachments)  # issue 11, bcattach
        p = m.BroadcastCreate(broadcast_id=f"bc-{uuid.uuid4().hex}", store_ids=store_ids, area=area, role=role,
                              user_ids=list(user_ids), title=title, body=body, kind=kind, pinned=pinned,
                              translations=translations or {}, send_at=send_at, expires_at=expires_at,
                              attachments=[described for described, _ in kept], check=check and check.as_dict())
        row = {"id": p.broadcast_id, "author_id": self.actor.user_id, "title": p.title,
               "body": p.body, "created_at": self._now().isoformat(), "kind": p.kind, "pinned": int(p.pinned),
               "store_ids": json.dumps(sorted(broadcasts.places(audience, areas))),
               "audience": json.dumps({"store_ids": store_ids, "area": area, "role": role, "user_ids": list(user_ids)}),
               # named people alone: who it reaches is known here already (else the server says)
               "recipient_ids": json.dumps(sorted(user_ids)) if user_ids and not (store_ids or area or role) else None,
               "translations": _translations_json(p),
               "send_at": p.send_at and p.send_at.isoformat(), "expires_at": p.expires_at and p.expires_at.isoformat(),
               "attachments": json.dumps([described for described, _ in kept]),
               "check_question": check and json.dumps(check.as_dict())}

        def write(db) -> None:
            db["broadcasts"].insert(row, alter=False)
            broadcast_files.queue(db, kept, row["created_at"])

        self._record("broadcast.create", p, f"broadcast:{p.broadcast_id}", write)
        return p.broadcast_id

    def edit_broadcast(self, broadcast_id: str, title: str, body: str,
                       translations: dict[str, dict[str, str]] | None = None) -> int:
        """Issue 11, bcwrite: edit a sent broadcast's text (the version this phone holds; the
        server refuses it if someone edited it meanwhile)."""
        with self._store.reading() as db:
            row = db.execute("SELECT version, title, body FROM broadcasts WHERE id=?", [broadcast_id]).fetchone()
        if row is None:
            raise LookupError(broadcast_id)
        p = m.BroadcastEdit(broadcast_id=broadcast_id, base_version=row[0] or 1, title=title, body=body,
                            translations=translations or {})
        change = {"title": p.title, "body": p.body, "version": p.base_version + 1,
                  "translations": _translations_json(p),
                  "edited_at": self._now().isoformat(), "previous": json.dumps({"title": row[1], "body": row[2]})}
        return self._record("broadcast.edit", p, f"broadcast:{broadcast_id}",
                            lambda db: db["broadcasts"].update(broadcast_id, change))

    def acknowledge_broadcast(self, broadcast_id: str, answer: int | None = None) -> int:
        """Issue 11: acknowledge an urgent broadcast, offline too, with the time it was tapped
        (acknowledging twice sends once). Issue 11, bccheck: one asking a check question needs
        the right ``answer`` (the index of the choice picked): a wrong one records nothing."""
        key = f"{broadcast_id}:{self.actor.user_id}"
        with self._store.reading() as db:
            if db.execute("SELECT 1 FROM broadcast_acks WHERE id=?", [key]).fetchone():
                return 0
            check = queries.broadcast_check(db, broadcast_id)
        broadcast_checks.check_answer(check, answer)
        p = m.BroadcastAcknowledge(broadcast_id=broadcast_id, user_id=self.actor.user_id,
                                   acknowledged_at=self._now(), answer=answer)
        row = {"id": key, "broadcast_id": broadcast_id, "user_id": self.actor.user_id,
               "acknowledged_at": p.acknowledged_at.isoformat(), "sync_state": "pending"}
        return self._record("broadcast.acknowledge", p, f"broadcast_ack:{key}",
                            lambda db: db["broadcast_acks"].insert(row))

    def set_my_locale(self, locale: str) -> int:
        """Issue 11, bcfollow: tell the server the language I chose (read rate by language)."""
        p = m.UserLocaleSet(user_id=self.actor.user_id, locale=locale)
        return self._record("user.locale", p, f"user_locale:{self.actor.user_id}", lambda db: None)

    def remind_broadcast(self, broadcast_id: str) -> str:
        """Issue 11, bcfollow: "remind them", offline too: the server reminds those who have not
        read (urgent: acknowledged) it when this arrives. Returns the reminder's id."""
        if not self.actor.role.is_manager:
            raise AccessDenied(Reason.FORBIDDEN_ROLE, "Only managers can send reminders.")
        with self._store.reading() as db:  # issue 11, probe11: held or expired here: as the server would say
            found = db.execute("SELECT send_at, expires_at FROM broadcasts WHERE id=?", [broadcast_id]).fetchone()
            last = queries.last_reminder_at(db, broadcast_id)
        if found:
            when = [queries._aware(t) if t else None for t in found]
            broadcasts.check_may_remind(broadcasts.stage(self._now(), *when))
        broadcasts.check_reminder_gap(last, self._now())
        p = m.BroadcastRemind(reminder_id=f"rm-{uuid.uuid4().hex}", broadcast_id=broadcast_id, sent_at=self._now())
        row = {"id": p.reminder_id, "broadcast_id": broadcast_id, "sent_by": self.actor.user_id,
               "sent_at": p.sent_at.isoformat(), "waiting_for": None, "people": None, "sync_state": "pending"}
        self._record("broadcast.remind", p, f"broadcast_reminder:{p.reminder_id}",
                     lambda db: db["broadcast_reminders"].insert(row))
        return p.reminder_id

    def ask_about_day(self, store_id: str, day: date, message: str) -> str:
        """"This looks wrong": ask the store's managers to check a day of my record; returns its id."""
        today = self._now().astimezone(HONG_KONG).date()
        check_timesheet_query(self.actor, self.actor.user_id, self.actor.store_ids, store_id, day, today)
        p = m.TimesheetQuery(query_id=f"tq-{uuid.uuid4().hex}", user_id=self.actor.user_id,
                             store_id=store_id, day=day, message=message)
        row = {"id": p.query_id, "user_id": p.user_id, "store_id": store_id, "day": day.isoformat(),
               "message": p.message, "status": "open", "created_at": self._now().isoformat(),
               "sync_state": "pending"}
        self._record("timesheet.query", p, f"timesheet_query:{p.query_id}",
                     lambda db: db["timesheet_queries"].insert(row))
        return p.query_id

    def raw(self, type_: str, payload: dict, entity_ref: str = "") -> int:
        """Queue an arbitrary mutation (tests, and types this app version does not know)."""
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            remember(db, entity_ref)
            return enqueue(db, type=type_, payload=payload, clock=stamp, entity_ref=entity_ref)


def _photos_dir(store: Locked) -> Path:
    return Path(store.path).parent / "photos"


def _photo_path(store: Locked, sha: str) -> Path:
    base = _photos_dir(store)
    base.mkdir(parents=True, exist_ok=True)
    return base / sha


def keep_photo(store: Locked, blob: bytes) -> tuple[str, Path]:
    """Write a photo taken here to the device's folder, before the action citing it (issue 10,
    requests: a sick-leave certificate). Returns its sha256 and path."""
    sha = hashlib.sha256(blob).hexdigest()
    path = _photo_path(store, sha)
    if not path.exists():
        path.write_bytes(blob)  # an orphan file, if the action never comes, is harmless
    return sha, path


def photo_path(store: Locked, sha: str) -> Path:
    """Where a photo taken here is kept (issue 12, insprun: an inspection's, queued on Finish)."""
    return _photos_dir(store) / sha


def local_photo(store: Locked, sha: str) -> bytes | None:
    """A photo taken on this device (its own punches), or ``None`` when it is not here."""
    path = _photos_dir(store) / sha
    return path.read_bytes() if path.is_file() else None


class PunchActions(Actions):
    """Clock in/out and breaks. The device's verdicts travel with the punch; the server re-checks."""

    def record_punch(self, *, kind: str, store_id: str, fix: dict | None = None, method: str = "face",
                     selfie: bytes | None = None, frames: list[bytes] = (), device_geofence: str | None = None,
                     device_face: str = "not_used", flags: list[str] = (), shift_id: str | None = None,
                     user_id: str | None = None, unscheduled: bool = False) -> str:
        """Record a punch now (offline too): its photos are queued for upload before the push.

        ``user_id`` is someone else only at a kiosk (``method="kiosk"``, a manager's device),
        where no location is taken (``fix`` None: the tablet stays at the store).
        ``unscheduled``: the person asked to clock in without a shift (after ``shift_ended``).
        """
        user_id = user_id or self.actor.user_id
        if user_id != self.actor.user_id:
            require_manager_of(self.actor, [store_id])
        shas = []
        for blob in ([selfie] if selfie else []) + list(frames):
            sha = hashlib.sha256(blob).hexdigest()
            path = _photo_path(self._store, sha)
            if not path.exists():
                path.write_bytes(blob)  # written before the transaction: an orphan file is harmless
            shas.append((sha, path, len(blob)))
        selfie_sha = shas[0][0] if selfie else None
        frame_shas = [s for s, _, _ in shas[1:]] if selfie else [s for s, _, _ in shas]
        p = m.PunchRecord(punch_id=f"pu-{uuid.uuid4().hex}", user_id=user_id, store_id=store_id,
                          kind=kind, fix=fix, method=method, selfie_sha256=selfie_sha,
                          frame_sha256s=frame_shas, device_geofence=device_geofence, device_face=device_face,
                          unscheduled=unscheduled)
        now = self._now().isoformat()
        row = {"id": p.punch_id, "user_id": p.user_id, "store_id": store_id, "shift_id": shift_id,
               "kind": kind, "method": method, "at": now, "geofence": device_geofence, "distance_m": None,
               "face": device_face if method == "face" else "not_used",
               "status": approvals.punch_status(method, bool(selfie), flags),
               "flags": json.dumps(list(flags)), "selfie_sha256": selfie_sha, "sync_state": "pending"}

        def write(db) -> None:
            for sha, path, size in shas:
                db["photo_uploads"].upsert({"sha256": sha, "path": str(path), "size": size,
                                            "status": "pending", "created_at": now}, pk="sha256")
            db["punches"].insert(row)

        self._record("punch.record", p, f"punch:{p.punch_id}", write)
        return p.punch_id

    def confirm_punch(self, punch_id: str, approve: bool = True) -> int:
        """A manager confirms a PIN punch of someone who chose not to use face data."""
        with self._store.reading() as db:
            row = db.execute("SELECT p.store_id, p.user_id, coalesce(u.role, 'staff') FROM punches p"
                             " LEFT JOIN users u ON u.id = p.user_id WHERE p.id=?", [punch_id]).fetchone()
        if row:  # the person works at the punch's store (the server checks their other stores)
            require_may_sign_off(self.actor, row[1], Role(row[2]), [row[0]], row[0])
        status = approvals.ACCEPTED if approve else approvals.REFUSED
        return self._record("punch.confirm", m.PunchConfirm(punch_id=punch_id, approve=approve),
                            f"punch:{punch_id}",
                            lambda db: db.execute("UPDATE punches SET status=? WHERE id=?", [status, punch_id]))

    def correct_punch(self, *, user_id: str, store_id: str, shift_id: str | None, kind: str, at: datetime,
                      reason: str) -> str:
        """A manager fixes a punch (e.g. a missing clock-out) with a reason; audited on the server."""
        require_manager_of(self.actor, [store_id])
        reason = approvals.require_reason(reason)
        p = m.PunchCorrect(correction_id=f"pc-{uuid.uuid4().hex}", user_id=user_id, store_id=store_id,
                           shift_id=shift_id, kind=kind, at=at, reason=reason)
        row = {"id": p.correction_id, "user_id": user_id, "store_id": store_id, "shift_id": shift_id,
               "kind": kind, "at": at.isoformat(), "reason": p.reason, "by_user": self.actor.user_id,
               "created_at": self._now().isoformat()}
        self._record("punch.correct", p, f"punch_correction:{p.correction_id}",
                     lambda db: db["punch_corrections"].insert(row))
        return p.correction_id


def _addressed_to(db, broadcast_id: str, user_id: str) -> bool:
    """Issue 11: whether this phone's copy of a broadcast is for ``user_id`` to read (unknown
    here: yes, the server decides)."""
    row = db.execute("SELECT author_id, recipient_ids FROM broadcasts WHERE id=?", [broadcast_id]).fetchone()
    if row is None:
        return True
    return row[0] != user_id and (row[1] is None or user_id in json.loads(row[1]))
