"""HTTP Basic authentication credentials (RFC 7617).

:class:`BasicAuth` is the credentials triple that aiohttp users know: built
by hand, read from a URL's userinfo, or decoded from an ``Authorization``
header a server received.
"""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from yarl import URL

__all__ = ("BasicAuth",)


class _Credentials(NamedTuple):
    login: str
    password: str
    encoding: str


# NamedTuple forbids overriding __new__, so the checks live in a subclass.
class BasicAuth(_Credentials):
    """Credentials for the ``Basic`` authentication scheme.

    Args:
        login: the user-id; it may not contain ``:`` (RFC 7617 §2), since the
            first colon of the decoded pair separates it from the password.
        password: the password, which may contain anything.
        encoding: how the pair is turned into bytes before base64; RFC 7617
            §2.1 lets a server ask for ``utf-8``, aiohttp's default is
            ``latin1``.

    Raises:
        ValueError: ``login`` or ``password`` is ``None``, or ``login``
            contains ``:``.

    Example::

        >>> auth = BasicAuth("Aladdin", "open sesame")
        >>> auth.encode()
        'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
        >>> BasicAuth.decode(auth.encode()) == auth
        True
    """

    __slots__ = ()

    def __new__(
        cls, login: str, password: str = "", encoding: str = "latin1"
    ) -> BasicAuth:
        if login is None:
            raise ValueError("None is not allowed as login value")
        if password is None:
            raise ValueError("None is not allowed as password value")
        if ":" in login:
            raise ValueError('A ":" is not allowed in login (RFC 7617 §2)')
        return super().__new__(cls, login, password, encoding)

    @classmethod
    def decode(cls, auth_header: str, encoding: str = "latin1") -> BasicAuth:
        """Read credentials from an ``Authorization`` header value.

        Args:
            auth_header: the header value, such as ``Basic dXNlcjpwYXNz``.
            encoding: how the decoded bytes are read as text.

        Returns:
            The credentials it carried.

        Raises:
            ValueError: the value is not ``Basic`` followed by the strict
                base64 of ``login:password`` in ``encoding``.
        """
        scheme, sep, token = auth_header.strip().partition(" ")
        if not sep or not token:
            raise ValueError("Could not parse authorization header.")
        # RFC 9110 §11.1: the scheme name is case-insensitive.
        if scheme.lower() != "basic":
            raise ValueError(f"Unknown authorization method {scheme}")
        # RFC 9110 §11.4: token68 after one or more spaces.
        token = token.lstrip(" ")
        try:
            raw = base64.b64decode(token.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValueError("Invalid base64 encoding.") from exc
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ValueError(f"Credentials are not valid {encoding}.") from exc
        login, colon, password = decoded.partition(":")
        if not colon:
            raise ValueError("Invalid credentials.")
        return cls(login, password, encoding=encoding)

    @classmethod
    def from_url(cls, url: URL, *, encoding: str = "latin1") -> BasicAuth | None:
        """Read credentials from a URL's userinfo.

        Args:
            url: the URL, such as ``http://user:pass@example.com``.
            encoding: stored in the result, for :meth:`encode`.

        Returns:
            The credentials, or ``None`` if the URL has no userinfo.

        Raises:
            TypeError: ``url`` is not a :class:`yarl.URL`.
            ValueError: the user-id, once percent-decoded, contains ``:``.
        """
        if not isinstance(url, URL):
            raise TypeError("url should be yarl.URL instance")
        if url.raw_user is None and url.raw_password is None:
            return None
        return cls(url.user or "", url.password or "", encoding=encoding)

    def encode(self) -> str:
        """The value of an ``Authorization`` header carrying these credentials.

        Raises:
            UnicodeEncodeError: the login or password cannot be written in
                :attr:`encoding`.
        """
        credentials = f"{self.login}:{self.password}".encode(self.encoding)
        return "Basic " + base64.b64encode(credentials).decode("ascii")
