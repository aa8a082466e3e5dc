"""Echo peers for Autobahn|Testsuite, on aioweb.websocket and blocking sockets.

``python echo.py server --port N`` serves every connection in a thread and
echoes each message back; ``python echo.py client URL AGENT`` drives
``wstest -m fuzzingserver``: it reads the case count, runs every case
echoing until closed, then asks for the report. Nothing but the standard
library and aioweb.websocket; limits are raised to what the suite sends
(group 9 goes up to 16 MiB messages and 65536 fragments).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import threading
import urllib.parse

from aioweb.websocket import (
    Binary,
    Close,
    DeflateOptions,
    HandshakeError,
    Ping,
    ProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
    accept_request,
    generate_key,
    request_headers,
    validate_response,
)

LIMITS = {
    "max_frame_size": 64 << 20,
    "max_message_size": 64 << 20,
    "max_fragments": 1 << 20,
}
# The suite checks compression of every message size, small ones included.
DEFLATE = DeflateOptions(threshold=0)
TIMEOUT = 60.0


def read_head(sock: socket.socket) -> tuple[str, list[tuple[str, str]], bytes]:
    """The start line, headers and any bytes after an HTTP/1.1 head."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed during the handshake")
        data += chunk
        if len(data) > 65536:
            raise ConnectionError("HTTP head too long")
    head, _, rest = data.partition(b"\r\n\r\n")
    start, *lines = head.decode("latin-1").split("\r\n")
    headers = []
    for line in lines:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return start, headers, rest


def echo(sock: socket.socket, protocol: WebSocketProtocol) -> None:
    """Echo every message until the connection closes."""
    while True:
        try:
            for event in protocol.events():
                # A pong owed for an earlier ping goes out before the echo.
                pending = protocol.data_to_send()
                if pending:
                    sock.sendall(pending)
                if isinstance(event, Text):
                    sock.sendall(protocol.send_text(event.data))
                elif isinstance(event, Binary):
                    sock.sendall(protocol.send_binary(event.data))
                elif isinstance(event, (Ping, Close)):
                    pass  # the protocol queued the pong / the close echo
        except ProtocolError:
            pass  # the failing Close frame is queued; send it and stop
        pending = protocol.data_to_send()
        if pending:
            sock.sendall(pending)
        if protocol.state is State.CLOSED:
            return
        data = sock.recv(262144)
        if data:
            protocol.receive_data(data)
        else:
            protocol.receive_eof()


def serve_connection(sock: socket.socket) -> None:
    with sock:
        sock.settimeout(TIMEOUT)
        try:
            start, headers, rest = read_head(sock)
            method, _, version = start.split(" ", 2)
            try:
                result = accept_request(method, version, headers, deflate=DEFLATE)
            except HandshakeError as exc:
                lines = [f"HTTP/1.1 {exc.status} Bad Request", "Content-Length: 0"]
                lines += [f"{k}: {v}" for k, v in exc.headers]
                sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
                return
            lines = ["HTTP/1.1 101 Switching Protocols"]
            lines += [f"{k}: {v}" for k, v in result.headers]
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            protocol = WebSocketProtocol(
                Role.SERVER, extensions=result.extensions, **LIMITS
            )
            protocol.receive_data(rest)
            # RFC 6455 section 7.1.1: the server closes the TCP connection first.
            echo(sock, protocol)
        except OSError:
            pass


def serve(host: str, port: int) -> None:
    with socket.create_server((host, port)) as listener:
        print(f"listening on ws://{host}:{listener.getsockname()[1]}", flush=True)
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=serve_connection, args=(conn,), daemon=True).start()


def connect(url: str) -> tuple[socket.socket, WebSocketProtocol]:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    sock = socket.create_connection((host, port), timeout=TIMEOUT)
    key = generate_key()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target or '/'} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{k}: {v}" for k, v in request_headers(key, deflate=DEFLATE)]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    start, headers, rest = read_head(sock)
    status = int(start.split(" ", 2)[1])
    result = validate_response(status, headers, key=key, deflate=DEFLATE)
    protocol = WebSocketProtocol(Role.CLIENT, extensions=result.extensions, **LIMITS)
    protocol.receive_data(rest)
    return sock, protocol


def close(sock: socket.socket, protocol: WebSocketProtocol) -> None:
    """Close the handshake, then wait for the server to close the TCP connection.

    RFC 6455 section 7.1.1: the server closes the TCP connection first.
    """
    sock.settimeout(2.0)
    try:
        if protocol.state is State.OPEN:
            sock.sendall(protocol.send_close())
        while True:
            for _ in protocol.events():
                pass
            if protocol.state is State.CLOSED:
                break
            data = sock.recv(65536)
            if not data:
                break
            protocol.receive_data(data)
        while sock.recv(65536):
            pass
    except (OSError, ProtocolError):
        pass
    sock.close()


def run_client(base: str, agent: str) -> None:
    sock, protocol = connect(f"{base}/getCaseCount")
    count = 0
    for event in protocol.events():
        if isinstance(event, Text):
            count = int(event.data)
    while not count:
        protocol.receive_data(sock.recv(65536))
        for event in protocol.events():
            if isinstance(event, Text):
                count = int(event.data)
    close(sock, protocol)
    print(f"{count} cases", flush=True)
    quoted = urllib.parse.quote(agent)
    for case in range(1, count + 1):
        try:
            sock, protocol = connect(f"{base}/runCase?case={case}&agent={quoted}")
        except (OSError, HandshakeError):
            continue  # the suite judges the behaviour, not us
        with contextlib.suppress(OSError):
            echo(sock, protocol)
        close(sock, protocol)
    sock, protocol = connect(f"{base}/updateReports?agent={quoted}")
    close(sock, protocol)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=9002)
    client = sub.add_parser("client")
    client.add_argument("url")
    client.add_argument("agent")
    args = parser.parse_args(argv)
    if args.mode == "server":
        serve(args.host, args.port)
    else:
        run_client(args.url.rstrip("/"), args.agent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
