"""What an error or a response knows about the request that was sent."""

from __future__ import annotations

from typing import NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

__all__ = ("RequestInfo",)


class _RequestInfoFields(NamedTuple):
    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


# NamedTuple forbids overriding __new__, so the default for real_url and the
# pickling support live in a subclass.
class RequestInfo(_RequestInfoFields):
    """The request a response answers, frozen.

    Args:
        url: the URL requested, without its fragment.
        method: the request method.
        headers: the headers sent.
        real_url: the URL as given, fragment included; ``url`` by default.

    Example::

        >>> from multidict import CIMultiDict, CIMultiDictProxy
        >>> from yarl import URL
        >>> info = RequestInfo(
        ...     URL("http://example.com/"), "GET", CIMultiDictProxy(CIMultiDict())
        ... )
        >>> info.real_url
        URL('http://example.com/')
    """

    __slots__ = ()

    def __new__(
        cls,
        url: URL,
        method: str,
        headers: CIMultiDictProxy[str],
        real_url: URL | None = None,
    ) -> RequestInfo:
        return super().__new__(
            cls, url, method, headers, url if real_url is None else real_url
        )

    def __reduce__(self) -> tuple[object, ...]:
        # A multidict proxy does not pickle; its underlying dict does.
        headers = CIMultiDict(self.headers)
        return (_rebuild, (self.url, self.method, headers, self.real_url))


def _rebuild(
    url: URL, method: str, headers: CIMultiDict[str], real_url: URL
) -> RequestInfo:
    return RequestInfo(url, method, CIMultiDictProxy(headers), real_url)
