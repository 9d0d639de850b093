"""Web client start-up in Chromium, server-driven and published (prints figures; not a test).

Run: .venv/bin/python -m benchmarks.bench_web_start [--runs 5] [--actions 500]
     [--modes server,published] [--compare REF]

The published mode (the installable app, Python in the browser) is in
benchmarks/web_published.py: first load, warm reload, offline reload, with where the time
goes from the ``[startup]`` console marks; ``--compare REF`` also builds the app as of git
REF and interleaves the runs of both builds. Results: docs/benchmarks.md, "Web client start-up".

Server-driven mode:

A real API (seeded demo chain) and ``python -m app.main --web`` on loopback, Debian's
headless Chromium at a phone viewport. Devices are prepared directly in the client's data
directory: signed in as S3001 (Causeway Bay staff), data pulled from the API (two weeks
of the store's shifts, broadcasts, tasks); the browser is pointed at that device by
putting its id in localStorage before the page loads.

Scenarios, each ``--runs`` times, a fresh page each run:

1. cold: a new browser context (empty HTTP cache: the ~8 MB wasm client is downloaded
   and compiled), signed-in device, API up.
2. warm: a new tab in a context that has loaded the app before (HTTP cache warm).
3. busy device, cold: the same, for a device with ``--actions`` queued actions and the API
   down (so the queue stays full and the start is the offline start).

Per run, timed from just before goto: first frame (Flutter's loading screen gone), Home on
screen (its title and "Today's shift" in the semantics tree: the UI is built and takes
taps), fonts downloaded (the last of the bundled font files the session registers; until
then Home's text is drawn without them), Home in its fonts = the later of the two; and,
separately, the latency of a first tap (Tasks tab -> Tasks title up). Target: Home
interactive in <= 3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from app.domain.roles import Actor, Role  # noqa: E402
from app.i18n import Translator  # noqa: E402
from app.store import Actions, DeviceStore, device_db_path  # noqa: E402
from app.sync import ApiClient, SyncEngine  # noqa: E402
from app.ui.fonts import REGULAR_FONT_FILES  # noqa: E402
from tests.e2e import harness  # noqa: E402
from tests.servers import ApiServer  # noqa: E402
from webapp.serve import serving  # noqa: E402

from benchmarks import web_published as published  # noqa: E402

DEVICE_KEY = "flutter.shopfloor.device_id"
STAFF_NO, PIN = "S3001", "1111"
T = Translator("zh_Hant_HK")  # the default language; the context's locale is zh-HK too
FONT_NAMES = {Path(path).name for path in REGULAR_FONT_FILES.values()}  # what page.fonts makes the client load


def prepare_device(data_dir: Path, device_id: str, api_url: str, queued: int) -> dict:
    """A signed-in device database with the store's data pulled and ``queued`` actions."""
    store = DeviceStore(device_db_path(data_dir, device_id), device_id=device_id)
    try:
        api = ApiClient(api_url, device_id, on_offset=store.set_clock_offset)
        tokens = api.login(STAFF_NO, PIN)
        user = tokens.user
        store.save_session(user.model_dump(mode="json"), tokens.refresh_token)
        SyncEngine(store, api).sync_once()
        actions = Actions(store, store.clock, Actor(user.id, Role(user.role), frozenset(user.store_ids)))
        for i in range(queued):
            actions.add_note(user.store_ids[0], f"Hand-over note {i}: shelf 4 restocked, till 2 counted.")
        with store.reading() as db:
            counts = {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                      for table in ("shifts", "broadcasts", "tasks", "notes")}
            counts["waiting"] = db.execute(
                "SELECT COUNT(*) FROM outbox WHERE status='pending'").fetchone()[0]
            first, last = db.execute("SELECT MIN(starts_at), MAX(starts_at) FROM shifts").fetchone()
        counts["shift_days"] = f"{first[:10]}..{last[:10]}" if first else "-"
        return counts
    finally:
        store.close()


