"""Issue 13, trainstaff: the staff training screens, built from real synced devices (real uvicorn
API). Me leads to Training, which lists the sessions Chan may attend; a session's screen takes
the typed code ("Signed in, confirming" at once, then the time after sync, a late one marked),
says a refusal under the field with its rule (on the phone) or after sync (the server's), asks
for the sign-out when the course does; the quiz shows the server's view in its order, waits for
the result, then passed or not with the score and the attempts left; My training lists the
certificates with their expiry and the skills. Every pressable control has a spoken name."""

import asyncio

import flet as ft
import pytest

from app.store import training_queries as q
from app.sync import SyncEngine
from app.ui import training_views as tv
from app.ui.screens import me, my_training, rejected, training, training_quiz
from tests.test_accessible_names import nameless, walk
from tests.test_trades_screens import _button, _texts, device  # noqa: F401  (the fixture)
from tests.training_world import QUIZ, TrainingPhone, at_store, code_now, new_session, right_answers, write_courses


@pytest.fixture
def office(server, tmp_path):
    """HQ's and the Causeway Bay manager's phones (courses and sessions through the API)."""
    hq, manager = TrainingPhone(server, tmp_path, "A0001", "9000"), TrainingPhone(server, tmp_path, "M2001", "7100")
    write_courses(hq)
    yield manager
    hq.close()
    manager.close()


@pytest.fixture(autouse=True)
def fix_at_store(monkeypatch):
    async def fix(ctx):
        return at_store()

    monkeypatch.setattr(training, "location_fix", fix)


def _sync(ctx) -> None:
    SyncEngine(ctx.store, ctx.api).sync_once()


def _type_and_send(ctx, view, code: str, kind: str = "sign_in") -> None:
    box = next(c for c in walk(view) if isinstance(c, ft.TextField) and c.label == ctx._("Session code"))
    box.value = code
    box.on_change(type("E", (), {"control": box})())
    asyncio.run(training._send(ctx, view.route.rsplit("/", 1)[1], kind))


def test_staff_sign_in_on_screen_confirming_then_signed_in(server, device, office):
    """Me -> Training lists the session; a malformed code is refused under the field (nothing
    queued); the right code shows "Signed in, confirming", after sync "Signed in at ..."; a late
    session's sign-in is marked late; the course asks for a sign-out, so its part shows."""
    sid, late = "ts-screen-1", "ts-screen-late"
    new_session(office, sid)
    new_session(office, late, course_id="closing", starts_in_min=-10, length_min=20)
    chan = device("S3001", "1111")
    assert chan._("Training") in _texts(me.view(chan, None))
    listing = training.view(chan)
    assert nameless(listing) == [] and "Till basics" in _texts(listing)
    route = f"{training.ROUTE}/{sid}"
    view = training.detail_view(chan, route, sid)
    assert nameless(view) == [] and _button(view, chan._("Sign in"))

    _type_and_send(chan, view, "12 34")
    view = training.detail_view(chan, route, sid)
    assert chan.reason_text("training_code_malformed") in _texts(view)
    _type_and_send(chan, view, code_now(office, sid))
    view = training.detail_view(chan, route, sid)
    assert chan._("Signed in, confirming") in _texts(view) and chan.reason_text("training_code_malformed") not in _texts(view)
    _sync(chan)
    view = training.detail_view(chan, route, sid)
    assert any(line.startswith(chan._("Signed in at {time}", time="")[:5]) for line in _texts(view))

    late_route = f"{training.ROUTE}/{late}"
    _type_and_send(chan, training.detail_view(chan, late_route, late), code_now(office, late))
    _sync(chan)
    view = training.detail_view(chan, late_route, late)
    suffix = chan._("Signed in at {time} (late)", time="|").split("|")[1]
    assert any(line.endswith(suffix) for line in _texts(view))
    assert chan._("Sign out") in _texts(view) and nameless(view) == []
    assert any(line.endswith(suffix) for line in _texts(training.view(chan)))


def test_a_refusal_by_the_server_shows_its_rule_and_the_field_again(server, device, office):
    """A wrong code passes the phone; after sync the session says "Refused: " with the server's
    reason (not the session's code) and offers the field again."""
    sid = "ts-screen-wrong"
    new_session(office, sid)
    chan = device("S3001", "1111")
    route = f"{training.ROUTE}/{sid}"
    right = code_now(office, sid)
    _type_and_send(chan, training.detail_view(chan, route, sid), "000000" if right != "000000" else "111111")
    assert chan._("Signed in, confirming") in _texts(training.detail_view(chan, route, sid))
    _sync(chan)
    view = training.detail_view(chan, route, sid)
    refused = chan._("Refused: {reason}", reason=chan.reason_text("training_code_wrong"))
    assert refused in _texts(view) and _button(view, chan._("Sign in"))


