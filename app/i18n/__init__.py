"""Shopfloor internationalisation: languages, per-session translators, formatting.

No Flet import: the client screens and the FastAPI server both use it.

    from app.i18n import Translator, negotiate
    t = Translator(negotiate(["zh-HK", "en"]))
    t.gettext("Log in")                     # '登入'
    t.format_hkd(88)                        # 'HK$88.00'

See docs/i18n.md.
"""

from .catalogs import LOCALES_DIR, CatalogNotFoundError, clear_cache, load_translations
from .locales import (
    DEFAULT_LOCALE,
    LOCALE_INFO,
    SOURCE_LOCALE,
    STORE_TIMEZONE,
    SUPPORTED_LOCALES,
    LocaleInfo,
    is_rtl,
    negotiate,
    parse_accept_language,
    text_direction,
)
from .markers import MessageMap, N_, Nn_
from .reasons import REASON_MESSAGES
from .translator import Translator, get_timezone

__all__ = [
    "DEFAULT_LOCALE",
    "LOCALES_DIR",
    "LOCALE_INFO",
    "REASON_MESSAGES",
    "SOURCE_LOCALE",
    "STORE_TIMEZONE",
    "SUPPORTED_LOCALES",
    "CatalogNotFoundError",
    "LocaleInfo",
    "MessageMap",
    "N_",
    "Nn_",
    "Translator",
    "clear_cache",
    "get_timezone",
    "is_rtl",
    "load_translations",
    "negotiate",
    "parse_accept_language",
    "text_direction",
]
