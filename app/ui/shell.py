"""The app shell of one session: start-up, login/logout, routing, background sync."""

import logging

import flet as ft

from app.platform import offload, startup_mark
from app.protocol import TokenPair
from app.store import outbox
from app.store import training_secrets  # issue 13, traintrainer
from app.ui import urgent
from app.ui.chrome import refresh_status
from app.ui.context import AppContext
from app.ui.dialogs import confirm
from app.ui.redraw import keep_unchanged, look_of, marked_on_top
from app.ui.screens import (
    approvals, availability, broadcast, broadcast_history, broadcast_receipts, broadcasts, calendar_feed, chain_settings, clock,
    delegation, face_setup, home, kiosk, login, me, my_punches, punch, rejected, requests, requests_new,
    requests_queue, roster, shifts, staff_pins, task_detail, task_new, tasks, team, trades,
    inspections,  # issue 12, insprun
    inspection_trends,  # issue 12, insptrend
    inspection_templates,  # issue 12, inspbuild
    departments, task_schedule_new, task_schedules,  # issue 12, taskadmin
    training_matrix, training_session_form, training_sessions,  # issue 13, trainmanage
    trainer_run, trainer_sessions, training_scan,  # issue 13, traintrainer
    my_training, training, training_quiz,  # issue 13, trainstaff
)
from app.ui.sync_status import SyncRunner

logger = logging.getLogger(__name__)
#: device meta: the user who signed in last (to tell when the next person is someone else).
LAST_USER_KEY = "last_user_id"


