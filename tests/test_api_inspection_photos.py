"""Issue 12, inspe2e: who reads an inspection finding's photo (``GET /v1/photos/{sha}``; real
uvicorn, SQLite and PostgreSQL). Those who may read the inspection do (HQ, the area manager who
took it, the inspected store's manager); another store's manager, the other area's manager and
the store's staff get 404. An inspector naming someone else's photo in an answer opens it to
nobody (addresses are visible in pulls: naming one proves nothing)."""

import hashlib
import uuid
from datetime import UTC, datetime

import pytest

from tests.inspection_world import CWB_MANAGER, HK_AM, HQ, KLN_AM, Phone, photo, write_template


@pytest.fixture
def phones(server, tmp_path):
    made: dict[tuple[str, str], Phone] = {}

    def phone(who: tuple[str, str]) -> Phone:
        if who not in made:
            made[who] = Phone(server, tmp_path, *who)
        return made[who]

    yield phone
    for p in made.values():
        p.close()


def _upload(p: Phone, seed: int) -> str:
    data = photo(seed)
    sha = hashlib.sha256(data).hexdigest()
    p.api.upload_photo(sha, data)
    return sha


def _inspect(am: Phone, template: dict, shas: list[str]) -> str:
    """An inspection at Causeway Bay whose failed "clean" item names ``shas``."""
    answers = [{"item_id": "clean", "value": False, "photos": shas}, {"item_id": "exit", "value": True},
               {"item_id": "temp", "value": 3}, {"item_id": "label", "value": "all"}]
    inspection_id = str(uuid.uuid4())
    am.post("/v1/inspections", {"id": inspection_id, "template_id": template["id"],
                                "template_version": template["version"], "store_id": "st-cwb",
                                "finished_at": datetime.now(UTC).isoformat(), "answers": answers})
    return inspection_id


def test_a_finding_photo_is_read_by_those_who_read_the_inspection_only(phones):
    """The inspector's photo: HQ, the inspector and Causeway Bay's manager 200; Stanley's manager
    (same area manager's other store), Kowloon's area manager and Causeway Bay staff 404."""
    am = phones(HK_AM)
    sha = _upload(am, 11)
    _inspect(am, write_template(am, "Photo readers"), [sha])
    for who, status in ((HQ, 200), (HK_AM, 200), (CWB_MANAGER, 200), (("M2004", "7400"), 404),
                        (KLN_AM, 404), (("S3001", "1111"), 404)):
        assert phones(who).get(f"/v1/photos/{sha}").status_code == status, who


def test_naming_someone_elses_photo_in_an_inspection_opens_it_to_nobody(phones):
    """Mong Kok staff's photo named in HK Island's area manager's Causeway Bay inspection: Causeway
    Bay's manager still gets 404 (the report shows it as not received, as docs/inspections.md says)."""
    other = _upload(phones(("S3003", "3333")), 12)
    am = phones(HK_AM)
    _inspect(am, write_template(am, "Borrowed photo"), [other])
    assert phones(CWB_MANAGER).get(f"/v1/photos/{other}").status_code == 404
    assert phones(HK_AM).get(f"/v1/photos/{other}").status_code == 404
