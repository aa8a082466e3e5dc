"""A WebSocket echo server and client on plain blocking sockets and threads.

Only ``aioweb.websocket`` (the sans-I/O core) and the standard library: no
event loop. The server handles each connection in a thread; the client sends
a few messages, a ping and a fragmented message, prints the echoes, then
closes. Run it with ``python examples/websocket_blocking_echo.py``.
"""

from __future__ import annotations

import socket
import threading

from aioweb.websocket import (
    Binary,
    Close,
    DeflateOptions,
    Event,
    HandshakeError,
    Pong,
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

DEFLATE = DeflateOptions()


def read_head(sock: socket.socket) -> tuple[str, list[tuple[str, str]], bytes]:
    """Read an HTTP/1.1 head: start line, headers, and the bytes after it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > 65536:
            raise ConnectionError("no complete HTTP head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    start, *lines = head.decode("latin-1").split("\r\n")
    headers = [(n.strip(), v.strip()) for n, _, v in (x.partition(":") for x in lines)]
    return start, headers, rest


def next_event(sock: socket.socket, ws: WebSocketProtocol) -> Event | None:
    """The next event, reading from the socket as needed; None once closed."""
    while True:
        try:
            event = ws.next_event()
        except ProtocolError as exc:
            print(f"peer broke the protocol: {exc}")
            event = None
        # Pongs and close replies the protocol owes go out right away.
        sock.sendall(ws.data_to_send())
        if event is not None:
            return event
        if ws.state is State.CLOSED:
            return None
        data = sock.recv(65536)
        if data:
            ws.receive_data(data)
        else:
            ws.receive_eof()


def handle(sock: socket.socket) -> None:
    with sock:
        start, headers, rest = read_head(sock)
        method, _, version = start.split(" ", 2)
        try:
            result = accept_request(method, version, headers, deflate=DEFLATE)
        except HandshakeError as exc:
            extra = "".join(f"{k}: {v}\r\n" for k, v in exc.headers)
            sock.sendall(
                f"HTTP/1.1 {exc.status} Refused\r\n{extra}"
                "Content-Length: 0\r\n\r\n".encode()
            )
            return
        response = "".join(f"{k}: {v}\r\n" for k, v in result.headers)
        sock.sendall(f"HTTP/1.1 101 Switching Protocols\r\n{response}\r\n".encode())
        ws = WebSocketProtocol(Role.SERVER, extensions=result.extensions)
        ws.receive_data(rest)  # a client may send frames right after its request
        while (event := next_event(sock, ws)) is not None:
            if isinstance(event, Text):
                sock.sendall(ws.send_text(event.data))
            elif isinstance(event, Binary):
                sock.sendall(ws.send_binary(event.data))
    # Leaving the with block closes the TCP connection: the server goes first
    # (RFC 6455 section 7.1.1).


def serve(listener: socket.socket) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:  # the listener was shut down
            return
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def client(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        key = generate_key()
        headers = [
            ("Host", f"127.0.0.1:{port}"),
            *request_headers(key, deflate=DEFLATE),
        ]
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers)
        sock.sendall(f"GET /echo HTTP/1.1\r\n{lines}\r\n".encode())
        start, response, rest = read_head(sock)
        status = int(start.split(" ", 2)[1])
        result = validate_response(status, response, key=key, deflate=DEFLATE)
        ws = WebSocketProtocol(Role.CLIENT, extensions=result.extensions)
        ws.receive_data(rest)
        print(f"connected, compression: {bool(result.extensions)}")

        sock.sendall(ws.send_text("Hello, WebSocket!"))
        sock.sendall(ws.send_binary(bytes(range(8))))
        sock.sendall(ws.send_ping(b"are you there?"))
        sock.sendall(ws.send_text("frag", final=False))
        sock.sendall(ws.send_text("mented"))
        for _ in range(4):
            event = next_event(sock, ws)
            if isinstance(event, Text):
                print(f"echo text: {event.data}")
            elif isinstance(event, Binary):
                print(f"echo binary: {event.data.hex()}")
            elif isinstance(event, Pong):
                print(f"pong: {event.data.decode()}")

        sock.sendall(ws.send_close(1000, "bye"))
        while (event := next_event(sock, ws)) is not None:
            if isinstance(event, Close):
                print(f"closed: {event.code} {event.reason!r}")


def main() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        thread = threading.Thread(target=serve, args=(listener,))
        thread.start()
        try:
            client(listener.getsockname()[1])
        finally:
            listener.shutdown(socket.SHUT_RDWR)  # wakes accept() on Linux
            thread.join(5)


if __name__ == "__main__":
    main()
