from __future__ import annotations

import socket
from collections.abc import Callable

from aioweb.testkit import get_unused_port_socket, unused_port


def test_unused_port_can_be_bound() -> None:
    port = unused_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        assert sock.getsockname()[1] == port


def test_unused_port_socket_is_bound_and_listenable() -> None:
    with get_unused_port_socket() as sock:
        host, port = sock.getsockname()
        assert host == "127.0.0.1"
        assert port > 0
        sock.listen()
        with socket.create_connection((host, port), timeout=5):
            pass


def test_plugin_fixture_is_registered(aioweb_unused_port: Callable[[], int]) -> None:
    first, second = aioweb_unused_port(), aioweb_unused_port()
    assert 0 < first < 65536
    assert 0 < second < 65536
