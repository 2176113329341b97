"""The Sphinx site builds without a single warning.

The sources (``docs/`` and ``notebooks/``) are copied into a temporary folder
and built there with ``-W --keep-going``, so the build neither depends on nor
leaves behind generated files in the checkout. The notebooks and the plotting
and report pages are executed during the build, so the site shows their
figures (``BENCHMARK_DOCS_EXECUTE=0`` renders them as stored instead). The
build is skipped when the documentation tools (the ``docs`` extra) are not
installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 600


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    for module in ("sphinx", "myst_nb", "numpydoc", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    tmp = tmp_path_factory.mktemp("docs")
    ignore = shutil.ignore_patterns("_build", "notebooks", "generated", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "docs", tmp / "docs", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", tmp / "notebooks", ignore=ignore)
    out = tmp / "html"
    env = {k: v for k, v in os.environ.items() if k != "BENCHMARK_DOCS_EXECUTE"}
    env["MPLBACKEND"] = "Agg"
    command = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q",
               "-d", str(tmp / "doctrees"), str(tmp / "docs"), str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp,
                          timeout=BUILD_TIMEOUT, check=False)
    return proc, out


def test_docs_build_without_warnings(built_site):
    proc, _ = built_site
    assert proc.returncode == 0, f"sphinx-build failed:\n{proc.stderr[-6000:]}"
    assert "WARNING" not in proc.stderr, proc.stderr[-6000:]


def test_every_page_and_notebook_is_rendered(built_site):
    proc, out = built_site
    if proc.returncode != 0:
        pytest.skip("the build failed (see test_docs_build_without_warnings)")
    for page in ["index", "getting-started", "api", "performance"]:
        assert (out / f"{page}.html").is_file(), page
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert (out / "notebooks" / f"{nb.stem}.html").is_file(), nb.name
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "peer_gap" in api and "generated/benchmark.peer_gap.html" in api


def test_getting_started_gives_the_readme_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh|console)\n(.*?)```", readme, re.S)
    assert block, "README.md has no shell code block"
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    for line in block.group(1).splitlines():
        if line.strip() and not line.strip().startswith("#"):
            assert line.strip() in page, f"docs/getting-started.md lacks the README command {line.strip()!r}"
