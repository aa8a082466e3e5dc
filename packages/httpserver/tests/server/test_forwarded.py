"""RFC 7239 parsing of Forwarded."""

from __future__ import annotations

from aioweb.web.forwarded import parse_forwarded


def test_elements_and_pairs() -> None:
    assert parse_forwarded(
        ["for=192.0.2.60;proto=http;by=203.0.113.43", 'for="[2001:db8:cafe::17]:4711"']
    ) == (
        {"for": "192.0.2.60", "proto": "http", "by": "203.0.113.43"},
        {"for": "[2001:db8:cafe::17]:4711"},
    )


def test_several_lines_and_commas() -> None:
    assert parse_forwarded(["for=a, for=b", "For=C"]) == (
        {"for": "a"},
        {"for": "b"},
        {"for": "C"},
    )


def test_quoted_pairs_and_first_wins() -> None:
    assert parse_forwarded(['host="a\\"b";host=second']) == ({"host": 'a"b'},)


def test_broken_element_is_skipped_to_the_next_comma() -> None:
    assert parse_forwarded(["for=a;by, for=b", "garbage, for=c", "for=d proto=x"]) == (
        {"for": "a"},
        {"for": "b"},
        {},
        {"for": "c"},
        {"for": "d"},
    )
