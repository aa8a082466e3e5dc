"""Autobahn|Testsuite's fuzzing server against ``aioweb.client.ws_connect``.

usage: autobahn.py [--exclude '12.*,13.*'] [--cases LIST] [--side both|server|client]
                   [--out DIR] [--timeout SEC]

``wstest -m fuzzingserver`` listens on a free loopback port and
``echo_client.py`` drives it: it reads ``/getCaseCount``, runs every
``/runCase`` with :meth:`aioweb.client.ClientSession.ws_connect` echoing
each message until the server closes (permessage-deflate offered for
groups 12 and 13, no message size limit), then calls ``/updateReports``.
All groups run by default; ``--exclude '12.*,13.*'`` skips compression.
The runner is shared (``tools/autobahn_runner.py``); exit status 0 means
no case FAILED, 1 that one did, 3 that no report was written, 4 that
wstest is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2] / "tools"))

import autobahn_runner  # noqa: E402


def main() -> int:
    parsed = autobahn_runner.options(__doc__.splitlines()[0])
    command = [sys.executable, str(HERE / "echo_client.py")]
    return autobahn_runner.test_client(command, "aioweb-client", parsed)


if __name__ == "__main__":
    sys.exit(main())
