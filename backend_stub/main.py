"""The FastAPI application factory."""

import asyncio
import logging
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI

from app.domain.attachments import MAX_PDF_BYTES
from backend_stub import fault_hooks
from backend_stub.access_log import AccessLogMiddleware
from backend_stub.cors import allow_web_app
from backend_stub.engine import create_schema, make_engine
from backend_stub.errors import install_handlers
from backend_stub.limits import BodyLimitMiddleware
from backend_stub.methods import install_methods
from backend_stub.openapi import document_errors
from backend_stub.routes import auth, broadcasts, calendar, chain_settings, face, kiosk, photos, saved_audiences, sync
from backend_stub.routes import inspections  # issue 12, inspscore
from backend_stub.routes import tasks  # issue 12, taskboard
from backend_stub.routes import task_schedules  # issue 12, taskrecur
from backend_stub.routes import training  # issue 13, trainapi
from backend_stub.services import inspection_report_fonts
from backend_stub.services.housekeeping import TASK_PASS_SECONDS, run_housekeeping, run_task_pass
from backend_stub.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API. The schema is created on start-up if missing."""
    settings = settings or Settings()
    engine = make_engine(settings.db_url)
    fault_hooks.install(engine)  # test-only kill switch; nothing unless its variable is set

    async def purge_loop() -> None:
        # PDPO: selfies are kept selfie_retention_days for disputes, then deleted; abandoned
        # partial uploads go after a day. run_housekeeping logs and survives its failures.
        while True:
            await asyncio.to_thread(run_housekeeping, engine, settings)
            await asyncio.sleep(3600)

    async def task_loop() -> None:
        # Issue 12, taskrecur: recurring tasks appear and overdue reminders go within a minute
        # (every worker runs it; each task and reminder is made once). It logs its failures.
        while True:
            await asyncio.to_thread(run_task_pass, engine)
            await asyncio.sleep(TASK_PASS_SECONDS)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        create_schema(engine)
        jobs = [asyncio.create_task(purge_loop()), asyncio.create_task(task_loop()),
                # The report's font is converted once per deployment (7-10 s): at start-up, in the
                # background, not in the first report's request (it outlasted the app's timeout).
                asyncio.create_task(asyncio.to_thread(
                    inspection_report_fonts.warm_cache, settings.derived_dir))]
        yield
        for job in jobs:
            job.cancel()
        engine.dispose()

    app = FastAPI(title="Shopfloor API", version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    install_handlers(app)
    app.add_middleware(BodyLimitMiddleware, default=settings.max_body_bytes,
                       photos=max(settings.max_photo_bytes, MAX_PDF_BYTES))  # issue 11, bcattach: PDFs

    v1 = APIRouter(prefix="/v1")

    @v1.get("/health", tags=["meta"])
    def health() -> dict:
        """Liveness probe; also how clients reach the server's clock."""
        return {"status": "ok", "time": datetime.now(UTC).isoformat()}

    for router in (auth.router, sync.router, photos.router, face.router, face.staff_router, kiosk.router,
                   auth.staff_router, calendar.router, calendar.me_router,
                   chain_settings.router,  # issue 10, availability: the chain's settings
                   broadcasts.router,  # issue 11, broadcasts: audience count, receipts
                   saved_audiences.router,  # issue 11, bcsaved
                   inspections.templates_router, inspections.router,  # issue 12, inspscore
                   tasks.router,  # issue 12, taskboard
                   task_schedules.router,  # issue 12, taskrecur
                   inspections.stores_router,  # issue 12, inspreport: store inspection history
                   inspections.links_router,  # issue 12, insprun: report links a browser opens
                   training.router):  # issue 13, trainapi
        v1.include_router(router)
    app.include_router(v1)
    document_errors(app)
    install_methods(app)
    allow_web_app(app, settings)  # outside the method and size checks: their refusals stay readable
    app.add_middleware(AccessLogMiddleware)  # last added = outermost: it sees every answer
    return app

