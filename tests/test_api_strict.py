"""Request bodies take each value only as the JSON type the API documents: no 0-as-false, no "5"-as-5."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from backend_stub.services.biometrics import CONSENT_TEXT_VERSION
from tests.test_api_bad_input import assert_error, bearer, note_batch, written


@pytest.mark.parametrize("granted", [0, 1, "true", "yes", None])
def test_consent_must_be_a_real_boolean(api, granted):
    """Consent given as 0, 1, "true" or "yes" answers 422 naming ``granted``; nothing is recorded."""
    resp = api.post("/v1/face/consent", json={"granted": granted, "text_version": CONSENT_TEXT_VERSION},
                    headers=bearer(api))
    error = assert_error(resp, 422, "validation_error")
    assert "granted" in [d["field"] for d in error["details"]]
    assert api.get("/v1/face/status", headers=bearer(api)).json()["consented"] is False


def test_consent_with_a_real_boolean_is_recorded(api):
    """``{"granted": true}`` with the current text still records consent (valid clients keep working)."""
    resp = api.post("/v1/face/consent", json={"granted": True, "text_version": CONSENT_TEXT_VERSION},
                    headers=bearer(api))
    assert resp.status_code == 200, resp.text
    assert resp.json()["consented"] is True


def _batch_with(section: str, field: str, value) -> dict:
    batch = note_batch(1)
    target = batch["sent"] if section == "sent" else batch["mutations"][0]
    if section == "clock":
        target = target["clock"]
    target[field] = value
    return batch


@pytest.mark.parametrize(("section", "field", "value", "named"), [
    ("mutation", "seq", "1", "mutations.0.seq"),
    ("mutation", "seq", 1.0, "mutations.0.seq"),
    ("mutation", "seq", True, "mutations.0.seq"),
    ("sent", "monotonic_ms", "100000", "sent.monotonic_ms"),
    ("clock", "monotonic_ms", 99_000.5, "mutations.0.clock.monotonic_ms"),
    ("clock", "clock_offset_ms", "12", "mutations.0.clock.clock_offset_ms"),
    ("clock", "device_time", 1_764_500_000, "mutations.0.clock.device_time"),
], ids=["seq-string", "seq-float", "seq-bool", "monotonic-string", "monotonic-fraction", "offset-string",
        "time-as-unix-number"])
def test_push_numbers_and_times_must_have_their_json_type(api, section, field, value, named):
    """A push with a number sent as a string (or a bool, or a time as a Unix number) answers 422 naming the field, nothing applied."""
    before = written(api)
    error = assert_error(api.post("/v1/sync/push", json=_batch_with(section, field, value), headers=bearer(api)),
                         422, "validation_error")
    assert named in [d["field"] for d in error["details"]]
    assert written(api) == before


def _action(type_: str, payload: dict) -> dict:
    now = datetime.now(UTC).isoformat()
    batch = note_batch(1)
    batch["mutations"][0].update(type=type_, payload=payload)
    batch["sent"]["device_time"] = batch["mutations"][0]["clock"]["device_time"] = now
    return batch


@pytest.mark.parametrize(("type_", "payload", "field"), [
    ("punch.confirm", {"punch_id": "p-1", "approve": 0}, "approve"),
    ("punch.confirm", {"punch_id": "p-1", "approve": "false"}, "approve"),
    ("punch.record", {"punch_id": "p-2", "user_id": "u-s01", "store_id": "st-cwb", "kind": "clock_in",
                      "fix": {"latitude": "22.28", "longitude": 114.18, "accuracy_m": 10,
                              "timestamp": "2026-11-30T09:00:00+08:00"}}, "fix.latitude"),
    ("punch.record", {"punch_id": "p-3", "user_id": "u-s01", "store_id": "st-cwb", "kind": "clock_in",
                      "fix": {"latitude": 22.28, "longitude": 114.18, "accuracy_m": 10, "mocked": 0,
                              "timestamp": "2026-11-30T09:00:00+08:00"}}, "fix.mocked"),
    ("task.complete", {"task_id": "tk-0001", "user_id": "u-s01", "completed_at": 1_764_500_000}, "completed_at"),
], ids=["approve-0", "approve-string", "latitude-string", "mocked-0", "time-as-number"])
def test_action_payload_values_must_have_their_json_type(api, type_, payload, field):
    """An action whose payload has a 0-for-false or a number-as-string is rejected invalid_payload naming the field."""
    resp = api.post("/v1/sync/push", json=_action(type_, payload), headers=bearer(api))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "invalid_payload")
    assert field in result["message"]


def test_whole_numbers_for_coordinates_are_still_numbers(api):
    """A location with whole-number coordinates and accuracy (JSON integers) is accepted as it was before."""
    payload = {"punch_id": f"p-{uuid4().hex[:8]}", "user_id": "u-s01", "store_id": "st-cwb", "kind": "clock_in",
               "method": "pin", "fix": {"latitude": 22, "longitude": 114, "accuracy_m": 10,
                                        "timestamp": datetime.now(UTC).isoformat()}}
    resp = api.post("/v1/sync/push", json=_action("punch.record", payload), headers=bearer(api))
    assert resp.status_code == 200, resp.text
    result = resp.json()["results"][0]
    assert result["reason"] != "invalid_payload", result
