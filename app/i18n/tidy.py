"""Clean-up of the .po files after ``pybabel update`` (run by scripts/i18n_extract.sh).

pybabel leaves artefacts a translator (or a translation tool) trips over: the previous msgid
of a fuzzy match is written back as an ordinary ``# | msgid ...`` comment on the next update
and then stays for ever, obsolete ``#~`` entries pile up, the template's "FIRST AUTHOR" line
stays, and PO-Revision-Date is never moved past POT-Creation-Date. The clean-up works on the
text line by line, so it never reorders a catalogue (merges stay simple).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

STALE_PREVIOUS = re.compile(r"^#\s?\|")  # "#| msgid" (fuzzy previous) and "# | msgid" (its stale copy)
OBSOLETE = re.compile(r"^#~")
TEMPLATE_AUTHOR = re.compile(r"^# FIRST AUTHOR\b")
DATE = r'"{key}: (\d{{4}}-\d\d-\d\d \d\d:\d\d[+-]\d{{4}})\\n"'
DATE_FORMAT = "%Y-%m-%d %H:%M%z"

#: Babel's Arabic plural order differs from CLDR's/Unicode's (forms 4 and 5 swapped).
ARABIC_PLURAL_NOTE = ("# Plural forms follow Babel's order: 0 = zero, 1 = one, 2 = two, 3 = 3-10,\n"
                      "# 4 = 100-102 (n%100 in 0..2), 5 = 11-99. Do not let a tool reorder them.\n")


def _date(text: str, key: str) -> dt.datetime | None:
    found = re.search(DATE.format(key=key), text)
    return dt.datetime.strptime(found.group(1), DATE_FORMAT) if found else None


def tidy_text(text: str, locale: str, now: dt.datetime | None = None) -> str:
    """The catalogue ``text`` without stale comments, obsolete entries or template leftovers."""
    lines = [line for line in text.splitlines(keepends=True)
             if not (STALE_PREVIOUS.match(line) or OBSOLETE.match(line) or TEMPLATE_AUTHOR.match(line))]
    tidy = re.sub(r"\n{3,}", "\n\n", "".join(lines)).rstrip("\n") + "\n"
    created, revised = _date(tidy, "POT-Creation-Date"), _date(tidy, "PO-Revision-Date")
    if created and (revised is None or revised <= created):
        stamp = max(now or dt.datetime.now(dt.timezone.utc), created + dt.timedelta(minutes=1))
        tidy = re.sub(r'"PO-Revision-Date: [^"]*\\n"',
                      lambda _: f'"PO-Revision-Date: {stamp.strftime(DATE_FORMAT)}\\n"', tidy, count=1)
    if locale == "ar" and ARABIC_PLURAL_NOTE not in tidy:
        head, sep, rest = tidy.partition('msgid ""\n')
        head = head.rstrip("#\n") + "\n" + ARABIC_PLURAL_NOTE + "#\n"
        tidy = head + sep + rest
    return tidy


def tidy_catalogue(path: Path | str, locale: str) -> bool:
    """Tidy one .po file in place; True when it changed."""
    path = Path(path)
    text = path.read_text("utf-8")
    tidy = tidy_text(text, locale)
    if tidy != text:
        path.write_text(tidy, "utf-8")
    return tidy != text
