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

__all__ = (
    "CLIENT_CORE",
    "SERVER_CORE",
    "require",
    "require_client_core",
    "require_server_core",
)

#: The names of ``aioweb.web`` the test servers are built on.
SERVER_CORE = ("Application", "AppRunner", "ServerRunner", "Server", "SockSite")

#: The names of ``aioweb.client`` the test client is built on.
CLIENT_CORE = ("ClientSession", "CookieJar")


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


def require_server_core(feature: str) -> ModuleType:
    """Return ``aioweb.web`` if it has the server core, else raise.

    Raises:
        MissingExtraError: ``aioweb.web`` is not installed or lacks a name of
            :data:`SERVER_CORE`; the message names ``feature`` and the extra.
    """
    return require(feature, "aioweb.web", SERVER_CORE, extra="server")


def require_client_core(feature: str, *, extra: str = "client") -> ModuleType:
    """Return ``aioweb.client`` if it has the client core, else raise.

    Args:
        feature: what needs it, for the message.
        extra: the extra to name; ``"server"`` for the test client, which
            needs both sides.

    Raises:
        MissingExtraError: ``aioweb.client`` is not installed or lacks a name
            of :data:`CLIENT_CORE`; the message names ``feature`` and the
            extra.
    """
    return require(feature, "aioweb.client", CLIENT_CORE, extra=extra)