def one_start(browser, url: str, device_id: str, context=None, *, waiting: int | None = None) -> dict:
    """Open the app in a new page; seconds from goto to first frame, Home, Home's fonts,
    and the latency of a first tap."""
    own = context is None
    if own:
        context = browser.new_context(viewport=harness.PHONE_VIEWPORT, service_workers="block",
                                      locale="zh-HK")
        context.add_init_script(f"localStorage.setItem({DEVICE_KEY!r}, {json.dumps(json.dumps(device_id))})")
    page = context.new_page()
    fonts: dict[str, float] = {}

    def font_done(request) -> None:
        name = request.url.rsplit("/", 1)[-1]
        if name in FONT_NAMES:
            fonts[name] = time.perf_counter() - t0

    page.on("requestfinished", font_done)
    page.on("requestfailed", font_done)
    try:
        t0 = time.perf_counter()
        page.goto(url)
        harness.wait_for_flutter(page)
        first_frame = time.perf_counter() - t0
        harness.enable_semantics(page)
        expect(page.get_by_role("heading", name=T.gettext("Home"), exact=True)).to_be_visible(timeout=60_000)
        expect(page.get_by_text(T.gettext("Today's shift"))).to_be_visible(timeout=60_000)
        home = time.perf_counter() - t0
        deadline = time.monotonic() + 60
        while len(fonts) < len(FONT_NAMES) and time.monotonic() < deadline:
            page.wait_for_timeout(10)
        fonts_in = max(fonts.values()) if len(fonts) == len(FONT_NAMES) else float("nan")
        if waiting is not None:  # the busy device really shows its queue
            text = T.ngettext("{count} action waiting", "{count} actions waiting", waiting)
            expect(page.get_by_text(text)).to_be_visible()
        # A tap can be lost when a sync round rebuilds the screen under it: tap again after 5 s.
        t_tap, lost = time.perf_counter(), 0
        tasks = page.get_by_role("heading", name=T.gettext("Tasks"), exact=True)
        while True:
            page.get_by_role("tab", name=T.gettext("Tasks"), exact=True).click()
            try:
                expect(tasks).to_be_visible(timeout=5_000)
                break
            except AssertionError:
                lost += 1
                if lost == 3:
                    raise
        tap = time.perf_counter() - t_tap
        return {"first_frame": first_frame, "home": home, "fonts": fonts_in,
                "ready": max(home, fonts_in), "tap": tap, "interactive": home + tap, "lost_taps": lost}
    finally:
        page.close()
        if own:
            context.close()


def spread(values: list[float]) -> str:
    return (f"median {statistics.median(values):5.2f} s   min {min(values):5.2f}  max {max(values):5.2f}"
            "   runs: " + " ".join(f"{v:.2f}" for v in values))


def report(name: str, runs: list[dict]) -> None:
    print(f"\n{name}")
    for key, label in (("first_frame", "first frame"), ("home", "Home on screen"),
                       ("fonts", "fonts downloaded"), ("ready", "Home in its fonts"),
                       ("tap", "tap -> Tasks (latency)"), ("interactive", "interactive (Home + tap)")):
        print(f"  {label:24s} " + spread([r[key] for r in runs]))
    lost = sum(r["lost_taps"] for r in runs)
    if lost:
        print(f"  lost taps (tapped again after 5 s): {lost}")


def report_published(name: str, runs: list[dict], screen: str) -> None:
    """Times of a published-mode start and where they go (medians of the startup marks)."""
    print(f"\n{name}")
    for key, label in (("first_frame", "first frame"), ("home", f"{screen} on screen"),
                       ("tap", "tap answered (latency)"), ("interactive", f"interactive ({screen} + tap)")):
        print(f"  {label:24s} " + spread([r[key] for r in runs]))
    names = {n for r in runs for n in r["marks"]}
    medians = {n: statistics.median(r["marks"][n] for r in runs if n in r["marks"]) for n in names}
    print("  where the time goes (medians, s since the navigation started; + = since the previous step)")
    previous = 0.0
    for n, at in sorted(medians.items(), key=lambda item: item[1]):
        print(f"    {at:6.2f}  +{at - previous:5.2f}  {n}")
        previous = at
    home = statistics.median(r["home"] for r in runs)
    print(f"    {home:6.2f}  +{home - previous:5.2f}  {screen} in the semantics tree")


