# Compiled frame decoding (RFC 6455 section 5.2): the twin of _reader.py, which
# is the specification; every rule, message and result here must match it.
# The unmasking is fused with the copy out of the receive buffer, so each
# payload byte is touched once.

from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.list cimport PyList_Append
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uint64_t
from libc.string cimport memcpy

from .enums import CloseCode
from .exceptions import ProtocolError

cdef Py_ssize_t _MAX_CONTROL_PAYLOAD = 125  # RFC 6455 section 5.5


cdef inline void _unmask_copy(
    unsigned char *dst, const unsigned char *src, Py_ssize_t size,
    const unsigned char *key,
) noexcept nogil:
    """dst = src XOR key repeated (RFC 6455 section 5.3); 32 bytes a step."""
    cdef unsigned char key8[8]
    cdef uint64_t k, w0, w1, w2, w3
    cdef Py_ssize_t i = 0
    memcpy(key8, key, 4)
    memcpy(key8 + 4, key, 4)
    memcpy(&k, key8, 8)
    while i + 32 <= size:
        memcpy(&w0, src + i, 8)
        memcpy(&w1, src + i + 8, 8)
        memcpy(&w2, src + i + 16, 8)
        memcpy(&w3, src + i + 24, 8)
        w0 ^= k
        w1 ^= k
        w2 ^= k
        w3 ^= k
        memcpy(dst + i, &w0, 8)
        memcpy(dst + i + 8, &w1, 8)
        memcpy(dst + i + 16, &w2, 8)
        memcpy(dst + i + 24, &w3, 8)
        i += 32
    while i + 8 <= size:
        memcpy(&w0, src + i, 8)
        w0 ^= k
        memcpy(dst + i, &w0, 8)
        i += 8
    while i < size:
        dst[i] = src[i] ^ key[i & 3]
        i += 1


