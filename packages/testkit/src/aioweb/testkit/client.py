"""A test client bound to a test server (needs ``aioweb-testkit[server]``).

:class:`TestClient` is a :class:`~aioweb.client.ClientSession` whose URLs
are paths on one test server::

    async with TestClient(TestServer(app)) as client:
        async with client.get("/hello") as resp:
            assert resp.status == 200
        resp = await client.post("/items", json={"a": 1})   # no async with:
        assert await resp.json() == {"a": 1}                # released at close

Every response and WebSocket it handed out is tracked: :meth:`TestClient.close`
closes those still open, then the session, then the server, so a test that
forgot one (or failed half-way) leaves no connection behind. Its cookie jar
accepts cookies from IP hosts (``CookieJar(unsafe=True)``), since the
server is at ``127.0.0.1``.

Importing this module without the server and the client raises
:class:`~aioweb.testkit.MissingExtraError` naming ``[server]``.
"""

from __future__ import annotations

from .extras import require_client_core, require_server_core

require_server_core("aioweb.testkit.TestClient")
require_client_core("aioweb.testkit.TestClient", extra="server")

from collections.abc import Awaitable, Generator  # noqa: E402
from types import TracebackType  # noqa: E402
from typing import Any, Generic, TypeVar  # noqa: E402

from yarl import URL  # noqa: E402

from aioweb.client import (  # noqa: E402
    AbstractCookieJar,
    ClientResponse,
    ClientSession,
    ClientWebSocketResponse,
    CookieJar,
)
from aioweb.web import Application  # noqa: E402

from .server import BaseTestServer  # noqa: E402

__all__ = ("TestClient",)

_T = TypeVar("_T", ClientResponse, ClientWebSocketResponse)


class _Tracked(Generic[_T]):
    """What the request methods return: awaitable, or an async context
    manager that releases (or closes, for a WebSocket) on exit."""

    __slots__ = ("_coro", "_result")

    _coro: Awaitable[_T]
    _result: _T | None

    def __init__(self, coro: Awaitable[_T]) -> None:
        self._coro = coro
        self._result = None

    def __await__(self) -> Generator[Any, None, _T]:
        return self._coro.__await__()

    async def __aenter__(self) -> _T:
        self._result = await self._coro
        return self._result

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        result = self._result
        if isinstance(result, ClientResponse):
            result.release()
            await result.wait_for_close()
        elif result is not None:
            await result.close()


class TestClient:
    """A client session for one test server, taking paths instead of URLs.

    Args:
        server: a :class:`~aioweb.testkit.TestServer` or
            :class:`~aioweb.testkit.RawTestServer`, started or not
            (:meth:`start_server` and ``async with`` start it).
        cookie_jar: the session's cookie jar; by default a
            ``CookieJar(unsafe=True)``, which keeps cookies from IP hosts.
        **session_kwargs: passed to :class:`~aioweb.client.ClientSession`
            (``headers``, ``timeout``, ``raise_for_status``...).

    Raises:
        TypeError: ``server`` is not a test server.
    """

    __test__ = False  # a class named Test* is not a test case for pytest

    def __init__(
        self,
        server: BaseTestServer,
        *,
        cookie_jar: AbstractCookieJar | None = None,
        **session_kwargs: Any,
    ) -> None:
        if not isinstance(server, BaseTestServer):
            raise TypeError(
                f"TestClient needs a TestServer or RawTestServer, not {server!r}"
            )
        self._server = server
        if cookie_jar is None:
            cookie_jar = CookieJar(unsafe=True)
        self._session = ClientSession(cookie_jar=cookie_jar, **session_kwargs)
        self._responses: list[ClientResponse] = []
        self._websockets: list[ClientWebSocketResponse] = []
        self._closed = False

    async def start_server(self) -> None:
        """Start the server (if it is not)."""
        await self._server.start_server()

    @property
    def server(self) -> BaseTestServer:
        """The test server."""
        return self._server

    @property
    def app(self) -> Application | None:
        """The server's application; None for a raw server."""
        return self._server.app

    @property
    def host(self) -> str:
        """The server's address."""
        return self._server.host

    @property
    def port(self) -> int | None:
        """The server's port (None before it is started on a free one)."""
        return self._server.port

    @property
    def scheme(self) -> str:
        """The server's scheme."""
        return self._server.scheme

    @property
    def session(self) -> ClientSession:
        """The underlying :class:`~aioweb.client.ClientSession`."""
        return self._session

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran."""
        return self._closed

    def make_url(self, path: str | URL) -> URL:
        """``path`` on the server (see :meth:`BaseTestServer.make_url`)."""
        return self._server.make_url(path)

    # -- requests ---------------------------------------------------------------

    async def _request(
        self, method: str, path: str | URL, **kwargs: Any
    ) -> ClientResponse:
        response = await self._session.request(method, self.make_url(path), **kwargs)
        self._responses.append(response)
        return response

    def request(
        self, method: str, path: str | URL, **kwargs: Any
    ) -> _Tracked[ClientResponse]:
        """Send a request to ``path`` on the server (ClientSession's arguments).

        ``await`` it for the response, or use it with ``async with`` to
        release the response on exit; a response awaited and never released
        is closed by :meth:`close`.
        """
        return _Tracked(self._request(method, path, **kwargs))

    def get(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a GET."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a POST."""
        return self.request("POST", path, **kwargs)

    def put(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a PUT."""
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a PATCH."""
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a DELETE."""
        return self.request("DELETE", path, **kwargs)

    def head(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send a HEAD (redirects are not followed unless asked)."""
        kwargs.setdefault("allow_redirects", False)
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str | URL, **kwargs: Any) -> _Tracked[ClientResponse]:
        """Send an OPTIONS."""
        return self.request("OPTIONS", path, **kwargs)

    async def _ws_connect(
        self, path: str | URL, **kwargs: Any
    ) -> ClientWebSocketResponse:
        ws: ClientWebSocketResponse = await self._session.ws_connect(
            self.make_url(path), **kwargs
        )
        self._websockets.append(ws)
        return ws

    def ws_connect(
        self, path: str | URL, **kwargs: Any
    ) -> _Tracked[ClientWebSocketResponse]:
        """Open a WebSocket to ``path`` (``ClientSession.ws_connect``'s
        arguments); closed on ``async with`` exit, or by :meth:`close`."""
        return _Tracked(self._ws_connect(path, **kwargs))

    # -- lifetime ---------------------------------------------------------------

    async def close(self) -> None:
        """Close the open responses and WebSockets, the session, the server.

        Once only; later calls do nothing.
        """
        if self._closed:
            return
        self._closed = True
        try:
            for response in self._responses:
                response.close()
            for ws in self._websockets:
                await ws.close()
        finally:
            self._responses.clear()
            self._websockets.clear()
            try:
                await self._session.close()
            finally:
                await self._server.close()

    async def __aenter__(self) -> TestClient:
        await self.start_server()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
