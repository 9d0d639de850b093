"""Issue 12, photoprep: the server refuses what is not a usable photo, with a clear reason the
phone shows in its user's language, and keeps nothing of it: no row, no file, no partial upload
(real uvicorn, the device's own API client, files made here)."""

import hashlib
import io
import struct

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.i18n import REASON_MESSAGES, Translator
from app.protocol import Reason
from app.store import DeviceStore
from app.sync.errors import RequestRejected
from backend_stub import db as server_tables
from tests.conftest import login
from tests.servers import server_engine
from benchmarks.bench_photo_prepare import camera_like_jpeg

LOCALES = ("zh_Hant_HK", "zh_Hans", "en", "ar", "id", "ms", "th", "vi")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A few hundred bytes of JPEG whose frame header declares ``width`` x ``height`` pixels."""
    out = io.BytesIO()
    Image.new("L", (16, 16)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def text_named_jpg(tmp_path) -> bytes:
    """A text file someone named shelf.jpg."""
    path = tmp_path / "shelf.jpg"
    path.write_text("Promotion shelf done, photo to follow\n")
    return path.read_bytes()


def _half(data: bytes) -> bytes:
    return data[:len(data) // 2]


CASES = {
    "text-file-named-jpg": (text_named_jpg, 415, Reason.UNSUPPORTED_MEDIA_TYPE),
    # 9000 x 9000 = 81 MP in a few hundred bytes: over the server's 50 MP, refused from the header.
    "jpeg-bomb": (lambda _: jpeg_declaring(9000, 9000), 422, Reason.IMAGE_TOO_LARGE),
    # 60000 x 60000: so large that Pillow itself refuses it while reading the header.
    "jpeg-huge-bomb": (lambda _: jpeg_declaring(60000, 60000), 422, Reason.IMAGE_TOO_LARGE),
    # Over the 8 MB photo limit: refused at its first chunk, before anything is written.
    "oversized": (lambda _: b"\xff\xd8\xff\xe0" + bytes(9 * 1024 * 1024), 413, Reason.PAYLOAD_TOO_LARGE),
    # A 12 MP camera-like photo (about 5 MB) cut off halfway: its chunks arrive, refused when complete.
    "truncated-jpeg": (lambda _: _half(camera_like_jpeg()), 422, Reason.IMAGE_CORRUPT),
}


def _kept(server, sha: str) -> tuple[int, int, list[str]]:
    """What the server kept of ``sha``: photo rows, detail rows, and files in its photo folder."""
    with server_engine(server).connect() as conn:
        rows = conn.execute(select(func.count()).where(server_tables.photos.c.sha256 == sha)).scalar()
        details = conn.execute(select(func.count()).where(server_tables.photo_details.c.sha256 == sha)).scalar()
    folder = server.data_dir / "photos"
    return rows, details, sorted(p.name for p in folder.glob(f"{sha}*")) if folder.exists() else []


@pytest.mark.parametrize("case", CASES)
def test_a_bad_upload_is_refused_with_a_clear_reason_and_nothing_is_kept(server, tmp_path, case):
    """A text file named .jpg, a JPEG decompression bomb, an oversized file or a truncated JPEG:
    refused with its reason code, the reason said in all 8 languages, and no row and no file left."""
    make, status, reason = CASES[case]
    data = make(tmp_path)
    sha = hashlib.sha256(data).hexdigest()
    store = DeviceStore(tmp_path / "staff.db")
    client = login(server.url, store, "S3001", "1111")

    with pytest.raises(RequestRejected) as refused:
        client.upload_photo(sha, data)

    assert (refused.value.status, refused.value.code) == (status, reason.value)
    assert _kept(server, sha) == (0, 0, [])
    assert client.photo_offset(sha) == 0  # nothing to resume either
    english = REASON_MESSAGES.text(Translator("en"), reason.value)
    for locale in LOCALES:
        said = REASON_MESSAGES.text(Translator(locale), reason.value)
        assert said and (locale == "en" or said != english), (locale, said)
