"""Cookie dates: the ``Expires`` attribute's lenient date grammar.

RFC 6265 §5.1.1 reads dates the way browsers do, which accepts every format
servers have sent over the years (IMF-fixdate, RFC 850 with two-digit years,
asctime, Netscape's dashes) and a good deal of noise around them::

    cookie-date     = *delimiter date-token-list *delimiter
    date-token-list = date-token *( 1*delimiter date-token )
    date-token      = 1*non-delimiter
    delimiter       = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
    time            = hms-time ( non-digit *OCTET )
    hms-time        = time-field ":" time-field ":" time-field
    time-field      = 1*2DIGIT
    day-of-month    = 1*2DIGIT ( non-digit *OCTET )
    month           = ( "jan" / "feb" / ... / "dec" ) *OCTET
    year            = 2*4DIGIT ( non-digit *OCTET )

Each token is tried, in this order, as the first time, day of month, month
and year not yet found. A date that lacks one of them, or names a day that
does not exist, is no date.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Final

__all__ = ("format_cookie_date", "normalize_cookie_date", "parse_cookie_date")

_DELIMITERS: Final = re.compile(r"[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+")
_TIME: Final = re.compile(
    r"(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?", re.DOTALL | re.ASCII
)
_DAY: Final = re.compile(r"(\d{1,2})(?:\D.*)?", re.DOTALL | re.ASCII)
_YEAR: Final = re.compile(r"(\d{2,4})(?:\D.*)?", re.DOTALL | re.ASCII)
_MONTHS: Final = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
# IMF-fixdate (RFC 9110 §5.6.7), what nearly every server sends: read
# directly, with the same result the general algorithm would give.
_IMF_FIXDATE: Final = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ([0-9]{2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([0-9]{4}) "
    r"([0-9]{2}):([0-9]{2}):([0-9]{2}) GMT"
)
_MONTH_NUMBERS: Final = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "May": 5,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
_WEEKDAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES: Final = tuple(month.capitalize() for month in _MONTHS)


def parse_cookie_date(value: str) -> datetime | None:
    """Read a cookie date as RFC 6265 §5.1.1 does.

    Args:
        value: the ``Expires`` attribute's value.

    Returns:
        The moment, as an aware UTC datetime; ``None`` if ``value`` is not a
        date by that algorithm.

    Example::

        >>> parse_cookie_date("Wed, 09-Jun-2021 10:18:14 GMT")
        datetime.datetime(2021, 6, 9, 10, 18, 14, tzinfo=datetime.timezone.utc)
        >>> parse_cookie_date("Sun Nov  6 08:49:37 94")
        datetime.datetime(1994, 11, 6, 8, 49, 37, tzinfo=datetime.timezone.utc)
    """
    fixdate = _IMF_FIXDATE.fullmatch(value)
    if fixdate is not None:
        return _moment(
            int(fixdate[3]),
            _MONTH_NUMBERS[fixdate[2]],
            int(fixdate[1]),
            (int(fixdate[4]), int(fixdate[5]), int(fixdate[6])),
        )
    time: tuple[int, int, int] | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    for token in _DELIMITERS.split(value):
        if not token:
            continue
        if time is None and (match := _TIME.fullmatch(token)):
            time = (int(match[1]), int(match[2]), int(match[3]))
        elif day is None and (match := _DAY.fullmatch(token)):
            day = int(match[1])
        elif month is None and token[:3].lower() in _MONTHS:
            month = _MONTHS.index(token[:3].lower()) + 1
        elif year is None and (match := _YEAR.fullmatch(token)):
            year = int(match[1])
    if time is None or day is None or month is None or year is None:
        return None
    # Two-digit years, as RFC 850 dates carry them.
    if 70 <= year <= 99:
        year += 1900
    elif 0 <= year <= 69:
        year += 2000
    return _moment(year, month, day, time)


def _moment(
    year: int, month: int, day: int, time: tuple[int, int, int]
) -> datetime | None:
    hour, minute, second = time
    if year < 1601 or hour > 23 or minute > 59 or second > 59:
        return None
    try:
        # Also refuses days a month does not have (31 April, 29 February 2023).
        return datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:
        return None


def normalize_cookie_date(value: str) -> str | None:
    """A cookie date rewritten as an IMF-fixdate, or ``None`` if it is none.

    Args:
        value: the ``Expires`` attribute's value.

    Returns:
        ``value`` itself when it already is a valid IMF-fixdate (the common
        case, so nothing is rebuilt), else :func:`parse_cookie_date` then
        :func:`format_cookie_date`; ``None`` when it is no date.

    Example::

        >>> normalize_cookie_date("Wed, 09-Jun-21 10:18:14 GMT")
        'Wed, 09 Jun 2021 10:18:14 GMT'
    """
    moment = parse_cookie_date(value)
    if moment is None:
        return None
    if _IMF_FIXDATE.fullmatch(value) is not None:
        return value
    return format_cookie_date(moment)


def format_cookie_date(moment: datetime) -> str:
    """Write a moment as an IMF-fixdate (RFC 9110 §5.6.7), as servers send it.

    Args:
        moment: an aware datetime, or a naive one taken to be UTC.

    Returns:
        Such as ``Sun, 06 Nov 1994 08:49:37 GMT``.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return (
        f"{_WEEKDAY_NAMES[moment.weekday()]}, {moment.day:02d} "
        f"{_MONTH_NAMES[moment.month - 1]} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )
