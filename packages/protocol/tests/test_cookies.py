from __future__ import annotations

import logging
import pickle
import sys
from datetime import datetime, timezone
from http.cookies import CookieError, Morsel, SimpleCookie

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioweb.protocol.cookies import (
    CookieMorsel,
    format_cookie_header,
    make_set_cookie,
    parse_cookie_header,
    parse_set_cookie,
    parse_set_cookie_headers,
    quote_cookie_value,
    unquote_cookie_value,
)

# A loaded machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)

ATTRIBUTES = ("expires", "max-age", "domain", "path", "secure", "httponly")
ATTRIBUTES += ("samesite", "partitioned")


def attributes(morsel: Morsel[str]) -> dict[str, object]:
    """The attributes a morsel has set, by their lower-case name."""
    return {key: morsel[key] for key in ATTRIBUTES if morsel[key]}


# Set-Cookie values as real servers send them, and what is kept of each:
# (header, name, value, attributes).
REAL_WORLD = [
    (
        "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly",
        "id",
        "a3fWa",
        {"expires": "Wed, 21 Oct 2015 07:28:00 GMT", "secure": True, "httponly": True},
    ),
    (
        "__cf_bm=Wx4.Xa_3-1700000000-1.0.1.1-abc/def+gh==; path=/; "
        "expires=Fri, 27-Nov-26 08:15:00 GMT; domain=.Example.com; "
        "HttpOnly; Secure; SameSite=None",
        "__cf_bm",
        "Wx4.Xa_3-1700000000-1.0.1.1-abc/def+gh==",
        {
            "path": "/",
            "expires": "Fri, 27 Nov 2026 08:15:00 GMT",
            "domain": "example.com",
            "httponly": True,
            "secure": True,
            "samesite": "None",
        },
    ),
    (
        "1P_JAR=2023-11-27-08; expires=Wed, 27-Dec-2023 08:00:00 GMT; path=/; "
        "domain=.google.com; Secure; SameSite=none",
        "1P_JAR",
        "2023-11-27-08",
        {
            "expires": "Wed, 27 Dec 2023 08:00:00 GMT",
            "path": "/",
            "domain": "google.com",
            "secure": True,
            "samesite": "None",
        },
    ),
    (
        "session-id=262-1234567-7654321; Domain=.amazon.com; "
        "Expires=Thu, 27-Nov-2025 08:00:00 GMT; Path=/; Secure",
        "session-id",
        "262-1234567-7654321",
        {
            "domain": "amazon.com",
            "expires": "Thu, 27 Nov 2025 08:00:00 GMT",
            "path": "/",
            "secure": True,
        },
    ),
    (
        "PHPSESSID=el4ukv0kqbvoirg7nkp4dncpk3; path=/",
        "PHPSESSID",
        "el4ukv0kqbvoirg7nkp4dncpk3",
        {"path": "/"},
    ),
    # PHP's array cookies: brackets in the name.
    ("cart[items]=3; path=/shop", "cart[items]", "3", {"path": "/shop"}),
    (
        'prefs="lang=en|theme=dark"; Max-Age=31536000; SameSite=Lax',
        "prefs",
        "lang=en|theme=dark",
        {"max-age": "31536000", "samesite": "Lax"},
    ),
    (
        "__Host-sid=xyz; Secure; Path=/; HttpOnly; SameSite=Strict",
        "__Host-sid",
        "xyz",
        {"secure": True, "path": "/", "httponly": True, "samesite": "Strict"},
    ),
    (
        "__Secure-token=abc; Secure; Domain=example.com",
        "__Secure-token",
        "abc",
        {"secure": True, "domain": "example.com"},
    ),
    (
        "__Host-embedded=1; Secure; Path=/; SameSite=None; Partitioned",
        "__Host-embedded",
        "1",
        {"secure": True, "path": "/", "samesite": "None", "partitioned": True},
    ),
    # An old-style date with a two-digit year and RFC 850's weekday.
    (
        "ASP.NET_SessionId=abc; expires=Thursday, 01-Jan-70 00:00:01 GMT",
        "ASP.NET_SessionId",
        "abc",
        {"expires": "Thu, 01 Jan 1970 00:00:01 GMT"},
    ),
    # asctime, as some Java servers write it.
    (
        "JSESSIONID=A1B2; Expires=Sun Nov  6 08:49:37 1994; Path=/app",
        "JSESSIONID",
        "A1B2",
        {"expires": "Sun, 06 Nov 1994 08:49:37 GMT", "path": "/app"},
    ),
    # Deletion, as servers write it.
    (
        "sid=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/",
        "sid",
        "",
        {"max-age": "0", "expires": "Thu, 01 Jan 1970 00:00:00 GMT", "path": "/"},
    ),
    ("a=b=c", "a", "b=c", {}),
    (
        "spaced = value with spaces ; path = /x ",
        "spaced",
        "value with spaces",
        {"path": "/x"},
    ),
    ("tab=\tv\t;\tSecure", "tab", "v", {"secure": True}),
    ("utf=caf\u00e9", "utf", "caf\u00e9", {}),
    ("b64=YWJj+/==", "b64", "YWJj+/==", {}),
]


