"""``python -m aioweb.web [-H host] [-P port] [-U path] module:factory [args]``.

Imports ``module``, calls ``factory(argv)`` with the arguments left over
(as aiohttp's command line does) and serves the application it returns
with :func:`~aioweb.web.run_app`.
"""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    sys.exit(main(sys.argv[1:]))
