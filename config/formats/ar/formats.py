# Arabic in Belgium: Django's own Arabic formats have a 12-hour clock and no short date-time
# (so the global month-first one applied: "12/07/2026" for 7 December). Day before month and
# a 24-hour clock, as on every letter and timetable the person meets here
# (docs/decisions/0020-portal-pin-and-time-formats.md).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
