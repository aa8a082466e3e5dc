"""CookieJar: RFC 6265 storage and sending rules, limits, persistence."""

from __future__ import annotations

import json
import os
import pickle
import stat
from http.cookies import BaseCookie, Morsel, SimpleCookie
from pathlib import Path

import pytest
from yarl import URL

from aioweb.client.cookiejar import (
    MAX_COOKIES_PER_DOMAIN,
    AbstractCookieJar,
    CookieJar,
    DummyCookieJar,
)


def jar_with(headers: list[str], url: str, **kwargs: object) -> CookieJar:
    jar = CookieJar(**kwargs)  # type: ignore[arg-type]
    jar.update_cookies_from_headers(headers, URL(url))
    return jar


def sent(jar: CookieJar, url: str) -> dict[str, str]:
    return {name: morsel.value for name, morsel in jar.filter_cookies(URL(url)).items()}


def test_host_only_cookie() -> None:
    jar = jar_with(["a=1"], "http://example.com/")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://sub.example.com/") == {}
    assert jar.host_only_cookies == {("example.com", "/", "a")}


def test_domain_cookie_reaches_subdomains() -> None:
    jar = jar_with(["a=1; Domain=example.com"], "http://www.example.com/")
    assert sent(jar, "http://example.com/") == {"a": "1"}
    assert sent(jar, "http://deep.sub.example.com/") == {"a": "1"}
    assert sent(jar, "http://badexample.com/") == {}
    assert jar.host_only_cookies == frozenset()


def test_foreign_domain_is_refused() -> None:
    jar = jar_with(
        ["a=1; Domain=other.com", "b=2; Domain=sub.example.com"], "http://example.com/"
    )
    assert len(jar) == 0


@pytest.mark.parametrize("domain", ["com", ".com", "COM"])
def test_bare_tld_domain_is_refused(domain: str) -> None:
    jar = jar_with([f"a=1; Domain={domain}"], "http://example.com/")
    assert len(jar) == 0
    assert sent(jar, "http://other.com/") == {}


def test_single_label_host_may_name_itself() -> None:
    jar = jar_with(["a=1; Domain=localhost"], "http://localhost/")
    assert sent(jar, "http://localhost/") == {"a": "1"}
    assert jar.host_only_cookies == {("localhost", "/", "a")}


@pytest.mark.parametrize(
    ("set_from", "cookie_path", "request_url", "expected"),
    [
        ("http://h.test/", "/", "http://h.test/anything", True),
        ("http://h.test/", "/docs", "http://h.test/docs", True),
        ("http://h.test/", "/docs", "http://h.test/docs/page", True),
        ("http://h.test/", "/docs/", "http://h.test/docs/page", True),
        ("http://h.test/", "/docs", "http://h.test/docsearch", False),
        ("http://h.test/", "/docs/", "http://h.test/docs", False),
        ("http://h.test/", "/docs", "http://h.test/", False),
        # The default path is the directory of the URL (RFC 6265 §5.1.4).
        ("http://h.test/a/b/page", None, "http://h.test/a/b/other", True),
        ("http://h.test/a/b/page", None, "http://h.test/a/other", False),
        ("http://h.test/page", None, "http://h.test/x", True),
        ("http://h.test/a/b/page", "relative", "http://h.test/a/other", False),
    ],
)
def test_path_matching(
    set_from: str, cookie_path: str | None, request_url: str, expected: bool
) -> None:
    header = "a=1" if cookie_path is None else f"a=1; Path={cookie_path}"
    if cookie_path == "relative":
        header = "a=1; Path=relative"
    jar = jar_with([header], set_from)
    assert (sent(jar, request_url) == {"a": "1"}) is expected


def test_default_path_is_stored() -> None:
    jar = jar_with(["a=1"], "http://h.test/a/b/page")
    (morsel,) = jar
    assert morsel["path"] == "/a/b"
    assert morsel["domain"] == "h.test"


def test_secure_cookies_only_over_secure_transports() -> None:
    jar = jar_with(["s=1; Secure", "p=2"], "https://h.test/")
    assert sent(jar, "https://h.test/") == {"s": "1", "p": "2"}
    assert sent(jar, "wss://h.test/") == {"s": "1", "p": "2"}
    assert sent(jar, "http://h.test/") == {"p": "2"}
    assert sent(jar, "ws://h.test/") == {"p": "2"}


