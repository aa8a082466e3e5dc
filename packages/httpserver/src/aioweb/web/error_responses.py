"""The responses the server makes itself: error answers and HTTP exceptions.

An :class:`~aioweb.web.HTTPException` is not a response (see
:mod:`.http_exceptions`); :func:`response_from_exception` makes the one it
describes. :func:`error_response` is the plain-text answer for a status the
server decides on (a malformed request, a failed handler).
"""

from __future__ import annotations

import traceback

from .http_exceptions import HTTPException
from .response import Response

__all__ = ("error_response", "response_from_exception")


def error_response(
    status: int, *, exc: BaseException | None = None, debug: bool = False
) -> Response:
    """The plain-text answer the server sends for an error status."""
    response = Response(status=status)
    text = f"{status}: {response.reason}"
    if debug and exc is not None:
        text += "\n\n" + "".join(traceback.format_exception(exc))
    response.text = text
    return response


def response_from_exception(exc: HTTPException) -> Response:
    """The response an :class:`HTTPException` describes."""
    response = Response(status=exc.status_code, reason=exc.reason, headers=exc.headers)
    if exc.text is not None:
        response.body = exc.text.encode(response.charset or "utf-8")
    elif exc.body is not None:
        response.body = exc.body
    return response
