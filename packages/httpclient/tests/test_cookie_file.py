"""The saved-jar file format: round trip and strict reading."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from aioweb.client.cookie_file import SavedCookie, read_cookie_file, write_cookie_file
from aioweb.protocol import CookieMorsel


def morsel(name: str = "sid", value: str = "abc") -> CookieMorsel:
    cookie = CookieMorsel()
    cookie.__setstate__({"key": name, "value": value, "coded_value": value})  # type: ignore[attr-defined]
    cookie["domain"] = "example.com"
    cookie["path"] = "/"
    return cookie


def test_round_trip(tmp_path: Path) -> None:
    secure = morsel()
    secure["secure"] = True
    secure["samesite"] = "Strict"
    path = tmp_path / "jar.json"
    write_cookie_file(
        path,
        [SavedCookie(secure, True, 1.5e9), SavedCookie(morsel("b", "2"), False, None)],
    )
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first, second = read_cookie_file(path)
    assert (first.morsel.key, first.morsel.value, first.host_only, first.expires) == (
        "sid",
        "abc",
        True,
        1.5e9,
    )
    assert first.morsel["secure"] is True
    assert first.morsel["samesite"] == "Strict"
    assert first.morsel["domain"] == "example.com"
    assert (second.morsel.key, second.host_only, second.expires) == ("b", False, None)
    assert second.morsel["secure"] is False


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "name": "a",
        "value": "1",
        "coded_value": "1",
        "domain": "h.test",
        "path": "/",
        "host_only": True,
        "expires": None,
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "bad",
    [
        record(expires=float("inf")),
        record(expires=float("nan")),
        record(expires=True),
        record(expires="tomorrow"),
        record(host_only="yes"),
        record(path="relative"),
        record(coded_value="1\r\nX-Injected: 1"),
        record(name=""),
        record(value=5),
        {"name": "a"},
    ],
)
def test_malformed_records_are_refused(tmp_path: Path, bad: dict[str, Any]) -> None:
    path = tmp_path / "jar.json"
    path.write_text(
        json.dumps({"format": "aioweb-cookiejar", "version": 1, "cookies": [bad]})
    )
    with pytest.raises(ValueError, match="cookie #0 is malformed"):
        read_cookie_file(path)


def test_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jar"
    path.write_bytes(b"\x80\x04\x95 a pickle")
    with pytest.raises(ValueError, match=r"not a saved cookie jar \(JSON\)"):
        read_cookie_file(path)
