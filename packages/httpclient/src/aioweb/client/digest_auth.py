"""HTTP Digest access authentication (RFC 7616), as a client middleware.

How this works: :class:`DigestAuthMiddleware` sends a request as it is; if
the answer is 401 with a ``Digest`` challenge it can meet, it remembers the
challenge and sends the request once more with an ``Authorization`` header
computed from it. Later requests inside the challenge's protection space
(its ``domain`` URIs, or else the origin that challenged) carry the header
from the start, with the nonce count raised each time (§3.6), until the
server issues a new challenge (a ``stale=true`` one included).

The computation (§3.4.1 to §3.4.3), with ``H`` the challenge's hash::

    A1       = username ":" realm ":" password
               (the *-sess variants: H(A1) ":" nonce ":" cnonce)
    A2       = method ":" request-uri        (qop=auth, or no qop)
               method ":" request-uri ":" H(body)   (qop=auth-int)
    response = H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2))
               H(H(A1) ":" nonce ":" H(A2))   (no qop: RFC 2069 servers)

With ``userhash=true`` (§3.4.4) the username sent is H(username ":" realm).
"""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any, Final, Protocol, TypeVar
from urllib.parse import quote

from multidict import MultiMapping
from yarl import URL

from aioweb.protocol import hdrs

__all__ = (
    "DigestAuthMiddleware",
    "DigestChallenge",
    "parse_auth_challenges",
    "parse_digest_challenge",
    "digest_authorization",
    "DigestRequest",
    "DigestResponse",
)

# Algorithm names (RFC 7616 §6.1 registry, plus the spellings aiohttp also
# accepts) mapped to hashlib names. Compared in upper case.
_HASHES: Final = {
    "MD5": "md5",
    "SHA": "sha1",
    "SHA-256": "sha256",
    "SHA256": "sha256",
    "SHA-512-256": "sha512_256",
    "SHA-512": "sha512",
    "SHA512": "sha512",
}
_SESS: Final = "-SESS"
# tchar (RFC 9110 §5.6.2).
_TCHARS: Final = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
_TOKEN68_TAIL: Final = frozenset("-._~+/")


def _hash_name(algorithm: str) -> str | None:
    name = algorithm.upper()
    return _HASHES.get(name.removesuffix(_SESS))


# -- challenge parsing (RFC 9110 §11.2, §11.6.1) --------------------------------


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """A quoted-string starting at ``start`` (on the opening quote)."""
    out = []
    index = start + 1
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char == '"':
            return "".join(out), index + 1
        out.append(char)
        index += 1
    raise ValueError("unterminated quoted-string")


def _read_token(text: str, index: int) -> tuple[str, int]:
    end = index
    while end < len(text) and text[end] in _TCHARS:
        end += 1
    return text[index:end], end


def _skip(text: str, index: int, chars: str = " \t") -> int:
    while index < len(text) and text[index] in chars:
        index += 1
    return index


def parse_auth_challenges(values: Iterable[str]) -> list[tuple[str, dict[str, str]]]:
    """Read the challenges of ``WWW-Authenticate`` field values.

    Several challenges may share one field line, separated by commas.
    Parameter names are lower-cased; a token68 (``Basic`` style) is kept
    under the key ``""``. A malformed field line is skipped whole.

    Args:
        values: the field values, one per field line.

    Returns:
        ``(scheme, params)`` in order; the scheme keeps its case.
    """
    challenges: list[tuple[str, dict[str, str]]] = []
    for value in values:
        try:
            challenges.extend(_parse_one_field(value))
        except ValueError:
            continue
    return challenges


def _parse_one_field(text: str) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []
    index = 0
    while True:
        index = _skip(text, index, " \t,")
        if index >= len(text):
            return found
        token, end = _read_token(text, index)
        if not token:
            raise ValueError(f"unexpected {text[index]!r}")
        after = _skip(text, end)
        if after < len(text) and text[after] == "=" and found:
            # name = value, a parameter of the current challenge.
            value_start = _skip(text, after + 1)
            if value_start < len(text) and text[value_start] == '"':
                value, index = _read_quoted(text, value_start)
            else:
                value, index = _read_token(text, value_start)
                if not value:
                    # "abc=" followed by nothing: a token68 ending in "=".
                    index = _skip(text, after, "=")
                    found[-1][1][""] = text[end - len(token) : index]
                    continue
            found[-1][1][token.lower()] = value
            index = _skip(text, index)
            if index < len(text) and text[index] != ",":
                raise ValueError("expected ',' between parameters")
            continue
        # A new challenge: its scheme, then maybe a token68.
        found.append((token, {}))
        index = after
        if index < len(text) and text[index] not in ",":
            candidate, candidate_end = _read_token(text, index)
            rest = _skip(text, candidate_end, "=")
            next_char = _skip(text, rest)
            is_param = (
                candidate_end < len(text)
                and text[candidate_end] == "="
                and (next_char < len(text) and text[next_char] not in ",")
            )
            if (
                candidate
                and not is_param
                and all(c.isalnum() or c in _TOKEN68_TAIL for c in candidate)
            ):
                found[-1][1][""] = text[index:rest]
                index = rest


