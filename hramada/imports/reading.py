"""Reading an uploaded spreadsheet (CSV or XLSX) as rows of text, and guessing which column is which.

Rows are streamed (``csv`` over the decoded text, openpyxl in read-only mode), so a 50,000-row file is
never held as a whole list of cells.
"""

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hramada.core.errors import DomainError
from hramada.people.duplicates import normalise_name

ENCODINGS = [
    ("utf-8", gettext_lazy("UTF-8 (Unicode)")),
    ("cp1251", gettext_lazy("Windows-1251 (Cyrillic, older Excel)")),
]

# The fields an import can fill, in the order the mapping form shows them.
PEOPLE_FIELDS = ["name", "email", "phone", "settlement"]
ATTENDANCE_FIELDS = [*PEOPLE_FIELDS, "checked_in"]
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "settlement": gettext_lazy("Settlement (village or town)"),
    "checked_in": gettext_lazy("Was there (checked in)"),
}
REQUIRED_FIELDS = {"name"}

# Header words in be/ru/en, compared after ``normalise_name`` (Cyrillic transliterated, case folded).
_SYNONYMS = {
    "name": [
        "name",
        "full name",
        "person",
        "participant",
        "імя",
        "імя прозвішча",
        "прозвішча імя",
        "прозвішча",
        "удзельнік",
        "имя",
        "фио",
        "ф и о",
        "имя фамилия",
        "фамилия имя",
        "фамилия имя отчество",
        "фамилия",
        "участник",
        "піб",
    ],
    "email": [
        "email",
        "e mail",
        "mail",
        "электронная почта",
        "эл почта",
        "электронная пошта",
        "пошта",
        "почта",
    ],
    "phone": ["phone", "telephone", "mobile", "tel", "тэлефон", "тел", "телефон", "мабільны", "мобильный"],
    "settlement": [
        "settlement",
        "village",
        "town",
        "city",
        "place",
        "населены пункт",
        "вёска",
        "вёска горад",
        "горад",
        "населенный пункт",
        "деревня",
        "город",
        "село",
    ],
    "checked_in": [
        "checked in",
        "attended",
        "present",
        "was there",
        "прысутнічаў",
        "прысутнасць",
        "быў",
        "присутствовал",
        "присутствие",
        "был",
    ],
}
_NORMALISED = {field: {normalise_name(word) for word in words} for field, words in _SYNONYMS.items()}

TRUE_WORDS = {normalise_name(w) for w in ["1", "yes", "y", "true", "так", "да", "ага", "быў", "была", "был"]}
FALSE_WORDS = {normalise_name(w) for w in ["0", "no", "n", "false", "не", "нет", "не было", "не быў"]}


def sniff_format(name: str, head: bytes) -> str:
    """ "csv" or "xlsx" from the name and the first bytes; a clear error for anything else."""
    lower = (name or "").lower()
    if head.startswith(b"PK\x03\x04"):
        if lower.endswith((".xlsx", ".xlsm")):
            return "xlsx"
        raise DomainError(
            _("Only CSV and XLSX files can be imported (this looks like another kind of file).")
        )
    if lower.endswith((".xls", ".ods", ".numbers")) or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DomainError(
            _("Old Excel (.xls) and other spreadsheet formats cannot be read: save it as XLSX or CSV.")
        )
    if lower.endswith((".csv", ".txt", ".tsv")):
        if b"\x00" in head:
            raise DomainError(_("This does not look like a text (CSV) file."))
        return "csv"
    raise DomainError(_("Only CSV and XLSX files can be imported."))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def iter_rows(stream, file_format: str, encoding: str = "utf-8") -> Iterator[tuple[int, list[str]]]:
    """Every non-empty row of the file (the header first): its row number in the spreadsheet (the line
    for CSV) and its cells as stripped strings."""
    if file_format == "xlsx":
        yield from _xlsx_rows(stream)
    else:
        yield from _csv_rows(stream, encoding)


def _csv_rows(stream, encoding: str) -> Iterator[tuple[int, list[str]]]:
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    text = io.TextIOWrapper(stream, encoding=codec, newline="")
    try:
        sample = text.read(8192)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        text.seek(0)
        reader = csv.reader(text, dialect)
        for row in reader:
            number = reader.line_num  # the file's line (a quoted cell may span several)
            cells = [cell.strip() for cell in row]
            if any(cells):
                yield number, cells
    except UnicodeDecodeError:
        raise DomainError(
            _(
                "The file is not in the chosen encoding (%(encoding)s). Save it as “CSV UTF-8” "
                "or choose another encoding."
            )
            % {"encoding": dict(ENCODINGS).get(encoding, encoding)}
        ) from None
    except csv.Error as exc:
        raise DomainError(_("The CSV file could not be read: %(error)s") % {"error": exc}) from None
    finally:
        with contextlib.suppress(ValueError):  # already closed by the caller
            text.detach()  # leave the caller's stream open (it closes it)


def _xlsx_rows(stream) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook  # only when a spreadsheet is read

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise DomainError(
            _("The XLSX file could not be opened: it may be damaged or not really XLSX.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                yield number, cells
    finally:
        workbook.close()


def guess_mapping(headers: list[str], fields: list[str]) -> dict[str, int]:
    """Field -> column index, from header words in Belarusian, Russian or English."""
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    normalised = [normalise_name(h) for h in headers]
    for field in fields:
        for index, header in enumerate(normalised):
            if index not in taken and header in _NORMALISED[field]:
                mapping[field] = index
                taken.add(index)
                break
    # Second pass: a header that starts with a known word ("E-mail address", "Телефон (моб.)").
    for field in fields:
        if field in mapping:
            continue
        for index, header in enumerate(normalised):
            if index in taken or not header:
                continue
            if any(header.startswith(word + " ") for word in _NORMALISED[field] if word):
                mapping[field] = index
                taken.add(index)
                break
    return mapping


def parse_flag(text: str) -> bool | None:
    """True/False for yes/no words in be/ru/en and marks (+, x, ✓, -); None when empty ("not said").
    Anything else raises ValueError."""
    raw = (text or "").strip().casefold()
    if not raw:
        return None
    if raw in {"+", "✓", "✔", "x", "х", "v"}:
        return True
    if raw in {"-", "–", "—"}:
        return False
    word = normalise_name(raw)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)
