"""What the login screen and the kiosk say when the server refuses a PIN: the wait, in the
person's language, and a taken device."""

from datetime import timedelta

import httpx
import pytest

from app.i18n import SUPPORTED_LOCALES, Translator
from app.sync import ApiClient, RequestRejected
from app.ui.screens.login import sign_in_refusal


def refused(status: int, code: str, details=None) -> RequestRejected:
    return RequestRejected(status, code, "server text", details)


@pytest.mark.parametrize("locale", sorted(SUPPORTED_LOCALES))
def test_wait_is_said_in_the_persons_language(locale):
    """A 429 says how long to wait, as a duration in the person's language; a lock says ask a manager."""
    tr, en = Translator(locale), Translator("en")
    slowed = sign_in_refusal(tr, refused(429, "login_throttled", {"retry_after_s": 120, "locked": False}))
    assert tr.format_timedelta(timedelta(minutes=2)) in slowed
    locked = sign_in_refusal(tr, refused(429, "account_locked", {"retry_after_s": 86400, "locked": True}))
    assert tr.format_timedelta(timedelta(days=1)) in locked and locked != slowed
    bound = sign_in_refusal(tr, refused(409, "device_bound"))
    assert bound == tr.reason_message("device_bound")
    if locale != "en":
        for text, code in ((slowed, "login_throttled"), (locked, "account_locked"), (bound, "device_bound")):
            english = sign_in_refusal(en, refused(429 if code != "device_bound" else 409, code,
                                                  {"retry_after_s": 120 if code == "login_throttled" else 86400}))
            assert text != english, f"{locale} shows English for {code}"
    assert "{time}" not in slowed + locked


def test_english_wording():
    """The English texts a tester reads."""
    en = Translator("en")
    assert sign_in_refusal(en, refused(429, "login_throttled", {"retry_after_s": 30})) == \
        "Too many wrong PINs. Try again in 30 seconds."
    assert sign_in_refusal(en, refused(401, "invalid_credentials")) == "Wrong staff number or PIN"
    assert sign_in_refusal(en, refused(409, "device_bound")) == \
        "This phone is signed in to another person. They must log out on it first, or a manager can sign them out."  # noqa: E501


def test_a_bare_429_still_gives_the_wait_from_retry_after():
    """A 429 whose body lacks the wait (a proxy's) still tells the app the Retry-After seconds."""
    transport = httpx.MockTransport(lambda req: httpx.Response(429, headers={"Retry-After": "90"},
                                                               json={"code": "login_throttled", "message": "slow"}))
    client = ApiClient("http://api.test", "dev-msg-0001", transport=transport)
    with pytest.raises(RequestRejected) as exc:
        client.login("S3001", "1111")
    assert exc.value.details == {"retry_after_s": 90}
    assert sign_in_refusal(Translator("en"), exc.value) == "Too many wrong PINs. Try again in 2 minutes."


@pytest.mark.parametrize(("seconds", "said"), [(30, "30 seconds"), (60, "1 minute"), (61, "2 minutes"),
                                               (899, "15 minutes"), (3500, "1 hour"), (3601, "2 hours"),
                                               (86399, "1 day"), (86401, "2 days")])
def test_the_wait_said_is_never_shorter_than_the_real_one(seconds, said):
    """The wait is rounded up to the unit it is said in, so trying again then is not refused."""
    text = sign_in_refusal(Translator("en"), refused(429, "login_throttled", {"retry_after_s": seconds}))
    assert text == f"Too many wrong PINs. Try again in {said}."
