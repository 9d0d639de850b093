"""Server schema (SQLAlchemy Core); the engines are set up in ``backend_stub.engine``.

Core rather than raw SQL so the same code runs on SQLite (WAL) and PostgreSQL.
"""

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

metadata = MetaData()


def insert_missing(conn: Connection, table: Table, **values) -> bool:
    """Insert a row unless its primary key exists (no race between workers); True if inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    keys = [c.name for c in table.primary_key.columns]
    # RETURNING, not rowcount: psycopg's pipelined inserts report rowcount -1 on PostgreSQL.
    return conn.execute(dialect.insert(table).values(**values).on_conflict_do_nothing(index_elements=keys)
                        .returning(*table.primary_key.columns)).first() is not None


def aware(value: datetime) -> datetime:
    """A timestamp read back from the database, in UTC: SQLite returns them without a zone."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _ts(name: str, **kw) -> Column:
    return Column(name, DateTime(timezone=True), **kw)


stores = Table(
    "stores", metadata,
    Column("id", String(64), primary_key=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("area", String(64), nullable=False),
    Column("address", String(300), nullable=False, default=""),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("radius_m", Float, nullable=False),
    Column("timezone", String(64), nullable=False, default="Asia/Hong_Kong"),
    # Issue 8, my-punches: how the store's pay periods run (app.domain.pay_period).
    Column("pay_period", String(16), nullable=False, default="monthly", server_default="monthly"),
)

users = Table(
    "users", metadata,
    Column("id", String(64), primary_key=True),
    Column("staff_no", String(32), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("pin_hash", String(200), nullable=False),
    Column("home_store_id", String(64), ForeignKey("stores.id")),
    Column("locale", String(16)),
    Column("active", Boolean, nullable=False, default=True),
    # Issue 8, my-punches: a manager reset the PIN; the next login must choose a new one.
    Column("must_change_pin", Boolean, nullable=False, default=False, server_default=sa_false()),
)

user_stores = Table(
    "user_stores", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), primary_key=True),
)

devices = Table(
    "devices", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("name", String(120), nullable=False, default=""),
    Column("platform", String(40), nullable=False, default=""),
    _ts("registered_at", nullable=False),
    _ts("last_seen_at"),
)

