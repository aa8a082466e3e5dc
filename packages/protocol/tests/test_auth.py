from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from aioweb.protocol.auth import BasicAuth

# A loaded machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)


def test_fields_and_defaults() -> None:
    auth = BasicAuth("user")
    assert auth == ("user", "", "latin1")
    assert (auth.login, auth.password, auth.encoding) == ("user", "", "latin1")
    assert BasicAuth("u", "p", "utf-8").encoding == "utf-8"
    assert isinstance(auth, tuple)


def test_rfc7617_example() -> None:
    # RFC 7617 §2's example.
    assert BasicAuth("Aladdin", "open sesame").encode() == (
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    )


@pytest.mark.parametrize("login", ["a:b", ":", "user:"])
def test_colon_in_login_is_rejected(login: str) -> None:
    with pytest.raises(ValueError, match='":" is not allowed in login'):
        BasicAuth(login, "pw")


def test_colon_in_password_is_kept() -> None:
    auth = BasicAuth("user", "pa:ss:word")
    assert BasicAuth.decode(auth.encode()) == auth


def test_none_is_rejected() -> None:
    with pytest.raises(ValueError, match="login"):
        BasicAuth(None, "pw")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="password"):
        BasicAuth("user", None)  # type: ignore[arg-type]


def test_encoding_is_used() -> None:
    auth = BasicAuth("jürgen", "pässword", encoding="utf-8")
    token = auth.encode().removeprefix("Basic ")
    assert base64.b64decode(token) == "jürgen:pässword".encode()
    latin1 = BasicAuth("jürgen", "pässword")
    assert base64.b64decode(latin1.encode()[6:]) == "jürgen:pässword".encode("latin1")
    with pytest.raises(UnicodeEncodeError):
        BasicAuth("пользователь").encode()


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "basic dXNlcjpwYXNz", "BASIC  dXNlcjpwYXNz"],
)
def test_decode(header: str) -> None:
    assert BasicAuth.decode(header) == BasicAuth("user", "pass")


def test_decode_with_encoding() -> None:
    header = BasicAuth("jürgen", "x", encoding="utf-8").encode()
    assert BasicAuth.decode(header, encoding="utf-8") == BasicAuth(
        "jürgen", "x", "utf-8"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Basic", "Could not parse"),
        ("Basic ", "Could not parse"),
        ("", "Could not parse"),
        ("Bearer dXNlcjpwYXNz", "Unknown authorization method Bearer"),
        ("Basic dXNlcjpwYXNz!", "Invalid base64"),
        ("Basic dXNl cjpwYXNz", "Invalid base64"),
        ("Basic dXNlcg==", "Invalid credentials"),
        ("Basic ZMO8", "Invalid credentials"),
        ("Basic dXNlcjpwYXNzé", "Invalid base64"),
    ],
)
def test_decode_rejects(header: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BasicAuth.decode(header)


def test_decode_rejects_bytes_not_in_encoding() -> None:
    # The first two bytes of an emoji alone are not UTF-8.
    header = "Basic " + base64.b64encode(b"\xf0\x9f:x").decode()
    with pytest.raises(ValueError, match="not valid utf-8"):
        BasicAuth.decode(header, encoding="utf-8")
    assert BasicAuth.decode(header) == BasicAuth("\xf0\x9f", "x")


def test_decode_splits_at_the_first_colon() -> None:
    header = "Basic " + base64.b64encode(b"a:b:c").decode()
    assert BasicAuth.decode(header) == BasicAuth("a", "b:c")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com", None),
        ("http://user@example.com", BasicAuth("user", "")),
        ("http://user:pass@example.com", BasicAuth("user", "pass")),
        ("http://:pass@example.com", BasicAuth("", "pass")),
        ("http://us%20er:p%40ss@example.com", BasicAuth("us er", "p@ss")),
    ],
)
def test_from_url(url: str, expected: BasicAuth | None) -> None:
    assert BasicAuth.from_url(URL(url)) == expected


def test_from_url_encoding_and_type() -> None:
    auth = BasicAuth.from_url(URL("http://u:p@h"), encoding="utf-8")
    assert auth is not None
    assert auth.encoding == "utf-8"
    with pytest.raises(TypeError, match=r"yarl\.URL"):
        BasicAuth.from_url("http://u:p@h")  # type: ignore[arg-type]


def test_from_url_rejects_encoded_colon_in_login() -> None:
    with pytest.raises(ValueError, match='":"'):
        BasicAuth.from_url(URL("http://a%3Ab:p@h"))


@relaxed
@given(
    login=st.text().filter(lambda s: ":" not in s),
    password=st.text(),
)
def test_round_trip_utf8(login: str, password: str) -> None:
    auth = BasicAuth(login, password, "utf-8")
    assert BasicAuth.decode(auth.encode(), "utf-8") == auth


@relaxed
@given(st.text())
def test_decode_never_raises_anything_but_value_error(header: str) -> None:
    with contextlib.suppress(ValueError):
        BasicAuth.decode(header)
