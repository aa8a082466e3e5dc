"""aioweb's nox sessions.

Packages are discovered from ``packages/*/pyproject.toml``; nothing here keeps
a hand-written list of them. ``nox`` alone runs the whole check (the README's
test command and CI's); ``nox -l`` lists every session.

Wheels are always built (never installed editable) so that tests run against
what users would install, compiled extensions included.
"""

from __future__ import annotations

import glob
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nox

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - nox itself may run on 3.10
    import tomli as tomllib

ROOT = Path(__file__).parent
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
DEFAULT_PYTHON = "3.11"
NEWEST_PYTHON = PYTHONS[-1]
ANCHORS = [
    "aiohttp",
    "httptools",
    "h11",
    "uvicorn[standard]",
    "httpx",
    "websockets",
    "wsproto",
    "uvloop",
]

nox.needs_version = ">=2024.3.2"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["lint", "typing", "tests", "isolation", "docs"]


def _expose_pyenv_pythons() -> None:
    """Put every pyenv-installed CPython on PATH so nox can find each version.

    pyenv's shims only answer for the versions selected globally; the
    interpreters themselves live in ``$PYENV_ROOT/versions/*/bin``.
    """
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.*", "bin")))
    if found:
        os.environ["PATH"] = os.pathsep.join([*found, os.environ.get("PATH", "")])


_expose_pyenv_pythons()


@dataclass(frozen=True)
class Package:
    """One distribution of the monorepo, read from its pyproject.toml."""

    folder: Path
    name: str
    module: str
    compiled: bool
    test_requirements: tuple[str, ...]

    @property
    def tests(self) -> Path:
        return self.folder / "tests"


def discover_packages() -> list[Package]:
    """Every ``packages/*/pyproject.toml``, in dependency order."""
    packages = []
    for pyproject in sorted(ROOT.glob("packages/*/pyproject.toml")):
        data = tomllib.loads(pyproject.read_text())
        version_path = data["tool"]["hatch"]["version"]["path"]
        module = ".".join(Path(version_path).parent.relative_to("src").parts)
        hooks = data["tool"]["hatch"]["build"]["targets"]["wheel"].get("hooks", {})
        packages.append(
            Package(
                folder=pyproject.parent,
                name=data["project"]["name"],
                module=module,
                compiled=bool(hooks.get("custom", {}).get("extensions")),
                test_requirements=tuple(
                    data.get("dependency-groups", {}).get("test", [])
                ),
            )
        )
    return packages


PACKAGES = discover_packages()


def _uv() -> str | None:
    return shutil.which("uv", path=os.environ.get("PATH"))


def _python(session: nox.Session) -> str:
    return str(Path(session.bin) / "python")


def build_wheels(
    session: nox.Session,
    dest: Path,
    *,
    pure: bool = False,
    sdist: bool = False,
    packages: Iterable[Package] = PACKAGES,
) -> list[Path]:
    """Build a wheel (and an sdist if asked) of each package into ``dest``.

    The interpreter of the session builds, so compiled wheels match it.
    """
    env = {"AIOWEB_NO_EXTENSIONS": "1"} if pure else {"AIOWEB_NO_EXTENSIONS": "0"}
    dest.mkdir(parents=True, exist_ok=True)
    kinds = ["--sdist", "--wheel"] if sdist else ["--wheel"]
    uv = _uv()
    for package in packages:
        if uv:
            session.run(
                uv, "build", "--quiet", "--python", _python(session),
                *kinds, "--out-dir", str(dest), str(package.folder),
                env=env, external=True,
            )  # fmt: skip
        else:
            session.install("build")
            session.run(
                "python", "-m", "build", *kinds, "--outdir", str(dest),
                str(package.folder), env=env,
            )  # fmt: skip
    return sorted(dest.glob("*.whl"))


def install_aioweb(session: nox.Session, *, pure: bool = False) -> None:
    """Build and install all packages plus every package's test requirements."""
    wheelhouse = Path(session.create_tmp()) / "wheels"
    # create_tmp() also points TMPDIR into .nox/, whose long paths overflow the
    # 108-byte AF_UNIX limit in tests that bind Unix sockets: keep the system's.
    session.env.pop("TMPDIR", None)
    # Only this build's wheels: an earlier run's would be installed too.
    shutil.rmtree(wheelhouse, ignore_errors=True)
    wheels = build_wheels(session, wheelhouse, pure=pure)
    requirements = sorted({r for p in PACKAGES for r in p.test_requirements})
    requirements.append("tomli>=2; python_version < '3.11'")
    # A hung test fails with its traceback instead of stalling the whole run.
    requirements.append("pytest-timeout>=2.3")
    # uv keys its cache on name and version, which stay 0.1.0 between builds:
    # refresh aioweb's own distributions so the fresh wheels are the ones used.
    refresh = []
    if session.venv_backend == "uv":
        for package in PACKAGES:
            refresh += ["--refresh-package", package.name]
    session.install("--reinstall", *refresh, *map(str, wheels), *requirements)


