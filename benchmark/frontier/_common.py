"""Helpers shared by the frontier modules: model checks, unit labels, reference sets.

Every frontier function (radial DEA, SBM, scale efficiency, bootstrap,
Malmquist, three-stage DEA) checks its inputs and outputs the same way and
labels units by the entity column in its own dtype, so that results merge
back onto the data.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import check_n_jobs  # noqa: F401  (re-exported for the frontier modules)
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    NonPositiveError,
    as_list,
    check_choice,
    check_columns,
    check_entity,
    check_frame,
    check_missing,
    check_numeric,
    check_panel,
    check_positive,
)

#: Accepted returns-to-scale names; Benchmarking's ``drs``/``irs`` are aliases.
RTS = ("crs", "vrs", "nirs", "ndrs", "fdh")
RTS_ALIASES = {"drs": "nirs", "irs": "ndrs", "ccr": "crs", "bcc": "vrs"}
ORIENTATION_ALIASES = {"in": "input", "out": "output"}
#: A score within this of 1 counts as efficient.
EFFICIENT_TOL = 1e-6


# ----------------------------------------------------------------- validation
def norm_rts(rts: str) -> str:
    value = RTS_ALIASES.get(str(rts).lower(), str(rts).lower())
    return check_choice(value, RTS, name="rts")


def norm_orientation(orientation: str) -> str:
    value = ORIENTATION_ALIASES.get(str(orientation).lower(), str(orientation).lower())
    return check_choice(value, ("input", "output"), name="orientation")


def resolve_engine(engine: str) -> str:
    from benchmark.frontier._lp import highs_available

    check_choice(engine, ("auto", "highs", "scipy"), name="engine")
    if engine == "auto":
        return "highs" if highs_available() else "scipy"
    if engine == "highs" and not highs_available():
        raise BenchmarkError("engine='highs' needs the highspy package (pip install highspy); "
                             "use engine='scipy' or engine='auto'.")
    return engine


def entity_labels(frame: pd.DataFrame, entity: str | None) -> Any:
    """The units' ids as an array in their own dtype (the index when there is no entity column).

    Integer ids stay integers and categoricals stay categorical, so result tables
    merge back onto the data; take rows with ``.take(positions)``.
    """
    if entity is not None and entity in frame.columns:
        return frame[entity].array
    return frame.index.array


def check_semipositive(frame: pd.DataFrame, inputs: list[str], outputs: list[str],
                        entity: str | None, name: str) -> None:
    """Non-negative data with at least one positive input and output per unit
    (the semipositivity assumption of Cooper, Seiford & Tone 2007, sec. 2.2)."""
    keys = [entity] if entity is not None and entity in frame.columns else []
    check_positive(frame, inputs + outputs, keys=keys, name=name, strict=False, why="DEA")
    labels = np.asarray(entity_labels(frame, entity), dtype=object)
    for cols, what in ((inputs, "input"), (outputs, "output")):
        zero_row = (frame[cols].to_numpy(dtype=float) <= 0).all(axis=1)
        if zero_row.any():
            bad = ", ".join(repr(x) for x in labels[zero_row][:5])
            raise NonPositiveError(
                f"`{name}`: {entity or 'row'} {bad} has no positive {what} among {cols}; "
                f"every unit needs at least one positive {what} (DEA data must be semipositive). "
                "Drop the unit or check the data.")
        zero_col = [c for c in cols if (frame[c].to_numpy(dtype=float) <= 0).all()]
        if zero_col:
            raise NonPositiveError(f"`{name}`: {what} column(s) {zero_col} are zero for every unit; drop them.")


def check_model_columns(data: Any, inputs: Any, outputs: Any, entity: str) -> tuple[pd.DataFrame, list, list]:
    ins = as_list(inputs, name="inputs")
    outs = as_list(outputs, name="outputs")
    both = [c for c in ins if c in outs]
    if both:
        raise ColumnError(f"{both} named both as input and as output; a column can only be one of them.")
    frame, _ = check_panel(data, ins + outs, entity=entity, period=None, require_period=False)
    if len(frame) < 2:
        raise BenchmarkError(
            f"DEA compares units with each other and needs at least 2; `data` has {len(frame)} "
            f"({entity} {frame[entity].iloc[0]!r}).")
    check_semipositive(frame, ins, outs, entity, "data")
    n, rule = len(frame), max(len(ins) * len(outs), 3 * (len(ins) + len(outs)))
    if n < rule:
        warnings.warn(
            f"DEA with {len(ins)} inputs and {len(outs)} outputs on {n} units: with fewer than "
            f"max(m*s, 3(m+s)) = {rule} units many will score 1 for lack of comparators "
            "(Cooper, Seiford & Tone 2007, p. 116). Use fewer indicators or more units.",
            UserWarning, stacklevel=3)
    return frame, ins, outs


@dataclasses.dataclass
class Reference:
    X: np.ndarray | None  # None: the evaluated units themselves
    Y: np.ndarray | None
    own: np.ndarray | None  # row of each evaluated unit in the reference, or -1
    labels: Any  # ids of the reference units, in the entity column's dtype


def reference_set(reference: Any, frame: pd.DataFrame, ins: list[str], outs: list[str],
               entity: str) -> Reference:
    """Turn ``reference=`` into reference arrays and each unit's row in them."""
    labels = entity_labels(frame, entity)
    if reference is None:
        return Reference(None, None, None, labels)
    if isinstance(reference, pd.DataFrame):
        ref = check_frame(reference, name="reference")
        check_columns(ref, ins + outs, name="reference", what="input/output column")
        check_numeric(ref, ins + outs, name="reference")
        keys = [entity] if entity in ref.columns else []
        check_missing(ref, ins + outs, keys=keys, name="reference")
        check_semipositive(ref, ins, outs, entity if keys else None, "reference")
        X, Y = ref[ins].to_numpy(dtype=float), ref[outs].to_numpy(dtype=float)
        if not (np.isfinite(X).all() and np.isfinite(Y).all()):
            raise BenchmarkError("`reference` has infinite values; replace them with finite numbers.")
        return Reference(X, Y, np.full(len(frame), -1), entity_labels(ref, entity if keys else None))
    mask = reference_mask(reference, frame, entity)
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        raise BenchmarkError("`reference` selects no unit; give at least one reference unit.")
    own = np.full(len(frame), -1)
    own[rows] = np.arange(len(rows))
    X, Y = frame[ins].to_numpy(dtype=float), frame[outs].to_numpy(dtype=float)
    return Reference(X[rows], Y[rows], own, labels.take(rows))


