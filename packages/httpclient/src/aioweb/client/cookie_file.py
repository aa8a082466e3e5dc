"""The file format of a saved cookie jar: JSON, never pickle.

::

    {"format": "aioweb-cookiejar", "version": 1, "cookies": [
        {"name": "sid", "value": "abc", "coded_value": "abc",
         "domain": "example.com", "path": "/", "host_only": true,
         "expires": 1767225600.0, "secure": true, "httponly": true,
         "samesite": "Lax"}, ...]}

``expires`` is an absolute Unix time (or ``null`` for a session cookie), so a
``Max-Age`` keeps counting from when the cookie was received. Reading checks
every record as strictly as a received cookie: a file that is not JSON (an
old pickled jar, say) or any malformed record is refused as a whole, since
loading a pickle can run code and a half-loaded jar would be a surprise.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from aioweb.protocol.cookies import CookieMorsel, make_set_cookie

__all__ = ("SavedCookie", "read_cookie_file", "write_cookie_file")

FORMAT: Final = "aioweb-cookiejar"
VERSION: Final = 1
_FLAG_ATTRIBUTES: Final = ("secure", "httponly", "partitioned")
_TEXT_ATTRIBUTES: Final = ("samesite", "comment", "version")


@dataclasses.dataclass(frozen=True, slots=True)
class SavedCookie:
    """One cookie of a saved jar.

    Attributes:
        morsel: the cookie, its ``domain`` and ``path`` filled in.
        host_only: whether it goes back to its exact host only.
        expires: when it expires, as a Unix time; ``None`` for a session
            cookie.
    """

    morsel: CookieMorsel
    host_only: bool
    expires: float | None


def write_cookie_file(
    path: str | os.PathLike[str], cookies: Iterable[SavedCookie]
) -> None:
    """Write cookies to ``path``, creating it readable by its owner only."""
    records = []
    for cookie in cookies:
        morsel = cookie.morsel
        record: dict[str, Any] = {
            "name": morsel.key,
            "value": morsel.value,
            "coded_value": morsel.coded_value,
            "domain": morsel["domain"],
            "path": morsel["path"],
            "host_only": cookie.host_only,
            "expires": cookie.expires,
        }
        for attribute in _FLAG_ATTRIBUTES:
            if morsel.get(attribute):
                record[attribute] = True
        for attribute in _TEXT_ATTRIBUTES:
            if morsel.get(attribute):
                record[attribute] = str(morsel[attribute])
        records.append(record)
    data = {"format": FORMAT, "version": VERSION, "cookies": records}
    # Cookies are credentials: create the file 0600 whatever the umask.
    with open(
        path,
        "w",
        encoding="utf-8",
        opener=lambda name, flags: os.open(name, flags, 0o600),
    ) as file:
        json.dump(data, file, indent=2)


def read_cookie_file(path: str | os.PathLike[str]) -> list[SavedCookie]:
    """Read the cookies of a file written by :func:`write_cookie_file`.

    Raises:
        ValueError: the file is not a saved jar of this version, or one of
            its records is malformed.
        OSError: the file cannot be read.
    """
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} is not a saved cookie jar (JSON)") from exc
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or data.get("version") != VERSION
        or not isinstance(data.get("cookies"), list)
    ):
        raise ValueError(f"{path} is not a saved cookie jar (version {VERSION})")
    cookies = []
    for index, record in enumerate(data["cookies"]):
        try:
            cookies.append(_read_record(record))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: cookie #{index} is malformed") from exc
    return cookies


def _read_record(record: Any) -> SavedCookie:
    if not isinstance(record, dict):
        raise TypeError("not an object")
    name, value, coded = record["name"], record["value"], record["coded_value"]
    domain, path = record["domain"], record["path"]
    for text in (name, value, coded, domain, path):
        if not isinstance(text, str):
            raise TypeError("text expected")
    # The name is checked as for any cookie; the coded value as it is sent.
    make_set_cookie(name, value, path="")
    if any(c in coded for c in ";\r\n\x00") or not path.startswith("/"):
        raise ValueError("unsafe coded value or path")
    expires = record["expires"]
    if expires is not None:
        if isinstance(expires, bool) or not isinstance(expires, (int, float)):
            raise TypeError("expires must be a number or null")
        if not math.isfinite(expires):
            raise ValueError("expires must be finite")
    host_only = record["host_only"]
    if not isinstance(host_only, bool):
        raise TypeError("host_only must be a boolean")
    morsel = CookieMorsel()
    morsel.__setstate__({"key": name, "value": value, "coded_value": coded})  # type: ignore[attr-defined]
    morsel["domain"] = domain
    morsel["path"] = path
    for attribute in _FLAG_ATTRIBUTES:
        morsel[attribute] = record.get(attribute, False) is True
    for attribute in _TEXT_ATTRIBUTES:
        if record.get(attribute):
            morsel[attribute] = str(record[attribute])
    return SavedCookie(morsel, host_only, None if expires is None else float(expires))
