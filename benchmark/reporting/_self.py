"""Section 1, against itself: change and trend since the first period, target completion, trajectories."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import listing
from benchmark._i18n import t as _t
from benchmark._validation import BenchmarkError
from benchmark.reporting._figures import completion as completion_figure
from benchmark.reporting._figures import trajectories as trajectories_figure
from benchmark.reporting._models import FieldModels
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import (
    Draft,
    Section,
    lead,
    peers_of,
    period_text,
)

_TRAJECTORIES = 4  # indicators drawn over time


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any) -> Section:
    """The self-comparison of ``focus`` (``data``: the field's panel)."""
    d = Draft("self")
    intro = lead(_t("How far {focus} has come since its first observed period, how fast (linear trend with a "
                    "{ci:.0%} interval), and whether it meets its targets.", focus=focus, ci=options.ci))
    if models.period is None:
        return d.done([d.leave_out("Self-comparison", "it needs a panel: pass data with one row per entity and "
                                   "period and name the period column with period=.")], written=False)
    own = data[data[models.entity] == focus]
    if own[models.period].nunique() < 2:
        return d.done([d.leave_out("Self-comparison", _t("{focus!r} is observed in a single {period}; it needs "
                                                         "two or more.", focus=focus, period=models.period))],
                      written=False)
    parts = [intro,
             d.guard("Change and trend", lambda: _change_part(d, models, focus, own)),
             d.guard("Target completion", lambda: _completion_part(d, models, focus)),
             d.guard("Trajectories", lambda: _trajectory_part(d, models, focus))]
    return d.done(parts, written="self_comparison" in d.tables)


def _change_part(d: Draft, m: FieldModels, focus: Any, own: pd.DataFrame) -> str:
    from benchmark.longitudinal import self_compare

    observed = [i for i in m.indicators if own[i].notna().sum() >= 1]
    sc = self_compare(m.data, focus, observed, direction={i: m.directions[i] for i in observed},
                      entity=m.entity, period=m.period)
    sc.insert(2, "label", [m.label(i) for i in sc["indicator"]])
    d.tables["self_comparison"] = sc
    verdicts = sc["verdict"].value_counts()
    d.facts["improving"] = [m.label(i) for i in sc.loc[sc["verdict"] == "improving", "indicator"]]
    d.facts["worsening"] = [m.label(i) for i in sc.loc[sc["verdict"] == "worsening", "indicator"]]
    d.facts["n_trend"] = int(verdicts.sum())
    p = m.period
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column(f"baseline_{p}", _t("Base {period}", period=_t(p)), period_text, True),
        H.Column("baseline", "Baseline", H.number, True),
        H.Column(f"latest_{p}", _t("Latest {period}", period=_t(p)), period_text, True),
        H.Column("latest", "Latest", H.number, True),
        H.Column("pct_change", "Change", H.percent, True, css=lambda v: ""),
        H.Column("cagr", "Per year (CAGR)", H.percent, True),
        H.Column("slope", "Trend slope", H.number, True),
        H.Column("verdict", "Trend", _t, css=lambda v: {"improving": "pos", "worsening": "neg"}.get(v, "")),
        H.Column("gap_to_best_pct", "Below own best", H.percent, True),
    ]
    return (f"<h3>{H.esc(_t('Change since the baseline and trend'))}</h3>"
            + H.table(sc, cols, table_id="table-self")
            + '<p class="muted">' + H.esc(_t(
                "Trend: improving / worsening when the whole interval of the OLS slope lies on the better / worse "
                "side of zero (direction-aware), otherwise flat. \"Below own best\": distance from the best value "
                "the institution has reached.")) + "</p>")


