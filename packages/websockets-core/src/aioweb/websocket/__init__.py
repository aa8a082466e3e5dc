"""Sans-I/O WebSocket framing (RFC 6455) and permessage-deflate (RFC 7692)."""

from __future__ import annotations

from ._implementation import apply_mask

__version__ = "0.1.0"

__all__ = ("__version__", "apply_mask")