class Shell:
    """Owns the page of one session and decides which screen it shows."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.page = ctx.page
        self._notice: str | None = None
        ctx.rerender = self.render
        ctx.status.listeners.append(self._status_changed)

    # -- start / session -------------------------------------------------------------
    async def start(self) -> None:
        page = self.page
        page.on_route_change = lambda e: self._route_changed()
        page.on_view_pop = self._view_pop
        self.ctx.apply_look()
        await self.ctx.vault.open()
        user, refresh = await self.ctx.vault.load()
        if user and refresh:
            # Offline first: the saved session opens Home at once; sync refreshes tokens later.
            self.ctx.api.refresh_token = refresh
            self._signed_in(user)
            if self.route in ("/", "/login", ""):
                page.navigate("/home")
            self._route_changed()
        else:
            page.navigate("/login")
            self.render()

    def _signed_in(self, user: dict) -> None:
        ctx = self.ctx
        ctx.user = user
        if ctx.runner:
            ctx.runner.stop()
        ctx.runner = SyncRunner(ctx.store, ctx.engine(), ctx.status, interval_s=ctx.config.sync_interval_s,
                                on_auth_required=self._session_ended, on_synced=self._synced)
        ctx.runner.refresh_counts()
        self.page.run_task(ctx.runner.loop)

    async def _on_login(self, tokens: TokenPair) -> None:
        user = tokens.user.model_dump(mode="json")
        self._forget_last_persons_refusals(user["id"])
        self.ctx.vault.save(user, tokens.refresh_token)
        if user.get("locale") and not self.ctx.store.get_meta("locale"):
            self.ctx.set_locale(user["locale"])
        self._notice = None
        self._signed_in(user)
        self.ctx.tell_server_my_locale(signing_in=True)  # issue 11, bcfollow: chosen before signing in
        self.page.navigate("/home")

    def _forget_last_persons_refusals(self, user_id: str) -> None:
        """A shared phone: the next person does not see what the last one had refused."""
        store = self.ctx.store
        if store.get_meta(LAST_USER_KEY) not in (None, user_id):
            with store.transaction() as db:
                outbox.hide_rejected(db)
        store.set_meta(LAST_USER_KEY, user_id)

    def _session_ended(self) -> None:
        self._notice = self.ctx._("Your session has ended. Please log in again.")
        self._stop_session()
        self.page.navigate("/login")

    def _stop_session(self) -> None:
        ctx = self.ctx
        if ctx.runner:
            ctx.runner.stop()
            ctx.runner = None
        ctx.vault.clear()
        training_secrets.forget_all(ctx.store)  # issue 13, traintrainer: a shared phone keeps no session secret
        ctx.api.access_token = ctx.api.refresh_token = None
        ctx.user = None

    async def logout(self) -> None:
        """Log out; if actions have not synced, try once, then ask before discarding them."""
        ctx = self.ctx
        if ctx.runner:
            await ctx.runner.run_once()
        with ctx.store.reading() as db:
            waiting = outbox.waiting_count(db)
        if waiting:
            confirm(ctx, ctx._("Log out"), ctx.tr.ngettext(
                "{count} action has not reached the server. If you log out now it will be discarded.",
                "{count} actions have not reached the server. If you log out now they will be discarded.",
                waiting), ctx._("Log out anyway"), self._force_logout)
            return
        await self._finish_logout()

    async def _force_logout(self) -> None:
        with self.ctx.store.transaction() as db:
            outbox.discard_pending(db)  # undone here; only voids (no effect) reach the server
        await self._finish_logout()

    async def _finish_logout(self) -> None:
        try:
            await offload(self.ctx.api.logout)
        except Exception as exc:  # offline: the server session expires on its own
            logger.info("logout: server not reached: %s", type(exc).__name__)
        self._stop_session()
        self.page.navigate("/login")

    # -- status / sync ------------------------------------------------------------------
    #: Screens without input fields: safe to redraw when a sync brings new data.
    READ_ONLY = ("/home", "/clock", "/shifts", "/tasks", "/me", "/team", "/sync", "/me/requests",
                 "/inspections",  # issue 12, insprun: the list (one inspection has fields)
                 training.ROUTE, my_training.ROUTE)  # issue 13, trainstaff

    def _status_changed(self) -> None:
        refresh_status(self.ctx)

    def _synced(self, report) -> None:
        changed = report is not None and (report.pulled or report.applied or report.rejected)
        if not changed or self.ctx.user is None:
            return
        finished = inspections.finished_route(self.ctx, self.route)  # issue 12, inspe2e: one look-up
        if finished or self._redraws_on_sync(self.route):
            # Read-only screens only when they would look different (app.ui.redraw says why);
            # a screen with fields rebuilds them from its state, and its drafts hold the fields drawn.
            self.render(only_if_changed=finished or self.route in self.READ_ONLY
                        or self.route.startswith(self.READ_ONLY_BELOW))

    #: Issue 10, pickers: decision queues keep what is being typed in their screen state
    #: (app.ui.screen_state.Drafts), so they follow the server too.
    #: Issue 10/11: screens with fields that keep what is typed in their screen state (queues,
    #: delegation, the broadcast being written), so they follow the server too.
    KEEPS_TYPING = (trades.ROUTE, "/approvals", requests_queue.ROUTE, delegation.ROUTE, broadcast.ROUTE,
                    broadcasts.ROUTE)
    #: Routes below these (a shift's trade options, one broadcast, a sent one's receipts) have no
    #: fields of their own.
    READ_ONLY_BELOW = ("/shifts/", broadcasts.ROUTE + "/", broadcast_receipts.ROUTE + "/",
                       training.ROUTE + "/")  # issue 13, trainstaff: the code and answers are kept apart

    def _redraws_on_sync(self, route: str) -> bool:
        """Whether a sync that brought changes redraws ``route`` (never a screen that would lose
        what is being typed; a finished inspection, which has no field, is told by ``_synced``)."""
        return route in self.READ_ONLY or route in self.KEEPS_TYPING or route.startswith(self.READ_ONLY_BELOW)

    # -- routing ---------------------------------------------------------------------------
    @property
    def route(self) -> str:
        """The current route without its query string (the first one carries ?hl=)."""
        return (self.page.route or "").split("?", 1)[0]

    def _route_changed(self) -> None:
        if self.route == "/kiosk":
            kiosk.lock(self.ctx)  # opening the kiosk is the only way into kiosk mode
        # In the browser, where a tap's time goes (the start-up benchmark reads the first of each).
        startup_mark(f"route {self.route} changed")
        self.render()
        startup_mark(f"route {self.route} sent")

    async def _view_pop(self, e: ft.ViewPopEvent) -> None:
        if kiosk.locked(self.ctx) or (self.ctx.user is not None and urgent.waiting(self.ctx, self.page.route)):
            self.render()  # Android back / a route pop never leaves kiosk mode, nor an urgent broadcast
            return
        if len(self.page.views) > 1:
            self.page.views.pop()
            await self.page.push_route(self.page.views[-1].route or "/home")

    def _screen(self, route: str) -> ft.View:
        ctx = self.ctx
        if ctx.user is None:
            return login.view(ctx, self._on_login, self._notice)
        routes = {
            "/home": lambda: home.view(ctx),
            "/clock": lambda: clock.view(ctx),
            "/shifts": lambda: shifts.view(ctx),
            "/tasks": lambda: tasks.view(ctx),
            "/me": lambda: me.view(ctx, self.logout),
            "/me/language": lambda: me.language_view(ctx),
            "/me/display": lambda: me.display_view(ctx),
            "/me/face": lambda: face_setup.view(ctx),
            "/me/punches": lambda: my_punches.view(ctx),
            calendar_feed.ROUTE: lambda: calendar_feed.view(ctx),
            availability.ROUTE: lambda: availability.view(ctx),  # issue 10, availability
            "/sync": lambda: rejected.view(ctx),
            trades.ROUTE: lambda: trades.view(ctx),
            requests.ROUTE: lambda: requests.view(ctx),  # issue 10, requests
            requests.NEW_ROUTE: lambda: requests_new.view(ctx),
            broadcasts.ROUTE: lambda: broadcasts.view(ctx),  # issue 11, broadcasts
            trainer_sessions.ROUTE: lambda: trainer_sessions.view(ctx),  # issue 13, traintrainer
            training_scan.ROUTE: lambda: training_scan.view(ctx),  # issue 13, traintrainer
            training.ROUTE: lambda: training.view(ctx), my_training.ROUTE: lambda: my_training.view(ctx),  # issue 13, trainstaff
        }
        if ctx.is_manager:
            routes |= {"/team": lambda: team.view(ctx), "/approvals": lambda: approvals.view(ctx),
                       broadcast.ROUTE: lambda: broadcast.view(ctx), "/kiosk": lambda: kiosk.view(ctx),
                       staff_pins.ROUTE: lambda: staff_pins.view(ctx), roster.ROUTE: lambda: roster.view(ctx),
                       chain_settings.ROUTE: lambda: chain_settings.view(ctx),  # issue 10, availability
                       requests_queue.ROUTE: lambda: requests_queue.view(ctx),
                       delegation.ROUTE: lambda: delegation.view(ctx),  # issue 10, delegation
                       task_new.ROUTE: lambda: task_new.view(ctx),  # issue 12, taskboard
                       inspections.ROUTE: lambda: inspections.view(ctx),  # issue 12, insprun
                       task_schedules.ROUTE: lambda: task_schedules.view(ctx),  # issue 12, taskadmin
                       task_schedule_new.ROUTE: lambda: task_schedule_new.view(ctx),  # issue 12, taskadmin
                       departments.ROUTE: lambda: departments.view(ctx),  # issue 12, taskadmin
                       training_sessions.ROUTE: lambda: training_sessions.view(ctx),  # issue 13, trainmanage
                       training_matrix.ROUTE: lambda: training_matrix.view(ctx)}  # issue 13, trainmanage
        if route.startswith(requests.ROUTE + "/") and route not in routes:
            return requests.detail_view(ctx, route, route.rsplit("/", 1)[1])  # one of my requests
        if route.startswith(broadcasts.ROUTE + "/") and route.endswith(broadcast_history.SUFFIX):  # issue 11, bcsaved
            return broadcast_history.view(ctx, route, route.rsplit("/", 2)[1])
        if route.startswith(broadcasts.ROUTE + "/"):
            return broadcasts.detail_view(ctx, route, route.rsplit("/", 1)[1])  # issue 11: one broadcast
        if route.startswith(inspection_templates.ROUTE):  # issue 12, inspbuild: area managers and HQ only
            return inspection_templates.route_view(ctx, route) if inspection_templates.may_use(ctx) else routes["/home"]()
        if ctx.is_manager and (trend := inspection_trends.route_view(ctx, route)) is not None:  # issue 12, insptrend
            return trend
        if ctx.is_manager and route.startswith(inspections.ROUTE + "/"):  # issue 12, insprun: one inspection
            return inspections.detail_view(ctx, route, route.rsplit("/", 1)[1])
        if ctx.is_manager and route.startswith(training_sessions.ROUTE + "/"):  # issue 13, trainmanage
            return training_session_form.view(ctx, route, route.rsplit("/", 1)[1])
        if route.startswith(training.ROUTE + "/"):  # issue 13, trainstaff: a session, or its quiz
            parts = route.split("/")
            if len(parts) == 4 and "/" + parts[3] == training_quiz.SUFFIX:
                return training_quiz.view(ctx, route, parts[2])
            return training.detail_view(ctx, route, parts[2])
        if route.startswith(tasks.ROUTE + "/") and route not in routes:
            return task_detail.view(ctx, route, route.rsplit("/", 1)[1])  # issue 12, taskboard: one task
        if route.startswith("/shifts/"):
            return trades.shift_view(ctx, route, route.rsplit("/", 1)[1])  # a tapped shift: trade it
        if ctx.is_manager and route.startswith(broadcast_receipts.ROUTE + "/"):
            return broadcast_receipts.view(ctx, route, route.rsplit("/", 1)[1])  # issue 11: a sent one's receipts
        if ctx.is_manager and route.startswith("/team/"):
            return punch.view(ctx, route, route.rsplit("/", 1)[1])  # a tapped punch
        if route.startswith(trainer_sessions.ROUTE + "/"):  # issue 13, traintrainer: one session's code
            return trainer_run.view(ctx, route, route.rsplit("/", 1)[1])
        return routes.get(route, routes["/home"])()

    def render(self, *, only_if_changed: bool = False) -> None:
        """Rebuild the view stack for the current route from the local database (only when it
        would look different from what is shown, if asked)."""
        shown_slot = self.page.data.get("status_slot")
        stack = self._stack()
        if only_if_changed and look_of(stack) == look_of(self.page.views):
            self.page.data["status_slot"] = shown_slot  # the strip on screen is still the one to refresh
            return
        stack = keep_unchanged(list(self.page.views), stack)
        self.page.data["status_slot"] = marked_on_top(stack)  # a kept view's strip is the one shown
        self.page.views.clear()
        self.page.views.extend(stack)
        self.page.update()

    def _stack(self) -> list[ft.View]:
        """The views for the current route, bottom first."""
        route = self.route if self.route not in ("", "/") else "/home"
        if self.ctx.user is None:
            stack = [self._screen("/login")]
        elif kiosk.locked(self.ctx):
            stack = [self._screen("/kiosk")]  # nothing else is reachable until the PIN unlocks it
        else:
            stack = [self._screen("/home")]
            parent = route.rsplit("/", 1)[0]
            if parent not in ("", "/home") and route != "/home":
                stack.append(self._screen(parent))
            if route != "/home":
                stack.append(self._screen(route))
        if self.ctx.user is not None and not kiosk.locked(self.ctx) and (waiting := urgent.waiting(self.ctx, route)):
            stack.append(urgent.view(self.ctx, route, waiting))  # issue 11: blocks every screen until acknowledged
        return stack