@dataclasses.dataclass(frozen=True, slots=True)
class DigestChallenge:
    """The parts of a ``Digest`` challenge that the client uses (§3.3).

    Attributes:
        realm: the protection space's name.
        nonce: the server's nonce.
        qop: the qualities of protection offered (``auth``, ``auth-int``).
        algorithm: the hash algorithm, as the server spelled it.
        opaque: returned to the server as it was sent.
        stale: the previous nonce was merely out of date.
        domain: the URIs of the protection space.
        userhash: the server wants the username hashed.
        charset: ``UTF-8`` if the server said so.
    """

    realm: str
    nonce: str
    qop: tuple[str, ...] = ()
    algorithm: str = "MD5"
    opaque: str | None = None
    stale: bool = False
    domain: tuple[str, ...] = ()
    userhash: bool = False
    charset: str | None = None


def _challenge_from(params: dict[str, str]) -> DigestChallenge | None:
    if "realm" not in params or "nonce" not in params:
        return None
    algorithm = params.get("algorithm", "MD5")
    if _hash_name(algorithm) is None:
        return None
    qop = tuple(
        q.strip().lower() for q in params.get("qop", "").split(",") if q.strip()
    )
    if qop and not {"auth", "auth-int"} & set(qop):
        return None
    return DigestChallenge(
        realm=params["realm"],
        nonce=params["nonce"],
        qop=qop,
        algorithm=algorithm,
        opaque=params.get("opaque"),
        stale=params.get("stale", "").lower() == "true",
        domain=tuple(params.get("domain", "").split()),
        userhash=params.get("userhash", "").lower() == "true",
        charset=params.get("charset"),
    )


def parse_digest_challenge(values: Iterable[str]) -> DigestChallenge | None:
    """The first ``Digest`` challenge this client can meet (§3.7).

    Servers list challenges in order of preference; one with an unknown
    algorithm, or offering only unknown qop values, is passed over.

    Args:
        values: the ``WWW-Authenticate`` field values.

    Returns:
        The challenge, or ``None`` if there is no usable one.
    """
    for scheme, params in parse_auth_challenges(values):
        if scheme.lower() == "digest":
            challenge = _challenge_from(params)
            if challenge is not None:
                return challenge
    return None


# -- the computation (RFC 7616 §3.4) ----------------------------------------


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def digest_authorization(
    challenge: DigestChallenge,
    *,
    login: str,
    password: str,
    method: str,
    uri: str,
    nonce_count: int = 1,
    cnonce: str | None = None,
    body: bytes = b"",
) -> str:
    """The ``Authorization`` field value answering ``challenge``.

    Args:
        challenge: the server's challenge.
        login: the username.
        password: the password.
        method: the request method.
        uri: the request-target, as sent (path and query).
        nonce_count: how many requests used this nonce, this one included.
        cnonce: the client nonce; a random one by default.
        body: the request body, hashed for ``qop=auth-int``.

    Returns:
        The field value, starting with ``Digest``.

    Raises:
        ValueError: the challenge's algorithm or qop is not supported.
    """
    hash_name = _hash_name(challenge.algorithm)
    if hash_name is None:
        raise ValueError(f"Unsupported digest algorithm {challenge.algorithm!r}")

    def digest(data: str | bytes) -> str:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        return hashlib.new(hash_name, raw).hexdigest()

    if "auth" in challenge.qop:
        qop: str | None = "auth"
    elif "auth-int" in challenge.qop:
        qop = "auth-int"
    elif challenge.qop:
        raise ValueError(f"Unsupported qop {challenge.qop!r}")
    else:
        qop = None
    cnonce = cnonce or secrets.token_hex(16)
    nc = f"{nonce_count:08x}"

    ha1 = digest(f"{login}:{challenge.realm}:{password}")
    if challenge.algorithm.upper().endswith(_SESS):
        ha1 = digest(f"{ha1}:{challenge.nonce}:{cnonce}")
    a2 = f"{method}:{uri}"
    if qop == "auth-int":
        a2 += ":" + digest(body)
    ha2 = digest(a2)
    if qop is None:
        response = digest(f"{ha1}:{challenge.nonce}:{ha2}")
    else:
        response = digest(f"{ha1}:{challenge.nonce}:{nc}:{cnonce}:{qop}:{ha2}")

    fields = []
    if challenge.userhash:
        fields.append(f"username={_quote(digest(f'{login}:{challenge.realm}'))}")
    elif login.isascii():
        fields.append(f"username={_quote(login)}")
    else:
        # §3.4.4: a username that quoted-string cannot carry goes as username*.
        fields.append(f"username*=UTF-8''{quote(login, safe='')}")
    fields += [
        f"realm={_quote(challenge.realm)}",
        f"uri={_quote(uri)}",
        f"algorithm={challenge.algorithm}",
        f"nonce={_quote(challenge.nonce)}",
    ]
    if qop is not None:
        fields += [f"nc={nc}", f"cnonce={_quote(cnonce)}", f"qop={qop}"]
    fields.append(f"response={_quote(response)}")
    if challenge.opaque is not None:
        fields.append(f"opaque={_quote(challenge.opaque)}")
    if challenge.userhash:
        fields.append("userhash=true")
    return "Digest " + ", ".join(fields)


