"""Issue 13, trainapi: the wire format of training (rules: ``app.domain.training``).

Create models are what a trainer, manager or HQ sends; Public models are what devices get. The
public session has NO secret (only ``GET /v1/training/sessions/{id}/code`` gives its trainer and
managers the current code); the public quiz view has NO answer key.
"""

import hashlib
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from app.domain.roles import Role
from app.domain.training import courses, quizzes, sessions
from app.protocol.fields import NO_CONTROL_CHARACTERS, StrictBool, StrictFloat, StrictInt, WireTime
from app.protocol.mutations import Id, LocationFix, _Payload

#: A session id as its QR code carries it (``app.domain.training.codes.qr_text``).
SessionId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Word = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=quizzes.MAX_TEXT), NO_CONTROL_CHARACTERS]
Minutes = Annotated[StrictInt, Field(ge=0, le=int(sessions.MAX_MARGIN.total_seconds() // 60))]
TypedCode = Annotated[str, StringConstraints(max_length=32), NO_CONTROL_CHARACTERS]  # as typed; no control characters


# -- catalogue (HQ) ------------------------------------------------------------------------------


class CourseCreate(_Payload):
    """HQ adds a course to the catalogue (or replaces the one with its id)."""

    id: Word
    title: Annotated[str, StringConstraints(min_length=1, max_length=courses.MAX_TITLE, strip_whitespace=True), NO_CONTROL_CHARACTERS]
    skill: Word
    validity_months: Annotated[StrictInt, Field(ge=1, le=courses.MAX_VALIDITY_MONTHS)] | None = None
    sign_out_required: StrictBool = False
    quiz_id: Word | None = None


class CoursePublic(CourseCreate):
    """A course as every device pulls it."""


class QuizChoiceIn(_Payload):
    id: Word
    text: Text


class QuizQuestionIn(_Payload):
    """``answer``: the right choice's id, or ``true`` / ``false`` for a true/false question."""

    id: Word
    kind: quizzes.QuestionKind
    text: Text
    answer: Word
    choices: Annotated[list[QuizChoiceIn], Field(max_length=quizzes.MAX_CHOICES)] = []


class QuizCreate(_Payload):
    """HQ writes a quiz WITH its key; each write is the quiz's next version. Server only."""

    id: Word
    title: Annotated[str, StringConstraints(min_length=1, max_length=200), NO_CONTROL_CHARACTERS]
    questions: Annotated[list[QuizQuestionIn], Field(min_length=1, max_length=quizzes.MAX_QUESTIONS)]
    pass_mark: Annotated[StrictInt, Field(ge=0, le=100)] = quizzes.DEFAULT_PASS_MARK
    attempts_allowed: Annotated[StrictInt, Field(ge=1, le=quizzes.MAX_ATTEMPTS)] = quizzes.DEFAULT_ATTEMPTS


class QuizSaved(BaseModel):
    """What HQ is told of a saved quiz (the key is not echoed)."""

    id: str
    version: int
    questions: int


# -- sessions ------------------------------------------------------------------------------------


class Room(_Payload):
    """A training room's own fence (else the store's)."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=200), NO_CONTROL_CHARACTERS]
    latitude: StrictFloat = Field(ge=-90, le=90)
    longitude: StrictFloat = Field(ge=-180, le=180)
    radius_m: StrictFloat = Field(gt=0, le=5000)


class _SessionPlan(_Payload):
    """What a session's creator sets and a manager may later edit: the trainer, the place
    (``room`` None: the store's own fence), the window and its margins, seats, invitations."""

    trainer_id: Id
    room: Room | None = None
    starts_at: WireTime
    ends_at: WireTime
    capacity: Annotated[StrictInt, Field(ge=1, le=sessions.MAX_CAPACITY)] | None = None
    invite_only: StrictBool = False
    invited_user_ids: Annotated[list[Id], Field(max_length=sessions.MAX_CAPACITY)] = []
    invited_roles: Annotated[list[Role], Field(max_length=4)] = []
    early_margin_min: Minutes = int(sessions.DEFAULT_EARLY_MARGIN.total_seconds() // 60)
    late_allowance_min: Minutes = int(sessions.DEFAULT_LATE_ALLOWANCE.total_seconds() // 60)
    late_margin_min: Minutes = int(sessions.DEFAULT_LATE_MARGIN.total_seconds() // 60)
    sign_out_early_min: Minutes = int(sessions.DEFAULT_SIGN_OUT_EARLY.total_seconds() // 60)
    sign_out_margin_min: Minutes = int(sessions.DEFAULT_SIGN_OUT_MARGIN.total_seconds() // 60)


class SessionCreate(_SessionPlan):
    """A trainer or a manager of the store (HQ: any) schedules a session of a course."""

    id: SessionId
    course_id: Word
    store_id: Id


def feed_key(*parts: str) -> str:
    """The id of a record of several ids (a sign-in: session and person; a quiz result: session,
    person, quiz, version, attempt): joined when it fits the feed's 64 characters, else hashed.
    The phone names its own "confirming" record with it, so the server's copy replaces it."""
    joined = ":".join(parts)
    return joined if len(joined) <= 64 else "h-" + hashlib.sha256(joined.encode()).hexdigest()[:62]


class SessionPublic(BaseModel):
    """A session as devices pull it: NO secret (the code comes from its own route). Its window's
    moments are given, so a phone checks a sign-in or sign-out offline with the shared rules."""

    id: str
    course_id: str
    trainer_id: str
    store_id: str
    room: str
    latitude: float
    longitude: float
    radius_m: float
    starts_at: datetime
    ends_at: datetime
    sign_in_opens: datetime
    sign_in_closes: datetime
    on_time_until: datetime | None = None  # issue 13, trainstaff: later sign-ins are late
    sign_out_opens: datetime | None = None
    sign_out_closes: datetime | None = None
    capacity: int | None
    invite_only: bool
    invited_user_ids: list[str]
    invited_roles: list[str]
    sign_out_required: bool
    has_quiz: bool
    status: Literal["scheduled", "cancelled"]
    version: int = 1  # issue 13, trainmanage: an edit or cancel names the version it was made on
    cancelled_at: datetime | None = None


class SessionEdit(_SessionPlan):
    """Issue 13, trainmanage: a manager's edit of a session, made on ``base_version`` (all fields:
    the session as it should be; course and store stay). ``room`` None: the store's own fence."""

    base_version: Annotated[StrictInt, Field(ge=1)]


class SessionCancel(_Payload):
    """Issue 13, trainmanage: a manager calls a session off (made on ``base_version``)."""

    base_version: Annotated[StrictInt, Field(ge=1)]


class SessionListItem(SessionPublic):
    """Issue 13, trainmanage: a session in a manager's list, with its course and its roll's size."""

    course_title: str = ""
    signed_in: int = 0
    early_margin_min: int = 0
    late_allowance_min: int = 0
    late_margin_min: int = 0
    sign_out_early_min: int = 0
    sign_out_margin_min: int = 0


class SessionCode(BaseModel):
    """The code the trainer's phone shows now, how long it lasts, and its QR text."""

    session_id: str
    code: str
    seconds_left: float
    qr_text: str


class TrainerSession(SessionPublic):
    """Issue 13, traintrainer: a session in its trainer's list (``GET /v1/training/my-sessions``):
    the public session, its course's title and the last moment its code is needed. No secret."""

    course_title: str
    codes_until: datetime


class SessionSecret(BaseModel):
    """Issue 13, traintrainer: the session's secret, for its named trainer only (base32), so the
    trainer's phone shows codes offline; the phone deletes it after ``codes_until`` or at logout."""

    session_id: str
    secret: str
    codes_until: datetime


class SignInPublic(BaseModel):
    """One person on a session's roll, as the trainer's list shows them."""

    session_id: str
    user_id: str
    name: str = ""
    staff_no: str = ""
    signed_in_at: datetime
    device_time: datetime | None
    outcome: Literal["on_time", "late", "manual"]
    geofence: str | None
    distance_m: float | None
    manual_reason: str | None
    added_by: str | None
    flags: list[str]
    signed_out_at: datetime | None


class ManualAdd(_Payload):
    """The trainer adds someone by hand, saying why (logged with who added them)."""

    user_id: Id
    reason: Annotated[str, StringConstraints(max_length=500), NO_CONTROL_CHARACTERS]


# -- sync mutations ------------------------------------------------------------------------------


class TrainingSignIn(_Payload):
    """What a staff phone recorded: the code typed or scanned and a fix. The time is the
    mutation's clock (the server corrects it for drift), never a field the phone fills in."""

    session_id: SessionId
    user_id: Id
    code: TypedCode
    fix: LocationFix | None = None


class TrainingSignOut(TrainingSignIn):
    """The sign-out at the end, when the course asks for it (code and place again)."""


class QuizSheet(_Payload):
    """Answers to one attempt: question id -> the public choice id shown ("c2", "true")."""

    quiz_id: Word
    version: Annotated[StrictInt, Field(ge=1)]
    attempt: Annotated[StrictInt, Field(ge=1, le=quizzes.MAX_ATTEMPTS)]
    answers: Annotated[dict[Word, Annotated[str, StringConstraints(max_length=16), NO_CONTROL_CHARACTERS]],
                       Field(max_length=quizzes.MAX_QUESTIONS)]


class TrainingQuizAnswer(_Payload):
    """A staff member's answers to a session's quiz, graded by the server when it syncs."""

    session_id: SessionId
    user_id: Id
    sheet: QuizSheet


TRAINING_PAYLOADS = {
    "training.sign_in": TrainingSignIn,
    "training.sign_out": TrainingSignOut,
    "training.quiz_answer": TrainingQuizAnswer,
}


# -- quiz views and results ----------------------------------------------------------------------


class PublicChoiceOut(BaseModel):
    id: str
    text: str


class PublicQuestionOut(BaseModel):
    id: str
    kind: quizzes.QuestionKind
    text: str
    choices: list[PublicChoiceOut]


class PublicQuizOut(BaseModel):
    """One attempt's view: NO answer key, no seed, no authored choice id."""

    quiz_id: str
    version: int
    attempt: int
    title: str
    pass_mark: int
    attempts_allowed: int
    questions: list[PublicQuestionOut]


class QuizResultPublic(BaseModel):
    """A graded attempt as the person sees it (which questions were right, never which choice)."""

    session_id: str
    user_id: str
    quiz_id: str
    version: int
    attempt: int
    correct: int
    total: int
    percent: int
    passed: bool
    right: dict[str, bool]
    attempts_left: int
    graded_at: datetime


# -- the matrix ----------------------------------------------------------------------------------


class MatrixCell(BaseModel):
    status: Literal["done", "expiring", "expired", "missing"]
    expires_at: datetime | None


class MatrixRow(BaseModel):
    user_id: str
    name: str
    staff_no: str
    cells: list[MatrixCell]


class StoreMatrixPublic(BaseModel):
    store_id: str
    course_ids: list[str]
    rows: list[MatrixRow]


class TrainingMatrixPublic(BaseModel):
    """People by course, per store the reader manages, at ``at``."""

    at: datetime
    stores: list[StoreMatrixPublic]


class MatrixLink(BaseModel):
    """Issue 13, trainmanage: a link a browser downloads the matrix export from without the app's
    token (``/v1/training/matrix-files/{link}``, relative to the server), and until when it works."""

    url: str
    expires_at: datetime
