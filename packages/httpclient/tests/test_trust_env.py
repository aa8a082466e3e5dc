"""Proxy variables, NO_PROXY matching and .netrc lookups."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from yarl import URL

from aioweb.client.trust_env import (
    ProxyInfo,
    basicauth_from_netrc,
    get_env_proxy_for_url,
    netrc_auth_for_host,
    netrc_from_env,
    proxies_from_env,
    should_bypass_proxy,
)
from aioweb.protocol import BasicAuth

NO_NETRC = {"NETRC": "/nonexistent/netrc"}


def test_proxies_for_each_scheme() -> None:
    env = {
        **NO_NETRC,
        "HTTP_PROXY": "http://p1:3128",
        "HTTPS_PROXY": "http://p2:3128",
        "WS_PROXY": "http://p3:3128",
        "WSS_PROXY": "http://p4:3128",
    }
    assert proxies_from_env(env) == {
        "http": ProxyInfo(URL("http://p1:3128"), None),
        "https": ProxyInfo(URL("http://p2:3128"), None),
        "ws": ProxyInfo(URL("http://p3:3128"), None),
        "wss": ProxyInfo(URL("http://p4:3128"), None),
    }


def test_lower_case_wins() -> None:
    env = {**NO_NETRC, "HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:2"}
    assert proxies_from_env(env)["http"].proxy == URL("http://lower:2")
    # An empty lower-case variable unsets the upper-case one.
    assert "https" not in proxies_from_env(
        {**NO_NETRC, "HTTPS_PROXY": "http://upper:1", "https_proxy": ""}
    )


def test_all_proxy_fills_in() -> None:
    env = {**NO_NETRC, "ALL_PROXY": "http://all:1", "https_proxy": "http://s:2"}
    proxies = proxies_from_env(env)
    assert proxies["http"].proxy == URL("http://all:1")
    assert proxies["ws"].proxy == URL("http://all:1")
    assert proxies["https"].proxy == URL("http://s:2")


def test_cgi_ignores_upper_case_http_proxy() -> None:
    env = {**NO_NETRC, "REQUEST_METHOD": "GET", "HTTP_PROXY": "http://attacker:1"}
    assert "http" not in proxies_from_env(env)
    lower = {**env, "http_proxy": "http://admin-set:1"}
    assert proxies_from_env(lower)["http"].proxy == URL("http://admin-set:1")


def test_credentials_in_the_proxy_url() -> None:
    env = {**NO_NETRC, "http_proxy": "http://us%40er:p%3Ass@proxy:3128"}
    info = proxies_from_env(env)["http"]
    assert info.proxy == URL("http://proxy:3128")
    assert info.proxy_auth == BasicAuth("us@er", "p:ss")


def test_proxy_without_scheme() -> None:
    info = proxies_from_env({**NO_NETRC, "http_proxy": "proxy.local:3128"})["http"]
    assert info.proxy == URL("http://proxy.local:3128")


def write_netrc(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "netrc"
    path.write_text(text)
    path.chmod(0o600)
    return {"NETRC": str(path)}


def test_proxy_credentials_from_netrc(tmp_path: Path) -> None:
    env = write_netrc(tmp_path, "machine proxy login alice password s3cret\n")
    env["http_proxy"] = "http://proxy:3128"
    env["https_proxy"] = "http://bob:pw@proxy:3128"
    proxies = proxies_from_env(env)
    assert proxies["http"].proxy_auth == BasicAuth("alice", "s3cret")
    # Credentials in the URL take precedence over .netrc.
    assert proxies["https"].proxy_auth == BasicAuth("bob", "pw")


@pytest.mark.parametrize(
    ("host", "port", "no_proxy", "bypass"),
    [
        ("example.com", 80, "*", True),
        ("example.com", 80, "example.com", True),
        ("api.example.com", 80, "example.com", True),
        ("api.example.com", 80, ".example.com", True),
        ("api.example.com", 80, "*.example.com", True),
        ("EXAMPLE.com.", 80, "example.COM", True),
        ("badexample.com", 80, "example.com", False),
        ("example.org", 80, "example.com, other.net", False),
        ("other.net", 80, "example.com, other.net", True),
        ("other.net", 80, "example.com other.net", True),
        ("example.com", 8080, "example.com:8080", True),
        ("example.com", 80, "example.com:8080", False),
        ("10.1.2.3", 80, "10.1.2.3", True),
        ("10.1.2.4", 80, "10.1.2.3", False),
        ("10.1.2.3", 80, "10.0.0.0/8", True),
        ("11.1.2.3", 80, "10.0.0.0/8", False),
        ("192.168.1.1", 80, "192.168.0.0/16,example.com", True),
        ("::1", 80, "::1", True),
        ("[::1]", 8080, "[::1]:8080", True),
        ("[::1]", 80, "[::1]:8080", False),
        ("fd00::5", 80, "fd00::/8", True),
        ("10.1.2.3", 80, "fd00::/8", False),
        ("example.com", 80, "10.0.0.0/8", False),
        ("example.com", 80, "", False),
        ("example.com", 80, " , ,", False),
        ("example.com", 80, "not/a/cidr", False),
        ("", 80, "*", False),
    ],
)
def test_no_proxy(host: str, port: int, no_proxy: str, bypass: bool) -> None:
    assert should_bypass_proxy(host, port, no_proxy) is bypass


def test_no_proxy_from_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("no_proxy", "internal.test")
    assert should_bypass_proxy("a.internal.test")
    assert not should_bypass_proxy("public.test")


def test_get_env_proxy_for_url() -> None:
    env = {
        **NO_NETRC,
        "HTTP_PROXY": "http://user:pw@proxy:3128",
        "NO_PROXY": "localhost,127.0.0.1,internal.test:80",
    }
    proxy, auth = get_env_proxy_for_url(URL("http://example.com/path"), env)
    assert proxy == URL("http://proxy:3128")
    assert auth == BasicAuth("user", "pw")
    for url in (
        "http://localhost/",
        "http://127.0.0.1:8080/",
        "http://x.internal.test/",
    ):
        with pytest.raises(LookupError, match="disabled"):
            get_env_proxy_for_url(URL(url), env)
    # The default port of the scheme counts for entries with a port.
    assert get_env_proxy_for_url(URL("http://x.internal.test:81/"), env)[0] == URL(
        "http://proxy:3128"
    )
    with pytest.raises(LookupError, match="No proxies found"):
        get_env_proxy_for_url(URL("https://example.com/"), env)
    with pytest.raises(LookupError):
        get_env_proxy_for_url(URL("/relative"), env)


NETRC_TEXT = """\
machine example.com login alice password wonderland
machine account-only.test account acct password pw
default login anonymous password guest
"""


def test_netrc_lookup(tmp_path: Path) -> None:
    env = write_netrc(tmp_path, NETRC_TEXT)
    parsed = netrc_from_env(env)
    assert parsed is not None
    assert basicauth_from_netrc(parsed, "example.com") == BasicAuth(
        "alice", "wonderland"
    )
    assert basicauth_from_netrc(parsed, "account-only.test") == BasicAuth("acct", "pw")
    assert basicauth_from_netrc(parsed, "elsewhere.test") == BasicAuth(
        "anonymous", "guest"
    )
    assert netrc_auth_for_host("example.com", env) == BasicAuth("alice", "wonderland")


@pytest.mark.skipif(
    sys.version_info < (3, 11),
    reason="Python 3.10's netrc parser rejects an entry without a password",
)
def test_netrc_entry_without_password(tmp_path: Path) -> None:
    env = write_netrc(tmp_path, "machine h.test login bob\n")
    assert netrc_auth_for_host("h.test", env) == BasicAuth("bob", "")


def test_netrc_missing_entry(tmp_path: Path) -> None:
    env = write_netrc(tmp_path, "machine example.com login a password b\n")
    parsed = netrc_from_env(env)
    with pytest.raises(LookupError, match=r"other\.test"):
        basicauth_from_netrc(parsed, "other.test")
    assert netrc_auth_for_host("other.test", env) is None
    with pytest.raises(LookupError, match=r"No \.netrc"):
        basicauth_from_netrc(None, "example.com")


def test_netrc_home_default(tmp_path: Path) -> None:
    (tmp_path / ".netrc").write_text("machine h.test login u password p\n")
    (tmp_path / ".netrc").chmod(0o600)
    assert netrc_auth_for_host("h.test", {"HOME": str(tmp_path)}) == BasicAuth("u", "p")


def test_netrc_absent_or_broken(tmp_path: Path) -> None:
    assert netrc_from_env(NO_NETRC) is None
    broken = write_netrc(tmp_path, "bogus token\n")
    assert netrc_from_env(broken) is None
    assert netrc_auth_for_host("example.com", broken) is None
    assert netrc_from_env({"NETRC": str(tmp_path)}) is None  # a directory


def test_os_environ_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("NETRC", "/nonexistent/netrc")
    monkeypatch.setenv("https_proxy", "http://from-env:1")
    assert proxies_from_env()["https"].proxy == URL("http://from-env:1")
    assert get_env_proxy_for_url(URL("https://x.test/"))[0] == URL("http://from-env:1")
