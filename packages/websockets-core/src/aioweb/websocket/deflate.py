"""The permessage-deflate extension (RFC 7692).

How this works: :class:`DeflateOptions` says what one side wants; the client
writes it as an offer (:meth:`DeflateOptions.offer`), the server answers with
:meth:`DeflateOptions.accept_offers`, and the client checks that answer with
:meth:`DeflateOptions.accept_response`. Both answers end in the same place: a
:class:`PerMessageDeflate` built for the agreed :class:`DeflateParameters`,
which :class:`~aioweb.websocket.WebSocketProtocol` takes in ``extensions``.

Decompression is bounded: each fragment is inflated with ``max_length`` set to
what is left of the message size limit, so a compression bomb fails with close
code 1009 after producing at most the limit, never the whole bomb.

zlib cannot compress with a 256-byte window (``wbits=8``, refused since zlib
1.2.9); when 8 is negotiated for our side we compress with 9, as zlib itself
did silently before, and inflate with at least 9 bits for the same reason
(a larger window than the sender's always inflates correctly).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ._extension_header import format_extension, parse_extensions
from .enums import CloseCode, Role
from .exceptions import HandshakeError, ProtocolError

__all__ = ("DeflateOptions", "DeflateParameters", "PerMessageDeflate")

EXTENSION_NAME = "permessage-deflate"
#: RFC 7692 section 7.2.1: the four bytes every sync flush ends with, removed
#: by the sender and put back by the receiver.
_TAIL = b"\x00\x00\xff\xff"
_WINDOW_BITS = range(8, 16)  # RFC 7692 section 7.1.2.1


@dataclass(frozen=True, slots=True)
class DeflateParameters:
    """The four parameters agreed in the handshake (RFC 7692 section 7.1).

    ``None`` window bits means the default, 15 (a 32 KiB window).
    """

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int | None = None
    client_max_window_bits: int | None = None

    def header_value(self) -> str:
        """The ``Sec-WebSocket-Extensions`` value a server responds with."""
        params: list[tuple[str, str | None]] = []
        if self.server_no_context_takeover:
            params.append(("server_no_context_takeover", None))
        if self.client_no_context_takeover:
            params.append(("client_no_context_takeover", None))
        if self.server_max_window_bits is not None:
            params.append(("server_max_window_bits", str(self.server_max_window_bits)))
        if self.client_max_window_bits is not None:
            params.append(("client_max_window_bits", str(self.client_max_window_bits)))
        return format_extension(EXTENSION_NAME, params)


@dataclass(frozen=True, slots=True)
class _Offer:
    """One validated offer (or response) from the wire."""

    server_no_context_takeover: bool
    client_no_context_takeover: bool
    server_max_window_bits: int | None
    #: ``0`` when the parameter came without a value (offer only).
    client_max_window_bits: int | None


def _window_bits(name: str, value: str | None, *, optional: bool) -> int:
    if value is None:
        if optional:
            return 0
        raise ValueError(f"{name} needs a value")
    # RFC 7692 section 7.1.2: 1*DIGIT without a leading zero, 8 to 15.
    if not value.isdigit() or value.startswith("0") or int(value) not in _WINDOW_BITS:
        raise ValueError(f"{name}={value} is not a window size of 8 to 15 bits")
    return int(value)


def _parse_offer(params: list[tuple[str, str | None]], *, response: bool) -> _Offer:
    """Validate one offer's parameters (RFC 7692 section 7.1); ValueError if bad."""
    seen: dict[str, str | None] = {}
    for key, value in params:
        if key in seen:
            raise ValueError(f"parameter {key} appears twice")
        seen[key] = value
    unknown = set(seen) - {
        "server_no_context_takeover",
        "client_no_context_takeover",
        "server_max_window_bits",
        "client_max_window_bits",
    }
    if unknown:
        raise ValueError(f"unknown parameter {sorted(unknown)[0]}")
    for flag in ("server_no_context_takeover", "client_no_context_takeover"):
        if flag in seen and seen[flag] is not None:
            raise ValueError(f"{flag} takes no value")
    server_bits = None
    if "server_max_window_bits" in seen:
        server_bits = _window_bits(
            "server_max_window_bits", seen["server_max_window_bits"], optional=False
        )
    client_bits = None
    if "client_max_window_bits" in seen:
        # Only an offer may leave the value out (section 7.1.2.2).
        client_bits = _window_bits(
            "client_max_window_bits",
            seen["client_max_window_bits"],
            optional=not response,
        )
    return _Offer(
        "server_no_context_takeover" in seen,
        "client_no_context_takeover" in seen,
        server_bits,
        client_bits,
    )


