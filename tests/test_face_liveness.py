"""Liveness from a few frames, and replay fingerprints of selfies."""

import numpy as np
import pytest
from PIL import Image

from app.face import (
    FaceQualityError,
    PhotoFingerprint,
    check_liveness,
    fingerprint,
    is_replay,
)
from app.face.liveness import nonrigid_motion
from tests.face_fixtures import no_face_image, photo, pil, single_face_photos, to_jpeg


def reencoded(name: str, *, scale=1.0, quality=60, rotate=0.0, shift=0) -> bytes:
    """The same photo as a phone would resend it: rescaled, recompressed, tilted, shifted."""
    img = pil(name)
    if rotate:
        img = img.rotate(rotate, resample=Image.BILINEAR, fillcolor=(128, 128, 128))
    img = img.resize((int(img.width * scale), int(img.height * scale)))
    if shift:
        img = img.crop((shift, shift, img.width, img.height))
    return to_jpeg(img, quality=quality)


def test_head_turn_between_two_photos_is_live():
    """obama_1 then obama_2 (a different head pose) passes, as a live user turning would."""
    result = check_liveness([photo("obama_1.jpg"), photo("obama_2.jpg")])
    assert result.live and result.reason is None, result
    assert result.motion > 0.1 and result.yaw_change > 0.1


def test_three_frames_alternating_poses_is_live():
    """Three frames (pose A, pose B, pose A) pass."""
    frames = [photo("obama_2.jpg"), photo("obama_1.jpg"), reencoded("obama_2.jpg", quality=80)]
    assert check_liveness(frames).live


@pytest.mark.parametrize("name", ["obama_1.jpg", "biden_2.jpg", "rose_leslie_1.jpg"])
def test_still_photo_as_every_frame_refused(name):
    """The very same photo sent as every frame is refused as a still photo."""
    result = check_liveness([photo(name)] * 3)
    assert not result.live and result.reason == "still_photo"
    assert result.motion == 0.0


@pytest.mark.parametrize("name", ["obama_1.jpg", "obama_2.jpg", "kit_harington_2.jpg"])
def test_reencoded_still_photo_refused(name):
    """Copies of one photo, re-encoded, shrunk, tilted and shifted, are refused."""
    frames = [
        photo(name),
        reencoded(name, scale=0.8, quality=60),
        reencoded(name, scale=0.6, quality=50, rotate=8, shift=30),
    ]
    result = check_liveness(frames)
    assert not result.live and result.reason in ("still_photo", "no_motion"), result


def test_mildly_reencoded_copies_are_named_a_still_photo():
    """Near-identical copies of one photo are reported with reason still_photo."""
    frames = [photo("obama_1.jpg"), reencoded("obama_1.jpg", quality=85)]
    assert check_liveness(frames).reason == "still_photo"


def test_frames_of_different_people_refused():
    """Frames showing two different people are refused, however much they "move"."""
    result = check_liveness([photo("obama_1.jpg"), photo("biden_1.jpg")])
    assert not result.live and result.reason == "different_people"
    assert result.identity_distance > 0.6


def test_frame_without_face_names_the_frame():
    """A frame with no face raises FaceQualityError with that frame's index."""
    with pytest.raises(FaceQualityError) as info:
        check_liveness([photo("obama_1.jpg"), no_face_image()])
    assert (info.value.code, info.value.frame) == ("no_face", 1)


def test_frame_count_checked():
    """Liveness needs 2 to 5 frames."""
    with pytest.raises(ValueError):
        check_liveness([photo("obama_1.jpg")])


def test_nonrigid_motion_ignores_shift_zoom_and_rotation():
    """Moving a flat picture (shift, zoom, in-plane rotation) is not motion; changing
    its shape is."""
    rng = np.random.default_rng(3)
    pts = rng.uniform(0, 100, (60, 2))
    angle = np.deg2rad(20)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    moved = 1.7 * pts @ rot.T + np.array([40.0, -12.0])
    assert nonrigid_motion(pts, moved) < 1e-9
    bent = pts.copy()
    bent[30:36, 0] += 15.0  # the "nose" slides sideways
    assert nonrigid_motion(pts, bent) > 0.05


def test_repeated_photo_is_a_replay():
    """The same selfie uploaded twice is a replay, and so is a re-encoded copy of it."""
    first = fingerprint(photo("obama_1.jpg"))
    seen = [fingerprint(photo("biden_1.jpg")), first]
    assert is_replay(fingerprint(photo("obama_1.jpg")), seen)
    copy = fingerprint(reencoded("obama_1.jpg", scale=0.5, quality=40))
    assert copy.sha256 != first.sha256
    assert is_replay(copy, seen)


def test_new_photo_is_not_a_replay():
    """A different photo, even of the same person, is not a replay."""
    names = [n for n in single_face_photos() if n not in ("obama_480p.jpg", "obama_rgba_32bit.png")]
    seen = [fingerprint(photo(n)) for n in names if n != "obama_2.jpg"]
    assert not is_replay(fingerprint(photo("obama_2.jpg")), seen)
    assert not is_replay(fingerprint(photo("obama_2.jpg")), [])


def test_fingerprint_text_round_trip():
    """Fingerprints stored as text compare the same as the objects."""
    fp = fingerprint(photo("kit_harington_1.jpg"))
    text = str(fp)
    assert PhotoFingerprint.parse(text) == fp
    assert is_replay(fp, [text])
    with pytest.raises(ValueError):
        PhotoFingerprint.parse("nonsense")
