"""The entry point `flet build` packages for phones and desktops ([tool.flet.app] module = "main"),
and that `scripts/build_web.sh` publishes as the installable web app (Python in the browser).

`flet build` runs this file as ``__main__`` from the app folder (the repo root), so the
``app`` package beside it imports as it does in development.
"""

from app.platform import in_browser

if __name__ == "__main__":
    if in_browser():
        from app.web_main import run
    else:
        from app.main import run
    run()
