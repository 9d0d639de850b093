"""Photo loading and quality checks: every refusal has its own machine code."""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.face import (
    FaceError,
    FaceQualityError,
    NotAnImageError,
    QualityCode,
    detect_faces,
    encode_photo,
    load_image,
    verify,
)
from tests.face_fixtures import (
    GROUP_PHOTO,
    blurred,
    darkened,
    embedding,
    no_face_image,
    photo,
    pil,
    single_face_photos,
    to_jpeg,
    to_png,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", single_face_photos())
def test_every_fixture_photo_passes_quality(name):
    """Each single-face fixture photo yields exactly one finite 128-d embedding."""
    vec = embedding(name)
    assert vec.shape == (128,)
    assert np.all(np.isfinite(vec))


def test_rgba_png_is_composited_to_rgb():
    """An RGBA PNG loads as 3-channel RGB and gives the same face as its JPEG twin."""
    img = Image.open(io.BytesIO(photo("obama_rgba_32bit.png")))
    assert img.mode == "RGBA"
    arr = load_image(photo("obama_rgba_32bit.png"))
    assert arr.shape[2] == 3 and arr.dtype == np.uint8
    assert verify(embedding("obama_rgba_32bit.png"), [embedding("obama_2.jpg")]).distance < 0.1


def test_transparent_pixels_become_white():
    """Fully transparent pixels load as white, what a user sees behind the PNG."""
    rgba = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert load_image(to_png(rgba)).tolist() == [[[255, 255, 255]] * 4] * 4


def test_exif_orientation_is_applied():
    """A sideways-stored photo with an EXIF Orientation tag is turned upright before
    detection, so it verifies like the original."""
    upright = pil("obama_480p.jpg")
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # how the sensor stored it
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=92, exif=exif)
    arr = load_image(buf.getvalue())
    assert arr.shape[:2] == (upright.height, upright.width)
    sample = encode_photo(buf.getvalue())
    assert verify(sample.embedding, [embedding("obama_480p.jpg")]).distance < 0.15


@pytest.mark.parametrize(
    "data",
    [b"", b"not an image at all", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", photo("obama_1.jpg")[:2000]],
    ids=["empty", "text", "pdf", "truncated-jpeg"],
)
def test_non_image_refused_with_clear_error(data):
    """Bytes that are not a whole image raise NotAnImageError (a FaceError and ValueError)."""
    with pytest.raises(NotAnImageError) as info:
        encode_photo(data)
    assert isinstance(info.value, FaceError) and isinstance(info.value, ValueError)
    assert "image" in str(info.value)


def test_non_bytes_input_is_a_type_error():
    """Passing a path instead of bytes is a programming error, not a bad photo."""
    with pytest.raises(TypeError):
        load_image("obama_1.jpg")


def _code(data: bytes) -> QualityCode:
    with pytest.raises(FaceQualityError) as info:
        encode_photo(data)
    assert isinstance(info.value, FaceError)
    return info.value.code


def test_group_photo_refused_as_several_faces():
    """A selfie with two faces is refused with code several_faces."""
    assert len(detect_faces(load_image(photo(GROUP_PHOTO)))) == 2
    assert _code(photo(GROUP_PHOTO)) == "several_faces"


def test_picture_without_face_refused_as_no_face():
    """A gradient with shapes, and a crop of background, are refused with code no_face."""
    assert _code(no_face_image()) == QualityCode.NO_FACE
    img = pil("obama_1080p.jpg")
    background = img.crop((0, 0, 500, img.height // 2))  # left of the face
    assert _code(to_jpeg(background)) == QualityCode.NO_FACE


def test_dark_photo_refused_as_too_dark():
    """An underexposed photo whose face is still found is refused with code too_dark."""
    assert _code(darkened("obama_1.jpg", 0.15)) == QualityCode.TOO_DARK
    assert _code(darkened("biden_2.jpg", 0.15)) == QualityCode.TOO_DARK


def test_blurry_photo_refused_as_too_blurry():
    """A photo blurred by 2 % of the face width is refused with code too_blurry."""
    assert _code(blurred("obama_1.jpg", 0.02, 266)) == QualityCode.TOO_BLURRY
    assert _code(blurred("biden_2.jpg", 0.02, 483)) == QualityCode.TOO_BLURRY


def test_small_face_refused_as_too_small():
    """A face too small to judge safely (about 45 px: see QualityThresholds) is refused with code too_small."""
    face = pil("obama_480p.jpg").resize((278, 156))  # face about 45 px wide
    canvas = Image.new("RGB", (800, 600), (90, 110, 100))
    canvas.paste(face, (261, 222))
    assert _code(to_jpeg(canvas)) == QualityCode.TOO_SMALL


def test_quality_code_is_a_plain_string():
    """Codes serialise as their machine names, for the API and the UI's advice table."""
    err = FaceQualityError(QualityCode.TOO_DARK, "dark")
    assert err.code == "too_dark" and str(err.code) == "too_dark"
    assert {c.value for c in QualityCode} == {
        "no_face", "several_faces", "too_small", "too_blurry", "too_dark", "mask"
    }


def test_package_imports_without_dlib():
    """`import app.face` works where face_recognition/dlib are missing (phone builds);
    only the functions that need dlib fail, with FaceEngineUnavailableError."""
    code = (
        "import sys\n"
        "sys.modules['face_recognition'] = None\n"
        "sys.modules['dlib'] = None\n"
        "import numpy as np, app.face as f\n"
        "assert f.verify(np.zeros(128), [np.zeros(128)]).matched\n"
        "try:\n"
        "    f.detect_faces(np.zeros((8, 8, 3), np.uint8))\n"
        "except f.FaceEngineUnavailableError:\n"
        "    print('unavailable')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "unavailable"
