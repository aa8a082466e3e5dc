"""The framing rules of RFC 9112 §6, tested on their own (both twins use them)."""

from __future__ import annotations

import pytest

from aioweb.parser import (
    BodyTooLarge,
    ConflictingFraming,
    InvalidContentLength,
    InvalidTransferEncoding,
    UnsupportedTransferEncoding,
)
from aioweb.parser import _framing as framing

V10, V11 = (1, 0), (1, 1)


@pytest.mark.parametrize(
    ("values", "lenient", "expected"),
    [
        ([b"0"], False, 0),
        ([b"007"], False, 7),
        ([b"999999999999999999"], False, 10**18 - 1),
        ([b"000000000000000000001"], False, 1),  # leading zeros are not digits of size
        ([b"5", b"5"], True, 5),
        ([b"5, 5", b"05"], True, 5),
    ],
)
def test_content_length(values: list[bytes], lenient: bool, expected: int) -> None:
    assert framing.content_length(values, lenient) == expected


@pytest.mark.parametrize(
    ("values", "lenient", "error"),
    [
        ([b"5", b"5"], False, InvalidContentLength),
        ([b"5, 5"], False, InvalidContentLength),
        ([b"5", b"6"], True, InvalidContentLength),
        ([b"5, 6"], True, InvalidContentLength),
        ([b""], False, InvalidContentLength),
        ([b"1e3"], False, InvalidContentLength),
        ([b"\xd9\xa1"], False, InvalidContentLength),  # not ASCII digits
        ([b"1000000000000000000"], False, BodyTooLarge),
    ],
)
def test_bad_content_length(
    values: list[bytes], lenient: bool, error: type[Exception]
) -> None:
    with pytest.raises(error):
        framing.content_length(values, lenient)


def test_transfer_codings() -> None:
    assert framing.transfer_codings([b"gzip, Chunked", b"CHUNKED"]) == [
        b"gzip",
        b"chunked",
        b"chunked",
    ]
    assert framing.transfer_codings([b"foo;q=1 ,chunked"]) == [b"foo", b"chunked"]
    for bad in ([b",chunked"], [b"chunked,"], [b""], [b"chu nked"], [b"\xa0chunked"]):
        with pytest.raises(InvalidTransferEncoding):
            framing.transfer_codings(bad)


def test_connection_tokens_and_keep_alive() -> None:
    tokens = framing.connection_tokens([b"Keep-Alive, ,Upgrade", b"x"])
    assert tokens == {b"keep-alive", b"upgrade", b"x"}
    assert framing.keep_alive(V11, frozenset())
    assert not framing.keep_alive(V11, frozenset({b"close"}))
    assert not framing.keep_alive(V10, frozenset())
    assert framing.keep_alive(V10, frozenset({b"keep-alive"}))
    assert not framing.keep_alive(V10, frozenset({b"keep-alive", b"close"}))


@pytest.mark.parametrize(
    ("version", "cl", "te", "lenient", "expected"),
    [
        (V11, [], [], False, (framing.NO_BODY, None, False)),
        (V11, [b"0"], [], False, (framing.NO_BODY, 0, False)),
        (V11, [b"3"], [], False, (framing.LENGTH, 3, False)),
        (V11, [], [b"chunked"], False, (framing.CHUNKED, None, False)),
        (V11, [b"3"], [b"chunked"], True, (framing.CHUNKED, None, True)),
        (V11, [], [b"gzip, chunked"], True, (framing.CHUNKED, None, False)),
        (V10, [], [b"chunked"], True, (framing.CHUNKED, None, False)),
    ],
)
def test_request_framing(
    version: tuple[int, int],
    cl: list[bytes],
    te: list[bytes],
    lenient: bool,
    expected: tuple[int, int | None, bool],
) -> None:
    assert framing.request_framing(version, cl, te, lenient) == expected


@pytest.mark.parametrize(
    ("version", "cl", "te", "error"),
    [
        (V11, [b"3"], [b"chunked"], ConflictingFraming),
        (V11, [], [b"gzip"], InvalidTransferEncoding),
        (V11, [], [b"chunked, chunked"], InvalidTransferEncoding),
        (V11, [], [b"gzip, chunked"], UnsupportedTransferEncoding),
        (V10, [], [b"chunked"], InvalidTransferEncoding),
    ],
)
def test_request_framing_errors(
    version: tuple[int, int], cl: list[bytes], te: list[bytes], error: type[Exception]
) -> None:
    with pytest.raises(error):
        framing.request_framing(version, cl, te, False)


@pytest.mark.parametrize(
    ("status", "method", "cl", "te", "expected"),
    [
        (200, "GET", [], [], (framing.UNTIL_CLOSE, None, True)),
        (200, "GET", [b"0"], [], (framing.LENGTH, 0, False)),
        (200, "HEAD", [b"10"], [], (framing.NO_BODY, 10, False)),
        (200, "HEAD", [], [b"chunked"], (framing.NO_BODY, None, False)),
        (204, "GET", [b"10"], [], (framing.NO_BODY, 10, False)),
        (304, "GET", [b"10"], [b"chunked"], (framing.NO_BODY, None, False)),
        (101, "GET", [], [], (framing.NO_BODY, None, False)),
        (103, "GET", [], [], (framing.NO_BODY, None, False)),
        (200, "CONNECT", [b"5"], [], (framing.NO_BODY, 5, False)),
        (407, "CONNECT", [b"5"], [], (framing.LENGTH, 5, False)),
        (200, "GET", [], [b"chunked"], (framing.CHUNKED, None, False)),
        (200, "GET", [], [b"gzip"], (framing.UNTIL_CLOSE, None, True)),
        (200, "GET", [], [b"chunked, gzip"], (framing.UNTIL_CLOSE, None, True)),
    ],
)
def test_response_framing(
    status: int,
    method: str,
    cl: list[bytes],
    te: list[bytes],
    expected: tuple[int, int | None, bool],
) -> None:
    assert framing.response_framing(status, method, V11, cl, te, False) == expected
