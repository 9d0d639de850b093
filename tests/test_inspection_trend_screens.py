"""Issue 12, insptrend: the inspection history and failing-items screens, on real synced phones
against a real API (SQLite and PostgreSQL) with inspections recorded through it (the chain of
tests/test_api_inspection_trends.py: the chain walk 3 times at Causeway Bay, once at Sha Tin, twice
at Mong Kok; HK Island's own walk once at Causeway Bay). A store's history shows per template the
trend as bars with the same in words, and each inspection with its score, pass/fail, version,
findings and repeated findings; a template's items failing most are counted over the caller's
stores. Offline the last copy fetched is shown with its time, else the screen says it needs a
connection. Staff and another area's manager are refused, in their own language."""

from datetime import datetime

import flet as ft
import pytest

from app.i18n import REASON_MESSAGES, Translator
from app.i18n.locales import SUPPORTED_LOCALES
from app.store.kept_copies import keep, kept
from app.sync.inspection_trends import failing_subject, history_subject
from app.ui.screens import inspection_history, inspection_result, inspection_trends, inspections
from app.ui.shell import Shell
from tests.test_accessible_names import nameless, walk
from tests.test_api_inspection_report import auth  # noqa: F401  (a bearer per seeded person)
from tests.test_api_inspection_trends import chain  # noqa: F401  (the inspections, through the API)
from tests.test_me_calendar_feed import OFFLINE, DialogPage, offline_api, run_tasks
from tests.test_trades_screens import _texts, device  # noqa: F401  (signed-in, synced phones)

CWB = "Causeway Bay (Times Square)"


@pytest.fixture
def phone(device, chain):  # noqa: F811
    """A person's synced phone (after the inspections were recorded) whose screens run in a shell."""
    def open_(staff_no: str, pin: str, locale: str = "en"):
        ctx = device(staff_no, pin, locale)
        ctx.page = DialogPage()
        return ctx, Shell(ctx)
    return open_


def _go(ctx, shell, route: str) -> ft.View:
    """Open ``route`` as the app does, let its server request finish, and give the screen shown."""
    ctx.page.route = route
    shell.render()
    run_tasks(ctx)
    return ctx.page.views[-1]


def _tile(view, title: str) -> ft.ListTile:
    return next(c for c in walk(view) if isinstance(c, ft.ListTile) and title in _texts(c.title))


def _button(view, label: str):
    return next(c for c in walk(view) if isinstance(c, (ft.FilledButton, ft.OutlinedButton))
                and label in _texts(c.content))


def _spoken_charts(view) -> list[str]:
    return [c.label for c in walk(view) if isinstance(c, ft.Semantics) and c.exclude_semantics]


def test_a_store_manager_reads_the_stores_history_with_the_trend_in_words(phone):
    """From Inspections, Causeway Bay's history: the template inspected last first ("Island walk",
    one score), then the chain walk's trend "Scores up and down: 85.71%, 42.86%, and 100%" (oldest
    first) as bars and as the chart's spoken label; each inspection newest first with its score,
    pass/fail, version and findings, the price labels marked repeated; back returns to the list."""
    ctx, shell = phone("M2001", "7100")
    listing = _go(ctx, shell, inspections.ROUTE)
    tile = _tile(listing, CWB)
    assert ctx._("Scores over time") in _texts(tile.subtitle) and nameless(listing) == []
    tile.on_click(None)
    assert ctx.page.route == inspection_trends.history_route("st-cwb")
    view = _go(ctx, shell, ctx.page.route)
    texts = _texts(view)
    assert nameless(view) == [] and CWB in texts and ctx.page.views[-2].route == inspections.ROUTE
    assert texts.index("Island walk") < texts.index("Store walk")
    mixed = ctx._("Scores up and down: {scores}", scores="85.71%, 42.86%, and 100%")
    assert mixed in texts and mixed in _spoken_charts(view)
    assert ctx._("One score so far: {scores}", scores="57.14%") in _spoken_charts(view)
    bars = [c for c in walk(view) if isinstance(c, ft.Container) and c.width == inspection_history.BAR_WIDTH]
    assert [b.height for b in bars] == [69, 103, 51, 120]  # Island walk's one, then the chain walk oldest first
    second = ctx.tr.join(ctx._("Score {score}%", score="42.86"), ctx._("Fail"))
    assert any(line.endswith(second) for line in texts)
    assert ctx.tr.join(ctx._("Version {version}", version="1"), "2 findings") in texts
    assert ctx._("Repeated: {items}", items="Price labels") in texts
    assert ctx._("Fetched {time}", time=ctx.tr.format_datetime(kept(
        ctx.store, ctx.user["id"], history_subject("st-cwb")).fetched_at, "short")) in texts


