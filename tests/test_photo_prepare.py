"""Issue 12, photoprep: task photos are prepared on the phone (app.media.prepare) and their
picture hash and time are the reviewer's flags (app.domain.photo_checks)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from app.domain.photo_checks import PhotoSettings, is_reused, review_flags
from app.media.prepare import PhotoUnreadable, picture_hash, prepare_photo, taken_at

HK = __import__("zoneinfo").ZoneInfo("Asia/Hong_Kong")


def camera_jpeg(width=4000, height=3000, orientation=6, when="2026:12:01 09:30:00", gps=True, seed=0) -> bytes:
    """A camera-like JPEG: a bright red top-left corner, an Orientation tag, time, GPS and a serial number."""
    im = Image.new("RGB", (width, height), (40 + seed * 50 % 200, 90, 160))
    im.paste((250, 60, 60), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0xA431] = "CAMERA-SERIAL-1234"  # BodySerialNumber: must never leave the phone
    exif.get_ifd(0x8769).update({0x9003: when, 0x9011: "+08:00"})
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (22.0, 16.0, 48.0), 3: "E", 4: (114.0, 10.0, 12.0)})
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def test_a_camera_photo_is_shrunk_turned_upright_and_kept_as_jpeg():
    """A 12 MP portrait photo stored landscape + Orientation 6 comes out 1200x1600, upright, no Orientation tag."""
    prepared = prepare_photo(camera_jpeg())
    im = Image.open(io.BytesIO(prepared.data))
    assert (im.format, im.size, (prepared.width, prepared.height)) == ("JPEG", (1200, 1600), (1200, 1600))
    assert 0x0112 not in im.getexif()
    # Orientation 6 = rotate 90 clockwise to view: the red top-left corner is now top-right.
    assert im.getpixel((1150, 50))[0] > 180 and im.getpixel((50, 50))[0] < 100


def test_by_default_gps_and_the_serial_are_stripped_and_the_time_kept():
    """Default chain settings: the original time stays, the GPS position and the camera serial go."""
    exif = Image.open(io.BytesIO(prepare_photo(camera_jpeg()).data)).getexif()
    assert exif.get_ifd(0x8769).get(0x9003) == "2026:12:01 09:30:00"
    assert not exif.get_ifd(0x8825) and 0xA431 not in exif


def test_the_chain_can_keep_gps_and_strip_the_time():
    """keep_gps=True, keep_time=False: the position stays, no time is left to read."""
    data = prepare_photo(camera_jpeg(), PhotoSettings(keep_gps=True, keep_time=False)).data
    exif = Image.open(io.BytesIO(data)).getexif()
    assert exif.get_ifd(0x8825)[1] == "N" and taken_at(data, HK) is None


def test_a_small_photo_is_not_enlarged_and_png_becomes_jpeg():
    """An 800x600 PNG keeps its size and is written as a JPEG."""
    out = io.BytesIO()
    Image.new("RGBA", (800, 600), (0, 0, 0, 0)).save(out, "PNG")
    im = Image.open(io.BytesIO(prepare_photo(out.getvalue()).data))
    assert (im.format, im.size, im.getpixel((10, 10))) == ("JPEG", (800, 600), (255, 255, 255))


@pytest.mark.parametrize("data", [b"just some text, named photo.jpg", camera_jpeg()[:5000]])
def test_a_file_that_is_no_photo_or_a_truncated_one_is_refused_on_the_phone(data):
    """A text file or a truncated JPEG cannot be prepared: PhotoUnreadable, nothing queued."""
    with pytest.raises(PhotoUnreadable):
        prepare_photo(data)


def test_the_camera_time_is_read_with_its_offset():
    """The EXIF original time with its +08:00 offset is read as that instant."""
    assert taken_at(camera_jpeg(width=64, height=48), HK) == datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


def test_the_picture_hash_survives_preparation_and_tells_scenes_apart():
    """The same shot prepared (shrunk, rotated back upright, re-encoded) hashes near its upright original; another scene does not."""
    upright = camera_jpeg(orientation=1, width=1600, height=1200)
    original = camera_jpeg(orientation=1)
    other = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 90, 160)).save(other, "JPEG")
    other_im = Image.open(io.BytesIO(other.getvalue()))
    other_im.paste((220, 20, 20), (1200, 900, 1600, 1200))
    other = io.BytesIO()
    other_im.save(other, "JPEG")
    assert is_reused(picture_hash(prepare_photo(original).data), [picture_hash(upright)])
    assert not is_reused(picture_hash(other.getvalue()), [picture_hash(upright)])


def test_review_flags_name_a_reused_photo_and_a_time_far_from_the_completion():
    """Flags: reused when a hash matches, time when more than the chain's gap away; none otherwise."""
    done = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    settings = PhotoSettings(max_time_gap_minutes=60)
    assert review_flags("ffff0000ffff0000", ["ffff0000ffff0001"], done - timedelta(hours=3), done, settings) == [
        "photo_reused", "photo_time_differs"]
    assert review_flags("ffff0000ffff0000", ["0000ffff0000ffff"], done - timedelta(minutes=59), done, settings) == []
    assert review_flags(None, [None], None, done, settings) == []


@pytest.mark.parametrize("bad", [{"keep_gps": "yes"}, {"max_time_gap_minutes": 0}, {"colour": 1}, []])
def test_bad_photo_settings_are_refused(bad):
    """A setting of the wrong kind, out of range or unknown is refused."""
    with pytest.raises(ValueError):
        PhotoSettings.from_dict(bad)
