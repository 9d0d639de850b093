"""app/platform in the browser mode, run in CPython: the lock and pause that suspend instead of
blocking, the browser's languages and the storage-persistence answer.

Pyodide's ``pyodide.ffi`` and ``js`` modules do not exist here: a small stand-in of each is
put in ``sys.modules``. ``run_sync`` stands in for JSPI stack switching: while a caller is
suspended, the other work of the page (here: scripted steps) runs, as in the browser.
"""

from __future__ import annotations

import asyncio
import sys
import time
import types

import pytest

from app.platform import browser_storage, runtime


class Page:
    """The page's one thread: what runs while a caller is suspended in ``run_sync``."""

    def __init__(self) -> None:
        self.can_suspend = True
        self.meanwhile: list = []  # callables run one per suspension, in order
        self.suspensions: list[float] = []  # the sleeps callers suspended for
        self.cancel_at: int | None = None  # suspension number that is cancelled

    def run_sync(self, coro):
        delay = coro.cr_frame.f_locals.get("delay", 0.0) if coro.cr_frame else 0.0
        coro.close()  # the sleep itself: time passing is simulated by the steps below
        self.suspensions.append(delay)
        if self.cancel_at is not None and len(self.suspensions) == self.cancel_at:
            raise asyncio.CancelledError()
        if self.meanwhile:
            self.meanwhile.pop(0)()


@pytest.fixture
def page(monkeypatch) -> Page:
    """The browser flag on, with a stand-in ``pyodide.ffi``."""
    the_page = Page()
    ffi = types.ModuleType("pyodide.ffi")
    ffi.can_run_sync = lambda: the_page.can_suspend
    ffi.run_sync = the_page.run_sync
    pyodide = types.ModuleType("pyodide")
    pyodide.ffi = ffi
    monkeypatch.setitem(sys.modules, "pyodide", pyodide)
    monkeypatch.setitem(sys.modules, "pyodide.ffi", ffi)
    monkeypatch.setattr(runtime, "in_browser", lambda: True)
    return the_page


# ---- the lock ---------------------------------------------------------------------------------


def test_browser_lock_is_the_suspending_lock_and_starts_free(page):
    """In the browser make_lock gives the lock that suspends (a thread lock would hang the page)."""
    lock = runtime.make_lock()
    assert isinstance(lock, runtime.SuspendingLock) and not lock.locked()
    assert lock.acquire() and lock.locked()
    lock.release()
    assert not lock.locked() and page.suspensions == []


def test_a_second_caller_waits_until_the_holder_has_finished(page):
    """Exclusion and order: the waiter suspends while the holder works and enters only after
    the holder has left; nobody is inside at the same time."""
    lock, events = runtime.make_lock(), []
    assert lock.acquire()
    events.append("holder in")

    def holder_works() -> None:
        events.append("holder still working")

    def holder_leaves() -> None:
        events.append("holder out")
        lock.release()

    page.meanwhile = [holder_works, holder_leaves]
    with lock:
        events.append("waiter in")
        assert lock.locked()
    assert events == ["holder in", "holder still working", "holder out", "waiter in"]
    assert len(page.suspensions) == 2 and all(0 < s <= 0.05 for s in page.suspensions)
    assert not lock.locked()


def test_the_lock_is_not_reentrant(page):
    """Unlike an RLock (which lets any caller of the one thread straight in), a holder asking
    again does not get in: the caller cannot be told from another handler of the page."""
    lock = runtime.make_lock()
    assert lock.acquire()
    assert lock.acquire(blocking=False) is False
    assert lock.acquire(timeout=0) is False
    assert lock.locked() and page.suspensions == []


def test_a_caller_that_cannot_suspend_is_refused_not_hung(page):
    """Outside a suspendable call (a plain callback) waiting is impossible: acquire says no at
    once and ``with`` raises, instead of spinning the page's only thread forever."""
    lock = runtime.make_lock()
    assert lock.acquire()
    page.can_suspend = False
    assert lock.acquire() is False
    with pytest.raises(RuntimeError, match="cannot wait"):
        with lock:
            pass
    assert lock.locked() and page.suspensions == []


def test_a_timed_wait_gives_up_at_its_deadline(page):
    """acquire(timeout=...) stops waiting when the deadline passes and leaves the holder's lock."""
    lock = runtime.make_lock()
    assert lock.acquire()
    page.meanwhile = [lambda: time.sleep(0.03)] * 20  # the holder keeps working
    started = time.monotonic()
    assert lock.acquire(timeout=0.05) is False
    assert 0.05 <= time.monotonic() - started < 0.5
    assert 1 <= len(page.suspensions) < 20 and lock.locked()


