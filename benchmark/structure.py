"""Structure of specialty clusters: concentration, internal relatedness, external fit.

A specialty cluster is judged by whether it produces an agglomeration effect:
its member specialties are concentrated rather than scattered
(:func:`concentration`), share courses, teachers and training bases
(:func:`relatedness`), and match the structure of the regional industry they
serve (:func:`structural_fit`, :func:`location_quotient`).
:func:`agglomeration` puts the three dimensions into one panel (one row per
cluster and period) that can be peer-compared, trended or tiered like any
other indicator; :func:`coupling_coordination` is the coupling-coordination
degree of two indices.

Formulas, conventions and citations are in ``docs/structure.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._i18n import resolve_lang
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    EmptyDataError,
    NonPositiveError,
    as_list,
    check_choice,
    check_columns,
    check_finite,
    check_frame,
    check_missing,
    check_numeric,
    check_positive,
    format_list,
    interval,
    options,
    row_labels,
    validate_params,
)

__all__ = [
    "COUPLING_GRADES",
    "agglomeration",
    "concentration",
    "coupling_coordination",
    "location_quotient",
    "relatedness",
    "structural_fit",
]

CONCENTRATION_METHODS = ("hhi", "normalised", "entropy", "top_k")
FIT_METHODS = ("cosine", "overlap", "dissimilarity", "deviation", "coupling")
_ALIASES = {"normalized": "normalised", "hhi_normalised": "normalised", "cr": "top_k"}


# ---------------------------------------------------------------- helpers
def _gate_long(
    data: Any, keys: list[str], values: list[str], *, name: str = "data", key_what: str = "column"
) -> pd.DataFrame:
    """Check a long table: key columns present and complete, values numeric, finite, >= 0."""
    frame = check_frame(data, name=name)
    check_columns(frame, keys, name=name, what=key_what)
    check_columns(frame, values, name=name, what="value column")
    clash = [v for v in values if v in keys]
    if clash:
        raise ColumnError(f"{format_list(clash)} is used both as a key and as the value column; name different columns.")
    check_numeric(frame, values, name=name)
    check_finite(frame, values, keys=keys, name=name)
    check_missing(frame, keys, keys=keys, name=name,
                  hint="every row must belong to a group (fill the labels or drop those rows)")
    check_missing(frame, values, keys=keys, name=name)
    check_positive(frame, values, keys=keys, name=name, strict=False, why="a share-based index")
    return frame


def _distinct(**roles: list[str]) -> None:
    """Raise when one column plays two roles (e.g. both group and member)."""
    seen: dict[str, str] = {}
    for role, cols in roles.items():
        for c in cols:
            if c in seen:
                raise ColumnError(f"{c!r} is given both as `{seen[c]}` and as `{role}`; give each column one role.")
            seen[c] = role


def _codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Integer group code per row, in sorted key order (0 for all rows when ``keys`` is empty)."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64)
    return frame.groupby(keys, sort=True, observed=True, dropna=False).ngroup().to_numpy()


def _key_table(frame: pd.DataFrame, keys: list[str], codes: np.ndarray) -> pd.DataFrame:
    """One row of key values per group code, ordered by code."""
    _, first = np.unique(codes, return_index=True)
    return frame[keys].iloc[first].reset_index(drop=True)


def _label(frame: pd.DataFrame, keys: list[str]) -> list[str]:
    return frame[keys].astype(str).agg("/".join, axis=1).tolist() if keys else ["(all)"] * len(frame)


def _one_value_per(frame: pd.DataFrame, keys: list[str], column: str, what: str) -> None:
    """Raise when some key combination maps to several values of ``column``."""
    counts = frame.groupby(keys, sort=True, observed=True)[column].nunique(dropna=False)
    bad = counts[counts > 1]
    if len(bad):
        names = ["/".join(map(str, k if isinstance(k, tuple) else (k,))) for k in bad.index]
        raise BenchmarkError(
            f"{what}: {'/'.join(keys)} {format_list(names)} map(s) to several values of {column!r}; "
            f"each must belong to one {column}."
        )


def _reasons(*pairs: tuple[np.ndarray, str]) -> pd.Series:
    """The first applicable reason per row from (mask, text) pairs, None where none applies."""
    out = np.full(len(pairs[0][0]), None, dtype=object)
    for mask, text in reversed(pairs):
        out = np.where(mask, text, out)
    return pd.Series(out, dtype=object)


def _top_k(top_k: Any) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise BenchmarkError(f"`top_k` must be a positive integer (e.g. 3 for CR3); got {top_k!r}.")
    return int(top_k)


# ---------------------------------------------------------------- concentration
@validate_params()
def concentration(
    data: pd.DataFrame,
    value: str,
    *,
    group: str | Iterable[str],
    by: str | Iterable[str] | None = None,
    method: str = "hhi",
    member: str | Iterable[str] | None = None,
    top_k: int = 3,
) -> pd.DataFrame:
    """How concentrated a value (e.g. enrolment) is among the members of each group.

    With shares :math:`s_i = x_i / \\sum_j x_j` of the :math:`n` members of a group:

    - ``hhi``: Herfindahl-Hirschman index :math:`H = \\sum s_i^2`, in :math:`[1/n, 1]`;
    - ``hhi_normalised``: :math:`(H - 1/n) / (1 - 1/n)`, 0 for an even spread and
      1 when one member holds everything (1 by convention for a single member);
    - ``entropy``: Shannon entropy :math:`-\\sum s_i \\ln s_i` (nats) and
      ``evenness`` :math:`= \\text{entropy} / \\ln n` (Pielou), 1 for an even
      spread (0 by convention for a single member);
    - ``cr<k>``: top-k concentration ratio, the summed shares of the ``top_k``
      largest members (1 when the group has at most ``top_k`` members).

    Parameters
    ----------
    data : DataFrame
        One row per member (e.g. specialty) with its value.
    value : str
        Non-negative column whose distribution is measured.
    group : str or list of str
        Column(s) naming the group (e.g. ``"cluster"`` or ``["institution", "cluster"]``).
    by : str or list of str, optional
        Further split, e.g. ``"year"``.
    method : {"hhi", "normalised", "entropy", "top_k"}
        The measure copied into the headline ``concentration`` column (always
        "higher = more concentrated"; for ``"entropy"`` it is ``1 - evenness``).
        All measures are reported whatever the choice.
    member : str or list of str, optional
        Column(s) naming the member. Rows of one member are summed first;
        without it every row is a member.
    top_k : int
        k of the concentration ratio.

    Returns
    -------
    DataFrame
        ``group..., by..., n_members, total, hhi, hhi_normalised, entropy,
        evenness, cr<k>, concentration, reason``. Members with a zero value count
        in ``n`` (a listed but empty specialty makes the spread less even). A
        group whose values are all zero gets NaN with a reason.

    See Also
    --------
    location_quotient : specialisation relative to a reference.
    agglomeration : concentration, relatedness and fit per cluster.
    benchmark.gini : the Gini coefficient of a value across units.

    Examples
    --------
    >>> df = pd.DataFrame({"cluster": ["x", "x", "y", "y"], "enrolment": [50, 50, 90, 10]})
    >>> concentration(df, "enrolment", group="cluster")[["cluster", "hhi", "hhi_normalised", "evenness"]]
      cluster   hhi  hhi_normalised  evenness
    0       x  0.50             0.0  1.000000
    1       y  0.82             0.64  0.468996
    """
    groups = as_list(group, name="group")
    split = as_list(by, name="by", allow_empty=True)
    members = as_list(member, name="member", allow_empty=True)
    _distinct(group=groups, by=split, member=members, value=[value])
    method = check_choice(_ALIASES.get(method, method), CONCENTRATION_METHODS, name="method")
    k = _top_k(top_k)
    keys = groups + split
    frame = _gate_long(data, keys + members, [value])
    table = frame[keys + members + [value]]
    if members:
        table = table.groupby(keys + members, sort=False, observed=True)[value].sum().reset_index()

    codes = _codes(table, keys)
    x = table[value].to_numpy(dtype=float)
    n = np.bincount(codes).astype(float)
    total = np.bincount(codes, weights=x)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x / total[codes]
        hhi = np.bincount(codes, weights=share**2)
        plogp = np.where(share > 0, share * np.log(np.where(share > 0, share, 1.0)), 0.0)
        entropy = -np.bincount(codes, weights=plogp)
        evenness = np.where(n > 1, entropy / np.log(n), 0.0)
        normalised = np.where(n > 1, (hhi - 1 / n) / (1 - 1 / n), 1.0)
    order = np.lexsort((-share, codes))
    starts = np.concatenate(([0], np.cumsum(n.astype(int))[:-1]))
    within = np.arange(len(order)) - starts[codes[order]]
    top = within < k
    ratio = np.bincount(codes[order][top], weights=share[order][top], minlength=len(n))

    empty = total == 0
    out = _key_table(table, keys, codes)
    out["n_members"] = n.astype(int)
    out["total"] = total
    measures = {
        "hhi": np.clip(hhi, 0, 1),
        "hhi_normalised": np.clip(normalised, 0, 1),
        "entropy": np.maximum(entropy, 0),
        "evenness": np.clip(evenness, 0, 1),
        f"cr{k}": np.clip(ratio, 0, 1),
    }
    for col, values in measures.items():
        out[col] = np.where(empty, np.nan, values)
    headline = {"hhi": "hhi", "normalised": "hhi_normalised", "top_k": f"cr{k}"}
    out["concentration"] = 1 - out["evenness"] if method == "entropy" else out[headline[method]]
    out["reason"] = _reasons((empty, "all values are zero"))
    return out


# ---------------------------------------------------------------- location quotient
def _reference_frame(
    reference: pd.DataFrame, category: str, ref_value: str, data_columns: Iterable[str]
) -> tuple[pd.DataFrame, list[str]]:
    """Validate a table of reference totals; its other columns are join keys into the data."""
    check_columns(reference, [category, ref_value], name="reference")
    rkeys = [c for c in reference.columns if c not in (category, ref_value)]
    absent = [c for c in rkeys if c not in data_columns]
    if absent:
        raise ColumnError(
            f"`reference` column(s) {format_list(absent)} are not in `data`, so they cannot link units to "
            f"reference totals; keep only {category!r}, {ref_value!r} and columns that `data` shares."
        )
    ref = _gate_long(reference, rkeys + [category], [ref_value], name="reference")
    dup = ref.duplicated(rkeys + [category], keep=False).to_numpy()
    if dup.any():
        raise DuplicateRowError(
            f"`reference` has several rows for {format_list(sorted(set(_label(ref.loc[dup], rkeys + [category]))))}; "
            "give one total per key and category."
        )
    return ref, rkeys


@validate_params()
def location_quotient(
    data: pd.DataFrame,
    value: str,
    *,
    unit: str | Iterable[str],
    category: str,
    reference: str | pd.DataFrame | None = None,
    by: str | Iterable[str] | None = None,
    reference_value: str | None = None,
) -> pd.DataFrame:
    """The share of a category in a unit divided by its share in the reference.

    :math:`LQ_{uc} = (x_{uc} / x_u) / (r_c / r)`: above 1 the unit is
    specialised in the category relative to the reference (Isard, 1960).

    Parameters
    ----------
    data : DataFrame
        Long table of values by unit and category (rows of one unit and
        category are summed, e.g. several specialties of one category).
    value : str
        Non-negative value column (enrolment, employment, output).
    unit : str or list of str
        Column(s) naming the unit (e.g. ``"cluster"``, ``"province"``).
    category : str
        Category column (e.g. industry category).
    reference : None, column name or DataFrame
        ``None``: all units of ``data`` (per ``by`` group) form the reference.
        A column of ``data`` (e.g. ``"province"``): the units sharing that
        column's value are pooled into the reference. A DataFrame of reference
        totals with columns ``category``, the value (``reference_value``) and
        any key columns it shares with ``data`` (e.g. ``province``, ``year``),
        such as provincial or national employment by category.
    by : str or list of str, optional
        Compute separately per group, e.g. ``"year"``.
    reference_value : str, optional
        Value column of a reference DataFrame (default: ``value``).

    Returns
    -------
    DataFrame
        ``unit..., by..., [reference keys], category, value, unit_share,
        reference_share, location_quotient, reason``. Only unit-category pairs
        present in ``data`` are listed. A category absent from (or zero in) the
        reference, or a unit with zero total, gives NaN with a reason.

    See Also
    --------
    concentration : concentration within each group.
    structural_fit : the match of two structures over the same categories.

    Examples
    --------
    >>> df = pd.DataFrame({"unit": ["u", "u", "v", "v"], "category": ["a", "b", "a", "b"],
    ...                    "jobs": [30, 10, 10, 50]})
    >>> location_quotient(df, "jobs", unit="unit", category="category")[["unit", "category", "location_quotient"]]
      unit category  location_quotient
    0    u        a           1.875000
    1    u        b           0.416667
    2    v        a           0.416667
    3    v        b           1.388889
    """
    units = as_list(unit, name="unit")
    split = as_list(by, name="by", allow_empty=True)
    _distinct(unit=units, by=split, category=[category], value=[value])
    region = [reference] if isinstance(reference, str) else []
    frame = _gate_long(data, units + split + [category] + region, [value])
    agg_keys = units + split + region + [category]
    if region:
        if reference in units + split + [category]:
            raise ColumnError(f"`reference` {reference!r} is also the unit, category or a `by` column.")
        _one_value_per(frame, units + split, reference, "reference")
    agg = frame.groupby(agg_keys, sort=True, observed=True)[value].sum().reset_index()

    if reference is None or isinstance(reference, str):
        rkeys = region + split
        ref = agg.groupby(rkeys + [category], sort=True, observed=True)[value].sum().rename("_r").reset_index()
    elif isinstance(reference, pd.DataFrame):
        rv = reference_value or value
        ref_frame, rkeys = _reference_frame(reference, category, rv, frame.columns)
        for c in rkeys:
            if c not in units + split:
                _one_value_per(frame, units + split, c, "reference")
                agg = agg.merge(frame[units + split + [c]].drop_duplicates(), on=units + split, how="left")
        ref = ref_frame[rkeys + [category, rv]].rename(columns={rv: "_r"})
    else:
        raise BenchmarkError(
            "`reference` must be None, a column name of `data` or a DataFrame of reference totals; "
            f"got {type(reference).__name__}."
        )
    ref_total = ref.groupby(rkeys, sort=True, observed=True)["_r"].sum() if rkeys else \
        pd.Series([ref["_r"].sum()])
    zero = ref_total[ref_total == 0]
    if len(zero):
        raise NonPositiveError(
            f"the reference is all zeros for {format_list([str(i) for i in zero.index])}; "
            "a location quotient needs a positive reference total."
        )
    if rkeys:
        covered = agg[rkeys].drop_duplicates().merge(ref[rkeys].drop_duplicates(), how="left", indicator=True)
        lost = covered[covered["_merge"] == "left_only"]
        if len(lost):
            raise BenchmarkError(
                f"`reference` has no rows for {'/'.join(rkeys)} {format_list(_label(lost, rkeys))}; "
                "add reference totals for them."
            )
        ref = ref.merge(ref_total.rename("_rt").reset_index(), on=rkeys)
    else:
        ref = ref.assign(_rt=float(ref_total.iloc[0]))
    ref["reference_share"] = ref["_r"] / ref["_rt"]

    out = agg.merge(ref[rkeys + [category, "reference_share"]], on=rkeys + [category], how="left")
    unit_total = out.groupby(units + split, sort=False, observed=True)[value].transform("sum").to_numpy(float)
    x = out[value].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["unit_share"] = x / unit_total
        ref_share = out["reference_share"].to_numpy(dtype=float)
        lq = out["unit_share"].to_numpy(dtype=float) / ref_share
    reason = _reasons((unit_total == 0, "unit total is zero"),
                      (np.isnan(ref_share), "category absent from reference"),
                      (ref_share == 0, "category is zero in reference"))
    out["location_quotient"] = np.where(reason.isna().to_numpy(), lq, np.nan)
    out["reason"] = reason
    cols = units + split + [c for c in rkeys if c not in split] + [category, value, "unit_share",
                                                                 "reference_share", "location_quotient", "reason"]
    return out[cols]


# ---------------------------------------------------------------- relatedness
@validate_params()
def relatedness(
    links: pd.DataFrame,
    *,
    member: str | Iterable[str],
    resource: str,
    group: str | Iterable[str],
    by: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """How much the members of each group share resources.

    From a table of links (which member uses which resource) per group:

    - ``shared_resource_share``: share of the group's resources used by two or
      more of its members;
    - ``mean_jaccard``: mean over all member pairs of the Jaccard overlap
      :math:`|A \\cap B| / |A \\cup B|` of their resource sets (Jaccard, 1912);
      two members without resources count as 0;
    - ``density``: share of member pairs that share at least one resource, the
      density of the member network (Wasserman & Faust, 1994).

    Parameters
    ----------
    links : DataFrame
        One row per (member, resource) link; repeated links count once. A row
        with a missing resource records a member that uses none (it still
        counts in the member pairs).
    member : str or list of str
        Column(s) naming the member (e.g. ``"specialty"``).
    resource : str
        Column naming the resource (course, teacher, lab, training base).
        Resources are matched within a group only.
    group : str or list of str
        Column(s) naming the group (e.g. ``"cluster"``).
    by : str or list of str, optional
        Further split, e.g. ``"year"`` or ``["year", "resource_type"]``.

    Returns
    -------
    DataFrame
        ``group..., by..., n_members, n_resources, n_shared_resources,
        shared_resource_share, n_pairs, mean_jaccard, density, reason``. Groups
        with fewer than two members have no pairs (NaN with a reason).

    See Also
    --------
    agglomeration : concentration, relatedness and fit per cluster.
    concentration : how concentrated a value is among the members.

    Examples
    --------
    >>> links = pd.DataFrame({"cluster": "x", "specialty": ["p", "p", "q", "q", "r"],
    ...                       "resource": ["lab1", "lab2", "lab1", "lab3", "lab4"]})
    >>> relatedness(links, member="specialty", resource="resource", group="cluster")[
    ...     ["shared_resource_share", "mean_jaccard", "density"]]
       shared_resource_share  mean_jaccard   density
    0                   0.25      0.111111  0.333333
    """
    from scipy import sparse

    members = as_list(member, name="member")
    groups = as_list(group, name="group")
    split = as_list(by, name="by", allow_empty=True)
    _distinct(group=groups, by=split, member=members, resource=[resource])
    frame = check_frame(links, name="links")
    check_columns(frame, groups + split + members + [resource], name="links")
    keys = groups + split
    check_missing(frame, keys + members, keys=keys + members, name="links",
                  hint="every link needs its group and member (fill the labels or drop those rows)")
    table = frame[keys + members + [resource]].drop_duplicates()

    gcode = _codes(table, keys)
    mcode = _codes(table, keys + members)
    member_group = np.zeros(mcode.max() + 1, dtype=np.int64)
    member_group[mcode] = gcode
    used = table[resource].notna().to_numpy()
    rtable = table.loc[used]
    rcode = _codes(rtable, keys + [resource])
    n_res_total = int(rcode.max()) + 1 if len(rcode) else 0
    incidence = sparse.csr_matrix(
        (np.ones(len(rcode)), (mcode[used], rcode)), shape=(len(member_group), n_res_total))
    co = sparse.triu(incidence @ incidence.T, k=1).tocoo()
    degree = np.asarray(incidence.sum(axis=1)).ravel()
    jaccard = co.data / (degree[co.row] + degree[co.col] - co.data)

    n_groups = int(gcode.max()) + 1
    n_members = np.bincount(member_group, minlength=n_groups)
    users = np.asarray(incidence.sum(axis=0)).ravel()
    resource_group = np.zeros(n_res_total, dtype=np.int64)
    resource_group[rcode] = gcode[used]
    n_resources = np.bincount(resource_group, minlength=n_groups)
    n_shared = np.bincount(resource_group, weights=users >= 2, minlength=n_groups)
    pairs = n_members * (n_members - 1) / 2
    linked = np.bincount(member_group[co.row], minlength=n_groups)
    jaccard_sum = np.bincount(member_group[co.row], weights=jaccard, minlength=n_groups)

    out = _key_table(table, keys, gcode)
    out["n_members"] = n_members
    out["n_resources"] = n_resources
    out["n_shared_resources"] = n_shared.astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["shared_resource_share"] = np.where(n_resources > 0, n_shared / n_resources, np.nan)
        out["n_pairs"] = pairs.astype(int)
        out["mean_jaccard"] = np.where(pairs > 0, jaccard_sum / pairs, np.nan)
        out["density"] = np.where(pairs > 0, linked / pairs, np.nan)
    out["reason"] = _reasons((n_members < 2, "fewer than two members"),
                             (n_resources == 0, "no resources"))
    return out


# ---------------------------------------------------------------- structural fit
def _value_column(frame: pd.DataFrame, given: str | None, exclude: list[str], name: str, keyword: str) -> str:
    """The value column: the one given, or the only numeric column that is not a key."""
    if given is not None:
        check_columns(frame, [given], name=name, what="value column")
        return given
    numeric = [c for c in frame.columns if c not in exclude and pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])]
    if len(numeric) != 1:
        found = format_list(numeric) if numeric else "none"
        raise ColumnError(
            f"cannot tell which column of `{name}` holds the values (numeric non-key columns: {found}); "
            f"pass {keyword}=..."
        )
    return numeric[0]


def _coupling(u1: np.ndarray, u2: np.ndarray, a: float, b: float) -> tuple[np.ndarray, ...]:
    """Coupling C, comprehensive development T and coordination D of two indices in [0, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(u1 + u2 > 0, 2 * np.sqrt(u1 * u2) / (u1 + u2), 0.0)
    t = a * u1 + b * u2
    return c, t, np.sqrt(c * t)


def _check_weights(weights: Any) -> tuple[float, float]:
    try:
        a, b = (float(w) for w in weights)
    except (TypeError, ValueError):
        raise BenchmarkError(f"`shares` must be two numbers (a, b) summing to 1; got {weights!r}.") from None
    if a < 0 or b < 0 or not np.isclose(a + b, 1):
        raise BenchmarkError(f"`shares` must be two non-negative numbers summing to 1; got {weights!r}.")
    return a, b


def _demand_keys_unique(demand: pd.DataFrame, keys: list[str], on: str, dv: str) -> None:
    dup = demand.duplicated(keys + [on], keep=False).to_numpy()
    if dup.any():
        extra = [c for c in demand.columns if c not in keys + [on, dv]]
        hint = f" add {format_list(extra)} to `by`, or" if extra else ""
        raise DuplicateRowError(
            f"`demand` has several rows for {'/'.join(keys + [on])} "
            f"{format_list(sorted(set(_label(demand.loc[dup], keys + [on]))))};{hint} aggregate the demand first."
        )


def _fit_grid(
    supply: pd.DataFrame, demand: pd.DataFrame, on: str, split: list[str], dkeys: list[str],
    sv: str, dv: str, missing: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups table and the long (group, category) grid of supply and demand values."""
    s_agg = supply.groupby(split + [on], sort=True, observed=True)[sv].sum().reset_index()
    gid = _codes(s_agg, split)
    groups = _key_table(s_agg, split, gid)
    groups["_g"] = np.arange(len(groups))
    common = set(s_agg[on]) & set(demand[on])
    if not common:
        raise BenchmarkError(
            f"supply and demand do not refer to the same categories: no value of {on!r} occurs in both "
            f"(supply: {format_list(sorted(map(str, set(s_agg[on]))))}; demand: "
            f"{format_list(sorted(map(str, set(demand[on]))))}). Map both to one classification."
        )
    d = demand[dkeys + [on, dv]]
    if dkeys:
        present = groups[dkeys].drop_duplicates().merge(d[dkeys].drop_duplicates(), how="left", indicator=True)
        lost = present[present["_merge"] == "left_only"]
        if len(lost):
            raise BenchmarkError(
                f"`demand` has no rows for {'/'.join(dkeys)} {format_list(_label(lost, dkeys))}, which `supply` "
                "needs; add the demand structure for them."
            )
        gd = groups[["_g"] + dkeys].merge(d, on=dkeys)
    else:
        gd = groups[["_g"]].merge(d, how="cross")
    d_total = gd.groupby("_g")[dv].sum()
    if (d_total == 0).any():
        zero = groups.loc[groups["_g"].isin(d_total.index[d_total == 0]), dkeys].drop_duplicates()
        names = _label(zero, dkeys) if dkeys else ["the whole demand table"]
        raise NonPositiveError(
            f"the demand structure is all zeros for {format_list(names)}; shares need a positive demand total."
        )
    s_long = s_agg.assign(_g=gid)[["_g", on, sv]]
    grid = s_long.merge(gd[["_g", on, dv]], on=["_g", on], how="outer", indicator="_side")
    if missing == "raise":
        bad = grid[grid["_side"] == "left_only"]
        if len(bad):
            cats = sorted(map(str, set(bad[on])))
            where = _label(groups.loc[groups["_g"].isin(bad["_g"])], split) if split else ["the whole table"]
            raise BenchmarkError(
                f"supply categories {format_list(cats)} have no row in `demand` (for {format_list(where)}); "
                "add them to the demand table or use absent='zero'."
            )
    grid[sv] = grid[sv].fillna(0.0).astype(float)
    grid[dv] = grid[dv].fillna(0.0).astype(float)
    return groups, grid.sort_values(["_g", on], kind="stable").reset_index(drop=True)


@validate_params()
def structural_fit(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    *,
    on: str,
    by: str | Iterable[str] | None = None,
    method: str = "cosine",
    supply_value: str | None = None,
    demand_value: str | None = None,
    absent: str = "zero",
    shares: Sequence[float] = (0.5, 0.5),
    detail: bool = False,
) -> pd.DataFrame:
    """How well a supply structure matches a demand structure over the same categories.

    Supply (e.g. enrolment by industry category of a cluster's specialties) and
    demand (e.g. employment by category in the province) are turned into
    shares :math:`s_c` and :math:`d_c` per group; then

    - ``cosine``: structural similarity coefficient
      :math:`\\sum s_c d_c / \\sqrt{\\sum s_c^2 \\sum d_c^2}` (the cosine of the
      two share vectors; UNIDO, 1979), 1 for identical structures;
    - ``overlap``: :math:`\\sum_c \\min(s_c, d_c)`, the share that matches, and
      ``dissimilarity`` :math:`= \\tfrac12 \\sum |s_c - d_c| = 1 - \\text{overlap}`;
    - ``deviation``: mean structural deviation :math:`\\text{mean}_c |s_c / d_c - 1|`
      over categories with :math:`d_c > 0` (0 is a perfect match; categories
      with supply but no demand are left out and counted in
      ``n_deviation_excluded``);
    - ``coupling`` (C) and ``coordination`` (D): coupling-coordination degree
      of the supply and demand scale indices :math:`U_1, U_2` (each group's
      total divided by the largest total in the table), see
      :func:`coupling_coordination`.

    Parameters
    ----------
    supply, demand : DataFrame
        Long tables with the category column ``on`` and a non-negative value.
        Supply rows of one group and category are summed; demand must have one
        row per matched key and category.
    on : str
        Category column present in both tables.
    by : str or list of str, optional
        Columns of ``supply`` that define the groups compared (e.g.
        ``["cluster", "province", "year"]``). Demand is matched on the ``by``
        columns it has (e.g. ``province`` and ``year``); with none, every group
        is compared with the whole demand table.
    method : {"cosine", "overlap", "dissimilarity", "deviation", "coupling"}
        The measure copied into the headline ``fit`` column. ``cosine``,
        ``overlap`` and ``coupling`` are "higher is better"; ``dissimilarity`` and
        ``deviation`` are "lower is better". All are reported.
    supply_value, demand_value : str, optional
        Value columns; by default the one numeric column that is not a key.
    absent : {"zero", "raise"}
        A category present on one side only counts as a zero share on the other
        (``"zero"``, reported in ``missing_in_supply``/``missing_in_demand``).
        ``"raise"`` rejects supply categories that the demand lacks (usually a
        coding mismatch; demand categories no specialty serves are normal).
    shares : (float, float)
        Shares a, b of the two subsystems in the development index
        :math:`T = aU_1 + bU_2`.
    detail : bool
        Return the per-category table (``group..., on, supply_share,
        demand_share, difference, deviation, side``) instead of the summary.

    Returns
    -------
    DataFrame
        ``by..., n_categories, n_missing_in_supply, missing_in_supply,
        n_missing_in_demand, missing_in_demand, supply_total, demand_total,
        cosine, overlap, dissimilarity, deviation, n_deviation_excluded,
        coupling, coordination, fit, reason``. A group whose supply is all zero
        gets NaN with a reason.

    See Also
    --------
    coupling_coordination : the coupling of subsystem indices.
    location_quotient : specialisation in each category.
    agglomeration : concentration, relatedness and fit per cluster.

    Examples
    --------
    >>> supply = pd.DataFrame({"category": ["a", "b"], "enrolment": [60, 40]})
    >>> demand = pd.DataFrame({"category": ["a", "b", "c"], "employment": [300, 100, 100]})
    >>> fit = structural_fit(supply, demand, on="category")
    >>> fit[["cosine", "overlap", "deviation", "missing_in_supply"]]
         cosine  overlap  deviation missing_in_supply
    0  0.919866      0.8   0.666667                 c
    """
    split = as_list(by, name="by", allow_empty=True)
    method = check_choice(method, FIT_METHODS, name="method")
    check_choice(absent, ("zero", "raise"), name="absent")
    a, b = _check_weights(shares)
    if on in split:
        raise ColumnError(f"{on!r} is the category column and cannot also be a `by` column.")
    check_frame(supply, name="supply")
    check_frame(demand, name="demand")
    check_columns(supply, split + [on], name="supply")
    check_columns(demand, [on], name="demand", what="category column")
    dkeys = [c for c in split if c in demand.columns]
    sv = _value_column(supply, supply_value, split + [on], "supply", "supply_value")
    dv = _value_column(demand, demand_value, dkeys + [on], "demand", "demand_value")
    supply = _gate_long(supply, split + [on], [sv], name="supply")
    demand = _gate_long(demand, dkeys + [on], [dv], name="demand")
    _demand_keys_unique(demand, dkeys, on, dv)
    groups, grid = _fit_grid(supply, demand, on, split, dkeys, sv, dv, absent)

    g = grid["_g"].to_numpy()
    x, y = grid[sv].to_numpy(float), grid[dv].to_numpy(float)
    n = len(groups)
    s_tot = np.bincount(g, weights=x, minlength=n)
    d_tot = np.bincount(g, weights=y, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        s, d = x / s_tot[g], y / d_tot[g]
        ratio_dev = np.abs(s / d - 1)
    counted = d > 0
    excluded = (d == 0) & (s > 0)
    if detail:
        out = groups[split].iloc[g].reset_index(drop=True)
        out[on] = grid[on].to_numpy()
        out["supply_share"] = s
        out["demand_share"] = d
        out["difference"] = s - d
        out["deviation"] = np.where(counted, s / np.where(counted, d, 1) - 1, np.nan)
        out["side"] = grid["_side"].map({"both": "both", "left_only": "supply only",
                                         "right_only": "demand only"}).astype(object).to_numpy()
        return out
    summary = groups[split].copy()
    summary["n_categories"] = np.bincount(g, weights=(x > 0) | (y > 0), minlength=n).astype(int)
    for side, label in (("right_only", "supply"), ("left_only", "demand")):
        mask = (grid["_side"] == side).to_numpy()
        summary[f"n_missing_in_{label}"] = np.bincount(g[mask], minlength=n)
        names = grid.loc[mask].groupby("_g")[on].agg(lambda c: ", ".join(map(str, c)))
        summary[f"missing_in_{label}"] = pd.Series(names.reindex(range(n)).to_numpy(), dtype=object).where(
            lambda v: v.notna(), "")
    summary["supply_total"] = s_tot
    summary["demand_total"] = d_tot
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["cosine"] = np.bincount(g, weights=s * d, minlength=n) / np.sqrt(
            np.bincount(g, weights=s * s, minlength=n) * np.bincount(g, weights=d * d, minlength=n))
        summary["overlap"] = np.bincount(g, weights=np.minimum(s, d), minlength=n)
        summary["dissimilarity"] = 0.5 * np.bincount(g, weights=np.abs(s - d), minlength=n)
        n_counted = np.bincount(g, weights=counted, minlength=n)
        summary["deviation"] = np.bincount(g[counted], weights=ratio_dev[counted], minlength=n) / n_counted
    summary["n_deviation_excluded"] = np.bincount(g, weights=excluded, minlength=n).astype(int)
    c, _, dd = _coupling(s_tot / s_tot.max() if s_tot.max() > 0 else s_tot, d_tot / d_tot.max(), a, b)
    summary["coupling"] = c
    summary["coordination"] = dd
    empty = s_tot == 0
    measures = ["cosine", "overlap", "dissimilarity", "deviation"]
    for col in measures:
        summary[col] = np.where(empty, np.nan, summary[col].to_numpy())
    summary["fit"] = summary[method]
    summary["reason"] = _reasons((empty, "supply total is zero"))
    return summary.reset_index(drop=True)


#: The ten coordination grades of D in [0, 1] (equal steps of 0.1), as used
#: throughout the Chinese coupling-coordination literature.
COUPLING_GRADES = {
    "en": ("extreme disorder", "serious disorder", "moderate disorder", "mild disorder", "near disorder",
           "barely coordinated", "primary coordination", "intermediate coordination", "good coordination",
           "high-quality coordination"),
    "zh": ("极度失调", "严重失调", "中度失调", "轻度失调", "濒临失调", "勉强协调", "初级协调", "中级协调",
           "良好协调", "优质协调"),
}
_COUPLING_TYPES = {"en": ("synchronous", "{} lagging"), "zh": ("同步型", "{}滞后型")}


def _coupling_n(u: np.ndarray, model: str) -> np.ndarray:
    """Coupling degree C of each row of ``u`` (rows x n subsystems, values in [0, 1])."""
    n = u.shape[1]
    top = u.max(axis=1)
    positive = top > 0
    safe = np.where(positive[:, None], u, 1.0)
    if model == "traditional":
        # C = n [prod U_i / (sum U_i)^n]^(1/n), i.e. geometric over arithmetic mean
        geo = np.exp(np.log(np.where(safe > 0, safe, 1.0)).mean(axis=1))
        geo = np.where((safe > 0).all(axis=1), geo, 0.0)
        return np.where(positive, geo / safe.mean(axis=1), 0.0)
    i, j = np.triu_indices(n, 1)
    spread = np.abs(u[:, i] - u[:, j]).sum(axis=1) / len(i)
    ratio = safe / np.where(positive, top, 1.0)[:, None]
    with np.errstate(divide="ignore"):
        balance = np.exp(np.log(ratio).sum(axis=1) / (n - 1))
    return np.where(positive, np.sqrt(np.clip(1.0 - spread, 0.0, None) * balance), 0.0)


def _coupling_weights(weights: Any, names: list[str]) -> np.ndarray:
    if weights is None:
        return np.full(len(names), 1.0 / len(names))
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in names]
        absent = [k for k in names if k not in weights]
        if unknown or absent:
            problems = [f"{what} {format_list(keys)}" for what, keys in
                        (("unknown", unknown), ("missing", absent)) if keys]
            raise BenchmarkError(f"`shares` must give one share per subsystem ({format_list(names)}); "
                                 f"{', '.join(problems)}.")
        weights = [weights[k] for k in names]
    try:
        w = np.asarray([float(v) for v in weights])
    except (TypeError, ValueError):
        raise BenchmarkError(f"`shares` must be {len(names)} numbers summing to 1; got {weights!r}.") from None
    if w.shape != (len(names),) or (w < 0).any() or not np.isclose(w.sum(), 1):
        raise BenchmarkError(f"`shares` must be {len(names)} non-negative numbers summing to 1, one per "
                             f"subsystem ({format_list(names)}); got {weights!r}.")
    return w


@validate_params(model=options("corrected", "traditional"), lang=options("en", "zh", none=True),
                 tolerance=interval(0, 1, closed="left"))
def coupling_coordination(
    data: pd.DataFrame,
    *subsystems: str | Sequence[str],
    shares: Sequence[float] | Mapping[str, float] | None = None,
    model: str = "corrected",
    tolerance: float = 0.1,
    lang: str | None = None,
) -> pd.DataFrame:
    """Coupling-coordination degree of n subsystem indices (e.g. education and industry).

    For n >= 2 indices :math:`U_i \\in [0, 1]`, the corrected coupling
    degree of Wang et al. (2021) is

    .. math::

        C = \\sqrt{\\Bigl[1 - \\frac{\\sum_{i<j} |U_i - U_j|}{n(n-1)/2}\\Bigr]
            \\Bigl(\\prod_i \\frac{U_i}{\\max_k U_k}\\Bigr)^{1/(n-1)}}

    which, unlike the traditional :math:`C = n[\\prod U_i / (\\sum U_i)^n]^{1/n}`,
    spreads over [0, 1] instead of crowding near 1 (``model="traditional"``
    keeps the latter in the normative form clarified by Liu 2017 and Wang et
    al. 2021). The development index is :math:`T = \\sum_i a_i U_i` and the
    coordination degree :math:`D = \\sqrt{C T}`, graded in ten equal steps
    from extreme disorder (D < 0.1) to high-quality coordination (D >= 0.9).

    Parameters
    ----------
    data : DataFrame
        Any table with the index columns.
    *subsystems : str or list of str
        Two or more columns holding the subsystem indices, each already
        scaled to [0, 1] (``"edu", "industry"`` or ``["a", "b", "c"]``).
    shares : sequence or mapping, optional
        The shares a_i of the subsystems in T, non-negative and summing to 1
        (default equal).
    model : {"corrected", "traditional"}
    tolerance : float
        Subsystems whose indices differ by at most this much are
        "synchronous"; otherwise the lowest one is lagging.
    lang : {"en", "zh"}, optional
        Language of ``level`` and ``type``; default Chinese when the
        subsystem column names are Chinese, else English.

    Returns
    -------
    DataFrame
        A copy of ``data`` with ``coupling`` C, ``development`` T,
        ``coordination`` D, ``grade`` (1..10), ``level`` (its label),
        ``lagging`` (the lagging subsystem; missing when synchronous) and
        ``type``.

    See Also
    --------
    structural_fit : the match of supply and demand structures.
    benchmark.composite : the subsystem indices to couple.

    Examples
    --------
    >>> df = pd.DataFrame({"edu": [0.8, 0.5], "industry": [0.2, 0.5]})
    >>> out = coupling_coordination(df, "edu", "industry")
    >>> out[["coupling", "development", "coordination", "grade"]].round(4)
       coupling  development  coordination  grade
    0    0.3162          0.5        0.3976      4
    1    1.0000          0.5        0.7071      8
    >>> out[["level", "type"]]
                           level               type
    0              mild disorder  industry lagging
    1  intermediate coordination        synchronous
    """
    names = [c for part in subsystems for c in ([part] if isinstance(part, str) else list(part))]
    if len(names) < 2:
        raise BenchmarkError(f"coupling_coordination needs at least two subsystem columns; got {format_list(names)}.")
    dupes = sorted({c for c in names if names.count(c) > 1})
    if dupes:
        raise ColumnError(f"{format_list(dupes)} is given as more than one subsystem; name different columns.")
    if model not in ("corrected", "traditional"):
        raise BenchmarkError(f"`model` must be 'corrected' or 'traditional'; got {model!r}.")
    lang = resolve_lang(lang, names)
    try:
        tol = float(tolerance)
    except (TypeError, ValueError):
        tol = np.nan
    if not 0 <= tol < 1:
        raise BenchmarkError(f"`tolerance` must be a number in [0, 1); got {tolerance!r}.")
    w = _coupling_weights(shares, names)
    frame = _gate_long(data, [], names)
    u = frame[names].to_numpy(dtype=float, na_value=np.nan)
    above = [c for c, bad in zip(names, (u > 1).any(axis=0)) if bad]
    if above:
        raise BenchmarkError(
            f"index column(s) {format_list(above)} exceed 1; scale the indices to [0, 1] first "
            "(e.g. min-max normalisation)."
        )
    c = _coupling_n(u, model)
    t = u @ w
    d = np.sqrt(c * t)
    grade = np.minimum(np.floor(d * 10 + 1e-12).astype(np.int64), 9) + 1
    low = np.asarray(names, dtype=object)[u.argmin(axis=1)]
    synchronous = (u.max(axis=1) - u.min(axis=1)) <= tol + 1e-12
    same, lagging = _COUPLING_TYPES[lang]
    labels = np.asarray(COUPLING_GRADES[lang], dtype=object)
    return frame.assign(
        coupling=c, development=t, coordination=d, grade=grade, level=labels[grade - 1],
        lagging=np.where(synchronous, None, low),
        type=np.where(synchronous, same, [lagging.format(x) for x in low]).astype(object),
    )


# ---------------------------------------------------------------- agglomeration
RELATEDNESS_METHODS = {"jaccard": "mean_jaccard", "density": "density", "shared": "shared_resource_share"}


def _attach_region(
    specialties: pd.DataFrame, region: str | None, regions: pd.DataFrame | None
) -> pd.DataFrame:
    """The supply table with its region column (from ``specialties`` itself or the ``regions`` map)."""
    if region is None or region in specialties.columns:
        return specialties
    if regions is None:
        raise ColumnError(
            f"`specialties` has no column {region!r}; add it, or pass regions= a table mapping the "
            f"clusters (or institutions) to their {region}, or region=None to compare with all of `industry`."
        )
    check_frame(regions, name="regions")
    check_columns(regions, [region], name="regions", what="region column")
    link = [c for c in regions.columns if c != region]
    absent = [c for c in link if c not in specialties.columns]
    if not link or absent:
        raise ColumnError(
            f"`regions` must hold {region!r} and key columns of `specialties`; "
            f"{format_list(absent) if absent else 'no key column'} found in `specialties`."
        )
    check_missing(regions, link + [region], keys=link, name="regions")
    mapping = regions[link + [region]].drop_duplicates()
    _one_value_per(mapping, link, region, "regions")
    merged = specialties.merge(mapping, on=link, how="left")
    lost = merged[region].isna().to_numpy()
    if lost.any():
        raise BenchmarkError(
            f"`regions` gives no {region} for {format_list(sorted(set(row_labels(merged, lost, link))))}; "
            "add them to `regions`."
        )
    return merged


def _cluster_label(parts: pd.DataFrame, sep: str) -> np.ndarray:
    """Join the cluster columns with ``sep``, skipping a part the label already ends with."""
    label = parts.iloc[:, 0].to_numpy(dtype=str)
    for col in parts.columns[1:]:
        part = parts[col].to_numpy(dtype=str)
        ends = (label == part) | np.strings.endswith(label, np.strings.add(sep, part))
        label = np.where(ends, label, np.strings.add(np.strings.add(label, sep), part))
    return label.astype(object)


def _prefixed(reason: pd.Series, prefix: str) -> pd.Series:
    return reason.where(reason.isna(), prefix + ": " + reason.astype(object).astype(str))


@validate_params("entity", "period")
def agglomeration(
    specialties: pd.DataFrame,
    resources: pd.DataFrame | None = None,
    industry: pd.DataFrame | None = None,
    *,
    cluster: str | Iterable[str] = "cluster",
    member: str | Iterable[str] = "specialty",
    value: str = "enrolment",
    category: str = "category",
    resource: str = "resource",
    employment: str = "employment",
    region: str | None = "province",
    regions: pd.DataFrame | None = None,
    period: str | None = "year",
    concentration_method: str = "hhi",
    relatedness_method: str = "jaccard",
    fit_method: str = "cosine",
    top_k: int = 3,
    entity: str | None = None,
    sep: str = "·",
) -> pd.DataFrame:
    """One row per cluster and period with its concentration, relatedness and fit.

    Puts :func:`concentration` (of ``value`` over the member specialties),
    :func:`relatedness` (of the members' shared resources) and
    :func:`structural_fit` (of the cluster's ``value`` by industry category
    against its region's ``employment`` by category) side by side. The result
    is a panel (entity = cluster, period = year) that :func:`peer_gap`,
    :func:`trend` or :func:`tiers` take as it is.

    Parameters
    ----------
    specialties : DataFrame
        Member table: cluster, member, category, period and ``value``
        (e.g. ``shuanggao_specialties``).
    resources : DataFrame, optional
        Links of members to resources (e.g. ``shuanggao_resources``); without
        it the relatedness columns are left out.
    industry : DataFrame, optional
        Demand structure: region, category, period and ``employment`` (e.g.
        ``shuanggao_industry``); without it the fit columns are left out.
    cluster, member : str or list of str
        Columns naming the cluster and its members.
    value, category, resource, employment : str
        Value, category, resource and demand columns.
    region : str or None
        Column linking a cluster to its region in ``industry`` (``None``: compare
        with the whole industry table of the period, e.g. national data).
    regions : DataFrame, optional
        Map from key columns of ``specialties`` (e.g. ``institution``) to
        ``region``, when ``specialties`` lacks the region column.
    period : str or None
        Period column (``None`` for a cross-section).
    concentration_method, relatedness_method, fit_method : str
        Measures copied into the headline columns ``concentration``
        (``"hhi"``, ``"normalised"``, ``"entropy"``, ``"top_k"``), ``relatedness``
        (``"jaccard"``, ``"density"``, ``"shared"``) and ``fit`` (see
        :func:`structural_fit`).
    top_k : int
        k of the concentration ratio.
    entity : str, optional
        Name of an extra first column holding one label per cluster: the
        ``cluster`` columns joined by ``sep``, a part that the label already
        ends with being skipped (with ``cluster=["institution", "cluster"]`` and
        the default ``sep`` this gives the unit names of the ``shuanggao`` panel,
        ``"<college>·<cluster>"``). Useful as the ``entity=`` of later analyses
        when a cluster is named by several columns.
    sep : str
        Separator of the ``entity`` label.

    Returns
    -------
    DataFrame
        ``[entity], cluster..., period, n_members, <value>, hhi, hhi_normalised, entropy,
        evenness, cr<k>, concentration, n_resources, n_shared_resources,
        shared_resource_share, mean_jaccard, density, relatedness, [region],
        cosine, overlap, dissimilarity, deviation, coordination, fit, reason``.
        Higher is "more agglomerated" for every headline column except when
        ``fit_method`` is ``"dissimilarity"`` or ``"deviation"``. ``reason``
        says which dimension is missing and why.

    Raises
    ------
    EmptyDataError
        A cluster (and period) in ``resources`` without members in ``specialties``.

    See Also
    --------
    concentration : the concentration part on its own.
    relatedness : the relatedness part on its own.
    structural_fit : the fit part on its own.

    Examples
    --------
    >>> spec = pd.DataFrame({"cluster": "x", "specialty": ["p", "q"], "category": ["a", "b"],
    ...                      "year": 2023, "enrolment": [300, 100]})
    >>> res = pd.DataFrame({"cluster": "x", "specialty": ["p", "q", "q"], "year": 2023,
    ...                     "resource": ["lab1", "lab1", "lab2"]})
    >>> ind = pd.DataFrame({"category": ["a", "b"], "year": 2023, "employment": [700, 300]})
    >>> agg = agglomeration(spec, res, ind, region=None)
    >>> agg[["cluster", "year", "hhi", "mean_jaccard", "cosine"]]
      cluster  year    hhi  mean_jaccard    cosine
    0       x  2023  0.625           0.5  0.996546
    """
    clusters = as_list(cluster, name="cluster")
    members = as_list(member, name="member")
    check_choice(relatedness_method, tuple(RELATEDNESS_METHODS), name="relatedness_method")
    check_frame(specialties, name="specialties")
    split = [period] if period is not None else []
    keys = clusters + split
    out = concentration(specialties, value, group=clusters, by=split, member=members,
                        method=concentration_method, top_k=top_k).rename(columns={"total": value})
    reasons = [_prefixed(out.pop("reason"), "concentration")]

    if resources is not None:
        rel = relatedness(resources, member=members, resource=resource, group=clusters, by=split)
        orphan = rel[keys].merge(out[keys], how="left", indicator=True)
        orphan = orphan[orphan["_merge"] == "left_only"]
        if len(orphan):
            raise EmptyDataError(
                f"`resources` has clusters without members in `specialties`: "
                f"{'/'.join(keys)} {format_list(_label(orphan, keys))}; add their specialties or drop those links."
            )
        rel = rel.drop(columns=["n_members", "n_pairs"])
        rel["relatedness"] = rel[RELATEDNESS_METHODS[relatedness_method]]
        out = out.merge(rel, on=keys, how="left")
        no_links = out["reason"].isna() & out["n_resources"].isna()
        reasons.append(_prefixed(out.pop("reason").where(~no_links, "no resource links"), "relatedness"))

    if industry is not None:
        supply = _attach_region(specialties, region, regions)
        regional = [region] if region is not None else []
        if region is not None:
            check_missing(supply, [region], keys=keys, name="specialties")
            _one_value_per(supply, keys, region, "specialties")
        check_frame(industry, name="industry")
        check_columns(industry, regional + split + [category, employment], name="industry")
        fit = structural_fit(supply[keys + regional + [category, value]],
                             industry[regional + split + [category, employment]],
                             on=category, by=clusters + regional + split, method=fit_method,
                             supply_value=value, demand_value=employment)
        fit = fit[keys + regional + ["cosine", "overlap", "dissimilarity", "deviation", "coordination",
                                     "fit", "reason"]]
        out = out.merge(fit, on=keys, how="left")
        reasons.append(_prefixed(out.pop("reason"), "fit"))

    joined = np.full(len(out), None, dtype=object)
    for part in reasons:
        text = part.to_numpy(dtype=object)
        has = pd.notna(text)
        both = has & pd.notna(joined)
        joined = np.where(both, joined.astype(str) + "; " + text.astype(str), np.where(has, text, joined))
    out["reason"] = pd.Series(joined, dtype=object)
    if entity is not None:
        if entity in out.columns:
            raise ColumnError(f"`entity` {entity!r} is already a column of the result; choose another name.")
        out.insert(0, entity, _cluster_label(out[clusters].astype(str), sep))
    return out
