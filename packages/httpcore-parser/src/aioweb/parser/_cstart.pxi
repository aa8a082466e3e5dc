# Start lines and what a head becomes: the twin of _parser.py
# (included by _cparser.pyx; parses into _Parser's fields).


cdef inline bint _digit(unsigned char c):
    return 48 <= c <= 57


cdef object _known_version(const unsigned char* p):
    """HttpVersion of ``HTTP/d.d`` at ``p`` (already checked); 505 if not 1.x."""
    if p[5] == 49 and p[7] == 49:
        return HttpVersion11
    if p[5] == 49 and p[7] == 48:
        return HttpVersion10
    token = _bytes(p, 8).decode("ascii")
    raise UnsupportedVersion(f"unsupported HTTP version {token}")


cdef inline str _method_of(const unsigned char* p, Py_ssize_t n):
    if n == 3 and memcmp(p, b"GET", 3) == 0:
        return "GET"
    if n == 4 and memcmp(p, b"POST", 4) == 0:
        return "POST"
    method = METHODS.get(_bytes(p, n))
    return method if method is not None else _latin1(p, n)


cdef class RequestParser(_Parser):
    """Parses the requests a server receives; see ``aioweb.parser.RequestParser``."""

    cdef int _parse_request_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        # RFC 9112 §3: request-line = method SP request-target SP HTTP-version
        cdef Py_ssize_t i = 0, target_start, method_len
        while i < n and TCHAR_TABLE[p[i]]:
            i += 1
        if i == 0 or i >= n or p[i] != 32:
            return self._bad_request_line(p, n)
        method_len = i
        i += 1
        target_start = i
        while i < n and TARGET_TABLE[p[i]]:
            i += 1
        if i == target_start or i >= n or p[i] != 32:
            return self._bad_request_line(p, n)
        i += 1
        if (
            n - i != 8
            or memcmp(p + i, b"HTTP/", 5) != 0
            or not _digit(p[i + 5])
            or p[i + 6] != 46
            or not _digit(p[i + 7])
        ):
            return self._bad_request_line(p, n)
        version = _known_version(p + i)
        self._method = _method_of(p, method_len)
        self._target = _latin1(p + target_start, i - 1 - target_start)
        self._version = version
        return 0

    cdef int _bad_request_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        line = _bytes(p, n)
        _early.check_request_line(line, 0, n)  # the precise error
        raise BadRequestLine(f"invalid request line {line[:100]!r}")

    cdef int _parse_status_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        raise AssertionError("a request parser reads no status line")

    cdef Py_ssize_t _dispatch_request(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        cdef int kind
        cdef bint close = False
        cdef int flags
        cdef RequestHead head
        version = self._version
        if te or (cl is not None and len(cl) > 1):
            kind, length, close = _framing.request_framing(
                version, cl or (), te or (), self.lenient
            )
        elif cl:
            length = self._cl_value
            kind = K_LENGTH if length else K_NO_BODY
        else:
            kind, length = K_NO_BODY, None
        flags = self._connection_flags(conn)
        keep_alive = self._keep_alive_for(version, flags) and not close
        if self._method == "CONNECT":
            # RFC 9110 §9.3.6: the tunnel starts after the header section.
            upgrade, kind = True, K_NO_BODY
        else:
            # RFC 9110 §7.8: Upgrade needs the "upgrade" option, and not 1.0.
            upgrade = upgrade and (flags & C_UPGRADE) and version is HttpVersion11
        self._keep_alive = keep_alive
        self._upgrade = upgrade
        head = RequestHead.__new__(RequestHead)
        head.method = self._method
        head.target = self._target
        head.version = version
        head.headers = headers
        head.raw_headers = raw
        head.keep_alive = keep_alive
        head.upgrade = upgrade
        head.chunked = kind == K_CHUNKED
        head.content_length = length
        self._on_headers_complete(head)
        return self._begin_body(kind, length, pos)

    cdef Py_ssize_t _dispatch_response(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        raise AssertionError("a request parser reads no response")


cdef class ResponseParser(_Parser):
    """Parses the responses a client receives; see ``aioweb.parser.ResponseParser``."""

    def expect_response(self, str method):
        """Queue the method of a request whose response is still to come."""
        if self._next_method is None:
            self._next_method = method
        elif self._more_methods is None:
            self._more_methods = [method]
        else:
            self._more_methods.append(method)

    cdef int _parse_request_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        raise AssertionError("a response parser reads no request line")

    cdef int _parse_status_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        # RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason ]
        cdef Py_ssize_t i
        if (
            n < 12
            or memcmp(p, b"HTTP/", 5) != 0
            or not _digit(p[5])
            or p[6] != 46
            or not _digit(p[7])
            or p[8] != 32
            or not 49 <= p[9] <= 57
            or not _digit(p[10])
            or not _digit(p[11])
            or (n > 12 and p[12] != 32)
        ):
            return self._bad_status_line(p, n)
        for i in range(13, n):
            if not VALUE_TABLE[p[i]]:
                return self._bad_status_line(p, n)
        self._version = _known_version(p)
        self._status = (p[9] - 48) * 100 + (p[10] - 48) * 10 + (p[11] - 48)
        if n <= 13:
            self._reason = ""
        elif n == 15 and p[13] == 79 and p[14] == 75:
            self._reason = "OK"
        else:
            reason = REASONS.get(_bytes(p + 13, n - 13))
            self._reason = reason if reason is not None else _latin1(p + 13, n - 13)
        return 0

    cdef int _bad_status_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        line = _bytes(p, n)
        _early.check_status_line(line, 0, n)  # the precise error
        raise BadStatusLine(f"invalid status line {line[:100]!r}")

    cdef Py_ssize_t _dispatch_request(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        raise AssertionError("a response parser reads no request")

    cdef Py_ssize_t _dispatch_response(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        cdef int status = self._status
        cdef int kind
        cdef bint close = False
        cdef int flags
        cdef ResponseHead head
        version = self._version
        if status < 200 and status != 101:
            # RFC 9110 §15.2: an interim response; the final one follows.
            head = ResponseHead(
                version, status, self._reason, headers, raw, True, False, False, None
            )
            self._started = False
            self._begun = False
            self._interim = True
            self._handler.on_informational(head)
            return pos
        method = self._next_method
        if method is None:
            method = "GET"
        elif self._more_methods:
            # Pipelined requests: the queue is short, and gone once empty.
            self._next_method = self._more_methods.pop(0)
            if not self._more_methods:
                self._more_methods = None
        else:
            self._next_method = None
        if (
            te
            or (cl is not None and len(cl) > 1)
            or status == 101
            or status == 204
            or status == 304
            or method == "HEAD"
            or method == "CONNECT"
        ):
            kind, length, close = _framing.response_framing(
                status, method, version, cl or (), te or (), self.lenient
            )
        elif cl:
            kind, length = K_LENGTH, self._cl_value
        else:
            kind, length, close = K_UNTIL_CLOSE, None, True
        flags = self._connection_flags(conn)
        keep_alive = self._keep_alive_for(version, flags) and not close
        upgrade = status == 101 or (method == "CONNECT" and 200 <= status < 300)
        self._keep_alive = keep_alive
        self._upgrade = upgrade
        self._interim = False
        head = ResponseHead.__new__(ResponseHead)
        head.version = version
        head.status = status
        head.reason = self._reason
        head.headers = headers
        head.raw_headers = raw
        head.keep_alive = keep_alive
        head.upgrade = upgrade
        head.chunked = kind == K_CHUNKED
        head.content_length = length
        self._on_headers_complete(head)
        return self._begin_body(kind, length, pos)
