"""Run Autobahn|Testsuite's fuzzing client against a WebSocket echo server.

The shared ``autobahn.sh`` drives ``wstest`` (Python 2.7); this module finds
it, starts the server under test in its own process on a free loopback
port, waits until that process prints a line starting with ``listening``,
runs the suite against it and stops the process by its PID. Each package's
``conformance/autobahn.py`` builds on it, so they differ only in the echo
server they start.

Exit statuses are those of ``autobahn.sh``: 0 when no case FAILED, 1 when
one did, 3 when no report was written (the server was unreachable: never a
pass), 4 when there is no Python 2.7 / wstest. A client driver prints
``N cases`` once it has asked the suite; the run is also 1 when the report
holds fewer than that.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INCOMPLETE = 1
NO_SERVER = 3
# What a client driver prints once it has read /getCaseCount.
_CASE_COUNT = re.compile(r"(\d+) cases$")
# autobahn.sh stops wstest after an hour by default; the permessage-deflate
# groups alone can take longer than that on a loaded two-core machine, and
# a run cut short reports fewer cases, which is not a pass either.
WHOLE_RUN_TIMEOUT = 4 * 3600


def conformance_dir() -> Path:
    """``$AIOWEB_CONFORMANCE_DIR``, or ``../shared/conformance`` beside the tree."""
    configured = os.environ.get("AIOWEB_CONFORMANCE_DIR")
    path = Path(configured) if configured else ROOT.parent / "shared" / "conformance"
    if not (path / "autobahn.sh").is_file():
        raise SystemExit(f"no autobahn.sh in {path} (set AIOWEB_CONFORMANCE_DIR)")
    return path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def autobahn(args: Sequence[str], lines: list[str] | None = None) -> int:
    """Run ``autobahn.sh`` (installing wstest if needed); its exit status.

    With ``lines``, its output is echoed line by line and also kept there.
    """
    script = conformance_dir() / "autobahn.sh"
    print("+", shlex.join([str(script), *args]), flush=True)
    command = [str(script), "--install", *args]
    if lines is None:
        return subprocess.run(command, check=False).returncode
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as run:
        assert run.stdout is not None
        for line in run.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    return run.returncode


def reported_cases(out: Path, agent: str) -> int:
    """How many cases ``OUT/index.json`` holds for ``agent`` (0 if none)."""
    try:
        index = json.loads((out / "index.json").read_text())
    except (OSError, ValueError):
        return 0
    return len(index.get(agent, {}))


def options(description: str, argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line every driver accepts: case selection and report folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--exclude", default="", help="case patterns to skip")
    parser.add_argument("--cases", default="", help="case patterns to run")
    parser.add_argument(
        "--out", type=Path, help="reports go to OUT/AGENT (default: a temp folder)"
    )
    # ``nox -s autobahn`` passes one command line to every driver: each runs
    # only the side it tests, so ``--side client`` skips the servers.
    parser.add_argument(
        "--side",
        choices=("both", "server", "client"),
        default="both",
        help="which side to test (drivers of the other side do nothing)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=WHOLE_RUN_TIMEOUT,
        help=f"seconds for the whole wstest run (default: {WHOLE_RUN_TIMEOUT})",
    )
    return parser.parse_args(argv)


def skipped(side: str, parsed: argparse.Namespace) -> bool:
    """True, after saying so, when ``--side`` leaves this driver's side out."""
    if parsed.side in ("both", side):
        return False
    print(f"{side} side skipped (--side {parsed.side})", flush=True)
    return True


def selection(parsed: argparse.Namespace) -> list[str]:
    """``autobahn.sh`` arguments for the cases the command line picked."""
    args = ["--timeout", str(parsed.timeout)]
    if parsed.cases:
        args += ["--cases", parsed.cases]
    if parsed.exclude:
        args += ["--exclude", parsed.exclude]
    return args


def report_dir(agent: str, parsed: argparse.Namespace) -> Path:
    """``OUT/AGENT``, created; OUT is ``--out`` or a fresh temporary folder.

    One folder per agent: ``nox -s autobahn -- --out DIR`` gives every
    driver the same DIR, and ``autobahn.sh`` replaces the ``index.json`` of
    the folder it writes to.
    """
    base = parsed.out or Path(tempfile.mkdtemp(prefix="aioweb-autobahn-"))
    out = base / agent
    out.mkdir(parents=True, exist_ok=True)
    return out


