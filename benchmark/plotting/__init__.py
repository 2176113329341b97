"""Figures from result tables, one module per question.

- :mod:`~benchmark.plotting.self_comparison` (against itself):
  :func:`plot_trajectory`, :func:`plot_completion`;
- :mod:`~benchmark.plotting.peers` (against peers): :func:`plot_profile`,
  :func:`plot_gaps`;
- :mod:`~benchmark.plotting.cost` (against cost): :func:`plot_cost_outcome`,
  :func:`plot_frontier`, :func:`plot_malmquist`;
- :mod:`~benchmark.plotting.field` (in the field):
  :func:`plot_rank_intervals`, :func:`plot_tiers`, :func:`plot_transitions`,
  :func:`plot_kernel_density`.

Every function has the same shape: the table (or result object) an analysis
function returns comes first - plus, for :func:`plot_trajectory`, the
indicator to draw - and everything else is keyword-only: ``focus=`` (the
institution highlighted), the figure's own options, column names whose
defaults match the analysis outputs, ``metadata=`` (display names: the
indicator table or a mapping), ``ax=``, ``lang=`` and ``**kwargs`` passed to
the matplotlib call that draws the main marks. The usual call is one line::

    gaps = benchmark.peer_gap(panel, "示范职业技术学院", indicators, cohort="tier", ci=0.95)
    benchmark.plot_gaps(gaps, metadata=meta)

Each function returns the :class:`~matplotlib.axes.Axes` it drew on. Nothing
here computes a statistic that an analysis function returns: plots only
place, sort, rescale and colour what they are given (:func:`plot_trajectory`
asks :func:`benchmark.cohort_stats` for the cohort band).

``lang="zh"`` or ``"en"`` sets the words a figure writes (titles, axis
labels, legends, notes); the default ``None`` is the same everywhere: Chinese
when the labels in ``metadata`` are Chinese, else English. Labels with
Chinese, Japanese or Korean characters are drawn with a CJK font (see
:func:`apply_cjk_font`; Noto Sans CJK SC comes with the library).

Colours follow the Okabe-Ito palette, which readers with the common forms of
colour-vision deficiency can tell apart, and the pairs that carry meaning
(ahead/behind, target status) also differ in lightness so that a greyscale
print keeps them apart. PDF and PostScript output embeds fonts as outline
(Type 42 / CID) fonts rather than Type 3.

A function that fails closes the figure it opened; a figure passed in with
``ax=`` is left alone.

matplotlib is imported inside the functions, so ``import benchmark`` does not
load it.
"""

from __future__ import annotations

from benchmark._fonts import CJKFontWarning, apply_cjk_font, find_cjk_font
from benchmark.plotting._common import (
    AHEAD_COLOR,
    BEHIND_COLOR,
    COHORT_COLOR,
    FOCUS_COLOR,
    MARKERS,
    OTHER_COLOR,
    PEER_COLOR,
    QUADRANT_COLORS,
    STATUS_COLORS,
)
from benchmark.plotting.cost import plot_cost_outcome, plot_frontier, plot_malmquist
from benchmark.plotting.field import (
    plot_kernel_density,
    plot_rank_intervals,
    plot_tiers,
    plot_transitions,
)
from benchmark.plotting.peers import plot_gaps, plot_profile
from benchmark.plotting.self_comparison import plot_completion, plot_trajectory

__all__ = [
    "AHEAD_COLOR",
    "BEHIND_COLOR",
    "COHORT_COLOR",
    "FOCUS_COLOR",
    "MARKERS",
    "OTHER_COLOR",
    "PEER_COLOR",
    "QUADRANT_COLORS",
    "STATUS_COLORS",
    "CJKFontWarning",
    "apply_cjk_font",
    "find_cjk_font",
    "plot_completion",
    "plot_cost_outcome",
    "plot_frontier",
    "plot_gaps",
    "plot_kernel_density",
    "plot_malmquist",
    "plot_profile",
    "plot_rank_intervals",
    "plot_tiers",
    "plot_trajectory",
    "plot_transitions",
]