def test_the_quiz_on_screen_waits_for_the_result_then_passes(server, device, office):
    """Signed in, the session offers the quiz; its screen shows the questions in the view's order
    with True/False in the reader's language; Send shows "Waiting for the result"; after sync
    "Passed: 100%"; My training then lists the certificate with its expiry and the skill."""
    sid = "ts-screen-quiz"
    new_session(office, sid, course_id="stock")
    chan = device("S3001", "1111")
    route = f"{training.ROUTE}/{sid}"
    _type_and_send(chan, training.detail_view(chan, route, sid), code_now(office, sid))
    _sync(chan)
    assert _button(training.detail_view(chan, route, sid), chan._("Open the quiz"))
    asyncio.run(tv.refresh_quiz(chan, sid, QUIZ["id"]))
    quiz_route = route + training_quiz.SUFFIX
    view = training_quiz.view(chan, quiz_route, sid)
    assert nameless(view) == []
    groups = [c for c in walk(view) if isinstance(c, ft.RadioGroup)]
    labels = [[r.label for r in walk(g) if isinstance(r, ft.Radio)] for g in groups]
    with chan.store.reading() as db:
        shown = q.next_view(db, chan.user["id"], sid, QUIZ["id"])
    assert labels == [[c.text for c in qn.choices] if qn.kind == "single_choice" else [chan._("True"), chan._("False")]
                      for qn in shown.questions]
    answers = right_answers(shown)
    for group, question in zip(groups, shown.questions):
        group.value = answers[question.id]
        group.on_change(type("E", (), {"control": group})())
    _button(view, chan._("Send answers")).on_click(None)
    assert chan._("Waiting for the result") in _texts(training_quiz.view(chan, quiz_route, sid))
    _sync(chan)
    view = training_quiz.view(chan, quiz_route, sid)
    assert chan._("Passed: {score}%", score="100") in _texts(view)

    mine = my_training.view(chan)
    texts = _texts(mine)
    assert nameless(mine) == [] and "Stock room safety" in texts and "stock_room" in " ".join(texts)
    assert any(chan.tr.ngettext("expires in {count} day", "expires in {count} days", 365).split(" ")[0] in line
               and chan._("Valid until {date}", date="").strip() in line for line in texts)


def test_a_refused_sign_in_is_listed_among_rejected_actions_without_its_code(server, device, office):
    """Rejected actions names it "Training sign-in" with the session and the server's reason; the
    code typed is not shown."""
    sid = "ts-screen-rejected"
    new_session(office, sid)
    chan = device("S3001", "1111")
    right = code_now(office, sid)
    wrong = "000000" if right != "000000" else "111111"
    _type_and_send(chan, training.detail_view(chan, f"{training.ROUTE}/{sid}", sid), wrong)
    _sync(chan)
    texts = _texts(rejected.view(chan))
    assert chan._("{action}: {detail}", action=chan._("Training sign-in"), detail=sid) in texts
    assert chan.reason_text("training_code_wrong") in texts and not any(wrong in line for line in texts)


def test_scanning_the_trainers_qr_code_signs_in_and_another_sessions_code_is_refused(server, device, office,
                                                                                    monkeypatch):
    """Where the device reads QR codes, the sign-in form offers "Scan QR code": the camera's picture
    of this session's QR code (drawn by segno, read by zxing-cpp) signs in at once ("Signed in,
    confirming", then signed in after sync); a QR code of another session is refused under the
    field and signs nothing in."""
    from app.media import qr
    from app.ui import training_scan

    sid, other = "ts-screen-scan", "ts-screen-scan-other"
    new_session(office, sid)
    new_session(office, other)
    chan = device("S3001", "1111")
    route = f"{training.ROUTE}/{sid}"
    pictures = [qr.png(f"shopfloor:training/{other}/{code_now(office, other)}"),
                qr.png(f"shopfloor:training/{sid}/{code_now(office, sid)}")]

    async def camera(ctx):
        return pictures.pop(0)

    monkeypatch.setattr(training_scan, "camera_scan", camera)
    started = []
    monkeypatch.setattr(chan.page, "run_task", lambda handler, *a, **k: started.append(handler(*a, **k)))

    def scan() -> None:
        view = training.detail_view(chan, route, sid)
        _button(view, chan._("Scan QR code")).on_click(None)
        asyncio.run(started.pop())

    scan()
    view = training.detail_view(chan, route, sid)
    assert chan._("This QR code is for another training session.") in _texts(view)
    assert chan._("Signed in, confirming") not in _texts(view)
    scan()
    view = training.detail_view(chan, route, sid)
    assert chan._("Signed in, confirming") in _texts(view)
    assert chan._("This QR code is for another training session.") not in _texts(view)
    _sync(chan)
    view = training.detail_view(chan, route, sid)
    assert any(line.startswith(chan._("Signed in at {time}", time="")[:5]) for line in _texts(view))
