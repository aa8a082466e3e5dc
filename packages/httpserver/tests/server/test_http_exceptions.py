"""The HTTP exception tree: plain exceptions that describe responses."""

from __future__ import annotations

import pickle
from http import HTTPStatus

import pytest

from aioweb import web
from aioweb.protocol import AiowebError
from aioweb.web.http_exceptions import exception_for_status


def test_tree() -> None:
    assert issubclass(web.HTTPException, AiowebError)
    assert not issubclass(web.HTTPException, web.StreamResponse)
    assert issubclass(web.HTTPNotFound, web.HTTPClientError)
    assert issubclass(web.HTTPClientError, web.HTTPError)
    assert issubclass(web.HTTPInternalServerError, web.HTTPServerError)
    assert issubclass(web.HTTPServerError, web.HTTPError)
    assert issubclass(web.HTTPOk, web.HTTPSuccessful)
    assert issubclass(web.HTTPFound, web.HTTPMove)
    assert issubclass(web.HTTPMove, web.HTTPRedirection)
    assert issubclass(web.HTTPNotModified, web.HTTPRedirection)
    assert not issubclass(web.HTTPNotModified, web.HTTPMove)


def test_every_class_has_the_standard_reason() -> None:
    for status in (200, 201, 204, 301, 302, 304, 400, 404, 413, 431, 500, 503, 511):
        cls = exception_for_status(status)
        assert cls is not None and cls.status_code == status
    assert exception_for_status(299) is None
    assert web.HTTPNotFound().reason == HTTPStatus(404).phrase


def test_defaults() -> None:
    exc = web.HTTPNotFound()
    assert (exc.status, exc.status_code, exc.reason) == (404, 404, "Not Found")
    assert exc.text == "404: Not Found"
    assert exc.content_type == "text/plain"
    assert str(exc) == "Not Found"
    assert repr(exc) == "<HTTPNotFound: Not Found>"


def test_arguments() -> None:
    exc = web.HTTPBadRequest(
        reason="Nope", text="details", headers={"X-A": "1"}, content_type="text/html"
    )
    assert (exc.reason, exc.text, exc.headers["X-A"]) == ("Nope", "details", "1")
    assert exc.headers["Content-Type"] == "text/html"
    exc = web.HTTPForbidden(body=b"\x00raw")
    assert exc.body == b"\x00raw" and exc.text is None
    with pytest.raises(ValueError):
        web.HTTPForbidden(body=b"a", text="b")
    with pytest.raises(TypeError):
        web.HTTPException()


def test_no_body_statuses() -> None:
    for cls in (web.HTTPNoContent, web.HTTPResetContent, web.HTTPNotModified):
        exc = cls(text="ignored", headers={"Content-Type": "text/plain"})
        assert exc.text is None and exc.body is None
        assert "Content-Type" not in exc.headers


def test_redirects_need_a_location() -> None:
    exc = web.HTTPSeeOther("/there")
    assert exc.location == "/there" and exc.headers["Location"] == "/there"
    with pytest.raises(ValueError):
        web.HTTPFound("")


def test_method_not_allowed_sets_allow() -> None:
    exc = web.HTTPMethodNotAllowed("put", ["POST", "GET"])
    assert exc.method == "PUT"
    assert exc.allowed_methods == {"GET", "POST"}
    assert exc.headers["Allow"] == "GET,POST"


def test_request_entity_too_large() -> None:
    exc = web.HTTPRequestEntityTooLarge(max_size=10, actual_size=20)
    assert exc.text == "Maximum request body size 10 exceeded, actual body size 20"
    assert (exc.max_size, exc.actual_size) == (10, 20)


def test_unavailable_for_legal_reasons_link() -> None:
    exc = web.HTTPUnavailableForLegalReasons("https://authority.example/")
    assert exc.headers["Link"] == '<https://authority.example/>; rel="blocked-by"'
    assert web.HTTPUnavailableForLegalReasons(None).link is None


def test_pickle_round_trip() -> None:
    exc = pickle.loads(pickle.dumps(web.HTTPFound("/x", text="moved")))
    assert isinstance(exc, web.HTTPFound)
    assert (exc.location, exc.text, exc.headers["Location"]) == ("/x", "moved", "/x")
