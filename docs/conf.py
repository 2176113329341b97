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


def _docs_kernel() -> str:
    """A kernel spec that runs this very interpreter, so executed pages see the benchmark being documented.

    A user-wide "python3" kernel may point at another Python; a private spec in a
    temporary folder, put first on JUPYTER_PATH, avoids depending on it.
    """
    import json
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="benchmark-docs-kernel-"))
    spec = folder / "kernels" / "benchmark-docs"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        # log_level=ERROR: the kernel's start-up notices would read as build warnings.
        "argv": [sys.executable, "-m", "ipykernel_launcher", "--IPKernelApp.log_level=ERROR", "-f",
                 "{connection_file}"],
        "display_name": "benchmark docs", "language": "python",
        "env": {"MPLBACKEND": "module://matplotlib_inline.backend_inline"},
    }), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(folder), os.environ.get("JUPYTER_PATH")) if p)
    return "benchmark-docs"


# The notebooks and the pages with code cells (plotting, report) are executed
# during the build, so the site shows their tables and figures. This costs
# about a minute and a half of CPU on two cores (measured with the seven
# notebooks: 1 min 26 s CPU for the whole build). BENCHMARK_DOCS_EXECUTE=0
# renders them as stored instead (no figures), for a quick look at the prose.
nb_execution_mode = "off" if os.environ.get("BENCHMARK_DOCS_EXECUTE") == "0" else "force"
nb_execution_timeout = 600
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_kernel_rgx_aliases = {".*": _docs_kernel()} if nb_execution_mode != "off" else {}

exclude_patterns = ["_build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
html_theme = "pydata_sphinx_theme"
html_title = "benchmark"
html_theme_options = {"navigation_with_keys": False}
intersphinx_mapping: dict[str, tuple[str, None]] = {}
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]
