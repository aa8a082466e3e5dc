"""Application state: AppKey, str keys with their warning, freezing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from aioweb import web
from aioweb.web.app_key import NOT_APP_KEY_MESSAGE

DB = web.AppKey("DB", str)


async def handler(request: Any) -> str:
    return "ok"


def test_app_key_stores_and_reads() -> None:
    app = web.Application()
    app[DB] = "postgres://"
    assert app[DB] == "postgres://"
    assert app.get(DB) == "postgres://"
    assert DB in app
    assert list(app) == [DB]
    assert len(app) == 1
    del app[DB]
    assert app.get(DB) is None
    assert app.get(DB, "fallback") == "fallback"
    with pytest.raises(KeyError):
        app[DB]


def test_app_keys_compare_by_identity() -> None:
    app = web.Application()
    other = web.AppKey("DB", str)
    app[DB] = "one"
    app[other] = "two"
    assert app[DB] == "one"
    assert app[other] == "two"


def test_app_key_repr_names_module_and_type() -> None:
    assert repr(DB) == f"<AppKey({__name__}.DB, type=str)>"
    # Path lives in pathlib._local from Python 3.13 on: name it as Python does.
    path_type = f"{Path.__module__}.Path"
    assert repr(web.AppKey("p", Path)) == f"<AppKey({__name__}.p, type={path_type})>"
    assert repr(web.AppKey[int]("n")) == f"<AppKey({__name__}.n, type=int)>"
    assert repr(web.AppKey("u")) == f"<AppKey({__name__}.u, type=<<Unknown>>)>"
    assert DB.name == f"{__name__}.DB"


def test_request_and_response_keys() -> None:
    request_key = web.RequestKey("user", str)
    response_key = web.ResponseKey[int]("size")
    assert repr(request_key) == f"<RequestKey({__name__}.user, type=str)>"
    assert repr(response_key) == f"<ResponseKey({__name__}.size, type=int)>"
    assert not isinstance(request_key, web.AppKey)
    state = {request_key: "alice", response_key: 3}
    assert state[request_key] == "alice"


def test_app_keys_sort_with_str_keys() -> None:
    keys: list[Any] = ["b", web.AppKey("z", int), "a", web.AppKey("y", int)]
    ordered = sorted(keys)
    assert [k.name[-1] for k in ordered[:2]] == ["y", "z"]
    assert ordered[2:] == ["a", "b"]


def test_str_keys_work_but_warn() -> None:
    app = web.Application()
    with pytest.warns(web.NotAppKeyWarning) as record:
        app["plain"] = 1
    assert str(record[0].message) == NOT_APP_KEY_MESSAGE
    assert record[0].filename == __file__  # points at the caller
    assert app["plain"] == 1
    assert issubclass(web.NotAppKeyWarning, UserWarning)


def test_state_changes_after_freeze_are_deprecated() -> None:
    app = web.Application()
    app[DB] = "before"
    app.freeze()
    with pytest.warns(DeprecationWarning, match="Changing state of started"):
        app[DB] = "after"
    with pytest.warns(DeprecationWarning, match="Changing state of started"):
        del app[DB]


def test_routes_after_freeze_raise() -> None:
    app = web.Application()
    app.router.add_get("/", handler)
    app.freeze()
    assert app.frozen and app.pre_frozen
    with pytest.raises(RuntimeError, match="frozen router"):
        app.router.add_get("/late", handler)
    with pytest.raises(RuntimeError, match="frozen"):
        app.add_routes([web.get("/late", handler)])
    with pytest.raises(RuntimeError):
        app.middlewares.append(web.middleware(lambda r, h: h(r)))  # type: ignore[arg-type]
    with pytest.raises(RuntimeError):
        app.on_startup.append(handler)
    with pytest.raises(RuntimeError):
        app.cleanup_ctx.append(handler)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="frozen application"):
        app.add_subapp("/sub", web.Application())


def test_freeze_is_idempotent_and_reaches_subapps() -> None:
    app = web.Application()
    sub = web.Application()
    app.add_subapp("/sub", sub)
    assert sub.pre_frozen and not sub.frozen  # mounting pre-freezes
    app.freeze()
    app.freeze()
    assert sub.frozen


def test_frozen_subapp_cannot_be_added() -> None:
    sub = web.Application()
    sub.freeze()
    with pytest.raises(RuntimeError, match="Cannot add frozen application"):
        web.Application().add_subapp("/sub", sub)


def test_constructor_arguments() -> None:
    logger = logging.getLogger("test.app")
    app = web.Application(
        logger=logger,
        handler_args={"access_log": None},
        client_max_size=10,
        client_max_fields=5,
    )
    assert app.logger is logger
    assert app.handler_args == {"access_log": None}
    assert app.client_max_size == 10
    assert app.client_max_fields == 5
    default = web.Application()
    assert default.logger.name == "aioweb.web"
    assert default.client_max_size == 1024**2
    assert default.handler_args is None


def test_debug_argument_is_deprecated() -> None:
    with pytest.warns(DeprecationWarning, match="debug argument is deprecated"):
        web.Application(debug=True)


def test_application_identity_semantics() -> None:
    first, second = web.Application(), web.Application()
    assert first != second
    assert first == first
    assert len({first, second, first}) == 2
    assert bool(first)  # even when empty
    assert first() is first
    assert repr(first).startswith("<Application 0x")


def test_subclassing_is_discouraged() -> None:
    with pytest.warns(DeprecationWarning, match="is discouraged"):

        class MyApp(web.Application):
            pass
