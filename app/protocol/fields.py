"""Field types of the wire format: strict where a silent coercion would change meaning.

JSON has booleans, numbers and strings; a client that sends ``0`` for a boolean, ``"5"``
for a number or a Unix timestamp for a date-time has a bug the server must not paper
over, so these types accept only the JSON type they document.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StrictBool, StrictFloat, StrictInt

__all__ = ["NO_CONTROL_CHARACTERS", "JsonInt", "NonNegativeJsonInt", "PlainText", "Seq", "StrictBool", "StrictFloat", "StrictInt", "WireTime"]

#: The range of device times the server believes a device clock could show: a phone whose
#: clock reset shows 1970 (and is flagged clock_drift); year 1 or 9999 is not a clock.
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2200, 1, 1, tzinfo=UTC)
#: The largest integer every JSON parser reads exactly (JavaScript's MAX_SAFE_INTEGER).
_JSON_SAFE = 2**53 - 1


def _text_only(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        raise ValueError("must be an ISO 8601 date-time string with a UTC offset")
    return value


def _plausible(value: datetime) -> datetime:
    # The year as written (in its own offset), as the schema's pattern reads it; comparing
    # years also never overflows (year 1 at +14:00 has no UTC equivalent).
    if not EARLIEST_TIME.year <= value.year < LATEST_TIME.year:
        raise ValueError(f"must be from {EARLIEST_TIME.year} to before {LATEST_TIME.year} "
                         "(is the device clock set?)")
    return value


#: A date-time with a UTC offset, sent as an ISO 8601 string, within 1970-2199.
WireTime = Annotated[AwareDatetime, BeforeValidator(_text_only), AfterValidator(_plausible),
                     Field(description=f"ISO 8601 with a UTC offset, {EARLIEST_TIME.year}-{LATEST_TIME.year - 1}",
                           json_schema_extra={"pattern": r"^(19[7-9][0-9]|2[01][0-9][0-9])-"})]
#: An integer every JSON parser (and a 64-bit column) holds exactly.
JsonInt = Annotated[StrictInt, Field(ge=-_JSON_SAFE, le=_JSON_SAFE)]
NonNegativeJsonInt = Annotated[StrictInt, Field(ge=0, le=_JSON_SAFE)]
#: A device's mutation number: 1, 2, 3...
Seq = Annotated[StrictInt, Field(ge=1, le=_JSON_SAFE)]


def _no_control_characters(value: str) -> str:
    # NUL cannot be stored by PostgreSQL (it was a 500); the other control characters (ANSI
    # escapes, DEL, C1) garble the screens, logs and exports the text ends up in. Tab and line
    # breaks are ordinary in words people write.
    if any((ord(ch) < 32 and ch not in "\t\n\r") or 127 <= ord(ch) < 160 for ch in value):
        raise ValueError("must not contain control characters")
    return value


#: Refuses control characters. Put it AFTER a StringConstraints in the same Annotated
#: (``Annotated[str, StringConstraints(...), NO_CONTROL_CHARACTERS]``): nested inside one
#: (``Annotated[PlainText, StringConstraints(...)]``) pydantic checked the lengths before
#: stripping, so a title of spaces passed as "".
NO_CONTROL_CHARACTERS = AfterValidator(_no_control_characters)
#: Words people write (titles, reasons, names): any text but control characters.
PlainText = Annotated[str, NO_CONTROL_CHARACTERS]