def test_from_a_finished_inspection_its_stores_history_and_back(phone):
    """The result of a finished inspection (pulled to the store manager's phone) offers the
    store's history; it opens above the result (back returns there), and its inspection rows on
    the phone open their result."""
    ctx, shell = phone("M2001", "7100")
    result = _go(ctx, shell, f"{inspections.ROUTE}/trend-2")
    _button(result, ctx._("History of this store")).on_click(None)
    assert ctx.page.route == "/inspections/trend-2/history"
    view = _go(ctx, shell, ctx.page.route)
    assert CWB in _texts(view) and ctx.page.views[-2].route == f"{inspections.ROUTE}/trend-2"
    row = next(c for c in walk(view) if isinstance(c, ft.ListTile) and c.on_click is not None
               and ctx._("Score {score}%", score="42.86") in _texts(c.title)[0])
    row.on_click(None)
    assert ctx.page.route == f"{inspections.ROUTE}/trend-1"
    assert inspection_result.view(ctx, ctx.page.route, "trend-1").route == ctx.page.route


def test_an_area_manager_reads_the_items_failing_most_in_arabic(phone):
    """HK Island's area manager, reading Arabic, opens the chain walk's items failing most from
    Inspections: counted over his 4 inspections at 2 stores; the price labels first (3 times, at 2
    stores: Causeway Bay 2, Sha Tin 1), its section; then the chiller. Numbers are formatted the
    Arabic way."""
    ctx, shell = phone("A1002", "8200", "ar")
    listing = _go(ctx, shell, inspections.ROUTE)
    template_tile = next(c for c in walk(listing) if isinstance(c, ft.ListTile) and "Store walk" in _texts(c.title)
                         and ctx._("Items failing most") in _texts(c.subtitle))
    template_tile.on_click(None)
    view = _go(ctx, shell, ctx.page.route)
    texts, tr = _texts(view), ctx.tr
    assert nameless(view) == [] and ctx.page.views[-2].route == inspections.ROUTE
    assert tr.join(tr.ngettext("{count} inspection", "{count} inspections", 4),
                   tr.ngettext("{count} store", "{count} stores", 2)) in texts
    assert tr.join(tr.format_number(1), "Price labels") in texts
    assert tr.join(tr.ngettext("Failed {count} time", "Failed {count} times", 3),
                   tr.ngettext("at {count} store", "at {count} stores", 2)) in texts
    assert tr.join(CWB, tr.format_number(2)) in texts and ctx._("Section: {section}", section="Chiller") in texts
    assert texts.index(tr.join(tr.format_number(1), "Price labels")) < texts.index(
        tr.join(tr.format_number(2), "Chiller temperature"))


def test_offline_the_last_copy_is_shown_with_its_time_else_it_needs_a_connection(phone):
    """Fetched once, then offline (a new session): the history is shown from the phone's copy,
    marked "Saved copy from <time>" with the connection problem; a template never fetched says it
    needs a connection. Nothing else is shown."""
    ctx, shell = phone("A1002", "8200")
    _go(ctx, shell, inspection_trends.history_route("st-cwb"))
    fetched = kept(ctx.store, ctx.user["id"], history_subject("st-cwb")).fetched_at
    ctx.api, ctx.screen_states = offline_api(ctx), {}
    view = _go(ctx, shell, inspection_trends.history_route("st-cwb"))
    texts = _texts(view)
    assert ctx._("Saved copy from {time}: it may have changed since.",
                 time=ctx.tr.format_datetime(fetched, "short")) in texts
    assert OFFLINE in texts and "Store walk" in texts and _button(view, ctx._("Try again"))
    with ctx.store.reading() as db:
        island = db.execute("SELECT id FROM inspection_templates WHERE name='Island walk'").fetchone()[0]
    never = _go(ctx, shell, inspection_trends.failing_route(island))
    assert [OFFLINE, ctx._("This needs a connection: nothing was fetched on this phone yet.")] == [
        t for t in _texts(never) if t in (OFFLINE, ctx._("This needs a connection: nothing was fetched on this "
                                                          "phone yet."))]
    assert "Price labels" not in _texts(never) and "Chiller temperature" not in _texts(never)


