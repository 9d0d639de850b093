"""Issue 13, traintrainer: the trainer's screens, built from real devices on a real API: Me lists
Sessions I train; the list takes the sessions' secrets; the code screen shows the server's code large,
its QR code (which reads back as the session and code) and the countdown, and updates them in place;
the attendance list and Add by hand work online and say so offline, changing nothing; a colleague's
phone has no code for the session. Scanning: the scan screen shows the code read from the camera's
picture, says so when none is found, and offers no scan button in the browser web app. Every
pressable control has a spoken name."""

import asyncio
from datetime import UTC, datetime, timedelta

import flet as ft

from app.domain.training import codes
from app.media import qr
from app.store import training_secrets
from app.sync import ApiClient
from app.ui import training_scan as scanning
from app.ui.screens import me, trainer_roll, trainer_run, trainer_sessions, training_scan
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)
from tests.test_trainer_device import _secret_on_server, sessions  # noqa: F401  (the fixture)


def _offline(ctx) -> None:
    """The phone loses the network: the same tokens, no server answering."""
    dead = ApiClient("http://127.0.0.1:9", ctx.store.device_id, timeout=1)
    dead.access_token, dead.refresh_token = ctx.api.access_token, ctx.api.refresh_token
    ctx.api = dead


def _opened(ctx, session_id: str):
    ctx.page.route = trainer_run.route_of(session_id)
    return trainer_run.view(ctx, ctx.page.route, session_id)


def test_me_and_the_list_lead_to_the_sessions_code(server, sessions, device):
    """Me offers Sessions I train; the list (after asking the server) shows both sessions by course
    title; offline it still lists them and says it is offline."""
    siti = device("S3002", "2222")
    assert _texts(me.view(siti, None)).count(siti._("Sessions I train")) == 1
    state = trainer_sessions.list_of(siti)
    asyncio.run(trainer_sessions.load(siti, state))
    shown = trainer_sessions.view(siti)
    assert nameless(shown) == []
    assert _texts(shown).count("Food hygiene") == 2 and not state.offline
    _offline(siti)
    asyncio.run(trainer_sessions.load(siti, state))
    shown = trainer_sessions.view(siti)
    assert state.offline and _texts(shown).count("Food hygiene") == 2
    assert any(siti._("You are offline.") in text for text in _texts(shown))


def test_the_code_screen_shows_the_servers_code_its_qr_and_the_countdown(server, sessions, device):
    """The code (spaced 3+3) is the one the server accepts now, the QR picture reads back as the
    session and code, the countdown says the seconds left; a new step updates them in place."""
    siti = device("S3002", "2222")
    asyncio.run(trainer_sessions.load(siti, trainer_sessions.list_of(siti)))
    view = _opened(siti, "ts-dev-a")
    assert nameless(view) == []
    state = trainer_run.state_of(siti, "ts-dev-a")
    code = state.controls["code"].value.replace(" ", "")
    assert codes.verify_code(_secret_on_server(server, "ts-dev-a"), code, datetime.now(UTC)).accepted
    assert qr.read_training_code(state.controls["qr"].src) == codes.QrPayload("ts-dev-a", code)
    assert "second" in state.controls["countdown"].value and 0 < state.controls["bar"].value <= 1
    state.step, state.controls["code"].value = None, "------"  # as if the step changed since drawn
    assert trainer_run.show_code(siti, state) and state.controls["code"].value.replace(" ", "").isdigit()
    assert state.ticking  # the ticker was started (run_task is a stand-in here)


