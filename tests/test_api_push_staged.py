"""Notes of a push written together in one insert keep every per-action outcome of one-by-one."""

from sqlalchemy import select, text

from backend_stub import db
from tests.test_api_push import mutation, note_add, pull_all, push

_FAIL_ON_BODY = {
    "sqlite": ["CREATE TRIGGER refuse_boom BEFORE INSERT ON notes WHEN NEW.body = 'boom' "
               "BEGIN SELECT RAISE(ABORT, 'boom refused'); END"],
    "postgresql": [
        "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.body = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$",
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION refuse_boom()"],
}


def _note_ids(api) -> set[str]:
    with api.engine.connect() as conn:
        return set(conn.execute(select(db.notes.c.id)).scalars())


def _pulled_note_ids(api) -> list[str]:
    return [c["id"] for c in pull_all(api, "u-s01") if c["entity"] == "note"]


def test_existing_and_repeated_note_ids_in_a_big_batch_are_conflicts_and_leave_no_change(api):
    """Among 60 notes pushed at once, one reusing a stored id and one repeating an id of the
    same batch are refused as conflicts; the other 58 apply, and only they reach the feed."""
    push(api, "u-s01", [mutation(1, "note.add", note_add("nt-old"))])
    ids = [f"nt-{n:03d}" for n in range(60)]
    ids[20], ids[40] = "nt-old", "nt-005"
    res = push(api, "u-s01", [mutation(2 + n, "note.add", note_add(i, body=f"note {n}"))
                              for n, i in enumerate(ids)]).json()["results"]
    refused = {n: r["reason"] for n, r in enumerate(res) if r["status"] != "applied"}
    assert refused == {20: "conflict", 40: "conflict"}
    assert _note_ids(api) == set(ids)
    assert sorted(_pulled_note_ids(api)) == sorted(set(ids))  # one change per applied note
    again = push(api, "u-s01", [mutation(2 + n, "note.add", note_add(i), key=r["idempotency_key"])
                                for n, (i, r) in enumerate(zip(ids, res))]).json()["results"]
    assert [r["original_status"] for r in again] == [r["status"] for r in res]


def test_a_note_added_then_deleted_in_the_same_batch_is_gone(api):
    """A note added and deleted further on in the same push is deleted (the delete sees it)."""
    res = push(api, "u-s01", [mutation(1, "note.add", note_add("nt-brief")),
                              mutation(2, "note.add", note_add("nt-keep")),
                              mutation(3, "note.delete", {"note_id": "nt-brief"})]).json()["results"]
    assert [r["status"] for r in res] == ["applied"] * 3
    assert _note_ids(api) == {"nt-keep"}


def test_a_note_the_database_refuses_is_rejected_alone(api):
    """A note whose insert the database refuses (a trigger here) is that action's rejection;
    the 20 notes around it apply, and nothing of the refused one is stored or pulled."""
    with api.engine.begin() as conn:
        for ddl in _FAIL_ON_BODY[conn.dialect.name]:
            conn.execute(text(ddl))
    bodies = [f"note {n}" for n in range(21)]
    bodies[10] = "boom"
    res = push(api, "u-s01", [mutation(1 + n, "note.add", note_add(f"nt-{n}", body=b))
                              for n, b in enumerate(bodies)]).json()["results"]
    assert [n for n, r in enumerate(res) if r["status"] != "applied"] == [10]
    assert res[10]["status"] == "rejected"
    expected = {f"nt-{n}" for n in range(21) if n != 10}
    assert _note_ids(api) == expected
    assert set(_pulled_note_ids(api)) == expected