def _refused(ctx, screen_view, route: str, subject_id: str) -> list[str]:
    """The screen's texts once the server has answered (opened directly: the app offers it to
    managers only)."""
    screen_view(ctx, route, subject_id)
    run_tasks(ctx)
    assert not ctx.screen_states[f"{route}:{ctx.user['id']}"][0].loading
    return _texts(screen_view(ctx, route, subject_id))


def test_staff_and_another_areas_manager_are_refused_in_their_language(phone, chain):  # noqa: F811
    """Chan (staff, Traditional Chinese) asking for his store's history is refused (403) and told so
    in Chinese; Kowloon's area manager (Thai) is refused Causeway Bay's history (403) and told HK
    Island's own template does not exist (404); a copy he kept from before is forgotten, so
    nothing of it shows."""
    from app.ui.screens import inspection_failing

    staff, _ = phone("S3001", "1111", "zh_Hant_HK")
    texts = _refused(staff, inspection_history.view, inspection_trends.history_route("st-cwb"), "st-cwb")
    refusal = staff.reason_text("forbidden_role")
    assert refusal in texts and refusal != REASON_MESSAGES.text(Translator("en"), "forbidden_role")
    assert "Store walk" not in texts
    assert staff._("This needs a connection: nothing was fetched on this phone yet.") not in texts

    kln, _ = phone("A1001", "8100", "th")
    keep(kln.store, kln.user["id"], failing_subject(chain["island"]),
         {"template_id": chain["island"], "name": "Island walk", "inspections": 1, "store_ids": ["st-cwb"],
          "items": []}, datetime.now().astimezone())
    texts = _refused(kln, inspection_history.view, inspection_trends.history_route("st-cwb"), "st-cwb")
    assert kln.reason_text("forbidden_role") in texts and "Store walk" not in texts
    route = inspection_trends.failing_route(chain["island"])
    texts = _refused(kln, inspection_failing.view, route, chain["island"])
    assert kln.reason_text("not_found") in texts and "Island walk" not in texts
    assert kept(kln.store, kln.user["id"], failing_subject(chain["island"])) is None


def test_every_language_draws_both_screens_from_the_kept_copies(phone, chain):  # noqa: F811
    """Fetched once, then read offline in each of the app's 8 languages: both screens draw, with
    the trend in words, the counts and the store names (numbers and dates formatted per language)."""
    ctx, shell = phone("A1002", "8200")
    _go(ctx, shell, inspection_trends.history_route("st-cwb"))
    _go(ctx, shell, inspection_trends.failing_route(chain["chain"]))
    ctx.api = offline_api(ctx)
    for locale in SUPPORTED_LOCALES:
        ctx.tr.set_locale(locale)
        ctx.screen_states = {}
        history = _go(ctx, shell, inspection_trends.history_route("st-cwb"))
        words = ctx._("One score so far: {scores}", scores=inspection_history.percent(ctx, 57.14))
        assert words in _spoken_charts(history) and nameless(history) == [], locale
        failing = _go(ctx, shell, inspection_trends.failing_route(chain["chain"]))
        assert ctx.tr.join(CWB, ctx.tr.format_number(2)) in _texts(failing), locale


def test_hq_reaches_every_stores_history_and_sees_a_critical_failure_marked(phone):
    """HQ's card lists every store of the chain; Mong Kok's history: the same score twice
    ("Scores steady"), the older one failed because a critical item failed, marked so."""
    ctx, shell = phone("A0001", "9000")
    listing = _go(ctx, shell, inspections.ROUTE)
    for store in (CWB, "Mong Kok (Langham Place)", "Tsim Sha Tsui (Harbour City)", "Sha Tin (New Town Plaza)"):
        assert ctx._("Scores over time") in _texts(_tile(listing, store).subtitle), store
    _tile(listing, "Mong Kok (Langham Place)").on_click(None)
    view = _go(ctx, shell, ctx.page.route)
    steady = ctx._("Scores steady: {scores}", scores=ctx.tr.format_list(["85.71%", "85.71%"]))
    assert steady in _spoken_charts(view) and ctx._("A critical item failed.") in _texts(view)
    failed = next(c for c in walk(view) if isinstance(c, ft.ListTile) and ctx._("Fail") in _texts(c.title)[0])
    assert ctx._("A critical item failed.") in _texts(failed.subtitle) and nameless(view) == []
