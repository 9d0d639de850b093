"""Clock-in rules of issue 8 (clock-kiosk): shift ended, unscheduled clock-in on request, the
kiosk's next punch, the PIN path after a coarse location, a kiosk PIN of another store."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.domain import attendance
from app.domain.attendance import Punch, PunchKind, ShiftRules, ShiftWindow
from app.domain.geofence import Fence, Fix, decide
from app.domain.punch_flow import offers_unscheduled
from app.domain.roles import Actor, Role
from app.i18n import Translator
from app.store import PunchActions
from app.sync import ApiClient, RequestRejected
from app.ui.screens.login import sign_in_refusal
from backend_stub import db
from tests.test_api_punches import _punch, _stored
from tests.test_api_push import mutation, push

RULES = ShiftRules()
HK = timedelta(hours=8)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - HK  # Hong Kong wall time


TODAY = ShiftWindow("s-today", "u1", "cwb", _at(25, 9), _at(25, 18))
TOMORROW = ShiftWindow("s-tomorrow", "u1", "cwb", _at(26, 6), _at(26, 14))


def _clock_in_check(at: datetime, **kw) -> attendance.PunchCheck:
    shift = attendance.shift_for_clock_in(at, [TODAY, TOMORROW], RULES)
    return attendance.check_punch(PunchKind.CLOCK_IN, at, punches=[], shift=shift, rules=RULES, **kw)


def test_clock_in_42_minutes_after_the_shift_ended_says_the_shift_ended():
    """18:42 after a 09-18 shift, with tomorrow's 06:00 shift ahead: 'shift ended', not 'too early'."""
    got = _clock_in_check(_at(25, 18, 42))
    assert (got.allowed, got.reason, got.shift_id) == (False, "shift_ended", "s-today")
    assert _clock_in_check(_at(26, 4, 30)).reason == "too_early"  # nearer tomorrow's start


def test_asked_for_unscheduled_clock_in_after_the_shift_is_accepted_and_flagged():
    """Choosing 'clock in without a shift' after shift_ended: allowed, flagged unscheduled; never past too_early."""
    got = _clock_in_check(_at(25, 18, 42), unscheduled=True)
    assert (got.allowed, got.flags, got.shift_id) == (True, ("unscheduled",), None)
    assert _clock_in_check(_at(26, 4, 30), unscheduled=True).reason == "too_early"
    both = attendance.check_new_punch(PunchKind.CLOCK_IN, _at(25, 18, 42), punches=[], shifts=[TODAY, TOMORROW],
                                      rules=RULES, unscheduled=True)
    assert both == got


def test_unscheduled_clock_in_is_offered_after_shift_ended_only_where_the_chain_allows_it():
    """The one rule the Clock screen and the kiosk share: offered after shift_ended, not after too_early."""
    assert offers_unscheduled(_clock_in_check(_at(25, 18, 42)), RULES)
    assert not offers_unscheduled(_clock_in_check(_at(25, 18, 42)), ShiftRules(allow_unscheduled=False))
    assert not offers_unscheduled(_clock_in_check(_at(26, 4, 30)), RULES)  # too early: nothing to offer


def test_kiosk_offers_clock_out_to_someone_clocked_in_or_on_break():
    """The kiosk's one button: clock in when out, clock out when in or on a break."""
    punch_in = Punch("p1", "u1", "cwb", PunchKind.CLOCK_IN, _at(25, 9))
    on_break = Punch("p2", "u1", "cwb", PunchKind.BREAK_START, _at(25, 12))
    assert attendance.next_kind([]) is PunchKind.CLOCK_IN
    assert attendance.next_kind([punch_in]) is PunchKind.CLOCK_OUT
    assert attendance.next_kind([punch_in, on_break]) is PunchKind.CLOCK_OUT


