"""Typed keys for state: ``app[AppKey("db", Database)]``.

A key carries the type of its value, so ``app[key]`` type-checks as that type
without a cast. String keys still work (aiohttp 3.x code uses them) but draw a
:class:`NotAppKeyWarning` when stored in an application. Requests and
responses hold state the same way, with :class:`RequestKey` and
:class:`ResponseKey`.
"""

from __future__ import annotations

import sys
from typing import Any, Final, Generic, TypeVar, final

_T = TypeVar("_T")


class NotAppKeyWarning(UserWarning):
    """A plain ``str`` was used as a key of application state."""


class BaseKey(Generic[_T]):
    """A key of typed state; subclassed once per kind of state holder.

    Keys compare by identity: two keys with the same name are different keys,
    so two libraries cannot clash by choosing the same name.

    Args:
        name: a name for people (shown in ``repr``).
        t: the type of the value, for ``repr`` and for readers; static
            checkers take it from the annotation ``AppKey[T]`` or from ``t``.
    """

    __slots__ = ("__orig_class__", "_name", "_t")

    def __init__(self, name: str, t: type[_T] | None = None) -> None:
        # The module that made the key, found from the caller's frame, makes
        # the repr say where the key lives (``<AppKey(app.db, type=Pool)>``).
        # Subclasses add no __init__, so frame 1 is the caller.
        frame = sys._getframe(1)
        module: str = frame.f_globals.get("__name__", "")
        while module in ("typing", "__main__.typing"):  # Generic's __call__
            frame = frame.f_back  # type: ignore[assignment]
            module = frame.f_globals.get("__name__", "")
        self._name = f"{module}.{name}" if module else name
        self._t = t

    @property
    def name(self) -> str:
        """The key's name, qualified by the module that created it."""
        return self._name

    def __lt__(self, other: object) -> bool:
        # Sorting a mapping that mixes AppKeys and str keys must not fail.
        if isinstance(other, BaseKey):
            return self._name < other._name
        return True

    def __gt__(self, other: object) -> bool:
        # The mirror of __lt__, so that ``"str" < key`` is answered too.
        if isinstance(other, BaseKey):
            return self._name > other._name
        return False

    def __repr__(self) -> str:
        t: Any = self._t
        if t is None:
            orig: Any = getattr(self, "__orig_class__", None)
            args = getattr(orig, "__args__", None)
            if args:
                t = args[0]
        if t is None:
            shown = "<<Unknown>>"
        elif isinstance(t, type):
            shown = (
                t.__qualname__
                if t.__module__ == "builtins"
                else (f"{t.__module__}.{t.__qualname__}")
            )
        else:
            shown = repr(t)
        return f"<{type(self).__name__}({self._name}, type={shown})>"


@final
class AppKey(BaseKey[_T]):
    """A key of :class:`~aioweb.web.Application` state."""

    __slots__ = ()


@final
class RequestKey(BaseKey[_T]):
    """A key of a request's state (``request[key]``)."""

    __slots__ = ()


@final
class ResponseKey(BaseKey[_T]):
    """A key of a response's state (``response[key]``)."""

    __slots__ = ()


#: The warning's text; its first line is aiohttp's, so warning filters carry over.
NOT_APP_KEY_MESSAGE: Final = (
    "It is recommended to use web.AppKey instances for keys.\n"
    "A str key can clash with another library's; an AppKey cannot."
)

__all__ = ("AppKey", "BaseKey", "NotAppKeyWarning", "RequestKey", "ResponseKey")