def test_attendance_and_add_by_hand_online_then_offline(server, sessions, device):
    """Online: the empty roll says nobody yet; a reason that is too short is refused with the server's
    reason; Chan added by hand with a reason shows as added by hand. Offline: the roll keeps the
    last list with when it was updated, and adding says it needs a connection and adds nobody."""
    siti = device("S3002", "2222")
    asyncio.run(trainer_sessions.load(siti, trainer_sessions.list_of(siti)))
    _opened(siti, "ts-dev-a")
    state = trainer_run.state_of(siti, "ts-dev-a")
    asyncio.run(trainer_roll.fetch(siti, state))
    assert siti._("Nobody has signed in yet.") in _texts(state.column)
    notices = []
    siti.notify = lambda message, error=False: notices.append((message, error))
    state.form.person, state.form.reason = "u-s01", "x"
    asyncio.run(trainer_roll.add(siti, state))
    assert notices[-1] == (siti.reason_text("training_manual_reason_required"), True)
    state.form.reason = "Phone battery dead"
    asyncio.run(trainer_roll.add(siti, state))
    assert notices[-1] == (siti._("Added to the list."), False)
    assert any("Chan Tai Man" in text for text in _texts(state.column))
    assert any(siti._("Added by hand") + ": Phone battery dead" in text for text in _texts(state.column))

    _offline(siti)
    asyncio.run(trainer_roll.fetch(siti, state))
    assert state.offline and any("Chan Tai Man" in text for text in _texts(state.column))
    assert any(text.startswith(siti._("Offline. Last updated {time}.", time="")[:8]) for text in _texts(state.column))
    view = _opened(siti, "ts-dev-a")
    assert nameless(view) == []
    assert siti._("Adding someone by hand needs a connection. You are offline.") in _texts(view)
    state.form.person, state.form.reason = "u-s08", "Came late, phone lost"
    asyncio.run(trainer_roll.add(siti, state))
    assert notices[-1][1] and "offline" in notices[-1][0].lower()


def test_a_colleagues_phone_has_no_code_for_the_session(server, sessions, device):
    """Chan (staff, not the trainer) has no session in his list and the code screen says the phone
    has no code for it."""
    chan = device("S3001", "1111")
    state = trainer_sessions.list_of(chan)
    asyncio.run(trainer_sessions.load(chan, state))
    assert state.sessions == [] and chan._("You train no session that is coming up.") in _texts(
        trainer_sessions.view(chan))
    view = _opened(chan, "ts-dev-a")
    assert any("no code for this session" in text for text in _texts(view))


def test_scanning_shows_the_code_read_and_says_when_none_is_found(server, device, monkeypatch):
    """With a picture of the trainer's QR code the scan screen shows its session and code; with a
    blank picture it says no training QR code was found; in the browser there is no scan button."""
    chan = device("S3001", "1111")
    notices = []
    chan.notify = lambda message, error=False: notices.append((message, error))
    pictures = [qr.png(codes.qr_text("ts-dev-a", "004211")), qr.png("https://example.com")]

    async def camera(ctx):
        return pictures.pop(0)

    monkeypatch.setattr(scanning, "camera_scan", camera)
    view = training_scan.view(chan)
    assert nameless(view) == []
    assert asyncio.run(scanning.scan_training_code(chan)) == ("ts-dev-a", "004211")
    assert asyncio.run(scanning.scan_training_code(chan)) is None
    assert notices[-1] == (chan._("No training QR code was found in the picture. Try again, or type the code."),
                           True)
    state = training_scan.scanned_of(chan)
    state.session_id, state.code = "ts-dev-a", "004211"
    assert "004 211" in _texts(training_scan.view(chan))
    monkeypatch.setattr(scanning, "in_browser", lambda: True)
    in_browser = training_scan.view(chan)
    assert scanning.scan_button(chan, lambda s, c: None) is None
    assert not any(isinstance(c, ft.FilledButton) for c in walk(in_browser))
    assert not any(chan._("Scan a training QR code") in _texts(tile) for tile in me.view(chan, None).controls)



def test_the_ticker_deletes_the_secret_once_the_sessions_codes_are_over(server, sessions, device):
    """With the phone's clock past the session's last code, the code screen's ticker stops, the secret
    is deleted from the phone and the screen says it has no code for the session."""
    siti = device("S3002", "2222")
    asyncio.run(trainer_sessions.load(siti, trainer_sessions.list_of(siti)))
    _opened(siti, "ts-dev-a")
    state = trainer_run.state_of(siti, "ts-dev-a")
    over = training_secrets.kept_one(siti.store, "u-s02", "ts-dev-a", datetime.now(UTC)).codes_until
    siti.store.clock.now = lambda: over + timedelta(seconds=1)
    asyncio.run(trainer_run.tick(siti, state, trainer_run.route_of("ts-dev-a")))
    assert not state.ticking and siti.store.get_meta("training_secret:ts-dev-a") is None
    assert any("no code for this session" in text for text in _texts(_opened(siti, "ts-dev-a")))
