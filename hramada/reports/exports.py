"""Every table of a report as CSV (one file, the tables one after another) or XLSX (a sheet per table
and one for the definitions): the same rows as the page shows, small groups already suppressed."""

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A value safe to open in a spreadsheet: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe (place and project names are typed by people)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def heading(report) -> list[str]:
    return [str(_("Scope")), report.scope.label, str(_("Period")), report.period.label]


def to_csv(report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_cell(v) for v in heading(report)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([_cell(table.title)])
        writer.writerow([_cell(c) for c in table.columns])
        for row in table.rows:
            writer.writerow([_cell(v) for v in row])
    writer.writerow([])
    writer.writerow([str(_("Definitions"))])
    for term, definition in report.definitions:
        writer.writerow([_cell(term), _cell(definition)])
    return out.getvalue()


def _sheet_title(title: str, taken: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name)
    return name


def to_xlsx(report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    taken: set = set()
    for table in report.tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([_cell(v) for v in heading(report)])
        sheet.append([_cell(c) for c in table.columns])
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
    sheet = book.create_sheet(_sheet_title(str(_("Definitions")), taken))
    for term, definition in report.definitions:
        sheet.append([_cell(term), _cell(definition)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
