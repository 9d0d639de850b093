"""Undoing an action's local effect when the server refuses it or the user discards it.

Every action changes one local record, named by its outbox row's ``entity_ref``
(``"note:nt-1"``). When the first unsettled action on a record is queued, the record as
it was (or its absence) is kept in ``ref_base``, in the action's own transaction. A pull
that brings the server's copy of that record while actions on it still wait replaces the
kept copy (the server's copy is the truth; the local row keeps the user's change for now).

When the record's last unsettled action settles:

* one of them was refused (by the server, by the device, or discarded): the kept copy
  comes back, so the device shows what the server holds;
* all were applied: the local row stays, marked synced; the server's copy of the result
  arrives with the next pull.
"""

import json

from sqlite_utils import Database

#: Server entity -> local table (also what a pulled change updates).
TABLES = {
    "store": "stores",
    "user": "users",
    "shift": "shifts",
    "broadcast": "broadcasts",
    "broadcast_read": "broadcast_reads",
    "note": "notes",
    "task": "tasks",
    "punch": "punches",
    "punch_correction": "punch_corrections",
    "timesheet_query": "timesheet_queries",
    "request": "requests",
    "request_chain": "request_chains",
    "leave_entitlement": "leave_entitlements",  # issue 10, requests
    "delegation": "delegations",  # issue 10, requests
    "trade": "trades",
    # issue 10, availability
    "availability": "availability",
    "unavailability": "unavailability",
    "chain_setting": "chain_settings",
    # issue 10, openshifts
    "open_shift": "open_shifts",
    "open_shift_claim": "open_shift_claims",
    "broadcast_ack": "broadcast_acks",  # issue 11, broadcasts
    "broadcast_reminder": "broadcast_reminders",  # issue 11, bcfollow
    "task_reminder": "task_reminders",  # issue 12, taskrecur: overdue reminders
    "inspection_template": "inspection_templates",  # issue 12, insprun
    "inspection": "inspections",  # issue 12, insprun
    # issue 13, trainstaff: training as pulled (no secret, no key), sign-ins and quiz results also as done here
    "training_course": "training_courses",
    "training_session": "training_sessions",
    "training_sign_in": "training_sign_ins",
    "training_quiz_result": "training_quiz_results",
    "training_completion": "training_completions",
    "training_reminder": "training_reminders",  # issue 13, trainremind: expiry reminders
    "training_skills": "training_skills",  # issue 13, trainskill: colleagues' skills, not their completions
}

#: Issue 10, roster: actions on a set of records (copy a week, publish a week) name a group
#: (``"roster:st-cwb:2026-11-30"``); its kept copy holds each member as it was.
GROUPS = {"roster": "shift"}


def _target(entity_ref: str | None) -> tuple[str, str] | None:
    kind, _, key = (entity_ref or "").partition(":")
    table = TABLES.get(kind)
    return (table, key) if table and key else None


def remember(db: Database, entity_ref: str | None) -> None:
    """Keep the record as it is now, unless an earlier unsettled action already did.

    Call inside the action's transaction, before its write.
    """
    target = _target(entity_ref)
    if target is None or db.execute("SELECT 1 FROM ref_base WHERE entity_ref=?", [entity_ref]).fetchone():
        return
    table, key = target
    found = list(db.query(f"SELECT * FROM {table} WHERE id=?", [key]))
    db.execute("INSERT INTO ref_base (entity_ref, row, refused) VALUES (?,?,0)",
               [entity_ref, json.dumps(found[0], ensure_ascii=False) if found else None])


def remember_group(db: Database, group_ref: str, ids: list[str]) -> None:
    """Keep each record of a group action as it is now (unless already kept for the group).

    Call inside the action's transaction, before its write.
    """
    entity = GROUPS[group_ref.partition(":")[0]]
    found = db.execute("SELECT row FROM ref_base WHERE entity_ref=?", [group_ref]).fetchone()
    members = json.loads(found[0]) if found else {}
    for key in ids:
        if key not in members:
            rows = list(db.query(f"SELECT * FROM {TABLES[entity]} WHERE id=?", [key]))
            members[key] = rows[0] if rows else None
    db.execute("INSERT INTO ref_base (entity_ref, row, refused) VALUES (?,?,0) ON CONFLICT(entity_ref)"
               " DO UPDATE SET row=excluded.row", [group_ref, json.dumps(members, ensure_ascii=False)])


