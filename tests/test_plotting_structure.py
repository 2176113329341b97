"""The layout of benchmark.plotting: one module per question, shared helpers only in _common, every
function at most 15 in McCabe complexity (counted from the syntax tree, no plotting needed)."""

import ast
import importlib
from pathlib import Path

import pytest

import benchmark
from benchmark import plotting

PACKAGE = Path(plotting.__file__).parent
MODULES = sorted(PACKAGE.glob("*.py"))
PLOTS = ["plot_completion", "plot_cost_outcome", "plot_frontier", "plot_gaps", "plot_kernel_density",
         "plot_malmquist", "plot_profile", "plot_rank_intervals", "plot_tiers", "plot_trajectory",
         "plot_transitions"]
MAX_COMPLEXITY = 15

# Branch points of the McCabe count: each adds one path through the function.
_BRANCHES = (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.match_case, ast.Assert)


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """McCabe's cyclomatic complexity of one function: 1 + its decision points.

    Counts every ``if``/``elif``, conditional expression, loop, ``except``,
    ``case``, ``assert``, each extra operand of ``and``/``or`` and each
    comprehension loop and its conditions - a superset of what the ``mccabe``
    package counts, so a function within this bound is within mccabe's.
    Nested functions and lambdas are counted on their own.
    """
    count = 1
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, _BRANCHES):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        stack.extend(ast.iter_child_nodes(node))
    return count


def _functions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _source_function(code: str) -> ast.FunctionDef:
    return ast.parse(code).body[0]


def test_complexity_count_by_hand():
    straight = _source_function("def f(x):\n    return x + 1\n")
    assert complexity(straight) == 1
    branchy = _source_function(
        "def f(x, ys):\n"
        "    if x and ys:\n"            # if: +1, and: +1
        "        x = 1 if x else 2\n"   # +1
        "    elif x:\n"                 # +1
        "        pass\n"
        "    for y in ys:\n"            # +1
        "        try:\n"
        "            pass\n"
        "        except ValueError:\n"  # +1
        "            pass\n"
        "    return [y for y in ys if y]\n"  # comprehension +1, its if +1
    )
    assert complexity(branchy) == 9
    nested = _source_function("def f(x):\n    def g(y):\n        if y:\n            return 1\n    return g\n")
    assert complexity(nested) == 1


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_function_exceeds_the_complexity_bound(path):
    too_complex = {f"{fn.name} (line {fn.lineno})": c for fn in _functions(path)
                   if (c := complexity(fn)) > MAX_COMPLEXITY}
    assert too_complex == {}, f"split these functions of {path.name} into helpers: {too_complex}"


def test_the_package_reexports_every_plot():
    assert sorted(p for p in plotting.__all__ if p.startswith("plot_")) == PLOTS
    for name in PLOTS:
        assert getattr(benchmark, name) is getattr(plotting, name)
        assert name in benchmark.__all__


def test_modules_answer_one_question_each():
    where = {name: getattr(plotting, name).__module__.rsplit(".", 1)[-1] for name in PLOTS}
    assert where == {
        "plot_trajectory": "self_comparison", "plot_completion": "self_comparison",
        "plot_profile": "peers", "plot_gaps": "peers",
        "plot_cost_outcome": "cost", "plot_frontier": "cost", "plot_malmquist": "cost",
        "plot_rank_intervals": "field", "plot_tiers": "field", "plot_transitions": "field",
        "plot_kernel_density": "field",
    }


def test_no_function_is_named_like_a_module():
    modules = {p.stem for p in MODULES if p.stem != "__init__"}
    clashes = [(p.name, fn.name) for p in MODULES for fn in _functions(p) if fn.name in modules]
    assert clashes == []


def test_private_helpers_come_only_from_common():
    """A module imports the private names of another plotting module only from a shared private module
    (_common: colours, words and checks; _geometry: what the figures draw, shared with the report's SVG)."""
    offenders = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmark.plotting."):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private and node.module not in ("benchmark.plotting._common", "benchmark.plotting._geometry"):
                    offenders.append((path.name, node.module, private))
    assert offenders == []


def test_importing_the_package_does_not_load_matplotlib():
    import subprocess
    import sys

    code = ("import sys, benchmark.plotting; "
            "print(any(m == 'matplotlib' or m.startswith('matplotlib.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_every_module_is_importable_on_its_own():
    for path in MODULES:
        if path.stem != "__init__":
            assert importlib.import_module(f"benchmark.plotting.{path.stem}")
