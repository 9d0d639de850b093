"""Reports for managers and payroll (CSV, Excel) built from ``app.domain`` results.

Only the server and manager tools produce these; the XLSX writer imports openpyxl when
called, so the phone client never needs it.
"""

from app.reports.timesheet_export import to_csv, to_xlsx

__all__ = ["to_csv", "to_xlsx"]