def _completion_part(d: Draft, m: FieldModels, focus: Any) -> str:
    has_rows = m.targets is not None and (m.targets[m.entity] == focus).any()
    if m.options.targets is not None and not has_rows:
        d.notes.append(f"`targets` has no row for {focus!r} and the report's indicators.")
    if not has_rows:
        return d.leave_out("Target completion", "pass targets= (one row per entity and indicator with "
                           "baseline and target_<period> columns) to judge completion.")
    if m.completion is None:
        return d.leave_out("Target completion", m.error("completion") or "")
    table, summary = m.completion, m.completion_summary
    mine = table[table[m.entity] == focus].reset_index(drop=True)
    mine.insert(2, "label", [m.label(i) for i in mine["indicator"]])
    own = summary[summary[m.entity] == focus].iloc[0]
    peers = summary[summary[m.entity].isin(peers_of(m, focus))]
    d.tables["completion"] = mine
    d.tables["completion_summary"] = summary
    facts = {
        "n": int(own["n_tasks"]), "completed": int(own["n_completed"]), "attainable": int(own["n_attainable"]),
        "unattainable": int(own["n_unattainable"]), "rate": float(own["completion_rate"]),
        "peer_rate": float(peers["completion_rate"].median()) if len(peers) else float("nan"),
        "behind": [m.label(i) for i in mine.loc[mine["status"] == "unattainable", "indicator"]],
        "final": bool((mine[f"final_{m.period}"] == m.at).all()),
    }
    d.facts["completion"] = facts
    fig = completion_figure(mine, focus, m)
    final = facts["final"]
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column("baseline", "Baseline", H.number, True),
        H.Column("target", _t("Target {at}", at=m.at), H.number, True),
        H.Column("actual", _t("Actual {at}", at=m.at), H.number, True),
        H.Column("completion_ratio", "Completion", H.percent, True, css=lambda v: "pos" if v >= 1 else "neg"),
        *([] if final else [
            H.Column("final_target", "Final target", H.number, True),
            H.Column("projected_final", "Projected", H.number, True),
            H.Column("pace_ratio", "Pace needed / achieved", lambda v: H.number(v, 2), True)]),
        H.Column("status", "Status", _t, css=lambda v: {"completed": "pos", "unattainable": "neg"}.get(v, "")),
    ]
    peer = ("" if np.isnan(facts["peer_rate"]) else
            _t(" Peers' median share of targets completed: {rate}.", rate=H.percent(facts["peer_rate"], 0)))
    if final:
        rest = _t("{n} missed at the final evaluation.", n=facts["unattainable"])
    else:
        rest = _t("{a} attainable and {u} out of reach by the final target if the pace achieved since the "
                  "baseline continues.", a=facts["attainable"], u=facts["unattainable"])
    text = _t("{done} of {n} targets completed in {where} ({rate}); ", done=facts["completed"], n=facts["n"],
              where=m.where(), rate=H.percent(facts["rate"], 0)) + rest + peer
    return (f"<h3>{H.esc(_t('Target completion'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + d.figure(fig, alt="Completion ratio by indicator", fig_id="fig-completion",
                       caption="Completion ratio (actual / target) by indicator, coloured by status; the line "
                               "marks 100 %.")
            + H.table(mine, cols, table_id="table-completion"))


def _trajectory_part(d: Draft, m: FieldModels, focus: Any) -> str:
    chosen = _trajectory_choice(d, m, focus)
    if not chosen:
        return ""
    fig = trajectories_figure(focus, chosen, peers_of(m, focus), d.tables.get("completion"), m)
    names = listing(m.label(i) for i in chosen)
    return (f"<h3>{H.esc(_t('Trajectories'))}</h3>"
            + d.figure(fig, alt=_t("Trajectories of {names}", names=names), fig_id="fig-trajectories",
                       caption=_t("{names}: the institution over time with its targets and projection, against "
                                  "its peers' median and inter-quartile band.", names=names)))


def _trajectory_choice(d: Draft, m: FieldModels, focus: Any) -> list[str]:
    """The indicators most in need of attention: off-target first, then furthest behind the peers."""
    order: list[str] = []
    comp = d.tables.get("completion")
    if comp is not None:
        rank = {"unattainable": 0, "attainable": 1}
        worst = comp[comp["status"].isin(rank)].assign(_r=lambda x: x["status"].map(rank))
        order += worst.sort_values(["_r", "completion_ratio"])["indicator"].tolist()
    order += _behind_peers(m, focus)
    order += list(m.indicators)
    own = m.data.loc[m.data[m.entity] == focus]
    usable = [i for i in dict.fromkeys(order) if own[i].notna().sum() >= 2]
    return usable[:_TRAJECTORIES]


def _behind_peers(m: FieldModels, focus: Any) -> list[str]:
    """Indicators by the focus's percentile among its peers, lowest first (no bootstrap needed here)."""
    from benchmark.peers import peer_gap

    try:
        gaps = peer_gap(m.data, focus, list(m.indicators), cohort=m.options.cohort, at=m.at,
                        direction={i: m.directions[i] for i in m.indicators}, ci=None, entity=m.entity,
                        period=m.period)
    except BenchmarkError:  # the peers section says why; here the gaps only order the figures
        return []
    return gaps.sort_values("percentile_rank")["indicator"].dropna().tolist()
