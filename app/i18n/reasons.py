"""Staff-facing messages for the machine reason codes of ``app.protocol.reasons``.

The API and the sync engine speak in stable codes (``"outside_geofence"``); the
UI and the server's ``ErrorBody.message`` show these messages::

    translator.reason_message("outside_geofence")
    REASON_MESSAGES.text(translator, code)

Unknown codes get a generic message that includes the code.
"""

from __future__ import annotations

from .markers import MessageMap, N_

# One message for every "this app is older than the server" refusal.
_UPDATE_APP = N_("This version of the app sent something the server does not understand. Please update the app.")

REASON_MESSAGES = MessageMap(
    {
        # Per-mutation rejections.
        "forbidden_role": N_("Your role is not allowed to do this."),
        "not_your_record": N_("You can only change your own records."),
        "unknown_mutation_type": _UPDATE_APP,
        "invalid_payload": N_("Some information was missing or not valid."),
        "not_found": N_("This item no longer exists."),
        "conflict": N_("Someone else changed this first. Please check and try again."),
        "seq_reused": N_("This change was already received."),
        "reason_too_short": N_("Write a reason for the record."),
        "sequence_gap": N_("Some changes did not reach the server. The app will send them again."),
        # Clock-in rules.
        "outside_geofence": N_("You are not at your store. Clock in when you arrive."),
        "mocked_location": N_("Your location seems to be faked. Turn off any location-changing app and try again."),
        "inaccurate_location": N_("Your location is not accurate enough. Move near a window or the entrance and try again."),
        "stale_location": N_("Your location is out of date. Please try again."),
        "face_mismatch": N_("Your selfie does not match your staff photo."),
        "replay_detected": N_("This clock-in was already sent. Please clock in again."),
        "already_clocked_in": N_("You are already clocked in."),
        "too_early": N_("It is too early to clock in for your shift."),
        "not_clocked_in": N_("You are not clocked in."),
        "already_on_break": N_("You are already on a break."),
        "not_on_break": N_("You are not on a break."),
        "no_shift": N_("You have no shift now, so you cannot clock in."),
        "consent_required": N_("Face check needs your consent first."),
        "consent_outdated": N_("The consent text has changed. Please read it again."),
        # Face photo quality (enrolment and selfies).
        "no_face": N_("No face found. Look straight at the camera."),
        "several_faces": N_("More than one face in the photo. Make sure only you are in the picture."),
        "too_small": N_("Your face is too small. Hold the phone closer."),
        "too_blurry": N_("The photo is blurry. Hold the phone still."),
        "too_dark": N_("The photo is too dark. Find better light."),
        "mask": N_("Please lower your mask for a moment."),
        "face_engine_unavailable": N_("Face check is not available right now. Use your PIN."),
        "inconsistent_faces": N_("The photos show different people. Take all three photos of yourself."),
        # Accepted, but flagged for a manager.
        "clock_drift": N_("Your phone's time is wrong. A manager will review this record."),
        # Request-level errors.
        "validation_error": N_("Some information was missing or not valid."),
        "payload_too_large": N_("This upload is too large."),
        "unsupported_media_type": N_("This file type is not supported."),
        "method_not_allowed": _UPDATE_APP,
        "invalid_cursor": N_("The app will download your data again from the server."),
        "upload_offset_mismatch": N_("The upload was interrupted. The app will continue it."),
        "device_mismatch": N_("This phone is not registered to you. Please log in again."),
        "invalid_credentials": N_("Wrong staff number or PIN"),
        "token_expired": N_("Your session has expired. Please log in again."),
        "token_invalid": N_("Please log in again."),
        "refresh_invalid": N_("Please log in again."),
        "hash_mismatch": N_("The data was damaged on the way. Please try again."),
        "internal_error": N_("Something went wrong on the server. Please try again later."),
        # Issue 7, device sync: refused on the device itself.
        "photo_missing": N_("The photo is no longer on this phone. Please take it again."),
        # Issue 7, scope and uploads.
        "photo_not_yours": N_("This photo was taken on someone else's account. Take a new photo."),
        "image_corrupt": N_("This photo is damaged or incomplete. Take a new photo."),
        "image_too_large": N_("This photo has too many pixels. Take a smaller photo."),
        "processing_failed": N_("The server could not process this action. Please tell your manager."),
        # Sign-in protection (issue 7, auth part).
        "login_throttled": N_("Too many wrong PINs. Please wait before trying again."),
        "reports_busy": N_("Other reports are being made right now. Try again in a few seconds."),
        "account_locked": N_("Too many wrong PINs: this account is locked. Ask your manager to unlock it."),
        "device_bound": N_("This phone is signed in to another person. They must log out on it first, "
                            "or a manager can sign them out."),
        # Issue 8, my-punches.
        "pin_change_required": N_("Your PIN was reset. Choose a new PIN to sign in."),
        # Issue 8, clock-kiosk.
        "shift_ended": N_("Your shift has ended."),
        "not_at_this_store": N_("This person does not work at this store. Clock in at your own store."),
        # Issue 10, shiftrules: trades refused by the chain's rules (details: SHIFT_RULE_DETAILS).
        "shift_not_tradeable": N_("This shift cannot be traded."),
        "shift_already_started": N_("This shift has already started, so it can no longer be traded."),
        "shift_notice_too_short": N_("This shift starts too soon to be traded."),
        "shift_other_store": N_("This shift is at a store where this person does not work."),
        "shift_role_missing": N_("This person does not have the role or skill this shift needs."),
        "shift_unavailable": N_("This person is not available at that time."),
        "shift_rest_too_short": N_("Not enough rest between two shifts."),
        "shift_weekly_cap": N_("Too many hours in that week."),
        # Issue 10, trades: a swap, offer or cover request that can no longer go ahead.
        "trade_shift_changed": N_("The shift changed after this request was made. Please ask again."),
        "trade_closed": N_("This request has already been decided or withdrawn."),
        "trade_override_needed": N_("Give a reason to accept each warning before approving."),
        "trade_already_taken": N_("Someone else took this shift first."),
        "trade_invalid": N_("This request is not complete. Choose a colleague or shift again."),
        # -- issue 10, openshifts: a claim on an open shift --------------------------------
        "open_shift_full": N_("Someone else already took the last place on this shift."),
        "open_shift_already_claimed": N_("You have already claimed this open shift."),
        "open_shift_not_open": N_("This open shift is not open for claims."),
        "open_shift_claim_decided": N_("This claim has already been decided."),
        "open_shift_bad_slots": N_("An open shift needs 1 to 20 places."),
        # -- issue 10, openshiftedit: a manager edits or cancels an open shift ----------------
        "open_shift_changed": N_("This open shift changed meanwhile. Look at it again and retry."),
        "open_shift_below_filled": N_("More places are already filled than this. Keep at least that many places."),
        "open_shift_has_filled": N_("Some people already have a place on this open shift. Confirm that they keep their shifts."),
        "open_shift_cancelled": N_("This open shift was cancelled."),
        # issue 10, issue10fix
        "open_shift_started": N_("This open shift has already started, so it can no longer be changed or cancelled."),
        "open_shift_in_past": N_("An open shift must start later than now. Check its day and time."),
        # issue 10, tradeflow
        "trade_already_open": N_("This shift already has a request waiting. Cancel it to ask again."),
        # -- issue 11, broadcasts ------------------------------------------------------------
        "broadcast_audience_empty": N_("Choose who should get this broadcast."),
        "broadcast_not_urgent": N_("Only urgent broadcasts are acknowledged."),
        # issue 11, bcwrite
        "broadcast_edited_meanwhile": N_("This broadcast was edited meanwhile. Open it again and redo your change."),
        "broadcast_bad_schedule": N_("A broadcast must expire after it is sent."),
        # issue 11, bcattach
        "broadcast_too_many_files": N_("A broadcast can carry at most 5 files."),
        "pdf_corrupt": N_("This PDF is damaged or incomplete. Choose another file."),
        # issue 11, bcsaved
        "saved_audience_out_of_scope": N_("This saved audience includes stores or people you no longer manage. Choose the audience again and save it anew."),
        # -- issue 11, bccheck: the urgent broadcast's check question
        "broadcast_bad_check": N_("Check the question: write it, give 2 to 4 different choices and mark the right one."),
        "broadcast_wrong_answer": N_("That is not the right answer. Read the message again and try again."),
        # issue 11, probe11
        "broadcast_not_shown": N_("This broadcast is waiting to be sent or has expired, so nobody can be reminded of it."),
        "broadcast_reminded_recently": N_("They were reminded less than half an hour ago. Remind them again later."),
        # -- issue 12, inspscore: inspection templates and answers
        "inspection_bad_template": N_("This template cannot be used yet. Check its sections, items, ranges and choices."),
        "inspection_bad_answer": N_("An answer does not fit its question. Check the answer and try again."),
        "inspection_unanswered": N_("Some questions have no answer yet. Answer them, or mark them not applicable."),
        "inspection_photo_required": N_("A failed item needs a photo. Take one before finishing."),
        "inspection_note_required": N_("A failed item needs a note. Write what is wrong before finishing."),
        # -- issue 12, taskboard: store tasks with photo proof
        "task_bad_task": N_("This task cannot be saved. Give it a title, assignees, up to 10 photos and a short checklist."),
        "task_not_assigned": N_("This task is not assigned to you."),
        "task_not_open": N_("This task is no longer waiting to be done."),
        "task_photo_count": N_("This task needs a different number of photos. Each photo must be a new one."),
        "task_checklist_incomplete": N_("Tick every item of the checklist first."),
        "task_reason_required": N_("Write why you cannot do this task."),
        "task_not_undoable": N_("Only your own completion can be undone, and only before it is reviewed."),
        "task_not_waiting_review": N_("This task is not waiting for review."),
        "task_bad_review": N_("Approve the task, or choose the photos to send back."),
        "task_comment_required": N_("Say what is wrong with each photo you send back."),
        "task_own_work": N_("Someone else must review a task you completed."),
        # Issue 12, taskrecur: a recurring task's schedule.
        "task_bad_schedule": N_("Choose when the task comes back: every day, or weekly on at least one weekday, appearing at most 6 days before it is due."),
        "task_not_repair": N_("Only an equipment repair can be sent to another department."),
        "task_unknown_department": N_("There is no such department. HQ keeps the list of departments."),
        # -- issue 13, trainsign: training sign-in
        "training_bad_session": N_("This session cannot be run as set up. Check its times, margins, seats and invitations."),
        "training_code_malformed": N_("A session code is 6 digits. Scan the trainer's QR code or type the digits."),
        "training_code_wrong": N_("This is not the session's code. Check the digits and try again."),
        "training_code_expired": N_("This code has expired. Use the code the trainer shows now."),
        "training_session_cancelled": N_("This training session was cancelled."),
        "training_already_signed_in": N_("You have already signed in to this session."),
        "training_not_invited": N_("This session is for invited people only. Ask your manager or the trainer."),
        "training_not_open_yet": N_("Sign-in for this session has not opened yet. Try again closer to its start."),
        "training_closed": N_("The time to sign in or out of this session has passed. Ask the trainer to add you."),
        "training_no_location": N_("Signing in needs your location. Allow location for the app and try again."),
        "training_location_mocked": N_("Your location seems to be faked. Turn off any location-changing app and try again."),
        "training_location_inaccurate": N_("Your location is not accurate enough. Move near a window or the entrance and try again."),
        "training_location_stale": N_("Your location is out of date. Please try again."),
        "training_outside_fence": N_("You are not at the session's place. Sign in when you are there."),
        "training_session_full": N_("Every seat of this session is taken."),
        "training_no_sign_out": N_("This session needs no sign-out."),
        "training_not_signed_in": N_("You have not signed in to this session, so you cannot sign out."),
        "training_already_signed_out": N_("You have already signed out of this session."),
        "training_sign_out_too_early": N_("It is too early to sign out. Sign out at the end of the session."),
        "training_manual_reason_required": N_("Write why you add this person by hand."),
        "training_manual_self": N_("You cannot add yourself by hand. Sign in with the session's code."),
        "training_code_locked": N_("Too many wrong codes. Ask the trainer to add you by hand."),
        # -- issue 13, trainquiz: courses, quizzes and completions
        "training_bad_course": N_("This course cannot be saved. Give it a title, the skill it grants and a validity of 1 to 120 months, or none."),
        "training_bad_quiz": N_("This quiz cannot be saved. Check that every question has its text, 2 to 8 different choices and one right answer."),
        "training_quiz_bad_answer": N_("These answers do not fit this quiz. Open the quiz again and answer it."),
        "training_quiz_unanswered": N_("Answer every question before sending."),
        "training_quiz_no_attempts_left": N_("You have used every attempt at this quiz. Ask your trainer."),
        "training_quiz_changed": N_("This quiz was changed after you opened it. Open it again and answer it."),
        "training_quiz_not_passed": N_("Not enough right answers to pass. The course is not completed yet."),
        "training_quiz_required": N_("This course is completed by passing its quiz."),
        "training_sign_out_missing": N_("This course is completed by signing out at its end."),
        # issue 13, trainmanage: editing or cancelling a session
        "training_session_changed": N_("This session changed meanwhile. Look at it again and retry."),
        "training_session_started": N_("Sign-in has opened: the start stays, only the end can move."),
        "training_session_in_past": N_("A session cannot be moved to before now."),
        "training_capacity_below_roll": N_("More people have signed in than that. Keep at least as many seats."),
        "training_session_over": N_("This session has ended and can no longer be changed."),
        # issue 13, traininvite
        "training_person_inactive": N_("This person's account is deactivated: they cannot be invited or added."),
        # Issue 10, roster: a shift a manager creates or edits (shift_overlap: trades too).
        "shift_overlap": N_("This person already has a shift at that time."),
        "shift_ends_before_start": N_("A shift must end after it starts."),
        "shift_too_long": N_("This shift is too long: at most 16 hours."),
        "person_not_at_store": N_("This person does not work at this store."),
        "shift_cancelled": N_("This shift was cancelled. Add a new one instead."),
        # -- issue 10, leave: requests and approval chains ---------------------------------
        "certificate_required": N_("Sick leave needs a photo of the medical certificate."),
        "leave_no_working_days": N_("Every day you chose is a general holiday, so no leave is needed."),
        "leave_over_balance": N_("You do not have enough leave left for these dates."),
        "request_already_decided": N_("You have already approved this step."),
        "request_bad_dates": N_("Check the dates: the last day must not be before the first, and a request covers at most a year."),
        "request_comment_required": N_("Write a comment so the requester knows what to change."),
        "request_missing_detail": N_("Some details of this request are missing (hours, shift or amount)."),
        "request_no_approver": N_("Nobody can approve this request at this store yet. Ask your manager."),
        "request_not_open": N_("This request was already decided or cancelled."),
        "request_not_sent_back": N_("Only a request sent back to you can be sent again."),
        "request_not_your_turn": N_("This request is not waiting for your approval."),
        "request_own": N_("You cannot approve your own request."),
        # issue 10, delegation
        "delegation_overlaps": N_("You already hand over your approvals on some of these days. End that delegation first."),
        # -- issue 10, availability: weekly windows, days off, the chain's settings ------------
        "availability_bad_window": N_("Check the times: each window needs a start and a later end, like 09:00 to 18:00."),
        "unavailability_bad_days": N_("Check the dates: the last day must not be before the first, and at most a year."),
        "chain_settings_invalid": N_("These settings are not valid. Nothing was changed."),
        # issue 10, availview
        "availability_overlap": N_("Two time windows on the same day overlap. Change or remove one of them."),
    },
    # Translators: {code} is a machine error code such as "not_found"; keep it as is.
    default=N_("Something went wrong (code: {code})."),
)


