"""Digest authentication: RFC 7616 vectors, challenge parsing, the middleware."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb.client.digest_auth import (
    DigestAuthMiddleware,
    DigestChallenge,
    digest_authorization,
    parse_auth_challenges,
    parse_digest_challenge,
)

# RFC 7616 §3.9.1.
RFC_CHALLENGE = {
    "realm": "http-auth@example.org",
    "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    "qop": ("auth", "auth-int"),
    "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
}
RFC_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"


def params(header: str) -> dict[str, str]:
    ((scheme, values),) = parse_auth_challenges([header])
    assert scheme == "Digest"
    return values


@pytest.mark.parametrize(
    ("algorithm", "expected"),
    [
        ("MD5", "8ca523f5e9506fed4657c9700eebdbec"),
        ("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
    ],
)
def test_rfc7616_example(algorithm: str, expected: str) -> None:
    challenge = DigestChallenge(algorithm=algorithm, **RFC_CHALLENGE)  # type: ignore[arg-type]
    header = digest_authorization(
        challenge,
        login="Mufasa",
        password="Circle of Life",
        method="GET",
        uri="/dir/index.html",
        nonce_count=1,
        cnonce=RFC_CNONCE,
    )
    values = params(header)
    assert values == {
        "username": "Mufasa",
        "realm": "http-auth@example.org",
        "uri": "/dir/index.html",
        "algorithm": algorithm,
        "nonce": RFC_CHALLENGE["nonce"],
        "nc": "00000001",
        "cnonce": RFC_CNONCE,
        "qop": "auth",
        "response": expected,
        "opaque": RFC_CHALLENGE["opaque"],
    }


def h(name: str, text: str) -> str:
    return hashlib.new(name, text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("algorithm", "hash_name"),
    [
        ("MD5-sess", "md5"),
        ("SHA-256-sess", "sha256"),
        ("SHA-512-256", "sha512_256"),
        ("SHA-512-256-sess", "sha512_256"),
        ("SHA-512", "sha512"),
        ("SHA-512-sess", "sha512"),
        ("sha-256", "sha256"),
    ],
)
@pytest.mark.parametrize("qop", ["auth", "auth-int"])
def test_algorithms_follow_the_formulas(
    algorithm: str, hash_name: str, qop: str
) -> None:
    challenge = DigestChallenge(realm="r", nonce="n", qop=(qop,), algorithm=algorithm)
    body = b'{"k": 1}'
    values = params(
        digest_authorization(
            challenge,
            login="u",
            password="p",
            method="POST",
            uri="/a?b=c",
            nonce_count=3,
            cnonce="c",
            body=body,
        )
    )
    ha1 = h(hash_name, "u:r:p")
    if algorithm.lower().endswith("-sess"):
        ha1 = h(hash_name, f"{ha1}:n:c")
    a2 = "POST:/a?b=c"
    if qop == "auth-int":
        a2 += ":" + hashlib.new(hash_name, body).hexdigest()
    expected = h(hash_name, f"{ha1}:n:00000003:c:{qop}:{h(hash_name, a2)}")
    assert values["response"] == expected
    assert values["qop"] == qop
    assert values["nc"] == "00000003"


def test_legacy_challenge_without_qop() -> None:
    challenge = DigestChallenge(realm="r", nonce="n")
    values = params(
        digest_authorization(challenge, login="u", password="p", method="GET", uri="/")
    )
    ha1, ha2 = h("md5", "u:r:p"), h("md5", "GET:/")
    assert values["response"] == h("md5", f"{ha1}:n:{ha2}")
    assert "nc" not in values
    assert "cnonce" not in values
    assert "opaque" not in values


def test_userhash() -> None:
    # RFC 7616 §3.9.2's username and realm; the hash printed in the RFC is
    # disputed (Errata ID 4897), so it is recomputed here.
    challenge = DigestChallenge(
        realm="api@example.org",
        nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK",
        qop=("auth",),
        algorithm="SHA-512-256",
        userhash=True,
        charset="UTF-8",
    )
    values = params(
        digest_authorization(
            challenge, login="J\u00e4s\u00f8n Doe", password="Secret, or not?",
            method="GET", uri="/doe.json", cnonce="x",
        )
    )  # fmt: skip
    assert values["username"] == h("sha512_256", "J\u00e4s\u00f8n Doe:api@example.org")
    assert values["userhash"] == "true"


def test_non_ascii_username_without_userhash() -> None:
    challenge = DigestChallenge(realm="r", nonce="n", qop=("auth",))
    header = digest_authorization(
        challenge, login="J\u00e4s\u00f8n", password="p", method="GET", uri="/"
    )
    assert "username*=UTF-8''J%C3%A4s%C3%B8n" in header


def test_quotes_are_escaped() -> None:
    challenge = DigestChallenge(realm='a "quoted" realm', nonce="n", qop=("auth",))
    header = digest_authorization(
        challenge, login='us"er', password="p", method="GET", uri="/"
    )
    values = params(header)
    assert values["realm"] == 'a "quoted" realm'
    assert values["username"] == 'us"er'


def test_unsupported_algorithm_is_refused() -> None:
    with pytest.raises(ValueError, match="Unsupported digest algorithm"):
        digest_authorization(
            DigestChallenge(realm="r", nonce="n", algorithm="SHA3"),
            login="u", password="p", method="GET", uri="/",
        )  # fmt: skip


def test_parse_several_challenges() -> None:
    challenges = parse_auth_challenges(
        [
            'Basic realm="simple", Digest realm="r", nonce="abc", qop="auth,auth-int", '
            "algorithm=SHA-256, stale=TRUE",
            "Bearer mF_9.B5f-4.1JqM",
            "Negotiate abc==",
        ]
    )
    assert challenges == [
        ("Basic", {"realm": "simple"}),
        (
            "Digest",
            {
                "realm": "r",
                "nonce": "abc",
                "qop": "auth,auth-int",
                "algorithm": "SHA-256",
                "stale": "TRUE",
            },
        ),
        ("Bearer", {"": "mF_9.B5f-4.1JqM"}),
        ("Negotiate", {"": "abc=="}),
    ]


def test_malformed_field_lines_are_skipped() -> None:
    assert parse_auth_challenges(['Digest realm="unterminated', "@@@"]) == []


def test_parse_digest_challenge_picks_the_first_usable() -> None:
    challenge = parse_digest_challenge(
        [
            'Digest realm="r", nonce="1", algorithm=SHA3-512',
            'Digest realm="r", nonce="2", qop="auth-conf"',
            'Digest realm="r", nonce="3", algorithm=SHA-256, qop="auth", '
            'domain="/a /b", userhash=true, opaque="o", stale=true',
            'Digest realm="r", nonce="4"',
        ]
    )
    assert challenge == DigestChallenge(
        realm="r",
        nonce="3",
        qop=("auth",),
        algorithm="SHA-256",
        opaque="o",
        stale=True,
        domain=("/a", "/b"),
        userhash=True,
    )
    assert parse_digest_challenge(['Basic realm="x"']) is None
    assert parse_digest_challenge(['Digest realm="x"']) is None  # no nonce


# -- the middleware, with fakes ------------------------------------------------


@dataclass
class FakeRequest:
    method: str
    url: URL
    headers: CIMultiDict[str] = field(default_factory=CIMultiDict)
    body: Any = b""


@dataclass
class FakeResponse:
    status: int
    headers: CIMultiDictProxy[str]
    released: bool = False

    def release(self) -> None:
        self.released = True


class FakeServer:
    """Checks Digest credentials as a server would; counts what it saw."""

    def __init__(
        self, qop: str = "auth", algorithm: str = "MD5", domain: str = ""
    ) -> None:
        self.qop = qop
        self.algorithm = algorithm
        self.domain = domain
        self.nonce = "nonce-1"
        self.seen: list[str | None] = []
        self.responses: list[FakeResponse] = []

    def challenge(self, stale: bool = False) -> str:
        value = (
            f'Digest realm="test", nonce="{self.nonce}", qop="{self.qop}", '
            f'algorithm={self.algorithm}, opaque="op"'
        )
        if self.domain:
            value += f', domain="{self.domain}"'
        if stale:
            value += ", stale=true"
        return value

    def verify(self, request: FakeRequest, header: str) -> bool:
        values = params(header)
        hash_name = {"MD5": "md5", "SHA-256": "sha256"}[self.algorithm]
        a2 = f"{request.method}:{values['uri']}"
        if values.get("qop") == "auth-int":
            # What went over the wire: a payload object writes b"payload".
            body = request.body if isinstance(request.body, bytes) else b"payload"
            a2 += ":" + hashlib.new(hash_name, body).hexdigest()
        expected = h(
            hash_name,
            f"{h(hash_name, 'user:test:pass')}:{values['nonce']}:{values['nc']}:"
            f"{values['cnonce']}:{values['qop']}:{h(hash_name, a2)}",
        )
        return (
            values["response"] == expected
            and values["nonce"] == self.nonce
            and values["uri"] == request.url.raw_path_qs
            and values["opaque"] == "op"
        )

    async def __call__(self, request: FakeRequest) -> FakeResponse:
        header = request.headers.get("Authorization")
        self.seen.append(header)
        if header is not None and self.verify(request, header):
            response = FakeResponse(200, CIMultiDictProxy(CIMultiDict()))
        else:
            response = FakeResponse(
                401,
                CIMultiDictProxy(CIMultiDict({"WWW-Authenticate": self.challenge()})),
            )
        self.responses.append(response)
        return response


@pytest.mark.parametrize("algorithm", ["MD5", "SHA-256"])
async def test_middleware_answers_a_challenge(algorithm: str) -> None:
    server = FakeServer(algorithm=algorithm)
    middleware = DigestAuthMiddleware("user", "pass")
    request = FakeRequest("GET", URL("http://h.test/dir/index.html?x=1"))
    response = await middleware(request, server)
    assert response.status == 200
    assert server.seen[0] is None
    assert server.seen[1] is not None
    assert server.responses[0].released
    assert params(server.seen[1])["nc"] == "00000001"


async def test_middleware_is_preemptive_inside_the_space() -> None:
    server = FakeServer()
    middleware = DigestAuthMiddleware("user", "pass")
    await middleware(FakeRequest("GET", URL("http://h.test/a")), server)
    server.seen.clear()
    response = await middleware(FakeRequest("GET", URL("http://h.test/b")), server)
    assert response.status == 200
    assert len(server.seen) == 1  # no 401 round trip
    assert params(server.seen[0] or "")["nc"] == "00000002"
    # Another origin gets no credentials up front.
    server.seen.clear()
    await middleware(FakeRequest("GET", URL("http://other.test/")), server)
    assert server.seen[0] is None


async def test_middleware_domain_limits_the_space() -> None:
    server = FakeServer(domain="/api")
    middleware = DigestAuthMiddleware("user", "pass")
    await middleware(FakeRequest("GET", URL("http://h.test/api/x")), server)
    server.seen.clear()
    await middleware(FakeRequest("GET", URL("http://h.test/api/y")), server)
    assert server.seen[0] is not None
    server.seen.clear()
    await middleware(FakeRequest("GET", URL("http://h.test/public")), server)
    assert server.seen[0] is None


async def test_middleware_not_preemptive() -> None:
    server = FakeServer()
    middleware = DigestAuthMiddleware("user", "pass", preemptive=False)
    await middleware(FakeRequest("GET", URL("http://h.test/a")), server)
    server.seen.clear()
    await middleware(FakeRequest("GET", URL("http://h.test/a")), server)
    assert server.seen[0] is None
    assert len(server.seen) == 2


async def test_middleware_new_nonce_after_stale() -> None:
    server = FakeServer()
    middleware = DigestAuthMiddleware("user", "pass")
    await middleware(FakeRequest("GET", URL("http://h.test/")), server)
    server.nonce = "nonce-2"  # the server rotates its nonce
    server.seen.clear()
    response = await middleware(FakeRequest("GET", URL("http://h.test/")), server)
    assert response.status == 200
    assert len(server.seen) == 2
    assert params(server.seen[1] or "")["nonce"] == "nonce-2"
    assert params(server.seen[1] or "")["nc"] == "00000001"
    assert middleware.challenge is not None
    assert middleware.challenge.nonce == "nonce-2"


async def test_middleware_auth_int_hashes_the_body() -> None:
    class Payload:
        async def as_bytes(self) -> bytes:
            return b"payload"

    server = FakeServer(qop="auth-int")
    middleware = DigestAuthMiddleware("user", "pass")
    response = await middleware(
        FakeRequest("POST", URL("http://h.test/"), body=b"payload"), server
    )
    assert response.status == 200
    assert params(server.seen[-1] or "")["qop"] == "auth-int"
    request = FakeRequest("POST", URL("http://h.test/"), body=Payload())
    server.seen.clear()
    assert (await middleware(request, server)).status == 200
    assert len(server.seen) == 1
    assert params(server.seen[0] or "")["qop"] == "auth-int"


async def test_middleware_wrong_password_returns_the_401() -> None:
    server = FakeServer()
    middleware = DigestAuthMiddleware("user", "wrong")
    response = await middleware(FakeRequest("GET", URL("http://h.test/")), server)
    assert response.status == 401
    assert len(server.seen) == 2  # one retry only


async def test_middleware_passes_other_responses_through() -> None:
    async def basic_only(request: FakeRequest) -> FakeResponse:
        return FakeResponse(
            401, CIMultiDictProxy(CIMultiDict({"WWW-Authenticate": 'Basic realm="x"'}))
        )

    middleware = DigestAuthMiddleware("user", "pass")
    response = await middleware(FakeRequest("GET", URL("http://h.test/")), basic_only)
    assert response.status == 401
    assert not response.released


def test_middleware_refuses_none() -> None:
    with pytest.raises(ValueError, match="login"):
        DigestAuthMiddleware(None, "p")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="password"):
        DigestAuthMiddleware("u", None)  # type: ignore[arg-type]
