"""Hatchling build hook that compiles this package's Cython modules.

How this works: ``[tool.hatch.build.targets.wheel.hooks.custom]`` in
``pyproject.toml`` lists the ``.pyx`` files under ``extensions``. For a wheel
the hook cythonizes them, compiles them with the ordinary setuptools
``build_ext`` machinery (the platform compiler and flags Python was built
with) and adds the shared objects to the wheel, which makes it a platform
wheel. For an editable install the shared objects are copied next to their
sources instead, so the in-tree import finds them.

``AIOWEB_NO_EXTENSIONS=1`` skips compilation: the wheel is then pure Python
and the package imports its pure-Python twins. A failed compilation is an
error, never a silent fallback: a platform that cannot compile should say so
with the environment variable.

This file is the same in every compiled package of the monorepo (a test keeps
the copies identical); each sdist must carry its own copy to build alone.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _extensions_disabled() -> bool:
    return os.environ.get("AIOWEB_NO_EXTENSIONS", "") not in ("", "0")


class CythonBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Cythonize and compile the ``.pyx`` modules named in the hook config."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or _extensions_disabled():
            return
        sources: list[str] = list(self.config.get("extensions", []))
        if not sources:
            return
        root = Path(self.root)
        built = self._compile(root, sources)
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        for library, relative in built:
            if version == "editable":
                shutil.copy2(library, root / "src" / relative)
            else:
                build_data["force_include"][str(library)] = relative

    def _compile(self, root: Path, sources: list[str]) -> list[tuple[Path, str]]:
        from Cython.Build import cythonize
        from setuptools import Distribution, Extension
        from setuptools.command.build_ext import build_ext

        work = Path(tempfile.mkdtemp(prefix="aioweb-build-"))
        extensions = []
        for source in sources:
            module = Path(source).relative_to("src").with_suffix("")
            extensions.append(
                Extension(
                    ".".join(module.parts),
                    [str(root / source)],
                    extra_compile_args=["-O3"] if sys.platform != "win32" else [],
                )
            )
        compiled = cythonize(
            extensions,
            build_dir=str(work / "c"),
            compiler_directives={
                "language_level": "3",
                "boundscheck": False,
                "wraparound": False,
                "cdivision": True,
                "embedsignature": True,
            },
            quiet=True,
        )
        command = build_ext(Distribution({"ext_modules": compiled}))
        command.build_lib = str(work / "lib")
        command.build_temp = str(work / "tmp")
        command.ensure_finalized()
        command.run()
        results = []
        for extension in compiled:
            library = Path(command.get_ext_fullpath(extension.name))
            relative = library.relative_to(work / "lib").as_posix()
            results.append((library, relative))
        return results