cdef class FrameReader:
    """Decodes frames from a byte stream, one at a time (see ``_reader``)."""

    cdef bytearray _buffer
    cdef Py_ssize_t _pos
    cdef bint _masked
    cdef bint _allow_rsv1
    cdef unsigned long long _max_frame_size

    def __init__(self, *, bint masked, max_frame_size, bint allow_rsv1=False):
        self._buffer = bytearray()
        self._pos = 0
        self._masked = masked
        self._max_frame_size = max_frame_size
        self._allow_rsv1 = allow_rsv1

    @property
    def buffered(self):
        """Bytes received but not yet returned as frames."""
        return PyByteArray_GET_SIZE(self._buffer) - self._pos

    def feed(self, data):
        """Append received bytes."""
        if self._pos:
            del self._buffer[: self._pos]
            self._pos = 0
        self._buffer += data

    def next_frame(self):
        """The next complete frame, or ``None`` until more bytes arrive."""
        cdef Py_ssize_t pos = self._pos
        cdef Py_ssize_t available = PyByteArray_GET_SIZE(self._buffer) - pos
        cdef const unsigned char *data
        cdef unsigned char first, second
        cdef int opcode
        cdef bint fin, rsv1
        cdef unsigned long long length
        cdef Py_ssize_t header, start, size, k
        cdef bytes payload
        if available < 2:
            return None
        data = <const unsigned char *>PyByteArray_AS_STRING(self._buffer) + pos
        first = data[0]
        second = data[1]
        fin = (first & 0x80) != 0
        rsv1 = (first & 0x40) != 0
        opcode = first & 0x0F
        if first & 0x30:
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "reserved bits set")
        if not (opcode <= 0x2 or 0x8 <= opcode <= 0xA):
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, f"unknown opcode {opcode}")
        if rsv1 and not (self._allow_rsv1 and (opcode == 0x1 or opcode == 0x2)):
            raise ProtocolError(CloseCode.PROTOCOL_ERROR, "reserved bit RSV1 set")
        length = second & 0x7F
        if opcode & 0x8:
            if not fin:
                raise ProtocolError(CloseCode.PROTOCOL_ERROR, "fragmented control frame")
            if length > _MAX_CONTROL_PAYLOAD:
                raise ProtocolError(
                    CloseCode.PROTOCOL_ERROR, "control frame payload over 125 bytes"
                )
        if ((second & 0x80) != 0) != self._masked:
            raise ProtocolError(
                CloseCode.PROTOCOL_ERROR,
                "unmasked client frame" if self._masked else "masked server frame",
            )
        header = 2
        if length == 126:
            if available < 4:
                return None
            length = (<unsigned long long>data[2] << 8) | data[3]
            header = 4
        elif length == 127:
            if available < 10:
                return None
            length = 0
            for k in range(2, 10):
                length = (length << 8) | data[k]
            if length >> 63:
                raise ProtocolError(
                    CloseCode.PROTOCOL_ERROR, "frame length has its high bit set"
                )
            header = 10
        if length > self._max_frame_size:
            raise ProtocolError(
                CloseCode.MESSAGE_TOO_BIG,
                f"frame of {length} bytes over the {self._max_frame_size} limit",
            )
        if self._masked:
            header += 4
        if available < header or <unsigned long long>(available - header) < length:
            return None
        size = <Py_ssize_t>length
        start = header
        payload = PyBytes_FromStringAndSize(NULL, size)
        if self._masked:
            _unmask_copy(
                <unsigned char *>PyBytes_AS_STRING(payload), data + start, size,
                data + start - 4,
            )
        else:
            memcpy(PyBytes_AS_STRING(payload), data + start, size)
        self._pos = pos + start + size
        return fin, rsv1, opcode, payload

    def next_messages(self, max_message_size):
        """The whole messages at the front of the buffer, decoded (see
        ``_reader``): ``(0x1, str)`` or ``(0x2, bytes)`` each, stopping at
        the first frame that is not a whole, uncompressed text or binary
        message within the limits, or is incomplete."""
        cdef unsigned long long limit = min(max_message_size, self._max_frame_size)
        cdef Py_ssize_t pos = self._pos
        cdef Py_ssize_t end = PyByteArray_GET_SIZE(self._buffer)
        cdef const unsigned char *base = <const unsigned char *>PyByteArray_AS_STRING(
            self._buffer
        )
        cdef const unsigned char *data
        cdef Py_ssize_t available, header, size, k
        cdef unsigned long long length
        cdef unsigned char first, second
        cdef bytes payload
        cdef object text
        cdef list messages = []
        while True:
            available = end - pos
            if available < 2:
                break
            data = base + pos
            first = data[0]
            second = data[1]
            # FIN set, RSV1-3 clear, opcode 0x1 or 0x2 (RFC 6455 section
            # 5.2), and the mask bit the role requires (section 5.1).
            if first != 0x81 and first != 0x82:
                break
            if ((second & 0x80) != 0) != self._masked:
                break
            length = second & 0x7F
            header = 2
            if length == 126:
                if available < 4:
                    break
                length = (<unsigned long long>data[2] << 8) | data[3]
                header = 4
            elif length == 127:
                if available < 10:
                    break
                length = 0
                for k in range(2, 10):
                    length = (length << 8) | data[k]
                header = 10
            if length > limit:
                break
            if self._masked:
                header += 4
            if available < header or <unsigned long long>(available - header) < length:
                break
            size = <Py_ssize_t>length
            if first == 0x82:
                payload = PyBytes_FromStringAndSize(NULL, size)
                if self._masked:
                    _unmask_copy(
                        <unsigned char *>PyBytes_AS_STRING(payload), data + header,
                        size, data + header - 4,
                    )
                else:
                    memcpy(PyBytes_AS_STRING(payload), data + header, size)
                PyList_Append(messages, (0x2, payload))
            else:
                if self._masked:
                    payload = PyBytes_FromStringAndSize(NULL, size)
                    _unmask_copy(
                        <unsigned char *>PyBytes_AS_STRING(payload), data + header,
                        size, data + header - 4,
                    )
                    try:
                        text = PyUnicode_DecodeUTF8(
                            PyBytes_AS_STRING(payload), size, NULL
                        )
                    except UnicodeDecodeError:
                        break  # left for next_frame, which refuses it
                else:
                    try:
                        text = PyUnicode_DecodeUTF8(
                            <const char *>data + header, size, NULL
                        )
                    except UnicodeDecodeError:
                        break
                PyList_Append(messages, (0x1, text))
            pos += header + size
        self._pos = pos
        return messages
