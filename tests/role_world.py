"""The world of the role matrix (tests/test_role_matrix.py): one real API server, every demo
actor signed in once, and the records the cells act on.

Cells read and prepare rows straight in the server's database (a real SQLite file or
PostgreSQL database): that is what a tester would check, and it keeps each cell independent
of the others' order.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import httpx
import jwt
from PIL import Image
from sqlalchemy import func, select

from backend_stub import db
from backend_stub.engine import make_engine
from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.servers import ApiServer

#: The server's signing key (the matrix mints an expired token with it) and a forger's key.
SIGNING_KEY = "role-matrix-signing-key-" + "k" * 40
FORGER_KEY = "role-matrix-forger-key-" + "f" * 40
STORE, OTHER_STORE = "st-cwb", "st-mk"
CWB = (22.27834, 114.18222)


@dataclass
class Actor:
    """A signed-in demo user on their own device (or a bad token for the gate cells)."""

    key: str
    user_id: str | None
    token: str | None
    device_id: str
    refresh: str | None = None
    seq: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}


#: actor key -> (user id, staff number, PIN, label used in the cell ids)
USERS = {
    "staff": ("u-s01", "S3001", "1111", "staff of the store"),
    "colleague": ("u-s02", "S3002", "2222", "colleague in the store"),
    "staff_other": ("u-s03", "S3003", "3333", "staff of another store"),
    "sm": ("u-sm-cwb", "M2001", "7100", "store manager"),
    "sm_other": ("u-sm-mk", "M2002", "7200", "store manager of another store"),
    "am": ("u-am-hk", "A1002", "8200", "area manager covering"),
    "am_other": ("u-am-kln", "A1001", "8100", "area manager not covering"),
    "hq": ("u-hq", "A0001", "9000", "HQ admin"),
}
#: Signs in, then out: the token they held is the "logged-out token" actor.
SIGNED_OUT = {"logged_out": ("u-s07", "S3007", "7777", "logged-out token")}
BAD_TOKENS = {"anonymous": "no token", "forged": "forged token", "expired": "expired token",
              "logged_out": "logged-out token"}
LABELS = {**{k: v[3] for k, v in USERS.items()}, **BAD_TOKENS}
#: subject label -> user id (``own`` is the caller)
SUBJECTS = {"colleague": "u-s02", "store staff": "u-s01", "other-store staff": "u-s03",
            "HQ admin": "u-hq", "area manager": "u-am-hk", "store manager": "u-sm-cwb", "nobody": "u-nobody"}

_colours = itertools.count(1)


def new_image() -> bytes:
    """A small real PNG never sent before (each has its own colour)."""
    n = next(_colours)
    out = io.BytesIO()
    Image.new("RGB", (12, 12), (n % 251, (n // 251) % 251, 77)).save(out, format="PNG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class World:
    server: ApiServer
    http: httpx.Client = field(init=False)
    actors: dict[str, Actor] = field(default_factory=dict)
    photos: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.server.url + "/v1", timeout=30)
        self.engine = make_engine(self.server.db_url)

    # ---- sign-in ------------------------------------------------------------------------

    def login(self, key: str, device_id: str | None = None) -> Actor:
        """Sign ``key``'s demo user in (once: argon2 is slow on purpose) on their own device."""
        user_id, staff_no, pin, _label = {**USERS, **SIGNED_OUT}[key]
        device_id = device_id or f"dev-matrix-{key.replace('_', '-')}"
        resp = self.http.post("/auth/login", json={"staff_no": staff_no, "pin": pin, "device_id": device_id})
        assert resp.status_code == 200, resp.text
        body = resp.json()
        return Actor(key, user_id, body["access_token"], device_id, body["refresh_token"])

    def sign_in_everyone(self) -> None:
        for key in USERS:
            self.actors[key] = self.login(key)
        staff = self.actors["staff"]
        claims = jwt.decode(staff.token, options={"verify_signature": False})
        self.actors["anonymous"] = Actor("anonymous", None, None, staff.device_id)
        self.actors["forged"] = Actor("forged", "u-s01", jwt.encode(claims, FORGER_KEY, "HS256"), staff.device_id)
        # The staff's own live session, signed with the server's key, but past its expiry.
        past = {**claims, "iat": claims["iat"] - 3600, "exp": claims["iat"] - 1800}
        self.actors["expired"] = Actor("expired", "u-s01", jwt.encode(past, SIGNING_KEY, "HS256"), staff.device_id)
        gone = self.login("logged_out")
        assert self.http.post("/auth/logout", headers=gone.headers).status_code == 204
        self.actors["logged_out"] = gone

    # ---- requests -----------------------------------------------------------------------

    def call(self, actor: str, method: str, path: str, **kw) -> httpx.Response:
        headers = {**self.actors[actor].headers, **kw.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kw)

    def upload(self, actor: str, data: bytes | None = None) -> str:
        data = data or new_image()
        resp = self.call(actor, "PUT", f"/photos/{sha(data)}", content=data)
        assert resp.status_code in (200, 201), resp.text
        return sha(data)

    def push_body(self, actor: str, type_: str, payload: dict, device_id: str | None = None) -> dict:
        """A batch of one action, numbered next on the actor's device."""
        who = self.actors[actor]
        now = datetime.now(UTC)
        clock = {"device_time": (now - timedelta(seconds=1)).isoformat(), "monotonic_ms": 49_999_000,
                 "boot_id": "boot-matrix"}
        return {"device_id": device_id or who.device_id,
                "sent": {"device_time": now.isoformat(), "monotonic_ms": 50_000_000, "boot_id": "boot-matrix"},
                "mutations": [{"seq": who.seq + 1, "idempotency_key": str(uuid4()), "type": type_,
                               "payload": payload, "clock": clock}]}

    def push(self, actor: str, type_: str, payload: dict) -> dict:
        """Push one action from the actor's device; returns its per-item result."""
        resp = self.call(actor, "POST", "/sync/push", json=self.push_body(actor, type_, payload))
        assert resp.status_code == 200, resp.text
        self.actors[actor].seq += 1
        return resp.json()["results"][0]

    def pull_all(self, actor: str) -> list[dict]:
        resp = self.call(actor, "GET", "/sync/pull", params={"limit": 1000})
        changes = resp.json()["changes"]
        while resp.json()["has_more"]:
            resp = self.call(actor, "GET", "/sync/pull", params={"limit": 1000, "cursor": resp.json()["cursor"]})
            changes += resp.json()["changes"]
        return changes

    # ---- rows ---------------------------------------------------------------------------

    def one(self, table, *where) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(*where)).mappings().first()
        return None if row is None else dict(row)

    def count(self, table, *where) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

    def insert(self, table, **values) -> None:
        with self.engine.begin() as conn:
            conn.execute(table.insert().values(**values))

    def new_task(self, store: str) -> str:
        task_id = f"tk-m-{uuid4().hex[:10]}"
        self.insert(db.tasks, id=task_id, store_id=store, title="Matrix task", description="",
                    due_at=datetime.now(UTC) + timedelta(hours=4), status="to_do", completed_by=None,
                    completed_at=None, comment="", photo_sha256=None)
        return task_id

    def new_note(self, author: str, store: str) -> str:
        note_id = f"nt-m-{uuid4().hex[:10]}"
        self.insert(db.notes, id=note_id, store_id=store, author_id=author, shift_id=None, body="Hand-over",
                    created_at=datetime.now(UTC))
        return note_id

    def new_broadcast(self, store: str) -> str:
        broadcast_id = f"bc-m-{uuid4().hex[:10]}"
        self.insert(db.broadcasts, id=broadcast_id, author_id="u-hq", title="Matrix", body="",
                    created_at=datetime.now(UTC))
        self.insert(db.broadcast_stores, broadcast_id=broadcast_id, store_id=store)
        return broadcast_id

    def shift_now(self, user_id: str, store: str) -> None:
        """The person has no punches and a shift at ``store`` starting in 10 minutes."""
        now = datetime.now(UTC)
        with self.engine.begin() as conn:
            conn.execute(db.punches.delete().where(db.punches.c.user_id == user_id))
            conn.execute(db.shifts.delete().where(db.shifts.c.user_id == user_id))
            conn.execute(db.shifts.insert().values(
                id=f"sh-m-{uuid4().hex[:10]}", store_id=store, user_id=user_id, starts_at=now + timedelta(minutes=10),
                ends_at=now + timedelta(hours=8), position="Sales"))

    def pin_punch(self, user_id: str, store: str) -> str:
        """A PIN punch of ``user_id`` at ``store`` awaiting a manager's confirmation."""
        punch_id = f"pu-m-{uuid4().hex[:10]}"
        now = datetime.now(UTC)
        self.insert(db.punches, id=punch_id, user_id=user_id, store_id=store, kind="clock_in", method="pin",
                    at=now, device_time=now, received_at=now, status="awaiting_confirmation",
                    face="not_used", flags=json.dumps([]), frame_sha256s="[]", recorded_by=user_id)
        return punch_id

    def close(self) -> None:
        self.http.close()
        self.engine.dispose()


