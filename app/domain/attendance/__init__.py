"""Clock in and out: punches, the attendance state they imply, and the shift rules.

Pure rules, no I/O: the device checks a punch before queueing it, the server re-checks
the same punch with the same function, and the manager's "today" view and the
timesheets are derived from the stored punches. Split by concern:

- ``common``: reason and flag codes, the stores' time zone;
- ``punches``: punches, the state machine they are read through (``walk``), sessions;
- ``shifts``: shift windows, the chain's rules, which shift a punch belongs to, lateness;
- ``checks``: may this punch be made now (``check_punch``), and which punch comes next;
- ``corrections``: managers' fixes and missing clock-outs;
- ``today``: the manager's "today" lines.

``from app.domain import attendance`` keeps every name at this level.
"""

from app.domain.attendance.checks import *  # noqa: F401,F403
from app.domain.attendance.common import *  # noqa: F401,F403
from app.domain.attendance.common import _require_aware, _unique  # noqa: F401
from app.domain.attendance.corrections import *  # noqa: F401,F403
from app.domain.attendance.punches import *  # noqa: F401,F403
from app.domain.attendance.shifts import *  # noqa: F401,F403
from app.domain.attendance.today import *  # noqa: F401,F403
