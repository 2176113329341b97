"""Section 3, against cost: cost per outcome against the peers, and DEA efficiency with peers to learn from."""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import listing
from benchmark._i18n import t as _t
from benchmark._validation import BenchmarkError
from benchmark.reporting._figures import cost_outcome as cost_outcome_figure
from benchmark.reporting._figures import frontier as frontier_figure
from benchmark.reporting._models import FieldModels
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import Draft, Section, lead, peers_of


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any) -> Section:
    """Cost per outcome of ``focus`` and its distance to the efficiency frontier of the field."""
    d = Draft("cost")
    parts = [lead(_t("What each outcome costs {focus} compared with its peers, and how far it is from the "
                     "efficiency frontier of all compared entities.", focus=focus))]
    if models.cost is None or not models.outcomes:
        parts.append(d.leave_out("Cost per outcome", "pass cost= (a spending column) and outcomes= (or "
                                 "outputs=) to compare cost per outcome."))
    else:
        parts.append(d.guard("Cost per outcome", lambda: _cost_part(d, models, focus)))
    if not models.inputs or not models.outputs:
        parts.append(d.leave_out("Efficiency frontier (DEA)", "pass inputs= and outputs= (columns) to measure "
                                 "efficiency against the frontier."))
    else:
        parts.append(d.guard("Efficiency frontier (DEA)", lambda: _dea_part(d, models, focus)))
    return d.done(parts, written="cost_per_outcome" in d.tables or "dea_efficiency" in d.tables)


def _cost_part(d: Draft, m: FieldModels, focus: Any) -> str:
    from benchmark.costs import cost_outcome_quadrant, cost_per_outcome, relative_cost

    members = peers_of(m, focus)
    period = m.period or "period"
    keys = [m.entity] + ([m.period] if m.period else [])
    cpo = cost_per_outcome(m.cross_section, m.cost, list(m.outcomes), entity=m.entity, period=period,
                           missing="allow")
    rel = relative_cost(cpo, "cost_per_outcome", cohort=members, by="outcome", entity=m.entity, period=period)
    mine = rel[rel[m.entity] == focus].merge(cpo[keys + ["outcome", "cost", "outcome_value"]],
                                             on=keys + ["outcome"], how="left")
    quads = {o: cost_outcome_quadrant(m.cross_section, m.cost, o, cohort=members, direction={o: m.directions[o]},
                                      entity=m.entity, period=period) for o in m.outcomes}
    mine["quadrant"] = [quads[o].loc[quads[o][m.entity] == focus, "quadrant"].iloc[0] for o in mine["outcome"]]
    mine.insert(mine.columns.get_loc("outcome") + 1, "label", [m.label(o) for o in mine["outcome"]])
    d.tables["cost_per_outcome"] = mine
    d.facts["cost"] = mine
    first = m.outcomes[0]
    fig = cost_outcome_figure(quads[first], focus, first, m)
    cols = [
        H.Column("label", "Outcome", code="outcome"),
        H.Column("outcome_value", "Outcome", H.number, True),
        H.Column("cost", m.with_unit(m.cost), H.number, True),
        H.Column("value", "Cost per unit", H.number, True),
        H.Column("cohort_median", "Peers' median", H.number, True),
        H.Column("relative_cost", "Index (peers = 100)", lambda v: H.number(v, 0), True,
                 css=lambda v: "pos" if v < 100 else ("neg" if v > 100 else "")),
        H.Column("quadrant", "Cost-outcome quadrant", _t),
        H.Column("reason", "Note", str),
    ]
    return (f"<h3>{H.esc(_t('Cost per outcome'))}</h3>"
            + H.table(mine, cols, table_id="table-cost")
            + '<p class="muted">' + H.esc(_t(
                "Index below 100: the outcome costs less than at the median peer. The quadrant compares total "
                "cost and outcome with the peers' medians (the institution left out).")) + "</p>"
            + d.figure(fig, alt=_t("Cost and {outcome}", outcome=m.label(first)), fig_id="fig-cost-outcome",
                       caption=_t("{cost} against {outcome}: dashed lines are the peers' medians; the star is the "
                                  "institution.", cost=m.label(m.cost), outcome=m.label(first))))


