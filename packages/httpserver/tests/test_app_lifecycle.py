"""Signals and cleanup contexts: order, sub-applications, failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from aioweb import web


async def test_signals_run_in_order_with_subapps() -> None:
    events: list[str] = []
    app = web.Application()
    sub = web.Application()

    def recorder(label: str):  # type: ignore[no-untyped-def]
        async def receive(received: web.Application) -> None:
            events.append(f"{label}:{'app' if received is app else 'sub'}")

        return receive

    app.on_startup.append(recorder("start1"))
    sub.on_startup.append(recorder("sub-start"))
    app.on_shutdown.append(recorder("shutdown"))
    sub.on_shutdown.append(recorder("sub-shutdown"))
    app.on_cleanup.append(recorder("cleanup"))
    sub.on_cleanup.append(recorder("sub-cleanup"))
    app.add_subapp("/sub", sub)
    app.on_startup.append(recorder("start2"))
    app.freeze()
    await app.startup()
    await app.shutdown()
    await app.cleanup()
    assert events == [
        "start1:app",
        "sub-start:sub",
        "start2:app",
        "shutdown:app",
        "sub-shutdown:sub",
        "cleanup:app",
        "sub-cleanup:sub",
    ]


async def test_signal_decorator_form() -> None:
    app = web.Application()
    seen: list[web.Application] = []

    @app.on_startup
    async def remember(received: web.Application) -> None:
        seen.append(received)

    app.freeze()
    await app.startup()
    assert seen == [app]


async def test_cleanup_ctx_enters_in_order_and_exits_in_reverse() -> None:
    events: list[str] = []
    app = web.Application()

    async def first(app: web.Application) -> AsyncIterator[None]:
        events.append("enter first")
        yield
        events.append("exit first")

    @asynccontextmanager
    async def second(app: web.Application) -> AsyncIterator[None]:
        events.append("enter second")
        yield
        events.append("exit second")

    app.cleanup_ctx.extend([first, second])

    async def on_cleanup(app: web.Application) -> None:
        events.append("on_cleanup")

    app.on_cleanup.append(on_cleanup)
    app.freeze()
    await app.startup()
    assert events == ["enter first", "enter second"]
    await app.shutdown()
    await app.cleanup()
    assert events == [
        "enter first",
        "enter second",
        "exit second",
        "exit first",
        "on_cleanup",
    ]


async def test_failure_in_the_middle_of_startup_cleans_the_started() -> None:
    events: list[str] = []
    app = web.Application()

    async def first(app: web.Application) -> AsyncIterator[None]:
        events.append("enter first")
        yield
        events.append("exit first")

    async def broken(app: web.Application) -> AsyncIterator[None]:
        events.append("enter broken")
        raise OSError("database down")
        yield  # pragma: no cover

    async def never(app: web.Application) -> AsyncIterator[None]:
        events.append("enter never")  # pragma: no cover
        yield  # pragma: no cover

    app.cleanup_ctx.extend([first, broken, never])
    app.freeze()
    with pytest.raises(OSError, match="database down"):
        await app.startup()
    await app.cleanup()
    assert events == ["enter first", "enter broken", "exit first"]
    await app.cleanup()  # a second cleanup exits nothing twice
    assert events.count("exit first") == 1


async def test_cleanup_without_freeze_still_exits_contexts() -> None:
    events: list[str] = []
    app = web.Application()

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        yield
        events.append("exit")

    app.cleanup_ctx.append(ctx)
    app.on_startup.freeze()
    await app.startup()
    await app.cleanup()
    assert events == ["exit"]


async def test_one_cleanup_error_is_raised_as_is() -> None:
    app = web.Application()

    async def failing(app: web.Application) -> AsyncIterator[None]:
        yield
        raise ValueError("exit failed")

    app.cleanup_ctx.append(failing)
    app.freeze()
    await app.startup()
    with pytest.raises(ValueError, match="exit failed"):
        await app.cleanup()


async def test_several_cleanup_errors_are_collected_and_all_exits_run() -> None:
    app = web.Application()
    exited: list[str] = []

    async def failing_a(app: web.Application) -> AsyncIterator[None]:
        yield
        raise ValueError("a")

    async def fine(app: web.Application) -> AsyncIterator[None]:
        yield
        exited.append("fine")

    async def failing_b(app: web.Application) -> AsyncIterator[None]:
        yield
        raise KeyError("b")

    app.cleanup_ctx.extend([failing_a, fine, failing_b])
    app.freeze()
    await app.startup()
    with pytest.raises(web.CleanupError) as caught:
        await app.cleanup()
    assert exited == ["fine"]
    assert [type(e) for e in caught.value.exceptions] == [KeyError, ValueError]


async def test_generator_with_two_yields_is_an_error() -> None:
    app = web.Application()

    async def twice(app: web.Application) -> AsyncIterator[None]:
        yield
        yield

    app.cleanup_ctx.append(twice)
    app.freeze()
    await app.startup()
    with pytest.raises(RuntimeError, match="more than one 'yield'"):
        await app.cleanup()


async def test_generator_without_yield_is_an_error() -> None:
    app = web.Application()

    async def empty(app: web.Application) -> AsyncIterator[None]:
        return
        yield  # pragma: no cover

    app.cleanup_ctx.append(empty)
    app.freeze()
    with pytest.raises(RuntimeError, match="did not yield"):
        await app.startup()


async def test_subapp_cleanup_ctx_runs_with_parent() -> None:
    events: list[str] = []
    app, sub = web.Application(), web.Application()

    async def parent_ctx(app: web.Application) -> AsyncIterator[None]:
        events.append("parent in")
        yield
        events.append("parent out")

    async def sub_ctx(app: web.Application) -> AsyncIterator[None]:
        events.append("sub in")
        yield
        events.append("sub out")

    app.cleanup_ctx.append(parent_ctx)
    sub.cleanup_ctx.append(sub_ctx)
    app.add_subapp("/s", sub)
    app.freeze()
    await app.startup()
    await app.shutdown()
    await app.cleanup()
    assert events == ["parent in", "sub in", "parent out", "sub out"]


async def test_signal_send_before_freeze_is_refused() -> None:
    app = web.Application()
    with pytest.raises(RuntimeError, match="non-frozen signal"):
        await app.startup()
