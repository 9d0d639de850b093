"""Entry point of the installable web app: the same client, with Python running in the browser.

``scripts/build_web.sh`` publishes the repo root's ``main.py``, which calls ``run()`` here when
it finds itself on Pyodide. What differs from a native start (see docs/web-app.md):

- the device's files live in an IndexedDB-backed folder, loaded before the database opens
  and saved after every committed transaction and whenever the page is hidden;
- the API client sends its requests with the browser's ``fetch``;
- the device is the install: its id is kept in its own database, with the tokens;
- the wheels the first view does not need load after it (``app.platform.later``).
"""

import logging

from app.platform import defer_model_builds

defer_model_builds()  # before the app's models are defined: each is built when first used

import flet as ft  # noqa: E402

from app.config import load_config  # noqa: E402
from app.main import make_main  # noqa: E402
from app.platform import browser_storage, later, startup_mark  # noqa: E402
from app.platform.fetch import FetchTransport  # noqa: E402
from app.ui.devices import DeviceStores  # noqa: E402

log = logging.getLogger(__name__)


async def main(page: ft.Page) -> None:
    startup_mark("session started")
    folder = await browser_storage.open_persistent()
    startup_mark("device files loaded")
    stores = DeviceStores(folder, after_commit=browser_storage.flush)

    def page_hidden(e: ft.AppLifecycleStateChangeEvent) -> None:
        # Every commit is saved already; this covers files written outside a transaction.
        if e.state in (ft.AppLifecycleState.HIDE, ft.AppLifecycleState.INACTIVE,
                       ft.AppLifecycleState.PAUSE, ft.AppLifecycleState.DETACH):
            browser_storage.flush()

    page.on_app_lifecycle_state_change = page_hidden
    persisted = await browser_storage.persistence_granted()
    await make_main(stores, load_config(), transport=FetchTransport(), storage_persisted=persisted)(page)
    startup_mark("first view sent")
    later.start_loading()  # the wheels the first view did not need (webapp/build.py LOADED_LATER)


def run() -> None:
    startup_mark("app imported")
    ft.run(main)
