"""English for European readers: day before month, 24-hour clock, weeks from Monday.

Django's `en` formats are American (04/30/2027, 9 a.m.); our English pages are read by people in
Europe. The syntax of the *_FORMAT strings is Django's date format syntax, that of the
*_INPUT_FORMATS Python's strftime syntax.
"""

DATE_FORMAT = "j F Y"  # 30 April 2027
TIME_FORMAT = "H:i"  # 09:00
DATETIME_FORMAT = "j F Y, H:i"  # 30 April 2027, 09:00
YEAR_MONTH_FORMAT = "F Y"  # April 2027
MONTH_DAY_FORMAT = "j F"  # 30 April
SHORT_DATE_FORMAT = "d/m/Y"  # 30/04/2027
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 30/04/2027 09:00
FIRST_DAY_OF_WEEK = 1  # Monday

# What a person may type; ISO first, as date and datetime-local inputs send it.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2027-04-30
    "%d/%m/%Y",  # 30/04/2027
    "%d/%m/%y",  # 30/04/27
    "%d.%m.%Y",  # 30.04.2027
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # 09:00
    "%H:%M:%S",  # 09:00:00
    "%H:%M:%S.%f",  # 09:00:00.000200
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2027-04-30 09:00:00
    "%Y-%m-%d %H:%M:%S.%f",  # 2027-04-30 09:00:00.000200
    "%Y-%m-%d %H:%M",  # 2027-04-30 09:00
    "%Y-%m-%dT%H:%M",  # 2027-04-30T09:00 (datetime-local)
    "%Y-%m-%dT%H:%M:%S",  # 2027-04-30T09:00:00
    "%d/%m/%Y %H:%M:%S",  # 30/04/2027 09:00:00
    "%d/%m/%Y %H:%M",  # 30/04/2027 09:00
    "%d.%m.%Y %H:%M",  # 30.04.2027 09:00
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
