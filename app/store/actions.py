"""User actions. Each is one local transaction: the domain row and its outbox row.

Screens call these; the UI shows the result at once and the sync engine delivers it later.
Rules a device can check itself (the caller's own record, their store, their role) are
checked here with the same domain functions the server runs.
"""

import json
import uuid
from datetime import datetime

from app.domain.access import require_manager_of, require_self, require_store
from app.domain.roles import Actor
from app.protocol import mutations as m
from app.store.database import Locked
from app.store.clock import DeviceClock
from app.store.outbox import enqueue


class Actions:
    """Everything a signed-in user can do, offline."""

    def __init__(self, store: Locked, clock: DeviceClock, actor: Actor) -> None:
        self._store, self._clock, self.actor = store, clock, actor

    def _now(self) -> datetime:
        return self._clock.now()

    def _record(self, type_: str, payload: m.BaseModel, entity_ref: str, write) -> int:
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            write(db)
            return enqueue(db, type=type_, payload=payload.model_dump(mode="json"), clock=stamp,
                           entity_ref=entity_ref)

    def mark_broadcast_read(self, broadcast_id: str) -> int:
        """Send a read receipt for a broadcast (idempotent locally: reading twice sends once)."""
        key = f"{broadcast_id}:{self.actor.user_id}"
        with self._store.reading() as db:
            if db.execute("SELECT 1 FROM broadcast_reads WHERE id=?", [key]).fetchone():
                return 0
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

    def complete_task(self, task_id: str, comment: str = "", photo_sha256: str | None = None) -> int:
        """Mark a task done."""
        p = m.TaskComplete(task_id=task_id, user_id=self.actor.user_id, completed_at=self._now(),
                           comment=comment, photo_sha256=photo_sha256)
        require_self(self.actor, p.user_id)

        def write(db) -> None:
            db.execute("UPDATE tasks SET status='done', completed_by=?, completed_at=?, comment=?,"
                       " photo_sha256=?, sync_state='pending' WHERE id=?",
                       [p.user_id, p.completed_at.isoformat(), comment, photo_sha256, task_id])

        return self._record("task.complete", p, f"task:{task_id}", write)

    def create_broadcast(self, store_ids: list[str], title: str, body: str) -> str:
        """A manager sends a broadcast to their stores; returns its id."""
        require_manager_of(self.actor, store_ids)
        p = m.BroadcastCreate(broadcast_id=f"bc-{uuid.uuid4().hex}", store_ids=store_ids,
                              title=title, body=body)
        row = {"id": p.broadcast_id, "author_id": self.actor.user_id, "title": p.title,
               "body": p.body, "created_at": self._now().isoformat(),
               "store_ids": json.dumps(store_ids)}
        self._record("broadcast.create", p, f"broadcast:{p.broadcast_id}",
                     lambda db: db["broadcasts"].insert(row))
        return p.broadcast_id

    def raw(self, type_: str, payload: dict, entity_ref: str = "") -> int:
        """Queue an arbitrary mutation (tests, and types this app version does not know)."""
        stamp = self._clock.stamp()
        with self._store.transaction() as db:
            return enqueue(db, type=type_, payload=payload, clock=stamp, entity_ref=entity_ref)
