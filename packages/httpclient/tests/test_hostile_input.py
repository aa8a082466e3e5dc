"""Parsers of untrusted input never raise anything but their documented errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yarl import URL

from aioweb.client import CookieJar
from aioweb.client.cookie_file import read_cookie_file
from aioweb.client.digest_auth import parse_auth_challenges, parse_digest_challenge
from aioweb.client.trust_env import should_bypass_proxy

# Text that looks like header values: the characters their grammars use.
header_text = st.text(
    alphabet=st.sampled_from(
        list('abcDIGEST=,; "\\\t/.-_:0123456789*[]%\x00\r\n\u00e4')
    ),
    max_size=80,
)


@given(st.lists(header_text, max_size=4))
def test_challenge_parsing_never_raises(values: list[str]) -> None:
    for scheme, params in parse_auth_challenges(values):
        assert scheme
        assert isinstance(params, dict)
    parse_digest_challenge(values)


@given(host=header_text, port=st.none() | st.integers(0, 70000), no_proxy=header_text)
def test_no_proxy_matching_never_raises(
    host: str, port: int | None, no_proxy: str
) -> None:
    assert should_bypass_proxy(host, port, no_proxy) in (True, False)


@given(st.lists(header_text, max_size=6))
def test_cookie_jar_takes_any_set_cookie(headers: list[str]) -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(headers, URL("https://h.test/a/b"))
    for morsel in jar.filter_cookies(URL("https://h.test/a/b/c")).values():
        assert "\r" not in morsel.coded_value
        assert "\n" not in morsel.coded_value
    assert len(jar) <= len(headers)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=12), inner, max_size=8)
    ),
    max_leaves=20,
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cookies=st.lists(json_values, max_size=3))
def test_cookie_file_refuses_garbage_cleanly(
    tmp_path: Path, cookies: list[Any]
) -> None:
    path = tmp_path / "jar.json"
    path.write_text(
        json.dumps({"format": "aioweb-cookiejar", "version": 1, "cookies": cookies})
    )
    try:
        saved = read_cookie_file(path)
    except ValueError:
        return
    assert len(saved) == len(cookies)


@pytest.mark.parametrize("text", ["", "{", "[1]", '{"format": 1}', "\ud800"])
def test_cookie_file_not_a_jar(tmp_path: Path, text: str) -> None:
    path = tmp_path / "jar.json"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    with pytest.raises(ValueError):
        read_cookie_file(path)
