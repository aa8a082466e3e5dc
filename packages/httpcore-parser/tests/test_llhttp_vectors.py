"""Every strict llhttp vector through both twins, whole and byte by byte.

llhttp's logs are reduced to messages and an outcome (accepted, rejected,
handed over); our events must give the same. The vectors where aioweb is
deliberately stricter or different are listed in ``DIFFERENCES`` with the
outcome we assert instead; the package documentation carries the same table.

A request whose target holds a fragment (``#``) is refused with 400 (RFC 9112
§3.2); llhttp takes it. Such a vector is checked twice: as it is, for the
400, and with the fragment cut off, against llhttp's log for everything else
(most of them are about ``Transfer-Encoding``, which the 400 would hide).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from aioweb.parser import BadRequestLine, IncompleteMessage

# vector id -> (what aioweb does, why)
DIFFERENCES: dict[str, tuple[str, str]] = {
    "request/method.md:372": ("error", "ICE/1.0 is not HTTP"),
    "request/method.md:400": ("error", "RTSP/1.0 is not HTTP"),
    "request/method.md:430": ("error", "RTSP/1.0 is not HTTP"),
    "request/method.md:458": (
        "error",
        "PRI * HTTP/1.1 is the HTTP/2 preface: parsed as a request, then `SM` is"
        " not a request line",
    ),
    "request/sample.md:314": ("error", "HTTP/0.9 request lines are not accepted"),
    "request/invalid.md:66": ("ok", "any token is a method (RFC 9110 §9.1)"),
    "request/invalid.md:356": ("ok", "any token is a method (RFC 9110 §9.1)"),
    "request/transfer-encoding.md:751": (
        "error",
        "a transfer coding other than chunked is refused with 501 (RFC 9112 §6.1)",
    ),
    "request/transfer-encoding.md:793": (
        "error",
        "a transfer coding other than chunked is refused with 501 (RFC 9112 §6.1)",
    ),
    "request/content-length.md:444": (
        "ok",
        "llhttp's skipBody callback has no request-side equivalent: the body is read",
    ),
    "response/sample.md:40": ("error", "RTSP/1.1 is not HTTP"),
    "response/sample.md:60": ("error", "ICE/1.1 is not HTTP"),
    "response/sample.md:645": ("error", "HTTP/0.9 is refused with 505"),
}


# The request-target of the first request line, and a fragment in it.
_FRAGMENT = re.compile(rb"\A([^ \r\n]+ [^ #\r\n]*)(#[^ \r\n]*)")


def without_fragment(vector: Any, expected: Any) -> bytes | None:
    """The input with the fragment cut from its target (and llhttp's URLs
    likewise), or None when the target has none."""
    match = _FRAGMENT.match(vector.input) if vector.role == "request" else None
    if match is None:
        return None
    for message in expected.messages:
        if message.url is not None:
            message.url = message.url.split(b"#", 1)[0]
    return match.group(1) + vector.input[match.end() :]


def our_messages(events: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Rebuild llhttp-like messages from our events."""
    messages: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for event in events:
        kind = event[0]
        if kind == "begin" or current is None:
            current = {"head": None, "body": b"", "complete": False, "trailers": []}
            messages.append(current)
            if kind == "begin":
                continue
        if kind in ("head", "informational"):
            current["head"] = event[1]
            if kind == "informational":
                current["complete"] = True
                current = None
        elif kind == "body":
            current["body"] += event[1]
        elif kind == "complete":
            current["complete"] = True
            current["trailers"] = event[1] or []
    return messages


def same_message(ours: dict[str, Any], theirs: Any) -> None:
    head = ours["head"]
    assert head is not None, "llhttp completed a head that we did not"
    major, minor = head[3]
    assert theirs.version == f"{major}.{minor}".encode()
    if head[0] == "request":
        assert theirs.method == head[1].encode()
        assert theirs.url == head[2].encode()
    else:
        assert theirs.status == head[1]
        assert theirs.reason == head[2].encode("latin-1")
    trailers = [(n.encode(), v.encode("latin-1")) for n, v in ours["trailers"]]
    assert list(head[5]) + trailers == theirs.headers
    assert ours["body"] == theirs.body
    assert ours["complete"] == theirs.complete


def outcome_of(result: Any) -> str:
    if result.error is not None:
        return "error"
    if result.tail is not None:
        return "upgrade"
    return "ok"


@pytest.mark.parametrize("step", ["whole", "bytewise"])
def test_llhttp_vector(
    parser_impl: Any, llhttp_vector: Any, step: str, feed: Any, expectation: Any
) -> None:
    vector = llhttp_vector
    expected = expectation(vector.log)
    if vector.role == "request":
        parser_class = parser_impl.RequestParser
    else:
        parser_class = parser_impl.ResponseParser
    # llhttp's skipBody is what a response to HEAD gets (every message here).
    skip = vector.meta.get("skipBody") and vector.role == "response"
    methods = ["HEAD"] * 8 if skip else []
    size = 1 if step == "bytewise" and not vector.meta.get("noScan") else None
    data = vector.input
    cut = without_fragment(vector, expected)
    if cut is not None:
        refused = feed(parser_class, data, step=size)
        assert refused.error_type is BadRequestLine, refused.error
        assert refused.error.status == 400
        assert refused.heads == []
        data = cut
    result = feed(parser_class, data, step=size, methods=methods)
    theirs = [m for m in expected.messages if m.head_complete]
    ours = [m for m in our_messages(result.events) if m["head"] is not None]

    if vector.id in DIFFERENCES:
        wanted, _reason = DIFFERENCES[vector.id]
        assert outcome_of(result) == wanted, result.error
        return
    if expected.error is not None:
        assert result.error is not None, f"llhttp: {expected.error}"
        done = [m for m in theirs if m.complete]
        assert len(ours) >= len(done)
        for mine, their in zip(ours, done, strict=False):
            same_message(mine, their)
        return
    assert result.error is None, f"{type(result.error).__name__}: {result.error}"
    assert outcome_of(result) == ("upgrade" if expected.upgrade else "ok")
    assert len(ours) == len(theirs)
    for mine, their in zip(ours, theirs, strict=True):
        same_message(mine, their)
    if expected.finish is not None:
        parser = result.extra["parser"]
        if expected.finish == 2:  # UNSAFE: the input stopped inside a message
            with pytest.raises(IncompleteMessage):
                parser.feed_eof()
        else:
            parser.feed_eof()


def test_differences_table_names_real_vectors(llhttp_vector_ids: set[str]) -> None:
    assert set(DIFFERENCES) <= llhttp_vector_ids
    assert len(llhttp_vector_ids) == 214  # 134 + 76 strict, 4 finish
