"""Issue 12, webphoto: the installable web app (no Pillow) prepares photos with the browser; the
header size and the kept EXIF fields (time, offset, GPS) are pure Python (app.media.exif_lite),
checked here against what Pillow writes and reads."""

import io
import sys

import pytest
from PIL import Image

from app.domain.photo_checks import PhotoSettings
from app.media import exif_lite
from app.media.prepare import PhotoUnreadable, prepare_photo, taken_at
from app.media.prepare_browser import prepare_in_browser

HK = __import__("zoneinfo").ZoneInfo("Asia/Hong_Kong")
GPS = {0: b"\x02\x02\x00\x00", 1: "N", 2: (22.0, 16.0, 48.5), 3: "E", 4: (114.0, 10.0, 12.25), 6: 35.5,
       27: b"ASCII\x00\x00\x00GPS"}


def camera_jpeg(*, endian: str = "<", gps: bool = True, offset: str | None = "+08:00") -> bytes:
    """A camera-like JPEG: orientation, a serial number, original time with offset, GPS."""
    exif = Image.Exif()
    exif.endian = endian
    exif[0x0112] = 6
    exif[0x0132] = "2026:12:01 09:31:00"
    exif[0xA431] = "CAMERA-SERIAL-1234"
    exif.get_ifd(0x8769).update({0x9003: "2026:12:01 09:30:00", **({0x9011: offset} if offset else {})})
    if gps:
        exif.get_ifd(0x8825).update(GPS)
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def canvas_jpeg() -> bytes:
    """What the browser's canvas writes: a JFIF JPEG without any EXIF."""
    out = io.BytesIO()
    Image.new("RGB", (480, 640), (10, 20, 30)).save(out, "JPEG", quality=82)
    return out.getvalue()


def read_back(data: bytes):
    im = Image.open(io.BytesIO(data))
    im.load()  # the inserted segment leaves a decodable JPEG
    return im.getexif()


@pytest.mark.parametrize("endian", ["<", ">"])
def test_kept_time_offset_and_gps_read_back_equal_to_the_camera_s(endian):
    """keep_time + keep_gps: Pillow reads the same DateTime, DateTimeOriginal, OffsetTimeOriginal
    and GPS directory from the output as from the camera's JPEG (either byte order), and
    taken_at reads the same time; orientation and the serial are not carried."""
    source = camera_jpeg(endian=endian)
    out = exif_lite.with_exif(canvas_jpeg(), exif_lite.kept_fields(source, PhotoSettings(keep_gps=True)))
    want, got = read_back(source), read_back(out)
    assert got.get_ifd(0x8825) == want.get_ifd(0x8825) and got.get_ifd(0x8825)[2] == (22.0, 16.0, 48.5)
    assert got.get_ifd(0x8769) == {0x9003: "2026:12:01 09:30:00", 0x9011: "+08:00"}
    assert got[0x0132] == want[0x0132]
    assert 0x0112 not in got and 0xA431 not in got
    assert taken_at(out, HK) == taken_at(source, HK) is not None


def test_default_settings_keep_the_time_and_strip_the_gps():
    """The chain's defaults (keep_time, no GPS): a time, no GPS directory; without an offset
    taken_at falls back to the default zone, as for the source."""
    source = camera_jpeg(offset=None)
    got = read_back(exif_lite.with_exif(canvas_jpeg(), exif_lite.kept_fields(source, PhotoSettings())))
    assert not got.get_ifd(0x8825) and got.get_ifd(0x8769) == {0x9003: "2026:12:01 09:30:00"}
    out = exif_lite.with_exif(canvas_jpeg(), exif_lite.kept_fields(source, PhotoSettings()))
    assert taken_at(out, HK) == taken_at(source, HK)


def test_nothing_kept_leaves_the_canvas_output_as_it_is():
    """keep_time off, keep_gps off, or a source without EXIF / not a JPEG: no EXIF is added."""
    plain = canvas_jpeg()
    assert not exif_lite.kept_fields(camera_jpeg(), PhotoSettings(keep_time=False))
    assert not exif_lite.kept_fields(plain, PhotoSettings(keep_gps=True))
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    assert not exif_lite.kept_fields(png.getvalue(), PhotoSettings(keep_gps=True))
    assert exif_lite.with_exif(plain, exif_lite.KeptExif()) == plain
    only_gps = read_back(exif_lite.with_exif(plain, exif_lite.kept_fields(
        camera_jpeg(), PhotoSettings(keep_gps=True, keep_time=False))))
    assert only_gps.get_ifd(0x8825) and not only_gps.get_ifd(0x8769) and taken_at(plain, HK) is None


@pytest.mark.parametrize("fmt,mode,extra", [("JPEG", "RGB", {}), ("JPEG", "L", {"progressive": True}),
                                            ("PNG", "RGBA", {}), ("WEBP", "RGB", {"lossless": True}),
                                            ("WEBP", "RGB", {"quality": 70}), ("WEBP", "RGBA", {})])
def test_the_header_size_is_the_one_pillow_reads(fmt, mode, extra):
    """pixel_size reads JPEG (baseline, progressive), PNG and WebP (lossy, lossless, extended)
    sizes without decoding, as Pillow sees them."""
    out = io.BytesIO()
    Image.new(mode, (1234, 567)).save(out, fmt, **extra)
    assert exif_lite.pixel_size(out.getvalue()) == (1234, 567)
    assert exif_lite.pixel_size(b"GIF89a......") is None and exif_lite.pixel_size(b"\xff\xd8\xff\xe0") is None


def test_the_browser_path_refuses_what_prepare_photo_refuses_before_decoding():
    """Not a picture, a header without a size, and a 64 MP PNG bomb are refused as
    PhotoUnreadable before the browser is asked to decode anything."""
    bomb = io.BytesIO()
    Image.new("1", (7999, 7999)).save(bomb, "PNG")
    for data in (b"not a picture at all", b"\xff\xd8\xff\xe0\x00\x10JFIF", bomb.getvalue()):
        with pytest.raises(PhotoUnreadable):
            prepare_in_browser(data)


def test_the_web_app_without_pillow_prepares_with_the_browser(monkeypatch):
    """In the browser with no Pillow, prepare_photo hands the photo to the browser's path."""
    import app.media.prepare_browser as browser

    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    monkeypatch.setattr(browser, "prepare_in_browser", lambda data, settings, side: ("browser", side))
    assert prepare_photo(b"x") == ("browser", 1600)


def test_a_camera_typing_its_exif_pointers_as_ifd_is_read_too():
    """Pointers to the EXIF and GPS directories typed IFD (13) instead of LONG are followed."""
    source = bytearray(camera_jpeg())
    tiff_at = source.find(b"Exif\x00\x00") + 6
    for tag in (b"\x69\x87", b"\x25\x88"):  # little endian 0x8769, 0x8825 entries: type LONG -> IFD
        at = source.find(tag + b"\x04\x00", tiff_at)
        source[at + 2:at + 4] = b"\x0d\x00"
    kept = exif_lite.kept_fields(bytes(source), PhotoSettings(keep_gps=True))
    assert kept.gps and kept.exif
    assert read_back(exif_lite.with_exif(canvas_jpeg(), kept)).get_ifd(0x8825)[1] == "N"