@dataclass(frozen=True, slots=True)
class DeflateOptions:
    """What one side asks for, or accepts, of permessage-deflate.

    Attributes:
        server_no_context_takeover: ask the server to reset its compressor
            after each message.
        client_no_context_takeover: ask the client to reset its compressor
            after each message.
        server_max_window_bits: the largest window the server may compress
            with (8-15), or ``None`` for no limit.
        client_max_window_bits: the largest window the client may compress
            with (8-15), or ``None`` for no limit.
        level: the zlib compression level (0-9, or -1 for zlib's default).
        memory_level: the zlib memory level (1-9).
        threshold: messages shorter than this many bytes are sent
            uncompressed (compressing them would rarely pay).
    """

    server_no_context_takeover: bool = False
    client_no_context_takeover: bool = False
    server_max_window_bits: int | None = None
    client_max_window_bits: int | None = None
    level: int = zlib.Z_DEFAULT_COMPRESSION
    memory_level: int = 8
    threshold: int = 32

    def __post_init__(self) -> None:
        for name in ("server_max_window_bits", "client_max_window_bits"):
            bits = getattr(self, name)
            if bits is not None and bits not in _WINDOW_BITS:
                raise ValueError(f"{name} must be between 8 and 15, not {bits}")
        if self.threshold < 0:
            raise ValueError("threshold must not be negative")

    # -- client side -------------------------------------------------------

    def offer(self) -> str:
        """The ``Sec-WebSocket-Extensions`` value a client sends.

        ``client_max_window_bits`` is always offered, without a value when no
        limit is set, to tell the server it may limit our window (RFC 7692
        section 7.1.2.2).
        """
        params: list[tuple[str, str | None]] = []
        if self.server_no_context_takeover:
            params.append(("server_no_context_takeover", None))
        if self.client_no_context_takeover:
            params.append(("client_no_context_takeover", None))
        if self.server_max_window_bits is not None:
            params.append(("server_max_window_bits", str(self.server_max_window_bits)))
        bits = self.client_max_window_bits
        params.append(("client_max_window_bits", None if bits is None else str(bits)))
        return format_extension(EXTENSION_NAME, params)

    def accept_response(self, values: Iterable[str]) -> PerMessageDeflate | None:
        """Check a server's ``Sec-WebSocket-Extensions`` answer to :meth:`offer`.

        Args:
            values: every value of the response's ``Sec-WebSocket-Extensions``.

        Returns:
            The extension to give the client's protocol object, or ``None`` if
            the server declined compression.

        Raises:
            HandshakeError: the server answered with an extension we did not
                offer, with parameters RFC 7692 section 7.1 forbids, or with
                more than we allowed.
        """
        extensions = parse_extensions(values)
        if not extensions:
            return None
        if len(extensions) > 1 or extensions[0][0] != EXTENSION_NAME:
            names = ", ".join(name for name, _ in extensions)
            raise HandshakeError(
                f"the server accepted extensions we did not offer: {names}"
            )
        try:
            answer = _parse_offer(extensions[0][1], response=True)
        except ValueError as exc:
            raise HandshakeError(f"invalid permessage-deflate response: {exc}") from exc
        if self.server_no_context_takeover and not answer.server_no_context_takeover:
            raise HandshakeError("the server ignored server_no_context_takeover")
        if self.server_max_window_bits is not None and (
            answer.server_max_window_bits is None
            or answer.server_max_window_bits > self.server_max_window_bits
        ):
            raise HandshakeError("the server ignored server_max_window_bits")
        if (
            self.client_max_window_bits is not None
            and answer.client_max_window_bits is not None
            and answer.client_max_window_bits > self.client_max_window_bits
        ):
            raise HandshakeError("client_max_window_bits above the one we offered")
        client_bits = answer.client_max_window_bits
        if client_bits is None:
            client_bits = self.client_max_window_bits
        return PerMessageDeflate(
            Role.CLIENT,
            DeflateParameters(
                server_no_context_takeover=answer.server_no_context_takeover,
                client_no_context_takeover=(
                    answer.client_no_context_takeover or self.client_no_context_takeover
                ),
                server_max_window_bits=answer.server_max_window_bits,
                client_max_window_bits=client_bits,
            ),
            level=self.level,
            memory_level=self.memory_level,
            threshold=self.threshold,
        )

    # -- server side -------------------------------------------------------

    def accept_offers(
        self, offers: Sequence[tuple[str, list[tuple[str, str | None]]]]
    ) -> tuple[str, PerMessageDeflate] | None:
        """Pick the first permessage-deflate offer this side can accept.

        Offers with unknown or invalid parameters are declined, as RFC 7692
        section 5 asks, and the next one is tried.

        Args:
            offers: the client's extensions, as parsed from its
                ``Sec-WebSocket-Extensions`` header.

        Returns:
            The response header value and the extension for the server's
            protocol object, or ``None`` when no offer is acceptable.
        """
        for name, params in offers:
            if name != EXTENSION_NAME:
                continue
            try:
                offer = _parse_offer(params, response=False)
            except ValueError:
                continue
            agreed = self._agree(offer)
            if agreed is not None:
                extension = PerMessageDeflate(
                    Role.SERVER,
                    agreed,
                    level=self.level,
                    memory_level=self.memory_level,
                    threshold=self.threshold,
                )
                return agreed.header_value(), extension
        return None

    def _agree(self, offer: _Offer) -> DeflateParameters | None:
        server_bits = offer.server_max_window_bits
        if self.server_max_window_bits is not None:
            server_bits = min(server_bits or 15, self.server_max_window_bits)
        client_bits = offer.client_max_window_bits
        if self.client_max_window_bits is not None:
            if client_bits is None:
                # We need a limit the client did not say it can honour
                # (RFC 7692 section 7.1.2.2): decline this offer.
                return None
            client_bits = min(client_bits or 15, self.client_max_window_bits)
        elif client_bits == 0:
            client_bits = None  # offered without a value: no limit from us
        return DeflateParameters(
            server_no_context_takeover=(
                offer.server_no_context_takeover or self.server_no_context_takeover
            ),
            client_no_context_takeover=(
                offer.client_no_context_takeover or self.client_no_context_takeover
            ),
            server_max_window_bits=server_bits,
            client_max_window_bits=client_bits,
        )


