"""Event loops for tests: a fresh-loop context manager and named loop factories.

:func:`loop_context` is for code that does not run under pytest-asyncio
(``unittest``, scripts). Under pytest, loops belong to pytest-asyncio; the
plugin's ``--aioweb-loop`` option hands it the factories named here through
its ``pytest_asyncio_loop_factories`` hook, so each async test runs once per
loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from .extras import require

__all__ = ("LOOP_NAMES", "LoopFactory", "loop_context", "loop_factories")

LoopFactory = Callable[[], asyncio.AbstractEventLoop]

#: The loop names :func:`loop_factories` knows.
LOOP_NAMES = ("asyncio", "uvloop")


def _uvloop_factory() -> LoopFactory:
    uvloop = require(
        "the uvloop event loop", "uvloop", ("new_event_loop",), extra="uvloop"
    )
    factory: LoopFactory = uvloop.new_event_loop
    return factory


def loop_factories(names: Sequence[str]) -> dict[str, LoopFactory]:
    """Loop factories by name, for ``pytest_asyncio_loop_factories``.

    Args:
        names: names from :data:`LOOP_NAMES`, in the order tests should run.

    Returns:
        ``{name: factory}`` in the order given, duplicates dropped.

    Raises:
        ValueError: an unknown name.
        MissingExtraError: ``uvloop`` asked for and not installed.
    """
    factories: dict[str, LoopFactory] = {}
    for name in names:
        if name == "asyncio":
            factories[name] = asyncio.new_event_loop
        elif name == "uvloop":
            factories[name] = _uvloop_factory()
        else:
            raise ValueError(
                f"unknown event loop {name!r}; known: {', '.join(LOOP_NAMES)}"
            )
    return factories


@contextmanager
def loop_context(
    loop_factory: LoopFactory = asyncio.new_event_loop,
) -> Iterator[asyncio.AbstractEventLoop]:
    """A fresh event loop, set as current, closed completely on exit.

    On exit, tasks still pending are cancelled and awaited, async generators
    and the default executor are shut down, then the loop is closed and the
    current loop unset, so nothing leaks into the next test.

    Args:
        loop_factory: makes the loop (``uvloop.new_event_loop``, say).
    """
    loop = loop_factory()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        try:
            _cancel_pending(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _cancel_pending(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
