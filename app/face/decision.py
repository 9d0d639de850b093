"""One face decision for a clock-in selfie, taken the same way on the device and the server.

The device's clock screen and the server's punch handler both call ``decide()`` on the
same selfie bytes and act on its outcome: a photo that cannot be judged is "try again"
(never a mismatch), a missing face engine is "unavailable" (never a mismatch either).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.face.engine import DETECT_MAX_SIDE
from app.face.errors import FaceEngineUnavailableError, FaceQualityError, NotAnImageError, QualityCode
from app.face.matching import DEFAULT_TOLERANCE
from app.face.quality import DEFAULT_THRESHOLDS, QualityThresholds


class Outcome(StrEnum):
    """What to do with a selfie."""

    MATCH = "match"
    MISMATCH = "mismatch"
    #: The photo cannot be judged (``FaceDecision.reason`` says why): take another.
    RETRY = "retry"
    #: No face engine here (phone build, broken install): someone else must judge.
    UNAVAILABLE = "unavailable"
    #: Nothing enrolled to compare with.
    NOT_ENROLLED = "not_enrolled"


@dataclass(frozen=True)
class FaceDecision:
    """The outcome, why (for RETRY), and the distance measured (MATCH / MISMATCH)."""

    outcome: Outcome
    reason: QualityCode | None = None
    distance: float | None = None


def decide(
    selfie: bytes,
    enrolled: Sequence,
    tolerance: float | None = None,
    *,
    max_side: int = DETECT_MAX_SIDE,
    thresholds: QualityThresholds = DEFAULT_THRESHOLDS,
) -> FaceDecision:
    """Judge one selfie against a person's enrolment embeddings.

    Args:
        selfie: the photo bytes as taken (and as uploaded).
        enrolled: the person's enrolment embeddings (may be empty).
        tolerance: match threshold; None for the default.
        max_side: detection resolution.
        thresholds: quality limits.
    """
    from app.face.pipeline import verify_selfie

    if not len(enrolled):
        return FaceDecision(Outcome.NOT_ENROLLED)
    try:
        result = verify_selfie(selfie, enrolled, tolerance or DEFAULT_TOLERANCE,
                               max_side=max_side, thresholds=thresholds)
    except FaceEngineUnavailableError:
        return FaceDecision(Outcome.UNAVAILABLE)
    except FaceQualityError as exc:
        return FaceDecision(Outcome.RETRY, exc.code)
    except NotAnImageError:
        return FaceDecision(Outcome.RETRY, QualityCode.NO_FACE)
    outcome = Outcome.MATCH if result.matched else Outcome.MISMATCH
    return FaceDecision(outcome, distance=result.distance)
