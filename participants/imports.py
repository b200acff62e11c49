"""Spreadsheet import of participants and their referral to a programme (docs/import.md).

Reading and checking only: `read_table` turns a CSV or XLSX file into rows of text, `check_rows`
turns those rows into what the services need and a plain message per bad row. Writing is
`import_rows`, which goes through the same services as the pages, in one transaction, so a
file is either taken whole or not at all.

Every cell is read as data: a cell that looks like a formula (=, +, -, @) is kept as the text
it is, never worked out, and XLSX files are read without evaluating anything.
"""

import csv
import datetime
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

import openpyxl
import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser

from participants import choices
from participants.models import (
    Enrolment,
    Participant,
    birth_date_in_national_number,
    format_national_number,
    normalise_national_number,
)
from participants.services import enrolment_refer, participant_create
from programme.access import coaches_for, programmes_for
from programme.dates import in_future
from programme.models import Staff

# The limits of one import (docs/import.md). They are checked while the file is read, so a
# small file that declares or hides a huge sheet is refused before it costs memory or time.
MAX_ROWS = 1000  # people in one file
MAX_BYTES = 2 * 1024 * 1024  # the file as uploaded
MAX_SHEET_ROWS = 2 * MAX_ROWS  # nothing may be written below this row (blank rows are skipped)
MAX_COLUMNS = 50  # ... nor right of this column
MAX_CELL_CHARS = 5000  # one cell
MAX_CSV_LINES = 10 * MAX_SHEET_ROWS  # blank ones included: counted before the CSV is parsed
# An XLSX is a zip: a few kilobytes can unzip to gigabytes. Each part openpyxl parses is refused
# above these sizes, read from the zip's directory before anything is unzipped (zipfile never
# unzips more than the size it declares). The sheet and its strings hold the data; the other parts
# (workbook, styles, relations) are small in any real file and costly to parse, so they get less.
MAX_SHEET_XML_BYTES = 8 * 1024 * 1024
MAX_STRINGS_XML_BYTES = 4 * 1024 * 1024
MAX_OTHER_XML_BYTES = 1024 * 1024
MAX_ZIP_PARTS = 200
# What reading the sheet may cost, in XML elements: a full file (the header and MAX_ROWS rows of
# the template's 19 columns) has about 60,000; blank formatted cells add some. This bounds the
# time a sheet of empty cells or rows can take, which its size in bytes does not.
MAX_SHEET_ELEMENTS = 150_000
# Markup allowed inside one cell (a rich-text cell has a few runs, each a few elements).
MAX_CELL_ELEMENTS = 200


@dataclass(frozen=True)
class Column:
    name: str
    label: object
    required: bool = False
    example: str = ""


