"""Liveness from a few frames, and replay fingerprints of selfies."""

import itertools
import json

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
from app.face.homography import apply_homography
from app.face.liveness import MIN_BLINK, MIN_DEPTH, eye_aspect_ratio, flat_residual, nonrigid_motion, unexplained_blink
from tests.face_conditions import framed, keystone_sequence, keystoned, print_sequence, printed_turned, selfie
from tests.face_fixtures import identity_of, no_face_image, photo, pil, single_face_photos, to_jpeg

#: One photo of every fixture identity, printed and held up to the camera.
PRINTED = ["obama_1.jpg", "biden_1.jpg", "kit_harington_1.jpg", "rose_leslie_1.jpg",
           "alex_lacamoire_1.png", "lin_manuel_miranda_1.png"]
#: Every two fixture photos of one person: different real poses, as a live head gives.
REAL_PAIRS = [(a, b) for a, b in itertools.combinations(
    ["obama_1.jpg", "obama_2.jpg", "obama_3.jpg", "biden_1.jpg", "biden_2.jpg", "kit_harington_1.jpg",
     "kit_harington_2.jpg", "rose_leslie_1.jpg", "rose_leslie_2.jpg", "alex_lacamoire_1.png",
     "alex_lacamoire_2.jpg"], 2) if identity_of(a) == identity_of(b)]


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


@pytest.mark.parametrize("name", PRINTED)
@pytest.mark.parametrize("yaw", [15, 25, 35, 45, -15, -25, -35, -45])
def test_print_turned_towards_the_camera_is_refused(name, yaw):
    """A flat print turned from square-on to 15-45 degrees either way is refused: its
    squeeze is a perspective transform, not a head turn."""
    result = check_liveness(print_sequence(name, yaw))
    assert not result.live and result.reason in ("still_photo", "no_motion"), result
    assert result.depth < MIN_DEPTH


@pytest.mark.parametrize("name", PRINTED)
@pytest.mark.parametrize("amount", [0.1, 0.2, 0.3, 0.4, -0.1, -0.2, -0.3, -0.4])
def test_keystoned_print_is_refused(name, amount):
    """A print tipped back or forward (keystone 0.1-0.4, top or bottom edge narrower) is refused."""
    result = check_liveness(keystone_sequence(name, amount))
    assert not result.live and result.reason in ("still_photo", "no_motion"), result


def _print_moved(name: str, step: int) -> bytes:
    """A print at ``step`` of a hand moving it: tipped, turned, rotated and shifted at once."""
    image = printed_turned(keystoned(framed(name, 200), 0.12 * step), 14 * step)
    image = image.rotate(7 * step, resample=Image.BICUBIC, fillcolor=(90, 90, 90))
    shifted = Image.new("RGB", image.size, (90, 90, 90))
    shifted.paste(image, (18 * step, -11 * step))
    return to_jpeg(shifted)


@pytest.mark.parametrize("name", ["obama_1.jpg", "biden_1.jpg", "rose_leslie_1.jpg"])
def test_print_moved_every_way_at_once_is_refused(name):
    """A print rotated, shifted, turned and tipped together is still one perspective
    transform of a flat picture, and is refused."""
    result = check_liveness([_print_moved(name, step) for step in range(3)])
    assert not result.live and result.reason == "no_motion", result


@pytest.mark.parametrize("framing", [photo, selfie], ids=["as taken", "selfie 640x480"])
@pytest.mark.parametrize(("first", "second"), REAL_PAIRS)
def test_real_poses_of_one_person_are_live(first, second, framing):
    """Two real photos of one person in different poses pass (the nose moves against the
    eyes and mouth, which no flat picture does), in either order, as taken and framed as a
    phone selfie."""
    for frames in ([framing(first), framing(second)], [framing(second), framing(first)]):
        result = check_liveness(frames)
        assert result.live and result.reason is None, result
        assert result.depth >= MIN_DEPTH


def _turned_print_points(points: np.ndarray) -> np.ndarray:
    """``points`` as a print turned ~30 degrees and shifted would show them."""
    h = np.array([[0.85, 0.02, 12.0], [-0.01, 1.0, -5.0], [-6e-4, 0.0, 1.0]])
    return apply_homography(h, points)


def _closed_eyes(points: np.ndarray) -> np.ndarray:
    """``points`` with both eyes' lids brought to 10 % of their gap, as in a blink."""
    closed = points.copy()
    for eye in (slice(36, 42), slice(42, 48)):
        lids = closed[eye]
        middle = lids[[0, 3]].mean(axis=0)
        for i in (1, 2, 4, 5):
            lids[i, 1] = middle[1] + 0.1 * (lids[i, 1] - middle[1])
    return closed


def test_blink_is_live_even_on_a_turning_picture():
    """Eyelids closing (eye aspect ratio drop) count as a blink; the same picture only turned
    shows none, and shows no 3-D motion either."""
    from app.face import detect_faces, load_image
    from app.face.engine import face_landmarks

    image = load_image(photo("obama_1.jpg"))
    points = face_landmarks(image, detect_faces(image)[0])
    turned = _turned_print_points(points)
    assert flat_residual(points, turned) < 1e-6 and unexplained_blink(points, turned) < 1e-6
    blinked = _closed_eyes(turned)
    assert eye_aspect_ratio(points) - eye_aspect_ratio(blinked) > MIN_BLINK
    assert unexplained_blink(points, blinked) >= MIN_BLINK
    assert unexplained_blink(blinked, points) >= MIN_BLINK


def test_server_flags_a_turned_print_as_failed_liveness(api):
    """The server re-checks liveness with the same function: a print turned 35 degrees,
    sent as selfie and frames, is recorded with the liveness_failed flag."""
    from tests.test_api_punches import _enrol, _punch, _shift_now, _stored, _upload
    from tests.test_api_push import mutation, push

    _shift_now(api)
    _enrol(api, "u-s01")
    selfie, *frames = [_upload(api, "u-s01", f) for f in print_sequence("obama_1.jpg", 35)]
    push(api, "u-s01", [mutation(1, "punch.record", _punch(selfie=selfie, frames=frames, punch_id="pu-print"),
                                 age_s=1)])
    assert "liveness_failed" in json.loads(_stored(api, "pu-print")["flags"])