@pytest.mark.parametrize(("header", "name", "value", "expected"), REAL_WORLD)
def test_real_world(
    header: str, name: str, value: str, expected: dict[str, object]
) -> None:
    morsel = parse_set_cookie(header)
    assert morsel is not None
    assert (morsel.key, morsel.value) == (name, value)
    assert attributes(morsel) == expected
    assert isinstance(morsel, Morsel)


# (header, attributes kept): rules of RFC 6265 §5.2 that ignore an attribute
# but keep the cookie.
IGNORED_ATTRIBUTES = [
    ("a=1; Expires=not a date", {}),
    ("a=1; Expires=Sun, 31 Apr 2024 00:00:00 GMT", {}),
    ("a=1; Max-Age=abc", {}),
    ("a=1; Max-Age=1.5", {}),
    ("a=1; Max-Age=+5", {}),
    ("a=1; Max-Age=", {}),
    ("a=1; Max-Age=-1", {"max-age": "-1"}),
    ("a=1; Max-Age=007", {"max-age": "7"}),
    ("a=1; Domain=", {}),
    ("a=1; Domain=.", {}),
    ("a=1; Path=relative", {}),
    ("a=1; Path=", {}),
    ("a=1; SameSite=Bogus", {}),
    ("a=1; SameSite", {}),
    ("a=1; Comment=hello; Version=1; Priority=High; Foo", {}),
    ("a=1; Secure=false", {"secure": True}),
    ("a=1; Path=/a; Path=/b", {"path": "/b"}),
    ("a=1; Max-Age=5; max-age=6", {"max-age": "6"}),
    ("a=1; samesite=STRICT", {"samesite": "Strict"}),
    ("a=1; DOMAIN=EXAMPLE.org", {"domain": "example.org"}),
    ("a=1; Domain=..example.org", None),
    ("a=1; Path=/" + "x" * 1024, {}),
    ("a=1;;; ;Secure", {"secure": True}),
]


@pytest.mark.parametrize(("header", "expected"), IGNORED_ATTRIBUTES)
def test_attribute_rules(header: str, expected: dict[str, object] | None) -> None:
    morsel = parse_set_cookie(header)
    if expected is None:
        assert morsel is None
    else:
        assert morsel is not None
        assert attributes(morsel) == expected


MALFORMED = [
    "",
    ";",
    "noequals",
    "noequals; Secure",
    "=value",
    " =value",
    "na me=v",
    'na"me=v',
    "na,me=v",
    "n\\m=v",
    "caf\u00e9=v",
    "a=b\x00c",
    "a=b\r\nSet-Cookie: evil=1",
    "a=b; Path=/\x7f",
    "a=b\x01",
    "a=" + "x" * 4096,
    "__Secure-a=1",
    "__secure-a=1; Path=/",
    "__Host-a=1; Path=/",
    "__Host-a=1; Secure",
    "__Host-a=1; Secure; Path=/x",
    "__HOST-a=1; Secure; Path=/; Domain=example.com",
    "p=1; Partitioned",
    "a=1; Domain=exa mple.com",
    "a=1; Domain=example.com/evil",
    "a=1; Domain=[::1]",
    "a=1; Domain=ex\u00e4mple..com",
]


@pytest.mark.parametrize("header", MALFORMED)
def test_malformed_are_dropped_and_logged(
    header: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="aioweb.protocol.cookies"):
        assert parse_set_cookie(header) is None
    assert "Ignoring Set-Cookie" in caplog.text


def test_idna_domain() -> None:
    morsel = parse_set_cookie("a=1; Domain=B\u00fccher.example")
    assert morsel is not None
    assert morsel["domain"] == "xn--bcher-kva.example"


def test_quoted_value_keeps_its_coded_form() -> None:
    morsel = parse_set_cookie('q="a b\\"c"; Path=/')
    assert morsel is not None
    assert morsel.value == 'a b"c'
    assert morsel.coded_value == '"a b\\"c"'
    # A client sends back what it received.
    assert format_cookie_header([morsel]) == 'q="a b\\"c"'


