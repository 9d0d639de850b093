"""Issue 13, trainsign: the rotating session code (app.domain.training.codes): RFC 6238 arithmetic,
rotation every 30 s, the one-step grace, expired and future codes, typed-code forms, the QR text."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.training import codes as c
from app.domain.training.codes import CodeFormatError, CodeVerdict

SECRET = bytes(range(32))  # fixed, so no test depends on a chance collision
#: A moment exactly at the start of a 30-second step.
STEP_START = datetime.fromtimestamp(c.STEP_S * 59_000_000, UTC)
MID = STEP_START + timedelta(seconds=15)


def at(seconds: float) -> datetime:
    return STEP_START + timedelta(seconds=seconds)


@pytest.mark.parametrize("unix, expected", [
    (59, "119246"), (1111111109, "084774"), (1234567890, "819424"), (20000000000, "737706"),
])
def test_codes_follow_rfc_6238_sha256_vectors(unix, expected):
    """The code is RFC 6238's HMAC-SHA256 TOTP (its appendix B vectors, last 6 of the 8 digits)."""
    secret = b"12345678901234567890123456789012"
    assert c.code_at(secret, datetime.fromtimestamp(unix, UTC)) == expected


def test_code_rotates_every_30_seconds():
    """The code stays the same through one 30-second step and changes at the next one."""
    first = c.code_at(SECRET, at(0))
    assert c.code_at(SECRET, at(29.999)) == first
    codes = [c.code_at(SECRET, at(30 * i)) for i in range(6)]
    assert codes[0] == first and len(set(codes)) == 6
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert c.seconds_left(at(0)) == 30 and c.seconds_left(at(20)) == 10


def test_each_session_secret_gives_its_own_codes():
    """Two sessions' secrets give different codes at the same time; new secrets are random."""
    other = c.new_secret()
    assert other != c.new_secret() and len(other) == c.SECRET_BYTES
    assert [c.code_at(SECRET, at(30 * i)) for i in range(5)] != [c.code_at(other, at(30 * i)) for i in range(5)]


def test_trainer_phone_shows_the_code_of_the_server_clock():
    """A trainer phone 3 minutes slow shows the code of its clock plus the sync offset, which the
    server accepts; with no offset estimate yet it uses its own clock."""
    slow = MID - timedelta(minutes=3)
    shown = c.shown_code(SECRET, slow, 180_000)
    assert shown == c.code_at(SECRET, MID) and c.verify_code(SECRET, shown, MID).accepted
    assert c.shown_code(SECRET, slow, None) == c.code_at(SECRET, slow)


def test_current_code_accepted():
    """The code shown at the recorded time is accepted, anywhere in its step."""
    code = c.code_at(SECRET, at(0))
    assert c.verify_code(SECRET, code, at(0)) is CodeVerdict.CURRENT
    assert c.verify_code(SECRET, code, at(29.9)) is CodeVerdict.CURRENT


def test_previous_code_valid_in_grace_the_one_before_refused_as_expired():
    """The previous step's code (read just before it changed) is accepted; the one before it is
    expired, and codes from minutes ago are expired too."""
    now = at(95)  # step +3
    assert c.verify_code(SECRET, c.code_at(SECRET, at(60)), now) is CodeVerdict.PREVIOUS
    assert CodeVerdict.PREVIOUS.accepted
    for seconds in (30, 0, -300):
        verdict = c.verify_code(SECRET, c.code_at(SECRET, at(seconds)), now)
        assert verdict is CodeVerdict.EXPIRED and not verdict.accepted
        assert verdict.reason == c.REASON_CODE_EXPIRED


def test_code_from_long_ago_is_just_wrong():
    """Beyond the lookback a past code is not recognised: it is wrong, like a mistyped one."""
    old = c.code_at(SECRET, MID - timedelta(hours=1))
    assert c.verify_code(SECRET, old, MID) is CodeVerdict.WRONG
    assert c.verify_code(SECRET, c.code_at(bytes(range(1, 33)), MID), MID) is CodeVerdict.WRONG


