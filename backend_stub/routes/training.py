"""Issue 13, trainapi: training (``/training``). HQ writes courses and quizzes; managers schedule
sessions; the trainer and the store's managers get the rotating code, the live roll and add people
by hand. Sign-in, sign-out and quiz answers come by sync push (``training.*``). See docs/training.md."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import select

from app.protocol import Reason
from app.protocol.training import (CourseCreate, CoursePublic, ManualAdd, MatrixLink, PublicQuizOut, QuizCreate,
                                   QuizSaved, SessionCancel, SessionCode, SessionCreate, SessionEdit, SessionListItem,
                                   SessionPublic, SessionSecret, SignInPublic, TrainerSession, TrainingMatrixPublic)
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead, DbSession, EngineDep, SettingsDep, load_actor
from backend_stub.errors import NotFound, Unauthorized
from backend_stub.openapi import errors
from backend_stub.services import (training_catalogue, training_matrix, training_sessions, training_signin,
                                   training_trainer)
from backend_stub.services import training_matrix_links, training_session_edits  # issue 13, trainmanage
from backend_stub.services.outcomes import Rejected

router = APIRouter(prefix="/training", tags=["training"])
#: A session id as its QR code carries it.
SessionIdPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


@router.post("/courses", responses=errors(400, 401, 403))
def save_course(body: CourseCreate, caller: CurrentUser, conn: DbSession) -> CoursePublic:
    """HQ adds a course to the catalogue, or replaces the one with its id."""
    return training_catalogue.save_course(conn, caller.actor, body, datetime.now(UTC))


@router.post("/quizzes", status_code=201, responses=errors(400, 401, 403))
def save_quiz(body: QuizCreate, caller: CurrentUser, conn: DbSession) -> QuizSaved:
    """HQ writes a quiz (with its key, kept on the server) as its next version."""
    return training_catalogue.save_quiz(conn, caller.actor, body, datetime.now(UTC))


@router.post("/sessions", status_code=201, responses=errors(400, 401, 403, 404))
def create_session(body: SessionCreate, caller: CurrentUser, conn: DbSession) -> SessionPublic:
    """A manager of the store (HQ: any) schedules a session; its staff pull it (never its secret)."""
    return training_sessions.create(conn, caller.actor, body, datetime.now(UTC))


@router.get("/courses", responses=errors(401))
def list_courses(caller: CurrentUser, conn: DbRead) -> list[CoursePublic]:
    """Issue 13, trainmanage: the course catalogue (what a manager schedules sessions of)."""
    return training_catalogue.list_courses(conn)


@router.get("/sessions", responses=errors(401, 403))
def list_sessions(caller: CurrentUser, conn: DbRead,
                  store_id: str = Query(max_length=64, description="The store")) -> list[SessionListItem]:
    """Issue 13, trainmanage: a store's sessions not ended yet, soonest first, with how many signed
    in: for managers of the store (HQ: any)."""
    return training_session_edits.list_for_store(conn, caller.actor, store_id, datetime.now(UTC))


@router.put("/sessions/{session_id}", responses=errors(400, 401, 403, 404, 409))
def edit_session(session_id: SessionIdPath, body: SessionEdit, caller: CurrentUser, conn: DbSession) -> SessionPublic:
    """Issue 13, trainmanage: a manager of the store changes a session, on the version they saw (409
    when it changed meanwhile or was cancelled; 400 with the rule otherwise)."""
    return training_session_edits.edit(conn, caller.actor, session_id, body, datetime.now(UTC))


@router.post("/sessions/{session_id}/cancel", responses=errors(400, 401, 403, 404, 409))
def cancel_session(session_id: SessionIdPath, body: SessionCancel, caller: CurrentUser,
                   conn: DbSession) -> SessionPublic:
    """Issue 13, trainmanage: a manager of the store calls a session off; the people invited and
    those on the roll are told through their feeds."""
    return training_session_edits.cancel(conn, caller.actor, session_id, body, datetime.now(UTC))


@router.get("/sessions/{session_id}/code", responses=errors(401, 403, 404))
def session_code(session_id: SessionIdPath, caller: CurrentUser, conn: DbRead) -> SessionCode:
    """The code to show now (6 digits, changing every 30 s), seconds left and the QR text: for
    the session's trainer and the managers of its store only."""
    return training_sessions.code_now(conn, caller.actor, session_id, datetime.now(UTC))


@router.get("/my-sessions", responses=errors(401))
def my_sessions(caller: CurrentUser, conn: DbRead) -> list[TrainerSession]:
    """Issue 13, traintrainer: the sessions the caller trains whose codes are still needed, soonest
    first (no secret)."""
    return training_trainer.my_sessions(conn, caller.actor, datetime.now(UTC))