def punch_payload(user_id: str, store: str, method: str = "pin", selfie: str | None = None) -> dict:
    now = datetime.now(UTC)
    return {"punch_id": f"pu-m-{uuid4().hex[:10]}", "user_id": user_id, "store_id": store, "kind": "clock_in",
            "method": method, "selfie_sha256": selfie, "device_face": "not_used",
            "fix": {"latitude": CWB[0], "longitude": CWB[1], "accuracy_m": 10.0, "timestamp": now.isoformat()}}


# ---- pushed actions: a payload about a subject at a store, and "did it happen?" ------------


def _note_add(w: World, actor: str, subject: str, store: str):
    note_id = f"nt-m-{uuid4().hex[:12]}"
    return {"note_id": note_id, "user_id": subject, "store_id": store, "body": "Till 2 short"}, \
        lambda: w.count(db.notes, db.notes.c.id == note_id) == 1


def _note_delete(w: World, actor: str, subject: str, store: str):
    note_id = w.new_note(subject, store)
    return {"note_id": note_id}, lambda: w.count(db.notes, db.notes.c.id == note_id) == 0


def _broadcast_create(w: World, actor: str, subject: str, store: str):
    broadcast_id = f"bc-m-{uuid4().hex[:12]}"
    return {"broadcast_id": broadcast_id, "store_ids": store.split("+"), "title": "Matrix"}, \
        lambda: w.count(db.broadcasts, db.broadcasts.c.id == broadcast_id) == 1


