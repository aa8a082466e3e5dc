"""Sphinx configuration for aioweb's documentation."""

from __future__ import annotations

project = "aioweb"
author = "The aioweb developers"
copyright = "2026, The aioweb developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "requirements.txt"]
html_theme = "furo"
html_title = "aioweb"
myst_heading_anchors = 3
autodoc_member_order = "bysource"
autodoc_typehints = "description"
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpicky = False