def test_a_location_worse_than_100_m_offers_the_pin_path_but_a_mocked_one_does_not():
    """Mall basement (150 m accuracy): PIN with manager confirmation is offered; mocked or stale: not."""
    from app.domain.punch_flow import offers_pin_path

    now = datetime.now(UTC)
    fence = Fence("cwb", 22.2783, 114.1822, 80)
    basement = decide(Fix(22.2783, 114.1822, 150.0, now), fence, now=now)
    assert offers_pin_path(basement)
    assert not offers_pin_path(decide(Fix(22.2783, 114.1822, 10.0, now, mocked=True), fence, now=now))
    assert not offers_pin_path(decide(Fix(22.2783, 114.1822, 10.0, now - timedelta(minutes=5)), fence, now=now))
    assert not offers_pin_path(decide(Fix(22.2783, 114.1822, 10.0, now), fence, now=now))


def _shift_ended_42_minutes_ago(api, user_id: str = "u-s01") -> None:
    now = datetime.now(UTC)
    with api.engine.begin() as conn:
        conn.execute(db.shifts.delete().where(db.shifts.c.user_id == user_id))
        conn.execute(db.shifts.insert().values(id="sh-ended", store_id="st-cwb", user_id=user_id,
                                               starts_at=now - timedelta(hours=8, minutes=42),
                                               ends_at=now - timedelta(minutes=42), position="Sales"))
        conn.execute(db.shifts.insert().values(id="sh-next", store_id="st-cwb", user_id=user_id,
                                               starts_at=now + timedelta(hours=10),
                                               ends_at=now + timedelta(hours=18), position="Sales"))


def test_server_refuses_shift_ended_and_accepts_the_asked_unscheduled_clock_in_flagged(api):
    """On the server too: a plain clock-in after the shift is shift_ended; the unscheduled one is stored, flagged."""
    _shift_ended_42_minutes_ago(api)
    plain = push(api, "u-s01", [mutation(1, "punch.record", _punch(method="pin", device_face="not_used",
                                                                   punch_id="pu-late"), age_s=1)]).json()
    assert (plain["results"][0]["status"], plain["results"][0]["reason"]) == ("rejected", "shift_ended")
    asked = _punch(method="pin", device_face="not_used", punch_id="pu-unsched") | {"unscheduled": True}
    res = push(api, "u-s01", [mutation(2, "punch.record", asked, age_s=1)]).json()["results"][0]
    assert res["status"] == "applied"
    stored = _stored(api, "pu-unsched")
    assert "unscheduled" in stored["flags"] and stored["shift_id"] is None


def test_kiosk_pin_of_another_stores_staff_says_they_do_not_work_here(api):
    """At Causeway Bay's kiosk, Mong Kok staff with the right PIN: 'does not work at this store', translated."""
    client = ApiClient("http://testserver", "dev-kiosk-0009", transport=api._transport)
    client.login("M2001", "7100")
    with pytest.raises(RequestRejected) as elsewhere:
        client.kiosk_pin("st-cwb", "S3003", "3333")
    assert elsewhere.value.code == "not_at_this_store"
    for locale in ("en", "zh_Hant_HK"):
        t = Translator(locale)
        assert sign_in_refusal(t, elsewhere.value) == t.reason_message("not_at_this_store")
    assert "does not work at this store" in sign_in_refusal(Translator("en"), elsewhere.value)


def test_kiosk_punch_for_someone_else_records_without_a_location(device):
    """A kiosk punch (no location: the tablet stays in the store) is recorded, waiting for the manager."""
    manager = Actor("u-sm-cwb", Role.STORE_MANAGER, frozenset({"st-cwb"}))
    punch_id = PunchActions(device, device.clock, manager).record_punch(
        kind="clock_in", store_id="st-cwb", method="kiosk", user_id="u-s01", device_face="not_used")
    with device.reading() as dbx:
        row = dbx.execute("SELECT user_id, status FROM punches WHERE id=?", [punch_id]).fetchone()
    assert tuple(row) == ("u-s01", "awaiting_confirmation")
