"""Absurd device clocks through the real API: flagged clock_drift or refused 422, never a 500."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from app.domain.clock import assess_event_time
from backend_stub import db
from tests.test_api_bad_input import bearer

DEVICE = "dev-bad-0001"


def batch(*, event_time: str | None = None, event_mono: int = 99_000, sent_time: str | None = None,
          sent_mono: int = 100_000, payload_time: str | None = None) -> dict:
    """One task.complete whose clocks are as given (now, 1 s apart, by default)."""
    now = datetime.now(UTC).isoformat()
    return {"device_id": DEVICE,
            "sent": {"device_time": sent_time or now, "monotonic_ms": sent_mono, "boot_id": "b"},
            "mutations": [{"seq": 1, "idempotency_key": str(uuid4()), "type": "task.complete",
                           "payload": {"task_id": "tk-0001", "user_id": "u-s01",
                                       "completed_at": payload_time or now},
                           "clock": {"device_time": event_time or now, "monotonic_ms": event_mono,
                                     "boot_id": "b"}}]}


def stored_mutations(api) -> int:
    with api.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(db.mutations)).scalar_one()


@pytest.mark.parametrize(("event_mono", "sent_mono", "flags"), [
    (0, 10**15, ["clock_drift"]), (0, 2**53 - 1, ["clock_drift"]), (0, 10**12, ["clock_drift"]),
    (10**15, 0, []), (10**15, 10**15 + 1000, []),
], ids=["elapsed-1e15", "elapsed-max-json-int", "elapsed-31-years", "went-backwards-wall-clock-right",
        "both-huge-1s-apart"])
def test_absurd_monotonic_readings_are_applied_with_clock_drift_not_a_500(api, event_mono, sent_mono, flags):
    """A monotonic clock claiming decades between action and push is applied and flagged clock_drift; readings that agree with a right wall clock are not flagged."""
    resp = api.post("/v1/sync/push", json=batch(event_mono=event_mono, sent_mono=sent_mono),
                    headers=bearer(api))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert result["status"] == "applied"
    assert result["flags"] == flags


def test_monotonic_reading_beyond_json_safe_integers_is_refused_by_the_protocol(api):
    """A monotonic reading beyond 2^53 (no JSON parser reads it exactly) answers 422 naming the field, nothing applied."""
    resp = api.post("/v1/sync/push", json=batch(sent_mono=10**30), headers=bearer(api))
    assert resp.status_code == 422, resp.text
    assert "sent.monotonic_ms" in [d["field"] for d in resp.json()["details"]]
    assert stored_mutations(api) == 0


@pytest.mark.parametrize("field", ["event", "sent"])
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+00:00", "0001-01-01T10:00:00+14:00",
                                  "9999-12-31T23:59:59-12:00", "1969-12-31T23:59:59+00:00",
                                  "2200-01-01T00:00:00+00:00"])
def test_device_time_outside_any_plausible_clock_is_a_clear_422(api, field, when):
    """A device time in year 1, 9999 or outside 1970-2199 answers 422 naming the field and the range, nothing applied."""
    body = batch(event_time=when) if field == "event" else batch(sent_time=when)
    resp = api.post("/v1/sync/push", json=body, headers=bearer(api))
    assert resp.status_code == 422, resp.text
    error = resp.json()
    name = "mutations.0.clock.device_time" if field == "event" else "sent.device_time"
    problem = {d["field"]: d["problem"] for d in error["details"]}[name]
    assert "1970" in problem and "2200" in problem
    assert stored_mutations(api) == 0


@pytest.mark.parametrize("event_time", ["1970-01-01T00:00:05+00:00", "2199-12-31T23:00:00+08:00"])
def test_a_clock_reset_to_1970_or_far_ahead_is_applied_and_flagged(api, event_time):
    """A phone whose clock reset to 1970 (or runs centuries ahead) still syncs: applied, flagged clock_drift."""
    resp = api.post("/v1/sync/push", json=batch(event_time=event_time, sent_time=event_time),
                    headers=bearer(api))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert (result["status"], result["flags"]) == ("applied", ["clock_drift"])


def test_absurd_time_inside_a_payload_rejects_only_that_action(api):
    """A payload time in year 9999 rejects that action as invalid_payload; the push itself succeeds."""
    resp = api.post("/v1/sync/push", json=batch(payload_time="9999-12-31T23:59:59+00:00"),
                    headers=bearer(api))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "invalid_payload")
    assert "completed_at" in result["message"]


@pytest.mark.parametrize(("event", "sent"), [
    (datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)),
    (datetime(9999, 12, 31, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)),
])
@pytest.mark.parametrize(("event_mono", "sent_mono"), [(0, 10**40), (10**40, 0), (0, 10)])
def test_clock_assessment_never_overflows(event, sent, event_mono, sent_mono):
    """Whatever two readings a device sends, the clock judgement answers (flagged drift) instead of raising."""
    received = datetime(2026, 11, 30, 12, tzinfo=UTC)
    got = assess_event_time(event_device_time=event, event_monotonic_ms=event_mono, event_boot_id="b",
                            sent_device_time=sent, sent_monotonic_ms=sent_mono, sent_boot_id="b",
                            received_at=received)
    assert got.drifted
    assert abs(got.estimated_time - received) < timedelta(days=365 * 10_000)


def test_openapi_pattern_for_device_times_admits_exactly_the_years_the_server_accepts(api):
    """The OpenAPI pattern of EventClock.device_time and the server agree on every year from 1 to 9999."""
    import re

    schema = api.get("/openapi.json").json()["components"]["schemas"]["EventClock"]["properties"]["device_time"]
    pattern = re.compile(schema["pattern"])
    for year in (1, 999, 1969, 1970, 2026, 2199, 2200, 9999):
        when = f"{year:04d}-06-01T12:00:00+08:00"
        resp = api.post("/v1/sync/push", json=batch(event_time=when, sent_time=when), headers=bearer(api))
        assert (resp.status_code == 200) == bool(pattern.match(when)), (year, resp.text)
