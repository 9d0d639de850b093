"""Mixed-direction text in Arabic: embedded names, numbers and times are bidi-isolated."""

from __future__ import annotations

from bidi import get_display

from app.i18n import REASON_MESSAGES, Translator
from app.i18n.translator import FSI, PDI

STORE = "Sha Tin (New Town Plaza)"
NAME = "Chan Tai Man"


def seen(text: str) -> str:
    """What an Arabic screen draws, left to right (Unicode bidi algorithm, RTL paragraph)."""
    return get_display(text, base_dir="R").replace(FSI, "").replace(PDI, "")


def test_arabic_placeholders_are_isolated():
    """An Arabic sentence isolates each substituted value (a store name keeps its brackets)."""
    t = Translator("ar")
    text = t._("{start}–{end} at {store}", start="09:00", end="18:00", store=STORE)
    assert f"{FSI}{STORE}{PDI}" in text
    assert f"{FSI}09:00{PDI}" in text
    assert STORE in seen(text)  # drawn as "Sha Tin (New Town Plaza)", not "(Sha Tin (New Town Plaza"
    plural = t.ngettext("{count} action waiting", "{count} actions waiting", 3)
    assert f"{FSI}٣{PDI}" in plural or f"{FSI}3{PDI}" in plural


def test_arabic_sentence_keeps_its_full_stop_at_the_end():
    """The full stop of an Arabic sentence ending in a Latin name stays after the name (on its left)."""
    t = Translator("ar")
    text = t._("Are you {name}?", name=NAME)
    drawn = seen(text)
    # Right to left: the question mark is drawn at the far left, after the Latin name.
    assert drawn.index("؟" if "؟" in drawn else "?") < drawn.index(NAME)


def test_arabic_rows_keep_their_parts_in_reading_order():
    """'name · time' in Arabic reads name first (rightmost), then the time: parts are isolated."""
    t = Translator("ar")
    row = t.join(NAME, "09:30")
    drawn = seen(row)
    assert drawn.index("09:30") < drawn.index(NAME), drawn  # the time is on the left
    assert t.join("S3001", t._("Staff")).count(FSI) == 2


def test_reason_messages_are_isolated_too():
    """Reason messages with placeholders go through the same isolation (one formatting path)."""
    t = Translator("ar")
    text = REASON_MESSAGES.text(t, "no_such_code_for_test")
    assert f"{FSI}no_such_code_for_test{PDI}" in text


def test_left_to_right_languages_are_unchanged():
    """English and Chinese get plain text: no invisible characters where none are needed."""
    for locale in ("en", "zh_Hant_HK", "th"):
        t = Translator(locale)
        text = t._("{start}–{end} at {store}", start="09:00", end="18:00", store=STORE)
        assert FSI not in text and PDI not in text
        assert t.join(NAME, "09:30") == f"{NAME} · 09:30"
