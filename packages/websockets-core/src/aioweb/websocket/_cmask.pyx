# Compiled masking (RFC 6455 section 5.3): the hot loop of every received frame.
# The pure twin, _mask.py, is the specification; this file must behave the same.

from cpython.buffer cimport PyBUF_WRITABLE, PyBuffer_Release, PyObject_GetBuffer
from libc.stdint cimport uint32_t, uint64_t
from libc.string cimport memcpy


def apply_mask(data, bytes mask):
    """XOR ``data`` in place with the 4-byte ``mask`` (masking is symmetric)."""
    cdef Py_buffer view
    cdef unsigned char *buf
    cdef const unsigned char *key
    cdef Py_ssize_t size, i = 0
    cdef uint32_t key32
    cdef uint64_t key64, word
    if len(mask) != 4:
        raise ValueError("a WebSocket masking key is 4 bytes long")
    key = <const unsigned char *>mask
    PyObject_GetBuffer(data, &view, PyBUF_WRITABLE)
    try:
        buf = <unsigned char *>view.buf
        size = view.len
        memcpy(&key32, key, 4)
        key64 = (<uint64_t>key32 << 32) | key32
        while i + 8 <= size:
            memcpy(&word, buf + i, 8)
            word ^= key64
            memcpy(buf + i, &word, 8)
            i += 8
        while i < size:
            buf[i] ^= key[i & 3]
            i += 1
    finally:
        PyBuffer_Release(&view)