def reference_mask(reference: Any, frame: pd.DataFrame, entity: str) -> np.ndarray:
    if isinstance(reference, str):
        reference = [reference]
    if isinstance(reference, pd.Series) and reference.dtype == bool:
        if not reference.index.equals(frame.index):
            raise BenchmarkError("a boolean `reference` Series must have the same index as `data`.")
        return reference.to_numpy()
    values = np.asarray(list(reference) if not isinstance(reference, np.ndarray) else reference)
    if values.dtype == bool:
        if len(values) != len(frame):
            raise BenchmarkError(
                f"a boolean `reference` mask needs one value per row of `data` ({len(frame)}); got {len(values)}.")
        return values
    for value in values.tolist():
        check_entity(frame, value, entity=entity, name="data")
    return frame[entity].isin(values.tolist()).to_numpy()


def peer_table(lambdas: pd.DataFrame, units: pd.Series, entity: str, *, wide: bool) -> pd.DataFrame:
    """Each unit's peers and their weights from a long ``entity, peer, lambda`` table.

    Long form adds ``weight``, the peer's share of the unit's lambdas; ``wide``
    gives one row per unit of ``units`` (in that order) with columns
    ``peer_1, peer_2, ...``, like ``Benchmarking::peers``.
    """
    lam = lambdas.copy()
    total = lam.groupby(entity, sort=False)["lambda"].transform("sum")
    lam["weight"] = lam["lambda"] / total
    if not wide:
        return lam
    lam["rank"] = lam.groupby(entity, sort=False).cumcount() + 1
    out = lam.pivot(index=entity, columns="rank", values="peer")
    out.columns = [f"peer_{c}" for c in out.columns]
    return out.reindex(units).reset_index()
