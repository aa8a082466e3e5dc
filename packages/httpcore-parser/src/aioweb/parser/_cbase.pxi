# The state machine both compiled parsers share: the twin of _base.py
# (included by _cparser.pyx; the names and steps follow _base.py).

# Connection options found in the Connection fields.
cdef enum:
    C_CLOSE = 1
    C_KEEP_ALIVE = 2
    C_UPGRADE = 4


cdef class _Parser:
    # Memory, as in _base.Parser: an idle parser holds no buffer, no field
    # lists and no queue; each is made when needed and dropped when done.
    cdef object _handler  # for on_informational, looked up when used
    cdef object _on_message_begin
    cdef object _on_headers_complete
    cdef object _on_body
    cdef object _on_message_complete
    cdef object _on_chunk_complete  # None when the handler has none
    cdef Py_ssize_t _max_line_size
    cdef Py_ssize_t _max_field_size
    cdef Py_ssize_t _max_headers
    cdef Py_ssize_t _max_trailer_size
    cdef Py_ssize_t _max_chunk_size_digits
    cdef readonly bint lenient
    cdef const unsigned char* _value_table
    cdef object _chunk_line
    cdef bint _is_request
    cdef bytearray _buf  # an unfinished line, None when there is none
    cdef int _state
    cdef bint _begun
    cdef bint _started
    # The start line: method, target and version, or version, status, reason.
    cdef str _method
    cdef str _target
    cdef object _version
    cdef int _status
    cdef str _reason
    # None until the section's first field (the framing ones: until one).
    cdef list _fields  # (name, value) bytes, as received
    cdef list _pairs  # (name, value) str, for the CIMultiDict
    cdef list _cl
    cdef list _te
    cdef list _conn
    cdef bint _has_upgrade
    cdef object _cl_value
    cdef Py_ssize_t _section_size
    cdef uint64_t _remaining
    cdef bint _keep_alive
    cdef bint _upgrade
    cdef str _next_method  # the first request awaiting a response
    cdef list _more_methods  # the others, when pipelined
    cdef bint _interim

    def __init__(
        self,
        handler,
        *,
        max_line_size=MAX_LINE_SIZE,
        max_field_size=MAX_FIELD_SIZE,
        max_headers=MAX_HEADERS,
        max_trailer_size=MAX_TRAILER_SIZE,
        max_chunk_size_digits=MAX_CHUNK_SIZE_DIGITS,
        lenient=False,
    ):
        check_limits(
            max_line_size,
            max_field_size,
            max_headers,
            max_trailer_size,
            max_chunk_size_digits,
        )
        self._on_message_begin = handler.on_message_begin
        self._on_headers_complete = handler.on_headers_complete
        self._on_body = handler.on_body
        self._on_message_complete = handler.on_message_complete
        self._handler = handler
        self._on_chunk_complete = getattr(handler, "on_chunk_complete", None)
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_trailer_size = max_trailer_size
        self._max_chunk_size_digits = max_chunk_size_digits
        self.lenient = lenient
        if lenient:
            self._value_table = &VALUE_LENIENT_TABLE[0]
        else:
            self._value_table = &VALUE_TABLE[0]
        self._chunk_line = CHUNK_LINE_LENIENT_RE if lenient else CHUNK_LINE_RE
        self._is_request = isinstance(self, RequestParser)
        self._buf = None
        self._state = S_HEAD
        self._begun = False
        self._started = False
        self._fields = None
        self._pairs = None
        self._cl = None
        self._te = None
        self._conn = None
        self._has_upgrade = False
        self._cl_value = None
        self._section_size = 0
        self._remaining = 0
        self._keep_alive = True
        self._upgrade = False
        self._next_method = None
        self._more_methods = None
        self._interim = False

    def feed_data(self, data):
        """Parse more input, calling the handler for each event.

        See ``aioweb.parser._base.Parser.feed_data``.
        """
        cdef Py_buffer view
        cdef Py_ssize_t pos, start = 0, cut, size
        cdef const unsigned char* p
        cdef const unsigned char* lf
        cdef object tail = None
        cdef int state = self._state
        if state >= S_HANDED_OVER:
            raise ParserClosed("the parser accepts no more input")
        if self._buf is None and type(data) is bytes and (
            state == S_UNTIL_CLOSE
            or ((state == S_BODY_LENGTH or state == S_CHUNK_DATA)
                and <uint64_t>PyBytes_GET_SIZE(data) < self._remaining)
        ):
            # All of this input is body and ends no body or chunk: hand the
            # caller's bytes on as they are (no copy; a large body arrives
            # like this read after read).
            if PyBytes_GET_SIZE(data):
                try:
                    self._on_body(data)
                except BaseException:
                    self._state = S_DEAD
                    raise
                if state != S_UNTIL_CLOSE:
                    self._remaining -= <uint64_t>PyBytes_GET_SIZE(data)
            return None
        PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
        p = <const unsigned char*>view.buf
        try:
            try:
                if self._buf is not None:
                    # The buffer holds an unfinished line: complete it with the
                    # input up to its first LF only, so that the rest of the
                    # input is read in place rather than copied.
                    lf = <const unsigned char*>memchr(p, 10, view.len)
                    cut = (lf - p) + 1 if lf != NULL else view.len
                    size = len(self._buf)
                    self._buf += _bytes(p, cut)
                    pos = self._run(<const unsigned char*>PyByteArray_AS_STRING(self._buf), size + cut)
                    if self._state == S_HANDED_OVER:
                        tail = bytes(self._buf[pos:]) + _bytes(p + cut, view.len - cut)
                        start = view.len
                    elif pos == size + cut:
                        self._buf = None
                        start = cut
                    else:
                        # Not all read: carry on the old way, all in the buffer.
                        del self._buf[:pos]
                        self._buf += _bytes(p + cut, view.len - cut)
                        start = view.len
                        pos = self._run(<const unsigned char*>PyByteArray_AS_STRING(self._buf), len(self._buf))
                        if self._state == S_HANDED_OVER:
                            tail = bytes(self._buf[pos:])
                        elif pos == len(self._buf):
                            self._buf = None
                        else:
                            del self._buf[:pos]
                if start < view.len:
                    pos = self._run(p + start, view.len - start)
                    if self._state == S_HANDED_OVER:
                        tail = _bytes(p + start + pos, view.len - start - pos)
                    elif start + pos < view.len:
                        self._buf = bytearray(_bytes(p + start + pos, view.len - start - pos))
            except BaseException:
                self._state = S_DEAD
                self._buf = None
                raise
        finally:
            PyBuffer_Release(&view)
        if self._state == S_HANDED_OVER:
            self._buf = None
            return b"" if tail is None else tail
        return None

    def feed_eof(self):
        """Signal the end of the input; see ``aioweb.parser._base.Parser.feed_eof``."""
        cdef int state = self._state
        if state == S_DEAD:
            raise ParserClosed("the parser failed earlier")
        if state == S_HANDED_OVER or state == S_FINISHED:
            return
        self._state = S_DEAD
        if state == S_UNTIL_CLOSE:
            self._on_message_complete(None)
        elif state == S_HEAD and (self._begun or self._interim):
            raise IncompleteMessage("the input ended inside a message head")
        elif state != S_HEAD and state != S_CLOSED:
            raise IncompleteMessage("the input ended inside a message body")
        self._state = S_FINISHED
        self._buf = None

    # -- the state machine ------------------------------------------------

    cdef Py_ssize_t _run(self, const unsigned char* p, Py_ssize_t n) except -1:
        cdef Py_ssize_t pos = 0
        cdef uint64_t take
        cdef bint done
        while True:
            state = self._state
            if state == S_HEAD:
                pos = self._read_head(p, pos, n, &done)
                if not done:
                    return pos
            elif state == S_BODY_LENGTH or state == S_CHUNK_DATA:
                take = <uint64_t>(n - pos)
                if take > self._remaining:
                    take = self._remaining
                if take:
                    self._on_body(_bytes(p + pos, <Py_ssize_t>take))
                    pos += <Py_ssize_t>take
                    self._remaining -= take
                if self._remaining:
                    return pos
                if state == S_BODY_LENGTH:
                    self._message_complete(None)
                else:
                    self._state = S_CHUNK_END
            elif state == S_CHUNK_SIZE:
                pos = self._read_chunk_size(p, pos, n)
                if self._state == S_CHUNK_SIZE:
                    return pos
            elif state == S_CHUNK_END:
                # RFC 9112 §7.1: chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
                if pos + 2 <= n and p[pos] == 13 and p[pos + 1] == 10:
                    pos += 2
                elif self.lenient and pos < n and p[pos] == 10:
                    pos += 1
                elif (pos + 1 == n and p[pos] == 13) or pos == n:
                    return pos
                else:
                    raise InvalidChunk("chunk data is not followed by CRLF")
                self._state = S_CHUNK_SIZE
                if self._on_chunk_complete is not None:
                    self._on_chunk_complete()
            elif state == S_TRAILERS:
                pos = self._read_trailers(p, pos, n)
                if self._state == S_TRAILERS:
                    return pos
            elif state == S_UNTIL_CLOSE:
                if pos < n:
                    self._on_body(_bytes(p + pos, n - pos))
                return n
            elif state == S_CLOSED:
                if pos < n and not self.lenient:
                    raise DataAfterClose("data after a message closing the connection")
                return n
            else:
                return pos

    cdef Py_ssize_t _line_end(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n, Py_ssize_t* end
    ) except -2:
        """The index after the next LF (-1 if none); ``end`` gets the line end."""
        cdef const unsigned char* lf = <const unsigned char*>memchr(p + pos, 10, n - pos)
        cdef Py_ssize_t stop
        if lf == NULL:
            return -1
        stop = lf - p
        end[0] = stop
        if stop > pos and p[stop - 1] == 13:
            end[0] = stop - 1
        elif not self.lenient:
            # RFC 9112 §2.2 allows a bare LF; strict mode does not.
            raise self._bare_lf_error()
        return stop + 1

    cdef object _bare_lf_error(self):
        if not self._started and self._state == S_HEAD:
            return self._bad_start("a line ends with a bare LF")
        if self._state == S_CHUNK_SIZE:
            return InvalidChunk("a chunk-size line ends with a bare LF")
        return InvalidHeader("a field line ends with a bare LF")

    cdef object _bad_start(self, str message):
        return BadRequestLine(message) if self._is_request else BadStatusLine(message)

    cdef Py_ssize_t _read_head(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n, bint* done
    ) except -1:
        cdef Py_ssize_t nxt, end
        done[0] = False
        if not self._begun:
            pos = self._skip_empty_lines(p, pos, n)
            if pos == n or p[pos] == 13:
                return pos
            self._begun = True
            if not self._interim:
                self._on_message_begin()
        while True:
            nxt = self._line_end(p, pos, n, &end)
            if nxt < 0:
                self._check_partial_head(p, pos, n)
                return pos
            if not self._started:
                if end - pos > self._max_line_size:
                    raise self._line_too_long()
                if self._is_request:
                    self._parse_request_line(p + pos, end - pos)
                else:
                    self._parse_status_line(p + pos, end - pos)
                self._started = True
            elif end > pos:
                self._add_field(p + pos, end - pos, self._max_field_size, True)
            else:
                done[0] = True
                return self._head_complete(nxt)
            pos = nxt

    cdef Py_ssize_t _skip_empty_lines(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n
    ) except -1:
        cdef unsigned char byte
        while pos < n:
            byte = p[pos]
            if byte == 13:
                if pos + 1 == n:
                    return pos
                if p[pos + 1] != 10:
                    raise self._bad_start("a bare CR before the start line")
                pos += 2
            elif byte == 10 and self.lenient:
                pos += 1
            else:
                break
        return pos

    cdef int _check_partial_head(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n
    ) except -1:
        cdef Py_ssize_t size = n - pos
        if not self._started:
            if size > self._max_line_size + 1:
                raise self._line_too_long()
            if self._is_request:
                _early.check_request_line(_bytes(p + pos, size), 0, size)
            else:
                _early.check_status_line(_bytes(p + pos, size), 0, size)
        else:
            if size > self._max_field_size + 1:
                raise LineTooLong(
                    f"a field line is longer than {self._max_field_size} bytes",
                    status=431,
                )
            _early.check_field_line(_bytes(p + pos, size), 0, size, self.lenient)
        return 0

    cdef object _line_too_long(self):
        if self._is_request:
            return LineTooLong(
                f"the request line is longer than {self._max_line_size} bytes",
                status=414,
            )
        return LineTooLong(
            f"the status line is longer than {self._max_line_size} bytes", status=400
        )

    cdef int _add_field(
        self, const unsigned char* p, Py_ssize_t n, Py_ssize_t limit, bint head
    ) except -1:
        """Parse one field line (RFC 9112 §5); see ``_base.Parser._add_field``."""
        cdef Py_ssize_t i = 0, name_len, start, stop, j
        cdef const unsigned char* table = self._value_table
        cdef bytes name, value, line
        cdef object key, length
        cdef tuple known
        if n > limit:
            raise LineTooLong(f"a field line is longer than {limit} bytes", status=431)
        if p[0] == 32 or p[0] == 9:
            return self._fold(_bytes(p, n), head)
        while i < n and TCHAR_TABLE[p[i]]:
            i += 1
        if i == n or p[i] != 58 or i == 0:
            line = _bytes(p, n)
            colon = line.find(b":")
            if colon < 0:
                raise InvalidHeader("a field line without a colon")
            raise InvalidHeader(f"invalid field name {line[:colon]!r}")
        name_len = i
        start = i + 1
        while start < n and (p[start] == 32 or p[start] == 9):
            start += 1
        stop = n
        while stop > start and (p[stop - 1] == 32 or p[stop - 1] == 9):
            stop -= 1
        for j in range(start, stop):
            if not table[p[j]]:
                raise InvalidHeader(
                    f"invalid byte in the value of {_bytes(p, name_len)!r}"
                )
        if self._fields is None:
            self._fields = []
            self._pairs = []
        elif len(self._fields) >= self._max_headers:
            raise TooManyHeaders(f"more than {self._max_headers} fields")
        known = _known_name(p, name_len)
        if known is not None:
            name = <bytes>known[0]
            key = known[1]
        else:
            name = _bytes(p, name_len)
            key = _latin1(p, name_len)
        value = _bytes(p + start, stop - start)
        self._fields.append((name, value))
        self._pairs.append((key, _latin1(p + start, stop - start)))
        if not head:
            return 0
        if name_len == 14 and _name_is(p, 14, b"content-length"):
            if self._cl is not None and not self.lenient:
                raise InvalidContentLength("Content-Length is repeated")
            length = self._decimal(p + start, stop - start)
            if length is None:
                length = _framing.content_length((value,), self.lenient)
            if self._cl is None:
                self._cl = [value]
            else:
                self._cl.append(value)
            self._cl_value = length
        elif name_len == 17 and _name_is(p, 17, b"transfer-encoding"):
            if self._te is None:
                self._te = [value]
            else:
                self._te.append(value)
        elif name_len == 10 and _name_is(p, 10, b"connection"):
            if self._conn is None:
                self._conn = [value]
            else:
                self._conn.append(value)
        elif name_len == 7 and _name_is(p, 7, b"upgrade"):
            self._has_upgrade = True
        return 0

    cdef object _decimal(self, const unsigned char* p, Py_ssize_t n):
        """A plain run of at most 18 digits as an int, else None (slow path)."""
        cdef long long value = 0
        cdef Py_ssize_t i
        if n == 0 or n > MAX_CONTENT_LENGTH_DIGITS:
            return None
        for i in range(n):
            if not 48 <= p[i] <= 57:
                return None
            value = value * 10 + (p[i] - 48)
        return value

    cdef int _fold(self, bytes line, bint head) except -1:
        # RFC 9112 §5.2: obs-fold; see _base.Parser._add_field.
        cdef Py_ssize_t j
        if not self._fields or not self.lenient:
            raise InvalidHeader("a field line starts with whitespace (obs-fold)")
        value = line.strip(b" \t")
        for j in range(len(value)):
            if not self._value_table[<unsigned char>value[j]]:
                raise InvalidHeader("invalid byte in a field value")
        last = len(self._fields) - 1
        name, previous = self._fields[last]
        folded = previous + b" " + value if previous else value
        lname = name.lower()
        if lname in (b"content-length", b"transfer-encoding"):
            raise InvalidHeader(f"obs-fold in {name!r}, which frames the body")
        if head and lname == b"connection" and self._conn is not None:
            self._conn[len(self._conn) - 1] = folded
        self._fields[last] = (name, folded)
        self._pairs[last] = (self._pairs[last][0], folded.decode("latin-1"))
        return 0

    cdef int _connection_flags(self, list conn) except -1:
        """C_CLOSE, C_KEEP_ALIVE and C_UPGRADE as named by Connection fields."""
        cdef bytes value
        cdef const unsigned char* v
        cdef Py_ssize_t n
        cdef int flags = 0
        if not conn:
            return 0
        if len(conn) == 1:
            value = conn[0]
            v = value
            n = len(value)
            if n == 10 and _name_is(v, 10, b"keep-alive"):
                return C_KEEP_ALIVE
            if n == 5 and _name_is(v, 5, b"close"):
                return C_CLOSE
            if n == 7 and _name_is(v, 7, b"upgrade"):
                return C_UPGRADE
        tokens = _framing.connection_tokens(conn)
        if b"close" in tokens:
            flags |= C_CLOSE
        if b"keep-alive" in tokens:
            flags |= C_KEEP_ALIVE
        if b"upgrade" in tokens:
            flags |= C_UPGRADE
        return flags

    cdef bint _keep_alive_for(self, object version, int flags):
        # RFC 9112 §9.3 and appendix C.2.2; see _framing.keep_alive.
        if flags & C_CLOSE:
            return False
        if version is HttpVersion10:
            return bool(flags & C_KEEP_ALIVE)
        return True

    cdef Py_ssize_t _head_complete(self, Py_ssize_t pos) except -1:
        cdef tuple raw
        if self._fields is None:
            raw = ()
            headers = CIMultiDictProxy(CIMultiDict())
        else:
            raw = tuple(self._fields)
            headers = CIMultiDictProxy(CIMultiDict(self._pairs))
        cl, te, conn = self._cl, self._te, self._conn
        upgrade = self._has_upgrade
        self._fields = None
        self._pairs = None
        self._cl = None
        self._te = None
        self._conn = None
        self._has_upgrade = False
        if self._is_request:
            return self._dispatch_request(pos, raw, headers, cl, te, conn, upgrade)
        return self._dispatch_response(pos, raw, headers, cl, te, conn, upgrade)

    cdef Py_ssize_t _begin_body(self, int kind, object length, Py_ssize_t pos) except -1:
        if kind == K_LENGTH and length:
            self._remaining = <uint64_t>length
            self._state = S_BODY_LENGTH
        elif kind == K_CHUNKED:
            self._state = S_CHUNK_SIZE
        elif kind == K_UNTIL_CLOSE:
            self._state = S_UNTIL_CLOSE
        else:
            self._message_complete(None)
        return pos

    cdef int _message_complete(self, object trailers) except -1:
        self._begun = False
        self._started = False
        if self._upgrade:
            self._state = S_HANDED_OVER
        elif self._keep_alive:
            self._state = S_HEAD
        else:
            self._state = S_CLOSED
        self._on_message_complete(trailers)
        return 0

    cdef Py_ssize_t _read_chunk_size(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n
    ) except -1:
        cdef Py_ssize_t nxt, end, i, digits
        cdef uint64_t size = 0
        nxt = self._line_end(p, pos, n, &end)
        if nxt < 0:
            i = pos
            while i < n and i - pos <= self._max_chunk_size_digits and HEX_TABLE[p[i]]:
                i += 1
            if i - pos > self._max_chunk_size_digits:
                raise ChunkTooLarge("a chunk size has too many digits")
            if n - pos > self._max_field_size + 1:
                raise InvalidChunk("a chunk-size line is too long")
            return pos
        if end - pos > self._max_field_size:
            raise InvalidChunk("a chunk-size line is too long")
        i = pos
        while i < end and HEX_TABLE[p[i]]:
            i += 1
        digits = i - pos
        if i != end or digits == 0:
            # Extensions (or an error): the grammar is the shared regex.
            line = _bytes(p + pos, end - pos)
            match = self._chunk_line.fullmatch(line)
            if match is None:
                raise InvalidChunk(f"invalid chunk-size line {line[:40]!r}")
            digits = len(match.group(1))
        if digits > self._max_chunk_size_digits:
            raise ChunkTooLarge("a chunk size has too many digits")
        for i in range(pos, pos + digits):
            size = (size << 4) | (HEX_TABLE[p[i]] - 1)
        if size:
            self._remaining = size
            self._state = S_CHUNK_DATA
        else:
            self._section_size = 0
            self._state = S_TRAILERS
        return nxt

    cdef Py_ssize_t _read_trailers(
        self, const unsigned char* p, Py_ssize_t pos, Py_ssize_t n
    ) except -1:
        """The trailer section after the last chunk (RFC 9112 §7.1.2)."""
        cdef Py_ssize_t nxt, end
        while True:
            nxt = self._line_end(p, pos, n, &end)
            if nxt < 0:
                if self._section_size + n - pos > self._max_trailer_size + 1:
                    raise self._trailers_too_large()
                return pos
            self._section_size += nxt - pos
            if self._section_size > self._max_trailer_size:
                raise self._trailers_too_large()
            if end == pos:
                pos = nxt
                break
            self._add_field(p + pos, end - pos, self._max_trailer_size, False)
            pos = nxt
        trailers = None
        if self._fields:
            trailers = CIMultiDictProxy(CIMultiDict(self._pairs))
        self._fields = None
        self._pairs = None
        self._message_complete(trailers)
        return pos

    cdef object _trailers_too_large(self):
        return LineTooLong(
            f"the trailer section is larger than {self._max_trailer_size} bytes",
            status=431,
        )

    # -- what requests and responses do differently (see _cstart.pxi) -------

    cdef int _parse_request_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        raise NotImplementedError

    cdef int _parse_status_line(self, const unsigned char* p, Py_ssize_t n) except -1:
        raise NotImplementedError

    cdef Py_ssize_t _dispatch_request(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        raise NotImplementedError

    cdef Py_ssize_t _dispatch_response(
        self, Py_ssize_t pos, tuple raw, object headers, list cl, list te, list conn,
        bint upgrade,
    ) except -1:
        raise NotImplementedError
