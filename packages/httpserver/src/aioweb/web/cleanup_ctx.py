"""``app.cleanup_ctx``: resources set up at startup and torn down at cleanup.

Each entry is called with the application and returns either an async
generator (code before its single ``yield`` runs at startup, after it at
cleanup) or an async context manager (entered at startup, exited at
cleanup). Contexts are entered in order and exited in reverse order; if one
fails to start, those already started are still exited by ``cleanup()``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, cast

from frozenlist import FrozenList

if TYPE_CHECKING:
    from .app import Application

CleanupContextCallable = Callable[
    ["Application"],
    AbstractAsyncContextManager[Any] | AsyncIterator[None],
]


class CleanupError(RuntimeError):
    """Several cleanup contexts failed to exit; ``exceptions`` lists why."""

    @property
    def exceptions(self) -> list[BaseException]:
        """The errors, in the order they happened."""
        return cast(list[BaseException], self.args[1])


class _GeneratorContext(AbstractAsyncContextManager[None]):
    """An async generator with one ``yield``, run as a context manager."""

    def __init__(self, iterator: AsyncIterator[None], callback: object) -> None:
        self._iterator = iterator
        self._callback = callback

    async def __aenter__(self) -> None:
        try:
            await self._iterator.__anext__()
        except StopAsyncIteration:
            raise RuntimeError(f"{self._callback!r} did not yield") from None

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            await self._iterator.__anext__()
        except StopAsyncIteration:
            return
        aclose = getattr(self._iterator, "aclose", None)
        if aclose is not None:
            await aclose()
        raise RuntimeError(f"{self._callback!r} has more than one 'yield'")


class CleanupContext(FrozenList[CleanupContextCallable]):
    """The list behind ``app.cleanup_ctx``."""

    def __init__(self) -> None:
        super().__init__()
        self._exits: list[AbstractAsyncContextManager[Any]] = []

    async def _on_startup(self, app: Application) -> None:
        for callback in self:
            context = callback(app)
            if not isinstance(context, AbstractAsyncContextManager):
                context = _GeneratorContext(context, callback)
            await context.__aenter__()
            self._exits.append(context)

    async def _on_cleanup(self, app: Application) -> None:
        errors: list[BaseException] = []
        exits, self._exits = self._exits, []
        for context in reversed(exits):
            try:
                await context.__aexit__(None, None, None)
            except (Exception, asyncio.CancelledError) as error:
                errors.append(error)
        if len(errors) == 1:
            raise errors[0]
        if errors:
            raise CleanupError("Multiple errors on cleanup stage", errors)


__all__ = ("CleanupContext", "CleanupError")