# -- issue 10, shiftrules: a rule's verdict with the numbers that broke it -------------------
#: Keyed by Reason/Flag value; ``{hours}``/``{limit}`` are hours, ``{week}`` a Monday's date.
SHIFT_RULE_DETAILS = MessageMap({
    "shift_notice_too_short": N_("Starts in {hours} h; a trade needs {limit} h notice."),
    "shift_role_missing": N_("Needs the role or skill: {role}."),
    "shift_overlap": N_("Overlaps another shift: {time}."),
    "shift_rest_too_short": N_("Only {hours} h of rest between shifts; the minimum is {limit} h."),
    "shift_weekly_cap": N_("Would make {hours} h this week; the limit is {limit} h."),
    "overtime": N_("Would make {hours} h this week; overtime starts after {limit} h."),
    "no_rest_day": N_("No rest day in the week of {week}: the longest time off would be {hours} h, "
                      "and a rest day is {limit} h off in every 7 days."),
    "continuous_contract_at_risk": N_("Would leave {hours} h in the week of {week} and {four_week_hours} h "
                                      "in 4 weeks (the minimum is {limit} h a week or {four_week_limit} h "
                                      "in 4 weeks): this may break the continuous contract."),
    # -- issue 10, availability: which availability the shift ignores ---------------------
    "shift_unavailable:weekly": N_("Outside this person's weekly availability."),
    "shift_unavailable:one_off": N_("This person marked this day as unavailable."),
    "continuous_contract_at_risk:418": N_("Would leave {hours} h in the week of {week} (the minimum is "
                                          "{limit} h a week): this may break the continuous contract."),
})


