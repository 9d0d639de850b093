"""Issue 11, bcattach, on a real server (both backends) and real phones: a broadcast's photos and
PDF files travel through the content-addressed photo upload (queued on the phone, offline too),
are stored once by hash, and are fetched only by the broadcast's audience, its sender and the
sender's managers; anyone else is told they do not exist. A bad file is refused on the phone and
on the server, and nothing of it is kept."""

import hashlib
import io
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image

from app.domain.access import AccessDenied
from app.domain.roles import Role
from app.sync import NetworkError, SyncEngine
from app.store import queries
from tests.servers import server_rows
from tests.test_api_bad_input import bearer
from tests.test_api_push import pull_all
from tests.test_api_trades import _one
from tests.test_me_calendar_feed import offline_api
from tests.test_trades_screens import device  # noqa: F401  (signed-in, synced phones)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png(colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 16), colour).save(out, format="PNG")
    return out.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pending(ctx) -> tuple[int, int]:
    """(waiting actions, queued files) on a phone."""
    with ctx.store.reading() as db:
        return (db.execute("SELECT count(*) FROM outbox WHERE status='pending'").fetchone()[0],
                db.execute("SELECT count(*) FROM photo_uploads WHERE status='pending'").fetchone()[0])


def _stored_on_server(server, data: bytes) -> bool:
    return bool(server_rows(server, "SELECT sha256 FROM photos WHERE sha256 = :s", {"s": sha(data)}))


def test_cwb_staff_fetch_the_photo_and_pdf_the_manager_attached_offline(server, device):
    """The CWB manager attaches a photo and a PDF while offline: the broadcast and both files wait
    on his phone (a sync without a connection changes nothing) and nothing is on the server. Once his phone syncs, Siti (CWB staff) pulls the
    broadcast naming both files and fetches each byte for byte, the PDF as application/pdf."""
    manager = device("M2001", "7100")
    photo = png()
    sent = manager.actions.create_broadcast(["st-cwb"], "New window display", "See the plan.", role=Role.STAFF,
                                            attachments=[("display.png", photo), ("plan.pdf", PDF)])
    assert _pending(manager) == (1, 2)
    with pytest.raises(NetworkError):  # no connection: everything stays queued
        SyncEngine(manager.store, offline_api(manager), sleep=lambda s: None).sync_once()
    assert _pending(manager) == (1, 2)
    assert not _stored_on_server(server, photo) and not _stored_on_server(server, PDF)
    SyncEngine(manager.store, manager.api).sync_once()
    assert _pending(manager) == (0, 0)
    siti = device("S3002", "2222")
    with siti.store.reading() as db:
        got = queries.broadcast(db, siti.user["id"], sent)
    assert [(a["name"], a["kind"], a["sha256"]) for a in got.attachments] == [
        ("display.png", "image/png", sha(photo)), ("plan.pdf", "application/pdf", sha(PDF))]
    assert siti.api.photo(sha(photo)) == photo
    assert siti.api.photo(sha(PDF)) == PDF
    served = httpx.get(f"{server.url}/v1/photos/{sha(PDF)}", headers={"Authorization": f"Bearer {siti.api.access_token}"})
    assert served.headers["content-type"] == "application/pdf"


def test_another_stores_staff_and_a_forged_token_cannot_fetch_the_file(server, device):
    """Leung (Mong Kok staff, not in the audience) is told the CWB broadcast's PDF does not exist
    (404, as for the broadcast itself); a token signed with another key gets no file either; the
    Hong Kong Island area manager (the sender's manager) does get it."""
    manager = device("M2001", "7100")
    pdf = PDF.replace(b"Catalog", b"Catalog /Lang (zh-HK)")
    manager.actions.create_broadcast(["st-cwb"], "Fire drill map", "", attachments=[("map.pdf", pdf)])
    SyncEngine(manager.store, manager.api).sync_once()
    leung = device("S3003", "3333")
    assert leung.api.photo(sha(pdf)) is None
    outsider = httpx.get(f"{server.url}/v1/photos/{sha(pdf)}",
                         headers={"Authorization": f"Bearer {leung.api.access_token}"})
    assert outsider.status_code == 404 and outsider.json()["code"] == "not_found"
    header, claims, _ = manager.api.access_token.split(".")
    forged = httpx.get(f"{server.url}/v1/photos/{sha(pdf)}", headers={"Authorization": f"Bearer {header}.{claims}.AAAA"})
    assert forged.status_code == 401 and forged.content != pdf
    assert device("A1002", "8200").api.photo(sha(pdf)) == pdf


