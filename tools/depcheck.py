"""Static check of the dependency rules in DESIGN.md, by scanning imports.

Every ``import`` and ``from ... import`` in a package's ``src`` tree is read
with :mod:`ast` (imports inside functions and ``TYPE_CHECKING`` blocks
included: a lazy import is still a dependency). The rules:

- ``aioweb.client`` never imports ``aioweb.web``; ``aioweb.web`` never imports
  ``aioweb.client``;
- ``aioweb.websocket`` imports nothing outside the standard library;
- ``aioweb.parser`` imports nothing of asyncio (and no other aioweb package);
- ``aioweb.protocol`` imports neither ``aioweb.client`` nor ``aioweb.web``.

Run as a script it checks the repository and exits 1 on a violation.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Rule:
    """``package`` may not import any module named by ``forbidden``."""

    package: str
    forbidden: tuple[str, ...] = ()
    stdlib_only: bool = False
    allowed: tuple[str, ...] = ()

    def violation(self, imported: str) -> str | None:
        if imported == self.package or imported.startswith(self.package + "."):
            return None
        if any(_within(imported, name) for name in self.allowed):
            return None
        for name in self.forbidden:
            if _within(imported, name):
                return f"{self.package} must not import {name} (imports {imported})"
        if self.stdlib_only and imported.split(".")[0] not in sys.stdlib_module_names:
            return f"{self.package} imports {imported}, outside the standard library"
        return None


def _within(imported: str, name: str) -> bool:
    return imported == name or imported.startswith(name + ".")


RULES = (
    Rule("aioweb.client", forbidden=("aioweb.web",)),
    Rule("aioweb.web", forbidden=("aioweb.client",)),
    Rule("aioweb.protocol", forbidden=("aioweb.client", "aioweb.web")),
    Rule("aioweb.websocket", stdlib_only=True),
    Rule(
        "aioweb.parser",
        forbidden=("asyncio", "aioweb"),
    ),
)


def imports_of(source: str, module: str) -> Iterator[str]:
    """Absolute names of everything ``source`` (the text of ``module``) imports."""
    tree = ast.parse(source)
    package_parts = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # ``module`` is the importing file's module; a package's
                # __init__ is named after the package itself.
                base = package_parts[: len(package_parts) - node.level]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            yield target
            # ``from aioweb import web`` imports aioweb.web.
            for alias in node.names:
                yield f"{target}.{alias.name}"


def module_name(path: Path, src: Path) -> str:
    # A package's __init__ keeps its file name, so that relative imports in it
    # resolve from the package, as they do for any other file inside it.
    return ".".join(path.relative_to(src).with_suffix("").parts)


def check_tree(src: Path, rules: tuple[Rule, ...] = RULES) -> list[str]:
    """Violations of ``rules`` in every ``.py``/``.pyx`` under ``src``."""
    problems = []
    for path in sorted([*src.rglob("*.py"), *src.rglob("*.pyx")]):
        module = module_name(path, src)
        rule = next((r for r in rules if _within(module, r.package)), None)
        if rule is None:
            continue
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".pyx":
            source = _python_lines_of_cython(source)
        for imported in imports_of(source, module):
            problem = rule.violation(imported)
            if problem:
                problems.append(f"{path}: {problem}")
    return problems


def _python_lines_of_cython(source: str) -> str:
    """The plain ``import``/``from`` statements of a Cython file.

    ``cimport`` statements are C-level and left out; a statement continued
    over several lines (parentheses or backslashes) is joined first.
    """
    statements = []
    pending = ""
    for line in source.splitlines():
        code = line.split("#", 1)[0].strip()
        if not pending and not code.startswith(("import ", "from ")):
            continue
        pending = (pending + " " + code.removesuffix("\\")).strip()
        still_open = pending.count("(") > pending.count(")") or code.endswith("\\")
        if not still_open:
            statements.append(pending)
            pending = ""
    if pending:
        statements.append(pending)
    return "\n".join(s for s in statements if " cimport " not in f" {s} ")


def check_repository(root: Path = ROOT) -> list[str]:
    problems = []
    for src in sorted(root.glob("packages/*/src")):
        problems.extend(check_tree(src))
    return problems


def main() -> int:
    problems = check_repository()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} dependency rule violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
