"""Face work (enrolment, kiosk identification, selfie re-verification) in a worker process.

Off the event loop is not enough for dlib: importing face_recognition takes seconds and
its calls hold the GIL for ~0.1 s at a time, so in a thread of the API process they still
stall every other request (``/v1/health`` took 1-2 s). A worker process has its own GIL.
Callers are sync routes (already in the thread pool): they wait for the answer there.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.face import FaceDecision, PhotoFingerprint

_pool: ProcessPoolExecutor | None = None
_pool_guard = threading.Lock()


def _exit_with_parent(parent: int) -> None:
    # A worker outliving a killed API process would hold ~200 MB for nothing.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _worker_init() -> None:
    # Face work is batch-like; requests are not. A lower CPU priority lets the API
    # process answer at once even when both cores are busy encoding faces.
    os.nice(10)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_guard:
        if _pool is None:
            # spawn: a fork of a process running threads (uvicorn's pool, DB connections)
            # could inherit a held lock; a fresh interpreter cannot.
            _pool = ProcessPoolExecutor(max_workers=max(1, (os.cpu_count() or 2) // 2),
                                        mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_worker_init)
        return _pool


def _run(job, *args):
    """Run ``job`` in the worker; a dead worker (e.g. killed for memory) is replaced next time."""
    global _pool
    try:
        return _executor().submit(job, *args).result()
    except BrokenProcessPool:
        with _pool_guard:
            _pool = None
        raise


@dataclass(frozen=True)
class Inconsistent:
    """Enrolment photos of different people (the exception itself does not pickle)."""

    pair: tuple[int, int]
    distance: float


@dataclass(frozen=True)
class PunchEvidence:
    """What the worker found in a punch's selfie and liveness frames.

    ``decision`` is ``app.face.decide()``'s answer, the one the device acts on too;
    ``live`` is None with fewer than two frames and False when liveness could not be judged.
    """

    decision: FaceDecision
    fingerprint: PhotoFingerprint
    live: bool | None


def _enrol_job(photos: list[bytes]):
    from app.face import InconsistentEnrolmentError, enrol

    try:
        return enrol(photos)
    except InconsistentEnrolmentError as exc:
        return Inconsistent(exc.pair, exc.distance)


def _embedding_job(photo: bytes):
    from app.face import encode_photo

    return encode_photo(photo).embedding


def _punch_job(selfie: bytes, frames: list[bytes], enrolled: list, tolerance: float | None) -> PunchEvidence:
    from app.face import FaceError, check_liveness, decide, fingerprint

    decision = decide(selfie, enrolled, tolerance)
    live = None
    if len(frames) >= 2:
        try:
            live = check_liveness(frames).live
        except FaceError:
            live = False
    return PunchEvidence(decision, fingerprint(selfie), live)


def enrol(photos: list[bytes]) -> list:
    """``app.face.enrol`` in the worker.

    Raises:
        FaceQualityError: a photo is unusable (``.frame`` names it).
        InconsistentEnrolmentError: the photos show different people.
    """
    from app.face import InconsistentEnrolmentError

    result = _run(_enrol_job, photos)
    if isinstance(result, Inconsistent):
        raise InconsistentEnrolmentError(result.pair, result.distance)
    return result


def embedding(photo: bytes):
    """The 128-d embedding of the one face in ``photo`` (raises FaceError like encode_photo)."""
    return _run(_embedding_job, photo)


def punch_evidence(selfie: bytes, frames: list[bytes], enrolled: list, tolerance: float | None) -> PunchEvidence:
    """Match, fingerprint and liveness of a punch's photos, in one trip to the worker.

    ``frames`` are all the photos liveness compares, the selfie first.
    """
    return _run(_punch_job, selfie, frames, enrolled, tolerance)
