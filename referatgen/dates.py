"""Danish dates as the minutes print them, through Babel's CLDR data.

CLDR gives weekdays in lower case ("mandag"); Danish minutes capitalise the first word
of the line. The pattern uses `yyyy` (calendar year): `YYYY` is the week-year and goes
wrong around New Year.
"""

from __future__ import annotations

import datetime as dt


def long_date(day: dt.date, time: str | None = None, end: str | None = None) -> str:
    """'Mandag d. 05. september 2022 kl. 10:00' (with '–12:00' when an end is given)."""
    from babel.dates import format_date

    text = format_date(day, "EEEE 'd.' dd. MMMM yyyy", locale="da_DK")
    text = text[:1].upper() + text[1:]
    if time:
        text += f" kl. {time}"
        if end:
            text += f"–{end}"
    return text


def short_date(day: dt.date) -> str:
    """'05-09-2022', as in titles and decision headings."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}"
