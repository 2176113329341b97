"""Ordered tiers: cluster entities into ranked groups, test their stability,
compare them with official tiers and follow movements between periods.

:func:`tiers` standardises the features (z-scores, signs flipped so that
higher is better for every feature), clusters the entities with k-means, a
Gaussian mixture, Ward's hierarchical method or Fisher-Jenks natural breaks,
orders the clusters by a score (tier 1 = best), chooses ``k`` on request
(silhouette, gap statistic, BIC) and measures the stability of each tier by
the bootstrap of Hennig (2007). :func:`tier_transitions` turns a panel of
tier labels into transition matrices and the list of movers.

References
----------
Fisher, W. D. (1958). On grouping for maximum homogeneity. *Journal of the
American Statistical Association* 53(284), 789-798.

Hennig, C. (2007). Cluster-wise assessment of cluster stability.
*Computational Statistics & Data Analysis* 52(1), 258-271.

Tibshirani, R., Walther, G. & Hastie, T. (2001). Estimating the number of
clusters in a data set via the gap statistic. *Journal of the Royal
Statistical Society B* 63(2), 411-423.

Pelleg, D. & Moore, A. (2000). X-means: extending k-means with efficient
estimation of the number of clusters. *Proc. ICML 2000*, 727-734.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from benchmark._numeric import column_scale
from benchmark._results import Result, headline
from benchmark._validation import (
    COMMON,
    BenchmarkError,
    DuplicateRowError,
    MissingValueError,
    UnknownEntityError,
    as_list,
    check_column_name,
    check_columns,
    check_frame,
    check_missing,
    check_panel,
    check_random_state,
    check_unique_keys,
    direction_sign,
    format_list,
    interval,
    options,
    resolve_direction,
    sorted_periods,
    validate_params,
)

__all__ = ["TierComparison", "TierResult", "TierTransitions", "tier_transitions", "tiers"]

METHODS = ("kmeans", "gmm", "ward", "jenks")
CRITERIA = ("silhouette", "gap", "bic")
ORDER_BY = ("features", "composite")

#: Hennig's (2007) reading of the mean bootstrap Jaccard similarity of a cluster.
STABLE = 0.75
PATTERNS = 0.6
#: clusterboot's defaults for counting a cluster as dissolved / recovered in one resample.
DISSOLVED = 0.5
RECOVERED = 0.75

_MIN_STABILITY_ENTITIES = 10  # below this a bootstrap says nothing about tiers
_MIN_PER_TIER = 3  # and at least this many entities per tier on average
_N_INIT = {"kmeans": 50, "gmm": 3, "ward": 1, "jenks": 1}  # restarts by default
#: Seed of the k-means++ / mixture starts of the reported partition: the partition
#: is a function of the data alone, the same for every ``random_state``.
_FIT_SEED = 0
_N_INIT_RESAMPLE = 10  # starts per refit of a bootstrap resample or a gap reference set
_OUT = "out"  # state of an entity absent from a period in tier_transitions


# ============================================================ result objects
@dataclasses.dataclass(frozen=True, repr=False)
class TierComparison(Result):
    """Data-driven tiers against official ones (returned by :meth:`TierResult.compare`).

    Attributes
    ----------
    confusion : DataFrame
        Counts, official tiers in rows (best first), data tiers in columns.
    placements : DataFrame
        One row per entity: ``official``, ``label`` (data tier), their ranks,
        ``shift`` = official rank - data rank (positive: the data place the
        entity higher) and ``placement`` ("higher", "same", "lower").
    ari : float
        Adjusted Rand index of the two partitions (1 = identical, about 0 = chance).
    agreement : float
        Share of entities whose data tier equals their official tier.

    See Also
    --------
    TierResult : its ``compare`` method returns this result.

    """

    confusion: pd.DataFrame
    placements: pd.DataFrame
    ari: float
    agreement: float
    entity: str = "institution"

    @property
    def above(self) -> list[Any]:
        """Entities the data place in a better tier than the official one."""
        p = self.placements
        return p.loc[p["placement"] == "higher", self.entity].tolist()

    @property
    def below(self) -> list[Any]:
        """Entities the data place in a worse tier than the official one."""
        p = self.placements
        return p.loc[p["placement"] == "lower", self.entity].tolist()

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``): entities, ARI, agreement, entities placed higher / same / lower."""
        counts = self.placements["placement"].value_counts()
        return headline([("units", len(self.placements)), ("ari", self.ari), ("agreement", self.agreement),
                         ("higher", int(counts.get("higher", 0))), ("same", int(counts.get("same", 0))),
                         ("lower", int(counts.get("lower", 0)))])


