"""The options of a gap-analysis report: one typed, frozen object checked in one place.

:class:`ReportOptions` holds everything :func:`benchmark.report` takes apart
from the data, the focus unit and where to write. The unit report, the batch
run and the command line all build one and hand it to the same code, so an
option means the same thing in each and is checked once, when the object is
made. Checks that need the data (do the named columns exist?) happen when
the shared models are computed (:func:`benchmark.reporting._models.field_models`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import (
    COMMON,
    BenchmarkError,
    as_list,
    check_choice,
    check_column_name,
    check_columns,
    check_count,
    check_frame,
    check_probability,
    format_list,
)

__all__ = ["ReportOptions"]

_RTS = ("crs", "vrs", "nirs", "ndrs", "fdh")


@dataclasses.dataclass(frozen=True, eq=False, repr=False)
class ReportOptions:
    """Every setting of a gap-analysis report, validated when the object is made.

    Lists are stored as tuples; ``None`` means "not given" (the report picks
    its default or leaves the part out). ``dataclasses.replace(options, at=2022)``
    makes a changed copy that is checked again.

    Attributes
    ----------
    targets : DataFrame or None
        Targets in a layout accepted by :func:`benchmark.completion`.
    indicators : tuple of str or None
        The performance indicators (columns). ``None``: chosen from
        ``metadata`` (role ``"output"`` or a positive weight), else every
        numeric column not used as input or cost.
    metadata : DataFrame or None
        The indicator table: ``indicator`` and any of ``direction``,
        ``label``, ``unit``, ``role``, ``kind``, ``weight``, ``pillar``.
    cohort : None, column name, {column: value}, list of entities or peer table
        Who counts as a peer (see :func:`benchmark.peer_gap`).
    inputs, outputs : tuple of str
        DEA inputs and outputs.
    cost : str or None
        Spending column for cost per outcome (default: the metadata's single
        ``role="cost"`` indicator).
    outcomes : tuple of str
        Outcomes the cost is divided by (default: ``outputs``).
    direction : None, str, mapping or DataFrame
        Which way is better; overrides the metadata's ``direction``.
    within : tuple of str
        Columns whose value every compared entity shares with the focus.
    leaders : None, {column: value}, list of entities or column name
        A leading group to compare with as well.
    official : str or None
        Column of official tiers (one per entity).
    official_order : tuple or None
        Official tiers, best first.
    at : period value or None
        Evaluation period (default: the focus's latest with indicator values).
    ci : float
        Level of the gap intervals.
    n_boot, n_draws, n_tier_boot : int
        Bootstrap resamples of the gaps (>= 100), Monte Carlo draws of the
        rank interval (>= 20), bootstrap resamples of the tier stability
        (>= 0).
    k : int or None
        Number of data-driven tiers (default: the number of official tiers,
        else 3).
    rts, orientation : str
        DEA returns to scale and orientation.
    label_column : str
        Metadata column holding display labels.
    random_state : None, int or Generator
        Seed of every resampling step.
    title, description : str or None
        Page title and a line under it.
    lang : {"zh", "en"} or None
        Language of the text (default: Chinese when the labels are Chinese).
    figures : {"png", "svg"} or None
        How the unit's figures are drawn: ``"png"``, matplotlib images (what
        :mod:`benchmark.plotting` draws; the Excel workbook gets them too) or
        ``"svg"``, vector drawings written directly into the page (the same
        tables, colours and words, about 30 times faster; the workbook then
        has no figure sheet). Default (None): ``"png"`` for :func:`report`,
        ``"svg"`` for :func:`report_batch`.
    entity, period : str
        Entity and period columns (``period=None``: a cross-section).

    Examples
    --------
    >>> from benchmark import ReportOptions
    >>> opts = ReportOptions(indicators=["placement_rate", "skill_prizes"], cohort="tier", n_boot=200)
    >>> opts.indicators, opts.n_boot, opts.rts
    (('placement_rate', 'skill_prizes'), 200, 'crs')
    """

    targets: pd.DataFrame | None = None
    indicators: tuple[str, ...] | None = None
    metadata: pd.DataFrame | None = None
    cohort: Any = None
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    cost: str | None = None
    outcomes: tuple[str, ...] = ()
    direction: Any = None
    within: tuple[str, ...] = ()
    leaders: Any = None
    official: str | None = None
    official_order: tuple[Any, ...] | None = None
    at: Any = None
    ci: float = 0.95
    n_boot: int = 500
    n_draws: int = 500
    n_tier_boot: int = 30
    k: int | None = None
    rts: str = "crs"
    orientation: str = "input"
    label_column: str = "label"
    random_state: Any = 0
    title: str | None = None
    description: str | None = None
    lang: str | None = None
    figures: str | None = None
    entity: str = "institution"
    period: str | None = "year"

    def __post_init__(self) -> None:
        for name, value in _checked(self).items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame):
                shown.append(f"{f.name}=<DataFrame {value.shape[0]}x{value.shape[1]}>")
            elif value is not None and (isinstance(value, np.random.Generator) or value != f.default):
                shown.append(f"{f.name}={value!r}")
        return f"ReportOptions({', '.join(shown)})"

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The names of every option (what ``report(**options)`` accepts)."""
        return tuple(f.name for f in dataclasses.fields(cls))


