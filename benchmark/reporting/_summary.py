"""The summary section: key figures, strengths and gaps, other findings - read from the other sections.

The summary computes nothing: it takes the :class:`Section` objects the
other builders returned and reads their facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import cohort_text, listing
from benchmark._i18n import t as _t
from benchmark.reporting._figures import profile as profile_figure
from benchmark.reporting._models import FieldModels
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import Draft, Section, bullets, peers_of

_QUADRANT_TEXT = {
    "more for less": "more outcome for less cost than the peers' medians",
    "more for more": "more outcome for more cost than the peers' medians",
    "less for less": "less outcome for less cost than the peers' medians",
    "less for more": "less outcome for more cost than the peers' medians",
}


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any,
          sections: Mapping[str, Section]) -> Section:
    """The summary of ``focus`` from the facts of ``sections`` (by name: self, peers, cost, field)."""
    d = Draft("summary")
    facts: dict[str, Any] = {}
    for name in ("self", "peers", "cost", "field"):
        if name in sections:
            facts.update(sections[name].facts)
    cards = _cards(models, focus, facts)
    strengths, weaknesses = _strengths_and_gaps(models, facts)
    d.tables["summary"] = pd.DataFrame([{"item": c[0], "value": c[1], "detail": c[2]} for c in cards])
    card_html = "".join(f'<div class="card"><div class="k">{H.esc(k)}</div><div class="v">{H.esc(v)}</div>'
                        f'<div class="s">{H.esc(s)}</div></div>' for k, v, s in cards)
    lists = (f'<div class="columns"><div><h3>{H.esc(_t("Strengths"))}</h3>{bullets(strengths, "ahead")}</div>'
             f'<div><h3>{H.esc(_t("Gaps"))}</h3>{bullets(weaknesses, "behind")}</div></div>')
    also = bullets(_other_findings(models, facts), "")
    html = f'<div class="cards">{card_html}</div>{lists}<h3>{H.esc(_t("Also"))}</h3>{also}' + _profile(d, models, facts)
    return d.done([html], written=True)


def _cards(m: FieldModels, focus: Any, facts: dict[str, Any]) -> list[tuple[str, str, str]]:
    cards = []
    gaps = facts.get("gaps")
    if gaps is not None and gaps["percentile_rank"].notna().any():
        pr = gaps["percentile_rank"].dropna()
        cards.append((_t("Median percentile"), f"{pr.median():.0f}",
                      _t("of {n} indicators among {m} peers (100 = best)", n=len(pr), m=len(peers_of(m, focus)))))
    comp = facts.get("completion")
    if comp:
        peer = "" if np.isnan(comp["peer_rate"]) else _t("; peers' median {rate}", rate=H.percent(comp["peer_rate"], 0))
        cards.append((_t("Targets completed"), _t("{k} of {n}", k=comp["completed"], n=comp["n"]),
                      _t("{n} missed" if comp["final"] else "{n} out of reach", n=comp["unattainable"]) + peer))
    cost = facts.get("cost")
    if cost is not None and cost["relative_cost"].notna().any():
        first = cost.iloc[0]
        cards.append((_t("Cost index"), H.number(first["relative_cost"], 0),
                      _t("cost per {outcome}; peers' median = 100", outcome=m.label(first["outcome"]))))
    eff = facts.get("efficiency")
    if eff:
        cards.append((_t("DEA efficiency"), H.number(eff["score"], 2), eff["detail"]))
    rank = facts.get("rank")
    if rank:
        cards.append((_t("Composite rank"), _t("{k} of {n}", k=rank["rank"], n=rank["n"]),
                      _t("5-95 % interval {low}-{high}", low=rank["low"], high=rank["high"])))
    tier = facts.get("tier")
    if tier:
        detail = [] if pd.isna(tier["probability"]) else [_t("probability {p}", p=H.percent(tier["probability"], 0))]
        if isinstance(tier.get("reading"), str):
            detail.append(_t(str(tier["reading"])))
        if "official" in tier:
            detail.append(_t("official {tier}", tier=tier["official"]))
        cards.append((_t("Data-driven tier"), str(tier["label"]), "; ".join(detail)))
    return cards


def _strengths_and_gaps(m: FieldModels, facts: dict[str, Any]) -> tuple[list[str], list[str]]:
    gaps = facts.get("gaps")
    if gaps is None:
        return [], []
    g = gaps[gaps["gap_median_pct"].notna()]
    sig = g["significant"].fillna(False).astype(bool) if "significant" in g.columns else g["gap_median"].ne(0)
    ahead = g[sig & (g["gap_median"] > 0)].sort_values("percentile_rank", ascending=False)
    behind = g[sig & (g["gap_median"] < 0)].sort_values("percentile_rank")

    def line(r: pd.Series) -> str:
        return _t("{label}: {value} against a peer median of {median} ({gap}; percentile {pr:.0f})",
                  label=m.label(r["indicator"]), value=H.number(r["value"]), median=H.number(r["cohort_median"]),
                  gap=H.signed_percent(r["gap_median_pct"], 0), pr=r["percentile_rank"])

    return [line(r) for _, r in ahead.head(4).iterrows()], [line(r) for _, r in behind.head(4).iterrows()]


def _other_findings(m: FieldModels, facts: dict[str, Any]) -> list[str]:
    out = []
    if "n_trend" in facts:
        imp, wor = facts["improving"], facts["worsening"]
        text = _t("Own trend: improving in {k} of {n} indicators", k=len(imp), n=facts["n_trend"])
        text += _t("; worsening in {names}.", names=listing(wor)) if wor else _t("; none worsening.")
        out.append(text)
    comp = facts.get("completion")
    if comp and comp["behind"]:
        what = _t("Targets missed") if comp["final"] else _t("Targets out of reach at the current pace")
        out.append(_t("{what}: {names}.", what=what, names=listing(comp["behind"])))
    cost = facts.get("cost")
    if cost is not None:
        for _, r in cost.iterrows():
            if isinstance(r.get("quadrant"), str):
                out.append(_t("{outcome}: {quadrant} ({cost}); each unit costs {index} % of the peers' median.",
                              outcome=m.label(r["outcome"]), cost=m.label(m.cost),
                              quadrant=_t(_QUADRANT_TEXT.get(r["quadrant"], r["quadrant"])),
                              index=H.number(r["relative_cost"], 0)))
    eff = facts.get("efficiency")
    if eff and eff.get("learn"):
        out.append(eff["learn"])
    leaders = facts.get("leader_gaps")
    if leaders is not None:
        behind = leaders[leaders["gap_median"] < 0]
        out.append(_t("Against the leading group ({who}): behind their median in {k} of {n} indicators.",
                      who=cohort_text(m.options.leaders), k=len(behind), n=leaders["gap_median"].notna().sum()))
    return out


def _profile(d: Draft, m: FieldModels, facts: dict[str, Any]) -> str:
    gaps = facts.get("gaps")
    if gaps is None:
        return ""
    drawn = gaps[gaps["percentile_rank"].notna()].drop(columns="label")
    if len(drawn) < 3:
        return ""
    return d.figure(profile_figure(drawn, m), alt="Profile against the peers", fig_id="fig-profile",
                    caption=_t("Percentile rank among the peers ({cohort}) per indicator, direction-aware "
                               "(outwards is better); the band marks the peers' quartiles.",
                               cohort=cohort_text(m.options.cohort)))
