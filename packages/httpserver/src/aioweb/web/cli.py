"""The command line behind ``python -m aioweb.web``."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from .run_app import run_app

__all__ = ("main",)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m aioweb.web",
        description="Serve an application made by module:factory.",
    )
    parser.add_argument(
        "entry_func",
        metavar="entry-func",
        help="module:factory; factory(argv) returns the Application",
    )
    parser.add_argument(
        "-H", "--hostname", default="localhost", help="TCP host (default localhost)"
    )
    parser.add_argument(
        "-P", "--port", type=int, default=8080, help="TCP port (default 8080)"
    )
    parser.add_argument("-U", "--path", help="Unix socket path (instead of TCP)")
    return parser


def main(argv: Sequence[str]) -> int:
    """Parse ``argv``, import the factory, run the application.

    Returns:
        The exit status (argparse exits by itself on bad arguments).
    """
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    module_name, sep, func_name = args.entry_func.partition(":")
    if not sep or not module_name or not func_name:
        parser.error("'entry-func' not in 'module:function' syntax")
    if module_name.startswith("."):
        parser.error("relative module names not supported")
    sys.path.insert(0, ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        parser.error(f"unable to import {module_name}: {exc}")
    try:
        factory = getattr(module, func_name)
    except AttributeError:
        parser.error(f"module {module_name!r} has no attribute {func_name!r}")
    app = factory(extra)
    if args.path is not None:
        run_app(app, path=args.path)
    else:
        run_app(app, host=args.hostname, port=args.port)
    return 0
