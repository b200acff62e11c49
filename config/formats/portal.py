"""Formats for the portal languages Django has none for (Dari, Pashto, Somali, Tigrinya): day
before month and a 24-hour clock, as in Belgium, with the month and weekday names from the
portal's catalogue. Each language's `formats.py` takes them from here."""

DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
