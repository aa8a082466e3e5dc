"""The monorepo's layout promises of DESIGN.md and STYLE.md."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(p.parent for p in ROOT.glob("packages/*/pyproject.toml"))
EXPECTED = {
    "httpcore-parser": ("aioweb-httpcore-parser", "parser"),
    "websockets-core": ("aioweb-websockets-core", "websocket"),
    "protocol": ("aioweb-protocol", "protocol"),
    "httpclient": ("aioweb-httpclient", "client"),
    "httpserver": ("aioweb-httpserver", "web"),
    "testkit": ("aioweb-testkit", "testkit"),
}


def pyproject(folder: Path) -> dict[str, object]:
    return tomllib.loads((folder / "pyproject.toml").read_text())


def test_the_six_packages_exist() -> None:
    assert sorted(p.name for p in PACKAGES) == sorted(EXPECTED)


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: p.name)
def test_package_layout(folder: Path) -> None:
    dist, module = EXPECTED[folder.name]
    data = pyproject(folder)
    assert data["project"]["name"] == dist  # type: ignore[index]
    assert data["build-system"]["build-backend"] == "hatchling.build"  # type: ignore[index]
    for name in ("README.md", "CHANGES.md", "LICENSE"):
        assert (folder / name).is_file(), name
    source = folder / "src" / "aioweb" / module
    assert (source / "__init__.py").is_file()
    assert (source / "py.typed").is_file()
    assert not (folder / "src" / "aioweb" / "__init__.py").exists(), "PEP 420"
    assert (folder / "tests").is_dir()
    version = re.search(
        r'^__version__ = "([^"]+)"', (source / "__init__.py").read_text(), re.M
    )
    assert version, "each package carries its own __version__"
    assert version.group(1) in (folder / "CHANGES.md").read_text()


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: p.name)
def test_license_is_apache_everywhere(folder: Path) -> None:
    assert (folder / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    assert pyproject(folder)["project"]["license"] == "Apache-2.0"  # type: ignore[index]


def test_compiled_packages_share_one_build_hook() -> None:
    hooks = sorted(ROOT.glob("packages/*/hatch_build.py"))
    assert [h.parent.name for h in hooks] == ["httpcore-parser", "websockets-core"]
    assert hooks[0].read_bytes() == hooks[1].read_bytes()


def test_compiled_packages_need_cython_only_to_build() -> None:
    for folder in PACKAGES:
        data = pyproject(folder)
        runtime = " ".join(data["project"].get("dependencies", []))  # type: ignore[attr-defined]
        assert "cython" not in runtime.lower()
    for name in ("httpcore-parser", "websockets-core"):
        requires = pyproject(ROOT / "packages" / name)["build-system"]["requires"]  # type: ignore[index]
        assert any(r.lower().startswith("cython") for r in requires)


def dependency_names(folder: Path) -> set[str]:
    deps = pyproject(folder)["project"].get("dependencies", [])  # type: ignore[attr-defined]
    return {re.split(r"[<>=~!;\[ ]", d, maxsplit=1)[0].lower() for d in deps}


def test_dependencies_follow_the_design_table() -> None:
    pkgs = ROOT / "packages"
    assert dependency_names(pkgs / "websockets-core") == set()
    assert dependency_names(pkgs / "httpcore-parser") == {"multidict"}
    assert {
        "aioweb-httpcore-parser",
        "aioweb-websockets-core",
        "multidict",
        "yarl",
    } <= dependency_names(pkgs / "protocol")
    client = dependency_names(pkgs / "httpclient")
    server = dependency_names(pkgs / "httpserver")
    assert "aioweb-protocol" in client
    assert "aioweb-protocol" in server
    assert "aioweb-httpserver" not in client
    assert "aioweb-httpclient" not in server
    testkit = dependency_names(pkgs / "testkit")
    assert {"aioweb-protocol", "pytest", "pytest-asyncio"} <= testkit
    assert not testkit & {"aioweb-httpclient", "aioweb-httpserver"}


def test_internal_dependencies_are_compatible_release_ranges() -> None:
    for folder in PACKAGES:
        deps = pyproject(folder)["project"].get("dependencies", [])  # type: ignore[attr-defined]
        for dep in deps:
            if dep.startswith("aioweb-"):
                assert "~=" in dep, f"{folder.name}: {dep} should be a ~= range"


def test_testkit_registers_its_pytest_plugin() -> None:
    data = pyproject(ROOT / "packages" / "testkit")
    plugins = data["project"]["entry-points"]["pytest11"]  # type: ignore[index]
    # Named after the module: a conftest listing the module finds it loaded.
    assert plugins == {"aioweb.testkit.plugin": "aioweb.testkit.plugin"}


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    match = re.search(
        r"<!-- test-command -->\s*```(?:sh|console)?\n(.+?)\n```", readme, re.S
    )
    assert match, "README marks its test command"
    command = match.group(1).strip()
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert command in ci