refresh_tokens = Table(
    "refresh_tokens", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("device_id", String(64), ForeignKey("devices.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("revoked_at"),
)

#: One signed-in session of a user on a device (issue 7, auth part). Access tokens name it
#: (``sid``) so logout, re-binding and theft end them at once; ``refresh_hash`` is the live
#: refresh token, ``previous_hash`` the one it replaced (``rotated_at``), honoured for a short
#: grace when a refresh answer was lost and the old token is sent again.
auth_sessions = Table(
    "auth_sessions", metadata,
    Column("id", String(32), primary_key=True),
    Column("device_id", String(64), ForeignKey("devices.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("created_at", nullable=False),
    _ts("expires_at", nullable=False),
    _ts("ended_at"),
    Column("end_reason", String(16)),
    Column("refresh_hash", String(64), nullable=False, unique=True),
    Column("previous_hash", String(64)),
    _ts("rotated_at"),
)
Index("ix_auth_sessions_device", auth_sessions.c.device_id, auth_sessions.c.ended_at)
Index("ix_auth_sessions_previous", auth_sessions.c.previous_hash)

#: Wrong PINs in a row per staff number (scope "account") and per device (scope "device"),
#: shared by every worker (issue 7, auth part). Rules: ``app.domain.login_throttle``.
login_attempts = Table(
    "login_attempts", metadata,
    Column("scope", String(8), primary_key=True),
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),
    _ts("last_failure_at"),
)

#: Audit of what managers do to other people's sign-in (issue 7, auth part): ``action`` is
#: "unlock" (cleared a PIN lock: ``failures`` and ``was_locked`` say what it held),
#: "sign_out" (ended every session of the person, e.g. a shared phone left signed in),
#: "pin_reset" (issue 8: gave a temporary PIN, ended the sessions) or "pin_set" (the person
#: chose a new PIN; ``by_user`` is themselves).
sign_in_audit = Table(
    "sign_in_audit", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("by_user", String(64), ForeignKey("users.id"), nullable=False),
    _ts("at", nullable=False),
    Column("failures", Integer),
    Column("was_locked", Boolean),
)

device_state = Table(
    "device_state", metadata,
    Column("device_id", String(64), primary_key=True),
    Column("last_seq", Integer, nullable=False, default=0),
    _ts("updated_at"),
)

mutations = Table(
    "mutations", metadata,
    Column("idempotency_key", String(36), primary_key=True),
    Column("device_id", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("type", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason", String(64)),
    Column("message", Text),
    Column("flags", Text, nullable=False, default="[]"),
    _ts("device_time"),
    _ts("estimated_time"),
    _ts("received_at", nullable=False),
    UniqueConstraint("device_id", "seq", name="uq_mutations_device_seq"),
)

shifts = Table(
    "shifts", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("starts_at", nullable=False),
    _ts("ends_at", nullable=False),
    Column("position", String(64), nullable=False, default=""),
    # Issue 10, roster: draft (managers only) / published / cancelled; the role worked; a
    # version raised by every change (calendar SEQUENCE) and the version staff were last told
    # about on publish (app.domain.roster.publish_changes).
    Column("status", String(16), nullable=False, default="published", server_default="published"),
    Column("role", String(64), nullable=False, default="", server_default=""),
    Column("version", Integer, nullable=False, default=1, server_default="1"),
    Column("published_version", Integer, nullable=False, default=1, server_default="1"),
    # Issue 10, shiftnews: the person staff last saw on it, while a move to another is unpublished.
    Column("told_user_id", String(64)),
    _ts("updated_at"),
    Column("updated_by", String(64)),
)
Index("ix_shifts_store_starts", shifts.c.store_id, shifts.c.starts_at)
Index("ix_shifts_user_starts", shifts.c.user_id, shifts.c.starts_at)

broadcasts = Table(
    "broadcasts", metadata,
    Column("id", String(64), primary_key=True),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False, default=""),
    _ts("created_at", nullable=False),
    # Issue 10, shiftnews: "shift_change" ones are written by publishing a roster, to one person
    # (broadcast_recipients); their text is built on the device from ``shift_ids`` (JSON list).
    Column("kind", String(24), nullable=False, default="normal", server_default="normal"),
    Column("shift_ids", Text, nullable=False, default="[]", server_default="[]"),
    # Issue 11, broadcasts: pinned ones stay on top of the feed; ``audience`` is what the sender
    # chose (JSON: store_ids, area, role, user_ids), resolved into broadcast_recipients at sending.
    Column("pinned", Boolean, nullable=False, default=False, server_default=sa_false()),
    Column("audience", Text, nullable=False, default="{}", server_default="{}"),
    # Issue 11, bcwrite: the sender's other-language versions (JSON: code -> {title, body}), and
    # edits: the current version's number, who wrote it and when (none: the sender, at sending).
    Column("translations", Text, nullable=False, default="{}", server_default="{}"),
    Column("version", Integer, nullable=False, default=1, server_default="1"),
    Column("edited_by", String(64)),
    _ts("edited_at"),
    # Send later / expire: "held" until send_at, "sent", then "expired" (app.domain.broadcasts.stage).
    _ts("send_at"),
    _ts("expires_at"),
    Column("stage", String(12), nullable=False, default="sent", server_default="sent"),
    # Issue 11, bccheck: an urgent one's check question (JSON: question, choices, right; none: no check).
    Column("check_question", Text),
)

broadcast_stores = Table(
    "broadcast_stores", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), primary_key=True),
)

#: Issue 10, shiftnews: a broadcast with rows here reaches these people alone (none: its stores).
broadcast_recipients = Table(
    "broadcast_recipients", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    # Issue 11, broadcasts: the store the person is counted under in receipts, when their phone
    # pulled it (delivered) and when they acknowledged an urgent one (their phone's time).
    Column("store_id", String(64)),
    _ts("delivered_at"),
    _ts("acknowledged_at"),
)
Index("ix_broadcast_recipients_user", broadcast_recipients.c.user_id)

broadcast_reads = Table(
    "broadcast_reads", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    _ts("read_at", nullable=False),
    _ts("received_at", nullable=False),
)

notes = Table(
    "notes", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("author_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("shift_id", String(64)),
    Column("body", Text, nullable=False),
    _ts("created_at", nullable=False),
)

tasks = Table(
    "tasks", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, default=""),
    _ts("due_at"),
    Column("status", String(16), nullable=False, default="to_do"),
    Column("completed_by", String(64)),
    _ts("completed_at"),
    Column("comment", Text, nullable=False, default=""),
    Column("photo_sha256", String(64)),
    # Issue 12, taskboard: the board's fields (``description`` holds the instructions). JSON:
    # ``assignees`` {user_ids, role, on_shift}, ``checklist`` [label], ``checklist_ticks`` [index].
    Column("kind", String(32), nullable=False, server_default="other"),
    Column("example_photo_sha256", String(64)),
    Column("assignees", Text, nullable=False, server_default="{}"),
    Column("checklist", Text, nullable=False, server_default="[]"),
    Column("checklist_ticks", Text, nullable=False, server_default="[]"),
    Column("photos_required", Integer, nullable=False, server_default="0"),
    Column("after_photo_required", Boolean, nullable=False, server_default=sa_false()),
    Column("round", Integer, nullable=False, server_default="0"),
    Column("cant_do_reason", Text),
    Column("review_comment", Text),
    Column("reviewed_by", String(64)),
    _ts("reviewed_at"),
    Column("created_by", String(64)),
    _ts("created_at"),
    Column("version", Integer, nullable=False, server_default="1"),
    # Corrective tasks (issue 12): the inspection and failed item they came from.
    Column("inspection_id", String(64)),
    Column("finding_item_id", String(64)),
    # Issue 12, taskrecur: the schedule a recurring task came from (kept when it is deleted).
    Column("schedule_id", String(64)),
    # Issue 12, taskrecur: the department (chain setting "departments") a repair was sent to.
    Column("department_id", String(64)),
    _ts("sent_to_department_at"),
)
Index("ix_tasks_photo", tasks.c.photo_sha256)
Index("ix_tasks_store_status", tasks.c.store_id, tasks.c.status)

# Issue 12, taskboard: each photo sent with a task's completion (``round``: which completion),
# the reviewer's verdict (pending/accepted/rejected) and comment, and its review flags (JSON).
task_photos = Table(
    "task_photos", metadata,
    Column("task_id", String(64), ForeignKey("tasks.id"), primary_key=True),
    Column("photo_sha256", String(64), primary_key=True),
    Column("round", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("flags", Text, nullable=False, server_default="[]"),
    Column("sent_by", String(64), nullable=False),
    _ts("sent_at", nullable=False),
)
Index("ix_task_photos_sha", task_photos.c.photo_sha256)

photos = Table(
    "photos", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("uploaded_by", String(64), nullable=False),
    _ts("created_at", nullable=False),
)

punches = Table(
    "punches", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("shift_id", String(64)),
    Column("kind", String(16), nullable=False),
    Column("method", String(8), nullable=False),
    _ts("at", nullable=False),  # the server's estimate of when it happened
    _ts("device_time", nullable=False),
    _ts("received_at", nullable=False),
    Column("latitude", Float),
    Column("longitude", Float),
    Column("accuracy_m", Float),
    Column("mocked", Boolean, nullable=False, default=False),
    Column("geofence", String(16)),
    Column("distance_m", Float),
    Column("face", String(16), nullable=False, default="not_used"),
    Column("face_distance", Float),
    Column("selfie_sha256", String(64)),
    Column("frame_sha256s", Text, nullable=False, default="[]"),  # liveness frames (photos)
    # 32: "awaiting_confirmation" is 21 characters (PostgreSQL enforces the length).
    Column("status", String(32), nullable=False, default="accepted"),
    Column("flags", Text, nullable=False, default="[]"),
    Column("recorded_by", String(64), nullable=False),
)
Index("ix_punches_user_at", punches.c.user_id, punches.c.at)
#: Which punch cites a photo (photo reads, erasure and the purge look it up).
Index("ix_punches_selfie", punches.c.selfie_sha256)

punch_corrections = Table(
    "punch_corrections", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), nullable=False),
    Column("shift_id", String(64)),
    Column("kind", String(16), nullable=False),
    _ts("at", nullable=False),
    Column("reason", Text, nullable=False),
    Column("by_user", String(64), nullable=False),
    _ts("created_at", nullable=False),
)

#: Consent events (grant / withdraw) with the version of the text the person saw.
face_consents = Table(
    "face_consents", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("text_version", String(32), nullable=False),
    Column("locale", String(16)),
    _ts("at", nullable=False),
)

#: Encrypted 128-d face embeddings (AES-GCM, bound to the user id). Never photos.
face_embeddings = Table(
    "face_embeddings", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("blobs", Text, nullable=False),  # JSON list of base64 ciphertexts
    _ts("enrolled_at", nullable=False),
)

#: Fingerprints of selfies already used, to refuse a replayed photo.
selfie_fingerprints = Table(
    "selfie_fingerprints", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("user_id", String(64), nullable=False),
    Column("dhash", String(80), nullable=False),
    _ts("seen_at", nullable=False),
)

#: The change feed. ``seq`` is the server's monotonic sequence that pull cursors name.
#: ``audience`` scopes who may pull a row: all, store (store_id's people),
#: managers (store_id's managers), user (user_id alone) or colleagues (store_id's staff
#: other than user_id: a reduced copy of user_id's availability).
changes = Table(
    "changes", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("op", String(8), nullable=False),
    Column("data", Text),
    Column("audience", String(16), nullable=False),
    Column("store_id", String(64)),
    Column("user_id", String(64)),
    _ts("created_at", nullable=False),
)
Index("ix_changes_store", changes.c.store_id, changes.c.seq)

#: "This looks wrong" (issue 8, my-punches): a person asks their store's managers to check a
#: day of their own timesheet. ``status`` is "open" until a manager answers.
timesheet_queries = Table(
    "timesheet_queries", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("day", String(10), nullable=False),  # the local date, ISO (YYYY-MM-DD)
    Column("message", Text, nullable=False),
    Column("status", String(16), nullable=False, default="open"),
    _ts("created_at", nullable=False),
)
# Issue 10, trades: a swap, offer or cover request and where it stands (app.domain.trades).
# ``findings`` is the rules' last verdict (JSON); ``overrides`` who accepted which warning, why, when.
shift_trades = Table(
    "shift_trades", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("shift_id", String(64), ForeignKey("shifts.id"), nullable=False),
    Column("shift_version", Integer, nullable=False),
    Column("swap_shift_id", String(64), ForeignKey("shifts.id")),
    Column("swap_shift_version", Integer),
    Column("requester_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("taker_id", String(64), ForeignKey("users.id")),
    Column("state", String(24), nullable=False),
    Column("findings", Text, nullable=False, default="{}"),
    Column("overrides", Text, nullable=False, default="[]"),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
    Column("decided_by", String(64)),
    _ts("decided_at"),
)
Index("ix_shift_trades_store_state", shift_trades.c.store_id, shift_trades.c.state)
Index("ix_timesheet_queries_store", timesheet_queries.c.store_id, timesheet_queries.c.status)
Index("ix_changes_user", changes.c.user_id, changes.c.seq)

#: Issue 10, calendar feed: each person's live secret feed URL (``/v1/calendar/{token}.ics``).
#: Only the token's SHA-256 is kept; the token itself is HMAC(server key, ``nonce``), so the
#: person's own URL can be shown again while a copy of the database alone reveals none.
#: Issuing a new URL replaces the row: the old token stops at once.
calendar_feeds = Table(
    "calendar_feeds", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("nonce", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    _ts("created_at", nullable=False),
)

# -- issue 10, leave: requests, their approval chains, delegations and leave balances ------
#: A chain per request type (``app.domain.requests.chains`` data), pulled by every device.
request_chains = Table(
    "request_chains", metadata,
    Column("type", String(32), primary_key=True),
    Column("steps", Text, nullable=False),  # JSON list of {"role", "need", "when"?}
    _ts("updated_at", nullable=False),
)

#: One request (leave, overtime, shift change, purchase) and where it stands on its route.
requests = Table(
    "requests", metadata,
    Column("id", String(64), primary_key=True),
    Column("requester_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("type", String(32), nullable=False),
    Column("first_day", String(10)),
    Column("last_day", String(10)),
    Column("days", Float, nullable=False, default=0),  # leave days, HK general holidays excluded
    Column("hours", Float, nullable=False, default=0),
    Column("after_the_fact", Boolean, nullable=False, default=False),
    Column("shift_id", String(64)),
    Column("amount_hkd", Float, nullable=False, default=0),
    Column("certificate_sha256", String(64)),
    Column("note", Text, nullable=False, default=""),
    Column("status", String(16), nullable=False),
    Column("step", Integer),
    Column("round", Integer, nullable=False, default=1),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)
Index("ix_requests_store", requests.c.store_id, requests.c.status)
Index("ix_requests_requester", requests.c.requester_id, requests.c.type)

#: Every step of a request's history: who did what, when, from which device, for whom.
request_decisions = Table(
    "request_decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("request_id", String(64), ForeignKey("requests.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("user_id", String(64), nullable=False),
    _ts("at", nullable=False),
    Column("device_id", String(64), nullable=False, default=""),
    Column("step", Integer),
    Column("round", Integer, nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("on_behalf_of", String(64)),
)
Index("ix_request_decisions_request", request_decisions.c.request_id, request_decisions.c.id)

#: An approver away from ``first_day`` to ``last_day``: their approvals go to the delegate.
approval_delegations = Table(
    "approval_delegations", metadata,
    Column("id", String(64), primary_key=True),
    Column("delegator_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("delegate_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("first_day", String(10), nullable=False),
    Column("last_day", String(10), nullable=False),
)

#: Days of a leave type a person is entitled to in a year.
leave_entitlements = Table(
    "leave_entitlements", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("type", String(32), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("days", Float, nullable=False),
)

# -- issue 10, availability: weekly windows, one-off days off, the chain's settings ----------
#: When a person can work each week (no rows: any time). ``starts``/``ends`` are HH:MM in Hong
#: Kong; an end at or before the start runs past midnight.
availability_windows = Table(
    "availability_windows", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("starts", String(5), nullable=False),
    Column("ends", String(5), nullable=False),
)
Index("ix_availability_windows_user", availability_windows.c.user_id)

#: Whole days a person cannot work (a dentist, an exam), with an optional note.
unavailability = Table(
    "unavailability", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("first_day", String(10), nullable=False),
    Column("last_day", String(10), nullable=False),
    Column("note", String(200), nullable=False, default=""),
    _ts("created_at", nullable=False),
)
Index("ix_unavailability_user", unavailability.c.user_id, unavailability.c.last_day)

#: The chain's settings by key (``shift_trades``: JSON of ``app.domain.shift_rules`` settings).
chain_settings = Table(
    "chain_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    _ts("updated_at", nullable=False),
    Column("updated_by", String(64), nullable=False),
)

# Issue 10, openshifts: a store's shift with ``slots`` places that staff claim
# (app.domain.open_shifts). ``filled`` counts approved claims: a claim takes a place only by
# raising it while it is below ``slots`` (one conditional UPDATE), so two claims on the last
# place can never both win. Each approved claim becomes the claimant's own published shift.
open_shifts = Table(
    "open_shifts", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    _ts("starts_at", nullable=False),
    _ts("ends_at", nullable=False),
    Column("role", String(64), nullable=False, default=""),
    Column("slots", Integer, nullable=False),
    Column("filled", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, default="draft"),
    Column("version", Integer, nullable=False, default=1),
    Column("created_by", String(64), nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)
Index("ix_open_shifts_store_starts", open_shifts.c.store_id, open_shifts.c.starts_at)

open_shift_claims = Table(
    "open_shift_claims", metadata,
    Column("id", String(64), primary_key=True),
    Column("open_shift_id", String(64), ForeignKey("open_shifts.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("state", String(24), nullable=False),
    Column("shift_id", String(64)),
    Column("findings", Text, nullable=False, default="{}"),
    Column("overrides", Text, nullable=False, default="[]"),
    _ts("created_at", nullable=False),
    Column("decided_by", String(64)),
    _ts("decided_at"),
    UniqueConstraint("open_shift_id", "user_id", name="uq_open_shift_claims_person"),
)

# Issue 11, bcfollow: "remind them". Each reminder a broadcast's sender (or their manager) sent:
# who sent it and when, what it waited for ("read", or "acknowledge" for urgent ones), and the
# people it reached, resolved on the server when it arrived (those not read / acknowledged yet).
broadcast_reminders = Table(
    "broadcast_reminders", metadata,
    Column("id", String(64), primary_key=True),
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), nullable=False),
    Column("sent_by", String(64), ForeignKey("users.id"), nullable=False),
    _ts("sent_at", nullable=False),
    _ts("received_at", nullable=False),
    Column("waiting_for", String(16), nullable=False),
    Column("people", Integer, nullable=False),
    Column("recipient_ids", Text, nullable=False, default="[]"),
)
Index("ix_broadcast_reminders_broadcast", broadcast_reminders.c.broadcast_id)

#: Issue 11, bcwrite: each earlier version of an edited broadcast, who wrote it and when.
broadcast_versions = Table(
    "broadcast_versions", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("translations", Text, nullable=False),
    Column("written_by", String(64), nullable=False),
    _ts("written_at", nullable=False),
)

#: Issue 11, bcattach: the photos and PDF files a broadcast carries, by content address (the
#: ``photos`` row and file arrive through ``PUT /photos``, possibly after the broadcast itself:
#: until then the file is "arriving"). Only the sender's own uploads are ever served through it.
broadcast_attachments = Table(
    "broadcast_attachments", metadata,
    Column("broadcast_id", String(64), ForeignKey("broadcasts.id"), primary_key=True),
    Column("sha256", String(64), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("name", String(120), nullable=False),
    Column("size", Integer, nullable=False),
)
Index("ix_broadcast_attachments_sha", broadcast_attachments.c.sha256)

# Issue 11, bcsaved: a manager's saved audiences (a name and the audience as sent: JSON of
# app.protocol BroadcastAudience). Each is its owner's only; one name once per owner.
saved_audiences = Table(
    "saved_audiences", metadata,
    Column("id", String(64), primary_key=True),
    Column("owner_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("name", String(80), nullable=False),
    Column("audience", Text, nullable=False),
    _ts("saved_at", nullable=False),
    UniqueConstraint("owner_id", "name", name="uq_saved_audiences_owner_name"),
)

# Issue 12, inspscore: inspection templates. A template's versions are never changed: an edit
# adds the next version (``body``: JSON of app.domain.inspections Template.as_dict). ``area``:
# the area it is for (NULL: the whole chain, HQ's only).
inspection_templates = Table(
    "inspection_templates", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("area", String(64)),
    Column("current_version", Integer, nullable=False),
    Column("created_by", String(64), ForeignKey("users.id"), nullable=False),
    _ts("created_at", nullable=False),
)

inspection_template_versions = Table(
    "inspection_template_versions", metadata,
    Column("template_id", String(64), ForeignKey("inspection_templates.id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("body", Text, nullable=False),
    Column("written_by", String(64), ForeignKey("users.id"), nullable=False),
    _ts("written_at", nullable=False),
)

# Issue 12, inspscore: a finished inspection, with the template version it was done with, its
# answers (JSON), and the server's score (``score`` NULL: nothing applicable), per-section
# scores, critical failures and findings (JSON), as app.domain.inspections.scoring gave them;
# ``geofence``/``distance_m``: the clock-in geofence rules' verdict on where the phone was (NULL: no fix).
inspections = Table(
    "inspections", metadata,
    Column("id", String(64), primary_key=True),
    Column("template_id", String(64), nullable=False),
    Column("template_version", Integer, nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False),
    Column("inspector_id", String(64), ForeignKey("users.id"), nullable=False),
    _ts("finished_at", nullable=False),
    _ts("received_at", nullable=False),
    Column("geofence", String(16)),
    Column("distance_m", Float),
    Column("answers", Text, nullable=False),
    Column("score", Float),
    Column("section_scores", Text, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("critical_failed", Text, nullable=False),
    Column("findings", Text, nullable=False),
)
Index("ix_inspections_store_template", inspections.c.store_id, inspections.c.template_id, inspections.c.finished_at)

# Issue 12, photoprep: what the server read from a received photo (its picture hash and the
# camera's time, app.media.prepare), and the reviewer's flags on a task's photo
# (app.domain.photo_checks: a reused photo, a camera time far from the completion).
photo_details = Table(
    "photo_details", metadata,
    Column("sha256", String(64), ForeignKey("photos.sha256"), primary_key=True),
    Column("picture_hash", String(16)),
    _ts("taken_at"),
)
Index("ix_photo_details_hash", photo_details.c.picture_hash)

task_photo_flags = Table(
    "task_photo_flags", metadata,
    Column("task_id", String(64), ForeignKey("tasks.id"), primary_key=True),
    Column("photo_sha256", String(64), nullable=False),
    Column("flags", Text, nullable=False),  # JSON list of app.protocol Flag values
    _ts("checked_at", nullable=False),
)

# Issue 12, taskrecur: a store's recurring task (app.domain.tasks.schedules): the task's fields
# (JSON ``assignees``, ``checklist``, ``weekdays`` [0 = Monday..6]), ``due_time`` "HH:MM" local
# (the store's zone), ``lead_minutes`` before due it appears; a paused one creates nothing.
task_schedules = Table(
    "task_schedules", metadata,
    Column("id", String(64), primary_key=True),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("kind", String(32), nullable=False, server_default="other"),
    Column("assignees", Text, nullable=False, server_default="{}"),
    Column("checklist", Text, nullable=False, server_default="[]"),
    Column("photos_required", Integer, nullable=False, server_default="0"),
    Column("recurrence", String(16), nullable=False),
    Column("weekdays", Text, nullable=False, server_default="[]"),
    Column("due_time", String(5), nullable=False),
    Column("lead_minutes", Integer, nullable=False, server_default="0"),
    Column("paused", Boolean, nullable=False, server_default=sa_false()),
    Column("created_by", String(64), nullable=False),
    _ts("created_at", nullable=False),
    _ts("updated_at", nullable=False),
)

# Issue 12, taskrecur: a task whose overdue reminder was sent (once per task, whichever worker).
task_overdue_reminders = Table(
    "task_overdue_reminders", metadata,
    Column("task_id", String(64), ForeignKey("tasks.id"), primary_key=True),
    _ts("reminded_at", nullable=False),
    Column("people", Text, nullable=False, server_default="[]"),
)

# Issue 13, trainapi: training (rules: app.domain.training). Courses and quizzes are the chain's
# (HQ writes them); a quiz row holds its full body WITH the answer key: it never leaves the
# server (devices get app.domain.training.quizzes views only).
training_courses = Table(
    "training_courses", metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("skill", String(64), nullable=False),
    Column("validity_months", Integer),
    Column("sign_out_required", Boolean, nullable=False, server_default=sa_false()),
    Column("quiz_id", String(64)),
    Column("written_by", String(64), nullable=False),
    _ts("written_at", nullable=False),
)

training_quizzes = Table(
    "training_quizzes", metadata,
    Column("id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("body", Text, nullable=False),  # Quiz.as_dict(): WITH the key, server only
    Column("written_by", String(64), nullable=False),
    _ts("written_at", nullable=False),
)

# A session of a course at a store or a training room (its own fence); margins in seconds;
# JSON lists of invited users and roles. ``secret`` (base32, app.domain.training.codes) is never
# emitted to the change feed nor returned by any route: only the codes derived from it are.
training_sessions = Table(
    "training_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("course_id", String(64), ForeignKey("training_courses.id"), nullable=False),
    Column("trainer_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("store_id", String(64), ForeignKey("stores.id"), nullable=False, index=True),
    Column("room", String(200), nullable=False, server_default=""),
    Column("latitude", Float, nullable=False),
    Column("longitude", Float, nullable=False),
    Column("radius_m", Float, nullable=False),
    _ts("starts_at", nullable=False),
    _ts("ends_at", nullable=False),
    Column("early_margin_s", Integer, nullable=False),
    Column("late_allowance_s", Integer, nullable=False),
    Column("late_margin_s", Integer, nullable=False),
    Column("sign_out_early_s", Integer, nullable=False),
    Column("sign_out_margin_s", Integer, nullable=False),
    Column("manual_add_margin_s", Integer, nullable=False),
    Column("capacity", Integer),
    Column("invite_only", Boolean, nullable=False, server_default=sa_false()),
    Column("invited_user_ids", Text, nullable=False, server_default="[]"),
    Column("invited_roles", Text, nullable=False, server_default="[]"),
    Column("status", String(16), nullable=False, server_default="scheduled"),
    Column("secret", Text, nullable=False),
    Column("created_by", String(64), nullable=False),
    _ts("created_at", nullable=False),
    # Issue 13, trainmanage: edits are made on a version; a cancelled session says when and by whom.
    Column("version", Integer, nullable=False, server_default="1"),
    _ts("cancelled_at"),
    Column("cancelled_by", String(64)),
)

# One person on a session's roll: the phone's own stamp, the server's corrected time, on time /
# late / manual, the place verdict; a manual addition's reason and who added them; the sign-out.
training_sign_ins = Table(
    "training_sign_ins", metadata,
    Column("session_id", String(64), ForeignKey("training_sessions.id"), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    _ts("device_time"),
    _ts("signed_in_at", nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("geofence", String(16)),
    Column("distance_m", Float),
    Column("manual_reason", Text),
    Column("added_by", String(64)),
    Column("flags", Text, nullable=False, server_default="[]"),
    _ts("signed_out_at"),
    _ts("sign_out_device_time"),
    _ts("received_at", nullable=False),
)

# One graded attempt (the answers as sent, the result as shown to the person).
quiz_attempts = Table(
    "quiz_attempts", metadata,
    Column("user_id", String(64), ForeignKey("users.id"), primary_key=True),
    Column("quiz_id", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("attempt", Integer, primary_key=True),
    Column("session_id", String(64), ForeignKey("training_sessions.id"), nullable=False),
    Column("answers", Text, nullable=False),
    Column("correct", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("right", Text, nullable=False),
    _ts("device_time"),
    _ts("graded_at", nullable=False),
)

training_completions = Table(
    "training_completions", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False, index=True),
    Column("course_id", String(64), ForeignKey("training_courses.id"), nullable=False),
    Column("session_id", String(64), ForeignKey("training_sessions.id")),
    _ts("completed_at", nullable=False),
    _ts("expires_at"),
    Column("via", String(16), nullable=False),
    Column("score", Integer),
)


# Issue 13, trainmanage: an expiry reminder sent (id: a hash of app.domain.training.completions
# Reminder.key). Inserted only when missing: whichever server process wins sends it, once.
training_reminders = Table(
    "training_reminders", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("course_id", String(64), ForeignKey("training_courses.id"), nullable=False),
    Column("days_before", Integer, nullable=False),
    _ts("expires_at", nullable=False),
    _ts("sent_at", nullable=False),
)