def _checked(o: ReportOptions) -> dict[str, Any]:
    """The options normalised (lists as tuples) after every check that needs no data."""
    COMMON["entity"](o.entity, "entity")
    if o.entity is None:
        raise BenchmarkError("`entity` must name the entity column, e.g. entity='institution'.")
    check_column_name(o.period, name="period")
    COMMON["random_state"](o.random_state, "random_state")
    out: dict[str, Any] = {}
    if isinstance(o.indicators, pd.DataFrame):
        raise BenchmarkError("`indicators` is a list of columns; pass the indicator table as metadata= "
                             "(report(..., metadata=table)).")
    out["indicators"] = None if o.indicators is None else tuple(as_list(o.indicators, name="indicators"))
    for name in ("inputs", "outputs", "outcomes", "within"):
        out[name] = tuple(as_list(getattr(o, name), name=name, allow_empty=True))
    _check_metadata(o.metadata, o.label_column)
    _check_targets(o.targets, o.entity)
    for name in ("cost", "official", "label_column"):
        value = getattr(o, name)
        if value is not None and not isinstance(value, str | int | np.integer):
            raise BenchmarkError(f"`{name}` must be one column name; got {type(value).__name__} {value!r}.")
    if o.label_column is None:
        raise BenchmarkError("`label_column` must name the metadata column of display labels (default 'label').")
    if o.official_order is not None:
        if o.official is None:
            raise BenchmarkError("`official_order` was given without `official` (the official tier column).")
        if isinstance(o.official_order, str) or not isinstance(o.official_order, Sequence | pd.Index | np.ndarray):
            raise BenchmarkError(f"`official_order` must be a list of tiers, best first; got {o.official_order!r}.")
        out["official_order"] = tuple(o.official_order)
    out["ci"] = check_probability(o.ci, name="ci")
    for name, minimum in (("n_boot", 100), ("n_draws", 20), ("n_tier_boot", 0)):
        out[name] = check_count(getattr(o, name), name=name, minimum=minimum)
    if o.k is not None:
        if isinstance(o.k, bool) or not isinstance(o.k, int | np.integer) or o.k < 2:
            raise BenchmarkError(f"`k` must be an integer >= 2 (the number of tiers); got {o.k!r}.")
        out["k"] = int(o.k)
    check_choice(o.rts, _RTS, name="rts")
    check_choice(o.orientation, ("input", "output"), name="orientation")
    check_choice(o.lang, (None, "zh", "en"), name="lang")
    check_choice(o.figures, (None, "png", "svg"), name="figures")
    for name in ("title", "description"):
        value = getattr(o, name)
        if value is not None and not isinstance(value, str):
            raise BenchmarkError(f"`{name}` must be text; got {type(value).__name__} {value!r}.")
    return out


def _check_metadata(meta: Any, label_column: str) -> None:
    if meta is None:
        return
    check_frame(meta, name="metadata")
    check_columns(meta, ["indicator"], name="metadata (indicator table)")
    dupes = meta["indicator"][meta["indicator"].duplicated()].tolist()
    if dupes:
        raise BenchmarkError(f"`metadata` describes indicator {format_list(dupes)} more than once; keep one row "
                             "each.")
    if label_column != "label":
        check_columns(meta, [label_column], name="metadata", what="label column")


def _check_targets(targets: Any, entity: str) -> None:
    if targets is None:
        return
    check_frame(targets, name="targets")
    check_columns(targets, [entity, "indicator"], name="targets")
