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
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

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
from programme.models import Staff

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024


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
    header is not silently ignored."""
    if len(content) > MAX_BYTES:
        raise ImportError_(_("The file is larger than 2 MB: split it in smaller files."))
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        table = _read_xlsx(content)
    else:
        table = _read_csv(content)
    table = [row for row in table if any(_text(cell) for cell in row)]
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
    if len(table) - 1 > MAX_ROWS:
        raise ImportError_(
            _("The file has more than %(max)s rows: split it in smaller files.") % {"max": MAX_ROWS}
        )
    return [
        {h: _text(cell) for h, cell in zip(headers, row, strict=False) if h} for row in table[1:]
    ]


def _read_xlsx(content: bytes) -> list[list]:
    try:
        # read_only streams the sheet; formulas come back as their text (data_only=False),
        # never as a value some spreadsheet computed.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportError_(_("This file cannot be read as an XLSX spreadsheet.")) from error
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def _read_csv(content: bytes) -> list[list]:
    if b"\x00" in content:
        raise ImportError_(_("This file is not a CSV or XLSX spreadsheet."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What Excel on Windows saves as "CSV" in French and Dutch.
        text = content.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
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
    today = timezone.localdate()
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
    if data["birth_date"] and data["birth_date"] > today:
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
    if referred_on > timezone.localdate():
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
