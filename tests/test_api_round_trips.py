"""What a sync round costs the database: one pooled connection a request, few statements,
and no round trip to check a pooled connection (benchmarks/bench_load.py, docs/benchmarks.md)."""

import time
from uuid import uuid4

from sqlalchemy import event

from app.protocol import PullResponse
from tests import servers
from tests.test_api_push import bearer, mutation, note_add, push

DEVICE = "dev-trips-0001"


class _Tally:
    """Pool checkouts and SQL statements of ``engine`` while it is attached."""

    def __init__(self, engine) -> None:
        self.engine, self.checkouts, self.statements = engine, 0, []
        event.listen(engine, "checkout", self._checkout)
        event.listen(engine, "before_cursor_execute", self._statement)

    def _checkout(self, *_args) -> None:
        self.checkouts += 1

    def _statement(self, _conn, _cursor, statement, *_args) -> None:
        verb = statement.split(None, 1)[0].upper()
        if verb != "BEGIN":  # SQLite only (in-process); PostgreSQL begins implicitly
            self.statements.append(verb)

    def close(self) -> None:
        event.remove(self.engine, "checkout", self._checkout)
        event.remove(self.engine, "before_cursor_execute", self._statement)


def _round(api, first_seq: int, notes: int = 10) -> tuple:
    """Push ``notes`` notes, then pull a page, as a device's sync round does."""
    muts = [mutation(first_seq + i, "note.add", note_add(f"nt-{uuid4().hex}")) for i in range(notes)]
    pushed = push(api, "u-s01", muts, device_id=DEVICE)
    pulled = api.get("/v1/sync/pull", params={"limit": 100}, headers=bearer(api, "u-s01", DEVICE))
    return pushed, pulled


def test_a_push_and_a_pull_each_take_one_connection_and_a_handful_of_statements(api):
    """A push of 10 notes and a pull each check out one pooled connection (the caller is
    checked on the request's own transaction) and run at most 7 and 3 SQL statements
    (before: two connections a request, a pre-ping each on PostgreSQL, 10 and 7 statements);
    on PostgreSQL a pull also reads the feed's horizon first (one more: test_feed_order). The
    page counted holds the new notes only, as a phone's steady rounds do: a page that brings
    broadcasts also records them delivered (one more connection, its own write; issue 11), and
    the broadcasts due to be sent or to expire are looked for by each server process at most
    every few seconds, not on every pull."""
    bearer(api, "u-s01", DEVICE)  # the session exists before counting
    _, warm = _round(api, 1)  # statement caches warm
    cursor = warm.json()["cursor"]
    while warm.json()["has_more"]:  # the seed's broadcasts are delivered now, before counting
        warm = api.get("/v1/sync/pull", params={"limit": 100, "cursor": cursor}, headers=bearer(api, "u-s01", DEVICE))
        cursor = warm.json()["cursor"]
    push_tally = _Tally(api.engine)
    muts = [mutation(11 + i, "note.add", note_add(f"nt-{uuid4().hex}")) for i in range(10)]
    pushed = push(api, "u-s01", muts, device_id=DEVICE)
    push_tally.close()
    pull_tally = _Tally(api.engine)
    pulled = api.get("/v1/sync/pull", params={"limit": 100, "cursor": cursor}, headers=bearer(api, "u-s01", DEVICE))
    pull_tally.close()
    assert pushed.status_code == 200 and {r["status"] for r in pushed.json()["results"]} == {"applied"}
    assert pulled.status_code == 200 and pulled.json()["last_applied_seq"] == 20
    assert (push_tally.checkouts, pull_tally.checkouts) == (1, 1)
    feed_horizon = 1 if api.engine.dialect.name == "postgresql" else 0
    assert len(push_tally.statements) <= 7, push_tally.statements
    assert len(pull_tally.statements) <= 3 + feed_horizon, pull_tally.statements


def _cut_connections(api) -> None:
    """End every server process serving the API's database, as a PostgreSQL restart or an
    operator's pg_terminate_backend would (SQLite has no server: nothing to cut)."""
    if servers.current_backend() != "postgresql":
        return
    import psycopg

    name = api.engine.url.database
    with psycopg.connect(servers.pg_cluster().admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
        for _ in range(100):  # until the ended processes are gone (and their sockets closed)
            if not admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                 [name]).fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the server processes did not end")


def test_requests_right_after_the_database_cut_every_pooled_connection_succeed(api):
    """Pooled connections are not pinged before use: when the database server ends them
    (a restart, a failover, an operator), the very next push and pull are still answered
    (the pool notices the hang-up without a round trip and opens new connections)."""
    first = _round(api, 1)
    _cut_connections(api)
    second = _round(api, 11)
    assert [r.status_code for r in (*first, *second)] == [200] * 4
    assert {r["status"] for r in second[0].json()["results"]} == {"applied"}
    assert second[1].json()["last_applied_seq"] == 20


def test_a_pull_answer_is_the_pull_model_with_each_change_as_stored(api):
    """A pull's answer (written straight from the stored changes, not through the model) is
    valid PullResponse JSON, and a note with quotes, backslashes, new lines and Chinese
    comes back exactly as it was written."""
    body = '他說 "好" \\ 明天\n再來'
    note = note_add(f"nt-{uuid4().hex}", body=body)
    assert push(api, "u-s01", [mutation(1, "note.add", note)], device_id=DEVICE).status_code == 200
    resp = api.get("/v1/sync/pull", params={"limit": 1000}, headers=bearer(api, "u-s01", DEVICE))
    page = PullResponse.model_validate_json(resp.content)
    mine = [c for c in page.changes if c.id == note["note_id"]]
    assert resp.headers["content-type"] == "application/json"
    assert [(c.entity, c.op, c.data["body"]) for c in mine] == [("note", "upsert", body)]
    assert page.last_applied_seq == 1 and page.has_more is False
    again = api.get("/v1/sync/pull", params={"cursor": page.cursor}, headers=bearer(api, "u-s01", DEVICE))
    assert again.status_code == 200 and PullResponse.model_validate_json(again.content).changes == []
