"""The client cookie jar: aioweb's CookieJar beside aiohttp's.

A jar holding the cookies of 200 sites (five each: host-only, domain, with
paths, Secure) is asked, for a mix of request URLs, which cookies to send
(``filter_cookies``, on every request a session makes); then a response's
``Set-Cookie`` fields are stored (``update_cookies_from_headers``).

    python bench/cookiejar/run.py [--rounds N]

Prints microseconds per call for each and the ratio aiohttp / aioweb (above
1 means aioweb is faster).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from yarl import URL

from aioweb.client import CookieJar

SITES = [f"site{i}.example" for i in range(200)]
SET_COOKIES = [
    "sid=el4ukv0kqbvoirg7nkp4dncpk3; Path=/; HttpOnly",
    "_ga=GA1.2.1234567890.1700000000; Max-Age=63072000; Domain={site}; Path=/",
    "prefs=dark; Max-Age=31536000; Path=/account; SameSite=Lax",
    "__Host-csrf=9f8e7d6c5b4a; Secure; Path=/; SameSite=Strict",
    "cart=3; Path=/shop",
]
REQUESTS = [
    URL(f"https://www.{site}{path}")
    for site in SITES[:20]
    for path in ("/", "/account/settings", "/shop/item/7", "/static/app.js")
] + [URL("http://www.unknown.example/")]


def fill(jar: Any) -> None:
    for site in SITES:
        headers = [header.format(site=site) for header in SET_COOKIES]
        jar.update_cookies_from_headers(headers, URL(f"https://www.{site}/login"))


def per_call(function: Callable[[], Any], calls: int, rounds: int) -> float:
    """The best of ``rounds`` timings, in microseconds per call."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(calls):
            function()
        best = min(best, time.perf_counter() - started)
    return best / calls * 1e6


async def main() -> None:
    # aiohttp's jar must be created inside a running loop.
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds
    ours, theirs = CookieJar(), aiohttp.CookieJar()
    fill(ours)
    fill(theirs)
    # Same results first: both jars hold and send the same cookies.
    assert len(ours) == len(theirs) == len(SITES) * len(SET_COOKIES)
    for url in REQUESTS:
        assert (
            dict(ours.filter_cookies(url)).keys()
            == dict(theirs.filter_cookies(url)).keys()
        ), url

    def filter_all(jar: Any) -> Callable[[], None]:
        def run() -> None:
            for url in REQUESTS:
                jar.filter_cookies(url)

        return run

    headers = [header.format(site="site7.example") for header in SET_COOKIES]
    response_url = URL("https://www.site7.example/login")
    cases = {
        "filter_cookies (per request)": (
            {"aioweb": filter_all(ours), "aiohttp": filter_all(theirs)},
            len(REQUESTS),
        ),
        "update_cookies_from_headers (5 Set-Cookie)": (
            {
                "aioweb": lambda: ours.update_cookies_from_headers(
                    headers, response_url
                ),
                "aiohttp": lambda: theirs.update_cookies_from_headers(
                    headers, response_url
                ),
            },
            1,
        ),
    }
    for title, (functions, per_run) in cases.items():
        timings = {
            name: per_call(function, 200, rounds) / per_run
            for name, function in functions.items()
        }
        print(title)
        for name, micros in timings.items():
            print(f"  {name:8} {micros:8.2f} us")
        print(f"  ratio aiohttp/aioweb: {timings['aiohttp'] / timings['aioweb']:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
