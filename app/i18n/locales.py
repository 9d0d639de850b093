"""Which languages Shopfloor speaks, and how a device's language picks one.

Pure data + Babel; no Flet import, so the server uses it too.
Locale codes are Babel/gettext identifiers (``zh_Hant_HK``), which are also the
directory names under ``locales/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

#: The store's time zone: every date and time shown to staff is in it.
STORE_TIMEZONE = "Asia/Hong_Kong"

#: Language of a fresh install when the device locale matches nothing we ship.
DEFAULT_LOCALE = "zh_Hant_HK"

#: Language of the msgids in the source code.
SOURCE_LOCALE = "en"


@dataclass(frozen=True, slots=True)
class LocaleInfo:
    """One entry of the language picker."""

    code: str  #: Babel/gettext code, also the ``locales/<code>/`` directory
    tag: str  #: BCP 47 tag (for HTML ``lang``, Flutter ``Locale``, Accept-Language)
    native_name: str  #: the language's name in itself, shown in the picker
    english_name: str
    rtl: bool = False


_INFOS = (
    LocaleInfo("zh_Hant_HK", "zh-Hant-HK", "繁體中文（香港）", "Chinese (Traditional, Hong Kong)"),
    LocaleInfo("zh_Hans", "zh-Hans", "简体中文", "Chinese (Simplified)"),
    LocaleInfo("en", "en", "English", "English"),
    LocaleInfo("ar", "ar", "العربية", "Arabic", rtl=True),
    LocaleInfo("id", "id", "Bahasa Indonesia", "Indonesian"),
    LocaleInfo("ms", "ms", "Bahasa Melayu", "Malay"),
    LocaleInfo("th", "th", "ไทย", "Thai"),
    LocaleInfo("vi", "vi", "Tiếng Việt", "Vietnamese"),
)

#: Locale code -> native display name, in picker order.
SUPPORTED_LOCALES: dict[str, str] = {i.code: i.native_name for i in _INFOS}

#: Locale code -> full description, in picker order.
LOCALE_INFO: dict[str, LocaleInfo] = {i.code: i for i in _INFOS}

# Chinese regions that write Simplified by default (CLDR likely subtags).
_HANS_REGIONS = {"CN", "SG", "MY"}
# Legacy / alternative language subtags seen on devices.
_LANG_ALIASES = {"in": "id", "zsm": "ms", "yue": "zh", "cmn": "zh"}
_TAG_SPLIT = re.compile(r"[-_]")


def _parse_tag(tag: str) -> tuple[str, str | None, str | None]:
    """``"zh-Hant-HK"`` / ``"zh_TW.UTF-8"`` / ``"en-US@euro"`` -> (lang, script, region)."""
    tag = tag.strip().split(";", 1)[0]  # Accept-Language quality suffix
    tag = tag.split(".", 1)[0].split("@", 1)[0]  # POSIX encoding / modifier
    parts = [p for p in _TAG_SPLIT.split(tag) if p]
    if not parts:
        return "", None, None
    lang = parts[0].lower()
    script = region = None
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha() and script is None and region is None:
            script = part.title()
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            if region is None:
                region = part.upper()
    return lang, script, region


def _match(tag: str) -> str | None:
    lang, script, region = _parse_tag(tag)
    if lang in ("", "c", "posix", "*", "und"):
        return None
    if lang == "yue":
        return "zh_Hans" if script == "Hans" else "zh_Hant_HK"
    lang = _LANG_ALIASES.get(lang, lang)
    if lang == "zh":
        if script == "Hant":
            return "zh_Hant_HK"
        if script == "Hans":
            return "zh_Hans"
        if region in _HANS_REGIONS:
            return "zh_Hans"
        if region is not None:  # HK, MO, TW and any other region: Traditional
            return "zh_Hant_HK"
        return "zh_Hans"  # bare "zh": CLDR's likely script is Hans
    return lang if lang in SUPPORTED_LOCALES else None


def negotiate(device_locale_tags: Iterable[str] | str | None) -> str:
    """Pick the supported locale for a device's preferred languages (best first).

    Accepts BCP 47 tags (``zh-HK``), POSIX names (``zh_TW.UTF-8``), our own codes
    (``zh_Hant_HK``) or one Accept-Language header string. The first tag that
    matches wins; nothing matching gives :data:`DEFAULT_LOCALE`.
    """
    if device_locale_tags is None:
        return DEFAULT_LOCALE
    if isinstance(device_locale_tags, str):
        device_locale_tags = parse_accept_language(device_locale_tags)
    for tag in device_locale_tags:
        if not tag:
            continue
        code = _match(str(tag))
        if code is not None:
            return code
    return DEFAULT_LOCALE


def parse_accept_language(header: str | None) -> list[str]:
    """An HTTP Accept-Language header -> its tags, highest quality first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag.strip() and q > 0:
            weighted.append((-q, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def is_rtl(locale: str) -> bool:
    """True when the locale's script runs right to left (Arabic)."""
    info = LOCALE_INFO.get(locale)
    if info is not None:
        return info.rtl
    try:
        return Locale.parse(locale.replace("-", "_")).text_direction == "rtl"
    except (ValueError, UnknownLocaleError):
        return False


def text_direction(locale: str) -> str:
    """``"rtl"`` or ``"ltr"``."""
    return "rtl" if is_rtl(locale) else "ltr"


def require_supported(locale: str) -> str:
    """Return ``locale`` if Shopfloor ships it, else raise ``ValueError``."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; expected one of {list(SUPPORTED_LOCALES)}")
    return locale
