"""The entry point `flet build` packages for phones and desktops ([tool.flet.app] module = "main").

`flet build` runs this file as ``__main__`` from the app folder (the repo root), so the
``app`` package beside it imports as it does in development.
"""

from app.main import run

if __name__ == "__main__":
    run()