def test_parse_set_cookie_headers_keeps_order_and_drops_bad_ones() -> None:
    parsed = parse_set_cookie_headers(["a=1", "garbage", "b=2; Secure", "a=3"])
    assert [(name, morsel.value) for name, morsel in parsed] == [
        ("a", "1"),
        ("b", "2"),
        ("a", "3"),
    ]


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("", ""),
        ("abc", "abc"),
        ("a/b?c=d[e]{f}@g<h>", "a/b?c=d[e]{f}@g<h>"),
        ("a b", '"a b"'),
        ('a"b', '"a\\042b"'),
        ("a;b,c", '"a\\073b\\054c"'),
        ("a\\b", '"a\\134b"'),
        ("\r\n", '"\\015\\012"'),
        ("caf\u00e9", '"caf\u00e9"'),
    ],
)
def test_quote(value: str, quoted: str) -> None:
    assert quote_cookie_value(value) == quoted
    assert unquote_cookie_value(quoted) == value


def test_quoting_matches_http_cookies() -> None:
    # What http.cookies (and so aiohttp) reads back from our quoting.
    value = 'semi;colon, "quote" back\\slash \x01 caf\u00e9'
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(f"k={quote_cookie_value(value)}")
    assert cookie["k"].value == value


@pytest.mark.parametrize(
    ("coded", "value"),
    [
        ('"abc"', "abc"),
        ('"a\\"b"', 'a"b'),
        ('"a\\\\b"', "a\\b"),
        ('"\\101"', "A"),
        ('"\\9"', "9"),
        ('"', '"'),
        ('"abc', '"abc'),
        ("abc", "abc"),
    ],
)
def test_unquote(coded: str, value: str) -> None:
    assert unquote_cookie_value(coded) == value


def test_parse_cookie_header() -> None:
    assert parse_cookie_header('a=1; b="x y"; c=; d=e=f;e=\t2\t') == [
        ("a", "1"),
        ("b", "x y"),
        ("c", ""),
        ("d", "e=f"),
        ("e", "2"),
    ]


def test_parse_cookie_header_skips_bad_pairs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="aioweb.protocol.cookies"):
        parsed = parse_cookie_header("a=1; nameless; =v; b c=2; d=\x00; ; e=3")
    assert parsed == [("a", "1"), ("e", "3")]
    assert caplog.text.count("Ignoring cookie pair") == 4


def test_parse_cookie_header_keeps_duplicates_in_order() -> None:
    assert parse_cookie_header("a=specific; a=general") == [
        ("a", "specific"),
        ("a", "general"),
    ]


def test_format_cookie_header() -> None:
    morsel = parse_set_cookie("m=raw; Path=/")
    assert morsel is not None
    assert format_cookie_header([("a", "1"), ("b", "x y"), morsel]) == (
        'a=1; b="x y"; m=raw'
    )
    assert format_cookie_header([]) == ""


@pytest.mark.parametrize("name", ["", "a b", "a;b", "a=b", "a\r\n"])
def test_format_cookie_header_rejects_bad_names(name: str) -> None:
    with pytest.raises(ValueError, match="Malformed cookie name"):
        format_cookie_header([(name, "v")])


def test_format_cookie_header_rejects_unsafe_morsels() -> None:
    morsel: Morsel[str] = Morsel()
    morsel.set("a", "x", "x\r\nEvil: 1")
    with pytest.raises(ValueError, match="unsafe coded value"):
        format_cookie_header([morsel])


def test_make_set_cookie_matches_aiohttp_output() -> None:
    morsel = make_set_cookie("sid", "abc")
    assert morsel.OutputString() == "sid=abc; Path=/"
    full = make_set_cookie(
        "sid",
        "a b",
        expires="Thu, 01 Jan 2037 00:00:00 GMT",
        domain="example.com",
        max_age=3600,
        path="/app",
        secure=True,
        httponly=True,
        samesite="strict",
        partitioned=True,
    )
    assert full.OutputString() == (
        'sid="a b"; Domain=example.com; expires=Thu, 01 Jan 2037 00:00:00 GMT; '
        "HttpOnly; Max-Age=3600; Partitioned; Path=/app; SameSite=Strict; Secure"
    )
    assert full.value == "a b"


def test_make_set_cookie_datetime_and_no_path() -> None:
    moment = datetime(2030, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    morsel = make_set_cookie("a", "1", expires=moment, path="", max_age="0")
    assert morsel.OutputString() == (
        "a=1; expires=Mon, 06 May 2030 07:08:09 GMT; Max-Age=0"
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "a b"}, "Malformed cookie name"),
        ({"name": ""}, "Malformed cookie name"),
        ({"domain": "x.com; Secure"}, "domain may not hold"),
        ({"path": "/\r\nX-Evil: 1"}, "path may not hold"),
        ({"expires": "now;"}, "expires may not hold"),
        ({"max_age": "1; Domain=evil"}, "max_age must be an integer"),
        ({"max_age": 1.5}, "max_age must be an integer"),
        ({"samesite": "sometimes"}, "samesite must be"),
    ],
)
def test_make_set_cookie_rejects_injection(
    kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"name": "a", "value": "1", **kwargs}
    with pytest.raises(ValueError, match=message):
        make_set_cookie(**arguments)  # type: ignore[arg-type]