def _groups(db: Database) -> list[tuple[str, str, dict]]:
    """Kept group copies: (group ref, entity, members)."""
    marks = " OR ".join("entity_ref LIKE ?" for _ in GROUPS)
    rows = db.execute(f"SELECT entity_ref, row FROM ref_base WHERE {marks}", [f"{g}:%" for g in GROUPS])
    return [(ref, GROUPS[ref.partition(":")[0]], json.loads(row or "{}")) for ref, row in rows]


def hold_server_copy(db: Database, entity_ref: str, row: dict | None) -> None:
    """A pull brought the server's copy (``None``: deleted) of a record with waiting actions."""
    db.execute("UPDATE ref_base SET row=? WHERE entity_ref=?",
               [None if row is None else json.dumps(row, ensure_ascii=False), entity_ref])
    entity, _, key = entity_ref.partition(":")
    for group_ref, member_entity, members in _groups(db):
        if member_entity == entity and key in members:
            members[key] = row
            db.execute("UPDATE ref_base SET row=? WHERE entity_ref=?",
                       [json.dumps(members, ensure_ascii=False), group_ref])


def waiting_refs(db: Database) -> set[str]:
    """Records with local changes the server has not answered yet (a group's members too)."""
    refs = {r[0] for r in db.execute(
        "SELECT DISTINCT entity_ref FROM outbox WHERE status='pending' AND entity_ref IS NOT NULL")}
    for group_ref, entity, members in _groups(db):
        if group_ref in refs:
            refs |= {f"{entity}:{key}" for key in members}
    return refs


def settle(db: Database, entity_ref: str | None, refused: bool) -> None:
    """One action on ``entity_ref`` got its answer; put the record right once none waits."""
    if (entity_ref or "").partition(":")[0] in GROUPS:
        _settle_group(db, entity_ref, refused)
        return
    target = _target(entity_ref)
    if target is None:
        return
    table, key = target
    if refused:
        db.execute("UPDATE ref_base SET refused=1 WHERE entity_ref=?", [entity_ref])
    if db.execute("SELECT 1 FROM outbox WHERE entity_ref=? AND status='pending'", [entity_ref]).fetchone():
        return  # the record's later actions still wait: settle when the last one does
    base = db.execute("SELECT row, refused FROM ref_base WHERE entity_ref=?", [entity_ref]).fetchone()
    db.execute("DELETE FROM ref_base WHERE entity_ref=?", [entity_ref])
    has_state = "sync_state" in db[table].columns_dict
    if base is not None and base[1]:
        _restore(db, table, key, base[0])
    elif base is None and refused and has_state:
        # Queued by an app version that kept no copy: at least show it was refused.
        db.execute(f"UPDATE {table} SET sync_state='rejected' WHERE id=?", [key])
    elif has_state:
        db.execute(f"UPDATE {table} SET sync_state='synced' WHERE id=?", [key])


def _restore(db: Database, table: str, key: str, row_json: str | None) -> None:
    db.execute(f"DELETE FROM {table} WHERE id=?", [key])
    if row_json is not None:
        row = json.loads(row_json)
        columns = db[table].columns_dict
        db[table].insert({k: v for k, v in row.items() if k in columns}, pk="id")


def _settle_group(db: Database, group_ref: str, refused: bool) -> None:
    """Like ``settle``, for every member of a group action at once."""
    if refused:
        db.execute("UPDATE ref_base SET refused=1 WHERE entity_ref=?", [group_ref])
    if db.execute("SELECT 1 FROM outbox WHERE entity_ref=? AND status='pending'", [group_ref]).fetchone():
        return
    base = db.execute("SELECT row, refused FROM ref_base WHERE entity_ref=?", [group_ref]).fetchone()
    db.execute("DELETE FROM ref_base WHERE entity_ref=?", [group_ref])
    if base is None:
        return
    table = TABLES[GROUPS[group_ref.partition(":")[0]]]
    for key, row in json.loads(base[0] or "{}").items():
        if base[1]:
            _restore(db, table, key, None if row is None else json.dumps(row, ensure_ascii=False))
        else:
            db.execute(f"UPDATE {table} SET sync_state='synced' WHERE id=?", [key])
