"""The scripted HTTP/1.1 fake server.

How this works: each connection reads a request (:func:`read_request`),
records it, takes the next action from the script, and writes it as the
action's pacing says (:func:`write_paced`). The connection serves the next
request only if the reply was complete and reusable and its end is
:attr:`End.AUTO`; any other end (close, reset, hang) is carried out by the
listener.

A script is one of:

* a list (any iterable) of actions, answered in order across all
  connections; past its end the server answers ``default``, or 500 and
  records a :class:`~aioweb.testkit.FakeServerError`;
* one action, answered to every request;
* a callable taking the :class:`RecordedRequest` and returning an action,
  or an awaitable of one (see :func:`routes` and :func:`redirect_loop`).
"""

from __future__ import annotations

import asyncio
import inspect
import ssl
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping

from ..exceptions import FakeServerError
from .listener import FakeListener, write_paced
from .recording import (
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_HEAD_SIZE,
    BadRequest,
    RecordedRequest,
    read_request,
)
from .replies import Action, End, Hang, RawReply, Reply, redirect

__all__ = ("FakeServer", "Handler", "Script", "redirect_loop", "routes")

#: A per-request script: the request in, the action to answer with out.
Handler = Callable[[RecordedRequest], Action | Awaitable[Action]]
#: What a :class:`FakeServer` answers from.
Script = Action | Iterable[Action] | Handler | None

_ACTIONS = (Reply, RawReply, Hang)