def test_a_file_that_is_not_a_photo_or_a_whole_pdf_is_refused_and_nothing_is_kept(server, device):
    """On the phone, a GIF and a PDF cut short are refused with their reason, and neither a
    broadcast, an action nor a file is kept. On the server, the same bytes sent straight to the
    upload are refused (415 unsupported_media_type, 422 pdf_corrupt) and nothing is stored."""
    manager = device("M2001", "7100")
    gif, cut = b"GIF89a" + b"\0" * 64, PDF[:40]
    for name, data, reason in (("a.gif", gif, "unsupported_media_type"), ("cut.pdf", cut, "pdf_corrupt")):
        with pytest.raises(AccessDenied) as refused:
            manager.actions.create_broadcast(["st-cwb"], "Bad file", "", attachments=[("ok.png", png()), (name, data)])
        assert refused.value.reason == reason
    with manager.store.reading() as db:
        assert db.execute("SELECT count(*) FROM broadcasts WHERE title='Bad file'").fetchone()[0] == 0
    assert _pending(manager) == (0, 0)
    assert not (Path(manager.store.path).parent / "photos" / sha(png())).exists()
    for data, status, code in ((gif, 415, "unsupported_media_type"), (cut, 422, "pdf_corrupt")):
        resp = httpx.put(f"{server.url}/v1/photos/{sha(data)}", content=data,
                         headers={"Authorization": f"Bearer {manager.api.access_token}"})
        assert (resp.status_code, resp.json()["code"]) == (status, code)
        assert not _stored_on_server(server, data)


def _create(api, user_id: str, broadcast_id: str, files: list[tuple[str, bytes]]) -> dict:
    described = [{"sha256": sha(data), "kind": "application/pdf" if data.startswith(b"%PDF") else "image/png",
                  "name": name, "size": len(data)} for name, data in files]
    return _one(api, user_id, "broadcast.create", {"broadcast_id": broadcast_id, "title": "Price list",
                                                   "store_ids": ["st-cwb"], "attachments": described})


def _fetch(api, user_id: str, data: bytes):
    return api.get(f"/v1/photos/{sha(data)}", headers=bearer(api, user_id))


def _put(api, user_id: str, data: bytes):
    return api.put(f"/v1/photos/{sha(data)}", content=data, headers=bearer(api, user_id))


def test_a_broadcast_whose_file_has_not_arrived_reaches_people_and_the_file_follows(api):
    """The CWB manager's broadcast names a PDF his phone has not uploaded yet: it is applied and
    Chan pulls it naming the file, which is "not there yet" (404) for him; once the manager's
    upload arrives, Chan fetches it."""
    pdf = PDF.replace(b"1.4", b"1.7")
    assert _create(api, "u-sm-cwb", "bc-later-file", [("prices.pdf", pdf)])["status"] == "applied"
    pulled = [c["data"] for c in pull_all(api, "u-s01") if c["entity"] == "broadcast" and c["id"] == "bc-later-file"]
    assert [a["name"] for a in pulled[0]["attachments"]] == ["prices.pdf"]
    assert _fetch(api, "u-s01", pdf).status_code == 404
    assert _put(api, "u-sm-cwb", pdf).status_code == 201
    got = _fetch(api, "u-s01", pdf)
    assert got.status_code == 200 and got.content == pdf


def test_a_broadcast_cannot_pass_on_someone_elses_photo(api):
    """Chan's selfie address is visible in pulls: the CWB manager's broadcast citing it is refused
    (photo_not_yours) and Siti still cannot fetch it; a task completed with a PDF in place of its
    photo is refused too (unsupported_media_type): only broadcasts carry PDF files."""
    selfie = png((10, 20, 30))
    assert _put(api, "u-s01", selfie).status_code == 201
    refused = _create(api, "u-sm-cwb", "bc-not-mine", [("chan.png", selfie)])
    assert (refused["status"], refused["reason"]) == ("rejected", "photo_not_yours")
    assert _fetch(api, "u-s02", selfie).status_code == 404
    pdf = PDF.replace(b"1.4", b"1.5")
    assert _put(api, "u-s01", pdf).status_code == 201
    task = next(c for c in pull_all(api, "u-s01") if c["entity"] == "task")
    done = _one(api, "u-s01", "task.complete", {"task_id": task["id"], "user_id": "u-s01",
                                                "completed_at": datetime.now(UTC).isoformat(),
                                                "photo_sha256": sha(pdf)})
    assert (done["status"], done["reason"]) == ("rejected", "unsupported_media_type")
