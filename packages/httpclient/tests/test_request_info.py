"""RequestInfo: frozen, real_url defaulting to url, picklable."""

from __future__ import annotations

import pickle

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from aioweb.client import RequestInfo

HEADERS = CIMultiDictProxy(CIMultiDict([("Accept", "*/*"), ("X-A", "1"), ("x-a", "2")]))


def test_fields_and_default_real_url() -> None:
    info = RequestInfo(URL("http://h.test/a"), "GET", HEADERS)
    assert info.url == info.real_url == URL("http://h.test/a")
    assert info.method == "GET"
    assert info.headers is HEADERS
    url, method, headers, real_url = info
    assert (url, method, headers, real_url) == (info.url, "GET", HEADERS, info.url)


def test_real_url_given() -> None:
    info = RequestInfo(URL("http://h.test/a"), "GET", HEADERS, URL("http://h.test/a#f"))
    assert info.real_url == URL("http://h.test/a#f")


def test_frozen() -> None:
    info = RequestInfo(URL("http://h.test/"), "GET", HEADERS)
    with pytest.raises(AttributeError):
        info.method = "POST"  # type: ignore[misc]


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle(protocol: int) -> None:
    info = RequestInfo(URL("http://h.test/"), "PUT", HEADERS, URL("http://h.test/#x"))
    copy = pickle.loads(pickle.dumps(info, protocol))
    assert type(copy) is RequestInfo
    assert copy == info
    assert isinstance(copy.headers, CIMultiDictProxy)
    assert copy.headers.getall("x-a") == ["1", "2"]
