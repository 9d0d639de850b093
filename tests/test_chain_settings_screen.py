"""Issue 10, availability: HQ's Chain settings screen (Me), built from a real synced device (real
API): it shows the pulled shift-trade limits offline, refuses a bad number at once with the reason,
and a valid change is stored on the server and reaches a staff phone with its next sync."""

import asyncio

import flet as ft

from app.domain.urgent_repeats import RepeatSettings
from app.store import urgent_put_off
from app.store.availability import load_settings
from app.sync import SyncEngine
from app.ui.screens import chain_settings as screen
from app.ui.screens import me
from tests.test_accessible_names import nameless, walk
from tests.test_availability_screens import _field, _typed
from tests.test_trades_screens import _texts, device  # noqa: F401 - the signed-in device fixture


def _save(ctx, view) -> list:
    notices = []
    ctx.notify = lambda message, error=False: notices.append((message, error))
    button = next(c for c in walk(view) if isinstance(c, ft.FilledButton)
                  and ctx._("Save settings") in _texts(c.content))
    ctx.page.run_task = lambda handler, *args: asyncio.run(handler(*args))
    button.on_click(None)
    return notices


def test_hq_changes_the_weekly_limit_and_a_staff_phone_gets_it_and_bad_numbers_are_refused(server, device):
    """Only HQ's Me lists Chain settings. HQ sees the weekly limit 48 from the pulled defaults;
    a limit of -5 is refused on the phone with the reason and nothing changes on the server;
    40 (with the overtime warning at 36) is saved, and Chan's phone has it after a sync."""
    hq, chan = device("A0001", "9000"), device("S3001", "1111")
    label = hq._("Chain settings")
    assert label in _texts(me.view(hq, on_logout=None))
    assert chan._("Chain settings") not in _texts(me.view(chan, on_logout=None))
    view = screen.view(hq)
    assert nameless(view) == []
    cap = _field(view, hq._("Weekly limit (hours)"))
    assert cap.value == "48"
    cap.on_change(_typed("-5"))
    assert _save(hq, view) == [(hq.reason_text("chain_settings_invalid"), True)]
    assert hq.api.chain_settings()["shift_trades"]["weekly_cap_hours"] == 48
    cap.on_change(_typed("40"))
    warn = _field(view, hq._("Overtime warning above (hours)"))
    warn.on_change(_typed("36"))
    assert _save(hq, view)[-1][1] is False
    SyncEngine(chan.store, chan.api).sync_once()
    with chan.store.reading() as db:
        assert load_settings(db).weekly_cap_hours == 40
    hq.api.change_shift_trade_settings({})  # back to the defaults for the other tests


def test_hq_sets_how_often_an_urgent_broadcast_put_off_comes_back(server, device):
    """Issue 11, bcfollow: HQ's Chain settings show "every 5 minutes" and "for 60" (the defaults);
    0 is refused on the phone and the server keeps 5; 10 for 30 is saved and Chan's phone has it
    after a sync."""
    hq, chan = device("A0001", "9000"), device("S3001", "1111")
    view = screen.view(hq)
    every = _field(view, hq._("Show an urgent broadcast put off again every (minutes)"))
    period = _field(view, hq._("… during the first (minutes) after it was shown"))
    assert (every.value, period.value) == ("5", "60")
    every.on_change(_typed("0"))
    assert _save(hq, view) == [(hq.reason_text("chain_settings_invalid"), True)]
    assert hq.api.chain_settings()["urgent_repeats"]["every_minutes"] == 5
    every.on_change(_typed("10"))
    period.on_change(_typed("30"))
    assert _save(hq, view)[-1][1] is False
    SyncEngine(chan.store, chan.api).sync_once()
    with chan.store.reading() as db:
        assert urgent_put_off.repeat_settings(db) == RepeatSettings(every_minutes=10, for_minutes=30)
    hq.api.change_urgent_repeats({})  # back to the defaults for the other tests
