"""Installs each aioweb distribution alone into a fresh venv and checks it.

Called by ``nox -s isolation`` with a wheelhouse of freshly built wheels. For
each distribution a new virtual environment gets that one wheel (its
dependencies from the wheelhouse or the package index), and then:

- every module of the distribution imports (or raises aioweb-testkit's
  ``MissingExtraError``, naming an extra that is not installed);
- ``aioweb-httpclient`` alone brings no ``aioweb-httpserver`` and
  ``import aioweb.web`` fails; ``aioweb-httpserver`` alone brings no client;
- ``aioweb-websockets-core`` installs nothing but itself, and importing all of
  it loads nothing outside the standard library;
- importing all of ``aioweb-httpcore-parser`` loads no asyncio.

The checks that run inside a venv are in :func:`probe`, run there as a script;
:func:`judge` turns its report into problems, and is what the tests exercise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# What each distribution may not bring along, and what it may not load.
FORBIDDEN_DISTRIBUTIONS = {
    "aioweb-httpclient": {"aioweb-httpserver"},
    "aioweb-httpserver": {"aioweb-httpclient"},
}
FORBIDDEN_IMPORTS = {
    "aioweb-httpclient": {"aioweb.web"},
    "aioweb-httpserver": {"aioweb.client"},
    "aioweb-httpcore-parser": {"asyncio"},
}
STDLIB_ONLY = {"aioweb-websockets-core"}
ALLOWED_BESIDE = {"pip", "setuptools", "wheel"}
# Modules that Cython-compiled extensions register in sys.modules themselves;
# they come from the extension, not from an installed distribution.
CYTHON_RUNTIME = ("cython_runtime", "_cython_")


def optional_imports(requirements: list[str]) -> set[str]:
    """Top-level import names of the requirements that only an extra brings.

    ``gunicorn; extra == "gunicorn"`` gives ``gunicorn``; distribution names
    are normalised the usual way (``backports.zstd`` → ``backports``).
    """
    names = set()
    for requirement in requirements:
        if "extra ==" not in requirement.replace("extra==", "extra =="):
            continue
        name = re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0]
        names.add(name.lower().replace("-", "_").split(".")[0])
    return names


def probe(module: str, absent: list[str], distribution: str = "") -> dict[str, Any]:
    """Runs inside the venv: imports all of ``module`` and reports what loaded.

    A submodule that needs an optional extra may refuse to import without it
    (aioweb-testkit's test servers, the server's gunicorn worker): that is by
    design and reported under ``optional``, not as a failure.
    """
    import importlib
    import importlib.metadata
    import pkgutil

    extras = set()
    if distribution:
        extras = optional_imports(importlib.metadata.requires(distribution) or [])
    optional = []
    before = set(sys.modules)
    package = importlib.import_module(module)
    failures = []
    for info in pkgutil.walk_packages(package.__path__, module + "."):
        try:
            importlib.import_module(info.name)
        except Exception as exc:  # report, do not stop
            missing = getattr(exc, "name", None) or ""
            if type(exc).__name__ == "MissingExtraError" or (
                isinstance(exc, ModuleNotFoundError)
                and missing.split(".")[0].replace("-", "_") in extras
            ):
                optional.append(f"{info.name}: {exc!r}")
            else:
                failures.append(f"{info.name}: {exc!r}")
    loaded = sorted(set(sys.modules) - before)
    importable = []
    for name in absent:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        importable.append(name)
    distributions = sorted(
        {d.metadata["Name"].lower() for d in importlib.metadata.distributions()}
    )
    return {
        "loaded": loaded,
        "failures": failures,
        "optional": optional,
        "importable": importable,
        "distributions": distributions,
        "stdlib": sorted(sys.stdlib_module_names),
    }


def judge(distribution: str, module: str, report: dict[str, Any]) -> list[str]:
    """The problems in one venv's ``report``; empty when the rules hold."""
    problems = [f"{distribution}: import failed: {f}" for f in report["failures"]]
    installed = set(report["distributions"])
    for other in FORBIDDEN_DISTRIBUTIONS.get(distribution, ()):
        if other in installed:
            problems.append(f"{distribution} alone installed {other}")
    for name in report["importable"]:
        problems.append(f"{distribution} alone can import {name}")
    loaded = report["loaded"]
    for name in FORBIDDEN_IMPORTS.get(distribution, ()):
        if any(m == name or m.startswith(name + ".") for m in loaded):
            problems.append(f"importing {module} loads {name}")
    if distribution in STDLIB_ONLY:
        stdlib = set(report["stdlib"])
        extra = installed - {distribution} - ALLOWED_BESIDE
        if extra:
            problems.append(f"{distribution} alone installed {sorted(extra)}")
        outside = sorted(
            {m.split(".")[0] for m in loaded}
            - stdlib
            - {"aioweb", "_distutils_hack"}
            - {m for m in loaded if m.startswith(CYTHON_RUNTIME)}
        )
        if outside:
            problems.append(f"importing {module} loads non-stdlib {outside}")
    return problems


def _module_of(wheel: Path) -> str:
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            parts = name.split("/")
            if len(parts) == 3 and parts[0] == "aioweb" and parts[2] == "__init__.py":
                return f"aioweb.{parts[1]}"
    raise SystemExit(f"{wheel.name}: no aioweb package inside")


def _wheel_for(wheelhouse: Path, distribution: str) -> Path:
    stem = distribution.replace("-", "_")
    found = sorted(wheelhouse.glob(f"{stem}-*.whl"))
    if not found:
        raise SystemExit(f"no wheel of {distribution} in {wheelhouse}")
    return found[-1]


def check(distribution: str, wheelhouse: Path, workdir: Path) -> list[str]:
    wheel = _wheel_for(wheelhouse, distribution)
    module = _module_of(wheel)
    venv = workdir / distribution
    uv = shutil.which("uv")
    python = venv / "bin" / "python"
    if uv:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, venv], check=True)
        # Every build is version 0.1.0 until a release: uv's cache must not
        # hand back an earlier build of the same name and version.
        install = [uv, "pip", "install", "-q", "--python", python, "--refresh"]
    else:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        install = [python, "-m", "pip", "install", "-q"]
    subprocess.run(
        [*install, "--find-links", wheelhouse, wheel], check=True, cwd=workdir
    )
    # Neither side may come along with a distribution that is not that side.
    absent = [name for name in ("aioweb.web", "aioweb.client") if name != module]
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from isolation import probe\n"
        f"print(json.dumps(probe({module!r}, {absent!r}, {distribution!r})))\n"
    )
    # -I: no user site, no current directory, no PYTHON* variables leaking in.
    result = subprocess.run(
        [python, "-I", "-c", script],
        check=True,
        stdout=subprocess.PIPE,  # the report; stderr shows what went wrong
        text=True,
        cwd=workdir,
        env={k: v for k, v in os.environ.items() if not k.startswith("PYTHON")},
    )
    report = json.loads(result.stdout)
    for line in report.get("optional", []):
        print(f"  {distribution}: needs an extra, as designed: {line}")
    return judge(distribution, module, report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, required=True)
    parser.add_argument("distributions", nargs="+")
    args = parser.parse_args()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="aioweb-isolation-") as tmp:
        for distribution in args.distributions:
            found = check(distribution, args.wheelhouse.resolve(), Path(tmp))
            print(f"{distribution}: {'ok' if not found else 'FAILED'}")
            problems.extend(found)
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
