"""Autobahn|Testsuite against the server's WebSocketResponse.

usage: autobahn.py [--exclude '12.*,13.*'] [--cases LIST] [--side both|server|client]
                   [--out DIR] [--timeout SEC]

``wstest -m fuzzingclient`` talks to ``echo_app.py``: an ``aioweb.web``
application whose only handler echoes every message of a
:class:`aioweb.web.WebSocketResponse` (permessage-deflate accepted, no
message size limit). All groups run by default (about ten minutes);
``--exclude '12.*,13.*'`` skips permessage-deflate. The runner is shared
(``tools/autobahn_runner.py``); exit status 0 means no case FAILED, 1 that
one did, 3 that no report was written, 4 that wstest is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "tools"))

import autobahn_runner  # noqa: E402


def main() -> int:
    parsed = autobahn_runner.options(__doc__.splitlines()[0])
    command = [sys.executable, str(HERE / "echo_app.py")]
    return autobahn_runner.test_server(command, "aioweb-web", parsed)


if __name__ == "__main__":
    sys.exit(main())
