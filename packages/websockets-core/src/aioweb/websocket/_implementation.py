"""Picks the compiled or the pure-Python twin of each accelerated module.

``AIOWEB_NO_EXTENSIONS=1`` forces the pure twins; otherwise the compiled ones
are used when they were built. The twins mirror each other name for name:
``_mask``/``_cmask`` (``apply_mask``) and ``_reader``/``_creader``
(``FrameReader``).
"""

from __future__ import annotations

import os

NO_EXTENSIONS = os.environ.get("AIOWEB_NO_EXTENSIONS", "") not in ("", "0")

if NO_EXTENSIONS:
    from ._mask import apply_mask
    from ._reader import FrameReader
else:
    try:
        from ._cmask import apply_mask
        from ._creader import FrameReader  # type: ignore[assignment]
    except ImportError:  # built without a compiler: the pure twins serve
        from ._mask import apply_mask
        from ._reader import FrameReader

COMPILED = apply_mask.__module__.endswith("_cmask")

__all__ = ("COMPILED", "NO_EXTENSIONS", "FrameReader", "apply_mask")
