"""Vietnamese formats: dates day first (dd/mm/yyyy), numbers as 1.234,5.

Django's own ``vi`` locale defines display formats but no input formats, so a typed
"05/03/2025" would fall back to the month-first defaults. These input formats fix that.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%d/%m/%Y",  # 05/03/2025
    "%d/%m/%y",  # 05/03/25
    "%d-%m-%Y",  # 05-03-2025
    "%d.%m.%Y",  # 05.03.2025
    "%Y-%m-%d",  # 2025-03-05 (ISO, as browsers' date pickers send it)
]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
