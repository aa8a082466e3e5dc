"""Sans-I/O HTTP/1.0 and HTTP/1.1 request and response parsers."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ("__version__",)