def _dea_part(d: Draft, m: FieldModels, focus: Any) -> str:
    if m.dea is None:
        raise BenchmarkError(m.error("dea") or "the DEA could not be computed.")
    if focus in set(m.dea_excluded):
        raise BenchmarkError(_t("{focus!r} has missing inputs or outputs in {where}.", focus=focus,
                                where=m.where()))
    d.notes.extend(m.note_texts("dea"))
    res, e = m.dea, m.entity
    eff = res.efficiency
    score = float(eff.loc[eff[e] == focus, "efficiency"].iloc[0])
    peers = res.peers()
    mine = peers[(peers[e] == focus) & (peers["peer"] != focus)].sort_values("weight", ascending=False)
    mine = mine.merge(m.dea_data.rename(columns={e: "peer"}), on="peer", how="left")
    targets = res.targets()
    goals = targets[targets[e] == focus].reset_index(drop=True)
    goals.insert(2, "label", [m.label(i) for i in goals["indicator"]])
    d.tables["dea_efficiency"] = eff
    d.tables["dea_peers"] = mine
    d.tables["dea_targets"] = goals
    o = m.options
    n_eff, n = int(eff["efficient"].sum()), len(eff)
    model = _t("{rts}, {orientation}-oriented", rts=o.rts.upper(), orientation=_t(o.orientation))
    if mine.empty:
        learn = _t("DEA ({model}): {focus} is on the frontier; no combination of other entities does better.",
                   model=model, focus=focus)
    else:
        names = listing(f"{p} ({w:.0%})" for p, w in zip(mine["peer"], mine["weight"], strict=True))
        moves = "; ".join(f"{m.label(r['indicator'])} {H.signed_percent(r['gap_pct'], 0)}"
                          for _, r in goals.iterrows() if pd.notna(r["gap_pct"]) and abs(r["gap_pct"]) > 0.05)
        learn = _t("DEA ({model}): efficiency {score:.2f}; peers to learn from: {names}. The frontier implies: "
                   "{moves}.", model=model, score=score, names=names, moves=moves)
    d.facts["efficiency"] = {"score": score, "learn": learn,
                             "detail": _t("{model}; {k} of {n} entities efficient", model=model, k=n_eff, n=n)}
    rank = int((eff["efficiency"] > score + 1e-9).sum()) + 1
    text = _t("Efficiency {score:.3f} ({model} envelopment model on {i} input(s) and {j} output(s), {n} entities "
              "in {where}); {k} entities are efficient and {focus} ranks {rank} of {n}.", score=score, model=model,
              i=len(m.inputs), j=len(m.outputs), n=n, where=m.where(), k=n_eff, focus=focus, rank=rank)
    if o.orientation == "input" and score < 1:
        text += _t(" The same outputs could be produced with {share:.0%} less of every input (before slacks) by "
                   "the combination of peers below.", share=1 - score)
    elif o.orientation == "output" and score < 1:
        text += _t(" The peers below produce {share:.0%} more of every output with the same inputs.",
                   share=1 / score - 1)
    peer_cols = [H.Column("peer", "Peer"), H.Column("weight", "Weight", H.percent, True),
                 H.Column("lambda", "Lambda", lambda v: H.number(v, 3), True),
                 *[H.Column(c, m.label(c), H.number, True) for c in [*m.inputs, *m.outputs]]]
    goal_cols = [H.Column("label", "Indicator", code="indicator"), H.Column("role", "Role", _t),
                 H.Column("actual", "Actual", H.number, True), H.Column("target", "Frontier target", H.number, True),
                 H.Column("gap", "Change", H.number, True),
                 H.Column("gap_pct", "Change %", H.signed_percent, True)]
    html = (f"<h3>{H.esc(_t('Efficiency frontier (DEA)'))}</h3>" + f"<p>{H.esc(text)}</p>"
            + (H.table(mine, peer_cols, caption="Peers to learn from (reference set, by weight)",
                       table_id="table-dea-peers") if not mine.empty else "")
            + H.table(goals, goal_cols, caption="Input savings and output increases the frontier implies",
                      table_id="table-dea-targets"))
    return html + _frontier_figure(d, m, focus)


def _frontier_figure(d: Draft, m: FieldModels, focus: Any) -> str:
    shape = (len(m.inputs), len(m.outputs))
    # Ratio pictures (one input and two outputs, or the reverse) are exact only under constant returns.
    if shape == (1, 1) or (shape in {(1, 2), (2, 1)} and m.options.rts == "crs"):
        return d.figure(frontier_figure(m, focus), alt="Efficiency frontier", fig_id="fig-frontier",
                        caption="The DEA frontier through the efficient entities and the institution's "
                                "projection onto it (its frontier target).")
    return ('<p class="muted">' + H.esc(_t(
        "The frontier is drawn for one input and one output, or - with constant returns to scale "
        "(rts='crs') - one input and two outputs or two inputs and one output.")) + "</p>")