class FakeServer(FakeListener):
    """A raw HTTP/1.1 server on 127.0.0.1 that answers from a script.

    Every request is recorded in :attr:`requests` (parsed and raw) before it
    is answered. Use it as an async context manager, or call :meth:`start`
    and :meth:`close`::

        async with FakeServer([Reply(200, body=b"hello")]) as server:
            ...  # send a request to server.url
            assert server.requests[0].method == "GET"

    Args:
        script: a list of actions (answered in order), one action (answered
            to every request) or a handler (called per request).
        default: the answer once a list script is used up; ``None`` answers
            500 and records an error.
        host: the address to listen on.
        ssl_context: a server-side TLS context (see
            :class:`~aioweb.testkit.TLSCertificates`).
        max_head_size: limit on a request's head, answered with 431.
        max_body_size: limit on a request's body, answered with 413.
        send_continue: answer ``Expect: 100-continue`` with an interim
            ``100 Continue`` before reading the body.
        continue_delay: seconds to hold that ``100 Continue`` back; a client
            that sends body bytes meanwhile is answered 417 and the request
            recorded in :attr:`errors`, so a test sees whether the client
            waits for the go-ahead.
        answer_before_body: answer a request carrying ``Expect:
            100-continue`` from the script without reading its body, as RFC
            9110 section 10.1.1 lets a server answer with a final status
            instead of ``100 Continue``. The request is recorded with an empty
            body; then the connection reads no more requests and hangs
            (unless the action ends it otherwise), keeping in
            :attr:`discarded` whatever the client still sends: the body, if
            it did not withhold it.
        lenient: parse requests with ``aioweb.parser``'s lenient rules, to
            record what a sloppy client sends instead of answering 400.
    """

    def __init__(
        self,
        script: Script = None,
        *,
        default: Action | None = None,
        host: str = "127.0.0.1",
        ssl_context: ssl.SSLContext | None = None,
        max_head_size: int = DEFAULT_MAX_HEAD_SIZE,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        send_continue: bool = True,
        continue_delay: float = 0.0,
        answer_before_body: bool = False,
        lenient: bool = False,
    ) -> None:
        super().__init__(host=host, ssl_context=ssl_context)
        self._queue: deque[Action] = deque()
        self._handler: Handler | None = None
        self._always: Action | None = None
        if isinstance(script, _ACTIONS):
            self._always = script
        elif callable(script):
            self._handler = script
        elif script is not None:
            self.enqueue(*script)
        self._default = default
        self._max_head_size = max_head_size
        self._max_body_size = max_body_size
        self._send_continue = send_continue
        self._continue_delay = continue_delay
        self._answer_before_body = answer_before_body
        self._lenient = lenient
        #: Every request received, in arrival order.
        self.requests: list[RecordedRequest] = []

    async def __aenter__(self) -> FakeServer:
        await self.start()
        return self

    def enqueue(self, *actions: Action) -> None:
        """Append actions to a list script.

        Raises:
            FakeServerError: the script is a callable or a single action, or
                an item is not an action.
        """
        if self._handler is not None or self._always is not None:
            raise FakeServerError("only a list script can be extended")
        for action in actions:
            if not isinstance(action, _ACTIONS):
                raise FakeServerError(f"not a fake server action: {action!r}")
        self._queue.extend(actions)

    async def wait_for_requests(
        self, count: int = 1, timeout: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until ``count`` requests in all were recorded, and return them.

        For a client under test that sends in the background.

        Raises:
            FakeServerError: fewer arrived within ``timeout`` seconds.
        """
        await self._wait_until(
            lambda: len(self.requests) >= count,
            timeout,
            f"expected {count} request(s), got {len(self.requests)}",
        )
        return list(self.requests)

    @property
    def pending(self) -> int:
        """How many actions of a list script are not used yet."""
        return len(self._queue)

    async def _next_action(self, request: RecordedRequest) -> Action:
        if self._always is not None:
            return self._always
        if self._handler is not None:
            result = self._handler(request)
            if inspect.isawaitable(result):
                result = await result
            if not isinstance(result, _ACTIONS):
                raise FakeServerError(f"handler returned {result!r}, not an action")
            return result
        if self._queue:
            return self._queue.popleft()
        if self._default is not None:
            return self._default
        error = FakeServerError(
            f"script exhausted: no answer for {request.method} {request.target}"
        )
        self.errors.append(error)
        return Reply(500, body=str(error).encode(), keep_alive=False)

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, index: int
    ) -> End:
        while True:
            try:
                request = await read_request(
                    reader,
                    index,
                    max_head_size=self._max_head_size,
                    max_body_size=self._max_body_size,
                    lenient=self._lenient,
                    on_expect_continue=writer if self._send_continue else None,
                    continue_delay=self._continue_delay,
                    skip_expected_body=self._answer_before_body,
                )
            except BadRequest as exc:
                self.errors.append(exc)
                reply = Reply(exc.status, body=exc.reason.encode(), keep_alive=False)
                await write_paced(writer, reply._wire()[0], reply._pacing())
                return End.CLOSE
            if request is None:
                self._client_closed()
                return End.CLOSE
            self.requests.append(request)
            self._notify()
            try:
                action = await self._next_action(request)
            except Exception as exc:
                self.errors.append(exc)
                action = Reply(500, body=repr(exc).encode(), keep_alive=False)
            pieces, reusable = action._wire(head_only=request.method == "HEAD")
            pacing = action._pacing()
            complete = await write_paced(writer, pieces, pacing)
            if pacing.end is not End.AUTO:
                return pacing.end
            if not (complete and reusable) or _asks_close(request):
                return End.CLOSE
            if self._answer_before_body and _body_left_unread(request):
                # The client may still send the body it announced, or not:
                # the stream is no longer framed into requests.
                return End.HANG


def _body_left_unread(request: RecordedRequest) -> bool:
    """Whether ``answer_before_body`` left the request's body unread."""
    headers = request.headers
    announced = "chunked" in headers.get("Transfer-Encoding", "").lower() or (
        headers.get("Content-Length", "0").strip() not in ("", "0")
    )
    return announced and headers.get("Expect", "").lower() == "100-continue"


def _asks_close(request: RecordedRequest) -> bool:
    """Whether the request ends its connection (RFC 9112 section 9.3)."""
    tokens = {
        token.strip().lower()
        for value in request.headers.getall("Connection", ())
        for token in value.split(",")
    }
    if request.version >= (1, 1):
        return "close" in tokens
    return "keep-alive" not in tokens


def routes(
    table: Mapping[str, Action | Handler], *, default: Action | None = None
) -> Handler:
    """A handler answering by request path (the target without its query).

    Args:
        table: path to an action, or to a handler for that path.
        default: the answer for a path not in ``table``; 404 if ``None``.
    """
    fallback = default if default is not None else Reply(404, body=b"not found")

    async def handle(request: RecordedRequest) -> Action:
        entry = table.get(request.path, fallback)
        if isinstance(entry, _ACTIONS):
            return entry
        result = entry(request)
        if inspect.isawaitable(result):
            return await result
        return result

    return handle


def redirect_loop(status: int = 302) -> Handler:
    """A handler redirecting every request to its own target, forever."""

    def handle(request: RecordedRequest) -> Action:
        return redirect(request.target, status)

    return handle
