"""The head of a request that carries only the automatic fields, kept.

Most requests a client sends name no header field of their own: their head
is the request line, ``Host`` and the fields :class:`ClientRequest` always
adds (``Accept``, ``Accept-Encoding``, ``User-Agent``). Such a request gets
its fields as a copy of a template kept per URL, and, as long as nothing
changed them (multidict's version number says so), its head as bytes
serialised once for that method, target and version. A request whose fields
were touched after they were made is serialised as usual.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, cast

from multidict import CIMultiDict, getversion, istr
from yarl import URL

from aioweb.protocol import HttpVersion, hdrs

__all__ = ("AutoFields", "auto_fields", "host_value", "kept_head", "serialize_head")

#: How many URLs and heads are kept; past this the table starts anew.
_KEPT: Final = 256

# multidict's stub takes MultiDict[object] only (its type is invariant).
_version = cast("Callable[[CIMultiDict[str]], int]", getversion)

_templates: dict[URL, tuple[CIMultiDict[str], str]] = {}
_heads: dict[tuple[str, str, str, HttpVersion], bytes] = {}


#: The ``Host`` value of auto fields and their multidict version when made:
#: what :func:`kept_head` needs to know that they are untouched.
AutoFields = tuple[str, int]


def host_value(url: URL) -> str:
    """The ``Host`` field for ``url``: the port only when not the default."""
    host = url.host_subcomponent or ""
    if url.explicit_port is not None and not url.is_default_port():
        host = f"{host}:{url.port}"
    return host


def auto_fields(
    url: URL, defaults: Mapping[istr, str], user_agent: str
) -> tuple[CIMultiDict[str], AutoFields]:
    """Fresh fields for a request to ``url`` that names none of its own.

    ``Host``, then ``defaults``, then ``User-Agent``: the order the fields
    are added in otherwise. ``defaults`` and ``user_agent`` are the request
    class's constants; the template is kept by URL alone.
    """
    kept = _templates.get(url)
    if kept is None:
        host = host_value(url)
        template: CIMultiDict[str] = CIMultiDict()
        template.add(hdrs.HOST, host)
        template.extend(defaults)
        template.add(hdrs.USER_AGENT, user_agent)
        if len(_templates) >= _KEPT:
            _templates.clear()
        kept = _templates[url] = (template, host)
    fields = kept[0].copy()
    return fields, (kept[1], _version(fields))


def kept_head(
    method: str,
    target: str,
    version: HttpVersion,
    fields: CIMultiDict[str],
    auto: AutoFields | None,
) -> bytes:
    """The head's bytes: kept ones when ``fields`` are untouched auto fields."""
    if auto is None or _version(fields) != auto[1]:
        return serialize_head(method, target, version, fields)
    key = (method, target, auto[0], version)
    head = _heads.get(key)
    if head is None:
        head = serialize_head(method, target, version, fields)
        if len(_heads) >= _KEPT:
            _heads.clear()
        _heads[key] = head
    return head


def serialize_head(
    method: str, target: str, version: HttpVersion, fields: CIMultiDict[str]
) -> bytes:
    """The request line and ``fields``, ended by the empty line.

    The fields were checked when they were set (no CR, LF or NUL).
    """
    lines = "\r\n".join(map(": ".join, fields.items()))
    start = f"{method} {target} HTTP/{version[0]}.{version[1]}"
    return (f"{start}\r\n{lines}\r\n\r\n" if lines else f"{start}\r\n\r\n").encode()