class PerMessageDeflate:
    """The negotiated extension: compresses and inflates message payloads.

    Args:
        role: the side this object works for.
        parameters: what the handshake agreed.
        level: the zlib compression level.
        memory_level: the zlib memory level.
        threshold: messages shorter than this are sent uncompressed.
    """

    name = EXTENSION_NAME

    __slots__ = (
        "_compressor",
        "_decompressor",
        "_local_bits",
        "_local_no_takeover",
        "_message_compressor",
        "_remote_bits",
        "_remote_no_takeover",
        "level",
        "memory_level",
        "parameters",
        "role",
        "threshold",
    )

    def __init__(
        self,
        role: Role,
        parameters: DeflateParameters,
        *,
        level: int = zlib.Z_DEFAULT_COMPRESSION,
        memory_level: int = 8,
        threshold: int = 32,
    ) -> None:
        self.role = role
        self.parameters = parameters
        self.level = level
        self.memory_level = memory_level
        self.threshold = threshold
        server = role is Role.SERVER
        p = parameters
        local_bits = p.server_max_window_bits if server else p.client_max_window_bits
        remote_bits = p.client_max_window_bits if server else p.server_max_window_bits
        self._local_no_takeover = (
            p.server_no_context_takeover if server else p.client_no_context_takeover
        )
        self._remote_no_takeover = (
            p.client_no_context_takeover if server else p.server_no_context_takeover
        )
        # zlib refuses 8 bits for raw deflate; see the module docstring.
        self._local_bits = max(local_bits or 15, 9)
        # A zlib-based peer compresses with 9 bits when 8 were agreed, so
        # inflate with at least 9: a larger window always inflates correctly.
        self._remote_bits = max(remote_bits or 15, 9)
        # zlib objects cost tens of kilobytes each: made at first use, and
        # dropped after each message without context takeover.
        self._compressor: zlib._Compress | None = None
        self._decompressor: zlib._Decompress | None = None
        # A compressor for one message sent with its own window size.
        self._message_compressor: zlib._Compress | None = None

    def __repr__(self) -> str:
        return f"PerMessageDeflate({self.role}, {self.parameters})"

    def compress(
        self, data: bytes, final: bool, window_bits: int | None = None
    ) -> bytes:
        """Compress one frame's worth of a message (RFC 7692 section 7.2.1).

        Args:
            data: the uncompressed payload of this frame.
            final: whether this frame ends the message.
            window_bits: on a message's first frame, compress this message
                alone with a window of this many bits (at most the
                negotiated one; 8 means 9, as zlib needs); later frames of
                the message use the same compressor.

        Returns:
            The frame's compressed payload.
        """
        compressor = self._message_compressor
        if window_bits is not None and compressor is None:
            bits = min(max(window_bits, 9), self._local_bits)
            compressor = self._message_compressor = zlib.compressobj(
                self.level, zlib.DEFLATED, -bits, self.memory_level
            )
            # The peer's window now holds this message, which the shared
            # compressor never saw: its next back-references would point
            # at the wrong bytes (section 7.2.3), so it starts afresh.
            self._compressor = None
        if compressor is None:
            compressor = self._compressor
            if compressor is None:
                compressor = self._compressor = zlib.compressobj(
                    self.level, zlib.DEFLATED, -self._local_bits, self.memory_level
                )
        out = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
        if final:
            # A sync flush always ends with the empty-block tail.
            out = out[:-4]
            self._message_compressor = None
            if self._local_no_takeover:
                self._compressor = None
        return out

    def decompress(self, data: bytes, final: bool, max_size: int) -> bytes:
        """Inflate one frame's compressed payload (RFC 7692 section 7.2.2).

        Args:
            data: the frame's payload.
            final: whether this frame ends the message.
            max_size: the most bytes the result may hold (what is left of
                the message size limit).

        Returns:
            The inflated bytes.

        Raises:
            ProtocolError: the inflated data would exceed ``max_size`` (close
                code 1009), or is not a valid deflate stream (1007).
        """
        decompressor = self._decompressor
        if decompressor is None:
            decompressor = self._decompressor = zlib.decompressobj(-self._remote_bits)
        if final:
            data += _TAIL
        try:
            out = decompressor.decompress(data, max_size + 1)
        except zlib.error as exc:
            raise ProtocolError(
                CloseCode.INVALID_TEXT, f"invalid deflate data: {exc}"
            ) from exc
        if len(out) > max_size:
            raise ProtocolError(
                CloseCode.MESSAGE_TOO_BIG,
                f"message inflates to more than {max_size} bytes",
            )
        if final and (self._remote_no_takeover or decompressor.eof):
            self._decompressor = None
        return out
