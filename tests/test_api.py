"""The public API keeps one vocabulary (docs/parameters.md) and a predictable layout.

Every check inspects the installed package, so a new public function that
breaks a rule fails here without anyone having to remember to add it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import benchmark
from benchmark._results import Result
from benchmark._validation import MISSING

ROOT = Path(__file__).resolve().parents[1]

#: Public functions whose first argument is not a data table, and why.
FIRST_ARGUMENT = {
    "ahp": "judgements",  # pairwise-comparison matrices or a long table of judgements
    "combine_weights": "subjective",  # two weight vectors
    "contiguity_weights": "entities",  # a list of province ids
    "compare_second_stage": "results",  # fitted second-stage results
    "second_stage": "scores",  # the first-stage scores (a DEA result or a Series)
    "agglomeration": "specialties",  # three tables, each named for what it holds
    "relatedness": "links",
    "structural_fit": "supply",
    "paper_table": "table",  # the table being written
    "export_latex": "table",
    "export_docx": "table",
    "export_excel": "tables",
}

#: Names that used to mean a period value or a column and are gone for good.
RETIRED = {
    "period_column": "period=",
    "baseline": "start=",
    "latest": "end=",
    "base": "at=",
    "base_period": "at=",
    "from_period": "at=",
    "final": "end=",
    "alpha": "ci=",
    "n": "n_draws= or n_boot=",
}


def _public_functions() -> list[tuple[str, object]]:
    out = []
    for name in benchmark.__all__:
        obj = getattr(benchmark, name)
        if inspect.isfunction(obj):
            out.append((name, obj))
    return out


FUNCTIONS = _public_functions()
IDS = [name for name, _ in FUNCTIONS]


def _params(func: object) -> dict[str, inspect.Parameter]:
    return dict(inspect.signature(func).parameters)


def test_there_is_something_to_audit():
    assert len(FUNCTIONS) > 60


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_first_argument_is_the_data(name, func):
    first = next(iter(_params(func).values()))
    if name.startswith("plot_"):
        assert first.name in ("data", "result"), f"{name} takes {first.name!r} first"
    else:
        assert first.name == FIRST_ARGUMENT.get(name, "data"), f"{name} takes {first.name!r} first"


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_no_retired_names(name, func):
    used = [p for p in _params(func) if p in RETIRED]
    assert not used, f"{name} still takes {used}; use {[RETIRED[u] for u in used]}"


#: Values every function must reject for a shared name, whatever else it allows.
BAD = {
    "entity": [["institution"], {"a": 1}],
    "period": [["year"], ("year",)],
    "indicators": [[1.5], [None], {"a": 1}],
    "ci": [1.5, -0.1, "0.9", True],
    "n_boot": [-1, 2.5, True, "100"],
    "n_draws": [0, 2.5, True, "100"],
    "random_state": ["seed", -1, 1.5],
    "n_jobs": [0, 1.5, "all", True],
    "progress": ["yes", 2],
    "at": [[2021], (2019, 2021), {"year": 2021}],
    "start": [[2019], {2019}],
    "end": [[2023], (2023,)],
}
#: Values every function must accept for a shared name.
GOOD = {
    "entity": ["institution"], "period": ["year"], "indicators": [["a", "b"]], "ci": [0.9],
    "n_boot": [100], "n_draws": [100], "random_state": [None, 0], "n_jobs": [1, -1, 2], "progress": [True, False],
    "at": [2021, "2019-20", None], "start": [2019, None], "end": [2023, None],
}


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_entity_and_period_are_column_names(name, func):
    for key in ("entity", "period"):
        p = _params(func).get(key)
        if p is None:
            continue
        assert p.default is None or p.default is inspect.Parameter.empty or isinstance(p.default, str), (
            f"{name}({key}=) must name a column; its default is {p.default!r}")
        assert p.kind is inspect.Parameter.KEYWORD_ONLY, f"{name}({key}=) must be keyword-only"


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_shared_names_are_checked_alike_through_the_gate(name, func):
    """A shared name is declared through the gate and rejects (and accepts) the same values everywhere."""
    constraints = getattr(func, "__benchmark_constraints__", {})
    for key in BAD:
        if key not in _params(func):
            continue
        check = constraints.get(key)
        assert check is not None, f"{name}({key}=) is not declared through the gate"
        for value in BAD[key]:
            with pytest.raises(benchmark.BenchmarkError, match=key):
                check(value, key)
        for value in GOOD[key]:
            check(value, key)


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_an_unknown_keyword_is_named_with_its_new_name_or_a_close_match(name, func):
    """Every public function that takes no **kwargs answers a retired or misspelt keyword alike."""
    params = _params(func)
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return  # plots pass other keywords on to matplotlib (tested in test_plotting)
    with pytest.raises(benchmark.BenchmarkError, match=rf"{name}\(\) has no argument 'nonsense_keyword'") as info:
        func(None, nonsense_keyword=1)
    assert isinstance(info.value, TypeError)  # also what Python raises for a wrong keyword
    retired = next((old for old, new in RETIRED.items() if new.split("=")[0] in params and old not in params), None)
    if retired is not None:
        with pytest.raises(TypeError, match=rf"no argument '{retired}'\. It is now called"):
            func(None, **{retired: 1})


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_shared_defaults_are_the_same_everywhere(name, func):
    params = _params(func)
    if "n_jobs" in params:
        assert params["n_jobs"].default == 1, f"{name}(n_jobs=) defaults to {params['n_jobs'].default!r}"
    if "progress" in params:
        assert params["progress"].default is False
    if "random_state" in params:
        assert params["random_state"].default in (None, 0), name
    if "ci" in params:
        level = params["ci"].default
        assert level is None or 0.5 <= level < 1, f"{name}(ci=) default {level!r} is not a level"
    if "lang" in params:
        assert params["lang"].default is None, f"{name}(lang=) must default to None (automatic)"


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_indicators_is_a_list_and_metadata_a_table(name, func):
    params = _params(func)
    if "indicators" in params:
        annotation = str(params["indicators"].annotation)
        assert "DataFrame" not in annotation, f"{name}(indicators=) accepts a table; that is metadata="
    if "metadata" in params:
        assert "DataFrame" in str(params["metadata"].annotation), name


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_missing_has_one_option_set(name, func):
    p = _params(func).get("missing")
    if p is None:
        return
    assert p.default == "raise", f"{name}(missing=) defaults to {p.default!r}"
    check = func.__benchmark_constraints__["missing"]
    assert set(check.supported) <= set(MISSING) and "raise" in check.supported
    with pytest.raises(benchmark.BenchmarkError, match="'raise', 'drop', 'allow'"):
        check("zero", "missing")


@pytest.mark.parametrize(("name", "func"), FUNCTIONS, ids=IDS)
def test_labels_are_class_names_and_weights_indicator_weights(name, func):
    """labels= names ordered classes (grades, tiers); weights= weighs indicators."""
    params = _params(func)
    if "labels" in params:
        assert name in ("grade", "tiers"), f"{name}(labels=) - indicator display names are metadata="
    for key in ("direction", "cohort"):
        if key in params and params[key].default is not None and params[key].default is not inspect.Parameter.empty:
            pytest.fail(f"{name}({key}={params[key].default!r}) looks like a column name; {key}= has one meaning")


def test_missing_option_is_rejected_with_the_supported_ones():
    import pandas as pd

    df = pd.DataFrame({"institution": list("abcd"), "cost": [1.0, 2, 3, 4], "out": [1.0, 1, 2, 2]})
    with pytest.raises(benchmark.BenchmarkError, match="supports 'raise', 'allow'"):
        benchmark.cost_per_outcome(df, "cost", "out", missing="drop")


def _public_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(benchmark.__path__, "benchmark."):
        if not any(part.startswith("_") for part in info.name.split(".")[1:]):
            names.append(info.name)
    return names


@pytest.mark.parametrize("module", _public_modules())
def test_no_public_module_is_shadowed(module):
    mod = importlib.import_module(module)
    parent, _, leaf = module.rpartition(".")
    assert getattr(importlib.import_module(parent), leaf) is mod, (
        f"{parent}.{leaf} is not the module {module}: a function or object of that name shadows it")


def test_every_result_class_is_exported():
    seen = set()
    for info in pkgutil.walk_packages(benchmark.__path__, "benchmark."):
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if inspect.isclass(obj) and issubclass(obj, Result) and obj is not Result and obj.__module__ == mod.__name__:
                seen.add(obj)
    assert seen
    missing = sorted(c.__name__ for c in seen if getattr(benchmark, c.__name__, None) is not c)
    assert not missing, f"result classes not importable from benchmark: {missing}"


def test_modules_do_not_import_each_others_private_helpers():
    pattern = re.compile(r"from benchmark\.([\w.]+) import ([^\n(]+|\([^)]*\))")
    offenders = []
    for path in (ROOT / "benchmark").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for module, names in pattern.findall(text):
            parts = module.split(".")
            if any(p.startswith("_") for p in parts):
                continue  # a shared private module is the place for shared helpers
            # a package may use its own private modules' names, but not a sibling module's privates
            private = [n.strip() for n in names.strip("()").replace("\n", " ").split(",")
                       if n.strip().split(" as ")[0].startswith("_")]
            if private:
                offenders.append(f"{path.relative_to(ROOT)}: from benchmark.{module} import {private}")
    assert not offenders, "\n".join(offenders)


def test_every_name_in_the_api_page_resolves():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    names = re.findall(r"^   ([A-Za-z_][\w.]*)$", text, flags=re.M)
    assert len(names) > 80
    unresolved = []
    for dotted in names:
        obj = benchmark
        for part in dotted.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                unresolved.append(dotted)
                break
    assert not unresolved, f"docs/api.md lists names that do not resolve from benchmark: {unresolved}"


def test_every_public_function_is_in_the_api_page():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    listed = {n.rsplit(".", 1)[-1] for n in re.findall(r"^   ([A-Za-z_][\w.]*)$", text, flags=re.M)}
    absent = sorted(n for n in benchmark.__all__ if n not in listed and n not in ("__version__", "datasets", "export"))
    assert not absent, f"public names missing from docs/api.md: {absent}"
