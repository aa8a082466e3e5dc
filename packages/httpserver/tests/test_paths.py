"""Decoding request paths for matching, and quoting for url_for."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aioweb.web.routing.paths import (
    InvalidPath,
    decode_path,
    quote_path,
    quote_segment,
    to_safe_form,
    unquote_value,
)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("/plain/path", "/plain/path"),
        ("/a%20b", "/a b"),
        ("/caf%C3%A9", "/café"),
        ("/caf%c3%a9", "/café"),
        ("/a%2Fb", "/a%2Fb"),
        ("/a%2fb", "/a%2Fb"),
        ("/100%25", "/100%25"),
        ("/%252F", "/%252F"),
        ("/%41%42", "/AB"),
    ],
)
def test_decode_keeps_only_slash_and_percent_escaped(raw: str, safe: str) -> None:
    assert decode_path(raw) == safe


@pytest.mark.parametrize("raw", ["/%zz", "/%", "/a%2", "/%G0/x", "/ok/%-1"])
def test_malformed_escapes_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidPath, match="malformed"):
        decode_path(raw)


@pytest.mark.parametrize("raw", ["/%FF", "/%C3", "/%C3%28", "/%ED%A0%80"])
def test_escapes_that_are_not_utf8_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidPath, match="not UTF-8"):
        decode_path(raw)


def test_invalid_path_is_a_value_error() -> None:
    assert issubclass(InvalidPath, ValueError)


@pytest.mark.parametrize(
    ("safe", "value"),
    [("a%2Fb", "a/b"), ("100%25", "100%"), ("%252F", "%2F"), ("plain", "plain")],
)
def test_unquote_value(safe: str, value: str) -> None:
    assert unquote_value(safe) == value


def test_route_text_in_safe_form() -> None:
    assert to_safe_form("/100%/x") == "/100%25/x"


def test_quoting() -> None:
    assert quote_path("/a b/ü?#") == "/a%20b/%C3%BC%3F%23"
    assert quote_segment("a/b c") == "a%2Fb%20c"
    assert quote_segment("a:b@c!$&'()*+,;=") == "a:b@c!$&'()*+,;="
    assert quote_segment("100%") == "100%25"


# Surrogates cannot be encoded as UTF-8, so they never occur in a URL.
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1))
def test_a_quoted_segment_decodes_back_to_its_value(value: str) -> None:
    assert unquote_value(decode_path("/" + quote_segment(value))[1:]) == value
    assert "/" not in decode_path("/" + quote_segment(value))[1:]


@given(st.text(alphabet=st.sampled_from("/%2fF5a0{}.é\x00?#"), max_size=40))
def test_decoding_arbitrary_paths_fails_only_with_invalid_path(raw: str) -> None:
    try:
        safe = decode_path(raw)
    except InvalidPath:
        return
    # Only the structural escapes survive decoding, upper-cased.
    assert all(
        safe[i : i + 3] in ("%25", "%2F") for i, c in enumerate(safe) if c == "%"
    )
