from __future__ import annotations

import aioweb.testkit
import aioweb.testkit.fake

PUBLIC = {
    "__version__",
    "FakeServer",
    "FakeWebSocketServer",
    "FakeServerFactory",
    "FakeListener",
    "TLSCertificates",
    "RecordedRequest",
    "RecordedFrame",
    "BadRequest",
    "Action",
    "Reply",
    "RawReply",
    "Hang",
    "End",
    "Script",
    "Handler",
    "Message",
    "MessageHandler",
    "truncated",
    "reset_mid_response",
    "malformed_status_line",
    "malformed_header",
    "oversized_headers",
    "gzip_bomb",
    "redirect",
    "redirect_loop",
    "routes",
    "loop_context",
    "loop_factories",
    "LoopFactory",
    "LOOP_NAMES",
    "unused_port",
    "get_unused_port_socket",
    "RawConnection",
    "RawResponse",
    "open_raw_connection",
    "BaseTestServer",
    "TestServer",
    "RawTestServer",
    "TestClient",
    "make_mocked_request",
    "AioWebTestCase",
    "TestkitError",
    "MissingExtraError",
    "FakeServerError",
}


def test_public_names_are_exactly_the_curated_ones() -> None:
    assert set(aioweb.testkit.__all__) == PUBLIC
    assert len(aioweb.testkit.__all__) == len(PUBLIC)


def test_every_public_name_resolves() -> None:
    for name in aioweb.testkit.__all__:
        assert getattr(aioweb.testkit, name) is not None


def test_fake_package_names_are_all_reexported() -> None:
    assert set(aioweb.testkit.fake.__all__) <= PUBLIC


def test_exception_hierarchy_has_one_root() -> None:
    from aioweb.testkit import (
        BadRequest,
        FakeServerError,
        MissingExtraError,
        TestkitError,
    )

    assert issubclass(MissingExtraError, TestkitError)
    assert issubclass(MissingExtraError, ImportError)
    assert issubclass(FakeServerError, TestkitError)
    assert issubclass(BadRequest, FakeServerError)


def test_server_side_names_come_from_their_modules() -> None:
    import aioweb.testkit.client
    import aioweb.testkit.mocking
    import aioweb.testkit.server
    import aioweb.testkit.unittest_case

    for module, name in [
        (aioweb.testkit.server, "BaseTestServer"),
        (aioweb.testkit.server, "TestServer"),
        (aioweb.testkit.server, "RawTestServer"),
        (aioweb.testkit.client, "TestClient"),
        (aioweb.testkit.mocking, "make_mocked_request"),
        (aioweb.testkit.unittest_case, "AioWebTestCase"),
    ]:
        assert getattr(aioweb.testkit, name) is getattr(module, name)
        assert name in module.__all__


def test_unknown_attribute_is_an_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="NoSuchName"):
        aioweb.testkit.NoSuchName  # noqa: B018
