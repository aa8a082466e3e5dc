# Compiled masking (RFC 6455 section 5.3): the hot loop of every received frame.
# The pure twin, _mask.py, is the specification; this file must behave the same.
#
# How this works: bytes are XORed one at a time until the pointer is 8-byte
# aligned, then the key, rotated to match, is XORed over whole 64-bit words in
# a plain counted loop that the C compiler turns into SIMD instructions (-O3);
# the last few bytes go one at a time again. On x86-64 Linux with GCC the word
# loop is also compiled for AVX2 and the CPU's best version is picked at load
# time (target_clones), without making AVX2 a requirement. Payloads under
# 512 bytes skip that indirect call; past 128 KiB the loop is bound by memory
# bandwidth and AVX2 gains nothing, so the inlined SSE2 loop serves.

from cpython.buffer cimport PyBUF_WRITABLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from libc.stdint cimport uint64_t, uintptr_t
from libc.string cimport memcpy


cdef extern from *:
    """
    #include <stdint.h>
    #if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) \
        && defined(__linux__)
    __attribute__((target_clones("avx2", "default")))
    #endif
    static void aioweb_xor_words(uint64_t *words, Py_ssize_t count, uint64_t key)
    {
        for (Py_ssize_t i = 0; i < count; i++) {
            words[i] ^= key;
        }
    }
    """
    void aioweb_xor_words(uint64_t *words, Py_ssize_t count, uint64_t key) noexcept nogil


cdef inline void _mask_in_place(
    unsigned char *buf, Py_ssize_t size, const unsigned char *key
) noexcept nogil:
    cdef Py_ssize_t i = 0, j, words
    cdef unsigned char key8[8]
    cdef uint64_t k
    cdef uint64_t *aligned
    while i < size and (<uintptr_t>(buf + i)) & 7:
        buf[i] ^= key[i & 3]
        i += 1
    for j in range(8):
        key8[j] = key[(i + j) & 3]
    memcpy(&k, key8, 8)
    words = (size - i) >> 3
    if 64 <= words < 16384:
        aioweb_xor_words(<uint64_t *>(buf + i), words, k)
    else:
        aligned = <uint64_t *>(buf + i)
        for j in range(words):
            aligned[j] ^= k
    i += words << 3
    while i < size:
        buf[i] ^= key[i & 3]
        i += 1


def apply_mask(data, bytes mask):
    """XOR ``data`` in place with the 4-byte ``mask`` (masking is symmetric)."""
    cdef Py_buffer view
    if len(mask) != 4:
        raise ValueError("a WebSocket masking key is 4 bytes long")
    if type(data) is bytearray:
        # The common case, without the buffer protocol's cost.
        _mask_in_place(
            <unsigned char *>PyByteArray_AS_STRING(data),
            PyByteArray_GET_SIZE(data),
            <const unsigned char *>mask,
        )
        return
    PyObject_GetBuffer(data, &view, PyBUF_WRITABLE)
    try:
        _mask_in_place(
            <unsigned char *>view.buf, view.len, <const unsigned char *>mask
        )
    finally:
        PyBuffer_Release(&view)