@router.get("/sessions/{session_id}/secret", responses=errors(400, 401, 403, 404))
def session_secret(session_id: SessionIdPath, caller: CurrentUser, conn: DbRead) -> SessionSecret:
    """Issue 13, traintrainer: the session's secret, for its named trainer only (not managers, not
    staff) while its codes are needed, so their phone shows the code offline."""
    return training_trainer.secret_for(conn, caller.actor, session_id, datetime.now(UTC))


@router.get("/sessions/{session_id}/attendance", responses=errors(401, 403, 404))
def attendance(session_id: SessionIdPath, caller: CurrentUser, conn: DbRead) -> list[SignInPublic]:
    """The live roll (on time, late, added by hand with the reason), for the trainer and managers."""
    return training_sessions.attendance(conn, caller.actor, session_id)


@router.post("/sessions/{session_id}/manual-add", responses=errors(400, 401, 403, 404))
def manual_add(session_id: SessionIdPath, body: ManualAdd, caller: CurrentUser, conn: DbSession) -> SignInPublic:
    """The trainer adds someone by hand with a reason (logged, with who added them)."""
    return training_sessions.manual_add(conn, caller.actor, session_id, body.user_id, body.reason, datetime.now(UTC))


@router.get("/sessions/{session_id}/quiz", responses=errors(401, 404))
def session_quiz(session_id: SessionIdPath, caller: CurrentUser, conn: DbRead, settings: SettingsDep) -> list[PublicQuizOut]:
    """The caller's views of the session's quiz, one per attempt still allowed (no answer key):
    answered on the device, even offline, and graded by the server when pushed."""
    try:
        return training_signin.quiz_views(conn, caller.actor, session_id, settings.signing_key)
    except Rejected as exc:
        raise NotFound(Reason.NOT_FOUND, exc.message) from None


_EXPORTS = {"csv": ("text/csv; charset=utf-8", "csv"),
            "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")}
MATRIX_RESPONSES = {200: {"description": "The matrix as JSON, or a CSV/XLSX file with `format`", "content": {
    "application/json": {}, **{media: {} for media, _ in _EXPORTS.values()}}}, **errors(401, 403)}


@router.get("/matrix", response_model=TrainingMatrixPublic, responses=MATRIX_RESPONSES)
def matrix(caller: CurrentUser, conn: DbRead,
           store_id: str | None = Query(default=None, max_length=64, description="One store (default: all yours)"),
           format: Literal["json", "csv", "xlsx"] = Query(default="json", description="json, csv or xlsx")):
    """People by course (done, expiring within 30 days, expired, missing) for the stores the
    caller manages (HQ: all), as JSON or exported as CSV/XLSX in the caller's language."""
    now = datetime.now(UTC)
    if format == "json":
        return training_matrix.as_json(conn, caller.actor, now, store_id)
    return _export(conn, caller.actor, store_id, format, now)


def _export(conn, actor, store_id: str | None, fmt: str, now: datetime) -> Response:
    """The matrix as a CSV/XLSX file in the reader's language."""
    locale = conn.execute(select(db.users.c.locale).where(db.users.c.id == actor.user_id)).scalar()
    rows = training_matrix.export_rows(conn, actor, now, store_id, locale)
    data = training_matrix.to_csv(rows) if fmt == "csv" else training_matrix.to_xlsx(rows, locale)
    media, ext = _EXPORTS[fmt]
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="training-matrix.{ext}"', "Cache-Control": "private, no-store"})


# Issue 13, trainmanage: a link a browser downloads the export from without the app's token.
@router.post("/matrix/link", responses=errors(401, 403))
def matrix_link(caller: CurrentUser, conn: DbRead, settings: SettingsDep,
                store_id: str | None = Query(default=None, max_length=64, description="One store (default: all yours)"),
                format: Literal["csv", "xlsx"] = Query(default="csv", description="csv or xlsx")) -> MatrixLink:
    """A link to the export, valid for 10 minutes, for a manager of the store (else 403)."""
    training_matrix.scope(caller.actor, store_id)
    return training_matrix_links.issue(settings, caller.actor, store_id, format, training_matrix_links.now())


@router.get("/matrix-files/{link}", response_class=Response, responses={**MATRIX_RESPONSES, **errors(401)})
def matrix_file(link: str, engine: EngineDep, settings: SettingsDep) -> Response:
    """The export through a link from ``matrix/link`` (no token: the link is the credential). The
    person is checked again as they are now; a forged or expired link is 401."""
    user_id, store_id, fmt = training_matrix_links.read(settings, link)
    with engine.connect() as conn:
        loaded = load_actor(conn, user_id)
        if loaded is None:
            raise Unauthorized(Reason.TOKEN_INVALID, "This link's person can no longer export.")
        return _export(conn, loaded[0], store_id, fmt, training_matrix_links.now())
