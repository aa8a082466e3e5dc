# Parsed message heads, the compiled twin of _heads.py (included by _cparser.pyx).


cdef class RequestHead:
    """The head of a request; see ``aioweb.parser._heads.RequestHead``."""

    cdef readonly str method
    cdef readonly str target
    cdef readonly object version
    cdef readonly object headers
    cdef readonly tuple raw_headers
    cdef readonly bint keep_alive
    cdef readonly bint upgrade
    cdef readonly bint chunked
    cdef readonly object content_length

    def __init__(self, str method, str target, version, headers, tuple raw_headers,
                 bint keep_alive, bint upgrade, bint chunked, content_length):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.raw_headers = raw_headers
        self.keep_alive = keep_alive
        self.upgrade = upgrade
        self.chunked = chunked
        self.content_length = content_length

    cdef tuple _fields(self):
        return (self.method, self.target, self.version, self.headers,
                self.raw_headers, self.keep_alive, self.upgrade, self.chunked,
                self.content_length)

    def __eq__(self, other):
        if type(other) is not RequestHead:
            return NotImplemented
        return self._fields() == (<RequestHead>other)._fields()

    def __repr__(self):
        return (
            f"RequestHead(method={self.method!r}, target={self.target!r}, "
            f"version={self.version!r}, headers={self.headers!r}, "
            f"raw_headers={self.raw_headers!r}, keep_alive={self.keep_alive!r}, "
            f"upgrade={self.upgrade!r}, chunked={self.chunked!r}, "
            f"content_length={self.content_length!r})"
        )


cdef class ResponseHead:
    """The head of a response; see ``aioweb.parser._heads.ResponseHead``."""

    cdef readonly object version
    cdef readonly int status
    cdef readonly str reason
    cdef readonly object headers
    cdef readonly tuple raw_headers
    cdef readonly bint keep_alive
    cdef readonly bint upgrade
    cdef readonly bint chunked
    cdef readonly object content_length

    def __init__(self, version, int status, str reason, headers, tuple raw_headers,
                 bint keep_alive, bint upgrade, bint chunked, content_length):
        self.version = version
        self.status = status
        self.reason = reason
        self.headers = headers
        self.raw_headers = raw_headers
        self.keep_alive = keep_alive
        self.upgrade = upgrade
        self.chunked = chunked
        self.content_length = content_length

    cdef tuple _fields(self):
        return (self.version, self.status, self.reason, self.headers,
                self.raw_headers, self.keep_alive, self.upgrade, self.chunked,
                self.content_length)

    def __eq__(self, other):
        if type(other) is not ResponseHead:
            return NotImplemented
        return self._fields() == (<ResponseHead>other)._fields()

    def __repr__(self):
        return (
            f"ResponseHead(version={self.version!r}, status={self.status!r}, "
            f"reason={self.reason!r}, headers={self.headers!r}, "
            f"raw_headers={self.raw_headers!r}, keep_alive={self.keep_alive!r}, "
            f"upgrade={self.upgrade!r}, chunked={self.chunked!r}, "
            f"content_length={self.content_length!r})"
        )
