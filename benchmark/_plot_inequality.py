"""Figure of kernel density dynamics (the ridge / 3-D density plot of evaluation papers).

Draws the tables of a :class:`benchmark.inequality.DensityResult`; nothing is
re-estimated here. matplotlib is imported inside the function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmark._validation import (
    BenchmarkError,
    check_choice,
    interval,
    options,
    validate_params,
)

__all__ = ["plot_kernel_density"]

PLOT_KINDS = ("ridge", "lines", "3d")

_TEXT = {
    "en": {"density": "density", "period": "period", "title": "Kernel density of {value}"},
    "zh": {"density": "核密度", "period": "时期", "title": "{value} 的核密度分布"},
}


@validate_params(kind=options(*PLOT_KINDS), lang=options(*_TEXT), overlap=interval(0, 1, closed="left"))
def plot_kernel_density(
    result: Any,
    *,
    kind: str = "ridge",
    ax: Any = None,
    lang: str = "zh",
    label: str | None = None,
    overlap: float = 0.6,
) -> Any:
    """Plot kernel densities over periods: ridge lines, overlaid lines or a 3-D surface.

    Parameters
    ----------
    result : DensityResult
        The output of :func:`benchmark.kernel_density`.
    kind : {"ridge", "lines", "3d"}, default "ridge"
        One shifted curve per period (ridge), all curves on one axis
        (lines), or the density surface over value and period (3d, the
        figure of Chinese evaluation papers).
    ax : matplotlib Axes, optional
        Axes to draw on (a 3-D axes for ``kind="3d"``); default a new figure.
    lang : {"zh", "en"}, default "zh"
        Language of the axis labels and title.
    label : str, optional
        Name of the value in the title (default: the column name).
    overlap : float, default 0.6
        Ridge plot: how far the curves overlap, in [0, 1) (0 = not at all).

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.

    See Also
    --------
    kernel_density : the estimates drawn here.

    Examples
    --------
    >>> import pandas as pd, matplotlib
    >>> matplotlib.use("Agg")
    >>> from benchmark import kernel_density, plot_kernel_density
    >>> df = pd.DataFrame({"year": [2020] * 4 + [2021] * 4,
    ...                    "score": [1.0, 2.0, 3.0, 4.0, 2.0, 3.0, 4.0, 6.0]})
    >>> ax = plot_kernel_density(kernel_density(df, "score", n_grid=30), lang="en")
    >>> ax.get_xlabel()
    'score'
    """
    import matplotlib.pyplot as plt

    from benchmark._fonts import apply_cjk_font

    check_choice(kind, PLOT_KINDS, name="kind")
    check_choice(lang, tuple(_TEXT), name="lang")
    density = getattr(result, "density", None)
    if density is None or not hasattr(result, "stats"):
        raise BenchmarkError("plot_kernel_density draws the result of kernel_density(); got "
                             f"{type(result).__name__}.")
    text = _TEXT[lang]
    period = result.period
    name = label or result.value
    before = set(plt.get_fignums())
    try:
        periods = list(result.stats[period]) if period is not None else [None]
        curves = [(p, density[density[period] == p] if period is not None else density) for p in periods]
        if kind == "3d":
            if ax is None:
                fig = plt.figure(figsize=(7, 5), layout="constrained")
                ax = fig.add_subplot(projection="3d")
            elif getattr(ax, "name", "") != "3d":
                raise BenchmarkError("kind='3d' needs a 3-D axes: ax=fig.add_subplot(projection='3d').")
            x = curves[0][1]["x"].to_numpy()
            pos = np.arange(len(periods), dtype=float)
            grid_x, grid_p = np.meshgrid(x, pos)
            z = np.vstack([c["density"].to_numpy() for _, c in curves])
            ax.plot_surface(grid_x, grid_p, z, cmap="viridis", linewidth=0, antialiased=True, alpha=0.9)
            ax.set_yticks(pos, [str(p) for p in periods])
            ax.set_xlabel(name)
            ax.set_ylabel(text["period"])
            ax.set_zlabel(text["density"], labelpad=14)
            ax.ticklabel_format(axis="z", style="sci", scilimits=(-2, 3))
        else:
            if ax is None:
                _, ax = plt.subplots(figsize=(7, 1.0 + 0.8 * len(periods)) if kind == "ridge" else (7, 4),
                                     layout="constrained")
            colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(periods)))
            top = max(float(c["density"].max()) for _, c in curves)
            step = top * (1.0 - overlap) if kind == "ridge" else 0.0
            for i, ((p, c), colour) in enumerate(zip(curves, colours)):
                base = step * (len(periods) - 1 - i)
                x, y = c["x"].to_numpy(), c["density"].to_numpy() + base
                if kind == "ridge":
                    ax.fill_between(x, base, y, color=colour, alpha=0.6, zorder=i)
                ax.plot(x, y, color=colour, lw=1.3, zorder=i, label=str(p) if p is not None else None)
            ax.set_xlabel(name)
            if kind == "ridge" and period is not None:
                ax.set_yticks([step * (len(periods) - 1 - i) for i in range(len(periods))],
                              [str(p) for p in periods])
                ax.set_ylabel(text["period"])
            else:
                ax.set_ylabel(text["density"])
                if period is not None:
                    ax.legend(frameon=False, fontsize="small")
        ax.set_title(text["title"].format(value=name))
        apply_cjk_font(ax.figure, [name])
        return ax
    except BaseException:
        for num in set(plt.get_fignums()) - before:
            plt.close(num)
        raise
