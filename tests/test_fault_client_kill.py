"""The phone's app is killed (SIGKILL, no clean close) between sending and recording the answer.

The phone's sync runs in its own process (tests/fault_device.py) against a real API. It
freezes at a chosen point after the server committed a batch (the answer received but not
recorded; or the recording transaction open but not committed) and the test SIGKILLs it.
The app then starts again on the same device database and syncs: the server tells it the
batch is a duplicate, nothing is applied twice, nothing is lost.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fault_world import Phone, assert_converged, seeded_server, server_note_ids
from tests.servers import REPO


def _device_process(db: Path, server, mode: str, marker: Path, batch_size: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.fault_device", str(db), server.url, mode,
                             str(marker), str(batch_size)], cwd=REPO, env={**server.env})


def _kill_when_frozen(proc: subprocess.Popen, marker: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists():
        assert proc.poll() is None, "the phone's process ended before reaching the kill point"
        assert time.monotonic() < deadline, "the phone's process never reached the kill point"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(10) == -signal.SIGKILL


@pytest.fixture(scope="module")
def server(tmp_path_factory, seeded_template):
    srv = seeded_server(tmp_path_factory.mktemp("api"), seeded_template)
    yield srv
    srv.stop()


@pytest.mark.parametrize("mode", ["answered:1", "recording:1", "answered:2", "recording:2"])
def test_phone_killed_between_server_commit_and_recording_the_answer(tmp_path, server, mode):
    """After a SIGKILL at that point and a restart, each note is on the server exactly once."""
    phone = Phone(tmp_path / "phone.db", server)
    notes = phone.add_notes(7, f"killed at {mode}")
    phone.close()  # the app is not running; its process starts below
    batch, nth = 3, int(mode.partition(":")[2])
    _kill_when_frozen(_device_process(phone.path, server, mode, tmp_path / "frozen", batch), tmp_path / "frozen")

    phone = Phone(tmp_path / "phone.db", server)
    committed = notes[:batch * nth]
    assert set(committed) <= server_note_ids(server)
    statuses = [r["status"] for r in phone.outbox()]
    assert statuses == ["done"] * batch * (nth - 1) + ["pending"] * (7 - batch * (nth - 1)), \
        "the killed process's last answer must not have been recorded"
    phone.close()

    restarted = _device_process(tmp_path / "phone.db", server, "sync", tmp_path / "unused", batch)
    assert restarted.wait(60) == 0
    phone = Phone(tmp_path / "phone.db", server)
    try:
        assert_converged(phone, notes)
    finally:
        phone.close()
