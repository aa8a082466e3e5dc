"""Our reader of llhttp's markdown vectors decodes them as llhttp's runner does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SAMPLE = """Title
=====

## Group

### A test

<!-- meta={"type": "request", "noScan": true} -->
```http
GET / HTTP/1.1
X: \\xff-a\\
b\\r\\n\\tc


```

```log
off=0 message begin
off=0 len=3 span[method]="GET"
off=3 method complete
off=14 headers complete method=1 v=1/1 flags=0 content_length=0
off=14 message complete
```

## Dangling meta

<!-- meta={"type": "response"} -->

### Under it

```http
HTTP/1.1 200 OK


```

```log
off=0 message begin
off=0 error code=22 reason="upgrade"
```
"""


def test_decoding(llhttp_loader: Any) -> None:
    decode = llhttp_loader.decode_input
    # one trailing newline dropped; a newline is CRLF; backslash-newline joins;
    # escapes; \\xff is the code point, sent UTF-8 encoded
    assert decode("a\nb\n") == b"a\r\nb"
    assert decode("a\\\nb\n") == b"ab"
    assert decode("\\r\\n\\t\\f\n") == b"\r\n\t\f"
    assert decode("\\xffV\n") == b"\xc3\xbfV"
    assert decode("\\033\n") == b"\x1b"
    assert decode("\\x0aab\n") == "\u0aab".encode()  # hex escapes are greedy
    assert decode("a\\x00\nb\n") == b"a"  # a C string ends at NUL


def test_reading_a_file(llhttp_loader: Any, tmp_path: Path) -> None:
    path = tmp_path / "sample.md"
    path.write_text(SAMPLE, encoding="utf-8")
    first, second = llhttp_loader.load_file(path, "sample.md")
    assert first.id == "sample.md:6"
    assert first.type == "request" and first.meta["noScan"] is True
    assert first.input == b"GET / HTTP/1.1\r\nX: \xc3\xbf-ab\r\n\tc\r\n\r\n"
    assert first.strict and first.role == "request"
    # A meta comment followed by a heading belongs to no test.
    assert second.type == "" and not second.strict
    expected = llhttp_loader.expectation(first.log)
    assert expected.error is None and not expected.upgrade
    (message,) = expected.messages
    assert message.method == b"GET" and message.complete
    assert llhttp_loader.expectation(second.log).upgrade
