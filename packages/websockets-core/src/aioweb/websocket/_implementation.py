"""Picks the compiled or the pure-Python twin of each accelerated module.

``AIOWEB_NO_EXTENSIONS=1`` forces the pure twins; otherwise the compiled ones
are used when they were built.
"""

from __future__ import annotations

import os

NO_EXTENSIONS = os.environ.get("AIOWEB_NO_EXTENSIONS", "") not in ("", "0")

if NO_EXTENSIONS:
    from ._mask import apply_mask
else:
    try:
        from ._cmask import apply_mask
    except ImportError:  # built without a compiler: the pure twin serves
        from ._mask import apply_mask

COMPILED = apply_mask.__module__.endswith("_cmask")

__all__ = ("COMPILED", "NO_EXTENSIONS", "apply_mask")
