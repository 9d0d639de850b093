"""The server-driven web client's index.html: nothing from a CDN, and an honest outage cover.

flet-web 1.0.5 loads the Rive runtime from cdn.jsdelivr.net even with ``no_cdn=True``
(the URL is hard-coded in its client). Flet serves ``index.html`` from the app's assets
directory when one is there, so we generate one from flet-web's own that rewrites that
script URL to a local path, and adds the "Connection lost, reconnecting..." cover
(``connection_overlay.js``) in all our languages. It is regenerated whenever flet-web's file,
the script or a translation changes.
"""

import json
import logging
from pathlib import Path

from app.i18n import DEFAULT_LOCALE, N_, SUPPORTED_LOCALES, Translator, is_rtl
from app.ui.fonts import ASSETS_DIR, FONT_FILES, font_family_for

log = logging.getLogger(__name__)

#: SharedPreferences key (localStorage ``flutter.shopfloor.look``) the cover reads its
#: language and text size from.
LOOK_KEY = "shopfloor.look"
# Translators: covers the whole screen of the web app while the browser cannot reach the server.
CONNECTION_LOST = N_("Connection lost, reconnecting…")
# Translators: under "Connection lost, reconnecting…": taps are ignored until the connection is back.
CONNECTION_LOST_BODY = N_("Taps are not saved until the connection is back. "
                          "This message goes away by itself.")
_OVERLAY_JS = Path(__file__).with_name("connection_overlay.js")

_MARKER = "<!-- fletAppConfig -->"
LANGUAGE_SCRIPT = """<script>
// Flet does not tell the app the browser's languages; pass them in the URL (?hl=) so the
// app can follow the device locale on first start.
(function () {
  try {
    var u = new URL(window.location.href);
    if (!u.searchParams.has("hl")) {
      u.searchParams.set("hl", (navigator.languages || [navigator.language]).join(","));
      window.history.replaceState(null, "", u.toString());
    }
  } catch (e) {}
})();
</script>
"""
NO_CDN_SCRIPT = """<script>
(function () {
  var CDN = /^https?:\\/\\/cdn\\.jsdelivr\\.net\\/npm\\/@rive-app\\/flutter-native-wasm@[^/]+\\//;
  var d = Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src");
  Object.defineProperty(HTMLScriptElement.prototype, "src", {
    configurable: true, enumerable: d.enumerable,
    get: function () { return d.get.call(this); },
    set: function (v) { d.set.call(this, String(v).replace(CDN, "rive/")); }
  });
})();
</script>
"""


def overlay_texts() -> dict[str, dict]:
    """The cover's texts, direction and font in every supported language."""
    texts = {}
    for locale in SUPPORTED_LOCALES:
        tr = Translator(locale)
        texts[locale] = {"title": tr.gettext(CONNECTION_LOST), "body": tr.gettext(CONNECTION_LOST_BODY),
                         "rtl": is_rtl(locale), "font": font_family_for(locale)}
    return texts


def connection_overlay_script() -> str:
    """``<style>`` with the cover's fonts (the app's own files) and the cover's ``<script>``."""
    texts = overlay_texts()
    faces = "".join(f"@font-face{{font-family:'{family}';src:url('{FONT_FILES[family]}');}}\n"
                    for family in sorted({t["font"] for t in texts.values()}))
    script = (_OVERLAY_JS.read_text("utf-8")
              .replace("__SF_TEXTS__", json.dumps(texts, ensure_ascii=False))
              .replace("__SF_DEFAULT__", json.dumps(DEFAULT_LOCALE)))
    return f"<style>\n{faces}</style>\n<script>\n{script}</script>\n"


def remember_look(page, locale: str, large_text: bool) -> None:
    """Store the language and text size where the outage cover can read them (the browser's
    localStorage, through SharedPreferences): it must speak the person's language when the
    server cannot be asked."""
    import flet as ft

    prefs = next((s for s in (page.data or {}).get("services", []) if isinstance(s, ft.SharedPreferences)), None)
    if prefs is None:
        return
    look = json.dumps({"locale": locale, "large_text": bool(large_text)})
    try:
        page.run_task(prefs.set, LOOK_KEY, look)
    except RuntimeError:  # the session is closing; the cover keeps the last language it knew
        log.debug("look not stored: session closing")


def offline_script() -> str:
    """Everything added to flet-web's index.html, in order."""
    return LANGUAGE_SCRIPT + NO_CDN_SCRIPT + connection_overlay_script()


def prepare_assets(assets_dir: Path = ASSETS_DIR) -> Path:
    """Write ``assets/index.html`` (offline) if missing or stale; return the assets dir."""
    import flet_web

    source = (Path(flet_web.get_package_web_dir()) / "index.html").read_text("utf-8")
    if _MARKER not in source:
        raise RuntimeError("flet-web's index.html changed: update app/ui/web_assets.py")
    patched = source.replace(_MARKER, offline_script() + _MARKER, 1)
    target = assets_dir / "index.html"
    if not target.exists() or target.read_text("utf-8") != patched:
        target.write_text(patched, "utf-8")
    return assets_dir
