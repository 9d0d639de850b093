"""The server dies in the middle of a pushed batch, at a chosen point, and is restarted.

The API runs with the test-only kill switch (backend_stub/fault_hooks.py): it SIGKILLs
itself just before a chosen statement of the push transaction, so the kill lands exactly
where it hurts (the batch's notes written, bookkeeping not; everything written, commit
not reached), not at a random time. After the restart the phone syncs again: every note lands
exactly once and nothing is lost.
"""

import signal

import pytest

from app.sync import SyncError
from backend_stub.fault_hooks import ENV_VAR
from tests.fault_world import Phone, assert_converged, seeded_server, server_note_ids

#: Where the server dies, in order; each restart arms the next one (one server start each).
#: A batch's notes are written by one multi-row insert (services/staged.py).
KILL_POINTS = [
    ("before the batch's notes were written", "INSERT INTO notes#1"),
    ("after every note, before the mutation records", "INSERT INTO mutations#1"),
    ("after the records, before the change feed", "INSERT INTO changes#1"),
    ("just before commit (the device's bookkeeping)", "UPDATE device_state#1"),
]


def _dies_while_syncing(phone: Phone, server, where: str, **engine_options) -> None:
    with pytest.raises(SyncError):
        phone.engine(max_attempts=1, **engine_options).sync_once()
    assert server.proc.wait(10) == -signal.SIGKILL, f"the server did not die {where}"


def _restart(server, point: str | None) -> None:
    server.env.pop(ENV_VAR, None)
    if point:
        server.env[ENV_VAR] = point
    server.start()


def test_server_killed_mid_batch_at_each_point_then_restarted(tmp_path, seeded_template):
    """Batches cut short by server kills at each point of the push are applied once, whole."""
    server = seeded_server(tmp_path / "server", seeded_template, env={ENV_VAR: KILL_POINTS[0][1]})
    phone = Phone(tmp_path / "phone.db", server)
    try:
        notes = []
        for n, (where, _) in enumerate(KILL_POINTS):
            notes += phone.add_notes(5, where)
            _dies_while_syncing(phone, server, where)
            assert not set(notes) & server_note_ids(server), \
                f"part of an uncommitted batch survived a kill {where}"
            _restart(server, KILL_POINTS[n + 1][1] if n + 1 < len(KILL_POINTS) else "INSERT INTO notes#2")
        # The last kill lands in the second of several batches: the first one stays committed.
        _dies_while_syncing(phone, server, "in the second batch", batch_size=3)
        assert [r["status"] for r in phone.outbox()] == ["done"] * 3 + ["pending"] * (len(notes) - 3)
        _restart(server, None)
        notes += phone.add_notes(1, "after the restart")
        phone.sync(batch_size=3)
        assert_converged(phone, notes)
    finally:
        phone.close()
        server.stop()
