"""Words for the attendance flags and statuses, shared by every screen and the export.

The list of flags itself is ``app.protocol.Flag``; this module only says each in words::

    FLAG_NAMES.text(translator, "face_mismatch")     # 'face mismatch', translated
"""

from __future__ import annotations

from app.protocol.reasons import Flag

from .markers import MessageMap, N_

#: A short label for every flag (tests check it covers exactly app.protocol.Flag).
FLAG_NAMES = MessageMap({
    Flag.OUTSIDE: N_("outside the store"), Flag.UNCERTAIN: N_("location uncertain"),
    Flag.MOCKED_GPS: N_("mocked GPS"), Flag.FACE_MISMATCH: N_("face mismatch"), Flag.REPLAY: N_("replayed photo"),
    Flag.CLOCK_DRIFT: N_("clock drift"), Flag.MISSING_CLOCK_OUT: N_("missing clock-out"), Flag.LATE: N_("late"),
    Flag.GEOFENCE_DISAGREES: N_("location disagrees with the phone"),
    Flag.FACE_DISAGREES: N_("face check disagrees with the phone"), Flag.LIVENESS_FAILED: N_("no head movement"),
    Flag.NO_LIVENESS: N_("single photo, no liveness check"),
    Flag.EARLY_LEAVE: N_("left early"), Flag.UNSCHEDULED: N_("not on the roster"),
    Flag.BREAK_AUTO_ENDED: N_("break ended automatically"), Flag.CORRECTED: N_("corrected by a manager"),
    Flag.STRAY_PUNCH: N_("punch outside any shift"), Flag.ABSENT: N_("absent"),
    Flag.NO_LOCATION: N_("no location"), Flag.NO_SELFIE: N_("no selfie"),
    Flag.NO_CONSENT: N_("no face check consent"), Flag.INACCURATE_LOCATION: N_("inaccurate location"),
    Flag.STALE_LOCATION: N_("out-of-date location"), Flag.LOCATION_REFUSED: N_("location refused"),
    Flag.FACE_RETRY: N_("selfie unclear, face not checked"), Flag.FACE_UNCHECKED: N_("face not checked"),
    # Issue 10, shiftrules: trade warnings a manager may override.
    Flag.OVERTIME: N_("overtime"), Flag.NO_REST_DAY: N_("no rest day in 7 days"),
    Flag.CONTINUOUS_CONTRACT_AT_RISK: N_("continuous contract at risk (468 rule)"),
    # Issue 12, photoprep: a task photo for the reviewer to look at.
    Flag.PHOTO_REUSED: N_("photo used before"), Flag.PHOTO_TIME_DIFFERS: N_("photo time far from completion")})

#: A person's attendance status today (``app.domain.attendance.AttendanceStatus`` values).
STATUS_NAMES = MessageMap({"in": N_("In"), "late": N_("Late"), "on_break": N_("On break"), "absent": N_("Absent"),
                           "not_yet": N_("Not started yet"), "done": N_("Finished")})


def flag_words(translator, flags) -> list[str]:
    """Each flag in the reader's words, in the given order (a flag newer than the app: its code)."""
    return [FLAG_NAMES.text(translator, flag) if flag in FLAG_NAMES else str(flag) for flag in flags]
