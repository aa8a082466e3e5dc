"""Property tests: whatever one side sends, the other side receives intact."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aioweb.websocket import (
    Binary,
    DeflateOptions,
    Event,
    Role,
    Text,
    WebSocketProtocol,
)
from aioweb.websocket._extension_header import parse_extensions

pytestmark = pytest.mark.usefixtures("twin")

# The twin fixture patches a module attribute once per test, not per example.
SETTINGS = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MESSAGE = st.one_of(
    st.text(max_size=300).map(Text), st.binary(max_size=300).map(Binary)
)


def pair(compress: bool, threshold: int) -> tuple[WebSocketProtocol, WebSocketProtocol]:
    if not compress:
        return WebSocketProtocol(Role.CLIENT), WebSocketProtocol(Role.SERVER)
    options = DeflateOptions(threshold=threshold)
    accepted = options.accept_offers(parse_extensions([options.offer()]))
    assert accepted is not None
    client_side = options.accept_response([accepted[0]])
    assert client_side is not None
    return (
        WebSocketProtocol(Role.CLIENT, extensions=[client_side]),
        WebSocketProtocol(Role.SERVER, extensions=[accepted[1]]),
    )


@SETTINGS
@given(
    messages=st.lists(MESSAGE, max_size=8),
    compress=st.booleans(),
    threshold=st.integers(0, 64),
    fragment=st.integers(1, 50),
    chunk=st.integers(1, 100),
)
def test_messages_survive_any_fragmenting_and_chunking(
    messages: list[Text | Binary],
    compress: bool,
    threshold: int,
    fragment: int,
    chunk: int,
) -> None:
    for sender_role in (Role.CLIENT, Role.SERVER):
        client, server = pair(compress, threshold)
        sender, receiver = (
            (client, server) if sender_role is Role.CLIENT else (server, client)
        )
        wire = b""
        for message in messages:
            data = message.data
            pieces = [
                data[i : i + fragment] for i in range(0, len(data), fragment)
            ] or [data[:0]]
            for index, piece in enumerate(pieces):
                final = index == len(pieces) - 1
                if isinstance(piece, str):
                    wire += sender.send_text(piece, final=final)
                else:
                    wire += sender.send_binary(piece, final=final)
        received: list[Event] = []
        for start in range(0, len(wire), chunk):
            receiver.receive_data(wire[start : start + chunk])
            received.extend(receiver.events())
        assert received == messages
        assert receiver.bytes_buffered == 0
