"""Face consent, enrolment and erasure (PDPO): embeddings only, photos discarded."""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import select

from app.domain.roles import Role
from app.protocol import Reason
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead, DbSession, SettingsDep
from backend_stub.errors import BadRequest, FaceUnavailable, Forbidden, NotFound, PayloadTooLarge, UnsupportedMedia
from backend_stub.openapi import errors
from backend_stub.services import biometrics, face_work
from backend_stub.services.uploads import UnprocessablePhoto, check_image
from backend_stub.settings import Settings

router = APIRouter(prefix="/face", tags=["face"])
staff_router = APIRouter(prefix="/staff", tags=["staff"])


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    granted: StrictBool
    text_version: str = Field(min_length=1, max_length=32)
    locale: str | None = Field(default=None, max_length=16)


class FaceStatus(BaseModel):
    consented: bool
    enrolled: bool
    consent_text_version: str


class Enrolled(BaseModel):
    """The embeddings, returned once so the device can verify offline (it encrypts them)."""

    embeddings: list[list[float]]


def _status(conn, user_id: str) -> FaceStatus:
    enrolled = conn.execute(select(db.face_embeddings.c.user_id).where(
        db.face_embeddings.c.user_id == user_id)).first() is not None
    return FaceStatus(consented=biometrics.has_consent(conn, user_id), enrolled=enrolled,
                      consent_text_version=biometrics.CONSENT_TEXT_VERSION)


@router.get("/status", response_model=FaceStatus)
def face_status(caller: CurrentUser, conn: DbRead) -> FaceStatus:
    return _status(conn, caller.actor.user_id)


@router.post("/consent", response_model=FaceStatus, responses=errors(BadRequest))
def consent(body: ConsentIn, caller: CurrentUser, conn: DbSession) -> FaceStatus:
    """Grant or withdraw consent; withdrawing deletes the stored embedding at once."""
    if body.granted and body.text_version != biometrics.CONSENT_TEXT_VERSION:
        raise BadRequest(Reason.CONSENT_OUTDATED, "Please read the current consent text first.",
                         {"current_version": biometrics.CONSENT_TEXT_VERSION})
    biometrics.record_consent(conn, caller.actor.user_id, granted=body.granted,
                              version=body.text_version, locale=body.locale)
    return _status(conn, caller.actor.user_id)


def read_photo(upload: UploadFile, settings: Settings) -> bytes:
    """Read an uploaded form file and pass it through the one image check (413/415/422)."""
    data = upload.file.read(settings.max_photo_bytes + 1)
    check_image(data, settings)
    return data


@router.post("/enrol", response_model=Enrolled,
             responses=errors(BadRequest, Forbidden, PayloadTooLarge, UnsupportedMedia, UnprocessablePhoto,
                              FaceUnavailable))
def enrol(caller: CurrentUser, conn: DbSession, settings: SettingsDep,
          photos: Annotated[list[UploadFile], File(description="3 photos, one face each")]) -> Enrolled:
    """Encode 3 photos into embeddings, store them encrypted, discard the photos.

    The face work runs in the worker process (services/face_work.py), never on the loop.
    """
    from app.face import FaceEngineUnavailableError, FaceQualityError, InconsistentEnrolmentError

    if not biometrics.has_consent(conn, caller.actor.user_id):
        raise Forbidden(Reason.CONSENT_REQUIRED, "Face data needs your consent first.")
    if len(photos) != 3:
        raise BadRequest(Reason.VALIDATION_ERROR, "Send exactly 3 photos.")
    data = [read_photo(photo, settings) for photo in photos]
    try:
        embeddings = face_work.enrol(data)
    except FaceQualityError as exc:
        raise UnprocessablePhoto(Reason(exc.code), str(exc), {"photo": exc.frame}) from None
    except InconsistentEnrolmentError:
        raise UnprocessablePhoto(Reason.INCONSISTENT_FACES, "The photos show different people.") from None
    except FaceEngineUnavailableError:
        raise FaceUnavailable(Reason.FACE_ENGINE_UNAVAILABLE, "No face engine on this server") from None
    del data  # enrolment photos are never stored
    biometrics.store_embeddings(conn, settings, caller.actor.user_id, embeddings)
    return Enrolled(embeddings=[[float(x) for x in e] for e in embeddings])


@staff_router.post("/{user_id}/erase-biometrics", responses=errors(Forbidden, NotFound))
def erase(user_id: str, caller: CurrentUser, conn: DbSession, settings: SettingsDep) -> dict:
    """Erase a person's face data: embeddings, selfies, consent records (HQ admin or the person)."""
    if caller.actor.user_id != user_id and caller.actor.role is not Role.HQ_ADMIN:
        raise Forbidden(Reason.FORBIDDEN_ROLE, "Only HQ admins can erase another person's data.")
    if conn.execute(select(db.users.c.id).where(db.users.c.id == user_id)).first() is None:
        raise NotFound(Reason.NOT_FOUND, "No such staff member.")
    return biometrics.erase_biometrics(conn, settings, user_id)
