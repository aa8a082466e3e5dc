"""Reads llhttp's markdown test vectors (the format is described in
``shared/conformance/http-vectors.md``) into inputs and expected messages.

A vector is a markdown heading holding one ``http`` fence (the input, with
escapes and every newline meaning CRLF) and one ``log`` fence (llhttp's
callback log). The log is reduced to what any parser must agree on: the
messages (start line, fields, body, completeness) and how the input ends
(accepted, rejected, handed over to another protocol).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*([^`]*?)[ \t]*$")
_META = re.compile(r"<!--\s+meta=(.*)\s+-->")
_SPAN = re.compile(r'^off=\d+ len=\d+ span\[([^\]]+)\]="(.*)"$', re.S)
_SPAN_CRLF = re.compile(r"^off=\d+ len=1 span\[([^\]]+)\]=(cr|lf)$")
_UPGRADE_CODES = {22, 23}  # PAUSED_UPGRADE, PAUSED_H2_UPGRADE


@dataclass
class Vector:
    id: str
    name: str
    type: str
    meta: dict[str, Any]
    input: bytes
    log: list[str]

    @property
    def role(self) -> str:
        return self.type.split("-", 1)[0]

    @property
    def strict(self) -> bool:
        return self.type in ("request", "response", "request-finish", "response-finish")


@dataclass
class Message:
    method: bytes | None = None
    url: bytes | None = None
    version: bytes | None = None
    status: int | None = None
    reason: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    head_complete: bool = False
    body: bytes = b""
    complete: bool = False


@dataclass
class Expectation:
    messages: list[Message]
    error: str | None  # llhttp's error name, or None
    upgrade: bool
    finish: int | None  # 0 SAFE, 1 SAFE_WITH_CB, 2 UNSAFE


def decode_input(text: str) -> bytes:
    text = text[:-1] if text.endswith("\n") else text
    text = re.sub(r"\\(\r\n|\r|\n)", "", text)  # backslash-newline joins lines
    text = re.sub(r"\r\n|\r|\n", "\r\n", text)  # a newline is CRLF
    for escape, char in (("\\r", "\r"), ("\\n", "\n"), ("\\t", "\t"), ("\\f", "\f")):
        text = text.replace(escape, char)
    text = re.sub(r"\\x([0-9a-fA-F]+)", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\([0-7]{1,3})", lambda m: chr(int(m.group(1), 8)), text)
    # llhttp's runner gets the input as a C string: UTF-8, cut at NUL.
    return text.encode("utf-8").split(b"\0", 1)[0]


def load_file(path: Path, name: str) -> list[Vector]:
    lines = path.read_text(encoding="utf-8").split("\n")
    stack: list[tuple[int, str, int]] = []  # (level, title, line number)
    blocks: dict[int, dict[str, list[str]]] = {}  # heading line -> fences
    metas: dict[int, dict[str, Any]] = {}
    titles: dict[int, str] = {}
    meta: dict[str, Any] | None = None
    previous: tuple[int, str] | None = None
    index = 0

    def open_heading(level: int, title: str, number: int) -> None:
        nonlocal meta
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title, number))
        titles[number] = title
        meta = None

    while index < len(lines):
        line = lines[index]
        fence = _FENCE.match(line)
        if fence:
            marker, info = fence.group(1), fence.group(2)
            body = []
            index += 1
            repeat = "{" + str(len(marker)) + ",}"
            close = re.compile(r"^ {0,3}" + re.escape(marker[0]) + repeat + r"[ \t]*$")
            while index < len(lines) and not close.match(lines[index]):
                body.append(lines[index] + "\n")
                index += 1
            index += 1
            if len(stack) > 1:
                number = stack[-1][2]
                blocks.setdefault(number, {}).setdefault(info, []).append("".join(body))
                if meta is not None and info == "http":
                    metas[number] = meta
                    meta = None
            previous = None
            continue
        atx = _ATX.match(line)
        if atx:
            open_heading(len(atx.group(1)), atx.group(2) or "", index + 1)
            previous = None
        elif _SETEXT.match(line) and previous is not None:
            level = 1 if line.strip()[0] == "=" else 2
            open_heading(level, previous[1], previous[0] + 1)
            previous = None
        elif line.lstrip().startswith("<!--"):
            comment = [line]
            while "-->" not in comment[-1] and index + 1 < len(lines):
                index += 1
                comment.append(lines[index])
            found = _META.search("\n".join(comment))
            if found:
                meta = json.loads(found.group(1))
            previous = None
        else:
            previous = (index, line) if line.strip() else None
        index += 1

    vectors = []
    for number, fences in sorted(blocks.items()):
        if "http" not in fences:
            continue  # URL-parser vectors: no HTTP input
        assert len(fences["http"]) == 1 and len(fences.get("log", [])) == 1, number
        this_meta = metas.get(number, {})
        log_text = fences["log"][0].replace("\\t", "\t").replace("\\f", "\f")
        log = log_text.split("\n")[:-1]
        vectors.append(
            Vector(
                id=f"{name}:{number}",
                name=titles[number],
                type=this_meta.get("type", ""),
                meta=this_meta,
                input=decode_input(fences["http"][0]),
                log=log,
            )
        )
    return vectors


def load(root: Path) -> list[Vector]:
    vectors = []
    for path in sorted(root.rglob("*.md")):
        vectors.extend(load_file(path, path.relative_to(root).as_posix()))
    return vectors


def expectation(log: list[str]) -> Expectation:
    """Reduce a llhttp log to messages and an outcome."""
    messages: list[Message] = []
    spans: dict[str, bytes] = {}
    error: str | None = None
    upgrade = False
    finish: int | None = None
    name = b""
    for line in log:
        span = _SPAN.match(line)
        if span:
            key = span.group(1)
            spans[key] = spans.get(key, b"") + span.group(2).encode("utf-8")
            continue
        crlf = _SPAN_CRLF.match(line)
        if crlf:
            key = crlf.group(1)
            byte = b"\r" if crlf.group(2) == "cr" else b"\n"
            spans[key] = spans.get(key, b"") + byte
            continue
        event = line.split(" ", 1)[1] if " " in line else line
        message = messages[-1] if messages else None
        if event == "message begin":
            messages.append(Message())
            spans = {}
        elif message is None:
            if event.startswith("finish="):
                finish = int(event.split("=", 1)[1])
            elif event.startswith("error"):
                error = event
            continue
        elif event == "method complete":
            message.method = spans.pop("method", b"")
        elif event == "url complete":
            message.url = spans.pop("url", b"")
        elif event == "version complete":
            message.version = spans.pop("version", b"")
        elif event == "status complete":
            message.reason = spans.pop("status", b"")
        elif event == "header_field complete":
            name = spans.pop("header_field", b"")
        elif event == "header_value complete":
            value = spans.pop("header_value", b"")
            message.headers.append((name, value.rstrip(b" \t")))
        elif event.startswith("headers complete"):
            message.head_complete = True
            found = re.search(r"status=(\d+)", event)
            if found:
                message.status = int(found.group(1))
        elif event == "message complete":
            message.body = spans.pop("body", b"")
            message.complete = True
        elif event.startswith("error code="):
            code = int(re.match(r"error code=(\d+)", event).group(1))  # type: ignore[union-attr]
            if code in _UPGRADE_CODES:
                upgrade = True
            else:
                error = event
        elif event.startswith("finish="):
            finish = int(event.split("=", 1)[1])
    if messages and not messages[-1].complete:
        messages[-1].body = spans.pop("body", b"")
    return Expectation(messages, error, upgrade, finish)
