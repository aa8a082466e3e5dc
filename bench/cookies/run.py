"""Set-Cookie and Cookie parsing: aioweb beside aiohttp and http.cookies.

The same corpus of real-world Set-Cookie values (session ids, analytics
cookies with dates and domains, quoted values, deletions) is parsed by
``aioweb.protocol.parse_set_cookie_headers``, aiohttp's
``parse_set_cookie_headers`` (what its client cookie jar uses) and
``http.cookies.SimpleCookie.load``; a browser-like ``Cookie`` request header
is parsed by ``aioweb.protocol.parse_cookie_header`` and aiohttp's
``parse_cookie_header`` (what ``request.cookies`` uses).

    python bench/cookies/run.py [--rounds N]

Prints microseconds per header for each and the ratio anchor / aioweb (above
1 means aioweb is faster).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from http.cookies import SimpleCookie
from typing import Any

from aiohttp import _cookie_helpers as aiohttp_cookies

from aioweb.protocol import parse_cookie_header, parse_set_cookie_headers

SET_COOKIES = [
    "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; path=/",
    "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly",
    "__cf_bm=Wx4.Xa_3-1700000000-1.0.1.1-abcdef; path=/; "
    "expires=Fri, 27-Nov-26 08:15:00 GMT; domain=.example.com; HttpOnly; "
    "Secure; SameSite=None",
    "_ga=GA1.2.1234567890.1700000000; Max-Age=63072000; Domain=example.com; Path=/",
    'prefs="lang=en|theme=dark"; Max-Age=31536000; SameSite=Lax',
    "sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
    "__Host-csrf=9f8e7d6c5b4a; Secure; Path=/; SameSite=Strict",
    "JSESSIONID=A1B2C3D4; Path=/app; HttpOnly",
]
COOKIE_HEADER = (
    "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; _ga=GA1.2.1234567890.1700000000; "
    '_gid=GA1.2.987654321.1700000000; prefs="lang=en|theme=dark"; '
    "__Host-csrf=9f8e7d6c5b4a; consent=yes; theme=dark; tz=Europe%2FParis"
)


def simple_cookie(headers: list[str]) -> Any:
    jar: SimpleCookie = SimpleCookie()
    for header in headers:
        jar.load(header)
    return jar


def per_call(function: Callable[[], Any], calls: int, rounds: int) -> float:
    """The best of ``rounds`` timings, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    n = len(SET_COOKIES)
    # Same results first: every anchor keeps every cookie of the corpus.
    assert len(parse_set_cookie_headers(SET_COOKIES)) == n
    assert len(aiohttp_cookies.parse_set_cookie_headers(SET_COOKIES)) == n
    set_cookie = {
        "aioweb": lambda: parse_set_cookie_headers(SET_COOKIES),
        "aiohttp": lambda: aiohttp_cookies.parse_set_cookie_headers(SET_COOKIES),
        "http.cookies": lambda: simple_cookie(SET_COOKIES),
    }
    cookie = {
        "aioweb": lambda: parse_cookie_header(COOKIE_HEADER),
        "aiohttp": lambda: aiohttp_cookies.parse_cookie_header(COOKIE_HEADER),
    }
    for title, contenders, per in (
        ("Set-Cookie, per header", set_cookie, n),
        ("Cookie header, 8 pairs", cookie, 1),
    ):
        times = {
            name: per_call(f, 2000, rounds) / per for name, f in contenders.items()
        }
        print(title)
        for name, micros in times.items():
            ratio = micros / times["aioweb"]
            print(f"  {name:14} {micros:8.2f} us   {ratio:5.2f}x aioweb's time")


if __name__ == "__main__":
    main()