def _broadcast_read(w: World, actor: str, subject: str, store: str):
    broadcast_id = w.new_broadcast(store)
    read = db.broadcast_reads.c
    return {"broadcast_id": broadcast_id, "user_id": subject, "read_at": "2026-01-01T00:00:00Z"}, \
        lambda: w.count(db.broadcast_reads, read.broadcast_id == broadcast_id) == 1


def _task_complete(w: World, actor: str, subject: str, store: str, photo: str | None = None):
    task_id = w.new_task(store)
    payload = {"task_id": task_id, "user_id": subject, "completed_at": "2026-01-01T00:00:00Z"}
    if photo:
        payload["photo_sha256"] = w.photos[photo] if photo in w.photos else w.upload(actor)
    return payload, lambda: w.one(db.tasks, db.tasks.c.id == task_id)["status"] == "waiting_review"


def _punch_record(w: World, actor: str, subject: str, store: str, method: str = "pin", photo: str | None = None):
    w.shift_now(subject, store)
    selfie = None if photo is None else w.photos[photo] if photo in w.photos else w.upload(actor)
    payload = punch_payload(subject, store, method, selfie)
    if selfie:
        w.call(actor, "POST", "/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION})
    return payload, lambda: w.count(db.punches, db.punches.c.id == payload["punch_id"]) == 1


def _punch_confirm(w: World, actor: str, subject: str, store: str):
    punch_id = w.pin_punch(subject, store)
    return {"punch_id": punch_id}, lambda: w.one(db.punches, db.punches.c.id == punch_id)["status"] == "accepted"


def _punch_correct(w: World, actor: str, subject: str, store: str):
    correction_id = f"pc-m-{uuid4().hex[:12]}"
    return {"correction_id": correction_id, "user_id": subject, "store_id": store, "kind": "clock_out",
            "at": "2026-01-01T09:00:00Z", "reason": "Forgot to clock out"}, \
        lambda: w.count(db.punch_corrections, db.punch_corrections.c.id == correction_id) == 1


def _void(w: World, actor: str, subject: str, store: str):
    before = {t.name: w.count(t) for t in (db.notes, db.tasks, db.punches, db.broadcasts)}
    # A void changes nothing but uses its number: "effect" = nothing else moved.
    return {}, lambda: {t.name: w.count(t) for t in (db.notes, db.tasks, db.punches, db.broadcasts)} == before


#: Pushed action (with variant) -> builder of its payload and of a check that its effect happened.
SCENARIOS = {
    "note.add": _note_add, "note.delete": _note_delete, "broadcast.create": _broadcast_create,
    "broadcast.read": _broadcast_read, "task.complete": _task_complete,
    "task.complete+photo": lambda w, a, s, st, p: _task_complete(w, a, s, st, photo=p),
    "punch.record": _punch_record,
    "punch.record+selfie": lambda w, a, s, st, p: _punch_record(w, a, s, st, method="face", photo=p),
    "punch.record kiosk": lambda w, a, s, st: _punch_record(w, a, s, st, method="kiosk"),
    "punch.confirm": _punch_confirm, "punch.correct": _punch_correct, "mutation.void": _void,
}
