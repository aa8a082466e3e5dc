"""The grammar of HTTP/1.1 messages, as byte sets and regular expressions.

Each rule sits under the ABNF it implements (RFC 9110, RFC 9112, RFC 5234).
The pure-Python parser uses the regular expressions; the compiled parser uses
the byte sets, turned into lookup tables.
"""

from __future__ import annotations

import re

__all__ = (
    "TCHAR",
    "FIELD_VCHAR",
    "TARGET_CHAR",
    "TOKEN_RE",
    "REQUEST_LINE_RE",
    "HTTP_VERSION_RE",
    "STATUS_LINE_RE",
    "FIELD_VALUE_BAD_RE",
    "FIELD_VALUE_BAD_LENIENT_RE",
    "CHUNK_LINE_RE",
    "CHUNK_LINE_LENIENT_RE",
    "TCHAR_BYTES",
    "FIELD_BYTES",
)

# RFC 5234 appendix B.1:
#   DIGIT = %x30-39 ; ALPHA = %x41-5A / %x61-7A ; VCHAR = %x21-7E
#   HTAB = %x09 ; SP = %x20 ; CR = %x0D ; LF = %x0A
# RFC 9110 §5.6.2:
#   token = 1*tchar
#   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
#           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
_TCHAR = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
TCHAR = frozenset(
    b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
TOKEN_RE = re.compile(rb"[" + _TCHAR + rb"]+")

# RFC 9110 §5.5:
#   field-value   = *field-content
#   field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
#   field-vchar   = VCHAR / obs-text
#   obs-text      = %x80-FF
# Leading and trailing OWS is not part of the value (RFC 9112 §5.1), so a
# value is valid when, after stripping SP and HTAB, it holds only SP, HTAB
# and field-vchar: the regex finds any other byte.
FIELD_VCHAR = frozenset(range(0x21, 0x7F)) | frozenset(range(0x80, 0x100))
FIELD_VALUE_BAD_RE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
# Lenient mode lets other control bytes through (servers do send them, in
# cookies say) but never NUL, CR or LF, which change how a line is read.
FIELD_VALUE_BAD_LENIENT_RE = re.compile(rb"[\x00\r\n]")

# The same two sets as bytes, for bytes.translate(None, delete): what is
# left after deleting the allowed bytes is what is wrong.
TCHAR_BYTES = bytes(sorted(TCHAR))
FIELD_BYTES = bytes(sorted(FIELD_VCHAR | {9, 32}))

# RFC 9112 §3:
#   request-line   = method SP request-target SP HTTP-version
#   method         = token
# RFC 9112 §3.2: request-target forms use only visible ASCII, so any VCHAR is
# accepted here and the form is left to the layer above; no SP, no CTL, no
# obs-text (RFC 3986 §2 has no use for them). Except "#": none of the four
# forms has a fragment (origin-form is absolute-path [ "?" query ], and
# absolute-URI excludes one, RFC 3986 §4.3), and a raw "#" is what a
# fragment would start with; recipients that cut the target there and those
# that keep it would route the request to two different resources.
TARGET_CHAR = frozenset(range(0x21, 0x7F)) - {0x23}
_TARGET = rb"[\x21\x22\x24-\x7e]"
REQUEST_LINE_RE = re.compile(
    rb"([" + _TCHAR + rb"]+) (" + _TARGET + rb"+) (HTTP/[0-9]\.[0-9])"
)

# RFC 9112 §2.3:
#   HTTP-version = HTTP-name "/" DIGIT "." DIGIT
#   HTTP-name    = %s"HTTP"      ; case-sensitive
HTTP_VERSION_RE = re.compile(rb"HTTP/([0-9])\.([0-9])")

# RFC 9112 §4:
#   status-line   = HTTP-version SP status-code SP [ reason-phrase ]
#   status-code   = 3DIGIT
#   reason-phrase = 1*( HTAB / SP / VCHAR / obs-text )
# A status line without the SP after the code is accepted: servers send it,
# and it is not ambiguous.
STATUS_LINE_RE = re.compile(
    rb"(HTTP/[0-9]\.[0-9]) ([1-9][0-9][0-9])(?: ([\t\x20-\x7e\x80-\xff]*))?"
)

# RFC 9112 §7.1 and §7.1.1:
#   chunk-size = 1*HEXDIG
#   chunk-ext  = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
#   chunk-ext-name = token
#   chunk-ext-val  = token / quoted-string
# RFC 9110 §5.6.4:
#   quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
#   qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
#   quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
# Strict mode takes no BWS at all: whitespace after a chunk size is a known
# smuggling vector and no sender needs it. Lenient mode takes BWS.
_QUOTED = rb'"(?:[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t \x21-\x7e\x80-\xff])*"'
_EXT_VAL = rb"(?:[" + _TCHAR + rb"]+|" + _QUOTED + rb")"
CHUNK_LINE_RE = re.compile(
    rb"([0-9A-Fa-f]+)(?:;[" + _TCHAR + rb"]+(?:=" + _EXT_VAL + rb")?)*"
)
CHUNK_LINE_LENIENT_RE = re.compile(
    rb"([0-9A-Fa-f]+)[ \t]*(?:;[ \t]*["
    + _TCHAR
    + rb"]+(?:[ \t]*=[ \t]*"
    + _EXT_VAL
    + rb")?[ \t]*)*"
)
