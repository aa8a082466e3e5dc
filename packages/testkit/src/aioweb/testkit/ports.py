"""Free local ports for test servers."""

from __future__ import annotations

import socket


def get_unused_port_socket(host: str = "127.0.0.1", family: int = 0) -> socket.socket:
    """Return a socket bound to a free port on ``host``, ready to be listened on.

    Handing the bound socket itself to a server avoids the race in which
    another process takes a port between finding it and binding it.

    Args:
        host: the address to bind.
        family: ``socket.AF_INET`` or ``socket.AF_INET6``; ``0`` picks from
            ``host``.

    Returns:
        A bound, not yet listening, TCP socket. The caller closes it.
    """
    if not family:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
    except BaseException:
        sock.close()
        raise
    return sock


def unused_port(host: str = "127.0.0.1") -> int:
    """Return a port number that was free on ``host`` a moment ago."""
    with get_unused_port_socket(host) as sock:
        port: int = sock.getsockname()[1]
        return port
