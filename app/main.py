"""Shopfloor client entry point: ``python -m app.main [--web] [--host H] [--port P]``."""

import os
import threading
from urllib.parse import parse_qs, urlparse

import flet as ft

from app.config import load_config
from app.i18n import Translator, negotiate
from app.platform import browser_languages, in_browser, make_lock
from app.sync import ApiClient
from app.ui.context import AppContext
from app.ui.devices import DeviceStores
from app.ui.fonts import REGULAR_FONT_FILES
from app.ui.shell import Shell
from app.ui.token_vault import TokenVault
from app.ui.web_assets import prepare_assets

DEVICE_KEY = "shopfloor.device_id"


class DeviceApiClient(ApiClient):
    """The API client of one session of a device whose other sessions share its tokens.

    Every tab of a browser is the same device with one refresh token, which rotates on each
    use; the server ends the device's sessions when a rotated token comes back (it looks
    stolen). So a session refreshes with the device's newest token from its database, one
    session at a time, instead of the one it loaded at start.
    """

    def __init__(self, *args, store, refresh_lock: threading.Lock, **kw) -> None:
        super().__init__(*args, **kw)
        self._store, self._refresh_lock = store, refresh_lock

    def refresh(self):
        with self._refresh_lock:
            if self.refresh_token:  # signed in here: take the token another tab may have rotated
                self.refresh_token = self._store.load_session()[1] or self.refresh_token
            return super().refresh()


def device_locales(page: ft.Page) -> list[str]:
    """The device's preferred languages: the browser's (``navigator.languages`` when Python runs
    in the browser; passed as ``?hl=`` in the first route by our index.html in the server-driven
    web mode, see app/ui/web_assets.py), else the OS locale on desktop."""
    if in_browser():
        return browser_languages()
    if page.web:
        query = parse_qs(urlparse(page.route or "").query)
        return [t for t in ",".join(query.get("hl", [])).split(",") if t]
    lang = os.environ.get("LANG", "").split(".")[0].replace("_", "-")
    return [lang] if lang and lang not in ("C", "POSIX") else []


async def open_device_store(page: ft.Page, prefs: ft.SharedPreferences, stores: DeviceStores):
    """This device's store. In a server-driven browser the device is the browser (its id lives
    in the browser's storage); elsewhere, and when Python runs in the browser itself, it is the
    install (its id lives in its own database, saved with it)."""
    if not page.web or in_browser():
        return stores.install()
    device_id = await prefs.get(DEVICE_KEY)
    if not device_id:
        device_id = stores.new_device_id()
        await prefs.set(DEVICE_KEY, device_id)
    return stores.get(device_id)


def make_main(stores: DeviceStores, config, *, transport=None, storage_persisted: bool | None = None):
    """The per-session ``main``: everything it builds belongs to that session only.
    ``transport``: the API client's httpx transport (the browser's fetch on Pyodide);
    ``storage_persisted``: the browser's answer to keeping the device's data (web app only)."""

    refresh_locks: dict[str, threading.Lock] = {}
    guard = threading.Lock()

    async def main(page: ft.Page) -> None:
        prefs = ft.SharedPreferences()
        page.data = {"services": [prefs]}  # keep services referenced, or the page drops them
        store = await open_device_store(page, prefs, stores)
        page.fonts = dict(REGULAR_FONT_FILES)
        tr = Translator(config.default_locale)
        with guard:
            refresh_lock = refresh_locks.setdefault(store.device_id, make_lock())
        api = DeviceApiClient(config.api_base, store.device_id, on_offset=store.set_clock_offset,
                              store=store, refresh_lock=refresh_lock, transport=transport)
        ctx = AppContext(page=page, config=config, store=store, api=api, tr=tr, vault=TokenVault(page, store),
                         storage_persisted=storage_persisted)

        def keep_tokens(tokens) -> None:
            ctx.vault.save(tokens.user.model_dump(mode="json"), tokens.refresh_token)
            if ctx.user is not None:
                ctx.user = tokens.user.model_dump(mode="json")

        api._on_tokens = keep_tokens
        if not ctx.load_preferences():
            tags = device_locales(page)
            tr.set_locale(negotiate(tags) if tags else config.default_locale)
        page.padding = 0

        def follow_device_locale(e: ft.LocaleChangeEvent) -> None:
            # Only until the user picks a language in the app; their choice wins after that.
            if ctx.store.get_meta("locale") is None and e.locales:
                tags = ["-".join(p for p in (x.language_code, x.script_code, x.country_code) if p)
                        for x in e.locales]
                tr.set_locale(negotiate(tags))
                ctx.apply_look()
                ctx.rerender()

        def connectivity_changed(e) -> None:
            if ctx.runner:  # back online (or switched network): sync now, do not wait
                ctx.runner.request()

        page.on_locale_change = follow_device_locale
        connectivity = ft.Connectivity(on_change=connectivity_changed)
        page.data["services"].append(connectivity)
        await Shell(ctx).start()

    return main


def run(argv: list[str] | None = None) -> None:
    import argparse  # here: the browser app imports this module but never parses a command line

    parser = argparse.ArgumentParser(prog="app.main", description="Shopfloor client")
    parser.add_argument("--web", action="store_true", help="serve the web client instead of a window")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8550)
    args = parser.parse_args(argv)
    config = load_config()
    stores = DeviceStores(config.storage_dir())
    assets = prepare_assets()
    ft.run(make_main(stores, config), view=None if args.web else ft.AppView.FLET_APP,
           host=args.host if args.web else None, port=args.port if args.web else 0,
           assets_dir=str(assets), no_cdn=True)


if __name__ == "__main__":
    run()