def run_server_driven(args, api, data) -> None:
    light = prepare_device(data, "web-bench-light", api.url, 0)
    print(f"signed-in device: {light}")
    env = {"SHOPFLOOR_API_URL": api.url, "SHOPFLOOR_DATA_DIR": str(data)}
    with harness.serve_flet_app(module="app.main", args=["--web"], cwd=REPO, env=env) as app, \
            sync_playwright() as pw:
        browser = harness.launch_browser(pw)
        one_start(browser, app.url, "web-bench-light")  # warm the server process; not counted

        cold = [one_start(browser, app.url, "web-bench-light") for _ in range(args.runs)]
        report("server-driven 1. cold start, signed-in device (new context each run)", cold)

        context = browser.new_context(viewport=harness.PHONE_VIEWPORT, service_workers="block",
                                      locale="zh-HK")
        context.add_init_script(
            f"localStorage.setItem({DEVICE_KEY!r}, {json.dumps(json.dumps('web-bench-light'))})")
        one_start(browser, app.url, "web-bench-light", context)  # fills the HTTP cache
        warm = [one_start(browser, app.url, "web-bench-light", context) for _ in range(args.runs)]
        context.close()
        report("server-driven 2. warm start, signed-in device (new tab, HTTP cache warm)", warm)

        if args.actions:
            heavy = prepare_device(data, "web-bench-heavy", api.url, args.actions)
            print(f"busy device:      {heavy}")
            api.stop()  # offline: the queue stays full for every run
            busy = [one_start(browser, app.url, "web-bench-heavy", waiting=heavy["waiting"])
                    for _ in range(args.runs)]
            report(f"server-driven 3. cold start, {heavy['waiting']} queued actions, "
                   f"{heavy['shifts']} shifts, API down", busy)
            api.start()
        browser.close()


def run_published(args, api, tmp: Path, ports: dict[str, int]) -> None:
    """The installable web app: first load, warm reload, offline reload; builds interleaved."""
    with contextlib.ExitStack() as stack, sync_playwright() as pw:
        urls = {}
        for label, ref in builds(args).items():
            dist = published.build_at(ref, tmp / f"web-{len(urls)}", api.url)
            urls[label] = stack.enter_context(serving(dist, port=ports[label]))
        browser = harness.launch_browser(pw)
        results = {label: {"first": [], "warm": [], "offline": []} for label in urls}
        for label, url in urls.items():  # one untimed start each: the server's file cache
            published.first_load(browser, url, T)
        for _ in range(args.runs):
            for label, url in urls.items():
                results[label]["first"].append(published.first_load(browser, url, T))
        phones = {label: published.Phone(browser, url, T) for label, url in urls.items()}
        for _ in range(args.runs):
            for label, phone in phones.items():
                results[label]["warm"].append(phone.reload())
        for phone in phones.values():
            phone.go_offline()
        for _ in range(args.runs):
            for label, phone in phones.items():
                results[label]["offline"].append(phone.reload())
        for phone in phones.values():
            phone.close()
        browser.close()
    for label, runs in results.items():
        report_published(f"published [{label}] 1. first load (new context, empty cache)", runs["first"],
                         "login screen")
        report_published(f"published [{label}] 2. warm reload (same context, online, signed in)",
                         runs["warm"], "Home")
        report_published(f"published [{label}] 3. offline reload (set_offline, signed in, with data)",
                         runs["offline"], "Home")


def builds(args) -> dict[str, str | None]:
    """Label -> git ref to build (None: the working tree)."""
    found = {"working tree": None}
    if args.compare:
        found[f"at {args.compare}"] = args.compare
    return found


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--actions", type=int, default=500,
                        help="queued actions of the busy server-driven device (0: skip that scenario)")
    parser.add_argument("--modes", default="server,published", help="comma-separated: server, published")
    parser.add_argument("--compare", metavar="REF",
                        help="also build the published app at this git commit; runs are interleaved")
    args = parser.parse_args()
    modes = set(args.modes.split(","))
    print(f"cores: {os.cpu_count()}  load average at start: {load_average()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ports = {label: harness.free_port() for label in builds(args)}
        origins = ",".join(f"http://127.0.0.1:{port}" for port in ports.values())
        api = ApiServer(tmp / "api", env={"SHOPFLOOR_WEB_ORIGINS": origins}).start()
        try:
            if "server" in modes:
                run_server_driven(args, api, tmp / "client")
                print(f"load average: {load_average()}")
            if "published" in modes:
                run_published(args, api, tmp, ports)
        finally:
            api.stop()
    print(f"\nload average at end: {load_average()}")


if __name__ == "__main__":
    main()
