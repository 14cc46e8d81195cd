"""The English school calendar: school years (1 September to 31 August) and terms."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dashboard.config import LOCAL_TIME_ZONE


def day_in_words(day: date) -> str:
    """A date as people read it, so a swapped day and month shows.

    Examples
    --------
    >>> day_in_words(date(2024, 9, 2))
    '2 September 2024'
    """
    return f"{day.day} {day:%B %Y}"


def local_time_text(moment: datetime) -> str:
    """A stored time (UTC) as UK local time, the way the register shows times.

    Examples
    --------
    >>> from datetime import UTC
    >>> local_time_text(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    '01/07/2026 13:00'
    """
    if moment.tzinfo is None:  # SQLite returns naive times; the register stores UTC
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return f"{moment.astimezone(ZoneInfo(LOCAL_TIME_ZONE)):%d/%m/%Y %H:%M}"


def school_year(day: date) -> str:
    """The English school year a day falls in (1 September to 31 August).

    Parameters
    ----------
    day : datetime.date
        Any date.

    Returns
    -------
    str
        E.g. ``"2026/27"``.

    Examples
    --------
    >>> school_year(date(2026, 11, 25)), school_year(date(2027, 8, 31))
    ('2026/27', '2026/27')
    """
    start = day.year if day.month >= 9 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


def term_of(day: date) -> str:
    """School term a date falls in, e.g. "2025/26 Autumn".

    Examples
    --------
    >>> term_of(date(2025, 10, 1)), term_of(date(2026, 2, 1)), term_of(date(2026, 6, 1))
    ('2025/26 Autumn', '2025/26 Spring', '2025/26 Summer')
    """
    season = "Autumn" if day.month >= 9 else "Spring" if day.month <= 3 else "Summer"
    return f"{school_year(day)} {season}"
