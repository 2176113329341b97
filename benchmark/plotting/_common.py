"""Helpers shared by the figure modules: palette, axes, language, labels, focus rows."""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from benchmark._fonts import apply_cjk_font
from benchmark._i18n import current, resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    check_columns,
    check_entity,
    check_frame,
    format_list,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: Colours shared by all figures: the Okabe-Ito palette (Okabe & Ito 2008,
#: "Color Universal Design"), safe for the common colour-vision deficiencies.
#: Pairs with a meaning also differ in grey level (Rec. 601 luma in brackets)
#: so that they survive greyscale printing.
FOCUS_COLOR = "#D55E00"  # vermillion (119)
PEER_COLOR = "#0072B2"  # blue (87)
OTHER_COLOR = "#d0d0d0"  # light grey (208)
COHORT_COLOR = "#8c8c8c"  # mid grey (140)
AHEAD_COLOR = "#0072B2"  # blue (87): dark
BEHIND_COLOR = "#E69F00"  # orange (162): light
STATUS_COLORS = {
    "completed": "#0072B2",  # blue (87)
    "attainable": "#E69F00",  # orange (162)
    "unattainable": "#D55E00",  # vermillion (119)
    "no_data": "#dddddd",  # pale grey (221)
}
QUADRANT_COLORS = {
    "more for less": "#0072B2",
    "more for more": "#56B4E9",
    "less for less": "#E69F00",
    "less for more": "#D55E00",
}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")

#: Words only the figures write, in Simplified Chinese (the library's shared
#: table, benchmark._i18n.ZH, holds the rest).
_ZH_WORDS = {
    "year": "年份",
    "period": "时期",
    "pooled": "各期合计",
    "{level:.0%} interval": "{level:.0%} 区间",
    "rank interval": "排名区间",
    "{focus}'s moves": "{focus}的变动",
    "{focus}: no change of tier recorded": "{focus}：无层级变动记录",
    "density": "核密度",
    "Kernel density of {value}": "{value} 的核密度分布",
    "cost": "成本",
    "outcome": "产出",
}


# ============================================================ shared helpers
def _label_hints(bound: Mapping[str, Any]) -> list[Any]:
    """Text that decides the default language: the indicator labels of ``metadata``."""
    metadata = bound.get("metadata")
    if isinstance(metadata, pd.DataFrame) and "label" in metadata.columns:
        return metadata["label"].astype(str).tolist()
    if isinstance(metadata, Mapping):
        return list(metadata.values())
    return []


def _figure_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve ``lang=`` and write in it; close the figure the function opened if it raises.

    ``lang=None`` is the library default everywhere: Chinese when the labels
    in ``metadata`` are Chinese, else English (:func:`benchmark._i18n.resolve_lang`).
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib.pyplot as plt

        bound = signature.bind(*args, **kwargs).arguments
        lang = resolve_lang(bound.get("lang"), _label_hints(bound))
        before = set(plt.get_fignums())
        try:
            with _using(lang):
                return func(*args, **kwargs)
        except BaseException as exc:
            for num in set(plt.get_fignums()) - before:
                plt.close(num)
            _unknown_keyword(func.__name__, signature, bound.get("kwargs") or {}, exc)
            raise

    return wrapper


def _unknown_keyword(name: str, signature: inspect.Signature, forwarded: dict[str, Any],
                     exc: BaseException) -> None:
    """Raise a BenchmarkError when matplotlib refused a keyword the plot passed on to it."""
    found = re.search(r"unexpected keyword argument '(\w+)'", str(exc))
    if not isinstance(exc, (AttributeError, TypeError)) or found is None or found.group(1) not in forwarded:
        return
    key = found.group(1)
    own = [p for p, v in signature.parameters.items() if v.kind is not inspect.Parameter.VAR_KEYWORD]
    close = difflib.get_close_matches(key, own, n=1, cutoff=0.75)
    raise BenchmarkError(
        f"{name}() has no argument {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
        + f", and matplotlib does not take it either ({exc}). Its own arguments are {', '.join(own)}; "
        "other keywords are passed to matplotlib."
    ) from exc


def _check_ax(ax: Any, *, projection: str | None = None, hint: str = "") -> None:
    """``ax`` is None or a matplotlib Axes (of ``projection`` when one is needed)."""
    from matplotlib.axes import Axes

    if ax is None:
        return
    if not isinstance(ax, Axes):
        raise BenchmarkError(f"`ax` must be a matplotlib Axes (or None for a new figure); got {type(ax).__name__}.")
    if projection is not None and getattr(ax, "name", "") != projection:
        raise BenchmarkError(f"{hint} needs {projection} axes: pass ax=fig.add_subplot(projection={projection!r}).")


def _axes(ax: Any, figsize: tuple[float, float], *, polar: bool = False) -> Axes:
    """The given axes, or a new figure's single axes."""
    import matplotlib.pyplot as plt

    _check_ax(ax, projection="polar" if polar else None, hint="kind='radar'")
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=figsize, layout="constrained",
                          subplot_kw={"projection": "polar"} if polar else None)
    return new


