"""Translation review fixes (shared/notes/translation-review.md) and tidy catalogues."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from app.i18n import SUPPORTED_LOCALES, Translator
from app.i18n.catalogs import po_path
from app.i18n.tidy import ARABIC_PLURAL_NOTE, tidy_text

REVIEWED = [
    ("zh_Hant_HK", "Approvals", "批核"),
    ("zh_Hant_HK", "No requests waiting for you.", "沒有待你批核的申請。"),
    ("zh_Hans", "Clocked in", "上班已打卡"),
    ("zh_Hans", "Not clocked in", "上班未打卡"),
    ("ar", "Kiosk", "جهاز الحضور المشترك"),
    ("ar", "No thanks, use my PIN", "لا، شكرًا، سأستخدم الرمز السري"),
    ("ar", "I agree, set up face check", "أوافق، فعّل التحقق من الوجه"),
    ("ar", "Approvals", "الطلبات المعلّقة"),
    ("id", "Log out", "Keluar akun"),
    ("id", "You are already on a break.", "Anda sedang istirahat."),
    ("ms", "Face check", "Semakan wajah"),
    ("ms", "left early", "pulang awal"),
    ("th", "Kiosk", "เครื่องลงเวลา"),
    ("th", "Task done", "ทำงานที่ได้รับมอบหมายเสร็จแล้ว"),
    ("vi", "Online", "Có mạng"),
    ("vi", "Offline", "Mất mạng"),
    ("vi", "You are not on a break.", "Bạn hiện không trong giờ nghỉ."),
]
#: Words the review found wrong, per locale: none may remain anywhere in the catalogue.
BANNED = {"zh_Hant_HK": ["審批", "已讀回條"], "zh_Hans": ["已上班打卡", "未上班打卡", "今日"],
          "ar": ["كشك"], "id": ["foto pengaturan", "kedaluwarsa", "Kedaluwarsa", "Pindah ke dekat"],
          "ms": ["lapuk", "engesahan wajah", "balik awal"], "th": ["ข้อความความยินยอม", "คีออสก์"],
          "vi": ["Trực tuyến", "Ngoại tuyến"]}


@pytest.mark.parametrize("locale, msgid, expected", REVIEWED)
def test_reviewed_strings_are_fixed(locale, msgid, expected):
    """Each string the reviewer marked wrong or unnatural now reads as suggested."""
    assert Translator(locale).gettext(msgid) == expected


def test_reviewed_plurals_and_placeholders():
    """Plural strings from the review: Thai broadcasts use ฉบับ, Vietnamese says what was rejected."""
    assert Translator("th").ngettext("{count} unread broadcast", "{count} unread broadcasts", 2).endswith("ฉบับ")
    assert Translator("vi").ngettext("{count} rejected", "{count} rejected", 2) == "2 thao tác bị từ chối"
    hours = Translator("ar").gettext("{hours} h", hours="8")
    assert hours.replace("\u2068", "").replace("\u2069", "") == "8 س"


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc in BANNED])
def test_wrong_words_are_gone(locale):
    """No catalogue keeps a word the review replaced (siblings of the listed strings too)."""
    text = po_path(locale).read_text("utf-8")
    assert [w for w in BANNED[locale] if w in text] == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_catalogues_are_tidy(locale):
    """No stale '# | msgid' comments, obsolete entries or template author; revision after creation."""
    text = po_path(locale).read_text("utf-8")
    assert not re.search(r"^#\s?\|", text, re.M)
    assert not re.search(r"^#~", text, re.M)
    assert "FIRST AUTHOR" not in text
    dates = {k: dt.datetime.strptime(v, "%Y-%m-%d %H:%M%z")
             for k, v in re.findall(r'"(POT-Creation-Date|PO-Revision-Date): ([^"\\]+)\\n"', text)}
    assert dates["PO-Revision-Date"] > dates["POT-Creation-Date"]
    if locale == "ar":
        assert ARABIC_PLURAL_NOTE in text


def test_tidy_step_removes_what_pybabel_leaves():
    """The extract step's clean-up drops stale previous-msgid comments and obsolete entries."""
    messy = ('# Arabic translations.\n# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.\n#\nmsgid ""\nmsgstr ""\n'
             '"POT-Creation-Date: 2026-11-30 16:34+0000\\n"\n"PO-Revision-Date: 2026-11-25 20:09+0000\\n"\n\n'
             '# | msgid "Online"\n#: app/x.py:1\nmsgid "Offline"\nmsgstr "x"\n\n'
             '#~ msgid "Gone"\n#~ msgstr "y"\n')
    tidy = tidy_text(messy, "ar", now=dt.datetime(2026, 11, 30, 19, 0, tzinfo=dt.timezone.utc))
    assert "# | msgid" not in tidy and "#~" not in tidy and "FIRST AUTHOR" not in tidy
    assert '"PO-Revision-Date: 2026-11-30 19:00+0000\\n"' in tidy
    assert 'msgid "Offline"\nmsgstr "x"\n' in tidy and ARABIC_PLURAL_NOTE in tidy
    assert tidy_text(tidy, "ar") == tidy  # idempotent: a second run changes nothing


def test_extract_script_runs_the_tidy_step_without_previous_ids():
    """scripts/i18n_extract.sh no longer asks pybabel for previous msgids, and tidies after updating."""
    script = (po_path("en").parents[3] / "scripts" / "i18n_extract.sh").read_text()
    assert "--previous" not in script and "--ignore-obsolete" in script
    assert "-m app.i18n tidy" in script
