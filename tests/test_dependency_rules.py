"""The dependency rules of DESIGN.md hold, and the checks would catch a break."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import depcheck  # noqa: E402
import isolation  # noqa: E402


def test_repository_follows_the_rules() -> None:
    assert depcheck.check_repository(ROOT) == []


def write(src: Path, module: str, text: str) -> None:
    path = src.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize(
    ("module", "text", "expected"),
    [
        ("aioweb.client.session", "import aioweb.web\n", "must not import aioweb.web"),
        ("aioweb.client.session", "from aioweb import web\n", "aioweb.web"),
        (
            "aioweb.client.session",
            "def lazy():\n    from aioweb.web import Application\n",
            "aioweb.web",
        ),
        ("aioweb.web.app", "from aioweb.client import ClientSession\n", "client"),
        ("aioweb.web.app", "from ..client import x\n", "aioweb.client"),
        ("aioweb.protocol.streams", "import aioweb.web.app\n", "aioweb.web"),
        ("aioweb.websocket.frames", "import multidict\n", "standard library"),
        ("aioweb.websocket.__init__", "from aioweb import protocol\n", "standard"),
        ("aioweb.parser.parser", "import asyncio\n", "asyncio"),
        ("aioweb.parser.parser", "from asyncio import Protocol\n", "asyncio"),
        ("aioweb.parser.parser", "import aioweb.protocol\n", "aioweb"),
    ],
)
def test_scanner_catches_a_broken_rule(
    tmp_path: Path, module: str, text: str, expected: str
) -> None:
    write(tmp_path, module, text)
    problems = depcheck.check_tree(tmp_path)
    assert problems, f"{module}: {text!r} was not caught"
    assert expected in problems[0]


@pytest.mark.parametrize(
    ("module", "text"),
    [
        ("aioweb.websocket.frames", "import zlib\nfrom . import masks\n"),
        ("aioweb.websocket.__init__", "from .frames import Frame\n"),
        ("aioweb.parser.parser", "from multidict import CIMultiDict\n"),
        ("aioweb.client.session", "from aioweb.protocol import StreamReader\n"),
        ("aioweb.web.app", "from ..protocol import hdrs\n"),
    ],
)
def test_scanner_accepts_allowed_imports(
    tmp_path: Path, module: str, text: str
) -> None:
    write(tmp_path, module, text)
    assert depcheck.check_tree(tmp_path) == []


@pytest.mark.parametrize(
    "text",
    [
        "from libc.string cimport memchr\nimport asyncio\n",
        "from libc.string cimport (\n    memchr,\n)\nfrom asyncio import (\n"
        "    Protocol,  # why\n    Future,\n)\n",
        "from asyncio import Protocol, \\\n    Future\n",
    ],
)
def test_scanner_reads_cython_imports(tmp_path: Path, text: str) -> None:
    path = tmp_path / "aioweb" / "parser" / "_cparser.pyx"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert any("asyncio" in p for p in depcheck.check_tree(tmp_path))


def test_scanner_ignores_cimports_in_cython(tmp_path: Path) -> None:
    path = tmp_path / "aioweb" / "websocket" / "_cmask.pyx"
    path.parent.mkdir(parents=True)
    path.write_text("from cpython.buffer cimport (\n    PyBUF_WRITABLE,\n)\n")
    assert depcheck.check_tree(tmp_path) == []


def clean_report(**changes: object) -> dict[str, object]:
    report: dict[str, object] = {
        "loaded": ["aioweb.websocket", "zlib"],
        "failures": [],
        "importable": [],
        "distributions": ["aioweb-websockets-core", "pip"],
        "stdlib": sorted(sys.stdlib_module_names),
    }
    report.update(changes)
    return report


def test_isolation_judge_passes_a_clean_report() -> None:
    assert (
        isolation.judge("aioweb-websockets-core", "aioweb.websocket", clean_report())
        == []
    )


def test_isolation_judge_allows_cython_runtime_modules() -> None:
    loaded = ["aioweb.websocket", "cython_runtime", "_cython_3_1_0"]
    report = clean_report(loaded=loaded)
    assert isolation.judge("aioweb-websockets-core", "aioweb.websocket", report) == []


@pytest.mark.parametrize(
    ("distribution", "module", "changes", "expected"),
    [
        (
            "aioweb-websockets-core",
            "aioweb.websocket",
            {"loaded": ["aioweb.websocket", "multidict", "multidict._abc"]},
            "non-stdlib ['multidict']",
        ),
        (
            "aioweb-websockets-core",
            "aioweb.websocket",
            {"distributions": ["aioweb-websockets-core", "pip", "typing-extensions"]},
            "installed ['typing-extensions']",
        ),
        (
            "aioweb-httpclient",
            "aioweb.client",
            {"distributions": ["aioweb-httpclient", "aioweb-httpserver"]},
            "installed aioweb-httpserver",
        ),
        (
            "aioweb-httpclient",
            "aioweb.client",
            {"importable": ["aioweb.web"]},
            "can import aioweb.web",
        ),
        (
            "aioweb-httpserver",
            "aioweb.web",
            {"loaded": ["aioweb.web", "aioweb.client", "aioweb.client.session"]},
            "loads aioweb.client",
        ),
        (
            "aioweb-httpcore-parser",
            "aioweb.parser",
            {"loaded": ["aioweb.parser", "asyncio", "asyncio.events"]},
            "loads asyncio",
        ),
        (
            "aioweb-protocol",
            "aioweb.protocol",
            {"failures": ["aioweb.protocol.x: ImportError()"]},
            "import failed",
        ),
    ],
)
def test_isolation_judge_catches_a_broken_rule(
    distribution: str, module: str, changes: dict[str, object], expected: str
) -> None:
    problems = isolation.judge(distribution, module, clean_report(**changes))
    assert any(expected in p for p in problems), problems


def test_optional_imports_are_read_from_extras_only() -> None:
    requirements = [
        "aioweb-protocol~=0.1.0",
        "aiosignal>=1.3",
        'gunicorn>=22; extra == "gunicorn"',
        "uvloop>=0.19; sys_platform != 'win32' and extra == 'speedups'",
        'backports.zstd>=1.0; python_version < "3.14" and extra == "zstd"',
    ]
    assert isolation.optional_imports(requirements) == {
        "gunicorn",
        "uvloop",
        "backports",
    }


def test_isolation_probe_reports_what_an_import_loads() -> None:
    assert "xmlrpc" not in sys.modules
    report = isolation.probe("xmlrpc", ["json", "aioweb.no_such_package"])
    assert "xmlrpc.client" in report["loaded"]
    assert report["failures"] == []
    assert report["importable"] == ["json"]


def test_isolation_probe_accepts_modules_of_a_missing_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "extra_probe_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "optional.py").write_text(
        "class MissingExtraError(ImportError):\n    pass\n\n"
        "raise MissingExtraError('needs pkg[extra]')\n"
    )
    (package / "broken.py").write_text("raise ImportError('a real failure')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        report = isolation.probe("extra_probe_pkg", [])
    finally:
        for name in [m for m in sys.modules if m.startswith("extra_probe_pkg")]:
            del sys.modules[name]
    assert report["failures"] == [
        "extra_probe_pkg.broken: ImportError('a real failure')"
    ]
