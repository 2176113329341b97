"""Sphinx configuration for the benchmark documentation."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

project = "benchmark"
author = "The benchmark developers"
copyright = "2026, The benchmark developers"
release = version = "0.1.0"

extensions = [
    "myst_nb",
    "numpydoc",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()
autodoc_typehints = "none"

# The notebooks live at the top of the repository; copy them in so myst-nb can
# render them. BENCHMARK_DOCS_EXECUTE=1 executes them (slow); the test build
# renders them as stored.
_nb_src = ROOT / "notebooks"
_nb_dst = HERE / "notebooks"
if _nb_src.is_dir():
    _nb_dst.mkdir(exist_ok=True)
    _current = {nb.name for nb in _nb_src.glob("*.ipynb")}
    for stale in _nb_dst.glob("*.ipynb"):
        if stale.name not in _current:  # a renamed or removed notebook must not linger in the site
            stale.unlink()
    for nb in _nb_src.glob("*.ipynb"):
        shutil.copy2(nb, _nb_dst / nb.name)
nb_execution_mode = "force" if os.environ.get("BENCHMARK_DOCS_EXECUTE") == "1" else "off"
nb_execution_timeout = 600

exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
html_theme = "pydata_sphinx_theme"
html_title = "benchmark"
html_theme_options = {"navigation_with_keys": False}
intersphinx_mapping: dict[str, tuple[str, None]] = {}
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
