"""The notes section: what was left out and why, data set aside, and the methods with their settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import t as _t
from benchmark.reporting._models import FieldModels
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._section import Draft, Section, bullets, muted

#: The methods paragraph, one sentence per analysis; placeholders are the report's options.
METHODS = (
    ("Directions: every gap, rank and verdict is direction-aware (for a 'lower is better' indicator a lower value "
     "counts as ahead)."),
    ("Peer gaps: the institution is left out of its own cohort; intervals are percentile-bootstrap intervals of "
     "the gap to the peers' median ({n_boot} resamples, {ci:.0%}); a gap is significant when its interval "
     "excludes zero."),
    "Trends: OLS slope per indicator with a t interval; CAGR = (latest / baseline)^(1 / years) - 1.",
    ("Target completion: completion ratio = actual / target (target / actual when lower is better); the final "
     "value is projected at the pace achieved since the baseline."),
    "Cost: cost per outcome = cost / outcome; index = 100 x own value / peers' median (institution left out).",
    ("DEA: envelopment model, {rts} returns to scale, {orientation} orientation (Charnes, Cooper and Rhodes 1978; "
     "Banker, Charnes and Cooper 1984)."),
    ("Composite: min-max normalisation and weighted arithmetic mean; rank interval from {n_draws} Monte Carlo "
     "draws of weights (Dirichlet), normalisation and aggregation, with Sobol indices (Saltelli et al. 2010)."),
    ("Tiers: k-means on standardised, direction-aware indicators, ordered by mean score; stability from "
     "{n_tier_boot} bootstrap resamples (Hennig 2007)."),
)

#: Sections whose left-out parts and notes are listed, in page order.
_LISTED = ("self", "peers", "cost", "field")


def build(options: ReportOptions, data: pd.DataFrame, models: FieldModels, focus: Any,
          sections: Mapping[str, Section], notes: Sequence[str] = ()) -> Section:
    """The notes of a report: the other ``sections``' left-out parts and notes after the report's own ``notes``."""
    d = Draft("notes")
    omitted = [text for name in _LISTED if name in sections for text in sections[name].omitted]
    kept = [*notes, *(text for name in _LISTED if name in sections for text in sections[name].notes)]
    values = {"ci": options.ci, "n_boot": options.n_boot, "n_draws": options.n_draws,
              "n_tier_boot": options.n_tier_boot, "rts": options.rts.upper(), "orientation": _t(options.orientation)}
    methods = [_t(text, **values) for text in METHODS]
    html = (f"<h3>{H.esc(_t('Left out'))}</h3>"
            + (bullets(omitted, "") if omitted else muted(_t("Nothing was left out.")))
            + f"<h3>{H.esc(_t('Data set aside and warnings'))}</h3>"
            + (bullets(kept, "") if kept else muted(_t("No data were set aside.")))
            + f"<h3>{H.esc(_t('Methods'))}</h3>" + bullets(methods, "")
            + muted(_t("Random seeds are fixed, so the same data give the same report.")))
    d.omitted.extend(omitted)
    d.notes.extend(kept)
    return d.done([html], written=True)
