"""Name resolution: turn a host name into addresses to connect to.

Every resolver answers ``await resolve(host, port, family)`` with a list of
:class:`ResolveResult` dicts, the shape aiohttp's connector consumes:
``hostname`` (the name asked for), ``host`` (a numeric address), ``port``,
``family``, ``proto`` and ``flags`` (the ``getaddrinfo`` flags to use when
connecting: numeric host and service, since the lookup is already done).

:class:`ThreadedResolver` uses the loop's ``getaddrinfo`` (a thread running
the system resolver, so ``/etc/hosts``, nsswitch and the like apply);
:class:`AsyncResolver` uses c-ares through aiodns, installed with the
``speedups`` extra. :data:`DefaultResolver` is the latter when aiodns is
installed, as in aiohttp.
"""

from __future__ import annotations

import abc
import asyncio
import socket
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:
    import aiodns

__all__ = (
    "ResolveResult",
    "AbstractResolver",
    "ThreadedResolver",
    "AsyncResolver",
    "DefaultResolver",
)

# The connection is then made to numeric addresses; these flags stop a
# second lookup of either part.
_NUMERIC_SOCKET_FLAGS = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV
_NAME_SOCKET_FLAGS = socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
# Only ask for address families the machine has configured (no AAAA answers
# on an IPv4-only host), as browsers and aiohttp do.
_AI_ADDRCONFIG = socket.AI_ADDRCONFIG
if hasattr(socket, "AI_MASK"):  # pragma: no cover - BSDs
    _AI_ADDRCONFIG &= socket.AI_MASK


class ResolveResult(TypedDict):
    """One address a host name resolved to.

    Attributes:
        hostname: the name that was resolved.
        host: the numeric address.
        port: the port to connect to.
        family: ``socket.AF_INET`` or ``socket.AF_INET6``.
        proto: the protocol number, ``0`` for the default.
        flags: ``getaddrinfo`` flags for the connection attempt.
    """

    hostname: str
    host: str
    port: int
    family: int
    proto: int
    flags: int


class AbstractResolver(abc.ABC):
    """What the connector needs of a resolver."""

    @abc.abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve a host name.

        Args:
            host: the name to resolve.
            port: the port to put in each result.
            family: ``AF_INET``, ``AF_INET6`` or ``AF_UNSPEC`` for both.

        Returns:
            The addresses found, in the order to try them.

        Raises:
            OSError: the name could not be resolved.
        """

    @abc.abstractmethod
    async def close(self) -> None:
        """Release what the resolver holds."""


class ThreadedResolver(AbstractResolver):
    """Resolve with the system resolver, in the loop's thread pool.

    Args:
        loop: the loop to use; the running loop by default.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; see :meth:`AbstractResolver.resolve`."""
        infos = await self._loop.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, family=family, flags=_AI_ADDRCONFIG
        )
        results: list[ResolveResult] = []
        for info_family, _, proto, _, address in infos:
            if info_family == socket.AF_INET6:
                if len(address) < 3:
                    # A Python built without IPv6 gives 2-tuples: unusable.
                    continue
                if address[3]:
                    # A link-local address needs its scope id in the host
                    # ("fe80::1%eth0") to be connected to.
                    name, service = await self._loop.getnameinfo(
                        address, _NAME_SOCKET_FLAGS
                    )
                    resolved, resolved_port = name, int(service)
                else:
                    resolved, resolved_port = str(address[0]), int(address[1])
            else:
                resolved, resolved_port = str(address[0]), int(address[1])
            results.append(
                ResolveResult(
                    hostname=host,
                    host=resolved,
                    port=resolved_port,
                    family=info_family,
                    proto=proto,
                    flags=_NUMERIC_SOCKET_FLAGS,
                )
            )
        if not results:
            raise OSError(None, f"DNS lookup of {host!r} gave no usable address")
        return results

    async def close(self) -> None:
        """Nothing to release."""


class AsyncResolver(AbstractResolver):
    """Resolve with c-ares through aiodns, without threads.

    Args:
        *args: passed to :class:`aiodns.DNSResolver`.
        **kwargs: passed to :class:`aiodns.DNSResolver` (``nameservers=``,
            ``timeout=``...).

    Raises:
        RuntimeError: aiodns is not installed (install
            ``aioweb-httpclient[speedups]``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        try:
            import aiodns
        except ImportError:
            raise RuntimeError(
                "AsyncResolver needs aiodns: install aioweb-httpclient[speedups] "
                "or aiodns"
            ) from None
        self._errors: type[Exception] = aiodns.error.DNSError
        self._resolver: aiodns.DNSResolver = aiodns.DNSResolver(*args, **kwargs)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host``; see :meth:`AbstractResolver.resolve`.

        Raises:
            OSError: the lookup failed; the c-ares error is its cause.
        """
        try:
            answer = await self._resolver.getaddrinfo(
                host,
                port=port,
                type=socket.SOCK_STREAM,
                family=family,
                flags=_AI_ADDRCONFIG,
            )
        except self._errors as exc:
            message = exc.args[1] if len(exc.args) > 1 else "DNS lookup failed"
            raise OSError(None, message) from exc
        results: list[ResolveResult] = []
        for node in answer.nodes:
            address: tuple[Any, ...] = tuple(node.addr)
            raw_host = address[0]
            numeric = (
                raw_host.decode("ascii") if isinstance(raw_host, bytes) else raw_host
            )
            resolved_port = int(address[1])
            if node.family == socket.AF_INET6 and len(address) > 3 and address[3]:
                # Link-local: the scope id has to be part of the host.
                try:
                    info = await self._resolver.getnameinfo(
                        (numeric, *address[1:]), _NAME_SOCKET_FLAGS
                    )
                except self._errors as exc:
                    message = exc.args[1] if len(exc.args) > 1 else "lookup failed"
                    raise OSError(None, message) from exc
                numeric = info.node
            results.append(
                ResolveResult(
                    hostname=host,
                    host=numeric,
                    port=resolved_port,
                    family=node.family,
                    proto=0,
                    flags=_NUMERIC_SOCKET_FLAGS,
                )
            )
        if not results:
            raise OSError(None, "DNS lookup failed")
        return results

    async def close(self) -> None:
        """Close the c-ares channel; pending lookups are cancelled."""
        close = getattr(self._resolver, "close", None)
        if close is not None:
            await close()
        else:  # pragma: no cover - aiodns < 4 has only cancel()
            self._resolver.cancel()


def _default_resolver() -> type[AbstractResolver]:
    try:
        import aiodns
    except ImportError:
        return ThreadedResolver
    # getaddrinfo arrived in aiodns 3.2; older ones cannot honour families
    # and flags the way the connector needs.
    if hasattr(aiodns.DNSResolver, "getaddrinfo"):
        return AsyncResolver
    return ThreadedResolver  # pragma: no cover - aiodns < 3.2


#: :class:`AsyncResolver` if aiodns (3.2 or newer) is installed, else
#: :class:`ThreadedResolver`; what a connector uses unless given one.
DefaultResolver: type[AbstractResolver] = _default_resolver()
