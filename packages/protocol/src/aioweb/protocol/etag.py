"""Entity tags: the ``ETag``, ``If-Match`` and ``If-None-Match`` fields.

RFC 9110 §8.8.3::

    ETag       = entity-tag
    entity-tag = [ weak ] opaque-tag
    weak       = %s"W/"
    opaque-tag = DQUOTE *etagc DQUOTE
    etagc      = %x21 / %x23-7E / obs-text

and §13.1.1, §13.1.2::

    If-Match      = "*" / #entity-tag
    If-None-Match = "*" / #entity-tag

Parsing here is strict: a list with anything but entity-tags, commas and
optional whitespace is rejected as a whole, so a server never acts on the
half of a condition it happened to understand. As in aiohttp, the wildcard
``*`` is given as an :class:`ETag` whose value is :data:`ETAG_ANY`; the
quoted tag ``"*"``, legal but never seen in practice, reads the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

__all__ = (
    "ETAG_ANY",
    "ETag",
    "etag_matches",
    "parse_etag",
    "parse_etag_list",
    "validate_etag_value",
)

#: The value of the wildcard ``*`` of ``If-Match`` and ``If-None-Match``.
ETAG_ANY: Final = "*"

# etagc, RFC 9110 §8.8.3; obs-text is read as latin-1 characters.
_ETAGC: Final = r"[\x21\x23-\x7e\x80-\xff]"
_ETAGC_RE: Final = re.compile(f"{_ETAGC}*")
# One entity-tag, and the list grammar of RFC 9110 §5.6.1 around it: empty
# elements between commas are allowed and ignored.
_ENTITY_TAG: Final = rf'(?P<weak>W/)?"(?P<value>{_ETAGC}*)"'
_ENTITY_TAG_RE: Final = re.compile(_ENTITY_TAG)
_LIST_ITEM_RE: Final = re.compile(rf"[ \t]*(?:{_ENTITY_TAG})?[ \t]*(?:,|\Z)")


def validate_etag_value(value: str) -> None:
    """Check that ``value`` can go between the quotes of an entity-tag.

    Args:
        value: the opaque tag, without quotes or ``W/``.

    Raises:
        ValueError: ``value`` holds a character that ``etagc`` excludes
            (a double quote, a space, a control character, or a character
            beyond latin-1).
    """
    if not _ETAGC_RE.fullmatch(value):
        raise ValueError(f"Value {value!r} is not a valid entity-tag")


@dataclass(frozen=True, slots=True)
class ETag:
    """An entity-tag: an opaque validator of a representation.

    Args:
        value: the opaque tag, without its quotes; :data:`ETAG_ANY` stands
            for the ``*`` of ``If-Match`` and ``If-None-Match``.
        is_weak: whether the tag was sent with the ``W/`` prefix.

    Raises:
        ValueError: ``value`` is not valid between quotes.

    Example::

        >>> tag = ETag("xyzzy", is_weak=True)
        >>> str(tag)
        'W/"xyzzy"'
        >>> parse_etag('W/"xyzzy"') == tag
        True
    """

    value: str
    is_weak: bool = False

    def __post_init__(self) -> None:
        validate_etag_value(self.value)

    def __str__(self) -> str:
        # The field value, as it goes on the wire.
        if self.is_any:
            return ETAG_ANY
        return f'{"W/" if self.is_weak else ""}"{self.value}"'

    @property
    def is_any(self) -> bool:
        """True for the ``*`` wildcard."""
        return self.value == ETAG_ANY and not self.is_weak

    def strong_equals(self, other: ETag) -> bool:
        """Strong comparison, RFC 9110 §8.8.3.2: both strong, same value."""
        return not self.is_weak and not other.is_weak and self.value == other.value

    def weak_equals(self, other: ETag) -> bool:
        """Weak comparison, RFC 9110 §8.8.3.2: same value, weakness ignored."""
        return self.value == other.value


def parse_etag(field_value: str) -> ETag:
    """Parse the value of an ``ETag`` field.

    Args:
        field_value: such as ``"abc"`` or ``W/"abc"``, quotes included.

    Returns:
        The entity-tag.

    Raises:
        ValueError: the value is not exactly one entity-tag.
    """
    match = _ENTITY_TAG_RE.fullmatch(field_value.strip(" \t"))
    if match is None:
        raise ValueError(f"Malformed entity-tag: {field_value!r}")
    return ETag(match["value"], is_weak=match["weak"] is not None)


def parse_etag_list(field_value: str) -> tuple[ETag, ...]:
    """Parse the value of an ``If-Match`` or ``If-None-Match`` field.

    Args:
        field_value: ``*``, or a comma-separated list of entity-tags. Several
            field lines are joined with ``", "`` before parsing.

    Returns:
        The entity-tags in order; ``(ETag("*"),)`` for the wildcard. An empty
        value gives an empty tuple.

    Raises:
        ValueError: the value is not ``*`` nor a list of entity-tags (an
            unquoted tag, a ``*`` mixed with tags, a stray character).
    """
    stripped = field_value.strip(" \t")
    if stripped == ETAG_ANY:
        return (ETag(ETAG_ANY),)
    tags = []
    position = 0
    end = len(stripped)
    while position < end:
        match = _LIST_ITEM_RE.match(stripped, position)
        if match is None or match.end() == position:
            raise ValueError(f"Malformed entity-tag list: {field_value!r}")
        if match["value"] is not None:
            tags.append(ETag(match["value"], is_weak=match["weak"] is not None))
        position = match.end()
    return tuple(tags)


def etag_matches(
    condition: Iterable[ETag], current: ETag | None, *, weak: bool
) -> bool:
    """Whether a representation's tag is one of a condition's tags.

    ``If-Match`` compares strongly (RFC 9110 §13.1.1), ``If-None-Match``
    weakly (§13.1.2). The wildcard matches any current representation.

    Args:
        condition: the tags parsed from the request's field.
        current: the tag of the selected representation, or ``None`` if
            there is none.
        weak: use weak comparison instead of strong.

    Returns:
        True if any tag of ``condition`` matches ``current``.
    """
    for tag in condition:
        if tag.is_any:
            if current is not None:
                return True
            continue
        if current is None:
            continue
        if tag.weak_equals(current) if weak else tag.strong_equals(current):
            return True
    return False