def _word(message: str, /, **values: Any) -> str:
    """``message`` in the current language, from the figures' own words or the shared table."""
    if current() == "zh" and message in _ZH_WORDS:
        template = _ZH_WORDS[message]
        return template.format(**values) if values else template
    return _t(message, **values)


def _width_for(labels: Iterable[Any], base: float = 7.5) -> float:
    """A figure width that leaves the plot its room beside long tick labels (CJK characters count double)."""
    from benchmark._fonts import has_cjk

    widest = max((sum(2 if has_cjk([ch]) else 1 for ch in str(label)) for label in labels), default=0)
    return float(min(max(base, 4.8 + 0.085 * widest), 13.0))


def _style(defaults: Mapping[str, Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of the main artist: the figure's defaults overridden by the caller's."""
    return {**defaults, **kwargs}


def _table(obj: Any, attributes: Sequence[str], *, name: str = "data") -> pd.DataFrame:
    """``obj`` itself when it is a DataFrame, else its first table among ``attributes``."""
    if isinstance(obj, pd.DataFrame):
        return check_frame(obj, name=name)
    for attr in attributes:
        value = getattr(obj, attr, None)
        if callable(value) and not isinstance(value, pd.DataFrame):
            value = value()
        if isinstance(value, pd.DataFrame):
            return check_frame(value, name=f"{name}.{attr}")
    wanted = " or ".join(f"`.{a}`" for a in attributes)
    raise BenchmarkError(
        f"`{name}` must be a DataFrame or a result with a {wanted} table; got {type(obj).__name__}."
    )


def _require(frame: pd.DataFrame, columns: Iterable[Hashable], *, name: str = "data", hint: str = "") -> None:
    """Like check_columns, with a pointer to the keyword that names the column."""
    try:
        check_columns(frame, list(columns), name=name)
    except ColumnError as exc:
        raise ColumnError(f"{exc}{' ' + hint if hint else ''}") from None


def _label_map(metadata: Mapping[Any, str] | pd.DataFrame | None) -> dict[Any, str]:
    """Display labels of indicators from a mapping or the indicator-metadata table.

    From the table, English figures take ``label_en`` where the table has it.
    """
    if metadata is None:
        return {}
    if isinstance(metadata, pd.DataFrame):
        check_columns(metadata, ["indicator", "label"], name="metadata")
        column = "label_en" if current() == "en" and "label_en" in metadata.columns else "label"
        labels = metadata[column].where(metadata[column].notna(), metadata["label"])
        return dict(zip(metadata["indicator"], labels.astype(str), strict=True))
    if isinstance(metadata, Mapping):
        return {k: str(v) for k, v in metadata.items()}
    raise BenchmarkError(
        "`metadata` must be the indicator table (columns 'indicator' and 'label') or a mapping "
        f"{{indicator: label}}; got {type(metadata).__name__}."
    )


def _display(values: Iterable[Any], labels: Mapping[Any, str]) -> list[str]:
    return [labels.get(v, str(v)) for v in values]


def _one_period(frame: pd.DataFrame, period: str | None, at: Any, *, name: str = "data") -> tuple[pd.DataFrame, Any]:
    """The rows of period ``at`` (default: the latest) when the table has several periods."""
    if period is None or period not in frame.columns:
        if at is not None:
            raise ColumnError(f"`at={at!r}` was given but `{name}` has no period column {period!r}.")
        return frame, None
    present = pd.unique(frame[period].dropna())
    if at is None:
        if len(present) == 0:
            return frame, None
        at = max(present)
    elif at not in set(present.tolist()):
        raise BenchmarkError(
            f"{period} {at!r} does not occur in `{name}`; it covers {format_list(sorted(present.tolist()), 10)}."
        )
    return frame[frame[period] == at], at


def _focus_rows(frame: pd.DataFrame, entity: str, focus: Any, *, name: str = "data") -> pd.DataFrame:
    """The rows of ``focus``; an error naming it when it is not in the entity column."""
    _require(frame, [entity], name=name, hint="Name the entity column with entity=.")
    rows = frame[frame[entity] == focus]
    if rows.empty:
        check_entity(frame, focus, entity=entity, name=name)
    return rows


def _entities(peers: Any, entity: str) -> list[Any]:
    """A list of entity names from a list-like or a nearest-peers table."""
    if peers is None:
        return []
    if isinstance(peers, pd.DataFrame):
        check_columns(peers, [entity], name="peers", what="entity column")
        return list(pd.unique(peers[entity]))
    if isinstance(peers, str) or not isinstance(peers, Iterable):
        return [peers]
    return list(peers)


def _note(ax: Axes, text: str) -> None:
    """A small grey note in the lower right corner (e.g. rows that could not be drawn)."""
    ax.annotate(text, xy=(1, 0), xycoords="axes fraction", xytext=(-4, 4), textcoords="offset points",
                ha="right", va="bottom", fontsize="x-small", color=COHORT_COLOR)


def _finish(ax_or_fig: Any, strings: Iterable[Any] = ()) -> None:
    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    apply_cjk_font(fig, strings)


def _numeric(frame: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

