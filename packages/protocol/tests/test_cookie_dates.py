from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioweb.protocol.cookie_dates import (
    format_cookie_date,
    normalize_cookie_date,
    parse_cookie_date,
)

# A loaded machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)

UTC = timezone.utc
NOV_6 = datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        # IMF-fixdate, RFC 850 and asctime (RFC 9110 §5.6.7).
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        # Netscape's original format, with dashes and a four-digit year.
        "Sun, 06-Nov-1994 08:49:37 GMT",
        # What servers send in the wild.
        "Sun, 6 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "06 Nov 1994 08:49:37",
        "Sun, 06 November 1994 08:49:37 GMT",
        "sun, 06 NOV 1994 08:49:37 gmt",
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "1994 Nov 06 08:49:37",
        "Sun,06-Nov-1994 08:49:37 GMT+0000",
        "  Sun, 06 Nov 1994 08:49:37 GMT  ",
        "Sun Nov 6 08:49:37 94 GMT",
    ],
)
def test_formats_browsers_accept(value: str) -> None:
    assert parse_cookie_date(value) == NOV_6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu, 01 Jan 70 00:00:00 GMT", datetime(1970, 1, 1, tzinfo=UTC)),
        ("Fri, 01 Jan 69 00:00:00 GMT", datetime(2069, 1, 1, tzinfo=UTC)),
        ("Sat, 01 Jan 00 00:00:00 GMT", datetime(2000, 1, 1, tzinfo=UTC)),
        ("Mon, 01 Jan 1601 00:00:00 GMT", datetime(1601, 1, 1, tzinfo=UTC)),
        (
            "Fri, 31 Dec 9999 23:59:59 GMT",
            datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        ),
        ("Thu, 29 Feb 2024 00:00:00 GMT", datetime(2024, 2, 29, tzinfo=UTC)),
        # The first time-like token is the time; later ones are noise.
        ("Sun, 06 Nov 1994 08:49:37 GMT 01:02:03", NOV_6),
    ],
)
def test_year_and_calendar_rules(value: str, expected: datetime) -> None:
    assert parse_cookie_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "Sun, 06 Nov 1994",
        "Sun, 06 Nov 08:49:37 GMT",
        "Sun, Nov 1994 08:49:37 GMT",
        "Sun, 06 1994 08:49:37 GMT",
        "Sun, 06 Nov 1600 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 31 Apr 1994 08:49:37 GMT",
        "Wed, 29 Feb 2023 08:49:37 GMT",
        "Sun, 06 Nov 19945 08:49:37 GMT",
        "Sun, 06 Nov 1994 123:49:37 GMT",
        # Unicode digits are not DIGIT.
        "Sun, ٠٦ Nov 1994 08:49:37 GMT",
        "2147483647",
        "-1",
    ],
)
def test_not_a_date(value: str) -> None:
    assert parse_cookie_date(value) is None


def test_format() -> None:
    assert format_cookie_date(NOV_6) == "Sun, 06 Nov 1994 08:49:37 GMT"
    naive = datetime(2001, 2, 3, 4, 5, 6)
    assert format_cookie_date(naive) == "Sat, 03 Feb 2001 04:05:06 GMT"
    paris = timezone(timedelta(hours=1))
    moment = datetime(1994, 11, 6, 9, 49, 37, tzinfo=paris)
    assert format_cookie_date(moment) == "Sun, 06 Nov 1994 08:49:37 GMT"


@relaxed
@given(st.datetimes(min_value=datetime(1601, 1, 1), timezones=st.just(UTC)))
def test_round_trip(moment: datetime) -> None:
    text = format_cookie_date(moment)
    assert parse_cookie_date(text) == moment.replace(microsecond=0)
    # Netscape's dashes take the general path of the algorithm: same result.
    day, month, year = text[5:16].split(" ")
    netscape = f"{text[:5]}{day}-{month}-{year}{text[16:]}"
    assert parse_cookie_date(netscape) == moment.replace(microsecond=0)


@relaxed
@given(st.text())
def test_never_raises(value: str) -> None:
    result = parse_cookie_date(value)
    assert result is None or result.tzinfo is UTC


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"),
        # A wrong weekday is no reason to rebuild: the algorithm ignores it.
        ("Mon, 06 Nov 1994 08:49:37 GMT", "Mon, 06 Nov 1994 08:49:37 GMT"),
        ("Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 GMT"),
        ("Sun, 31 Nov 1994 08:49:37 GMT", None),
        ("Sun, 06 Nov 1994 25:49:37 GMT", None),
        ("tomorrow", None),
    ],
)
def test_normalize(value: str, expected: str | None) -> None:
    assert normalize_cookie_date(value) == expected
