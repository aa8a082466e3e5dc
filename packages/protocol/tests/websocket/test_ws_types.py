from __future__ import annotations

import json
from decimal import Decimal

import pytest

from aioweb.protocol.ws_types import (
    WS_CLOSED_MESSAGE,
    WS_CLOSING_MESSAGE,
    WSCloseCode,
    WSMessage,
    WSMsgType,
)

# aiohttp's values, which ported code compares against.
AIOHTTP_TYPES = {
    "CONTINUATION": 0,
    "TEXT": 1,
    "BINARY": 2,
    "PING": 9,
    "PONG": 10,
    "CLOSE": 8,
    "CLOSING": 256,
    "CLOSED": 257,
    "ERROR": 258,
}
AIOHTTP_CLOSE_CODES = {
    "OK": 1000,
    "GOING_AWAY": 1001,
    "PROTOCOL_ERROR": 1002,
    "UNSUPPORTED_DATA": 1003,
    "ABNORMAL_CLOSURE": 1006,
    "INVALID_TEXT": 1007,
    "POLICY_VIOLATION": 1008,
    "MESSAGE_TOO_BIG": 1009,
    "MANDATORY_EXTENSION": 1010,
    "INTERNAL_ERROR": 1011,
    "SERVICE_RESTART": 1012,
    "TRY_AGAIN_LATER": 1013,
    "BAD_GATEWAY": 1014,
}


def test_msg_type_values() -> None:
    assert {member.name: member.value for member in WSMsgType} == AIOHTTP_TYPES


def test_close_code_values() -> None:
    assert {m.name: m.value for m in WSCloseCode} == AIOHTTP_CLOSE_CODES
    assert WSCloseCode.OK == 1000


def test_message_is_a_named_tuple() -> None:
    message = WSMessage(WSMsgType.TEXT, "hi", None)
    kind, data, extra = message
    assert (kind, data, extra) == (WSMsgType.TEXT, "hi", None)
    assert message.type is WSMsgType.TEXT
    assert message == (1, "hi", None)
    assert WSMessage(WSMsgType.CLOSED, None, None) == WS_CLOSED_MESSAGE
    assert WS_CLOSING_MESSAGE.type is WSMsgType.CLOSING


def test_json() -> None:
    assert WSMessage(WSMsgType.TEXT, '{"a": [1, 2.5]}', None).json() == {"a": [1, 2.5]}
    custom = WSMessage(WSMsgType.TEXT, "1.1", None).json(
        loads=lambda data: json.loads(data, parse_float=Decimal)
    )
    assert custom == Decimal("1.1")
    with pytest.raises(ValueError):
        WSMessage(WSMsgType.TEXT, "{not json", None).json()


def test_lower_case_aliases() -> None:
    for name in AIOHTTP_TYPES:
        if name != "CONTINUATION":
            assert getattr(WSMsgType, name.lower()) is WSMsgType[name]
    # Aliases are not members of their own.
    assert len(WSMsgType) == len(AIOHTTP_TYPES)