# -- the middleware ----------------------------------------------------------


class DigestRequest(Protocol):
    """What the middleware needs of a request (read-only, headers mutable)."""

    @property
    def method(self) -> str: ...

    @property
    def url(self) -> URL: ...

    @property
    def headers(self) -> MutableMapping[str, str]: ...

    @property
    def body(self) -> Any: ...


class DigestResponse(Protocol):
    """What the middleware needs of a response."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> MultiMapping[str]: ...


_RequestT = TypeVar("_RequestT", bound=DigestRequest)
_ResponseT = TypeVar("_ResponseT", bound=DigestResponse)


async def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    as_bytes = getattr(body, "as_bytes", None)
    if as_bytes is not None:
        data = as_bytes()
        if inspect.isawaitable(data):
            data = await data
        return bytes(data)
    raise TypeError(f"qop=auth-int needs the body as bytes, not {type(body).__name__}")


async def _release(response: object) -> None:
    release = getattr(response, "release", None)
    if release is not None:
        result = release()
        if inspect.isawaitable(result):
            await result


class DigestAuthMiddleware:
    """Answer ``Digest`` challenges, as aiohttp's ``DigestAuthMiddleware``.

    Pass it in ``middlewares=`` of a session or a request.

    Args:
        login: the username.
        password: the password.
        preemptive: send credentials with requests inside a known protection
            space without waiting for a new 401 (RFC 7616 §3.6).

    Raises:
        ValueError: ``login`` or ``password`` is ``None``.
    """

    def __init__(self, login: str, password: str, preemptive: bool = True) -> None:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        self._login = login
        self._password = password
        self._preemptive = preemptive
        self._challenge: DigestChallenge | None = None
        self._nonce_count = 0
        self._cnonce = ""
        self._space: tuple[str, ...] = ()

    @property
    def challenge(self) -> DigestChallenge | None:
        """The last challenge met, if any."""
        return self._challenge

    def _in_space(self, url: URL) -> bool:
        target = str(url.with_query(None).with_fragment(None))
        return any(
            target == prefix or target.startswith(prefix.rstrip("/") + "/")
            for prefix in self._space
        )

    def _learn(self, challenge: DigestChallenge, url: URL) -> None:
        self._challenge = challenge
        self._nonce_count = 0
        # A -sess key is bound to the cnonce of the request that opened it.
        self._cnonce = secrets.token_hex(16)
        origin = url.origin()
        if challenge.domain:
            space = []
            for uri in challenge.domain:
                absolute = origin.join(URL(uri)) if not URL(uri).absolute else URL(uri)
                space.append(str(absolute.with_query(None).with_fragment(None)))
            self._space = tuple(space)
        else:
            self._space = (str(origin),)

    async def _authorize(self, request: DigestRequest) -> None:
        challenge = self._challenge
        assert challenge is not None
        self._nonce_count += 1
        body = b""
        if "auth" not in challenge.qop and "auth-int" in challenge.qop:
            body = await _body_bytes(request.body)
        request.headers[hdrs.AUTHORIZATION] = digest_authorization(
            challenge,
            login=self._login,
            password=self._password,
            method=request.method,
            uri=request.url.raw_path_qs,
            nonce_count=self._nonce_count,
            cnonce=self._cnonce,
            body=body,
        )

    async def __call__(
        self,
        request: _RequestT,
        handler: Callable[[_RequestT], Awaitable[_ResponseT]],
    ) -> _ResponseT:
        """Send ``request`` through ``handler``, answering one challenge.

        Args:
            request: the request (method, url, mutable headers, body).
            handler: the next middleware or the transport.

        Returns:
            The response: the second one if a challenge was answered.
        """
        if (
            self._preemptive
            and self._challenge is not None
            and self._in_space(request.url)
        ):
            await self._authorize(request)
        response = await handler(request)
        if response.status != 401:
            return response
        challenge = parse_digest_challenge(
            response.headers.getall(hdrs.WWW_AUTHENTICATE, ())
        )
        if challenge is None:
            return response
        self._learn(challenge, request.url)
        await _release(response)
        await self._authorize(request)
        return await handler(request)
