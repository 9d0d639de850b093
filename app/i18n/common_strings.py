"""UI strings every screen set needs, marked for extraction.

Screens may use these constants or call ``translator.gettext("Log in")``
directly with the same English text: both share one msgid. Plural pairs are
tuples for :meth:`Translator.ngettext` (``t.ngettext(*ACTIONS_WAITING, n)``).
"""

from __future__ import annotations

from .markers import N_, Nn_

# Translators: the app's name; a brand, usually left in Latin letters.
APP_NAME = N_("Shopfloor")

# Login screen.
STAFF_NUMBER = N_("Staff number")
# Translators: the staff member's secret numeric code for logging in.
PIN = N_("PIN")
LOG_IN = N_("Log in")
WRONG_CREDENTIALS = N_("Wrong staff number or PIN")
LOGGING_IN = N_("Logging in…")

# Navigation bar (short: one or two words).
NAV_HOME = N_("Home")
# Translators: navigation tab for clocking in and out of work.
NAV_CLOCK = N_("Clock")
# Translators: navigation tab listing the staff member's work shifts (roster).
NAV_SHIFTS = N_("Shifts")
NAV_TASKS = N_("Tasks")
# Translators: navigation tab with the user's own profile and settings.
NAV_ME = N_("Me")
# Translators: navigation tab for managers: the staff of their store.
NAV_TEAM = N_("Team")
# Translators: navigation tab for managers: requests waiting for their approval.
NAV_APPROVALS = N_("Approvals")
# Translators: navigation tab for announcements sent to all staff.
NAV_BROADCAST = N_("Broadcast")

# Sync status.
ONLINE = N_("Online")
OFFLINE = N_("Offline")
SYNCING = N_("Syncing…")
# Translators: offline changes not yet sent to the server.
ACTIONS_WAITING = Nn_("{count} action waiting", "{count} actions waiting")
# Translators: {time} is a relative time such as "5 minutes ago".
LAST_SYNCED = N_("Last synced {time}")
NEVER_SYNCED = N_("Never synced")
SYNC_NOW = N_("Sync now")
# Translators: offline changes the server refused (e.g. clock-in outside the store).
REJECTED_ACTIONS = N_("Rejected actions")
ALL_SYNCED = N_("All changes synced")

# Home screen.
TODAYS_SHIFT = N_("Today's shift")
NO_SHIFT_TODAY = N_("No shift today")
CLOCKED_IN = N_("Clocked in")
NOT_CLOCKED_IN = N_("Not clocked in")
UNREAD_BROADCASTS = N_("Unread broadcasts")
UNREAD_BROADCAST_COUNT = Nn_("{count} unread broadcast", "{count} unread broadcasts")
OPEN_TASKS = N_("Open tasks")
MARK_AS_READ = N_("Mark as read")
# Translators: greeting on the home screen; {name} is the staff member's name.
HELLO_NAME = N_("Hello, {name}")

# Clock screen.
CLOCK_IN = N_("Clock in")
CLOCK_OUT = N_("Clock out")
# Translators: a clock-in was saved but the server has not checked the selfie yet.
VERIFICATION_PENDING = N_("Verification pending")

# Me screen.
LANGUAGE = N_("Language")
# Translators: in the language picker: follow the phone's language setting.
USE_DEVICE_LANGUAGE = N_("Use device language")
# Translators: settings section for text size and contrast.
DISPLAY = N_("Display")
LARGE_TEXT = N_("Large text")
HIGH_CONTRAST = N_("High contrast")
LOG_OUT = N_("Log out")

# Generic buttons.
OK = N_("OK")
CANCEL = N_("Cancel")
RETRY = N_("Retry")
CLOSE = N_("Close")

# Installable web app (webapp/, issue 9): shown by the page when a new build is installed.
# Translators: a newer version of the app has been downloaded and is ready to use.
UPDATE_READY = N_("A new version of Shopfloor is ready.")
# Translators: button that restarts the web app on its new version.
RELOAD = N_("Reload")


# Issue 12, taskboard: a task's status as the board, My tasks and the inspection report show it.
TASK_STATUS_LABELS = {
    "to_do": N_("To do"),
    "in_progress": N_("Sent back: redo"),
    "waiting_review": N_("Waiting for review"),
    "done": N_("Done"),
    "cant_do": N_("Can't do"),
    "overdue": N_("Overdue"),
}

# Issue 12, taskboard: the kinds of store work (the brief's).
TASK_KIND_LABELS = {
    "promotion_setup": N_("Promotion set-up"),
    "display": N_("Product display"),
    "cleaning_check": N_("Cleaning check"),
    "equipment_repair": N_("Equipment repair"),
    "other": N_("Other"),
}