def test_treat_as_secure_origin() -> None:
    for origins in (
        "http://h.test:8080",
        URL("http://h.test:8080/x"),
        ["http://h.test:8080"],
    ):
        jar = jar_with(
            ["s=1; Secure"], "https://h.test/", treat_as_secure_origin=origins
        )
        assert sent(jar, "http://h.test:8080/page") == {"s": "1"}
        assert sent(jar, "http://h.test:9090/page") == {}
        assert jar.treat_as_secure_origin == {URL("http://h.test:8080")}


def test_max_age_wins_over_expires() -> None:
    jar = jar_with(
        ["a=1; Max-Age=3600; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], "http://h.test/"
    )
    assert sent(jar, "http://h.test/") == {"a": "1"}
    jar = jar_with(
        ["a=1; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT"], "http://h.test/"
    )
    assert len(jar) == 0


def test_expiry_deletes_and_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    jar = CookieJar()
    now = [1_000_000.0]
    jar._clock = lambda: now[0]
    url = URL("http://h.test/")
    jar.update_cookies_from_headers(["a=1; Max-Age=10", "b=2"], url)
    assert sent(jar, str(url)) == {"a": "1", "b": "2"}
    now[0] += 11
    assert sent(jar, str(url)) == {"b": "2"}
    assert len(jar) == 1
    # A date in the past deletes a stored cookie.
    jar.update_cookies_from_headers(["b=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], url)
    assert len(jar) == 0


def test_expires_in_the_future() -> None:
    jar = jar_with(["a=1; Expires=Fri, 01 Jan 2100 00:00:00 GMT"], "http://h.test/")
    assert sent(jar, "http://h.test/") == {"a": "1"}


def test_replacing_keeps_one_cookie() -> None:
    jar = jar_with(["a=1", "a=2"], "http://h.test/")
    assert len(jar) == 1
    assert sent(jar, "http://h.test/") == {"a": "2"}


def test_most_specific_cookie_wins() -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(
        ["a=domain; Domain=example.com"], URL("http://www.example.com/")
    )
    jar.update_cookies_from_headers(["a=host"], URL("http://www.example.com/"))
    jar.update_cookies_from_headers(
        ["a=path; Path=/docs"], URL("http://www.example.com/")
    )
    assert sent(jar, "http://www.example.com/docs/x") == {"a": "path"}
    assert sent(jar, "http://www.example.com/") == {"a": "host"}
    assert sent(jar, "http://api.example.com/") == {"a": "domain"}
    assert len(jar) == 3


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]:8080/"])
def test_ip_hosts_refused_unless_unsafe(url: str) -> None:
    assert len(jar_with(["a=1"], url)) == 0
    unsafe = jar_with(["a=1"], url, unsafe=True)
    assert unsafe.unsafe
    assert sent(unsafe, url) == {"a": "1"}
    assert sent(unsafe, "http://127.0.0.2/") == {}
    assert len(unsafe.host_only_cookies) == 1


def test_ip_host_cannot_set_domain_cookies() -> None:
    jar = jar_with(["a=1; Domain=0.0.1"], "http://127.0.0.1/", unsafe=True)
    assert len(jar) == 0


def test_shared_cookies_go_everywhere() -> None:
    jar = CookieJar()
    jar.update_cookies({"token": "abc", "n": "1"})
    assert sent(jar, "http://a.test/") == {"token": "abc", "n": "1"}
    assert sent(jar, "https://b.test/deep/path") == {"token": "abc", "n": "1"}
    assert sent(jar, "http://127.0.0.1/") == {"token": "abc", "n": "1"}


def test_update_cookies_forms() -> None:
    jar = CookieJar()
    url = URL("http://h.test/")
    simple: SimpleCookie = SimpleCookie()
    simple["m"] = "3"
    simple["m"]["path"] = "/"
    morsel: Morsel[str] = Morsel()
    morsel.set("p", "4", "4")
    jar.update_cookies([("a", "1"), ("p", morsel)], url)
    jar.update_cookies(simple, url)
    assert sent(jar, "http://h.test/") == {"a": "1", "p": "4", "m": "3"}
    with pytest.raises(ValueError):
        jar.update_cookies({"bad name": "x"}, url)


def test_given_morsels_are_copied() -> None:
    simple: SimpleCookie = SimpleCookie()
    simple["a"] = "1"
    jar = CookieJar()
    jar.update_cookies(simple, URL("http://h.test/dir/page"))
    assert simple["a"]["path"] == ""
    assert simple["a"]["domain"] == ""


def test_quoting() -> None:
    url = URL("http://h.test/")
    quoted = CookieJar()
    quoted.update_cookies({"a": "x y"}, url)
    quoted.update_cookies_from_headers(['b="kept as is"'], url)
    cookies = quoted.filter_cookies(url)
    assert cookies["a"].coded_value == '"x y"'
    assert cookies["b"].coded_value == '"kept as is"'
    assert cookies["b"].value == "kept as is"
    raw = CookieJar(quote_cookie=False)
    raw.update_cookies({"a": "x y"}, url)
    assert not raw.quote_cookie
    assert raw.filter_cookies(url)["a"].coded_value == "x y"


def test_filter_returns_base_cookie_with_bare_morsels() -> None:
    jar = jar_with(["a=1; HttpOnly; Secure; Max-Age=100"], "https://h.test/")
    cookies = jar.filter_cookies(URL("https://h.test/"))
    assert isinstance(cookies, BaseCookie)
    assert cookies.output(header="Cookie:") == "Cookie: a=1"


def test_unusable_cookies_are_dropped_by_the_parser() -> None:
    jar = jar_with(
        ["no-equals-sign", "x\x01=1", "__Host-a=1; Path=/"], "https://h.test/"
    )
    assert len(jar) == 0


def test_iteration_and_cookies_view() -> None:
    jar = jar_with(["a=1", "b=2; Path=/x"], "http://h.test/")
    assert sorted(m.key for m in jar) == ["a", "b"]
    view = jar.cookies
    assert set(view) == {("h.test", "/"), ("h.test", "/x")}
    assert view[("h.test", "/x")]["b"].value == "2"


def test_clear_and_clear_domain() -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(
        ["a=1; Domain=example.com"], URL("http://example.com/")
    )
    jar.update_cookies_from_headers(["b=2"], URL("http://sub.example.com/"))
    jar.update_cookies_from_headers(["c=3"], URL("http://other.test/"))
    jar.clear_domain("example.com")
    assert sorted(m.key for m in jar) == ["c"]
    jar.update_cookies_from_headers(["d=4"], URL("http://other.test/"))
    jar.clear(lambda morsel: morsel.key == "c")
    assert [m.key for m in jar] == ["d"]
    jar.clear()
    assert len(jar) == 0
    assert sent(jar, "http://other.test/") == {}


def test_per_domain_limit_evicts_least_recently_used() -> None:
    jar = CookieJar()
    url = URL("http://h.test/")
    jar.update_cookies_from_headers(["secure=1; Secure"], URL("https://h.test/"))
    for i in range(MAX_COOKIES_PER_DOMAIN - 1):
        jar.update_cookies_from_headers([f"c{i}={i}"], url)
    assert len(jar) == MAX_COOKIES_PER_DOMAIN
    # Using c0 makes c1 the least recently used plain cookie.
    jar.filter_cookies(URL("http://h.test/"))
    jar.update_cookies_from_headers(["c0=again"], url)
    jar.update_cookies_from_headers(["new=1"], url)
    names = {m.key for m in jar}
    assert len(jar) == MAX_COOKIES_PER_DOMAIN
    assert "new" in names
    assert "secure" in names  # plain cookies go before Secure ones
    assert len(names - {"new", "secure"}) == MAX_COOKIES_PER_DOMAIN - 2


def test_plain_cookie_never_evicts_secure_ones() -> None:
    jar = CookieJar()
    url = URL("https://h.test/")
    for i in range(MAX_COOKIES_PER_DOMAIN):
        jar.update_cookies_from_headers([f"s{i}=1; Secure"], url)
    jar.update_cookies_from_headers(["plain=1"], url)
    assert "plain" not in {m.key for m in jar}
    jar.update_cookies_from_headers(["s-new=1; Secure"], url)
    assert "s-new" in {m.key for m in jar}
    assert len(jar) == MAX_COOKIES_PER_DOMAIN


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    jar = CookieJar()
    jar.update_cookies_from_headers(
        [
            "host=1; HttpOnly; SameSite=Lax",
            'quoted="a b"',
            "dom=2; Domain=example.com; Path=/docs; Secure; Max-Age=3600",
            "__Host-p=3; Secure; Path=/; Partitioned",
        ],
        URL("https://www.example.com/"),
    )
    jar.update_cookies({"shared": "s"})
    path = tmp_path / "cookies.json"
    jar.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = json.loads(path.read_text())
    assert data["format"] == "aioweb-cookiejar"
    assert data["version"] == 1

    loaded = CookieJar()
    loaded.update_cookies({"old": "gone"})
    loaded.load(path)
    for url in (
        "https://www.example.com/docs/x",
        "https://api.example.com/docs",
        "http://www.example.com/",
        "https://other.test/",
    ):
        assert sent(loaded, url) == sent(jar, url), url
    assert loaded.host_only_cookies == jar.host_only_cookies
    morsels = {m.key: m for m in loaded}
    assert morsels["host"]["httponly"] is True
    assert morsels["host"]["samesite"] == "Lax"
    assert morsels["__Host-p"]["partitioned"] is True
    assert "old" not in morsels


def test_saved_expiry_is_absolute(tmp_path: Path) -> None:
    jar = CookieJar()
    now = [1_000_000.0]
    jar._clock = lambda: now[0]
    jar.update_cookies_from_headers(["a=1; Max-Age=10"], URL("http://h.test/"))
    jar.save(tmp_path / "c.json")
    loaded = CookieJar()
    loaded._clock = lambda: now[0] + 5
    loaded.load(tmp_path / "c.json")
    assert len(loaded) == 1
    loaded._clock = lambda: now[0] + 11
    assert len(loaded) == 0


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        json.dumps({"format": "aioweb-cookiejar", "version": 99, "cookies": []}),
        json.dumps({"format": "aioweb-cookiejar", "version": 1, "cookies": [1]}),
        json.dumps(
            {
                "format": "aioweb-cookiejar",
                "version": 1,
                "cookies": [
                    {
                        "name": "a",
                        "value": "1",
                        "coded_value": "1; injected=1",
                        "domain": "h.test",
                        "path": "/",
                        "host_only": True,
                        "expires": None,
                    }
                ],
            }
        ),
        json.dumps(
            {
                "format": "aioweb-cookiejar",
                "version": 1,
                "cookies": [
                    {
                        "name": "bad name",
                        "value": "1",
                        "coded_value": "1",
                        "domain": "h.test",
                        "path": "/",
                        "host_only": True,
                        "expires": None,
                    }
                ],
            }
        ),
    ],
)
def test_load_rejects_bad_files_and_keeps_the_jar(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    jar = jar_with(["keep=1"], "http://h.test/")
    with pytest.raises(ValueError):
        jar.load(path)
    assert sent(jar, "http://h.test/") == {"keep": "1"}


def test_load_refuses_pickles(tmp_path: Path) -> None:
    path = tmp_path / "jar.pickle"
    path.write_bytes(pickle.dumps({("h.test", ""): SimpleCookie("a=1")}))
    with pytest.raises(ValueError, match="not a saved cookie jar"):
        CookieJar().load(path)


def test_dummy_cookie_jar() -> None:
    jar = DummyCookieJar()
    assert isinstance(jar, AbstractCookieJar)
    jar.update_cookies({"a": "1"})
    jar.update_cookies_from_headers(["b=2"], URL("http://h.test/"))
    assert len(jar) == 0
    assert list(jar) == []
    assert jar.filter_cookies(URL("http://h.test/")) == BaseCookie()
    jar.clear()
    jar.clear_domain("h.test")
    assert not jar.unsafe
    assert jar.quote_cookie


def test_filter_cookies_with_a_string_warns() -> None:
    jar = jar_with(["a=1"], "http://h.test/")
    with pytest.warns(DeprecationWarning, match="yarl.URL"):
        cookies = jar.filter_cookies("http://h.test/")  # type: ignore[arg-type]
    assert cookies["a"].value == "1"