# The order of the template file. Headers are matched ignoring case, spaces and dashes.
COLUMNS = [
    Column("first_name", gettext_lazy("first name"), True, "Amal"),
    Column("last_name", gettext_lazy("last name"), True, "Haddad"),
    Column("birth_date", gettext_lazy("date of birth"), True, "1985-07-30"),
    Column("gender", gettext_lazy("gender"), True, "woman"),
    Column("national_number", gettext_lazy("national register number"), False, "85.07.30-033.28"),
    Column("phone", gettext_lazy("phone"), False, "0470 12 34 56"),
    Column("nationality", gettext_lazy("nationality"), False, "SY"),
    Column("country_of_birth", gettext_lazy("country of birth"), False, "SY"),
    Column("arrived_on", gettext_lazy("arrival in Belgium"), False, "2022-03-15"),
    Column("residence_status", gettext_lazy("residence status"), False, "refugee"),
    Column("integration_income", gettext_lazy("receives the integration income"), False, "yes"),
    Column("portal_language", gettext_lazy("language for the participant pages"), False, "ar"),
    Column("interpreter_language", gettext_lazy("needs an interpreter for"), False, "ar"),
    Column("coach", gettext_lazy("coach"), False, ""),
    Column("programme", gettext_lazy("programme"), False, ""),
    Column("referred_on", gettext_lazy("referral date"), False, ""),
    Column("referral_source", gettext_lazy("referred by"), False, ""),
    Column("referrer_name", gettext_lazy("who referred"), False, ""),
    Column("referral_reason", gettext_lazy("reason for the referral"), False, ""),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
LABELS = {column.name: column.label for column in COLUMNS}

CHOICES = {
    "gender": choices.Gender.choices,
    "residence_status": choices.ResidenceStatus.choices,
    "portal_language": choices.LANGUAGES,
    "interpreter_language": choices.LANGUAGES,
    "referral_source": choices.ReferralSource.choices,
}
YES = {"yes", "y", "oui", "ja", "true", "1", "x"}
NO = {"", "no", "n", "non", "nee", "false", "0"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class ImportError_(ValidationError):
    """The file as a whole cannot be read (wrong type, no header, too big)."""


def _key(header: object) -> str:
    return str(header or "").strip().lower().replace(" ", "_").replace("-", "_")


def _text(value: object) -> str:
    """A cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, content: bytes) -> list[dict[str, str]]:
    """The rows of a CSV (`;` or `,`, UTF-8 with or without BOM, or Windows-1252) or XLSX
    file, each a mapping of column name to text. Unknown columns are refused so a misspelt
    header is not silently ignored; so is a file beyond the limits above."""
    if len(content) > MAX_BYTES:
        raise ImportError_(_("The file is larger than 2 MB: split it in smaller files."))
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        table = _bounded(_read_xlsx(content))
    else:
        table = _bounded(_read_csv(content))
    if not table:
        raise ImportError_(_("The file is empty."))
    headers = [_key(cell) for cell in table[0]]
    unknown = [h for h in headers if h and h not in COLUMN_NAMES]
    if unknown:
        raise ImportError_(
            _("Unknown columns: %(columns)s. The columns are listed in the import guide.")
            % {"columns": ", ".join(unknown)}
        )
    missing = [c.name for c in COLUMNS if c.required and c.name not in headers]
    if missing:
        raise ImportError_(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    return [
        {h: _text(cell) for h, cell in zip(headers, row, strict=False) if h} for row in table[1:]
    ]


def _too_many_rows() -> ImportError_:
    return ImportError_(
        _("The file has more than %(max)s rows: split it in smaller files.") % {"max": MAX_ROWS}
    )


def _bounded(rows: Iterator[tuple[int, list]]) -> list[list]:
    """The rows with something in them, read one at a time from `rows` (the row's number in
    the sheet, its cells), and refused as soon as one is out of bounds: the reading stops
    there, so what an oversized file costs is what was read up to its first excess."""
    table = []
    for number, cells in rows:
        filled = [i for i, cell in enumerate(cells) if _text(cell) != ""]
        if not filled:
            continue
        cells = cells[: filled[-1] + 1]  # trailing blank cells (`;;;`) are not columns
        if number > MAX_SHEET_ROWS:
            raise ImportError_(
                _(
                    "Row %(row)s is filled in, but the people must be in the first %(max)s rows "
                    "of the sheet. Delete what is below your data."
                )
                % {"row": number, "max": MAX_SHEET_ROWS}
            )
        if len(cells) > MAX_COLUMNS:
            raise ImportError_(
                _(
                    "Row %(row)s has a cell filled in beyond column %(max)s. "
                    "Only the columns of the template are read: delete the others."
                )
                % {"row": number, "max": MAX_COLUMNS}
            )
        if any(len(_text(cell)) > MAX_CELL_CHARS for cell in cells):
            raise ImportError_(
                _("Row %(row)s has a cell longer than %(max)s characters.")
                % {"row": number, "max": MAX_CELL_CHARS}
            )
        table.append(cells)
        if len(table) > MAX_ROWS + 1:  # the header and MAX_ROWS people
            raise _too_many_rows()
    return table


def _unreadable_xlsx() -> ImportError_:
    return ImportError_(_("This file cannot be read as an XLSX spreadsheet."))


def _check_zip(content: bytes) -> None:
    """Refuse an XLSX whose parts would unzip to absurd sizes, before any is unzipped."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise _unreadable_xlsx() from error
    if len(parts) > MAX_ZIP_PARTS:
        raise _unreadable_xlsx()
    for part in parts:
        if not part.filename.endswith((".xml", ".rels")):
            continue  # pictures and the like, which the import never opens
        limit = MAX_OTHER_XML_BYTES
        if part.filename.startswith("xl/worksheets/"):
            limit = MAX_SHEET_XML_BYTES
        elif part.filename == "xl/sharedStrings.xml":
            limit = MAX_STRINGS_XML_BYTES
        if part.file_size > limit:
            raise ImportError_(
                _("This spreadsheet is far bigger once unzipped than a list of people can be.")
            )


def _read_xlsx(content: bytes) -> Iterator[tuple[int, list]]:
    """The rows of the first sheet, as (row number, cell values), streamed from its XML.

    openpyxl reads the workbook, its strings and styles, and turns each cell into a value; the
    rows are walked here rather than with `iter_rows`, which trusts the sheet's declared size
    and fills every gap with blank rows and columns. Each element is dropped once read, so the
    memory used stays that of one row whatever the sheet holds, and a cell beyond the limits is
    refused when it is met."""
    _check_zip(content)
    try:
        # read_only streams the sheet; formulas come back as their text (data_only=False),
        # never as a value some spreadsheet computed.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise _unreadable_xlsx() from error
    cells = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=False,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    try:
        with book._archive.open(sheet._worksheet_path) as source, warnings.catch_warnings():
            # A date beyond the calendar comes back as an error value, kept as text and then
            # refused by the date check; openpyxl's warning about it says nothing more.
            warnings.simplefilter("ignore")
            yield from _sheet_rows(source, cells)
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError, ValueError, IndexError,
            TypeError, OverflowError, OSError) as error:  # fmt: skip
        raise _unreadable_xlsx() from error
    finally:
        book.close()


def _too_many_cells() -> ImportError_:
    return ImportError_(_("This sheet holds far more cells than a list of people can have."))


def _sheet_rows(source, cells: WorkSheetParser) -> Iterator[tuple[int, list]]:
    parents = []  # the open elements, outermost first
    in_cell = 0  # elements opened inside the current cell
    number, values = 0, {}
    for count, (event, element) in enumerate(
        ElementTree.iterparse(source, events=("start", "end"))
    ):
        if count > 2 * MAX_SHEET_ELEMENTS:  # two events per element
            raise _too_many_cells()
        if event == "start":
            parents.append(element)
            if element.tag == ROW_TAG:
                number = int(element.get("r") or number + 1)
                cells.row_counter, cells.col_counter, values = number, 0, {}
            elif in_cell or element.tag == CELL_TAG:
                in_cell += 1
                if in_cell > MAX_CELL_ELEMENTS:
                    raise _too_many_cells()
            continue
        parents.pop()
        if in_cell:
            in_cell -= 1
            if element.tag != CELL_TAG:
                continue  # the cell's value, read with the cell
            # parse_cell also keeps the column count of cells written without a reference.
            cell = cells.parse_cell(element)
            if _text(cell["value"]) != "":
                # Beyond the columns read, the cell is kept one past them: `_bounded` refuses it.
                values[min(cell["column"], MAX_COLUMNS + 1)] = cell["value"]
        elif element.tag == ROW_TAG:
            yield number, [values.get(column) for column in range(1, max(values, default=0) + 1)]
        if parents:
            parents[-1].remove(element)


def _read_csv(content: bytes) -> Iterator[tuple[int, list]]:
    if b"\x00" in content:
        raise ImportError_(_("This file is not a CSV or XLSX spreadsheet."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What Excel on Windows saves as "CSV" in French and Dutch.
        text = content.decode("cp1252", errors="replace")
    if text.count("\n") > MAX_CSV_LINES:
        raise ImportError_(
            _("The file has more than %(max)s lines: delete the empty lines below your data.")
            % {"max": MAX_CSV_LINES}
        )
    end_of_line = text.find("\n")
    first_line = text if end_of_line < 0 else text[:end_of_line]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # csv refuses a field longer than its limit (128 KB) rather than holding it.
        yield from enumerate(reader, start=1)
    except csv.Error as error:
        raise ImportError_(_("This file cannot be read as CSV.")) from error


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: dict[str, str]
    participant: dict = field(default_factory=dict)
    enrolment: dict | None = None
    errors: list[str] = field(default_factory=list)
    bad_columns: set[str] = field(default_factory=set)

    @property
    def national_number_display(self) -> str:
        return format_national_number(self.participant.get("national_number", ""))

    def error(self, column: str | None, message: str) -> None:
        self.bad_columns.add(column)
        if column is None:
            self.errors.append(
                _("Row %(row)s: %(message)s") % {"row": self.number, "message": message}
            )
            return
        self.errors.append(
            _("Row %(row)s, %(column)s “%(value)s”: %(message)s")
            % {
                "row": self.number,
                "column": LABELS[column],
                "value": self.cells.get(column, "")[:80],
                "message": message,
            }
        )


def _choice(row: Row, column: str) -> str:
    text = row.cells.get(column, "")
    if not text:
        return ""
    for value, label in CHOICES[column]:
        if text.lower() in {value.lower(), str(label).lower()}:
            return value
    row.error(column, _("not one of the values listed in the import guide."))
    return ""


def _date(row: Row, column: str) -> datetime.date | None:
    text = row.cells.get(column, "")
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    row.error(column, _("not a date: write it as 2024-03-31 or 31/03/2024."))
    return None


def _country(row: Row, column: str) -> str:
    text = row.cells.get(column, "")
    if not text:
        return ""
    code = countries.alpha2(text) or countries.by_name(text)
    if not code:
        row.error(column, _("not a country: use the two-letter code, e.g. SY."))
    return code or ""


def _phone(row: Row) -> str:
    text = row.cells.get("phone", "")
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "BE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        row.error("phone", _("not a valid phone number, e.g. 0470 12 34 56."))
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _participant_data(row: Row, *, staff: Staff, coaches: dict) -> dict:
    data = {
        "first_name": row.cells.get("first_name", ""),
        "last_name": row.cells.get("last_name", ""),
        "birth_date": _date(row, "birth_date"),
        "gender": _choice(row, "gender"),
        "national_number": "",
        "phone": _phone(row),
        "nationality": _country(row, "nationality"),
        "country_of_birth": _country(row, "country_of_birth"),
        "arrived_on": _date(row, "arrived_on"),
        "residence_status": _choice(row, "residence_status"),
        "integration_income": False,
        "portal_language": _choice(row, "portal_language") or staff.organisation.language,
        "interpreter_language": _choice(row, "interpreter_language"),
        "coach": None,
    }
    number = row.cells.get("national_number", "")
    if number:
        data["national_number"] = normalise_national_number(number)
        if data["birth_date"]:
            encoded = birth_date_in_national_number(data["national_number"])
            if encoded and encoded != data["birth_date"]:
                row.error(
                    "national_number",
                    _("this number belongs to someone born on %(date)s.")
                    % {"date": date_format(encoded, "SHORT_DATE_FORMAT")},
                )
    income = row.cells.get("integration_income", "").lower()
    if income in YES:
        data["integration_income"] = True
    elif income not in NO:
        row.error("integration_income", _("write yes or no."))
    if in_future(data["birth_date"]):
        row.error("birth_date", _("the date of birth cannot be in the future."))
    if data["arrived_on"] and data["birth_date"] and data["arrived_on"] < data["birth_date"]:
        row.error("arrived_on", _("the arrival date cannot be before the date of birth."))
    coach = row.cells.get("coach", "").lower()
    if coach:
        data["coach"] = coaches.get(coach)
        if data["coach"] is None:
            row.error("coach", _("no coach of your organisation has this user name or e-mail."))
    elif staff.is_coach:
        data["coach"] = staff.user
    for column in ("first_name", "last_name", "birth_date", "gender"):
        if not row.cells.get(column):
            row.bad_columns.add(column)
            row.errors.append(
                _("Row %(row)s: the %(column)s is missing.")
                % {"row": row.number, "column": LABELS[column]}
            )
    _model_errors(row, Participant(organisation=staff.organisation, **data), exclude=["coach"])
    return data


def _model_errors(row: Row, instance, exclude: list[str]) -> None:
    """The model's own rules (lengths, register number check digits), with no query."""
    try:
        instance.full_clean(
            exclude=[*exclude, "organisation", "participant", "programme", "referring_partner"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            if name in row.bad_columns or name not in LABELS:
                # Missing or unreadable values were already reported in plainer words.
                continue
            for message in messages:
                row.error(name, message)


def _enrolment_data(row: Row, *, programmes: dict, participant: dict) -> dict | None:
    name = row.cells.get("programme", "")
    referral_columns = ("referred_on", "referral_source", "referrer_name", "referral_reason")
    if not name:
        if any(row.cells.get(column) for column in referral_columns):
            row.error(None, _("the referral columns are filled in but the programme is empty."))
        return None
    programme = programmes.get(name.lower())
    if programme is None:
        row.error("programme", _("no programme of your organisation has this name or code."))
    referred_on = _date(row, "referred_on") or timezone.localdate()
    if in_future(referred_on):
        row.error("referred_on", _("the referral date cannot be in the future."))
    source = _choice(row, "referral_source") or choices.ReferralSource.SOCIAL_SERVICE
    if source == choices.ReferralSource.PARTNER:
        row.error(
            "referral_source",
            _("referrals from a partner are recorded on the referral page, with the partner."),
        )
    if participant.get("coach") is None and "coach" not in row.bad_columns:
        row.error(None, _("a referral needs a coach: fill in the coach column."))
    data = {
        "programme": programme,
        "coach": participant.get("coach"),
        "referred_on": referred_on,
        "referral_source": source,
        "referrer_name": row.cells.get("referrer_name", ""),
        "referral_reason": row.cells.get("referral_reason", ""),
    }
    _model_errors(
        row,
        Enrolment(**{k: v for k, v in data.items() if k not in {"programme", "coach"}}),
        exclude=["coach"],
    )
    return data


def check_rows(cells: Iterable[dict[str, str]], *, staff: Staff) -> list[Row]:
    """Parse and check every row. A fixed number of queries whatever the number of rows:
    the coaches, the programmes and the possible duplicates already on file."""
    rows = [Row(number=i, cells=c) for i, c in enumerate(cells, start=2)]
    coaches = {}
    for user in coaches_for(staff):
        coaches[user.username.lower()] = user
        if user.email:
            coaches[user.email.lower()] = user
    programmes = {}
    for programme in programmes_for(staff):
        programmes[programme.name.lower()] = programme
        programmes[programme.code.lower()] = programme
    for row in rows:
        _refuse_null_characters(row)
        row.participant = _participant_data(row, staff=staff, coaches=coaches)
        row.enrolment = _enrolment_data(row, programmes=programmes, participant=row.participant)
    _check_duplicates(rows, staff=staff)
    return rows


def _check_duplicates(rows: list[Row], *, staff: Staff) -> None:
    numbers = {r.participant["national_number"] for r in rows if r.participant["national_number"]}
    births = {r.participant["birth_date"] for r in rows if r.participant["birth_date"]}
    on_file = Participant.objects.filter(organisation_id=staff.organisation_id).filter(
        national_number__in=numbers
    ) | Participant.objects.filter(organisation_id=staff.organisation_id, birth_date__in=births)
    by_number, by_names = {}, {}
    for person in on_file.only("national_number", "first_name", "last_name", "birth_date"):
        if person.national_number:
            by_number[person.national_number] = person
        by_names[_names_key(person.first_name, person.last_name, person.birth_date)] = person
    seen_number, seen_names = {}, {}
    for row in rows:
        data = row.participant
        number = data["national_number"]
        names = _names_key(data["first_name"], data["last_name"], data["birth_date"])
        if number and number in by_number:
            row.error(
                "national_number",
                _("a person with this register number is already on file (%(name)s).")
                % {"name": by_number[number].full_name},
            )
        elif data["birth_date"] and names in by_names:
            row.error(
                None,
                _(
                    "%(name)s, born on %(date)s, is already on file. Leave this row out, "
                    "or add the person by hand if it really is someone else."
                )
                % {
                    "name": by_names[names].full_name,
                    "date": date_format(data["birth_date"], "SHORT_DATE_FORMAT"),
                },
            )
        if number and number in seen_number:
            row.error(
                None,
                _("the same register number as row %(row)s.") % {"row": seen_number[number]},
            )
        elif data["birth_date"] and names in seen_names:
            row.error(
                None,
                _("the same person as row %(row)s (same names and date of birth).")
                % {"row": seen_names[names]},
            )
        if number:
            seen_number.setdefault(number, row.number)
        if data["birth_date"]:
            seen_names.setdefault(names, row.number)


def _names_key(first: str, last: str, birth: datetime.date | None) -> tuple:
    return (first.strip().casefold(), last.strip().casefold(), birth)


def _refuse_null_characters(row: Row) -> None:
    """A NUL character can't be stored (PostgreSQL refuses it outright): the row is refused
    and the character left out of what is checked further."""
    for column, value in list(row.cells.items()):
        if "\x00" in value:
            row.cells[column] = value.replace("\x00", "")
            row.error(
                column if column in LABELS else None, str(ProhibitNullCharactersValidator.message)
            )


def errors_of(rows: list[Row]) -> list[str]:
    return [error for row in rows for error in row.errors]


def import_rows(*, rows: list[Row], staff: Staff, by) -> list[Participant]:
    """Create every person, and refer those with a programme, in one transaction: a refusal
    on any row (someone added the same person meanwhile) leaves nothing written."""
    if errors_of(rows):
        raise ValidationError(errors_of(rows))
    created = []
    with transaction.atomic():
        for row in rows:
            try:
                participant = participant_create(
                    organisation=staff.organisation, data=row.participant, by=by
                )
                if row.enrolment:
                    enrolment_refer(participant=participant, by=by, **row.enrolment)
            except ValidationError as error:
                raise ValidationError(
                    [
                        _("Row %(row)s: %(message)s") % {"row": row.number, "message": m}
                        for m in error.messages
                    ]
                ) from error
            created.append(participant)
    return created


def template_csv() -> str:
    """The template file offered for download: the headers and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerow([column.example for column in COLUMNS])
    return out.getvalue()
