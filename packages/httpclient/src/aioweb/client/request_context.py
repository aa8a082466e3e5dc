"""What a session's request methods return: awaitable, and async context managers.

``await session.get(url)`` gives the response; ``async with session.get(url)
as resp`` also releases its connection at the end of the block.
``aioweb.client.request(...)`` closes its one-off session as well.
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client_response import ClientResponse
    from .session import ClientSession

__all__ = ("_RequestContextManager", "_SessionRequestContextManager")


class _RequestContextManager:
    """What the request methods return: awaitable, and an async context manager."""

    __slots__ = ("_coro", "_resp")

    def __init__(self, coro: Awaitable[ClientResponse]) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None

    def __await__(self) -> Generator[Any, None, ClientResponse]:
        return self._coro.__await__()

    def send(self, arg: None) -> Any:
        return self._coro.send(arg)  # type: ignore[attr-defined]

    def close(self) -> None:
        self._coro.close()  # type: ignore[attr-defined]

    async def __aenter__(self) -> ClientResponse:
        self._resp = await self._coro
        return self._resp

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        resp = self._resp
        assert resp is not None
        resp.release()
        # release() stops a body still being written, so there is nothing
        # left to wait for unless a subclass kept its writer.
        if resp._writer is not None:
            await resp.wait_for_close()


class _SessionRequestContextManager:
    """``aioweb.client.request(...)``: closes its one-off session afterwards."""

    __slots__ = ("_coro", "_resp", "_session")

    def __init__(self, coro: Awaitable[ClientResponse], session: ClientSession) -> None:
        self._coro = coro
        self._resp: ClientResponse | None = None
        self._session = session

    async def __aenter__(self) -> ClientResponse:
        try:
            self._resp = await self._coro
        except BaseException:
            await self._session.close()
            raise
        return self._resp

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._resp is not None
        self._resp.release()
        await self._session.close()

    def __await__(self) -> Generator[Any, None, ClientResponse]:
        return self._await().__await__()

    async def _await(self) -> ClientResponse:
        try:
            resp = await self._coro
            await resp.read()
        finally:
            await self._session.close()
        return resp