def test_value_cannot_inject() -> None:
    morsel = make_set_cookie("a", "1\r\nSet-Cookie: evil=1; Domain=x")
    output = morsel.OutputString()
    assert "\r" not in output
    assert "\n" not in output
    assert output.count(";") == 1  # only the one before Path
    parsed = parse_set_cookie(output)
    assert parsed is not None
    assert parsed.value == "1\r\nSet-Cookie: evil=1; Domain=x"


def test_cookie_morsel_starts_like_a_morsel() -> None:
    plain: Morsel[str] = Morsel()
    ours = CookieMorsel()
    assert {key: ours[key] for key in plain} == dict(plain)
    assert ours["partitioned"] == ""
    assert (ours.key, ours.value, ours.coded_value) == (None, None, None)
    ours.set("k", "v", "v")
    assert ours.OutputString() == "k=v"


def test_cookie_morsel_is_a_morsel_with_partitioned() -> None:
    morsel = make_set_cookie("a", "1", secure=True, partitioned=True)
    copied = morsel.copy()
    assert isinstance(copied, CookieMorsel)
    assert copied == morsel
    assert "Partitioned" in copied.OutputString()
    assert pickle.loads(pickle.dumps(morsel)) == morsel
    jar: SimpleCookie = SimpleCookie()
    jar["a"] = morsel
    assert jar.output(header="Set-Cookie:") == (
        "Set-Cookie: a=1; Partitioned; Path=/; Secure"
    )
    # The standard library's own class is left as it was.
    if sys.version_info < (3, 14):
        plain: Morsel[str] = Morsel()
        with pytest.raises(CookieError):
            plain["partitioned"] = True


names = st.text(
    alphabet=st.sampled_from(
        [chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;=\\']
    ),
    min_size=1,
    max_size=20,
).filter(lambda name: not name.lower().startswith(("__secure-", "__host-")))


@relaxed
@given(
    name=names,
    value=st.text(max_size=50),
    max_age=st.none() | st.integers(-10, 10**9),
    path=st.sampled_from(["/", "/a", "/a/b c"]),
    secure=st.booleans(),
    httponly=st.booleans(),
    samesite=st.none() | st.sampled_from(["Strict", "Lax", "None"]),
    domain=st.none() | st.sampled_from(["example.com", "a.b-c.example"]),
)
def test_make_then_parse_round_trip(
    name: str,
    value: str,
    max_age: int | None,
    path: str,
    secure: bool,
    httponly: bool,
    samesite: str | None,
    domain: str | None,
) -> None:
    made = make_set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        secure=secure,
        httponly=httponly,
        samesite=samesite,
        domain=domain,
    )
    parsed = parse_set_cookie(made.OutputString())
    assert parsed is not None
    assert (parsed.key, parsed.value) == (name, value)
    assert attributes(parsed) == attributes(made)
    # The request side reads what a client sends back.
    assert parse_cookie_header(format_cookie_header([parsed])) == [(name, value)]


@relaxed
@given(st.text())
def test_parse_set_cookie_never_raises(header: str) -> None:
    morsel = parse_set_cookie(header)
    if morsel is not None:
        assert morsel.key
        assert "\n" not in morsel.OutputString()


@relaxed
@given(
    st.lists(st.sampled_from([*';= \t"\\,', "a", "Secure", "__Host-", "x"])).map(
        "".join
    )
)
def test_parse_set_cookie_never_raises_on_punctuation(header: str) -> None:
    parse_set_cookie(header)
    parse_cookie_header(header)


@relaxed
@given(st.text())
def test_parse_cookie_header_never_raises(header: str) -> None:
    for name, _value in parse_cookie_header(header):
        assert name


@relaxed
@given(
    name=st.text(max_size=10),
    value=st.text(max_size=20),
    path=st.text(max_size=10),
    domain=st.none() | st.text(max_size=10),
    samesite=st.none() | st.text(max_size=6),
)
def test_make_set_cookie_output_is_one_safe_line(
    name: str, value: str, path: str, domain: str | None, samesite: str | None
) -> None:
    try:
        morsel = make_set_cookie(
            name, value, path=path, domain=domain, samesite=samesite
        )
    except ValueError:
        return
    output = morsel.OutputString()
    assert not any(c in output for c in "\r\n\x00")
    parsed = parse_set_cookie(output)
    # What we write, we read back, unless a Domain that is no host name.
    if parsed is None:
        assert domain
    else:
        assert (parsed.key, parsed.value) == (name, value)


@relaxed
@given(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=8)), max_size=4))
def test_format_cookie_header_is_safe(pairs: list[tuple[str, str]]) -> None:
    try:
        header = format_cookie_header(pairs)
    except ValueError:
        return
    assert not any(c in header for c in "\r\n\x00")
    assert parse_cookie_header(header) == pairs
