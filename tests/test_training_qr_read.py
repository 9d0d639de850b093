"""Issue 13, traintrainer: the session QR code drawn with segno is read back with zxing-cpp from
clean, scaled, rotated and photo-like pictures; a picture without one, or not a picture, is None."""

import io

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

from app.domain.training import codes
from app.media import qr

TEXT = codes.qr_text("ts-2026-001", "004211")


def _qr_image(scale: int = 10) -> Image.Image:
    return Image.open(io.BytesIO(qr.png(TEXT, scale=scale))).convert("RGB")


def _jpeg(img: Image.Image, quality: int = 70) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def test_the_drawn_png_reads_back_as_the_session_and_code():
    """segno's PNG decodes to the QR text and parses to the session and its code."""
    data = qr.png(TEXT)
    assert data.startswith(b"\x89PNG")
    assert qr.decode(data) == TEXT
    assert qr.read_training_code(data) == codes.QrPayload("ts-2026-001", "004211")


@pytest.mark.parametrize("angle", [90, 17, -33, 180])
def test_a_rotated_and_scaled_code_is_read(angle):
    """Turned by any angle and shrunk or enlarged, as a phone held crooked at some distance sees it."""
    img = _qr_image(scale=7).rotate(angle, expand=True, fillcolor="white", resample=Image.BICUBIC)
    for side in (260, 900):
        shown = img.resize((side, side), Image.BILINEAR)
        assert qr.read_training_code(_jpeg(shown)) == codes.QrPayload("ts-2026-001", "004211"), (angle, side)


def test_a_mirrored_picture_is_read():
    """A front camera or webcam picture comes out mirrored (the browser's camera flips it): still read."""
    mirrored = ImageOps.mirror(_qr_image(scale=6))
    assert qr.read_training_code(_jpeg(mirrored)) == codes.QrPayload("ts-2026-001", "004211")


def test_a_photo_like_picture_of_the_trainers_screen_is_read():
    """The code on a phone screen in a room: small in a large grey picture with a gradient, tilted,
    blurred, noisy and JPEG-compressed."""
    photo = Image.new("L", (1280, 960))
    photo.putdata([min(255, 60 + x // 12 + y // 20) for y in range(960) for x in range(1280)])
    draw = ImageDraw.Draw(photo)
    draw.rectangle((380, 180, 900, 820), fill=30)  # the phone
    code = _qr_image(scale=9).convert("L").rotate(8, expand=True, fillcolor=255).resize((420, 420))
    photo.paste(code, (430, 290))
    photo = photo.filter(ImageFilter.GaussianBlur(1.2))
    photo = ImageChops.add(photo, Image.effect_noise(photo.size, 18), offset=-128)  # sensor noise
    assert qr.read_training_code(_jpeg(photo.convert("RGB"), quality=55)) == codes.QrPayload("ts-2026-001", "004211")


@pytest.mark.parametrize("data", [b"", b"not a picture", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
                                  _jpeg(Image.new("RGB", (640, 480), "white"))[:500]])
def test_a_bad_picture_is_none_without_a_crash(data):
    """Empty bytes, text, a broken PNG header and a cut-off JPEG are None."""
    assert qr.decode(data) is None
    assert qr.read_training_code(data) is None


def test_a_picture_without_our_code_is_none():
    """A blank picture, and another app's QR code (a web address), are not a session code."""
    assert qr.read_training_code(_jpeg(Image.new("RGB", (640, 480), "white"))) is None
    other = qr.png("https://example.com/menu")
    assert qr.decode(other) == "https://example.com/menu"
    assert qr.read_training_code(other) is None


def test_a_picture_bomb_is_refused_before_decoding():
    """A PNG claiming more pixels than any phone camera takes is None (read from its header only)."""
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    assert qr.decode(out.getvalue()) is None
