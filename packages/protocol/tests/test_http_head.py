"""Head serialisation: the output, and every way to inject a header refused."""

from __future__ import annotations

import pytest
from multidict import CIMultiDict

from aioweb.protocol import HeaderInjectionError, serialize_head

FORBIDDEN = ["\r", "\n", "\r\n", "\x00"]


def test_request_and_status_heads() -> None:
    headers = CIMultiDict([("Host", "example.com"), ("X-A", "1"), ("X-A", "2")])
    assert serialize_head("GET /path?q=1 HTTP/1.1", headers.items()) == (
        b"GET /path?q=1 HTTP/1.1\r\nHost: example.com\r\nX-A: 1\r\nX-A: 2\r\n\r\n"
    )
    assert serialize_head("HTTP/1.1 204 No Content", []) == (
        b"HTTP/1.1 204 No Content\r\n\r\n"
    )
    assert serialize_head("HTTP/1.0 200", []) == b"HTTP/1.0 200\r\n\r\n"


def test_values_may_hold_tabs_spaces_and_non_ascii() -> None:
    head = serialize_head("HTTP/1.1 200 OK", [("X-Text", "a\tb c é")])
    assert head == "HTTP/1.1 200 OK\r\nX-Text: a\tb c é\r\n\r\n".encode()


def test_special_request_targets() -> None:
    assert serialize_head("OPTIONS * HTTP/1.1", []).startswith(b"OPTIONS * ")
    assert serialize_head("CONNECT a.example:443 HTTP/1.1", []).startswith(b"CONNECT")


@pytest.mark.parametrize("bad", FORBIDDEN)
@pytest.mark.parametrize(
    "make",
    [
        lambda bad: (f"GET /a{bad}b HTTP/1.1", []),
        lambda bad: (f"GE{bad}T /a HTTP/1.1", []),
        lambda bad: (f"HTTP/1.1 200 O{bad}K", []),
        lambda bad: ("HTTP/1.1 200 OK", [("X-Name", f"va{bad}lue")]),
        lambda bad: ("HTTP/1.1 200 OK", [(f"X-Na{bad}me", "value")]),
        lambda bad: ("GET / HTTP/1.1", [("Set-Cookie", f"a=b{bad}Location: /evil")]),
    ],
    ids=["target", "method", "reason", "value", "name", "smuggle"],
)
def test_injection_is_refused(bad: str, make: object) -> None:
    start, headers = make(bad)  # type: ignore[operator]
    with pytest.raises(HeaderInjectionError) as info:
        serialize_head(start, headers)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "name", ["", "X Name", "X:Name", "Näme", "X(Name)", "X/Name", "X\tName"]
)
def test_field_names_must_be_tokens(name: str) -> None:
    with pytest.raises(HeaderInjectionError, match="header name"):
        serialize_head("HTTP/1.1 200 OK", [(name, "v")])


@pytest.mark.parametrize(
    "line",
    [
        "GET /",
        "GET / HTTP/1.1 extra",
        "GET  / HTTP/1.1",
        "GET / HTTP/11",
        "G(ET / HTTP/1.1",
        "HTTP/1.1 20 OK",
        "HTTP/1.1 2000 OK",
        "HTTP/x 200 OK",
        "GET /\x7f HTTP/1.1",
        "HTTP/1.1 200 \x1b[31mred",
    ],
)
def test_malformed_start_lines(line: str) -> None:
    with pytest.raises(HeaderInjectionError):
        serialize_head(line, [])


@pytest.mark.parametrize("ctl", ["\x01", "\x1f", "\x7f", "\x0b", "\x0c"])
def test_other_control_characters_in_values(ctl: str) -> None:
    with pytest.raises(HeaderInjectionError, match="control character"):
        serialize_head("HTTP/1.1 200 OK", [("X", f"a{ctl}b")])
