"""Translations, locale negotiation and Babel formatting (app.i18n, locales/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from app.i18n import (
    DEFAULT_LOCALE,
    LOCALE_INFO,
    REASON_MESSAGES,
    SUPPORTED_LOCALES,
    MessageMap,
    N_,
    Translator,
    clear_cache,
    is_rtl,
    negotiate,
    parse_accept_language,
)
from app.i18n.catalogs import compile_catalog, load_translations, mo_path, po_path, read_catalog

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "locales"
POT = LOCALES / "messages.pot"
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
UTC = dt.timezone.utc

# The machine reason codes every client must be able to explain (product issue).
REQUIRED_REASONS = [
    "forbidden_role", "not_your_record", "unknown_mutation_type", "invalid_payload", "not_found",
    "sequence_gap", "conflict", "outside_geofence", "mocked_location", "inaccurate_location",
    "stale_location", "face_mismatch", "replay_detected", "already_clocked_in", "too_early", "clock_drift",
]


def _msgids(catalog) -> set:
    return {(m.context, m.id) for m in catalog if m.id}


def _pot():
    with open(POT, "rb") as fp:
        return read_po(fp)


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


@pytest.fixture(params=list(SUPPORTED_LOCALES))
def locale(request) -> str:
    return request.param


# -- catalogues -----------------------------------------------------------------

def test_every_supported_locale_has_a_catalogue():
    """Each of the 8 supported locales has locales/<code>/LC_MESSAGES/messages.po, and no stray ones exist."""
    assert list(SUPPORTED_LOCALES) == ["zh_Hant_HK", "zh_Hans", "en", "ar", "id", "ms", "th", "vi"]
    on_disk = {p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/messages.po")}
    assert on_disk == set(SUPPORTED_LOCALES)


def test_catalogue_is_complete(locale):
    """Every msgid of messages.pot is translated in every locale: no missing, empty or fuzzy entries."""
    catalog = read_catalog(po_path(locale), locale)
    pot_ids = _msgids(_pot())
    assert pot_ids, "messages.pot is empty"
    missing = pot_ids - _msgids(catalog)
    assert not missing, f"{locale}: msgids missing (run scripts/i18n_extract.sh): {sorted(map(str, missing))[:5]}"
    problems = []
    for message in catalog:
        if not message.id or (message.context, message.id) not in pot_ids:
            continue
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(s.strip() for s in _strings(message)):
            problems.append(f"untranslated: {message.id!r}")
    assert not problems, f"{locale}: " + "; ".join(problems[:10])


def test_plural_forms_match_the_locale(locale):
    """The Plural-Forms header is Babel's rule for the locale and every plural entry fills exactly that many forms."""
    catalog = read_catalog(po_path(locale), locale)
    expected = get_plural(locale)
    assert catalog.num_plurals == expected.num_plurals
    assert catalog.plural_expr.replace(" ", "") == expected.plural_expr.replace(" ", "")
    plurals = [m for m in catalog if m.id and isinstance(m.id, (list, tuple))]
    assert plurals, "the seed strings include ngettext entries"
    for message in plurals:
        assert len(message.string) == expected.num_plurals, (locale, message.id)


def test_placeholders_are_kept(locale):
    """Each translation (every plural form) uses exactly the {placeholders} of its msgid."""
    catalog = read_catalog(po_path(locale), locale)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        for text in _strings(message):
            assert set(PLACEHOLDER.findall(text)) == wanted, (locale, message.id, text)
            text.format(**{name: "x" for name in wanted})  # no stray braces


def test_catalogues_compile_with_babel(locale):
    """Babel's compiler and checkers accept every catalogue (format checks, plural counts) and produce a loadable .mo."""
    catalog = read_catalog(po_path(locale), locale)
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert not errors, errors
    data = compile_catalog(catalog)
    assert data[:4] in (b"\xde\x12\x04\x95", b"\x95\x04\x12\xde")