def test_server(command: Sequence[str], agent: str, parsed: argparse.Namespace) -> int:
    """Start ``command + ["--port", N]``, run the fuzzing client against it.

    The server must print a line starting with ``listening`` once its port
    is bound; the report goes to :func:`report_dir`. Does nothing (status 0)
    when ``--side client`` was asked for.
    """
    if skipped("server", parsed):
        return 0
    out = report_dir(agent, parsed)
    port = free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("listening"):
            print(f"the server did not start: {line!r}", file=sys.stderr)
            return NO_SERVER
        return autobahn(
            [
                "--agent",
                agent,
                "--out",
                str(out),
                *selection(parsed),
                f"ws://127.0.0.1:{port}",
            ]
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()
        print(f"report in {out}", flush=True)


def test_client(command: Sequence[str], agent: str, parsed: argparse.Namespace) -> int:
    """Run the fuzzing server; ``command + [URL, AGENT]`` drives every case.

    The driver reads ``/getCaseCount``, runs each ``/runCase`` and calls
    ``/updateReports`` itself; the report goes to :func:`report_dir`. Does
    nothing (status 0) when ``--side server`` was asked for.
    """
    if skipped("client", parsed):
        return 0
    out = report_dir(agent, parsed)
    driver = shlex.join(list(command)) + ' "$AUTOBAHN_URL" "$AUTOBAHN_AGENT"'
    lines: list[str] = []
    try:
        status = autobahn(
            [
                "--agent",
                agent,
                "--out",
                str(out),
                "--client-cmd",
                driver,
                *selection(parsed),
                f"ws://127.0.0.1:{free_port()}",
            ],
            lines,
        )
        # A driver that died or was stopped part way leaves the reports it
        # wrote so far: a clean summary of fewer cases is not a pass.
        counts = [int(m[1]) for m in map(_CASE_COUNT.match, lines) if m]
        reported = reported_cases(out, agent)
        if status == 0 and (not counts or reported != counts[0]):
            expected = counts[0] if counts else "an unknown number of"
            print(f"only {reported} of {expected} cases reported", file=sys.stderr)
            return INCOMPLETE
        return status
    finally:
        print(f"report in {out}", flush=True)


# -- the quick run the test suites make -----------------------------------------

#: The groups of a quick run: 1 to 10 (the suite has no group 8).
QUICK_GROUPS = frozenset({"1", "2", "3", "4", "5", "6", "7", "9", "10"})
#: The exit status of ``autobahn.sh`` when there is no Python 2.7 / wstest.
NO_WSTEST = 4


def run_quick(script: Path, out: Path, timeout: float) -> tuple[int, str]:
    """Run a package's ``conformance/autobahn.py`` over groups 1-10 into ``out``.

    Returns:
        The exit status and the run's output (stdout, then stderr).
    """
    run = subprocess.run(
        [sys.executable, str(script), "--exclude", "12.*,13.*", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return run.returncode, run.stdout + run.stderr


def quick_run_problems(index: Path, agent: str, *, least_cases: int) -> list[str]:
    """What is wrong with ``agent``'s results in a quick run's ``index.json``.

    A quick run passes when at least ``least_cases`` cases ran, covering
    every group of :data:`QUICK_GROUPS`, none of them FAILED, and every
    closing handshake was judged OK or INFORMATIONAL: UNCLEAN, WRONG CODE or
    FAILED there is a bug even when the messages were right.

    Returns:
        One line per problem; empty when the run passes.
    """
    cases: dict[str, dict[str, str]] = json.loads(index.read_text())[agent]
    problems = []
    if len(cases) < least_cases:
        problems.append(f"{agent}: only {len(cases)} cases ran, not {least_cases}")
    groups = {case.split(".")[0] for case in cases}
    if groups != QUICK_GROUPS:
        problems.append(f"{agent}: groups {sorted(groups)} ran")
    failed = sorted(
        case for case, result in cases.items() if result["behavior"] == "FAILED"
    )
    if failed:
        problems.append(f"{agent}: FAILED cases {failed}")
    bad_closes = {
        case: result["behaviorClose"]
        for case, result in cases.items()
        if result["behaviorClose"] not in ("OK", "INFORMATIONAL")
    }
    if bad_closes:
        problems.append(f"{agent}: closing handshakes {bad_closes}")
    return problems
