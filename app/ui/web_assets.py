"""The web client's index.html, patched so nothing is fetched from a CDN.

flet-web 1.0.5 loads the Rive runtime from cdn.jsdelivr.net even with ``no_cdn=True``
(the URL is hard-coded in its client). Flet serves ``index.html`` from the app's assets
directory when one is there, so we generate one from flet-web's own that rewrites that
script URL to a local path. It is regenerated whenever flet-web's file changes.
"""

from pathlib import Path

from app.ui.fonts import ASSETS_DIR

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
OFFLINE_SCRIPT = LANGUAGE_SCRIPT + NO_CDN_SCRIPT


def prepare_assets(assets_dir: Path = ASSETS_DIR) -> Path:
    """Write ``assets/index.html`` (offline) if missing or stale; return the assets dir."""
    import flet_web

    source = (Path(flet_web.get_package_web_dir()) / "index.html").read_text("utf-8")
    if _MARKER not in source:
        raise RuntimeError("flet-web's index.html changed: update app/ui/web_assets.py")
    patched = source.replace(_MARKER, OFFLINE_SCRIPT + _MARKER, 1)
    target = assets_dir / "index.html"
    if not target.exists() or target.read_text("utf-8") != patched:
        target.write_text(patched, "utf-8")
    return assets_dir