def test_catalogues_pass_gnu_msgfmt_check(locale, tmp_path):
    """GNU msgfmt --check-format -c (Debian package gettext) accepts every catalogue and the template."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "install the Debian package 'gettext' (msgfmt)"
    for path in (po_path(locale), POT):
        result = subprocess.run(
            [msgfmt, "--check-format", "-c", "-o", str(tmp_path / "out.mo"), str(path)],
            capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr.lower() or path == POT, result.stderr


def test_pot_is_up_to_date_with_the_code(tmp_path):
    """Extracting app/ again yields exactly the msgids of locales/messages.pot (a new _() string must be extracted and translated)."""
    fresh = tmp_path / "fresh.pot"
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "i18n_extract.sh"), "--pot", str(fresh)],
        capture_output=True, text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stderr
    with open(fresh, "rb") as fp:
        extracted = _msgids(read_po(fp))
    committed = _msgids(_pot())
    assert extracted == committed, (
        "locales/messages.pot is stale; run scripts/i18n_extract.sh and translate. "
        f"new: {sorted(map(str, extracted - committed))[:5]} gone: {sorted(map(str, committed - extracted))[:5]}"
    )


def test_extraction_finds_translator_methods_and_markers(tmp_path):
    """The extraction keywords pick up t._(), t.gettext(), t.ngettext() and the N_/Nn_ markers with keyword arguments."""
    src = tmp_path / "app"
    src.mkdir()
    (src / "screen.py").write_text(
        "from app.i18n import N_, Nn_\n"
        "A = N_('alpha marker')\n"
        "B = Nn_('{count} beta', '{count} betas')\n"
        "def view(t):\n"
        "    t._('gamma {x}', x=1)\n"
        "    t.gettext('delta')\n"
        "    t.ngettext('{count} eps', '{count} epses', 3)\n",
        encoding="utf-8",
    )
    script = (ROOT / "scripts" / "i18n_extract.sh").read_text(encoding="utf-8")
    keywords = re.findall(r"-k (\S+)", script)
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_keywords

    found = {m[2] if isinstance(m[2], str) else tuple(m[2])
             for m in extract_from_dir(str(src), keywords=parse_keywords(keywords))}
    assert found == {"alpha marker", ("{count} beta", "{count} betas"), "gamma {x}", "delta",
                     ("{count} eps", "{count} epses")}


def test_missing_mo_is_compiled_from_po(tmp_path):
    """Without a .mo the catalogue is compiled from the .po in memory, so a fresh checkout shows real translations."""
    target = tmp_path / "locales" / "th" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(po_path("th"), target / "messages.po")
    assert not mo_path("th", tmp_path / "locales").exists()
    t = Translator("th", locales_dir=tmp_path / "locales")
    assert t.gettext("Log in") == "เข้าสู่ระบบ"


def test_stale_mo_loses_to_newer_po(tmp_path):
    """A .mo older than its .po (a translator just edited it) is ignored in favour of the .po."""
    import os

    target = tmp_path / "locales" / "vi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    po = target / "messages.po"
    shutil.copy(po_path("vi"), po)
    (target / "messages.mo").write_bytes(compile_catalog(read_catalog(po, "vi")))
    os.utime(target / "messages.mo", (1_000_000, 1_000_000))
    text = po.read_text(encoding="utf-8").replace('msgstr "Đăng nhập"', 'msgstr "Đăng nhập!"')
    po.write_text(text, encoding="utf-8")
    clear_cache()
    assert Translator("vi", locales_dir=tmp_path / "locales").gettext("Log in") == "Đăng nhập!"


def test_missing_catalogue_is_an_error_not_english(tmp_path):
    """A supported locale with neither .mo nor .po raises instead of silently showing English."""
    (tmp_path / "locales").mkdir()
    with pytest.raises(FileNotFoundError):
        Translator("ms", locales_dir=tmp_path / "locales")


def test_catalogues_are_cached_per_locale():
    """Loaded catalogues are shared process-wide (immutable), one object per locale."""
    assert load_translations("ar") is load_translations("ar")
    assert load_translations("ar") is not load_translations("th")


# -- negotiation and direction -------------------------------------------------------

@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["zh-HK"], "zh_Hant_HK"),
        (["zh-TW"], "zh_Hant_HK"),
        (["zh-MO"], "zh_Hant_HK"),
        (["zh-Hant"], "zh_Hant_HK"),
        (["zh-Hant-TW"], "zh_Hant_HK"),
        (["yue-HK"], "zh_Hant_HK"),
        (["zh_HK.UTF-8"], "zh_Hant_HK"),
        (["zh-CN"], "zh_Hans"),
        (["zh-SG"], "zh_Hans"),
        (["zh-Hans-HK"], "zh_Hans"),
        (["zh"], "zh_Hans"),
        (["en-GB"], "en"),
        (["en_US"], "en"),
        (["ar-SA"], "ar"),
        (["ar-EG"], "ar"),
        (["ms-MY"], "ms"),
        (["id-ID"], "id"),
        (["in-ID"], "id"),
        (["th-TH"], "th"),
        (["vi-VN"], "vi"),
        (["fr-FR", "ms-MY", "en"], "ms"),
        (["fr-FR", "de"], DEFAULT_LOCALE),
        ([], DEFAULT_LOCALE),
        (["", "C", "POSIX"], DEFAULT_LOCALE),
        (["zh_Hant_HK"], "zh_Hant_HK"),
        (["zh_Hans"], "zh_Hans"),
    ],
)
def test_negotiate(tags, expected):
    """negotiate() maps device locale tags, in preference order, to a supported locale (default zh_Hant_HK)."""
    assert negotiate(tags) == expected


def test_negotiate_accept_language_header():
    """An Accept-Language header is honoured by quality, not by position."""
    assert parse_accept_language("en;q=0.5, th-TH, fr;q=0.9") == ["th-TH", "fr", "en"]
    assert negotiate("fr;q=0.9, vi;q=0.8, en;q=0.1") == "vi"
    assert negotiate(None) == DEFAULT_LOCALE
    assert DEFAULT_LOCALE == "zh_Hant_HK"


def test_rtl_only_for_arabic():
    """Only Arabic is right to left; the translator exposes the direction for the UI."""
    assert [code for code in SUPPORTED_LOCALES if is_rtl(code)] == ["ar"]
    assert Translator("ar").text_direction == "rtl"
    assert Translator("en").text_direction == "ltr"
    assert is_rtl("he") and not is_rtl("fr")


def test_picker_names_are_native():
    """The language picker shows each language in its own script, in the product's order."""
    assert SUPPORTED_LOCALES == {
        "zh_Hant_HK": "繁體中文（香港）",
        "zh_Hans": "简体中文",
        "en": "English",
        "ar": "العربية",
        "id": "Bahasa Indonesia",
        "ms": "Bahasa Melayu",
        "th": "ไทย",
        "vi": "Tiếng Việt",
    }
    assert LOCALE_INFO["zh_Hant_HK"].tag == "zh-Hant-HK"


