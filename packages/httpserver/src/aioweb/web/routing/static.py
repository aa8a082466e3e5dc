"""The resource that serves a directory of files under a URL prefix.

This module holds the routing half: matching ``GET``/``HEAD`` under the
prefix (the rest of the path becomes ``match_info["filename"]``) and building
URLs with ``url_for(filename=...)``, optionally with a content-hash version
query (``?v=...``) for cache busting. Serving the file (ranges, conditional
requests, index pages, symlink policy) belongs to the static-files layer,
which replaces :meth:`StaticResource._handle`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from yarl import URL

from aioweb.protocol import hdrs

from ..typedefs import ExpectHandler, Request, ResolvableRequest, Response
from .match_info import UrlMappingMatchInfo
from .paths import InvalidPath, decode_path, quote_path
from .paths import unquote_value as _unquote
from .resources import PrefixResource, Resolution
from .route import AbstractRoute, ResourceRoute

#: aiohttp's default read size for file responses.
DEFAULT_CHUNK_SIZE: Final = 256 * 1024

PathLike = str | os.PathLike[str]


class StaticResource(PrefixResource):
    """Files of ``directory``, served under ``prefix``.

    Args:
        prefix: the URL prefix, starting with ``/``.
        directory: an existing directory.
        name: the resource's name.
        expect_handler: the routes' expect handler.
        chunk_size: read size when sending a file.
        show_index: list a directory's files when it is requested.
        follow_symlinks: serve symbolic links that point outside
            ``directory``.
        append_version: add ``?v=<hash of the file>`` in :meth:`url_for`
            by default.

    Raises:
        ValueError: ``directory`` does not exist or is not a directory.
    """

    VERSION_KEY: Final = "v"

    def __init__(
        self,
        prefix: str,
        directory: PathLike,
        *,
        name: str | None = None,
        expect_handler: ExpectHandler | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        show_index: bool = False,
        follow_symlinks: bool = False,
        append_version: bool = False,
    ) -> None:
        super().__init__(prefix, name=name)
        try:
            resolved = Path(directory).expanduser().resolve(strict=True)
        except FileNotFoundError as error:
            raise ValueError(f"'{directory}' does not exist") from error
        if not resolved.is_dir():
            raise ValueError(f"'{directory}' is not a directory")
        self._directory = resolved
        self._show_index = show_index
        self._chunk_size = chunk_size
        self._follow_symlinks = follow_symlinks
        self._expect_handler = expect_handler
        self._append_version = append_version
        self._routes = {
            method: ResourceRoute(
                method, self._handle, self, expect_handler=expect_handler
            )
            for method in (hdrs.METH_GET, hdrs.METH_HEAD)
        }
        self._allowed_methods = set(self._routes)

    @property
    def directory(self) -> Path:
        """The served directory, resolved."""
        return self._directory

    @property
    def chunk_size(self) -> int:
        """Read size when sending a file."""
        return self._chunk_size

    @property
    def show_index(self) -> bool:
        """Whether directory listings are served."""
        return self._show_index

    @property
    def follow_symlinks(self) -> bool:
        """Whether symbolic links leaving the directory are served."""
        return self._follow_symlinks

    def url_for(  # type: ignore[override]  # takes a filename, like aiohttp's
        self, *, filename: PathLike, append_version: bool | None = None
    ) -> URL:
        """The URL of a file under the prefix.

        Args:
            filename: the file's path relative to the directory.
            append_version: add ``?v=<hash>``; the resource's default if
                ``None``. No version is added for a file that does not exist
                or lies outside the directory.
        """
        if append_version is None:
            append_version = self._append_version
        name = os.fspath(filename).lstrip("/")
        url = URL.build(path=quote_path(f"{self._prefix}/{name}"), encoded=True)
        if append_version:
            digest = self._file_digest(name)
            if digest is not None:
                url = url.with_query({self.VERSION_KEY: digest})
        return url

    def _file_digest(self, name: str) -> str | None:
        unresolved = self._directory / name
        try:
            if self._follow_symlinks:
                # Only the requested path must stay inside; links may leave.
                normalized = Path(os.path.normpath(unresolved))
                normalized.relative_to(self._directory)
                path = normalized.resolve()
            else:
                path = unresolved.resolve()
                path.relative_to(self._directory)
        except (ValueError, OSError):
            return None
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as file:
            while chunk := file.read(self._chunk_size):
                digest.update(chunk)
        return base64.urlsafe_b64encode(digest.digest()).decode("ascii")

    def get_info(self) -> dict[str, Any]:
        return {
            "directory": self._directory,
            "prefix": self._prefix,
            "routes": self._routes,
        }

    def set_options_route(self, handler: Any) -> None:
        """Answer ``OPTIONS`` too (for CORS preflight), with ``handler``."""
        if hdrs.METH_OPTIONS in self._routes:
            raise RuntimeError("OPTIONS route was set already")
        self._routes[hdrs.METH_OPTIONS] = ResourceRoute(
            hdrs.METH_OPTIONS, handler, self, expect_handler=self._expect_handler
        )
        self._allowed_methods.add(hdrs.METH_OPTIONS)

    async def resolve(self, request: ResolvableRequest) -> Resolution:
        try:
            path = decode_path(request.rel_url.raw_path)
        except InvalidPath:
            return None, set()
        return await self.resolve_path(request, path)

    async def resolve_path(self, request: ResolvableRequest, path: str) -> Resolution:
        if not self._covers(path):
            return None, set()
        route = self._routes.get(request.method)
        if route is None:
            return None, self._allowed_methods
        filename = _unquote(path[len(self._safe_prefix) + 1 :])
        return UrlMappingMatchInfo({"filename": filename}, route), self._allowed_methods

    async def _handle(self, request: Request) -> Response:
        raise NotImplementedError(
            "serving files is provided by the static-files layer of aioweb.web"
        )

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())

    def __repr__(self) -> str:
        name = f"'{self.name}'" if self.name is not None else ""
        return f"<StaticResource {name} {self._prefix} -> {self._directory!r}>"


__all__ = ("StaticResource",)
