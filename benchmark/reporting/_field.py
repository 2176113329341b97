"""Section 4, in the field: composite rank with its interval, data-driven tier and its stability, tier history.

The models are the field's (:class:`FieldModels`); this section only picks
out the unit's row, writes the text and draws the figures.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import t as _t
from benchmark._validation import BenchmarkError, format_list
from benchmark.reporting._figures import rank_intervals as rank_intervals_figure
from benchmark.reporting._figures import shared as shared_figure
from benchmark.reporting._figures import tiers as tiers_figure
from benchmark.reporting._figures import transitions as transitions_figure
from benchmark.reporting._models import FieldModels, composite_for
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import Draft, Section, lead, peers_of

_MANY = 60  # more ranked units than this: the rank figure shows the best 25 and the unit


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any) -> Section:
    """Where ``focus`` stands in the whole field."""
    d = Draft("field")
    parts = [lead(_t("Where {focus} ranks among all {n} compared entities on a composite of the indicators, how "
                     "much that rank depends on the analyst's choices, and which tier the data place it in.",
                     focus=focus, n=models.cross_section[models.entity].nunique()))]
    m = composite_for(models, focus)
    if m.composite_data is None:
        parts.append(d.leave_out("Composite index and tiers", m.error("composite") or ""))
        return d.done(parts, written=False)
    d.notes.extend(m.note_texts("composite"))
    parts.append(d.guard("Composite rank", lambda: _rank_part(d, m, focus)))
    parts.append(d.guard("Tiers", lambda: _tier_part(d, m, focus)))
    parts.append(d.guard("Tier history", lambda: _history_part(d, m, focus)))
    return d.done(parts, written="ranks" in d.tables or "tiers" in d.tables)


def _fitted(m: FieldModels, name: str, focus: Any) -> Any:
    model = getattr(m, name)
    if model is None:
        raise BenchmarkError(m.error(name) or f"no {name} model.")
    if focus not in set(m.composite_data[m.entity]):
        raise BenchmarkError(f"{focus!r} has missing values among the composite's indicators in {m.where()}.")
    return model


def _rank_part(d: Draft, m: FieldModels, focus: Any) -> str:
    ru = _fitted(m, "ranks", focus)
    ranks = ru.ranks
    d.tables["ranks"] = ranks
    d.tables["rank_sensitivity"] = ru.sensitivity
    row = ranks[ranks[m.entity] == focus].iloc[0]
    n = len(ranks)
    low, high = int(row["ci_low"]), int(row["ci_high"])
    d.facts["rank"] = {"rank": int(row["nominal_rank"]), "n": n, "low": low, "high": high,
                       "median": float(row["median_rank"])}
    many = n > _MANY
    ranked_peers = [p for p in peers_of(m, focus) if p in set(ranks[m.entity])]
    fig = rank_intervals_figure(ru, focus, None if many else ranked_peers, 25 if many else None,
                                  min(n, 30) if many else n)
    wtext = _t("metadata weights") if m.composite_weights else _t("equal weights")
    text = _t("Composite rank {rank} of {n} ({weights}, min-max normalisation, arithmetic mean of {k} "
              "indicators). Over {draws} draws of weights, normalisation and aggregation the rank lies between "
              "{low} and {high} (5-95 %), median {median}.", rank=int(row["nominal_rank"]), n=n, weights=wtext,
              k=len(m.composite_indicators), draws=ru.n_draws, low=low, high=high,
              median=H.number(row["median_rank"], 0))
    cols = [H.Column("factor", "Uncertain choice"), H.Column("output", "Output"),
            H.Column("first_order", "First-order index", lambda v: H.number(v, 2), True),
            H.Column("total", "Total index", lambda v: H.number(v, 2), True)]
    caption = (_t("Nominal composite rank (dot) and the 5-95 % interval of the simulated ranks (bar); the "
                  "institution in vermillion") + ("" if many else _t(", its peers in blue"))
               + ("" if not many else _t("; the 25 best shown with the institution")) + _t("."))
    return (f"<h3>{H.esc(_t('Composite rank and its interval'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + d.figure(fig, alt="Rank intervals", fig_id="fig-ranks", caption=caption)
            + H.table(ru.sensitivity, cols, caption="Which choice moves the ranks (Sobol indices)",
                      table_id="table-sensitivity"))


def _tier_part(d: Draft, m: FieldModels, focus: Any) -> str:
    result = _fitted(m, "tiers", focus)
    d.notes.extend(m.note_texts("tiers"))
    k, n_boot = m.tier_k, m.tier_n_boot
    d.tables["tiers"] = result.assignments
    d.tables["tier_stability"] = result.stability
    row = result.assignments[result.assignments[m.entity] == focus].iloc[0]
    stab = result.stability[result.stability["label"] == row["label"]].iloc[0]
    fact = {"label": row["label"], "k": k, "probability": row.get("probability", np.nan),
            "reading": stab.get("reading"), "jaccard": stab.get("jaccard", np.nan)}
    compare_html = ""
    cs = m.composite_data
    if m.tier_comparison is not None:
        comparison = m.tier_comparison
        placements = comparison.placements
        d.tables["tier_placements"] = placements
        mine = placements[placements[m.entity] == focus].iloc[0]
        fact["official"] = mine["official"]
        fact["placement"] = mine["placement"]
        compare_html = (f"<p>{H.esc(_agreement_text(comparison, m.official))}</p>"
                        + H.table(comparison.confusion.reset_index().rename(columns=str),
                                  [H.Column(str(c), str(c) if c != "official" else _t("official \\ data"),
                                            H.number, c != "official")
                                   for c in ["official", *map(str, comparison.confusion.columns)]],
                                  caption="Official tiers (rows) against data-driven tiers (columns)",
                                  table_id="table-tier-confusion"))
    elif m.official is not None:
        fact["official"] = cs.loc[cs[m.entity] == focus, m.official].iloc[0]
    d.facts["tier"] = fact
    fig = tiers_figure(m, focus)
    prob = "" if pd.isna(fact["probability"]) else _t(", in {share} of {n} bootstrap resamples",
                                                       share=H.percent(fact["probability"], 0), n=n_boot)
    reading = "" if not isinstance(fact["reading"], str) else _t(
        " The tier itself is {reading} (mean Jaccard similarity {j} between the tier and its best match in each "
        "resample; Hennig 2007).", reading=_t(fact["reading"]), j=H.number(fact["jaccard"], 2))
    text = _t("Data-driven tier {tier} of {k} (k-means on {n} standardised indicators)", tier=row["label"], k=k,
              n=len(m.composite_indicators)) + prob + _t(".") + reading
    stab_cols = [H.Column("label", "Tier"), H.Column("size", "Size", H.number, True),
                 H.Column("jaccard", "Mean Jaccard", lambda v: H.number(v, 2), True),
                 H.Column("dissolved", "Dissolved", H.percent, True),
                 H.Column("recovered", "Recovered", H.percent, True), H.Column("reading", "Reading", _t)]
    caption = (_t("Entities on the first two principal components of the standardised indicators, coloured by "
                  "data-driven tier") + (_t(", marked by official tier") if m.official else "")
               + _t("; the institution is circled."))
    return (f"<h3>{H.esc(_t('Tier and its stability'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + d.figure(fig, alt="Tiers", fig_id="fig-tiers", caption=caption)
            + (H.table(result.stability, stab_cols, caption="Tier stability", table_id="table-tier-stability")
               if n_boot else "")
            + compare_html)


def _agreement_text(comparison: Any, official: str) -> str:
    return _t("Agreement with the official tiers ({official}): {share} of entities in the same tier; adjusted Rand "
              "index {ari:.2f}. Placed higher by the data: {above}; lower: {below}.", official=official,
              share=H.percent(comparison.agreement, 0), ari=comparison.ari, above=len(comparison.above),
              below=len(comparison.below))


def _history_part(d: Draft, m: FieldModels, focus: Any) -> str:
    """The unit's data-driven tier in every period, and the moves of all units between periods."""
    if m.transitions is None:
        if m.errors.get("history"):
            raise BenchmarkError(m.error("history") or "")
        return ""
    if "tier" not in d.facts:
        return ""
    long = m.tier_history
    mine = long[long[m.entity] == focus]
    if mine.empty:
        return ""
    path = " \u2192 ".join(f"{p}: {t}" for p, t in zip(mine[m.period], mine["tier"], strict=True))
    tiered = set(mine[m.period])
    skipped = [p for p in m.data[m.period].drop_duplicates().sort_values() if p not in tiered]
    if skipped:
        path += _t(" (not tiered in {periods}: missing values)", periods=format_list(skipped))
    d.tables["tier_history"] = long
    text = _t("Data-driven tier of {focus} by {period} (same indicators, tiers fitted per {period}): {path}.",
              focus=focus, period=m.period, path=path)
    figure = shared_figure(m, "fig-transitions", lambda: H.figure(
        transitions_figure(m.transitions), alt="Tier transitions", fig_id="fig-transitions",
        caption=_t("Moves between data-driven tiers from one {period} to the next, all entities (counts and row "
                   "shares).", period=m.period)))
    return f"<h3>{H.esc(_t('Tier over time'))}</h3>" + f"<p>{H.esc(text)}</p>" + d.add_figure("fig-transitions", figure)