# -- issue 10, openshiftedit: a manager's edit or cancel refused, naming the places filled ------
OPEN_SHIFT_DETAILS = MessageMap({
    "open_shift_below_filled": N_("Places already filled: {filled}. Keep at least {filled} places."),
    "open_shift_has_filled": N_("Places already filled: {filled}. Those people keep their shifts."),
})


def _detail_values(translator, details) -> dict[str, str]:
    """Numbers and dates of a finding, written for the reader."""
    import datetime as dt

    values = {}
    for key, value in details.items():
        if key in ("hours", "limit", "four_week_hours", "four_week_limit"):
            values[key] = translator.format_decimal(value)
        elif key == "week":
            values[key] = translator.format_date(dt.date.fromisoformat(value), "medium")
        elif key == "other_start":
            start = dt.datetime.fromisoformat(value)
            end = dt.datetime.fromisoformat(details["other_end"])
            values["time"] = translator.join(translator.format_skeleton("yMMMEd", start),  # weekday too
                                             translator.format_interval(start, end), sep=" ")
        else:
            values[key] = str(value)
    return values


def shift_rule_message(translator, code: str, details=None) -> str:
    """A shift rule's refusal or warning in the reader's language, numbers included
    ("Would make 52 h this week; the limit is 48 h"); codes without numbers give their
    reason message, a flag without details its label."""
    details = dict(details or {})
    key = str(code)
    if key == "continuous_contract_at_risk" and "four_week_hours" not in details:
        key += ":418"
    elif key == "shift_unavailable" and "kind" in details:  # issue 10, availability
        key += f":{details['kind']}"
    if key in SHIFT_RULE_DETAILS and details:
        return SHIFT_RULE_DETAILS.text(translator, key, **_detail_values(translator, details))
    if key in OPEN_SHIFT_DETAILS and "filled" in details:
        return OPEN_SHIFT_DETAILS.text(translator, key, filled=translator.format_number(details["filled"]))
    if key in REASON_MESSAGES:
        return REASON_MESSAGES.text(translator, key)
    from .flags import FLAG_NAMES

    return FLAG_NAMES.text(translator, key) if key in FLAG_NAMES else REASON_MESSAGES.text(translator, key)
