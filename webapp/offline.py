"""Our service worker and update prompt: the whole app precached, cache-first, versioned.

The precache list and the build version (a hash of every file) are generated here, so any
change to any file gives a new ``sw.js``; the browser installs it beside the running one and
the open tab shows "update available, reload" in the app's language (strings from the .po
catalogues, the locale picked like :func:`app.i18n.negotiate` picks it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from babel import localedata
from babel.messages.pofile import read_po

from app.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, is_rtl, negotiate
from app.i18n.common_strings import RELOAD, UPDATE_READY
from app.ui.web_assets import LOOK_KEY

from .pins import BuildError
from .wheels import sha256_of

TEMPLATES = Path(__file__).resolve().parent / "templates"
SERVICE_WORKER = "sw.js"
UPDATE_SCRIPT = "app-update.js"
#: Where Flutter's SharedPreferences keeps a key in localStorage.
SHARED_PREFERENCES_PREFIX = "flutter."
#: Never precached: the worker itself (the browser fetches it to look for updates).
NOT_PRECACHED = {SERVICE_WORKER}


def file_hash(path: Path) -> str:
    """A file's content hash as the service worker keys it (16 hex digits)."""
    return sha256_of(path)[:16]


def precache_list(dist: Path) -> dict[str, str]:
    """Every file of the app (path relative to ``dist``, POSIX) -> hash of its content."""
    files = {}
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        rel = path.relative_to(dist).as_posix()
        if rel not in NOT_PRECACHED:
            files[rel] = file_hash(path)
    return files


def build_version(files: dict[str, str]) -> str:
    """One hash over all files: it changes whenever any file does."""
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:16]


def update_strings(locales_dir: Path) -> dict[str, dict[str, str]]:
    """The prompt's text per locale, from the catalogues; BuildError if one is missing."""
    strings = {}
    for locale in SUPPORTED_LOCALES:
        with open(locales_dir / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f, locale=locale)
        texts = {}
        for key, msgid in (("message", UPDATE_READY), ("action", RELOAD)):
            message = catalog.get(msgid)
            if message is None or not message.string or message.fuzzy:
                raise BuildError(f"{locale}: no translation of {msgid!r} for the update prompt")
            texts[key] = message.string
        strings[locale] = texts
    return strings


def locale_tags() -> dict[str, str]:
    """Lower-case BCP 47 tag -> our locale, for the tags a browser may report.

    Made by running the app's own matcher over CLDR's identifiers of our languages, so the
    page picks the same locale the app would (the JS only looks tags up, shortest last).
    """
    languages = {code.split("_")[0] for code in SUPPORTED_LOCALES} | {"in", "yue"}
    tags = {}
    for ident in localedata.locale_identifiers():
        parts = ident.split("_")
        if parts[0] not in languages:
            continue
        lang, rest = parts[0], parts[1:]
        variants = {ident, lang, "_".join([lang, *rest[-1:]])}
        for variant in variants:
            tag = variant.replace("_", "-")
            tags[tag.lower()] = negotiate([tag])
    tags.update({"in": "id", "in-id": "id"})
    return dict(sorted(tags.items()))


def _render(template: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / template).read_text("utf-8")
    for key, value in values.items():
        marker = f"__{key}__"
        if text.count(marker) != 1:
            raise BuildError(f"templates/{template}: expected one {marker}")
        text = text.replace(marker, value)
    return text


def write_update_script(dist: Path, locales_dir: Path) -> None:
    """``app-update.js``: registers the worker and shows the translated update prompt."""
    values = {
        "STRINGS": json.dumps(update_strings(locales_dir), ensure_ascii=False),
        "LOCALE_TAGS": json.dumps(locale_tags()),
        "DEFAULT_LOCALE": json.dumps(DEFAULT_LOCALE),
        "RTL_LOCALES": json.dumps([code for code in SUPPORTED_LOCALES if is_rtl(code)]),
        "SERVICE_WORKER": json.dumps(SERVICE_WORKER),
        "LOOK_KEY": json.dumps(SHARED_PREFERENCES_PREFIX + LOOK_KEY),
    }
    (dist / UPDATE_SCRIPT).write_text(_render(UPDATE_SCRIPT, values), "utf-8")


def write_service_worker(dist: Path) -> str:
    """``sw.js`` with the precache list of everything now in ``dist``; return the build version."""
    files = precache_list(dist)
    version = build_version(files)
    values = {"VERSION": json.dumps(version), "FILES": json.dumps(files, indent=0)}
    (dist / SERVICE_WORKER).write_text(_render(SERVICE_WORKER, values), "utf-8")
    return version
