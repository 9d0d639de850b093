"""A phone's sync as its own process, so a fault test can SIGKILL it at a chosen point.

``python -m tests.fault_device DEVICE_DB API_URL MODE MARKER [BATCH_SIZE]``

MODE ``sync`` syncs until nothing waits and exits 0. The freezing modes stop at a point
and touch MARKER, then hang until the test kills the process:

- ``answered:N``: the server has answered the N-th push (so it committed it), and the
  phone has not recorded the answer yet;
- ``recording:N``: the phone is inside the transaction that records the N-th answer,
  before its commit.
"""

import sys
import time
from pathlib import Path

from app.store import DeviceStore
from app.store import outbox
from app.sync import ApiClient, SyncEngine


def _freeze(marker: Path) -> None:
    marker.write_text("frozen")
    time.sleep(3600)  # the test SIGKILLs us here


def _freeze_after(count: int, marker: Path, call):
    """Wrap ``call`` so that its ``count``-th return freezes the process."""
    calls = [0]

    def wrapped(*args, **kw):
        result = call(*args, **kw)
        calls[0] += 1
        if calls[0] == count:
            _freeze(marker)
        return result
    return wrapped


def main(db_path: str, api_url: str, mode: str, marker: str, batch_size: str = "200") -> None:
    store = DeviceStore(Path(db_path))
    api = ApiClient(api_url, store.device_id, timeout=10,
                    on_tokens=lambda t: store.save_session(t.user.model_dump(mode="json"), t.refresh_token))
    api.refresh_token = store.load_session()[1]
    point, _, nth = mode.partition(":")
    if point == "answered":
        api.push = _freeze_after(int(nth), Path(marker), api.push)
    elif point == "recording":
        outbox.record_results = _freeze_after(int(nth), Path(marker), outbox.record_results)
    engine = SyncEngine(store, api, batch_size=int(batch_size), sleep=lambda s: None)
    for _ in range(3):
        if engine.sync_once().waiting == 0:
            return
    sys.exit("could not finish syncing")


if __name__ == "__main__":
    main(*sys.argv[1:])
