"""ChainMapProxy: first hit wins, read-only, not subclassable by accident."""

from __future__ import annotations

import pytest

from aioweb import web

KEY = web.AppKey("KEY", int)


def test_lookup_order_and_mapping_behaviour() -> None:
    first = {KEY: 1, "only-first": "a"}
    second = {KEY: 2, "only-second": "b"}
    proxy = web.ChainMapProxy([first, second])
    assert proxy[KEY] == 1
    assert proxy["only-second"] == "b"
    assert proxy.get("missing") is None
    assert proxy.get("missing", 5) == 5
    assert proxy.get(KEY) == 1
    assert len(proxy) == 3
    assert set(proxy) == {KEY, "only-first", "only-second"}
    assert KEY in proxy and "nope" not in proxy
    assert bool(proxy)
    assert not web.ChainMapProxy([{}, {}])
    with pytest.raises(KeyError):
        proxy["missing"]
    assert repr(proxy).startswith("ChainMapProxy(")


def test_is_read_only() -> None:
    proxy = web.ChainMapProxy([{"a": 1}])
    with pytest.raises(TypeError):
        proxy["a"] = 2  # type: ignore[index]


def test_cannot_be_subclassed() -> None:
    with pytest.raises(TypeError, match="is forbidden"):

        class Sub(web.ChainMapProxy):  # type: ignore[misc]
            pass