@nox.session(python=PYTHONS)
@nox.parametrize("variant", ["compiled", "pure"])
def tests(session: nox.Session, variant: str) -> None:
    """Every package's tests plus the repository's, compiled or pure.

    The compiled build runs on every interpreter, and its twin fixtures test
    the pure twins too; the pure build adds only the no-compiler install path,
    so it runs on the default and the newest interpreter.
    """
    pure = variant == "pure"
    if pure and session.python not in (DEFAULT_PYTHON, NEWEST_PYTHON):
        session.skip(f"the pure build runs on {DEFAULT_PYTHON} and {NEWEST_PYTHON}")
    install_aioweb(session, pure=pure)
    env = {"AIOWEB_NO_EXTENSIONS": "1"} if pure else {"AIOWEB_REQUIRE_EXTENSIONS": "1"}
    if not pure and session.python == DEFAULT_PYTHON:
        env["AIOWEB_CONFORMANCE"] = "1"  # slow conformance suites run once per nox
    # ``nox -s tests -- packages/x/tests -k y`` runs the paths it names only.
    named = [a for a in session.posargs if not a.startswith("-") and Path(a).exists()]
    paths = [] if named else [str(p.tests) for p in PACKAGES if p.tests.is_dir()]
    if not named:
        paths.append("tests")
    session.run("pytest", *paths, "-p", "no:cacheprovider", *session.posargs, env=env)


@nox.session(python=DEFAULT_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check over everything written in Python."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=DEFAULT_PYTHON)
def typing(session: nox.Session) -> None:
    """mypy --strict over every package's src."""
    install_aioweb(session, pure=True)
    session.install("mypy")
    session.run("mypy", *[str(p.folder / "src") for p in PACKAGES])


@nox.session(python=DEFAULT_PYTHON)
def build(session: nox.Session) -> None:
    """An sdist and a wheel of every package into dist/."""
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    build_wheels(session, dist, sdist=True)
    session.log("\n".join(sorted(path.name for path in dist.iterdir())))


@nox.session(python=DEFAULT_PYTHON)
def isolation(session: nox.Session) -> None:
    """Each distribution in a fresh venv of its own, checked against DESIGN.md."""
    wheelhouse = Path(session.create_tmp()) / "wheelhouse"
    shutil.rmtree(wheelhouse, ignore_errors=True)
    build_wheels(session, wheelhouse)
    session.run(
        "python", str(ROOT / "tools" / "isolation.py"), "--wheelhouse",
        str(wheelhouse), *(p.name for p in PACKAGES), *session.posargs,
    )  # fmt: skip


@nox.session(python=DEFAULT_PYTHON)
def docs(session: nox.Session) -> None:
    """Build the Sphinx site with warnings as errors."""
    install_aioweb(session, pure=True)
    session.install("-r", str(ROOT / "docs" / "requirements.txt"))
    out = ROOT / "docs" / "_build" / "html"
    shutil.rmtree(out, ignore_errors=True)
    session.run(
        "sphinx-build", "-W", "--keep-going", "-b", "html", "docs", str(out),
        *session.posargs,
    )  # fmt: skip


@nox.session(python=DEFAULT_PYTHON)
def demo(session: nox.Session) -> None:
    """Build, install and run examples/demo.py."""
    install_aioweb(session)
    session.run("python", str(ROOT / "examples" / "demo.py"), *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def bench(session: nox.Session) -> None:
    """aioweb beside the anchors it is measured against; runs bench/*/run.py.

    ``nox -s bench -- parser`` runs only the named benchmark folders.
    """
    install_aioweb(session)
    session.install(*ANCHORS, "pyperf")
    names = session.posargs or sorted(
        path.parent.name for path in (ROOT / "bench").glob("*/run.py")
    )
    if not names:
        session.log("no benchmark scripts under bench/ yet")
    for name in names:
        session.run("python", str(ROOT / "bench" / name / "run.py"))


@nox.session(python=DEFAULT_PYTHON)
def fuzz(session: nox.Session) -> None:
    """Bounded fuzzing: runs packages/*/fuzz/run.py (``-- --seconds N``)."""
    install_aioweb(session)
    session.install("hypothesis", "atheris")
    scripts = sorted(ROOT.glob("packages/*/fuzz/run.py"))
    if not scripts:
        session.log("no fuzz targets yet")
    for script in scripts:
        session.run("python", str(script), *session.posargs)


@nox.session(python=DEFAULT_PYTHON)
def autobahn(session: nox.Session) -> None:
    """Autobahn|Testsuite: runs packages/*/conformance/autobahn.py, all groups."""
    install_aioweb(session)
    scripts = sorted(ROOT.glob("packages/*/conformance/autobahn.py"))
    if not scripts:
        session.log("no Autobahn drivers yet")
    for script in scripts:
        session.run("python", str(script), *session.posargs)