def test_a_cancelled_waiter_leaves_the_lock_to_the_holder(page):
    """A waiter cancelled while suspended never takes the lock: the holder keeps it, and once it
    is released the next caller gets it straight away."""
    lock = runtime.make_lock()
    assert lock.acquire()
    page.cancel_at = 1
    with pytest.raises(asyncio.CancelledError):
        lock.acquire()
    assert lock.locked()
    lock.release()
    page.cancel_at = None
    assert lock.acquire(blocking=False) and lock.locked()


def test_release_inside_with_block_after_error(page):
    """An exception inside ``with lock`` still frees it for the next caller."""
    lock = runtime.make_lock()
    with pytest.raises(ValueError):
        with lock:
            raise ValueError("bad input")
    assert not lock.locked()


# ---- pause ------------------------------------------------------------------------------------


def test_pause_suspends_in_the_browser_instead_of_sleeping(page):
    """In the browser pause() suspends for the asked time (the page keeps running meanwhile);
    it never blocks the thread with time.sleep."""
    ran = []
    page.meanwhile = [lambda: ran.append("other handler")]
    started = time.monotonic()
    runtime.pause(2.5)
    assert page.suspensions == [2.5] and ran == ["other handler"]
    assert time.monotonic() - started < 0.5


def test_pause_does_nothing_when_it_cannot_suspend_or_has_no_time(page):
    """No suspension possible (plain callback) or zero seconds: pause returns at once."""
    runtime.pause(0)
    page.can_suspend = False
    started = time.monotonic()
    runtime.pause(3)
    assert page.suspensions == [] and time.monotonic() - started < 0.5


def test_pause_sleeps_natively():
    """Natively pause() is an ordinary sleep of the thread."""
    started = time.monotonic()
    runtime.pause(0.05)
    assert time.monotonic() - started >= 0.05


# ---- the browser's answers --------------------------------------------------------------------


def _js(monkeypatch, navigator) -> None:
    js = types.ModuleType("js")
    js.navigator = navigator
    monkeypatch.setitem(sys.modules, "js", js)


def test_browser_languages_are_navigator_languages_best_first(page, monkeypatch):
    """The browser's preferred languages come from navigator.languages (the page's worker has them)."""
    _js(monkeypatch, types.SimpleNamespace(languages=["th-TH", "en-US"], language="th-TH"))
    assert runtime.browser_languages() == ["th-TH", "en-US"]
    _js(monkeypatch, types.SimpleNamespace(languages=[], language="ar"))
    assert runtime.browser_languages() == ["ar"]


def test_first_start_language_in_the_browser_uses_the_app_matcher(page, monkeypatch):
    """The published app's first start picks the language from the browser's, with the same
    matcher as the server-driven mode (zh-TW -> Traditional HK, in -> Indonesian)."""
    import app.main
    from app.i18n import negotiate
    from app.main import device_locales

    monkeypatch.setattr(app.main, "in_browser", lambda: True)
    fake_page = types.SimpleNamespace(web=True, route="/")
    for languages, expected in ((["th-TH"], "th"), (["ar"], "ar"), (["zh-TW", "en"], "zh_Hant_HK"),
                                (["in-ID"], "id"), (["de-DE", "ms-MY"], "ms")):
        _js(monkeypatch, types.SimpleNamespace(languages=languages, language=languages[0]))
        assert negotiate(device_locales(fake_page)) == expected


def _storage(monkeypatch, answer) -> None:
    async def persisted():
        if isinstance(answer, Exception):
            raise answer
        return answer

    _js(monkeypatch, types.SimpleNamespace(storage=types.SimpleNamespace(persisted=persisted)))


@pytest.mark.parametrize("answer, granted", [(True, True), (False, False), (OSError("denied"), False)])
def test_persistence_answer_is_read_from_the_browser(page, monkeypatch, answer, granted):
    """navigator.storage.persisted() decides: granted only when the browser says so."""
    _storage(monkeypatch, answer)
    assert asyncio.run(browser_storage.persistence_granted()) is granted


def test_no_storage_manager_means_not_granted(page, monkeypatch):
    """A browser without navigator.storage gives no promise: the data is not protected."""
    _js(monkeypatch, types.SimpleNamespace())
    assert asyncio.run(browser_storage.persistence_granted()) is False


@pytest.mark.parametrize("persisted, shown", [(False, True), (True, False), (None, False)])
def test_me_warns_only_when_the_browser_may_clear_the_data(persisted, shown):
    """Me carries the translated notice exactly when the browser refused persistence (None:
    not the web app, nothing to say)."""
    from app.i18n import Translator
    from app.ui.screens.me import STORAGE_NOTICE, storage_notice
    from app.ui.theme import Display, Typography

    tr = Translator("th")
    ctx = types.SimpleNamespace(storage_persisted=persisted, _=tr.gettext, typo=Typography("th", Display()))
    tiles = storage_notice(ctx)
    assert [tile.title.value for tile in tiles] == ([tr.gettext(STORAGE_NOTICE)] if shown else [])
    assert tr.gettext(STORAGE_NOTICE) != STORAGE_NOTICE