def test_future_code_refused():
    """A code of a later step (precomputed, or a phone clock far ahead) is refused as wrong."""
    for seconds in (30, 60, 600):
        verdict = c.verify_code(SECRET, c.code_at(SECRET, at(seconds)), at(15))
        assert verdict is CodeVerdict.WRONG and verdict.reason == c.REASON_CODE_WRONG


def test_next_code_accepted_only_within_clock_jitter_of_its_step():
    """A code that changed on the trainer's screen a few seconds before the server's estimate
    (clock estimates differ by a second or two) is accepted; 6 s early is a future code."""
    following = c.code_at(SECRET, at(30))
    assert c.verify_code(SECRET, following, at(30 - c.MAX_FORWARD_SKEW_S)) is CodeVerdict.CURRENT
    assert c.verify_code(SECRET, following, at(30 - c.MAX_FORWARD_SKEW_S - 1)) is CodeVerdict.WRONG


@pytest.mark.parametrize("typed", ["12345", "1234567", "", "12a456", "12-456", "١٢٣٤٥٦", "123456\x00", "abcdef"])
def test_wrong_length_or_non_digits_refused(typed):
    """A typed code that is not exactly 6 ASCII digits is refused as malformed, before any check."""
    with pytest.raises(CodeFormatError) as err:
        c.verify_code(SECRET, typed, MID)
    assert err.value.reason == c.REASON_CODE_MALFORMED


def test_typed_code_forms_accepted():
    """Spaces (as the trainer's screen groups them) and full-width digits of a Chinese keyboard are fine."""
    code = c.code_at(SECRET, MID)
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (f"{code[:3]} {code[3:]}", f" {code}\n", full_width):
        assert c.normalize_code(typed) == code
        assert c.verify_code(SECRET, typed, MID) is CodeVerdict.CURRENT


def test_times_must_be_aware_and_secrets_long_enough():
    """A naive time or a short secret is a programming error, raised at once."""
    with pytest.raises(ValueError):
        c.code_at(SECRET, datetime(2026, 12, 1, 10))
    with pytest.raises(ValueError):
        c.code_at(b"short", MID)


def test_secret_text_round_trip():
    """A secret stored as base32 text reads back the same; bad or short text is refused."""
    text = c.encode_secret(SECRET)
    assert "=" not in text and c.decode_secret(text) == SECRET and c.decode_secret(text.lower()) == SECRET
    for bad in ("not base32!", c.encode_secret(b"x" * 8)):
        with pytest.raises(ValueError):
            c.decode_secret(bad)


def test_qr_text_round_trip():
    """The QR carries a short text with the session id and the code, and parses back to both."""
    text = c.qr_text("ts-2026-001", "004211")
    assert text == "shopfloor:training/ts-2026-001/004211"
    assert c.parse_qr(text) == c.QrPayload("ts-2026-001", "004211")
    assert c.parse_qr(f"  {text}\n") == c.QrPayload("ts-2026-001", "004211")
    with pytest.raises(ValueError):
        c.qr_text("has space", "004211")
    with pytest.raises(CodeFormatError):
        c.qr_text("ts-1", "42")


@pytest.mark.parametrize("scanned", [
    "", "004211", "https://example.com/ts-1/004211", "shopfloor:training/ts-1/04211",
    "shopfloor:training/ts-1/0042111", "shopfloor:training/ts-1/00421a", "shopfloor:training//004211",
    "shopfloor:training/ts 1/004211", "shopfloor:training/ts-1/004211/extra", "SHOPFLOOR:training/ts-1/004211",
    "shopfloor:training/ts-1/004211?x=1", "shopfloor:training/" + "a" * 65 + "/004211", None, b"bytes",
])
def test_malformed_qr_refused_with_a_clear_error(scanned):
    """Another app's QR, a cut-off scan or a code of the wrong length is refused as malformed."""
    with pytest.raises(CodeFormatError, match="not a Shopfloor training session code") as err:
        c.parse_qr(scanned)
    assert err.value.reason == c.REASON_CODE_MALFORMED