def test_unsupported_locale_is_rejected():
    """Translator() refuses a locale we do not ship rather than guessing."""
    with pytest.raises(ValueError):
        Translator("fr")


# -- translators ----------------------------------------------------------------

def test_translators_are_per_session():
    """Two sessions in one process keep their own language; switching one does not affect the other."""
    a, b = Translator("zh_Hant_HK"), Translator("en")
    assert a.gettext("Staff number") == "員工編號"
    assert b.gettext("Staff number") == "Staff number"
    b.set_locale("ar")
    assert b.gettext("Log in") == "تسجيل الدخول"
    assert a.gettext("Log in") == "登入"
    assert a.locale == "zh_Hant_HK" and b.locale == "ar"


def test_hong_kong_wording():
    """zh_Hant_HK uses Hong Kong terms (員工編號, 打卡, 更表), zh_Hans Simplified ones."""
    hk, sc = Translator("zh_Hant_HK"), Translator("zh_Hans")
    assert hk._("Staff number") == "員工編號"
    assert hk._("Clock") == "打卡"
    assert hk._("Shifts") == "更表"
    assert sc._("Staff number") == "员工编号"


@pytest.mark.parametrize(
    ("locale", "n", "expected"),
    [
        ("en", 1, "1 action waiting"),
        ("en", 3, "3 actions waiting"),
        ("en", 1234, "1,234 actions waiting"),
        ("zh_Hant_HK", 1, "1 項操作等待同步"),
        ("zh_Hant_HK", 5, "5 項操作等待同步"),
        ("id", 2, "2 tindakan menunggu"),
        ("ar", 0, "0 إجراءات بانتظار المزامنة"),
        ("ar", 1, "1 إجراء بانتظار المزامنة"),
        ("ar", 2, "2 إجراءان بانتظار المزامنة"),
        ("ar", 5, "5 إجراءات بانتظار المزامنة"),
        ("ar", 11, "11 إجراءً بانتظار المزامنة"),
        ("ar", 100, "100 إجراء بانتظار المزامنة"),
    ],
)
def test_ngettext_plurals(locale, n, expected):
    """ngettext picks the locale's plural form and fills {count} with the locale-formatted number."""
    t = Translator(locale)
    text = t.ngettext("{count} action waiting", "{count} actions waiting", n)
    assert text.replace("\u2068", "").replace("\u2069", "") == expected  # Arabic isolates the number


def test_gettext_formats_keyword_placeholders():
    """gettext(msg, **kw) formats after translating; without kwargs the raw translation is returned."""
    t = Translator("zh_Hant_HK")
    assert t.gettext("Last synced {time}") == "上次同步：{time}"
    assert t._("Hello, {name}", name="陳大文") == "你好，陳大文"
    assert Translator("en").gettext("not a known msgid") == "not a known msgid"


def test_reason_codes_have_messages_in_every_locale():
    """Every machine reason code (and every app.protocol Reason) maps to a translated message, unknown codes to a generic one."""
    codes = set(REQUIRED_REASONS)
    try:
        from app.protocol.reasons import Reason
    except ImportError:  # the protocol module belongs to another package owner
        pass
    else:
        codes |= {str(r) for r in Reason}  # flags have short labels instead (test_protocol_codes)
    missing = codes - set(REASON_MESSAGES)
    assert not missing, f"add messages for {sorted(missing)} to app/i18n/reasons.py"
    for locale in SUPPORTED_LOCALES:
        t = Translator(locale)
        for code in codes:
            text = t.reason_message(code)
            assert text and "{" not in text
            if locale != "en":
                assert text != REASON_MESSAGES.msgid(code), (locale, code)
        assert "mystery_code" in t.reason_message("mystery_code")
    assert Translator("zh_Hant_HK").reason_message("outside_geofence").startswith("你不在")


