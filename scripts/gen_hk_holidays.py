"""Write app/domain/requests/hk_general_holidays.csv from the ``holidays`` package.

Hong Kong "general holidays" (General Holidays Ordinance, Cap. 149; the list the
Government publishes on https://www.gov.hk/en/about/abouthk/holiday/) are the
``optional`` category of ``holidays.HK``; the ``public`` category is the shorter
statutory list of the Employment Ordinance. Sundays are general holidays by law too, but
they are rest days of the roster, not dated entries, so they are not listed.

Run: ``.venv/bin/python scripts/gen_hk_holidays.py 2026 2027``. The app reads the CSV only.
"""

import csv
import logging
import sys
from pathlib import Path

import holidays

OUT = Path(__file__).resolve().parent.parent / "app" / "domain" / "requests" / "hk_general_holidays.csv"


def general_holidays(years: list[int]) -> list[tuple[str, str]]:
    """(ISO date, English name) of each HK general holiday in ``years``, in date order."""
    found = holidays.HK(years=years, categories=("optional",))
    return [(day.isoformat(), name) for day, name in sorted(found.items())]


def main(argv: list[str]) -> None:
    years = [int(y) for y in argv] or [2026, 2027]
    rows = general_holidays(years)
    with OUT.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "name"])
        writer.writerows(rows)
    logging.getLogger(__name__).info("wrote %d holidays to %s", len(rows), OUT)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    main(sys.argv[1:])
