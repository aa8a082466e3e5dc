"""A read-only mapping that looks a key up in several mappings in turn.

``request.config_dict`` is one: the current application's state first, then
each enclosing application's, so a sub-application sees its parents' values
unless it shadows them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast, final, overload

from .app_key import AppKey

_T = TypeVar("_T")
_U = TypeVar("_U")


@final
class ChainMapProxy(Mapping[str | AppKey[Any], Any]):
    """Look keys up in ``maps``, first hit wins.

    Args:
        maps: the mappings, most specific first.
    """

    __slots__ = ("_maps",)

    def __init__(self, maps: Iterable[Mapping[str | AppKey[Any], Any]]) -> None:
        self._maps = tuple(maps)

    def __init_subclass__(cls) -> None:
        raise TypeError(
            f"Inheritance class {cls.__name__} from ChainMapProxy is forbidden"
        )

    @overload
    def __getitem__(self, key: AppKey[_T]) -> _T: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: str | AppKey[_T]) -> Any:
        for mapping in self._maps:
            try:
                return mapping[key]
            except KeyError:
                pass
        raise KeyError(key)

    @overload  # type: ignore[override]
    def get(self, key: AppKey[_T], default: _U) -> _T | _U: ...

    @overload
    def get(self, key: AppKey[_T], default: None = ...) -> _T | None: ...

    @overload
    def get(self, key: str, default: Any = ...) -> Any: ...

    def get(self, key: str | AppKey[_T], default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __len__(self) -> int:
        return len(set().union(*self._maps))

    def __iter__(self) -> Iterator[str | AppKey[Any]]:
        seen: dict[str | AppKey[Any], None] = {}
        for mapping in reversed(self._maps):
            seen.update(dict.fromkeys(mapping))
        return iter(seen)

    def __contains__(self, key: object) -> bool:
        return any(key in mapping for mapping in self._maps)

    def __bool__(self) -> bool:
        return any(self._maps)

    def __repr__(self) -> str:
        return f"ChainMapProxy({', '.join(map(repr, self._maps))})"


def config_dict(apps: tuple[Mapping[Any, Any], ...], current: object) -> ChainMapProxy:
    """The ``config_dict`` of a request: ``current`` and the apps enclosing it.

    Args:
        apps: ``match_info.apps``, outermost first.
        current: ``match_info.current_app``.
    """
    index = next(i for i, app in enumerate(apps) if app is current)
    return ChainMapProxy(cast(Any, reversed(apps[: index + 1])))


__all__ = ("ChainMapProxy", "config_dict")
