"""Per-session translation and locale-aware formatting.

Create ONE :class:`Translator` per user session (Flet web serves many sessions
from one process, so there is no module-global "current language")::

    t = Translator(negotiate(device_tags))
    _ = t.gettext
    _("Log in")
    t.ngettext("{count} action waiting", "{count} actions waiting", 3)
    t.format_hkd(1234.5)              # 'HK$1,234.50'
    t.set_locale("th")                 # the language picker

Dates and times are shown in the store's time zone (Asia/Hong_Kong); aware
datetimes are converted, naive datetimes are taken to be UTC (as stored).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, dates, lists, numbers
from babel.support import Translations

from .catalogs import load_translations
from .locales import DEFAULT_LOCALE, LOCALE_INFO, STORE_TIMEZONE, is_rtl, require_supported

Number = int | float | Decimal

#: Unicode bidi isolates (UAX #9): FSI gives the enclosed text its own direction, taken from
#: its first strong character, and PDI closes it, so "Sha Tin (New Town Plaza)" inside an
#: Arabic sentence keeps its brackets and the sentence keeps its full stop at the end.
FSI, PDI = "\u2068", "\u2069"


def isolate(text: object) -> str:
    """``text`` wrapped in a first-strong bidi isolate (unchanged if already isolated)."""
    value = str(text)
    if value.startswith(FSI) and value.endswith(PDI):
        return value
    return f"{FSI}{value}{PDI}"

# Zones whose offset is fixed today, for platforms shipped without a tz database
# (e.g. a packaged mobile Python without the tzdata wheel).
_FIXED_ZONES = {
    "Asia/Hong_Kong": dt.timezone(dt.timedelta(hours=8), "HKT"),
    "Asia/Macau": dt.timezone(dt.timedelta(hours=8), "CST"),
    "UTC": dt.timezone.utc,
}


def get_timezone(tz: str | dt.tzinfo | None) -> dt.tzinfo:
    """A tzinfo for a zone name (``None`` = the store's zone)."""
    if isinstance(tz, dt.tzinfo):
        return tz
    name = tz or STORE_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name in _FIXED_ZONES:
            return _FIXED_ZONES[name]
        raise


class Translator:
    """Language + time zone of one session, with gettext and Babel formatting."""

    def __init__(
        self,
        locale: str = DEFAULT_LOCALE,
        *,
        tz: str | dt.tzinfo | None = None,
        locales_dir: Path | str | None = None,
    ) -> None:
        self._locales_dir = locales_dir
        self.tz: dt.tzinfo = get_timezone(tz)
        self.set_locale(locale)

    # -- language ----------------------------------------------------------
    def set_locale(self, locale: str) -> None:
        """Switch this session's language (one of ``SUPPORTED_LOCALES``)."""
        require_supported(locale)
        translations = load_translations(locale, self._locales_dir)
        self._locale = locale
        self._babel_locale = Locale.parse(locale)
        self._translations: Translations = translations

    @property
    def locale(self) -> str:
        """The Babel/gettext code, e.g. ``"zh_Hant_HK"``."""
        return self._locale

    @property
    def babel_locale(self) -> Locale:
        return self._babel_locale

    @property
    def language_tag(self) -> str:
        """BCP 47 tag, e.g. ``"zh-Hant-HK"`` (for Flutter / HTML ``lang``)."""
        return LOCALE_INFO[self._locale].tag

    @property
    def is_rtl(self) -> bool:
        return is_rtl(self._locale)

    @property
    def text_direction(self) -> str:
        """``"rtl"`` or ``"ltr"``."""
        return "rtl" if self.is_rtl else "ltr"

    def bidi(self, text: object) -> str:
        """Text embedded in a sentence or a row: isolated in a right-to-left language.

        Left-to-right languages get it unchanged (the isolates are needed only where the
        paragraph direction differs from the embedded text's).
        """
        return isolate(text) if self.is_rtl else str(text)

    def join(self, *parts: object, sep: str = " · ") -> str:
        """Parts of a row ("name · time") joined, each isolated in a right-to-left language."""
        return sep.join(self.bidi(p) for p in parts if p not in (None, ""))

    def _fill(self, translated: str, kwargs: dict[str, Any]) -> str:
        """``.format()`` a translation, isolating each substituted value in RTL locales."""
        if self.is_rtl:
            kwargs = {k: isolate(v) for k, v in kwargs.items()}
        return translated.format(**kwargs)

    def __repr__(self) -> str:
        return f"Translator(locale={self._locale!r}, tz={str(self.tz)!r})"

    # -- gettext -----------------------------------------------------------
    def gettext(self, message: str, /, **kwargs: Any) -> str:
        """Translate ``message``; with keyword arguments, also ``.format()`` it."""
        translated = self._translations.gettext(message)
        return self._fill(translated, kwargs) if kwargs else translated

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **kwargs: Any) -> str:
        """Pick the plural form for ``n`` and ``.format()`` it.

        ``{count}`` is filled with ``n`` formatted for the locale (``1,234``)
        unless given explicitly.
        """
        translated = self._translations.ngettext(singular, plural, n)
        kwargs.setdefault("count", self.format_number(n))
        return self._fill(translated, kwargs)

    def pgettext(self, context: str, message: str, /, **kwargs: Any) -> str:
        """Translate ``message`` in a disambiguating ``context``."""
        translated = self._translations.pgettext(context, message)
        return self._fill(translated, kwargs) if kwargs else translated

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **kwargs: Any) -> str:
        translated = self._translations.npgettext(context, singular, plural, n)
        kwargs.setdefault("count", self.format_number(n))
        return self._fill(translated, kwargs)

    def reason_message(self, code: str, **kwargs: Any) -> str:
        """The message for a machine reason code (``"outside_geofence"``)."""
        from .reasons import REASON_MESSAGES

        return REASON_MESSAGES.text(self, code, **kwargs)

    # -- dates and times ---------------------------------------------------
    def now(self) -> dt.datetime:
        """The current time in the store's time zone."""
        return dt.datetime.now(self.tz)

    def to_local(self, value: dt.datetime) -> dt.datetime:
        """An aware datetime in the store's zone (naive input is taken as UTC)."""
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(self.tz)

    def format_date(self, value: dt.date | dt.datetime | None = None, format: str = "medium") -> str:
        """``format`` is short/medium/long/full or a CLDR pattern (``"d MMM"``)."""
        if value is None:
            value = self.now()
        if isinstance(value, dt.datetime):
            value = self.to_local(value).date()
        return dates.format_date(value, format=format, locale=self._babel_locale)

    def format_time(self, value: dt.time | dt.datetime | None = None, format: str = "medium") -> str:
        if value is None:
            value = self.now()
        if isinstance(value, dt.datetime):
            local = self.to_local(value)
            return dates.format_time(local, format=format, tzinfo=self.tz, locale=self._babel_locale)
        return dates.format_time(value, format=format, locale=self._babel_locale)

    def format_datetime(self, value: dt.datetime | None = None, format: str = "medium") -> str:
        local = self.now() if value is None else self.to_local(value)
        return dates.format_datetime(local, format=format, tzinfo=self.tz, locale=self._babel_locale)

    def format_skeleton(self, skeleton: str, value: dt.datetime | dt.date | None = None) -> str:
        """Flexible format, e.g. ``"MMMEd"`` -> "Wed, Jan 1" / "1月1日週三"."""
        if value is None:
            value = self.now()
        if isinstance(value, dt.datetime):
            value = self.to_local(value)
            return dates.format_skeleton(skeleton, value, tzinfo=self.tz, locale=self._babel_locale)
        return dates.format_skeleton(skeleton, value, locale=self._babel_locale)

    def format_interval(self, start: dt.datetime, end: dt.datetime, skeleton: str = "Hm") -> str:
        """A range such as a shift, e.g. ``"09:00 – 18:00"``."""
        return dates.format_interval(
            self.to_local(start), self.to_local(end), skeleton, tzinfo=self.tz, locale=self._babel_locale
        )

    def format_timedelta(
        self,
        delta: dt.timedelta | int | float,
        *,
        granularity: str = "second",
        threshold: float = 0.85,
        add_direction: bool = False,
        format: str = "long",
    ) -> str:
        """A duration, e.g. "3 hours" / "3 小時"."""
        return dates.format_timedelta(
            delta,
            granularity=granularity,
            threshold=threshold,
            add_direction=add_direction,
            format=format,
            locale=self._babel_locale,
        )

    def format_relative(
        self, value: dt.datetime, now: dt.datetime | None = None, *, granularity: str = "minute"
    ) -> str:
        """How long ago / from now, e.g. "5 minutes ago", "in 2 hours"."""
        now = self.now() if now is None else self.to_local(now)
        delta = self.to_local(value) - now
        if abs(delta) < dt.timedelta(minutes=1) and granularity in ("minute", "hour", "day"):
            delta = dt.timedelta(0)
        return self.format_timedelta(delta, granularity=granularity, add_direction=True)

    # -- numbers and money -------------------------------------------------
    def format_number(self, value: Number) -> str:
        """An integer-ish number with locale grouping: "1,234"."""
        return numbers.format_decimal(value, locale=self._babel_locale)

    def format_decimal(self, value: Number, format: str | None = None, *, decimal_quantization: bool = True) -> str:
        return numbers.format_decimal(
            value, format=format, locale=self._babel_locale, decimal_quantization=decimal_quantization
        )

    def format_percent(self, value: Number, format: str | None = None) -> str:
        return numbers.format_percent(value, format=format, locale=self._babel_locale)

    def format_currency(self, amount: Number, currency: str, *, format_type: str = "standard") -> str:
        return numbers.format_currency(amount, currency, locale=self._babel_locale, format_type=format_type)

    def format_hkd(self, amount: Number, *, format_type: str = "standard") -> str:
        """A Hong Kong dollar amount, e.g. "HK$1,234.50" (two decimals always)."""
        return self.format_currency(amount, "HKD", format_type=format_type)

    def format_list(self, items: list[str], style: str = "standard") -> str:
        """``["A", "B", "C"]`` -> "A, B, and C" / "A、B和C"."""
        return lists.format_list(items, style=style, locale=self._babel_locale)
