"""``auto_close=False``: the application answers the peer's Close frame."""

from __future__ import annotations

import pytest

from aioweb.websocket import (
    Binary,
    Close,
    CloseCode,
    LocalProtocolError,
    Role,
    State,
    Text,
    WebSocketProtocol,
    is_valid_close_code,
)

pytestmark = pytest.mark.usefixtures("twin")


def test_default_echoes_the_close_frame() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    server = WebSocketProtocol(Role.SERVER)
    server.receive_data(client.send_close(1001, "bye"))
    assert list(server.events()) == [Close(1001, "bye")]
    assert server.state is State.CLOSED
    client.receive_data(server.data_to_send())
    assert list(client.events()) == [Close(1001, "")]


@pytest.mark.parametrize("role", [Role.SERVER, Role.CLIENT])
def test_close_left_to_the_application(role: Role) -> None:
    peer = WebSocketProtocol(Role.CLIENT if role is Role.SERVER else Role.SERVER)
    ours = WebSocketProtocol(role, auto_close=False)
    ours.receive_data(peer.send_close(4000, "done"))
    assert list(ours.events()) == [Close(4000, "done")]
    assert ours.state is State.REMOTE_CLOSING
    assert ours.data_to_send() == b""
    assert (ours.close_code, ours.close_reason) == (4000, "done")
    # Messages may still go out before the answer (only our own Close frame
    # ends sending, RFC 6455 section 5.5.1).
    wire = ours.send_text("last words") + ours.send_ping(b"p")
    wire += ours.send_close(1000, "ok")
    assert ours.state is State.CLOSED
    peer.receive_data(wire)
    events = list(peer.events())
    assert events[0] == Text("last words")
    assert events[-1] == Close(1000, "ok")
    assert peer.state is State.CLOSED
    with pytest.raises(LocalProtocolError):
        ours.send_binary(b"too late")
    with pytest.raises(LocalProtocolError):
        ours.send_close()


def test_nothing_read_after_the_peers_close() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    server = WebSocketProtocol(Role.SERVER, auto_close=False)
    server.receive_data(client.send_close() + b"\x82\x85garbage-after-close")
    assert list(server.events()) == [Close(1000, "")]
    server.receive_data(b"\xff\xff")  # not even a valid frame: ignored
    assert list(server.events()) == []
    assert server.state is State.REMOTE_CLOSING


def test_eof_while_the_answer_is_owed_closes() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    server = WebSocketProtocol(Role.SERVER, auto_close=False)
    server.receive_data(client.send_close(1001))
    assert list(server.events()) == [Close(1001, "")]
    server.receive_eof()
    assert server.state is State.CLOSED
    assert list(server.events()) == []  # no second Close event (no 1006)
    assert server.close_code == 1001


def test_local_close_first_is_unchanged() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    server = WebSocketProtocol(Role.SERVER, auto_close=False)
    client.receive_data(server.send_close(1000))
    assert server.state is State.LOCAL_CLOSING
    assert list(client.events()) == [Close(1000, "")]
    server.receive_data(client.data_to_send())
    assert list(server.events()) == [Close(1000, "")]
    assert server.state is State.CLOSED


def test_data_before_the_close_is_delivered() -> None:
    client = WebSocketProtocol(Role.CLIENT)
    server = WebSocketProtocol(Role.SERVER, auto_close=False)
    server.receive_data(client.send_binary(b"a") + client.send_close())
    assert list(server.events()) == [Binary(b"a"), Close(1000, "")]


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        (1000, True),
        (1001, True),
        (1003, True),
        (1004, False),
        (1005, False),
        (1006, False),
        (1007, True),
        (1014, True),
        (1015, False),
        (1016, False),
        (2999, False),
        (3000, True),
        (4999, True),
        (5000, False),
        (999, False),
        (0, False),
        (-1, False),
    ],
)
def test_is_valid_close_code(code: int, valid: bool) -> None:
    assert is_valid_close_code(code) is valid
    ours = WebSocketProtocol(Role.SERVER)
    if valid:
        ours.send_close(code)
    else:
        with pytest.raises(LocalProtocolError):
            ours.send_close(code)


def test_every_named_code_but_the_reserved_is_valid() -> None:
    reserved = {CloseCode.ABNORMAL_CLOSURE}
    for code in CloseCode:
        assert is_valid_close_code(code) is (code not in reserved)


def test_documented_examples() -> None:
    import doctest

    from aioweb.websocket import enums

    results = doctest.testmod(enums, raise_on_error=True)
    assert results.attempted >= 2
