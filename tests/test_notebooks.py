"""The example notebooks run top to bottom and are stored without outputs.

Each notebook in ``notebooks/`` is executed with nbclient in a fresh kernel
that runs on this interpreter (so it sees the same installed ``benchmark``),
with the notebooks folder as working directory. A notebook that raises fails
its test with the cell's source and traceback; one that runs longer than
``NOTEBOOK_TIMEOUT`` seconds in total fails with a timeout.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_midterm_evaluation",
    "02_us_colleges",
    "03_school_efficiency",
    "04_composite_and_tiers",
    "05_cluster_structure",
    "06_province_evaluation",
    "07_efficiency_pipeline",
]
# Whole-notebook budget; each runs in well under a minute on two cores.
NOTEBOOK_TIMEOUT = 300
KERNEL = "benchmark-test-python3"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="session")
def kernel_spec_manager(tmp_path_factory):
    """A kernel spec that starts ipykernel with this very interpreter.

    A user-wide "python3" kernel may point at another Python; a private spec
    in a temporary folder avoids depending on whatever is registered.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    folder = tmp_path_factory.mktemp("kernels")
    spec = folder / KERNEL
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (benchmark tests)",
        "language": "python",
        "env": {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    }), encoding="utf-8")
    return KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)


def test_the_documented_notebooks_are_there():
    assert [nb.stem for nb in NOTEBOOKS] == EXPECTED
    toctree = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"notebooks/{name}" in toctree, f"docs/index.md does not list notebooks/{name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), (
        f"{path.name} should open with a Markdown title")
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {index} has stored outputs; strip them"
            assert cell.execution_count is None, f"{path.name}: cell {index} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_runs(path, kernel_spec_manager):
    from jupyter_client.manager import KernelManager
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    deadline = time.monotonic() + NOTEBOOK_TIMEOUT
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_spec_manager)
    client = nbclient.NotebookClient(
        nb,
        km=km,
        kernel_name=KERNEL,
        # Each cell may use what is left of the notebook's budget.
        timeout_func=lambda _source: max(1, int(deadline - time.monotonic())),
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
        allow_errors=False,
    )
    try:
        client.execute()
    except CellTimeoutError:
        pytest.fail(f"{path.name} did not finish within {NOTEBOOK_TIMEOUT} s", pytrace=False)
    except CellExecutionError as exc:
        pytest.fail(f"{path.name} failed:\n{ANSI.sub('', str(exc))}", pytrace=False)
