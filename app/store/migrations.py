"""Versioned, re-runnable migrations of the device database.

Each migration runs once, inside a transaction, and records its number in
``_migrations``; running ``migrate`` again does nothing. A database made by an older
app version is upgraded in place, its data kept.
"""

from collections.abc import Callable

from sqlite_utils import Database

Migration = Callable[[Database], None]


def _m001_initial(db: Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db.execute(
        """CREATE TABLE outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the device's mutation number
            idempotency_key TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            device_time TEXT NOT NULL,
            monotonic_ms INTEGER NOT NULL,
            boot_id TEXT NOT NULL,
            clock_offset_ms INTEGER,
            status TEXT NOT NULL DEFAULT 'pending',
            created_at TEXT NOT NULL
        )"""
    )
    db["stores"].create({"id": str, "code": str, "name": str, "area": str, "address": str,
                         "latitude": float, "longitude": float, "radius_m": float,
                         "timezone": str}, pk="id")
    db["users"].create({"id": str, "staff_no": str, "name": str, "role": str,
                        "home_store_id": str}, pk="id")
    db["shifts"].create({"id": str, "store_id": str, "user_id": str, "starts_at": str,
                         "ends_at": str, "position": str}, pk="id")
    db["broadcasts"].create({"id": str, "author_id": str, "title": str, "body": str,
                             "created_at": str, "store_ids": str}, pk="id")
    db["broadcast_reads"].create({"id": str, "broadcast_id": str, "user_id": str,
                                  "read_at": str}, pk="id")
    db["notes"].create({"id": str, "store_id": str, "author_id": str, "shift_id": str,
                        "body": str, "created_at": str}, pk="id")
    db["tasks"].create({"id": str, "store_id": str, "title": str, "description": str,
                        "due_at": str, "status": str, "completed_by": str,
                        "completed_at": str, "comment": str, "photo_sha256": str}, pk="id")


def _m002_outbox_outcomes(db: Database) -> None:
    """Keep each mutation's outcome (for the rejected-actions screen), track local rows'
    sync state, and queue photos for upload."""
    outbox = db["outbox"]
    outbox.add_column("entity_ref", str)
    outbox.add_column("attempts", int, not_null_default=0)
    outbox.add_column("reason", str)
    outbox.add_column("message", str)
    outbox.add_column("flags", str)
    outbox.add_column("acked_at", str)
    db.execute("CREATE INDEX IF NOT EXISTS ix_outbox_status ON outbox(status, seq)")
    db.execute("CREATE INDEX IF NOT EXISTS ix_outbox_ref ON outbox(entity_ref, status)")
    for table in ("broadcast_reads", "notes", "tasks"):
        db[table].add_column("sync_state", str, not_null_default="synced")
    db["photo_uploads"].create({"sha256": str, "path": str, "size": int, "status": str,
                                "created_at": str}, pk="sha256")
    db.execute("CREATE INDEX IF NOT EXISTS ix_shifts_user ON shifts(user_id, starts_at)")


def _m003_punches(db: Database) -> None:
    """Clock-in: punches (mine, or my team's for managers), corrections, face profile."""
    db["punches"].create({"id": str, "user_id": str, "store_id": str, "shift_id": str, "kind": str,
                          "method": str, "at": str, "geofence": str, "distance_m": float, "face": str,
                          "status": str, "flags": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_punches_user_at ON punches(user_id, at)")
    db["punch_corrections"].create({"id": str, "user_id": str, "store_id": str, "shift_id": str,
                                    "kind": str, "at": str, "reason": str, "by_user": str,
                                    "created_at": str}, pk="id")
    # Face data on the device: the consent decision and encrypted embeddings, never photos.
    db["face_profile"].create({"user_id": str, "consented": int, "consent_version": str,
                               "embeddings": bytes, "updated_at": str}, pk="user_id")


def _m004_undo_and_refusals(db: Database) -> None:
    """Undo refused actions (the record as it was, kept per record while actions on it wait),
    keep why a photo was refused, and find unanswered mutations (sent again, some as voids)."""
    db.execute("CREATE TABLE ref_base (entity_ref TEXT PRIMARY KEY, row TEXT,"
               " refused INTEGER NOT NULL DEFAULT 0)")
    db["photo_uploads"].add_column("reason", str)
    db["photo_uploads"].add_column("message", str)
    db.execute("CREATE INDEX IF NOT EXISTS ix_outbox_unanswered ON outbox(seq) WHERE acked_at IS NULL")


def _m005_team_approvals(db: Database) -> None:
    """Team and Approvals show a punch's selfie: keep its address (the photo stays on the server)."""
    db["punches"].add_column("selfie_sha256", str)


def _m006_my_punches(db: Database) -> None:
    """Issue 8, my-punches: each store's pay period, and "this looks wrong" requests (the
    person's own, and those a manager's stores received)."""
    db["stores"].add_column("pay_period", str)
    db["timesheet_queries"].create({"id": str, "user_id": str, "store_id": str, "day": str, "message": str,
                                    "status": str, "created_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_timesheet_queries_store ON timesheet_queries(store_id, status)")


def _m007_roster(db: Database) -> None:
    """Issue 10, roster: a shift's status (drafts reach managers only), role and version; its
    sync state while a manager's change waits. Shifts pulled before were all published."""
    shifts = db["shifts"]
    shifts.add_column("status", str, not_null_default="published")
    shifts.add_column("role", str, not_null_default="")
    shifts.add_column("version", int, not_null_default=1)
    shifts.add_column("published_version", int, not_null_default=1)
    shifts.add_column("sync_state", str, not_null_default="synced")
    db.execute("UPDATE shifts SET role = coalesce(position, '')")
    db.execute("CREATE INDEX IF NOT EXISTS ix_shifts_store ON shifts(store_id, starts_at)")
def _m008_leave_requests(db: Database) -> None:
    """Issue 10, leave: requests with their route and history, and the chains (pulled)."""
    db["requests"].create({
        "id": str, "requester_id": str, "store_id": str, "type": str, "first_day": str, "last_day": str,
        "days": float, "hours": float, "after_the_fact": int, "shift_id": str, "amount_hkd": float,
        "certificate_sha256": str, "note": str, "status": str, "step": int, "round": int,
        "created_at": str, "updated_at": str, "route": str, "current_step": int, "history": str,
        "balance": str, "sync_state": str}, pk="id")
    db["request_chains"].create({"id": str, "type": str, "steps": str}, pk="id")


def _m009_trades(db: Database) -> None:
    """Issue 10, trades: swap, offer and cover requests as pulled (and as asked here, pending)."""
    db["trades"].create({"id": str, "kind": str, "store_id": str, "shift_id": str, "shift_version": int,
                         "swap_shift_id": str, "swap_shift_version": int, "requester_id": str, "taker_id": str,
                         "state": str, "findings": str, "overrides": str, "created_at": str, "updated_at": str,
                         "decided_by": str, "decided_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_trades_store_state ON trades(store_id, state)")


def _m010_availability(db: Database) -> None:
    """Issue 10, availability: my weekly windows and days off (and, for managers, their staff's;
    for staff, their store colleagues' without notes), and the chain's settings, all pulled; mine
    also as set here, pending."""
    db["availability"].create({"id": str, "user_id": str, "windows": str, "updated_at": str,
                               "sync_state": str}, pk="id")
    db["unavailability"].create({"id": str, "user_id": str, "first_day": str, "last_day": str, "note": str,
                                 "created_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_unavailability_user ON unavailability(user_id, last_day)")
    db["chain_settings"].create({"id": str, "settings": str, "updated_at": str}, pk="id")


def _m011_open_shifts(db: Database) -> None:
    """Issue 10, openshifts: open shifts with N places (pulled) and claims (pulled, or made here
    and waiting to sync)."""
    db["open_shifts"].create({"id": str, "store_id": str, "starts_at": str, "ends_at": str, "role": str,
                              "slots": int, "filled": int, "status": str, "version": int, "created_by": str,
                              "created_at": str, "updated_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_open_shifts_store ON open_shifts(store_id, starts_at)")
    db["open_shift_claims"].create({"id": str, "open_shift_id": str, "store_id": str, "user_id": str,
                                    "state": str, "shift_id": str, "findings": str, "overrides": str, "created_at": str,
                                    "decided_by": str, "decided_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_open_shift_claims_shift ON open_shift_claims(open_shift_id)")


def _m012_request_screens(db: Database) -> None:
    """Issue 10, requests: what the phone needs to show a request's route and the leave balance
    before sending it: the stores each person covers (approvers), my yearly leave entitlements, and
    the delegations of my stores' approvers."""
    db["users"].add_column("store_ids", str)
    db["leave_entitlements"].create({"id": str, "user_id": str, "type": str, "year": int, "days": float}, pk="id")
    db["delegations"].create({"id": str, "delegator_id": str, "delegate_id": str, "delegate_name": str,
                              "first_day": str, "last_day": str}, pk="id")


def _m013_shift_news(db: Database) -> None:
    """Issue 10, shiftnews: a broadcast's kind ("shift_change" ones are written by publishing a
    roster), the shifts it links and what happened to each (the text is written here), and the
    people it is addressed to."""
    broadcasts = db["broadcasts"]
    broadcasts.add_column("kind", str, not_null_default="normal")
    broadcasts.add_column("shift_ids", str)
    broadcasts.add_column("changes", str)
    broadcasts.add_column("recipient_ids", str)  # none: everyone of its stores


def _m014_broadcast_audiences(db: Database) -> None:
    """Issue 11, broadcasts: pinned broadcasts and what the sender chose (audience), and my
    acknowledgements of urgent ones (queued offline with the time I tapped)."""
    broadcasts = db["broadcasts"]
    broadcasts.add_column("pinned", int, not_null_default=0)
    broadcasts.add_column("audience", str)
    db["broadcast_acks"].create({"id": str, "broadcast_id": str, "user_id": str, "acknowledged_at": str,
                                 "sync_state": str}, pk="id")


def _m015_broadcast_reminders(db: Database) -> None:
    """Issue 11, bcfollow: reminders of broadcasts: those I sent (queued offline) and those sent
    to me (I had not read or acknowledged it yet when the server got it); urgent ones put off."""
    db["broadcast_reminders"].create({"id": str, "broadcast_id": str, "sent_by": str, "sent_at": str,
                                      "waiting_for": str, "people": int, "sync_state": str}, pk="id")
    # urgent broadcasts put off on this phone ("Later"): when first shown and last put off
    db["urgent_put_off"].create({"id": str, "first_shown": str, "put_off_at": str}, pk="id")


def _m016_broadcast_versions(db: Database) -> None:
    """Issue 11, bcwrite: a broadcast's other-language versions (JSON: code -> {title, body}), and
    edits: its version, when it was last edited and the text before (JSON: {title, body}); when it
    is sent and when it expires."""
    broadcasts = db["broadcasts"]
    broadcasts.add_column("translations", str)
    broadcasts.add_column("version", int, not_null_default=1)
    broadcasts.add_column("edited_at", str)
    broadcasts.add_column("previous", str)
    broadcasts.add_column("send_at", str)  # send later, expire: hidden from readers outside them
    broadcasts.add_column("expires_at", str)


def _m017_broadcast_attachments(db: Database) -> None:
    """Issue 11, bcattach: a broadcast's photos and PDF files (JSON list of {sha256, kind, name,
    size}); the files themselves go through the photo queue (``photo_uploads``)."""
    db["broadcasts"].add_column("attachments", str)


def _m018_broadcast_checks(db: Database) -> None:
    """Issue 11, bccheck: an urgent broadcast's check question (JSON: question, choices, right),
    pulled with it so the answer is checked offline too."""
    db["broadcasts"].add_column("check_question", str)


def _m019_task_board(db: Database) -> None:
    """Issue 12, taskboard: a task's board fields as pulled (JSON: ``assignees``, ``checklist``,
    ``checklist_ticks``, ``photos`` [{sha256, round, verdict, comment, flags}]), its review and the
    inspection finding of a corrective task; tasks kept as "open" become "to_do"."""
    tasks = db["tasks"]
    for name in ("kind", "example_photo_sha256", "assignees", "checklist", "checklist_ticks", "photos",
                 "cant_do_reason", "review_comment", "reviewed_by", "inspection_id", "finding_item_id"):
        tasks.add_column(name, str)
    for name in ("photos_required", "after_photo_required", "round"):
        tasks.add_column(name, int, not_null_default=0)
    db.execute("UPDATE tasks SET status='to_do' WHERE status='open'")


def _m020_task_reminders(db: Database) -> None:
    """Issue 12, taskrecur: overdue reminders sent to me (a task still open after its due time),
    shown on Home while the task is open; the schedule a recurring task came from; the
    department an equipment repair was sent to."""
    db["task_reminders"].create({"id": str, "task_id": str, "user_id": str, "store_id": str, "title": str,
                                 "due_at": str, "reminded_at": str, "kind": str}, pk="id")
    db["task_reminders"].create_index(["user_id"])
    db["tasks"].add_column("schedule_id", str)
    db["tasks"].add_column("department_id", str)
def _m021_inspections(db: Database) -> None:
    """Issue 12, insprun: inspections on the phone. ``inspection_templates``: the current version
    of each template this person may inspect with, as pulled (``sections`` JSON). ``inspection_drafts``:
    an inspection in progress, never pulled or pushed (kept apart from pulled tables, so a fresh
    pull never drops one): its own copy of the template version it started with (``template``
    JSON) and its ``answers`` (JSON, saved at each change). ``inspections``: finished ones, queued
    here (``sync_state``) or as the server scored them (pulled)."""
    db["inspection_templates"].create({"id": str, "name": str, "area": str, "version": int, "pass_mark": float,
                                       "sections": str, "written_by": str, "written_at": str}, pk="id")
    db["inspection_drafts"].create({"id": str, "template_id": str, "template_version": int, "template": str,
                                    "store_id": str, "inspector_id": str, "started_at": str, "updated_at": str,
                                    "answers": str}, pk="id")
    db["inspections"].create({"id": str, "template_id": str, "template_version": int, "store_id": str,
                              "inspector_id": str, "finished_at": str, "received_at": str, "geofence": str,
                              "distance_m": float, "score": float, "section_scores": str, "passed": int,
                              "critical_failed": str, "findings": str, "answers": str, "template_name": str,
                              "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_inspections_store ON inspections(store_id, finished_at)")


def _m022_training(db: Database) -> None:
    """Issue 13, trainstaff: training on the phone, as pulled (never a session secret, never a
    quiz key): the course catalogue; the sessions of my stores with their window, place and
    sign-out rule; sign-ins (mine, shown "confirming" while ``outcome`` is ``pending``; a
    manager's phone gets its stores'); my quiz views (fetched online, the public view only); my
    answers and their graded results; completions with their expiry. Skills are not stored: they
    follow from completions at the time asked (``completions.skills_at``), so none goes stale."""
    db["training_courses"].create({"id": str, "title": str, "skill": str, "validity_months": int,
                                   "sign_out_required": int, "quiz_id": str}, pk="id")
    db["training_sessions"].create({
        "id": str, "course_id": str, "trainer_id": str, "store_id": str, "room": str, "latitude": float,
        "longitude": float, "radius_m": float, "starts_at": str, "ends_at": str, "sign_in_opens": str,
        "sign_in_closes": str, "on_time_until": str, "sign_out_opens": str, "sign_out_closes": str, "capacity": int,
        "invite_only": int, "invited_user_ids": str, "invited_roles": str, "sign_out_required": int, "has_quiz": int,
        "status": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_training_sessions_store ON training_sessions(store_id, starts_at)")
    db["training_sign_ins"].create({
        "id": str, "session_id": str, "user_id": str, "signed_in_at": str, "device_time": str, "outcome": str,
        "geofence": str, "distance_m": float, "manual_reason": str, "added_by": str, "flags": str,
        "signed_out_at": str, "sync_state": str}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_training_sign_ins_user ON training_sign_ins(user_id, session_id)")
    db["training_quiz_views"].create({
        "id": str, "user_id": str, "session_id": str, "quiz_id": str, "version": int, "attempt": int, "title": str,
        "pass_mark": int, "attempts_allowed": int, "questions": str, "fetched_at": str}, pk="id")
    db["training_quiz_results"].create({
        "id": str, "session_id": str, "user_id": str, "quiz_id": str, "version": int, "attempt": int,
        "answers": str, "answered_at": str, "correct": int, "total": int, "percent": int, "passed": int,
        "right": str, "attempts_left": int, "graded_at": str, "sync_state": str}, pk="id")
    db["training_completions"].create({
        "id": str, "user_id": str, "course_id": str, "session_id": str, "completed_at": str, "expires_at": str,
        "via": str, "score": int}, pk="id")
    db.execute("CREATE INDEX IF NOT EXISTS ix_training_completions_user ON training_completions(user_id)")


def _m023_training_reminders(db: Database) -> None:
    """Issue 13, trainremind: expiry reminders as pulled (``training_reminder``: mine, and, on a
    manager's phone, those of the people of their stores): the fields only, worded when shown."""
    db["training_reminders"].create({"id": str, "user_id": str, "course_id": str, "course_title": str,
                                     "days_before": int, "expires_at": str, "sent_at": str}, pk="id")
    db["training_reminders"].create_index(["user_id", "course_id"])


def _m024_training_skills(db: Database) -> None:
    """Issue 13, trainskill: each colleague's skills from training and until when (JSON list of
    {skill, until}), for the shift pickers; never their completions."""
    db["training_skills"].create({"id": str, "user_id": str, "skills": str}, pk="id")


MIGRATIONS: list[tuple[int, Migration]] = [
    (1, _m001_initial),
    (2, _m002_outbox_outcomes),
    (3, _m003_punches),
    (4, _m004_undo_and_refusals),
    (5, _m005_team_approvals),
    (6, _m006_my_punches),
    (7, _m007_roster),
    (8, _m008_leave_requests),
    (9, _m009_trades),
    (10, _m010_availability),  # issue 10, availability
    (11, _m011_open_shifts),  # issue 10, openshifts
    (12, _m012_request_screens),  # issue 10, requests
    (13, _m013_shift_news),  # issue 10, shiftnews
    (14, _m014_broadcast_audiences),  # issue 11, broadcasts
    (15, _m015_broadcast_reminders),  # issue 11, bcfollow
    (16, _m016_broadcast_versions),  # issue 11, bcwrite
    (17, _m017_broadcast_attachments),  # issue 11, bcattach
    (18, _m018_broadcast_checks),  # issue 11, bccheck
    (19, _m019_task_board),  # issue 12, taskboard
    (20, _m020_task_reminders),  # issue 12, taskrecur
    (21, _m021_inspections),  # issue 12, insprun
    (22, _m022_training),  # issue 13, trainstaff
    (23, _m023_training_reminders),  # issue 13, trainremind
    (24, _m024_training_skills),  # issue 13, trainskill
]


def applied(db: Database) -> set[int]:
    """Numbers of the migrations this database already has."""
    if "_migrations" not in db.table_names():
        return set()
    return {row["id"] for row in db["_migrations"].rows}


def migrate(db: Database, upto: int | None = None) -> list[int]:
    """Apply pending migrations in order (each in its own transaction); return those applied."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"id": int, "name": str}, pk="id")
    done = applied(db)
    ran = []
    for number, step in MIGRATIONS:
        if number in done or (upto is not None and number > upto):
            continue
        with db.atomic():
            step(db)
            db["_migrations"].insert({"id": number, "name": step.__name__.lstrip("_")})
        ran.append(number)
    return ran
