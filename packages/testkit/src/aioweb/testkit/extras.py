"""Checks that the optional parts a testkit feature needs are installed.

The testkit installs with aioweb-protocol alone. Test servers need the server
(``aioweb-testkit[server]``), test clients the client, TLS fakes ``trustme``
(``aioweb-testkit[tls]``). A feature calls :func:`require` first, so a missing
piece fails with a message naming the extra to install instead of an
``AttributeError`` deep inside a fixture.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType

from .exceptions import MissingExtraError

__all__ = ("require",)


def require(
    feature: str, module: str, names: Iterable[str] = (), *, extra: str
) -> ModuleType:
    """Import ``module`` and check that it defines ``names``.

    Args:
        feature: what needs it, for the message (a fixture or class name).
        module: the module to import, ``"aioweb.web"`` say.
        names: attributes ``module`` must define.
        extra: the ``aioweb-testkit`` extra that installs ``module``.

    Returns:
        The imported module.

    Raises:
        MissingExtraError: ``module`` cannot be imported, or lacks some of
            ``names`` (an installed version that does not provide them yet).
    """
    try:
        imported = importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(
            f"{feature} needs aioweb-testkit[{extra}]: {module} cannot be "
            f"imported ({exc}); install it with "
            f"`pip install 'aioweb-testkit[{extra}]'`"
        ) from exc
    missing = [name for name in names if not hasattr(imported, name)]
    if missing:
        listed = ", ".join(f"{module}.{name}" for name in missing)
        raise MissingExtraError(
            f"{feature} needs aioweb-testkit[{extra}] with {listed}; the "
            f"installed {module} does not provide them"
        )
    return imported
