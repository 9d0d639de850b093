"""Kiosk mode: a store tablet, signed in by the store's manager, identifies who walks up (1:N).

Identification needs the server (the gallery of embeddings never leaves it); the punch
itself is then an ordinary ``punch.record`` mutation with ``method="kiosk"``.
"""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from app.domain.access import AccessDenied, require_manager_of
from app.face.imaging import sniff_image_type
from app.protocol import Reason
from backend_stub import db
from backend_stub.deps import CurrentUser, DbRead, EngineDep, SettingsDep
from backend_stub.errors import FaceUnavailable, Forbidden, PayloadTooLarge, Unauthorized, UnsupportedMedia
from backend_stub.openapi import errors
from backend_stub.routes.face import read_photo
from backend_stub.security import verify_pin
from backend_stub.services import biometrics, face_work, throttle
from backend_stub.services.uploads import UnprocessablePhoto

router = APIRouter(prefix="/kiosk", tags=["kiosk"])


class Candidate(BaseModel):
    """Who the kiosk thinks this is; the person confirms their name before punching."""

    matched: bool
    user_id: str | None = None
    name: str | None = None
    distance: float | None = None


class PinCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_no: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=4, max_length=12, pattern=r"^[0-9]+$")


def _manager_of(caller, store_id: str) -> None:
    try:
        require_manager_of(caller.actor, [store_id])
    except AccessDenied as exc:
        raise Forbidden(exc.reason, exc.message) from None


@router.post("/{store_id}/identify", response_model=Candidate,
             responses=errors(Forbidden, PayloadTooLarge, UnsupportedMedia, UnprocessablePhoto,
                              FaceUnavailable))
def identify(store_id: str, caller: CurrentUser, conn: DbRead, settings: SettingsDep,
             photo: Annotated[UploadFile, File()]) -> Candidate:
    """1:N among the store's staff who consented and enrolled (face work in the worker process)."""
    from app.face import FaceEngineUnavailableError, FaceError, Gallery

    _manager_of(caller, store_id)
    staff = conn.execute(select(db.users.c.id, db.users.c.name).join(
        db.user_stores, db.user_stores.c.user_id == db.users.c.id).where(
        db.user_stores.c.store_id == store_id)).all()
    gallery = {}
    for user_id, _name in staff:
        if biometrics.has_consent(conn, user_id):
            embeddings = biometrics.load_embeddings(conn, settings, user_id)
            if embeddings:
                gallery[user_id] = embeddings
    head = photo.file.read(16)
    photo.file.seek(0)
    if sniff_image_type(head) is None:  # refused alike whether or not anyone is enrolled
        raise UnsupportedMedia(Reason.UNSUPPORTED_MEDIA_TYPE, "Only JPEG, PNG or WebP photos are accepted")
    if not gallery:
        return Candidate(matched=False)  # nobody to match: the photo is never read
    data = read_photo(photo, settings)
    try:
        probe = face_work.embedding(data)
    except FaceEngineUnavailableError:
        raise FaceUnavailable(Reason.FACE_ENGINE_UNAVAILABLE, "No face engine on this server") from None
    except FaceError as exc:
        raise UnprocessablePhoto(Reason(getattr(exc, "code", Reason.NO_FACE)), str(exc)) from None
    found = Gallery(gallery).identify(probe, **({"tolerance": settings.face_tolerance}
                                                if settings.face_tolerance else {}))
    if not found.matched:
        return Candidate(matched=False, distance=found.distance)
    names = dict(staff)
    return Candidate(matched=True, user_id=found.staff_id, name=names.get(found.staff_id),
                     distance=found.distance)


@router.post("/{store_id}/pin", response_model=Candidate, responses=errors(401, 403, 429))
def pin_check(store_id: str, body: PinCheck, caller: CurrentUser, engine: EngineDep) -> Candidate:
    """Staff without face check identify themselves at the kiosk with staff number + PIN.

    Wrong PINs are throttled per staff number and per kiosk, exactly as at login.
    """
    _manager_of(caller, store_id)
    throttle.reserve_attempt(engine, staff_no=body.staff_no, device_id=caller.device_id)
    with engine.connect().execution_options(readonly=True) as conn, conn.begin():
        user = conn.execute(select(db.users).where(db.users.c.staff_no == body.staff_no)).mappings().first()
        works_here = user is not None and conn.execute(select(db.user_stores.c.user_id).where(
            db.user_stores.c.user_id == user["id"], db.user_stores.c.store_id == store_id)).first() is not None
    if not verify_pin(user["pin_hash"] if user else None, body.pin) or not user["active"]:
        raise Unauthorized(Reason.INVALID_CREDENTIALS, "Wrong staff number or PIN")
    throttle.succeeded(engine, staff_no=body.staff_no, device_id=caller.device_id)
    if not works_here:  # said only after the right PIN: it tells a guesser nothing
        raise Forbidden(Reason.NOT_AT_THIS_STORE, "This person does not work at this store.")
    return Candidate(matched=True, user_id=user["id"], name=user["name"])
