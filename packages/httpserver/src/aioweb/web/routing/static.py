"""The resource that serves a directory of files under a URL prefix.

Matching ``GET``/``HEAD`` under the prefix (the rest of the path becomes
``match_info["filename"]``), building URLs with ``url_for(filename=...)``,
optionally with a content-hash version query (``?v=...``) for cache busting,
and serving: a file through :class:`~aioweb.web.FileResponse` (ranges,
conditional requests, sidecars), a directory as an index page when
``show_index`` is on.

How a name is kept inside the directory: the filename (already
percent-decoded, so ``%2e%2e`` and ``%2f`` are plain ``..`` and ``/`` here)
is refused with 403 if it is absolute or names a drive or share (``C:``,
``\\host``), and with 404 if it holds a NUL byte or a backslash. The rest is
joined to the directory and resolved; a result outside the directory is 404.
With ``follow_symlinks`` off every symbolic link is resolved before that
check, so a link leading out of the directory is 404 too; with it on only the
name itself must stay inside (``..`` is normalised first) and links may lead
anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Final

from yarl import URL

from aioweb.protocol import hdrs

from ..file_response import FileResponse
from ..http_exceptions import HTTPForbidden, HTTPNotFound
from ..response import Response as PageResponse
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
        filename = request.match_info["filename"]
        if "\x00" in filename or "\\" in filename:
            # A NUL ends a name in C; a backslash is a separator on Windows.
            raise HTTPNotFound()
        if PurePosixPath(filename).anchor or PureWindowsPath(filename).drive:
            # An absolute name ("/etc/passwd", "C:/x", "//host/share") would
            # replace the directory when joined to it.
            raise HTTPForbidden()
        unresolved = self._directory.joinpath(filename)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._response_for, unresolved)

    def _response_for(self, unresolved: Path) -> Response:
        """The answer for a path under the directory (runs in a thread)."""
        try:
            if self._follow_symlinks:
                normalized = Path(os.path.normpath(unresolved))
                normalized.relative_to(self._directory)
                path = normalized.resolve()
            else:
                path = unresolved.resolve()
                path.relative_to(self._directory)
        except (ValueError, OSError, RuntimeError) as error:
            # Outside the directory, a name too long, a symlink loop
            # (RuntimeError before Python 3.13).
            raise HTTPNotFound() from error
        try:
            is_dir = path.is_dir()
        except PermissionError as error:
            raise HTTPForbidden() from error
        except (OSError, ValueError) as error:
            raise HTTPNotFound() from error
        if is_dir:
            if not self._show_index:
                raise HTTPForbidden()
            try:
                page = self._index_page(path)
            except PermissionError as error:
                raise HTTPForbidden() from error
            return PageResponse(text=page, content_type="text/html")
        return FileResponse(path, chunk_size=self._chunk_size)

    def _index_page(self, directory: Path) -> str:
        """An HTML list of a directory's entries, linked under the prefix."""
        relative = directory.relative_to(self._directory).as_posix()
        title = html.escape(f"Index of /{'' if relative == '.' else relative}")
        items = []
        for entry in sorted(directory.iterdir()):
            entry_path = entry.relative_to(self._directory).as_posix()
            href = html.escape(quote_path(f"{self._prefix}/{entry_path}"))
            label = f"{entry.name}/" if entry.is_dir() else entry.name
            items.append(f'<li><a href="{href}">{html.escape(label)}</a></li>')
        listing = "\n".join(items)
        return (
            f"<html>\n<head>\n<title>{title}</title>\n</head>\n<body>\n"
            f"<h1>{title}</h1>\n<ul>\n{listing}\n</ul>\n</body>\n</html>"
        )

    def __len__(self) -> int:
        return len(self._routes)

    def __iter__(self) -> Iterator[AbstractRoute]:
        return iter(self._routes.values())

    def __repr__(self) -> str:
        name = f"'{self.name}'" if self.name is not None else ""
        return f"<StaticResource {name} {self._prefix} -> {self._directory!r}>"


__all__ = ("StaticResource",)
