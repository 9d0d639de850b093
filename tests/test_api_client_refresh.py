"""Requests refused together for an expired access token refresh it once: the phone stays
signed in (two refreshes of the one refresh token looked like a stolen copy to the server)."""

import threading

from app.sync import SyncEngine
from tests.conftest import login


def test_requests_refused_together_refresh_once_and_stay_signed_in(server, device):
    """Six requests at once with a refused access token: all answered, the refresh token was
    swapped once, and the phone can still refresh and sync afterwards."""
    api = login(server.url, device, "S3001", "1111")
    swaps = []
    api._on_tokens = swaps.append
    api.access_token = "expired.or.forged"
    start, answers, errors = threading.Barrier(6), [], []

    def ask() -> None:
        start.wait()
        try:
            answers.append(api.calendar_feed())
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(answers) == 6
    assert len(swaps) == 1
    api.refresh()
    SyncEngine(device, api).sync_once()
