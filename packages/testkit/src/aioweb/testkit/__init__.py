"""Test servers, test clients, fake servers and a pytest plugin for aioweb."""

from __future__ import annotations

from .ports import get_unused_port_socket, unused_port

__version__ = "0.1.0"

__all__ = ("__version__", "get_unused_port_socket", "unused_port")