@dataclasses.dataclass(frozen=True, repr=False)
class TierResult(Result):
    """Ordered tiers with their centres, stability and (optionally) the choice of k.

    Attributes
    ----------
    assignments : DataFrame
        One row per entity: ``tier`` (1 = best), ``label``, ``score`` (the
        ordering score), ``probability`` (bootstrap share of resamples that put
        the entity in this tier), ``n_resampled``, ``p_<label>`` for every
        tier, and ``reason`` where the probability is missing.
    centres : DataFrame
        Per tier: ``tier``, ``label``, ``size`` and the mean of every feature
        in its original units.
    stability : DataFrame
        Per tier: size, share, score range, mean bootstrap Jaccard
        similarity (``jaccard``), its standard deviation, the share of
        resamples in which the tier dissolved (Jaccard <= 0.5) or was
        recovered (Jaccard > 0.75), and Hennig's ``reading``.
    k_selection : DataFrame or None
        With ``k="auto"``: silhouette, gap statistic and BIC for k = 1..K.

    See Also
    --------
    tiers : the analysis that returns this result.
    TierComparison : the tiers against official ones.
    benchmark.plot_tiers : the tiers on a map.

    """

    assignments: pd.DataFrame
    centres: pd.DataFrame
    stability: pd.DataFrame
    k_selection: pd.DataFrame | None
    k: int
    method: str
    features: tuple[str, ...]
    tier_labels: tuple[Any, ...]
    order_by: str
    n_boot: int
    entity: str = "institution"

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``).

        Units, k, method, the selection criteria at the chosen k (with
        ``k="auto"``), the mean bootstrap Jaccard similarity of the tiers and
        the mean probability of each unit's tier, and the size of every tier
        (``n_tier_<label>``). The per-tier figures are in :attr:`stability`.
        """
        rows: list[tuple[str, Any]] = [("units", len(self.assignments)), ("k", self.k), ("method", self.method),
                                       ("order_by", self.order_by), ("n_boot", self.n_boot)]
        if self.k_selection is not None:
            chosen = self.k_selection[self.k_selection["chosen"]]
            rows += [(c, chosen[c].iloc[0] if len(chosen) else np.nan) for c in ("silhouette", "gap", "bic")]
        rows += [("mean_jaccard", self.stability["jaccard"].mean()),
                 ("mean_probability", self.assignments["probability"].mean())]
        rows += [(f"n_tier_{lab}", int(size)) for lab, size in zip(self.stability["label"], self.stability["size"])]
        return headline(rows)

    def compare(
        self,
        official: pd.DataFrame | pd.Series | Mapping[Any, Any],
        *,
        column: str = "tier",
        order: Sequence[Any] | None = None,
    ) -> TierComparison:
        """Compare these tiers with official ones.

        Parameters
        ----------
        official : DataFrame, Series or mapping
            Official tier per entity: a DataFrame with the entity column and
            ``column`` (several rows per entity are fine if they agree, e.g. a
            panel), a Series indexed by entity, or a ``{entity: tier}`` mapping.
            It must cover exactly the entities of this result.
        column : str, default "tier"
            Column of ``official`` holding the tier when it is a DataFrame.
        order : sequence, optional
            Official labels from best to worst. Default: this result's tier
            labels (so official ``"A"/"B"/"C"`` match ``labels=["A", "B", "C"]``).

        Returns
        -------
        TierComparison
            Confusion table, adjusted Rand index (scikit-learn) and the
            entities placed above / below their official tier.
        """
        from sklearn.metrics import adjusted_rand_score

        table = _official_table(official, column, self.entity)
        levels = list(self.tier_labels) if order is None else list(order)
        _check_official_levels(table["official"], levels, order is None, self.k)
        a = self.assignments[[self.entity, "tier", "label"]]
        _check_official_entities(table, a, self.entity)
        rank = {lab: i + 1 for i, lab in enumerate(levels)}
        p = a.merge(table, on=self.entity, how="left")
        p["official_rank"] = p["official"].map(rank).astype(int)
        p["shift"] = p["official_rank"] - p["tier"]
        p["placement"] = np.select([p["shift"] > 0, p["shift"] < 0], ["higher", "lower"], "same")
        p = p[[self.entity, "official", "label", "official_rank", "tier", "shift", "placement"]]
        confusion = pd.crosstab(pd.Categorical(p["official"], categories=levels),
                                pd.Categorical(p["label"], categories=list(self.tier_labels)),
                                dropna=False)
        confusion.index.name, confusion.columns.name = "official", "data"
        ari = float(adjusted_rand_score(p["official_rank"], p["tier"]))
        agreement = float((p["shift"] == 0).mean())
        return TierComparison(confusion=confusion, placements=p.reset_index(drop=True), ari=ari,
                              agreement=agreement, entity=self.entity)

    def plot(self, **kwargs: Any) -> Any:
        """Plot the tiers (see :func:`benchmark.plotting.plot_tiers`)."""
        from benchmark.plotting import plot_tiers

        return plot_tiers(self, **kwargs)


@dataclasses.dataclass(frozen=True, repr=False)
class TierTransitions(Result):
    """Movements between tiers in consecutive periods (see :func:`tier_transitions`).

    Attributes
    ----------
    transitions : DataFrame
        Long table, one row per (from_period, to_period, from_tier, to_tier):
        ``count`` and the row ``share`` (NaN with a ``reason`` when nobody
        was in ``from_tier`` in ``from_period``).
    counts : DataFrame
        Transition counts pooled over all consecutive pairs (rows: from, columns: to).
    shares : DataFrame
        Row shares of ``counts`` plus the row total ``n`` (shares are NaN where n = 0).
    movers : DataFrame
        Every entity that changed state: ``from_period``, ``to_period``,
        ``from_tier``, ``to_tier``, ``move`` ("up", "down", "in", "out") and
        ``steps`` (tiers gained; missing for entries and exits).
    flows : DataFrame
        Per consecutive pair: entities present in both periods, stayed, up,
        down, entered, exited.

    See Also
    --------
    tier_transitions : the analysis that returns this result.
    benchmark.plot_transitions : the transition matrix as a heatmap.

    """

    transitions: pd.DataFrame
    counts: pd.DataFrame
    shares: pd.DataFrame
    movers: pd.DataFrame
    flows: pd.DataFrame
    states: tuple[Any, ...]
    entity: str = "institution"

    @property
    def up(self) -> pd.DataFrame:
        """Movers to a better tier."""
        return self.movers[self.movers["move"] == "up"].reset_index(drop=True)

    @property
    def down(self) -> pd.DataFrame:
        """Movers to a worse tier."""
        return self.movers[self.movers["move"] == "down"].reset_index(drop=True)

    def matrix(self, at: Any = None, *, shares: bool = False) -> pd.DataFrame:
        """Transition matrix of one consecutive pair (period ``at`` -> the next), or pooled."""
        if at is None:
            return self.shares if shares else self.counts
        t = self.transitions
        if at not in set(t["from_period"].tolist()):
            raise BenchmarkError(
                f"at={at!r} is not the start of a consecutive pair; "
                f"use one of {format_list(sorted(set(t['from_period'].tolist())))}."
            )
        counts = _wide(t[t["from_period"] == at], "count", self.states)
        return _row_shares(counts) if shares else counts

    def summary(self) -> pd.DataFrame:
        """Headline figures (``statistic, value``) pooled over all consecutive pairs.

        ``pairs`` (consecutive periods), ``transitions`` (entities present in
        both periods of a pair, summed over pairs) and how many of them
        ``stayed`` or moved ``up`` / ``down``, the share that stayed, and the
        ``entered`` / ``exited`` counts. :attr:`flows` has the same counts per
        pair.
        """
        f = self.flows
        n = int(f["n"].sum())
        stayed = int(f["stayed"].sum())
        return headline([("pairs", len(f)), ("transitions", n), ("stayed", stayed),
                         ("up", int(f["up"].sum())), ("down", int(f["down"].sum())),
                         ("stayed_share", stayed / n if n else np.nan),
                         ("entered", int(f["entered"].sum())), ("exited", int(f["exited"].sum()))])

    def plot(self, **kwargs: Any) -> Any:
        """Heatmap of the transition matrix (see :func:`benchmark.plotting.plot_transitions`)."""
        from benchmark.plotting import plot_transitions

        return plot_transitions(self, **kwargs)


# ============================================================ public: tiers
def _k_value(value: Any, name: str) -> None:
    if value == "auto" and isinstance(value, str):
        return
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise BenchmarkError(f"`{name}` must be an integer >= 2 or 'auto'; got {value!r}.")
    if value < 2:
        raise BenchmarkError(f"`{name}` must be at least 2 (one tier says nothing); got {name}={value}.")


def _required_column(value: Any, name: str) -> None:
    if value is None:
        raise BenchmarkError(f"`{name}` must name a column of `data`; got None.")
    check_column_name(value, name=name)


@validate_params(
    "random_state", "progress", entity=_required_column, features=COMMON["indicators"], k=_k_value,
    method=options(*METHODS), order_by=options(*ORDER_BY), criterion=options(*CRITERIA),
    covariance_type=options("full", "tied", "diag", "spherical"), n_boot=interval(0, integer=True),
    n_ref=interval(1, integer=True), n_init=interval(1, integer=True, none=True), max_k=interval(2, integer=True),
)
def tiers(
    data: pd.DataFrame,
    features: str | Sequence[str],
    *,
    k: int | str = 3,
    method: str = "kmeans",
    labels: Sequence[Any] | None = None,
    n_boot: int = 200,
    random_state: int | np.random.Generator | None = None,
    direction: Mapping[str, str] | pd.DataFrame | str | None = None,
    entity: str = "institution",
    order_by: str = "features",
    max_k: int = 6,
    criterion: str = "silhouette",
    n_ref: int = 20,
    n_init: int | None = None,
    covariance_type: str = "full",
    progress: bool = False,
) -> TierResult:
    """Cluster entities into ``k`` ordered tiers and measure how stable they are.

    Parameters
    ----------
    data : DataFrame
        One row per entity (a cross-section: select one period of a panel first).
    features : str or list of str
        Numeric columns to cluster on. ``method="jenks"`` takes exactly one.
    k : int or "auto", default 3
        Number of tiers (2 <= k < number of entities), or ``"auto"`` to choose
        it from 2..``max_k`` by ``criterion`` (all criteria are reported in
        ``k_selection``).
    method : {"kmeans", "gmm", "ward", "jenks"}
        k-means (scikit-learn), Gaussian mixture (hard assignment to the most
        probable component), Ward's agglomerative clustering, or exact
        Fisher-Jenks natural breaks of a single feature.
    labels : sequence, optional
        Names of the tiers from best to worst, e.g. ``["A", "B", "C"]``
        (default: the tier numbers 1..k). With ``k="auto"`` give at least
        ``max_k`` names; the first k are used.
    n_boot : int, default 200
        Bootstrap resamples for the stability analysis; 0 skips it.
    random_state : int, Generator or None
        Seed for the gap reference data and the bootstrap. The reported
        partition does not depend on it (see Notes).
    direction : None, str, mapping or indicator-metadata DataFrame
        Which features are "lower is better" (their sign is flipped after
        standardising). Default: higher is better for all.
    entity : str, default "institution"
        Entity column.
    order_by : {"features", "composite"}
        Score that orders the clusters into tiers: the mean of the
        standardised, direction-aware features, or the score of
        :func:`benchmark.composite` (default min-max normalisation, equal weights).
    max_k : int, default 6
        Largest k tried with ``k="auto"`` (capped at the number of distinct
        entities minus one).
    criterion : {"silhouette", "gap", "bic"}
        Which criterion decides ``k="auto"``.
    n_ref : int, default 20
        Reference data sets for the gap statistic.
    n_init : int, optional
        k-means++ starts of k-means (default 50, plus one start at the centres
        of Ward's partition) and of the Gaussian mixture (default 3); the best
        fit is kept. Refits of bootstrap resamples and gap reference sets use
        at most 10 starts.
    covariance_type : str, default "full"
        Covariance structure of the Gaussian mixture.
    progress : bool, default False
        Show a tqdm progress bar over the bootstrap resamples.

    Returns
    -------
    TierResult
        ``assignments``, ``centres``, ``stability``, ``k_selection``;
        ``compare(official)`` and ``plot()``.

    See Also
    --------
    tier_transitions : movements between tiers over time.
    benchmark.composite : one score to tier on.
    benchmark.performance_groups : grades by distance from the cohort median.
    benchmark.plot_tiers : the tiers on a map.

    Notes
    -----
    Features are z-scored (population standard deviation, after dividing
    each feature by its largest absolute value so that nothing overflows) and
    multiplied by -1 when lower is better, so that all distances are in
    standard-deviation units and a higher standardised value is always
    better. The reported partition is fitted from fixed starts on the rows
    sorted by their standardised features, so it is the same for every
    ``random_state`` and every row order; with ``k="auto"`` it is the very
    partition whose criteria ``k_selection`` reports. Stability follows
    Hennig's (2007) clusterboot: entities are resampled with replacement, the
    resample is reclustered, and each original tier (restricted to the
    resampled entities) is matched with its most similar new cluster by the
    Jaccard coefficient. A mean Jaccard < 0.6 reads "unstable", 0.6-0.75
    "patterns", >= 0.75 "stable". See ``docs/tiers.md`` for the formulas.

    Examples
    --------
    >>> df = pd.DataFrame({"institution": list("abcdefghijkl"),
    ...                    "score": [9.0, 9.2, 8.9, 9.1, 5.0, 5.2, 4.9, 5.1, 1.0, 1.1, 0.9, 1.2]})
    >>> res = tiers(df, "score", k=3, method="jenks", labels=["A", "B", "C"],
    ...             n_boot=20, random_state=0)
    >>> res.assignments.groupby("label")["institution"].agg("".join)
    label
    A    abcd
    B    efgh
    C    ijkl
    Name: institution, dtype: str
    >>> res.stability[["label", "size", "reading"]]
      label  size reading
    0     A     4  stable
    1     B     4  stable
    2     C     4  stable
    """
    frame, feats = _check_tier_input(data, features, entity)
    n_init = _N_INIT[method] if n_init is None else int(n_init)
    if method == "jenks" and len(feats) != 1:
        raise BenchmarkError(
            f"method='jenks' breaks a single score, but {len(feats)} features were given "
            f"({format_list(feats)}); pass one column (e.g. a composite score) or use another method."
        )
    signs = direction_sign(resolve_direction(direction, feats), feats)
    raw = _feature_matrix(frame, feats)
    unsigned, scale = _standardise(raw, feats)
    n, distinct = len(frame), len(np.unique(unsigned, axis=0))
    if k == "auto":
        _check_max_k(max_k, distinct, entity)
        max_k = min(max_k, distinct - 1)
        _check_labels(labels, max_k, exact=False)
    else:
        k = _check_k(k, n, distinct, entity)
        _check_labels(labels, k, exact=True)
    if n_boot > 0:
        _check_stability_size(n, 2 if k == "auto" else k, entity)
    rng = check_random_state(random_state)
    score = _order_score(frame, feats, unsigned * signs, order_by, direction, entity)
    # Work on the rows in a canonical order (by their standardised features), so
    # that neither the clustering nor the bootstrap depends on the input's row order.
    order = _canonical_order(unsigned, frame[entity])
    z, score_c = unsigned[order] * signs, score[order]
    clusterer = _Clusterer(method, n_init=n_init, covariance_type=covariance_type)

    # Thread start-up dominates on a few hundred rows, so one thread is much
    # faster; the OpenMP runtime must be loaded (sklearn imported) before limiting it.
    import sklearn.cluster
    import sklearn.mixture  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        if k == "auto":
            selection, fits = _select_k(z, clusterer, max_k, n_ref, criterion, rng)
            k_final = int(selection.loc[selection["chosen"], "k"].iloc[0])
            clusters = fits[k_final]  # the very partition whose criteria were reported
        else:
            selection, k_final = None, k
            clusters = clusterer.fit(z, k_final, _FIT_SEED)
        if n_boot > 0:
            _check_stability_size(n, k_final, entity)
        _check_groups(clusters, clusterer.method, k_final)
        tier_c = _rank_clusters(clusters, score_c)
        boot = _bootstrap(z, score_c, tier_c, k_final, clusterer, rng, n_boot, progress) if n_boot else None

    back = np.empty_like(order)
    back[order] = np.arange(n)
    tier = tier_c[back]
    if boot is not None:
        boot = {**boot, "hits": boot["hits"][back], "seen": boot["seen"][back]}
    names = tuple(range(1, k_final + 1)) if labels is None else tuple(list(labels)[:k_final])
    return TierResult(
        assignments=_assignment_table(frame[entity], tier, score, names, boot, entity),
        centres=_centre_table(raw / scale, scale, feats, tier, names),
        stability=_stability_table(tier, score, names, boot),
        k_selection=selection, k=k_final, method=method, features=tuple(feats),
        tier_labels=names, order_by=order_by, n_boot=n_boot, entity=entity,
    )


def _check_groups(clusters: np.ndarray, method: str, k: int) -> None:
    found = len(np.unique(clusters))
    if found < k:
        raise BenchmarkError(
            f"method={method!r} found only {found} non-empty groups for k={k}; "
            "use a smaller k or another method."
        )


def _canonical_order(z: np.ndarray, ids: pd.Series) -> np.ndarray:
    """Row positions sorted by the standardised features (first feature first), ties by entity.

    Entities with identical profiles are interchangeable for the clustering;
    ordering them by id keeps their bootstrap probabilities independent of the
    input's row order too (by position when the ids cannot be sorted).
    """
    try:
        tie = np.argsort(np.argsort(ids.to_numpy(), kind="stable"), kind="stable")
    except TypeError:
        tie = np.arange(len(ids))
    return np.lexsort((tie, *z.T[::-1]))


# ------------------------------------------------------------ input checks
def _check_tier_input(data: Any, features: Any, entity: str) -> tuple[pd.DataFrame, list[str]]:
    frame = check_frame(data)
    feats = as_list(features, name="features")
    check_columns(frame, [entity], what="entity column")
    check_columns(frame, feats, what="feature column")
    # positions, not labels, identify rows from here on (any index is fine: duplicates, MultiIndex)
    frame = _plain_columns(frame.reset_index(drop=True), feats)
    _check_keys_present(frame, [entity], data.index)
    if frame[entity].duplicated().any():
        dupes = pd.unique(frame.loc[frame[entity].duplicated(), entity]).tolist()
        raise DuplicateRowError(
            f"`data` has several rows for {entity} {format_list(dupes)}; tiers need one row per "
            f"{entity}: select one period first (e.g. data[data['year'] == 2023]) or aggregate."
        )
    frame, feats = check_panel(frame, feats, entity=entity, period=None)
    return frame, feats


def _plain_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Categorical columns as their plain values (numbers stay numbers), so that a
    category column gives the same answer as its clean equivalent."""
    cats = [c for c in columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if not cats:
        return frame
    frame = frame.copy()
    for c in cats:
        frame[c] = frame[c].astype(frame[c].cat.categories.dtype)
    return frame


def _check_keys_present(frame: pd.DataFrame, keys: Sequence[str], index: pd.Index) -> None:
    """Missing entity / period keys, named by row position and index label."""
    for key in keys:
        mask = frame[key].isna().to_numpy()
        if mask.any():
            pos = np.flatnonzero(mask).tolist()
            labels = [index[i] for i in pos]
            raise MissingValueError(
                f"`data` has no {key!r} in {len(pos)} row(s): position(s) {format_list(pos)} "
                f"(index {format_list(labels)}); give every row its {key} or drop those rows."
            )


def _feature_matrix(frame: pd.DataFrame, feats: list[str]) -> np.ndarray:
    """The features as a float array (nullable Float64/Int64/boolean included)."""
    return np.column_stack([frame[f].to_numpy(dtype=float, na_value=np.nan) for f in feats])


def _check_k(k: Any, n: int, distinct: int, entity: str) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise BenchmarkError(f"`k` must be an integer >= 2 or 'auto'; got {k!r}.")
    if k < 2:
        raise BenchmarkError(f"`k` must be at least 2 (one tier says nothing); got k={k}.")
    if k >= n:
        raise BenchmarkError(
            f"k={k} tiers need more than {k} entities, but the data have {n} {entity} rows; use k <= {n - 1}."
        )
    if k > distinct:
        raise BenchmarkError(
            f"k={k} tiers, but the features take only {distinct} distinct value combinations "
            f"across the {n} {entity} rows; use k <= {distinct}."
        )
    return int(k)


def _check_max_k(max_k: Any, distinct: int, entity: str) -> None:
    if isinstance(max_k, bool) or not isinstance(max_k, (int, np.integer)) or max_k < 2:
        raise BenchmarkError(f"`max_k` must be an integer >= 2; got {max_k!r}.")
    if distinct < 3:
        raise BenchmarkError(
            f"k='auto' needs at least 3 distinct {entity} feature profiles to compare k=2 with "
            f"k=1; the data have {distinct}."
        )


def _check_labels(labels: Any, k: int, *, exact: bool) -> None:
    if labels is None:
        return
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise BenchmarkError(f"`labels` must be a list of tier names such as ['A', 'B', 'C']; got {labels!r}.")
    names = list(labels)
    if len(set(names)) != len(names):
        raise BenchmarkError(f"`labels` must be distinct; got {names!r}.")
    if (exact and len(names) != k) or (not exact and len(names) < k):
        need = f"exactly {k}" if exact else f"at least {k} (k='auto' may choose up to {k})"
        raise BenchmarkError(f"`labels` has {len(names)} names ({format_list(names)}); give {need}, best first.")


def _check_stability_size(n: int, k: int, entity: str) -> None:
    need = max(_MIN_STABILITY_ENTITIES, _MIN_PER_TIER * k)
    if n < need:
        raise BenchmarkError(
            f"too few entities for stability analysis: {n} {entity} rows for k={k} tiers "
            f"(need at least {need}); pass n_boot=0 to skip the bootstrap or use a smaller k (max_k with k='auto')."
        )


def _standardise(raw: np.ndarray, feats: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """z-scores (population sd) and the per-feature scale they were computed at.

    Each feature is first divided by its largest absolute value, so that the
    squares in the standard deviation neither overflow (values near 1e300)
    nor underflow (near 1e-300): the z-scores do not depend on the units.
    """
    scale = column_scale(raw)
    x = raw / scale
    sd = x.std(axis=0)
    constant = [f for f, s in zip(feats, sd, strict=True) if not s > 0]
    if constant:
        raise BenchmarkError(
            f"feature(s) {format_list(constant)} are constant across entities; a constant feature "
            "cannot be standardised and cannot separate tiers - drop it from `features`."
        )
    return (x - x.mean(axis=0)) / sd, scale


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


# ------------------------------------------------------------ ordering score
def _order_score(frame: pd.DataFrame, feats: list[str], z: np.ndarray, order_by: str,
                 direction: Any, entity: str) -> np.ndarray:
    if order_by == "features":
        return z.mean(axis=1)
    from benchmark.indices import composite

    # composite() returns one row per input row, in input order
    return composite(frame[[entity, *feats]], feats, direction=direction, entity=entity)["score"].to_numpy(
        dtype=float)


def _rank_clusters(clusters: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Tier 1..k' of each entity: clusters ranked by their mean score, best first."""
    _, inv = np.unique(clusters, return_inverse=True)
    means = np.bincount(inv, weights=score) / np.bincount(inv)
    order = np.argsort(-means, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(1, len(order) + 1)
    return rank[inv]


# ------------------------------------------------------------ clustering
@dataclasses.dataclass(frozen=True)
class _Clusterer:
    """One clustering method with its options: ``fit(z, k, seed) -> cluster ids``."""

    method: str
    n_init: int = 10
    covariance_type: str = "full"
    ward_start: bool = True

    def light(self) -> _Clusterer:
        """The same method with at most ``_N_INIT_RESAMPLE`` starts, for the many refits of
        bootstrap resamples and gap reference sets."""
        return dataclasses.replace(self, n_init=min(self.n_init, _N_INIT_RESAMPLE), ward_start=False)

    def fit(self, z: np.ndarray, k: int, seed: int) -> np.ndarray:
        return self.fit_bic(z, k, seed, with_bic=False)[0]

    def fit_bic(self, z: np.ndarray, k: int, seed: int, *, with_bic: bool = True) -> tuple[np.ndarray, float]:
        """Cluster ids and the BIC (GMM: its own likelihood; others: :func:`_spherical_bic`)."""
        if self.method == "gmm" and (k > 1 or with_bic):
            from sklearn.mixture import GaussianMixture
            model = GaussianMixture(n_components=k, covariance_type=self.covariance_type,
                                    n_init=self.n_init, init_params="k-means++", random_state=seed).fit(z)
            return model.predict(z), (float(model.bic(z)) if with_bic else np.nan)
        if k == 1:
            clusters = np.zeros(len(z), dtype=int)
        elif self.method == "kmeans":
            clusters = _kmeans(z, k, self.n_init, seed, ward_start=self.ward_start)
        elif self.method == "ward":
            from sklearn.cluster import AgglomerativeClustering
            clusters = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(z)
        else:
            clusters = _jenks_labels(z[:, 0], k)
        return clusters, (_spherical_bic(z, clusters) if with_bic else np.nan)


def _kmeans(z: np.ndarray, k: int, n_init: int, seed: int, *, ward_start: bool = True) -> np.ndarray:
    """k-means from ``n_init`` k-means++ starts plus one start at the centres of
    Ward's partition (a good deterministic start); the least within-SS wins."""
    from sklearn.cluster import AgglomerativeClustering, KMeans

    if not ward_start:
        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z).labels_
    ward = AgglomerativeClustering(n_clusters=k, linkage="ward").fit_predict(z)
    centres = np.vstack([z[ward == j].mean(axis=0) for j in range(k)])
    fits = [KMeans(n_clusters=k, init=centres, n_init=1).fit(z),
            KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(z)]
    # ties go to the Ward start, a function of the data alone
    best = min(fits, key=lambda m: m.inertia_ * (1 - 1e-12) if m is fits[0] else m.inertia_)
    return best.labels_


def _jenks_labels(x: np.ndarray, k: int) -> np.ndarray:
    """Fisher-Jenks classes 0..k-1 (ascending in ``x``) of every value."""
    values, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
    starts = _fisher_breaks(values, counts.astype(float), k)
    cls = np.searchsorted(starts, np.arange(len(values)), side="right")
    return cls[inv]


def _fisher_breaks(values: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Exact optimal partition of sorted ``values`` into ``k`` contiguous classes.

    Fisher's (1958) dynamic programme: D[c, j], the least within-class sum of
    squares of the first j values in c classes, is the minimum over i of
    D[c-1, i] + SS(i, j), with SS from weighted prefix sums in O(1). The
    best split i is non-decreasing in j (SS satisfies the quadrangle
    inequality), so each layer is solved by divide and conquer. Returns the
    start index of classes 2..k.
    """
    m = len(values)
    x = values - np.average(values, weights=weights)  # centring keeps Q - M^2/W accurate
    s0, s1, s2 = (np.concatenate([[0.0], np.cumsum(weights * x**p)]) for p in (0, 1, 2))

    def cost(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        mom = s1[j] - s1[i]
        return np.maximum(s2[j] - s2[i] - mom * mom / (s0[j] - s0[i]), 0.0)

    prev = np.full(m + 1, np.inf)
    prev[1:] = cost(np.zeros(m, dtype=int), np.arange(1, m + 1))
    back = []
    for c in range(2, k + 1):
        prev, arg = _fisher_layer(prev, cost, c, m)
        back.append(arg)
    starts = []
    j = m
    for arg in reversed(back):
        j = int(arg[j])
        starts.append(j)
    return np.array(starts[::-1], dtype=int)


def _fisher_layer(prev: np.ndarray, cost: Any, c: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """D[c, j] and its best split for every j, by divide and conquer over j.

    All the sub-problems of one recursion depth are evaluated in one vectorised
    pass: for the middle j of each range, the candidate splits i run from the
    range's lower bound to min(upper bound, j - 1); the best split then
    bounds the two halves. Ties go to the smallest i.
    """
    cur = np.full(m + 1, np.inf)
    arg = np.zeros(m + 1, dtype=int)
    j_lo, j_hi, i_lo, i_hi = (np.array([v]) for v in (c, m, c - 1, m - 1))
    while len(j_lo):
        mid = (j_lo + j_hi) // 2
        size = np.minimum(i_hi, mid - 1) - i_lo + 1
        start = np.cumsum(size) - size
        seg = np.repeat(np.arange(len(mid)), size)
        i = i_lo[seg] + np.arange(size.sum()) - start[seg]
        vals = prev[i] + cost(i, mid[seg])
        best = np.minimum.reduceat(vals, start)
        hit = np.flatnonzero(vals <= best[seg])
        opt = i[hit[np.searchsorted(seg[hit], np.arange(len(mid)))]]
        cur[mid], arg[mid] = best, opt
        left, right = j_lo < mid, mid < j_hi
        j_lo, j_hi, i_lo, i_hi = (np.concatenate([j_lo[left], mid[right] + 1]),
                                  np.concatenate([mid[left] - 1, j_hi[right]]),
                                  np.concatenate([i_lo[left], opt[right]]),
                                  np.concatenate([opt[left], i_hi[right]]))
    return cur, arg


# ------------------------------------------------------------ choice of k
def _within_ss(z: np.ndarray, clusters: np.ndarray) -> float:
    _, inv = np.unique(clusters, return_inverse=True)
    n_c = np.bincount(inv).astype(float)
    sums = np.zeros((len(n_c), z.shape[1]))
    np.add.at(sums, inv, z)
    return float((z * z).sum() - ((sums * sums).sum(axis=1) / n_c).sum())


def _spherical_bic(z: np.ndarray, clusters: np.ndarray) -> float:
    """BIC of a hard partition read as a spherical Gaussian mixture with one
    common variance (the X-means criterion of Pelleg & Moore 2000); lower is better."""
    n, d = z.shape
    _, n_c = np.unique(clusters, return_counts=True)
    k = len(n_c)
    var = _within_ss(z, clusters) / (n * d)
    if not var > 0:
        return np.nan
    loglik = (n_c * np.log(n_c / n)).sum() - n * d / 2 * (np.log(2 * np.pi * var) + 1)
    n_par = k * d + (k - 1) + 1
    return float(-2 * loglik + n_par * np.log(n))


def _reference_sets(z: np.ndarray, n_ref: int, rng: np.random.Generator) -> np.ndarray:
    """Uniform reference data in the box aligned with the principal components
    (Tibshirani et al. 2001, method b)."""
    mean = z.mean(axis=0)
    _, _, vt = np.linalg.svd(z - mean, full_matrices=False)
    rot = (z - mean) @ vt.T
    lo, hi = rot.min(axis=0), rot.max(axis=0)
    draws = rng.uniform(lo, hi, size=(n_ref, *rot.shape))
    return draws @ vt + mean


def _select_k(z: np.ndarray, clusterer: _Clusterer, max_k: int, n_ref: int, criterion: str,
              rng: np.random.Generator) -> tuple[pd.DataFrame, dict[int, np.ndarray]]:
    """Silhouette, gap statistic and BIC for k = 1..max_k, and the partition scored for each k."""
    from sklearn.metrics import silhouette_score

    ks = np.arange(1, max_k + 1)
    n = len(z)
    sil, bic, log_w = (np.full(len(ks), np.nan) for _ in range(3))
    fits = {}
    for pos, k in enumerate(ks):
        clusters, bic[pos] = clusterer.fit_bic(z, int(k), _FIT_SEED)
        fits[int(k)] = clusters
        if 2 <= len(np.unique(clusters)) <= n - 1:
            sil[pos] = silhouette_score(z, clusters)
        log_w[pos] = np.log(_within_ss(z, clusters))
    light = clusterer.light()
    ref_log_w = np.array([[np.log(_within_ss(r, light.fit(r, int(k), _seed(rng)))) for k in ks]
                          for r in _reference_sets(z, n_ref, rng)])
    gap = ref_log_w.mean(axis=0) - log_w
    gap_se = ref_log_w.std(axis=0) * np.sqrt(1 + 1 / n_ref)
    table = pd.DataFrame({"k": ks, "silhouette": sil, "gap": gap, "gap_se": gap_se, "bic": bic,
                          "within_ss": np.exp(log_w)})
    return _mark_choices(table, criterion), fits


def _gap_rule(gap: np.ndarray, se: np.ndarray, ks: np.ndarray) -> int:
    """Smallest k with gap(k) >= gap(k+1) - s(k+1) (Tibshirani et al. 2001); the largest k if none."""
    ok = gap[:-1] >= gap[1:] - se[1:]
    return int(ks[np.argmax(ok)]) if ok.any() else int(ks[-1])


def _best(values: np.ndarray, ks: np.ndarray, *, largest: bool) -> int | None:
    """k of the largest (smallest) defined value, or None when none is defined."""
    ok = np.flatnonzero(~np.isnan(values))
    if not len(ok):
        return None
    pick = np.argmax(values[ok]) if largest else np.argmin(values[ok])
    return int(ks[ok[pick]])


def _mark_choices(table: pd.DataFrame, criterion: str) -> pd.DataFrame:
    """Flag each criterion's best k (over 1..K) and the k that decides (over 2..K)."""
    ks = table["k"].to_numpy()
    sil, bic = table["silhouette"].to_numpy(), table["bic"].to_numpy()
    gap, se = table["gap"].to_numpy(), table["gap_se"].to_numpy()
    best = {"silhouette": _best(sil, ks, largest=True), "gap": _gap_rule(gap, se, ks),
            "bic": _best(bic, ks, largest=False)}
    decide = {"silhouette": best["silhouette"], "gap": _gap_rule(gap[1:], se[1:], ks[1:]),
              "bic": _best(bic[1:], ks[1:], largest=False)}[criterion]
    if decide is None:
        raise BenchmarkError(
            f"criterion {criterion!r} is undefined for every k from 2 to {ks[-1]} (the method found a "
            "single group); choose another criterion or method, or give k."
        )
    out = table.assign(**{f"best_{c}": ks == best[c] for c in CRITERIA}, chosen=ks == decide)
    out["reason"] = np.where(ks == 1, "silhouette is undefined for a single group", None)
    return out


# ------------------------------------------------------------ stability
def _draw(n: int, z: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap indices with at least k distinct feature profiles (redrawn otherwise)."""
    for _ in range(100):
        idx = rng.integers(0, n, size=n)
        if len(np.unique(z[idx], axis=0)) >= k:
            return idx
    raise BenchmarkError(f"bootstrap resamples keep fewer than k={k} distinct entities; use a smaller k.")


def _bootstrap(z: np.ndarray, score: np.ndarray, tier: np.ndarray, k: int,
               clusterer: _Clusterer, rng: np.random.Generator, n_boot: int,
               progress: bool) -> dict[str, np.ndarray]:
    """Hennig's (2007) clusterboot with tier matching for assignment probabilities."""
    n = len(z)
    jaccard = np.full((n_boot, k), np.nan)
    hits = np.zeros((n, k))
    seen = np.zeros(n)
    clusterer = clusterer.light()
    for b in _progress(range(n_boot), progress):
        idx = _draw(n, z, k, rng)
        new_tier = _rank_clusters(clusterer.fit(z[idx], k, _seed(rng)), score[idx])
        present, first = np.unique(idx, return_index=True)
        jaccard[b] = _best_jaccard(tier[present] - 1, new_tier[first] - 1, k)
        hits[present, new_tier[first] - 1] += 1
        seen[present] += 1
    return {"jaccard": jaccard, "hits": hits, "seen": seen}


def _best_jaccard(old: np.ndarray, new: np.ndarray, k: int) -> np.ndarray:
    """For each original cluster, its largest Jaccard similarity with a new cluster."""
    both = np.zeros((k, k))
    np.add.at(both, (old, new), 1)
    size_old, size_new = both.sum(axis=1), both.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        jac = both / (size_old[:, None] + size_new[None, :] - both)
    return np.where(size_old > 0, np.nanmax(np.nan_to_num(jac, nan=0.0), axis=1), np.nan)


def _progress(iterable: Any, progress: bool) -> Any:
    if not progress:
        return iterable
    from tqdm.auto import tqdm
    return tqdm(iterable, desc="bootstrap")


def _reading(jaccard: np.ndarray) -> np.ndarray:
    return np.select([np.isnan(jaccard), jaccard >= STABLE, jaccard >= PATTERNS],
                     [None, "stable", "patterns"], "unstable")


# ------------------------------------------------------------ result tables
def _assignment_table(ids: pd.Series, tier: np.ndarray, score: np.ndarray, names: tuple[Any, ...],
                      boot: dict[str, np.ndarray] | None, entity: str) -> pd.DataFrame:
    k = len(names)
    out = pd.DataFrame({"tier": tier, "label": np.array(names, dtype=object)[tier - 1], "score": score})
    out.insert(0, entity, ids.reset_index(drop=True))  # the ids keep their dtype
    if boot is None:
        probs = np.full((len(tier), k), np.nan)
        seen = np.zeros(len(tier), dtype=int)
        reason = np.full(len(tier), "not computed (n_boot=0)", dtype=object)
    else:
        seen = boot["seen"].astype(int)
        with np.errstate(divide="ignore", invalid="ignore"):
            probs = boot["hits"] / boot["seen"][:, None]
        reason = np.where(seen == 0, "never drawn in a bootstrap resample", None)
    out["probability"] = probs[np.arange(len(tier)), tier - 1]
    out["n_resampled"] = seen
    for j, name in enumerate(names):
        out[f"p_{name}"] = probs[:, j]
    out["reason"] = reason
    return out


def _centre_table(scaled: np.ndarray, scale: np.ndarray, feats: list[str], tier: np.ndarray,
                  names: tuple[Any, ...]) -> pd.DataFrame:
    # means of the scaled features, then back to the original units: no overflow near 1e300
    means = pd.DataFrame(scaled, columns=feats).groupby(tier).mean() * scale
    sizes = np.bincount(tier)[1:]
    head = pd.DataFrame({"tier": means.index.to_numpy(), "label": list(names), "size": sizes})
    return pd.concat([head, means.reset_index(drop=True)], axis=1)


def _stability_table(tier: np.ndarray, score: np.ndarray, names: tuple[Any, ...],
                     boot: dict[str, np.ndarray] | None) -> pd.DataFrame:
    k = len(names)
    s = pd.Series(score).groupby(tier)
    out = pd.DataFrame({"tier": np.arange(1, k + 1), "label": list(names),
                        "size": np.bincount(tier)[1:], "share": np.bincount(tier)[1:] / len(tier),
                        "score_mean": s.mean().to_numpy(), "score_min": s.min().to_numpy(),
                        "score_max": s.max().to_numpy()})
    if boot is None:
        nan = np.full(k, np.nan)
        out = out.assign(jaccard=nan, jaccard_sd=nan, dissolved=nan, recovered=nan)
        out["reading"] = None
        out["reason"] = "not computed (n_boot=0)"
        return out
    jac = boot["jaccard"]
    valid = ~np.isnan(jac)
    count = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, jac, 0.0).sum(axis=0) / count
        out["jaccard"] = mean
        out["jaccard_sd"] = np.sqrt(np.where(valid, (jac - mean) ** 2, 0.0).sum(axis=0) / count)
        out["dissolved"] = (valid & (jac <= DISSOLVED)).sum(axis=0) / count
        out["recovered"] = (valid & (jac > RECOVERED)).sum(axis=0) / count
    out["reading"] = _reading(mean)
    out["reason"] = np.where(np.isnan(mean), "tier never drawn in a bootstrap resample", None)
    return out


# ------------------------------------------------------------ compare helpers
def _official_table(official: Any, column: str, entity: str) -> pd.DataFrame:
    if isinstance(official, pd.DataFrame):
        check_columns(official, [entity], name="official", what="entity column")
        check_columns(official, [column], name="official", what="tier column")
        table = official[[entity, column]].rename(columns={column: "official"})
    elif isinstance(official, pd.Series):
        table = pd.DataFrame({entity: official.index.to_numpy(), "official": official.to_numpy()})
    elif isinstance(official, Mapping):
        table = pd.DataFrame({entity: list(official.keys()), "official": list(official.values())})
    else:
        raise BenchmarkError(
            "`official` must be a DataFrame with the entity and tier columns, a Series indexed by "
            f"entity or a mapping {{entity: tier}}; got {type(official).__name__}."
        )
    check_missing(table, ["official"], keys=[entity], name="official",
                  hint="every entity needs an official tier")
    table = table.drop_duplicates()
    clash = table[entity][table[entity].duplicated()]
    if len(clash):
        raise BenchmarkError(
            f"`official` gives several tiers for {entity} {format_list(pd.unique(clash).tolist())}; "
            "select one period first."
        )
    return table


def _check_official_levels(values: pd.Series, levels: list[Any], default: bool, k: int) -> None:
    if len(set(levels)) != len(levels):
        raise BenchmarkError(f"`order` must list each official tier once; got {levels!r}.")
    unknown = [v for v in pd.unique(values).tolist() if v not in set(levels)]
    if unknown:
        how = ("they are not tier labels of this result; pass order=[best, ..., worst] or "
               "labels= to tiers()" if default else "add them to `order`")
        raise BenchmarkError(f"official tier label(s) {format_list(unknown)} unknown ({format_list(levels)}): {how}.")
    if len(levels) != k:
        raise BenchmarkError(
            f"the official tiers have {len(levels)} levels ({format_list(levels)}) but the result has k={k}; "
            "placing entities above or below needs the same number of levels: rerun tiers() with "
            f"k={len(levels)}."
        )


def _check_official_entities(table: pd.DataFrame, assigned: pd.DataFrame, entity: str) -> None:
    known = set(assigned[entity].tolist())
    extra = [e for e in table[entity].tolist() if e not in known]
    if extra:
        raise UnknownEntityError(
            f"`official` lists {entity} {format_list(extra)}, which were not tiered; "
            "keep only the tiered entities in `official`."
        )
    listed = set(table[entity].tolist())
    missing = [e for e in assigned[entity].tolist() if e not in listed]
    if missing:
        raise MissingValueError(f"`official` has no tier for {entity} {format_list(missing)}; give one for every "
                                "tiered entity.")


# ============================================================ public: transitions
@validate_params(entity=_required_column, period=_required_column, tier=_required_column)
def tier_transitions(
    data: pd.DataFrame,
    tier: str,
    *,
    entity: str = "institution",
    period: str = "year",
    order: Sequence[Any] | None = None,
) -> TierTransitions:
    """Transition matrices between consecutive periods and the list of movers.

    Parameters
    ----------
    data : DataFrame
        Panel with one row per (entity, period) and a tier column.
    tier : str
        Column holding the tier label of each entity in each period.
    entity, period : str
        Entity and period columns.
    order : sequence, optional
        Tier labels from best to worst. Default: sorted values (so 1 before 2,
        "A" before "B").

    Returns
    -------
    TierTransitions
        ``transitions`` (long table per consecutive pair), pooled ``counts``
        and row ``shares``, ``movers`` (up, down, in, out) and ``flows``.
        An entity absent from a period it could have been in is in state
        ``"out"`` there; the "out" row and column appear only when someone
        enters or exits.

    See Also
    --------
    tiers : data-driven tiers to follow over time.
    benchmark.plot_transitions : the transition matrix as a heatmap.

    Examples
    --------
    >>> panel = pd.DataFrame({"institution": list("abcabc"), "year": [1, 1, 1, 2, 2, 2],
    ...                       "tier": ["A", "B", "B", "B", "A", "B"]})
    >>> tt = tier_transitions(panel, "tier")
    >>> tt.counts
    to_tier    A  B
    from_tier
    A          0  1
    B          1  1
    >>> tt.movers[["institution", "from_tier", "to_tier", "move"]]
      institution from_tier to_tier  move
    0           b         B       A    up
    1           a         A       B  down
    """
    frame = check_frame(data)
    check_columns(frame, [entity], what="entity column")
    check_columns(frame, [period], what="period column")
    check_columns(frame, [tier], what="tier column")
    id_dtype = frame[entity].dtype
    frame = _plain_columns(frame.reset_index(drop=True), [entity, period, tier])
    _check_keys_present(frame, [entity, period], data.index)
    check_unique_keys(frame, [entity, period])
    check_missing(frame, [tier], keys=[entity, period],
                  hint="give every row its tier (drop rows outside the tiering)")
    levels = _tier_levels(frame[tier], order, tier)
    periods = _sorted_periods(frame[period], period)
    if len(periods) < 2:
        raise BenchmarkError(f"`data` covers a single {period} ({periods[0]}); transitions need two or more.")
    rank = {lab: i + 1 for i, lab in enumerate(levels)}
    wide = (frame.assign(_rank=frame[tier].map(rank)).pivot(index=entity, columns=period, values="_rank")
            .reindex(columns=periods).fillna(0).astype(int))
    pairs = _pair_table(wide, periods, entity)
    has_out = bool(((pairs["from_rank"] == 0) | (pairs["to_rank"] == 0)).any())
    states = (*levels, _OUT) if has_out else tuple(levels)
    state_of = np.array([_OUT, *levels], dtype=object)
    pairs["from_tier"] = state_of[pairs["from_rank"].to_numpy()]
    pairs["to_tier"] = state_of[pairs["to_rank"].to_numpy()]
    long = _transition_long(pairs, periods, states, entity)
    counts = _wide(long.groupby(["from_tier", "to_tier"], sort=False, as_index=False)["count"].sum(),
                   "count", states)
    shares = _row_shares(counts)
    movers = _movers(pairs, entity)
    movers[entity] = movers[entity].astype(id_dtype)  # e.g. a category id column stays one
    return TierTransitions(transitions=long, counts=counts, shares=shares, movers=movers,
                           flows=_flows(pairs, periods), states=states, entity=entity)


def _sorted_periods(values: pd.Series, period: str) -> np.ndarray:
    """Distinct periods in time order: numbers, text years, academic years ("2019-20") or dates,
    by the library's period rule; labels whose order in time is unknown are an error."""
    _, periods, _ = sorted_periods(values, column=period)
    return periods.to_numpy()


def _tier_levels(values: pd.Series, order: Sequence[Any] | None, tier: str) -> list[Any]:
    observed = pd.unique(values).tolist()
    if order is None:
        try:
            return sorted(observed)
        except TypeError:
            raise BenchmarkError(
                f"tier column {tier!r} mixes labels that cannot be sorted ({format_list(observed)}); "
                "pass order=[best, ..., worst]."
            ) from None
    levels = list(order)
    if len(set(levels)) != len(levels):
        raise BenchmarkError(f"`order` must list each tier once; got {levels!r}.")
    if _OUT in levels:
        raise BenchmarkError(f"{_OUT!r} is reserved for entities absent from a period; rename that tier.")
    unknown = [v for v in observed if v not in set(levels)]
    if unknown:
        raise BenchmarkError(
            f"tier column {tier!r} has label(s) {format_list(unknown)} missing from `order` "
            f"({format_list(levels)}); add them in their place from best to worst."
        )
    return levels


def _pair_table(wide: pd.DataFrame, periods: np.ndarray, entity: str) -> pd.DataFrame:
    """One row per (entity, consecutive pair) where the entity is present in at least one period."""
    ranks = wide.to_numpy()
    n_ent, n_pairs = ranks.shape[0], len(periods) - 1
    out = pd.DataFrame({
        entity: np.repeat(wide.index.to_numpy(), n_pairs),
        "from_period": np.tile(periods[:-1], n_ent),
        "to_period": np.tile(periods[1:], n_ent),
        "from_rank": ranks[:, :-1].ravel(),
        "to_rank": ranks[:, 1:].ravel(),
    })
    return out[(out["from_rank"] > 0) | (out["to_rank"] > 0)].reset_index(drop=True)


def _transition_long(pairs: pd.DataFrame, periods: np.ndarray, states: tuple[Any, ...],
                     entity: str) -> pd.DataFrame:
    grid = pd.MultiIndex.from_product([range(len(periods) - 1), range(len(states)), range(len(states))],
                                      names=["pair", "from", "to"]).to_frame(index=False)
    pos = {s: i for i, s in enumerate(states)}
    position = {p: i for i, p in enumerate(periods[:-1].tolist())}
    key = pd.DataFrame({"pair": pairs["from_period"].map(position).to_numpy(),
                        "from": pairs["from_tier"].map(pos), "to": pairs["to_tier"].map(pos)})
    counted = key.value_counts().rename("count").reset_index()
    long = grid.merge(counted, on=["pair", "from", "to"], how="left").fillna({"count": 0})
    long["count"] = long["count"].astype(int)
    row = long.groupby(["pair", "from"])["count"].transform("sum")
    states_arr = np.array(states, dtype=object)
    out = pd.DataFrame({
        "from_period": periods[:-1][long["pair"]], "to_period": periods[1:][long["pair"]],
        "from_tier": states_arr[long["from"]], "to_tier": states_arr[long["to"]],
        "count": long["count"], "share": long["count"] / row.where(row > 0),
    })
    why = f"no {entity} in " + out["from_tier"].map(repr) + " in " + out["from_period"].astype(str)
    out["reason"] = why.where(row.to_numpy() == 0)
    return out


def _wide(long: pd.DataFrame, values: str, states: tuple[Any, ...]) -> pd.DataFrame:
    grid = long.pivot_table(index="from_tier", columns="to_tier", values=values, aggfunc="sum",
                            sort=False, dropna=False)
    grid = grid.reindex(index=list(states), columns=list(states))
    if values == "count":
        grid = grid.fillna(0).astype(int)
    grid.index.name, grid.columns.name = "from_tier", "to_tier"
    return grid


def _row_shares(counts: pd.DataFrame) -> pd.DataFrame:
    n = counts.sum(axis=1)
    return counts.div(n.where(n > 0), axis=0).assign(n=n)


def _movers(pairs: pd.DataFrame, entity: str) -> pd.DataFrame:
    f, t = pairs["from_rank"].to_numpy(), pairs["to_rank"].to_numpy()
    move = np.select([f == 0, t == 0, t < f, t > f], ["in", "out", "up", "down"], "stay")
    out = pairs.assign(move=move, steps=pd.array(np.where((f > 0) & (t > 0), f - t, 0), dtype="Int64"))
    out = out[out["move"] != "stay"]
    out.loc[out["move"].isin(["in", "out"]), "steps"] = pd.NA
    order = {"up": 0, "down": 1, "in": 2, "out": 3}
    out = out.sort_values(["from_period", "move", entity], key=lambda s: s.map(order) if s.name == "move" else s,
                          kind="stable")
    return out[[entity, "from_period", "to_period", "from_tier", "to_tier", "move", "steps"]].reset_index(drop=True)


def _flows(pairs: pd.DataFrame, periods: np.ndarray) -> pd.DataFrame:
    f, t = pairs["from_rank"], pairs["to_rank"]
    kinds = pd.DataFrame({
        "from_period": pairs["from_period"], "to_period": pairs["to_period"],
        "n": (f > 0) & (t > 0), "stayed": (f > 0) & (f == t), "up": (f > 0) & (t > 0) & (t < f),
        "down": (f > 0) & (t > f), "entered": f == 0, "exited": (f > 0) & (t == 0),
    })
    out = kinds.groupby(["from_period", "to_period"], as_index=False).sum()
    full = pd.DataFrame({"from_period": periods[:-1], "to_period": periods[1:]})
    out = full.merge(out, on=["from_period", "to_period"], how="left").fillna(0)
    cols = ["n", "stayed", "up", "down", "entered", "exited"]
    out[cols] = out[cols].astype(int)
    return out
