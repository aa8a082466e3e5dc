from __future__ import annotations

import contextlib
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aioweb.protocol.etag import (
    ETAG_ANY,
    ETag,
    etag_matches,
    parse_etag,
    parse_etag_list,
    validate_etag_value,
)

# A loaded machine must not turn a slow example into a failure.
relaxed = settings(deadline=None)

# etagc, RFC 9110 §8.8.3, with obs-text as latin-1 characters.
ETAGC = [chr(c) for c in (0x21, *range(0x23, 0x7F), *range(0x80, 0x100))]
opaque = st.text(alphabet=st.sampled_from(ETAGC))


def test_str_is_the_wire_form() -> None:
    assert str(ETag("abc")) == '"abc"'
    assert str(ETag("abc", is_weak=True)) == 'W/"abc"'
    assert str(ETag("")) == '""'
    assert str(ETag(ETAG_ANY)) == "*"


def test_frozen_and_hashable() -> None:
    tag = ETag("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        tag.value = "b"  # type: ignore[misc]
    assert {tag, ETag("a")} == {ETag("a")}
    assert ETag("a") != ETag("a", is_weak=True)


@pytest.mark.parametrize("value", ['a"b', "a b", "a\tb", "a\r\nb", "\x7f", "€", "\x00"])
def test_invalid_values_are_rejected(value: str) -> None:
    with pytest.raises(ValueError, match="not a valid entity-tag"):
        validate_etag_value(value)
    with pytest.raises(ValueError, match="not a valid entity-tag"):
        ETag(value)


@pytest.mark.parametrize(
    "value", ["", "abc", "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "é\xff"]
)
def test_valid_values(value: str) -> None:
    validate_etag_value(value)
    assert ETag(value).value == value


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ('"xyzzy"', ETag("xyzzy")),
        ('W/"xyzzy"', ETag("xyzzy", is_weak=True)),
        ('""', ETag("")),
        ('  "a"\t', ETag("a")),
    ],
)
def test_parse_etag(field: str, expected: ETag) -> None:
    assert parse_etag(field) == expected


@pytest.mark.parametrize(
    "field", ["xyzzy", '"a', 'a"', 'w/"a"', 'W/ "a"', '"a" "b"', '"a", "b"', "*", ""]
)
def test_parse_etag_rejects(field: str) -> None:
    with pytest.raises(ValueError, match="Malformed entity-tag"):
        parse_etag(field)


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("*", (ETag("*"),)),
        (" * ", (ETag("*"),)),
        ('"xyzzy"', (ETag("xyzzy"),)),
        # RFC 9110 §13.1.1's examples.
        (
            '"xyzzy", "r2d2xxxx", "c3piozzzz"',
            (ETag("xyzzy"), ETag("r2d2xxxx"), ETag("c3piozzzz")),
        ),
        ('W/"xyzzy", W/"r2d2xxxx"', (ETag("xyzzy", True), ETag("r2d2xxxx", True))),
        # Empty list elements are allowed (RFC 9110 §5.6.1).
        (',"a",, "b" ,\t', (ETag("a"), ETag("b"))),
        ('"a,b"', (ETag("a,b"),)),
        ("", ()),
        (" , ", ()),
    ],
)
def test_parse_etag_list(field: str, expected: tuple[ETag, ...]) -> None:
    assert parse_etag_list(field) == expected


@pytest.mark.parametrize(
    "field",
    [
        "xyzzy",
        '"a" "b"',
        '"a", b',
        '*, "a"',
        '"a", *',
        "**",
        '"a',
        'W/ "a"',
        '"a"x',
        '"a"\n',
        '"a";"b"',
        '"caf\u20ac"',
    ],
)
def test_parse_etag_list_rejects_the_whole_list(field: str) -> None:
    with pytest.raises(ValueError, match="Malformed entity-tag list"):
        parse_etag_list(field)


def test_comparison_table() -> None:
    # RFC 9110 §8.8.3.2's table.
    w1, w2, s1 = ETag("1", True), ETag("2", True), ETag("1")
    assert not w1.strong_equals(w1)
    assert w1.weak_equals(w1)
    assert not w1.strong_equals(w2)
    assert not w1.weak_equals(w2)
    assert not w1.strong_equals(s1)
    assert w1.weak_equals(s1)
    assert s1.strong_equals(ETag("1"))
    assert s1.weak_equals(ETag("1"))


def test_etag_matches() -> None:
    current = ETag("v1")
    weak_current = ETag("v1", is_weak=True)
    tags = parse_etag_list('"v0", W/"v1"')
    assert not etag_matches(tags, current, weak=False)
    assert etag_matches(tags, current, weak=True)
    assert not etag_matches(tags, weak_current, weak=False)
    assert etag_matches(parse_etag_list('"v1"'), current, weak=False)
    assert not etag_matches(tags, None, weak=True)
    assert not etag_matches((), current, weak=True)


def test_wildcard_matches_any_current_representation() -> None:
    anything = parse_etag_list("*")
    assert anything[0].is_any
    assert etag_matches(anything, ETag("x", is_weak=True), weak=False)
    assert not etag_matches(anything, None, weak=False)
    assert not ETag("*", is_weak=True).is_any


# "*" alone is the wildcard, written bare; it is tested above.
@relaxed
@given(st.lists(st.tuples(opaque.filter(lambda v: v != "*"), st.booleans())))
def test_list_round_trip(items: list[tuple[str, bool]]) -> None:
    tags = tuple(ETag(value, weak) for value, weak in items)
    field = ", ".join(str(tag) for tag in tags)
    assert parse_etag_list(field) == tags


@relaxed
@given(st.text())
def test_parsing_raises_only_value_error(field: str) -> None:
    for parse in (parse_etag, parse_etag_list):
        with contextlib.suppress(ValueError):
            parse(field)
