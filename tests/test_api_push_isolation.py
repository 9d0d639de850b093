"""One mutation whose processing fails is that mutation's rejection, never the batch's 500."""

import hashlib
import io
import logging
import os
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy import select

from backend_stub import db
from tests.test_api_punches import _punch, _shift_now, _stored
from tests.test_api_push import mutation, note_add, push
from tests.test_api_scope import _consent


def _legacy_photo(api, user_id: str, data: bytes) -> str:
    """A photo kept before uploads were decoded on arrival (so it was never checked)."""
    address = hashlib.sha256(data).hexdigest()
    (api.app.state.settings.photo_dir / address).write_bytes(data)
    with api.engine.begin() as conn:
        conn.execute(db.photos.insert().values(sha256=address, size=len(data), content_type="image/png",
                                               uploaded_by=user_id, created_at=datetime.now(UTC)))
    return address


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (7999, 7999)).save(out, format="PNG", optimize=True)
    return out.getvalue()


@pytest.mark.parametrize("bad", [lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(2000), _bomb],
                         ids=["png-magic-garbage", "decompression-bomb"])
def test_an_undecodable_selfie_rejects_its_punch_and_the_rest_of_the_batch_applies(api, caplog, bad):
    """A punch citing an undecodable stored selfie is rejected (processing_failed, logged with a traceback);
    the notes after it in the same batch are applied, and the device's next push works."""
    _shift_now(api)
    _consent(api, "u-s01")
    selfie = _legacy_photo(api, "u-s01", bad())
    with caplog.at_level(logging.ERROR, logger="backend_stub"):
        resp = push(api, "u-s01", [mutation(1, "note.add", note_add("n-before")),
                                   mutation(2, "punch.record", _punch(selfie=selfie, punch_id="pu-bad"), age_s=1),
                                   mutation(3, "note.add", note_add("n-after"))])
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["reason"] == "processing_failed"
    assert _stored(api, "pu-bad") is None
    with api.engine.connect() as conn:
        notes = set(conn.execute(select(db.notes.c.id)).scalars())
    assert {"n-before", "n-after"} <= notes
    failures = [r for r in caplog.records if r.exc_info and "punch.record" in r.getMessage()]
    assert failures, "the failure is logged with its traceback"
    later = push(api, "u-s01", [mutation(4, "note.add", note_add("n-later"))])
    assert later.status_code == 200 and later.json()["results"][0]["status"] == "applied"


def test_a_selfie_of_someone_consenting_but_not_yet_enrolled_is_flagged_unchecked(api):
    """A face punch from a person who consented but never enrolled is applied and flagged face_unchecked
    for a manager: nothing to compare with is not a mismatch (app.face.decide: NOT_ENROLLED)."""
    from tests.test_api_punches import _photo, _upload

    _shift_now(api)
    _consent(api, "u-s01")
    selfie = _upload(api, "u-s01", _photo("obama_480p.jpg"))
    result = push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, punch_id="pu-new"),
                                          age_s=1)]).json()["results"][0]
    assert result["status"] == "applied", result
    row = _stored(api, "pu-new")
    assert row["face"] == "unchecked" and "face_unchecked" in row["flags"]
    assert "face_mismatch" not in row["flags"]
