"""Section 2, against peers: gaps to the cohort median with bootstrap intervals, and to a leading group."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._cohorts import cohort_members
from benchmark._i18n import cohort_text
from benchmark._i18n import t as _t
from benchmark._validation import BenchmarkError
from benchmark.reporting._figures import gaps as gaps_figure
from benchmark.reporting._models import FieldModels
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import Draft, Section, lead, peers_of, tied


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any) -> Section:
    """``focus`` against its cohort (``options.cohort``) and the leading group (``options.leaders``)."""
    d = Draft("peers")
    members = _members(models, focus)
    intro = lead(_t("Where {focus} stands among its peers ({cohort}, {n} entities) in {where}. A positive gap "
                    "means ahead of the peers' median whatever the indicator's direction; the {ci:.0%} bootstrap "
                    "interval says whether the gap is more than the spread of the peers.", focus=focus,
                    cohort=cohort_text(options.cohort), n=len(members), where=models.where(), ci=options.ci))
    parts = [intro,
             d.guard("Peer gaps", lambda: _gap_part(d, models, focus, options.cohort, "peer_gaps", "gaps")),
             _leaders_part(d, models, focus, members)]
    return d.done(parts, written="peer_gaps" in d.tables)


def _members(models: FieldModels, focus: Any) -> list[Any]:
    try:
        return peers_of(models, focus)
    except BenchmarkError:
        return []


def _gap_part(d: Draft, m: FieldModels, focus: Any, cohort: Any, name: str, seed: str) -> str:
    from benchmark.peers import peer_gap

    gaps = peer_gap(m.data, focus, list(m.indicators), cohort=cohort, at=m.at,
                    direction={i: m.directions[i] for i in m.indicators}, ci=m.options.ci,
                    n_boot=m.options.n_boot, random_state=m.seeds[seed], entity=m.entity, period=m.period)
    gaps.insert(gaps.columns.get_loc("indicator") + 1, "label", [m.label(i) for i in gaps["indicator"]])
    d.tables[name] = gaps
    fig_id = "gaps" if name == "peer_gaps" else "leaders"
    drawn = gaps[gaps["gap_median_pct"].notna()]
    fig = gaps_figure(drawn.drop(columns="label"), m)
    who = cohort_text(cohort)
    if name == "peer_gaps":
        d.facts["gaps"] = gaps
    else:
        d.facts["leader_gaps"] = gaps
    cols = [
        H.Column("label", "Indicator", code="indicator"),
        H.Column("direction", "Better", lambda v: _t("higher") if v == "higher" else _t("lower")),
        H.Column("value", "Value", H.number, True),
        H.Column("cohort_median", "Peers' median", H.number, True),
        H.Column("_iqr", "Peers' Q1 - Q3", str, True),
        H.Column("gap_median", "Gap", H.number, True, css=H.sign_class),
        H.Column("gap_median_pct", "Gap %", H.signed_percent, True, css=H.sign_class),
        H.Column("_interval", _t("{ci:.0%} interval", ci=m.options.ci), str, True),
        H.Column("significant", "Significant", lambda v: _t("yes") if v else _t("no")),
        H.Column("percentile_rank", "Percentile", lambda v: H.number(v, 0), True),
        H.Column("_best", "Best peer", str, code="_best_who"),
    ]
    nan = gaps["gap_median"] * np.nan
    shown = gaps.assign(
        _iqr=[f"{H.number(a)} - {H.number(b)}" if pd.notna(a) else None
              for a, b in zip(gaps["cohort_q1"], gaps["cohort_q3"], strict=True)],
        _interval=[f"[{H.number(a)}, {H.number(b)}]" if pd.notna(a) else None
                   for a, b in zip(gaps.get("ci_low", nan), gaps.get("ci_high", nan), strict=True)],
        _best=[H.number(v) if pd.notna(v) else None for v in gaps["cohort_best"]],
        _best_who=[tied(v) for v in gaps["best_entity"]] if "best_entity" in gaps.columns else None,
    )
    heading = (_t("Gaps to the peers' median") if name == "peer_gaps"
               else _t("Gaps to the leading group ({who})", who=who))
    absent = shown[shown["gap_median"].isna()]
    missing = ("" if absent.empty else '<p class="muted">' + H.esc(_t("Not compared: ") + "; ".join(
        f"{m.label(r['indicator'])} ({r['reason']})" for _, r in absent.iterrows())) + ".</p>")
    return (f"<h3>{H.esc(heading)}</h3>"
            + d.figure(fig, alt=_t("Gaps to the median of {who}", who=who), fig_id=f"fig-{fig_id}",
                       caption=_t("Gap to the median of {who} in percent of that median (blue: ahead, orange: "
                                  "behind); whiskers: {ci:.0%} bootstrap interval, pale bars: not significant.",
                                  who=who, ci=m.options.ci))
            + H.table(shown[shown["gap_median"].notna()], cols, table_id=f"table-{fig_id}") + missing)


def _leaders_part(d: Draft, m: FieldModels, focus: Any, members: list[Any]) -> str:
    leaders = m.options.leaders
    what = "Comparison with the leaders"
    if leaders is None:
        return d.leave_out(what, "pass leaders= (a leading group, such as the entities of the top tier) to "
                           "compare with it as well.")
    try:
        group = cohort_members(m.cross_section, focus, leaders, entity=m.entity)
    except BenchmarkError as exc:
        return d.leave_out(what, str(exc))
    if set(group) == set(members):
        return ('<p class="muted">' + H.esc(_t("{focus} belongs to the leading group ({who}): its peers are the "
                                               "leaders, compared above.", focus=focus,
                                               who=cohort_text(leaders))) + "</p>")
    return d.guard(what, lambda: _gap_part(d, m, focus, leaders, "leader_gaps", "leaders"))
