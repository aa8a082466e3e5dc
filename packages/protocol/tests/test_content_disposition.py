"""Content-Disposition: building both dialects, parsing, and file names."""

from __future__ import annotations

import pytest

from aioweb.protocol import (
    content_disposition_filename,
    content_disposition_header,
    parse_content_disposition,
)


def test_form_data_quoting_follows_rfc7578() -> None:
    value = content_disposition_header(
        "form-data", name="field", filename='we"ird\r\nname ü.txt'
    )
    assert value == ('form-data; name="field"; filename="we%22ird%0D%0Aname ü.txt"')
    assert "\r" not in value and "\n" not in value
    disptype, params = parse_content_disposition(value)
    assert disptype == "form-data"
    assert params == {"name": "field", "filename": 'we"ird\r\nname ü.txt'}


def test_attachment_ascii_and_unicode_names() -> None:
    assert content_disposition_header("attachment", filename="a b.txt") == (
        'attachment; filename="a b.txt"'
    )
    assert content_disposition_header("attachment", filename='q"\\') == (
        'attachment; filename="q\\"\\\\"'
    )
    value = content_disposition_header("attachment", filename="€ rates.pdf")
    assert value == (
        "attachment; filename=\"_ rates.pdf\"; filename*=utf-8''%E2%82%AC%20rates.pdf"
    )
    _, params = parse_content_disposition(value)
    assert content_disposition_filename(params) == "€ rates.pdf"
    assert params["filename"] == "_ rates.pdf"


def test_cr_lf_in_attachment_values_are_percent_encoded() -> None:
    value = content_disposition_header("inline", filename="a\r\nSet-Cookie: x")
    assert "\r" not in value and "\n" not in value
    _, params = parse_content_disposition(value)
    assert content_disposition_filename(params) == "a\r\nSet-Cookie: x"


def test_unquoted_tokens_when_asked() -> None:
    assert content_disposition_header(
        "inline", quote_fields=False, a="tok", b="x y"
    ) == ('inline; a=tok; b="x y"')


@pytest.mark.parametrize(
    ("disptype", "params"),
    [
        ("bad type", {}),
        ("", {}),
        ("inline", {"bad key": "v"}),
        ("form-data", {"n": "\x00"}),
    ],
)
def test_invalid_arguments(disptype: str, params: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        content_disposition_header(disptype, **params)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline", ("inline", {})),
        ("ATTACHMENT; FileName=foo.html", ("attachment", {"filename": "foo.html"})),
        (
            'attachment; filename="f\\"oo.html"',
            ("attachment", {"filename": 'f"oo.html'}),
        ),
        (
            'attachment; filename="a;b.txt"; size=3',
            ("attachment", {"filename": "a;b.txt", "size": "3"}),
        ),
        (
            "attachment; filename*=iso-8859-1'en'%A3%20rates",
            ("attachment", {"filename*": "£ rates"}),
        ),
        ("attachment; filename*=UTF-8''%FF%FE", ("attachment", {})),  # invalid UTF-8
        ("attachment; filename*=unknown''x", ("attachment", {})),
        ("attachment; bad; filename=ok.txt", ("attachment", {"filename": "ok.txt"})),
        ("attachment; filename=100%22.txt", ("attachment", {"filename": "100%22.txt"})),
        ('form-data; name="x%22y"', ("form-data", {"name": 'x"y'})),
        # Browsers do not backslash-escape in form-data (RFC 7578 §4.2).
        (
            'form-data; name="f"; filename="C:\\dir\\a.txt"',
            ("form-data", {"name": "f", "filename": "C:\\dir\\a.txt"}),
        ),
        ('form-data; name="\\"; x=1', ("form-data", {"name": "\\", "x": "1"})),
        ("", (None, {})),
        ("inva lid; filename=x", (None, {})),
        ('"quoted"', (None, {})),
    ],
)
def test_parse(header: str, expected: tuple[str | None, dict[str, str]]) -> None:
    assert parse_content_disposition(header) == expected


def test_rfc2231_continuations() -> None:
    _, params = parse_content_disposition(
        'attachment; filename*0="foo."; filename*1="html"'
    )
    assert params == {"filename": "foo.html"}
    _, params = parse_content_disposition(
        "attachment; filename*0*=UTF-8''%E2%82; filename*1*=%AC; filename*2=.txt"
    )
    assert content_disposition_filename(params) == "€.txt"
    _, params = parse_content_disposition('attachment; filename*1="gap"')
    assert params == {}


def test_filename_prefers_extended() -> None:
    assert content_disposition_filename({"filename": "a"}) == "a"
    assert content_disposition_filename({"filename*": "b", "filename": "a"}) == "b"
    assert content_disposition_filename({"name": "n"}, "name") == "n"
    assert content_disposition_filename({}) is None
