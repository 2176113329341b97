"""The Malmquist components over time: the figure of a productivity paper.

Draws what :class:`benchmark.frontier.MalmquistResult` already holds (its
geometric means per pair of periods, or one unit's indices); nothing is
recomputed here. matplotlib is imported inside the function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmark._validation import (
    BenchmarkError,
    check_choice,
    check_entity,
    format_list,
)

__all__ = ["plot_malmquist"]

_LABELS = {
    "en": {"malmquist": "TFP change (tfpch)", "efficiency_change": "efficiency change (effch)",
           "technical_change": "technical change (techch)",
           "pure_efficiency_change": "pure efficiency change (pech)",
           "scale_efficiency_change": "scale efficiency change (sech)",
           "title": "Malmquist index and its components", "ylabel": "index (> 1: improvement)",
           "xlabel": "period", "mean": "geometric mean over {n} units", "unit": "{focus}"},
    "zh": {"malmquist": "全要素生产率变化 (tfpch)", "efficiency_change": "技术效率变化 (effch)",
           "technical_change": "技术进步 (techch)", "pure_efficiency_change": "纯技术效率变化 (pech)",
           "scale_efficiency_change": "规模效率变化 (sech)", "title": "Malmquist 指数及其分解",
           "ylabel": "指数 (> 1 表示改善)", "xlabel": "时期", "mean": "{n} 个单位的几何平均",
           "unit": "{focus}"},
}
# Okabe-Ito colours (as in benchmark.plotting) with distinct line styles and markers, so the five
# series stay apart for colour-blind readers and in greyscale print.
_STYLE = {"malmquist": ("black", "-", 2.2), "efficiency_change": ("#0072B2", "--", 1.4),
          "technical_change": ("#D55E00", "-.", 1.4), "pure_efficiency_change": ("#009E73", ":", 1.4),
          "scale_efficiency_change": ("#CC79A7", (0, (5, 1, 1, 1, 1, 1)), 1.4)}
_MARKERS = {"malmquist": "o", "efficiency_change": "s", "technical_change": "^",
            "pure_efficiency_change": "D", "scale_efficiency_change": "v"}


def plot_malmquist(
    result: Any,
    *,
    focus: Any = None,
    components: list[str] | None = None,
    lang: str = "en",
    ax: Any = None,
) -> Any:
    """The Malmquist index and its components for each pair of consecutive periods.

    Without ``focus`` the lines are the geometric means over units
    (``result.period_means()``, DEAP's annual means; the number of units
    behind each mean is printed under its period label); with ``focus`` they
    are that unit's own indices. A horizontal line marks 1 (no change).

    Parameters
    ----------
    result : MalmquistResult
        The result of :func:`benchmark.malmquist`.
    focus : entity, optional
        Plot this unit instead of the means.
    components : list of str, optional
        Columns to draw (default: every component the result has:
        ``malmquist``, ``efficiency_change``, ``technical_change`` and, for
        ``rts="vrs"``, ``pure_efficiency_change`` and
        ``scale_efficiency_change``).
    lang : {"en", "zh"}
        Language of the labels.
    ax : matplotlib Axes, optional
        Draw here instead of a new figure.

    Returns
    -------
    matplotlib.axes.Axes

    See Also
    --------
    malmquist : the index and its DEAP decomposition.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from benchmark import malmquist, plot_malmquist
    >>> df = pd.DataFrame({"institution": list("ABCABCABC"), "year": [1] * 3 + [2] * 3 + [3] * 3,
    ...                    "x": [1.0, 2, 4] * 3, "y": [1.0, 1, 2, 2, 1, 2, 2, 2, 3]})
    >>> ax = plot_malmquist(malmquist(df, "x", "y"))
    >>> [t.get_text() for t in ax.get_legend().get_texts()][0]
    'TFP change (tfpch)'
    """
    check_choice(lang, ("en", "zh"), name="lang")
    index = getattr(result, "index", None)
    if not isinstance(index, pd.DataFrame) or not hasattr(result, "period_means"):
        raise BenchmarkError(f"`result` must be the result of benchmark.malmquist(); got {type(result).__name__}.")
    have = result._components()
    components = have if components is None else list(components)
    unknown = [c for c in components if c not in have]
    if unknown:
        raise BenchmarkError(f"`components` {format_list(unknown)} are not in the result; choose among "
                             f"{format_list(have)} (pech/sech need rts='vrs').")
    text = _LABELS[lang]
    if focus is None:
        table = result.period_means()
        counts = table["units"].to_numpy()
        ticks = [f"{a}-{b}\n({text['mean'].format(n=n)})" for a, b, n in
                 zip(table["period_from"], table["period_to"], counts)]
        who = None
    else:
        check_entity(index, focus, entity=result.entity, name="result.index")
        table = index[index[result.entity] == focus]
        ticks = [f"{a}-{b}" for a, b in zip(table["period_from"], table["period_to"])]
        who = str(focus)
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    from benchmark._fonts import apply_cjk_font

    if ax is not None and not isinstance(ax, Axes):
        raise BenchmarkError(f"`ax` must be a matplotlib Axes (or None for a new figure); got {type(ax).__name__}.")
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=(max(5.0, 1.3 * len(ticks) + 3), 4.5), layout="constrained")
    try:
        pos = np.arange(len(ticks))
        for c in components:
            colour, style, width = _STYLE[c]
            ax.plot(pos, table[c].to_numpy(dtype=float), marker=_MARKERS[c], color=colour, linestyle=style,
                    linewidth=width, label=text[c])
        ax.axhline(1.0, color="grey", linewidth=0.8)
        ax.set_xticks(pos, ticks, fontsize="small")
        ax.set_xlabel(text["xlabel"])
        ax.set_ylabel(text["ylabel"])
        ax.set_title(text["title"] + (f": {who}" if who else ""))
        ax.legend(fontsize="small", loc="best")
        apply_cjk_font(ax.figure, [*ticks, *(text[c] for c in components), text["title"], who or ""])
    except Exception:
        if own:
            plt.close(ax.figure)
        raise
    return ax
