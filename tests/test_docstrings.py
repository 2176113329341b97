"""Every public analysis function and result class points to its relatives in a numpydoc "See Also".

The section must exist, be in numpydoc form (``name : why``) and name only
objects that exist: a bare name in the object's own module or in the
``benchmark`` namespace (where the API pages render it), or a dotted name
from the package (``benchmark.plot_frontier``).
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

import benchmark as bm

# Plot and report functions are documented by their own packages' tests.
OUTSIDE = {"report", "report_batch", "Report", "BatchReport", "ReportOptions", "Overview"}


def _documented() -> list[str]:
    names = []
    for name in bm.__all__:
        obj = getattr(bm, name)
        if name.startswith("_") or inspect.ismodule(obj) or name.startswith("plot_") or name in OUTSIDE:
            continue
        if isinstance(obj, type) and issubclass(obj, Exception):
            continue
        if callable(obj):
            names.append(name)
    return sorted(names)


SECTION = re.compile(r"^See Also\n-{8}\n((?:.+\n?)+)", re.M)


def _entries(doc: str) -> list[tuple[str, str]]:
    match = SECTION.search(doc)
    if match is None:
        return []
    out = []
    for line in match.group(1).splitlines():
        if not line.strip() or line.startswith(" "):  # continuation lines of a description
            continue
        names, _, why = line.partition(" : ")
        out += [(name.strip(), why.strip()) for name in names.split(",")]
    return out


def _resolves(target: str, home: object) -> bool:
    if target.startswith("benchmark."):
        module, _, attr = target.rpartition(".")
        obj = importlib.import_module(module) if module != "benchmark" else bm
        return hasattr(obj, attr) or hasattr(bm, target.split(".", 1)[1])
    # a bare name: the object's own module, or the package namespace the API pages are rendered in
    module = inspect.getmodule(inspect.unwrap(home))
    return hasattr(module, target) or hasattr(bm, target)


def test_the_list_is_not_empty():
    names = _documented()
    assert {"dea", "composite", "tiers", "theil", "DEAResult", "TierResult"} <= set(names)


@pytest.mark.parametrize("name", _documented())
def test_public_name_has_see_also(name):
    obj = getattr(bm, name)
    entries = _entries(inspect.getdoc(obj) or "")
    assert entries, f"{name}: add a numpydoc 'See Also' section naming the related functions"
    for target, why in entries:
        assert why, f"{name}: say in one line why {target!r} is related ('{target} : why')"
        assert _resolves(target, obj), f"{name}: 'See Also' names {target!r}, which does not exist"


def test_a_missing_section_is_detected():
    def bare():
        """Do something.

        Returns
        -------
        int
        """

    assert _entries(inspect.getdoc(bare)) == []
    assert _entries("x\n\nSee Also\n--------\ndea : the frontier.\n") == [("dea", "the frontier.")]