def test_message_map_translates_lazily():
    """N_ marks without translating; MessageMap translates at lookup time in the session's language."""
    table = MessageMap({"in": N_("Clocked in"), "out": N_("Not clocked in")})
    assert table["in"] == "Clocked in"
    assert table.text(Translator("vi"), "in") == "Đã chấm công vào"
    assert table.text(Translator("th"), "out") == "ยังไม่ได้ลงเวลาเข้างาน"
    with pytest.raises(KeyError):
        table.text(Translator("en"), "nope")


# -- formatting -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("locale", "amount", "expected"),
    [
        ("en", Decimal("1234.5"), "HK$1,234.50"),
        ("zh_Hant_HK", Decimal("1234.5"), "HK$1,234.50"),
        ("ar", Decimal("1234.5"), "\u200f1,234.50\u00a0HK$"),
        ("en", -88, "-HK$88.00"),
        ("vi", 1234.5, "1.234,50\u00a0HK$"),
        ("id", 1234.5, "HK$1.234,50"),
    ],
)
def test_format_hkd(locale, amount, expected):
    """HKD amounts use Babel's currency format for the locale (symbol, grouping, 2 decimals, RTL mark)."""
    assert Translator(locale).format_hkd(amount) == expected


def test_dates_are_shown_in_hong_kong_time():
    """A UTC instant late on 31 Dec is 1 Jan in Asia/Hong_Kong; dates and times follow the store's zone."""
    late_utc = dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 Jan 2026 in HK
    en = Translator("en")
    assert en.format_date(late_utc) == "Jan 1, 2026"
    assert en.format_date(late_utc, "full") == "Thursday, January 1, 2026"
    assert en.format_time(late_utc, "short") == "12:30\u202fAM"
    assert en.format_datetime(late_utc, "short") == "1/1/26, 12:30\u202fAM"
    assert Translator("zh_Hant_HK").format_date(late_utc, "long") == "2026年1月1日"
    assert Translator("zh_Hans").format_time(late_utc, "short") == "00:30"
    # Naive datetimes are UTC (as stored); another time zone is configurable.
    assert en.format_date(late_utc.replace(tzinfo=None)) == "Jan 1, 2026"
    assert Translator("en", tz="UTC").format_date(late_utc) == "Dec 31, 2025"
    assert en.to_local(late_utc).utcoffset() == dt.timedelta(hours=8)


def test_numbers_and_durations():
    """Numbers, durations and relative times are localised by Babel."""
    assert Translator("en").format_number(1234567) == "1,234,567"
    assert Translator("vi").format_decimal(1234.5) == "1.234,5"
    assert Translator("en").format_timedelta(dt.timedelta(hours=3)) == "3 hours"
    assert Translator("zh_Hant_HK").format_timedelta(dt.timedelta(minutes=5)) == "5 分鐘"
    now = dt.datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert Translator("en").format_relative(now - dt.timedelta(minutes=5), now) == "5 minutes ago"
    assert Translator("th").format_relative(now - dt.timedelta(minutes=5), now) == "5 นาทีที่ผ่านมา"
    last = Translator("en")._("Last synced {time}", time=Translator("en").format_relative(now - dt.timedelta(hours=2), now))
    assert last == "Last synced 2 hours ago"


def test_shift_interval():
    """A shift's start-end range is formatted as one localised interval in store time."""
    start = dt.datetime(2025, 3, 3, 1, 0, tzinfo=UTC)
    end = dt.datetime(2025, 3, 3, 10, 0, tzinfo=UTC)
    assert Translator("zh_Hans").format_interval(start, end) == "09:00–18:00"


def test_an_overlap_names_the_other_shifts_weekday_in_the_readers_language():
    """Issue 10 (noticed at review): "Overlaps another shift" says which day by its weekday too,
    so a manager sees at once it is Monday's shift (09:00-17:00 Hong Kong time)."""
    from app.i18n.reasons import shift_rule_message
    span = {"other_start": "2026-12-07T01:00:00+00:00", "other_end": "2026-12-07T09:00:00+00:00"}
    english = shift_rule_message(Translator("en"), "shift_overlap", span)
    assert english.startswith("Overlaps another shift: Mon, Dec 7, 2026") and "09:00" in english
    assert "週一" in shift_rule_message(Translator("zh_Hant_HK"), "shift_overlap", span)
