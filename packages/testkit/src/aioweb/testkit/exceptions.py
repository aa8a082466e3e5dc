"""The testkit's errors.

::

    TestkitError
    ├── MissingExtraError (also ImportError)   a fixture or class needs an extra
    │                                          or a feature not installed yet
    └── FakeServerError                        a fake server was misused or its
        │                                      script went wrong
        └── BadRequest                         a request a fake server could not
                                               frame (recorded, answered 400/431)

None of these is a protocol error: the fake servers answer bad requests on the
wire (400, 431) and record them, they do not raise at the client.
"""

from __future__ import annotations

__all__ = ("FakeServerError", "MissingExtraError", "TestkitError")


class TestkitError(Exception):
    """The root of every error raised by ``aioweb.testkit``."""

    __test__ = False  # a class named Test* is not a test case for pytest


class MissingExtraError(TestkitError, ImportError):
    """A testkit feature needs a distribution, or a part of one, not installed.

    The message names the extra to install (``aioweb-testkit[server]``, say)
    and the names that were looked for, so the fix is in the message.
    """


class FakeServerError(TestkitError):
    """A fake server was used wrongly (started twice, say) or its script failed."""
