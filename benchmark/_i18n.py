"""Words the library writes in figures, tables and the report, in Chinese and English.

One table, :data:`ZH`, maps each English message (a :meth:`str.format`
template) to its Simplified Chinese version. Code writes English through
:func:`t`, which returns the Chinese version while a Chinese figure or report is
being drawn (:func:`using`). A message missing from the table stays English,
so an untranslated phrase is visible rather than an error.

The language of a figure or report is ``lang="zh"`` or ``"en"``; ``None``
means Chinese when the indicator labels or the institution name are Chinese
(:func:`resolve_lang`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from typing import Any

from benchmark._fonts import has_cjk
from benchmark._validation import check_choice

__all__ = ["LANGS", "ZH", "t", "using", "resolve_lang", "current"]

LANGS = ("zh", "en")

#: English message -> Chinese message. Placeholders keep their names.
ZH: dict[str, str] = {
    # ---- figures: shared legend entries
    "cohort median": "同类中位数",
    "cohort best": "同类最优",
    "cohort inter-quartile range": "同类四分位区间",
    "cohort inter-quartile range ({cohort})": "同类四分位区间（{cohort}）",
    "focus": "分析对象",
    "outside the cohort": "同类之外",
    "no label": "无标签",
    "not available": "无数据",
    "no data": "无数据",
    # ---- target status and cost quadrants (values of result columns)
    "completed": "已完成",
    "attainable": "可完成",
    "unattainable": "难以完成",
    "no_data": "无数据",
    "more for less": "投入少产出多",
    "more for more": "投入多产出多",
    "less for less": "投入少产出少",
    "less for more": "投入多产出少",
    "improving": "向好",
    "worsening": "变差",
    "no clear trend": "无明显趋势",
    # ---- plot_transitions
    "tier in the next period": "下一期层级",
    "tier in the period": "本期层级",
    "Tier transitions": "层级变动",
    "share of the row": "行内占比",
    # ---- plot_tiers
    "first principal component ({share:.0%} of variance)": "第一主成分（解释方差 {share:.0%}）",
    "second principal component ({share:.0%} of variance)": "第二主成分（解释方差 {share:.0%}）",
    "rank by tier score (1 = best)": "按层级得分排名（1 = 最好）",
    "tier score": "层级得分",
    "Derived tiers": "数据分层",
    "Derived tiers vs official tiers": "数据分层与官方层级",
    "derived tier": "数据分层",
    "official tier": "官方层级",
    # ---- plot_cost_outcome
    "{n} {entity} row(s) without cost or outcome not shown": "{n} 个{entity}缺成本或产出，未画出",
    "{cost} (lower is better)": "{cost}（越低越好）",
    "Cost and outcome": "成本与产出",
    # ---- plot_completion
    "Target completion: {who}": "目标完成情况：{who}",
    "Target completion of {n} entities": "{n} 个单位的目标完成情况",
    "completion of the target (%)": "目标完成度（%）",
    "number of tasks": "任务数",
    "number of entities": "单位数",
    # ---- plot_trajectory
    "baseline": "基期",
    "planned path": "计划路径",
    "final target {period}": "终期目标 {period}",
    "interim target {period}": "中期目标 {period}",
    "projection ({status})": "趋势外推（{status}）",
    # ---- plot_gaps
    "gap to the cohort {reference}": "与同类{reference}的差距",
    "median": "中位数",
    "best": "最优",
    " (% of the reference)": "（占参照值的 %）",
    "; > 0 = ahead": "；> 0 表示领先",
    "Gaps to peers": "与同类的差距",
    # ---- plot_profile
    "Profile against the cohort": "与同类对比概况",
    "percentile rank among peers (100 = best)": "同类中的百分位（100 = 最好）",
    "index to the cohort median (100 = median; higher = better)": "相对同类中位数的指数（100 = 中位数；越高越好）",
    # ---- plot_rank_intervals
    "interval ({lower}\u2013{upper})": "区间（{lower}\u2013{upper}）",
    "nominal rank": "名义排名",
    "median rank": "排名中位数",
    "rank (1 = best)": "排名（1 = 最好）",
    "{n} lower-ranked entities not shown (top={top})": "另有 {n} 个排名靠后的单位未显示（top={top}）",
    "Composite rank with its uncertainty interval": "综合排名及其不确定性区间",
    # ---- plot_frontier
    "inefficient units": "非有效单位",
    "efficient units": "有效单位",
    "frontier ({rts})": "前沿面（{rts}）",
    "projection (target)": "投影点（目标）",
    "{a} per {b}": "每单位{b}的{a}",
    "DEA frontier, {rts}, {orientation} orientation": "DEA 前沿面，{rts}，{orientation}导向",
    "input": "投入",
    "output": "产出",
    "efficiency": "效率",
}

_current: contextvars.ContextVar[str] = contextvars.ContextVar("benchmark_lang", default="en")


def current() -> str:
    """The language being written now (``"en"`` outside :func:`using`)."""
    return _current.get()


def t(message: str, /, **values: Any) -> str:
    """``message`` in the current language, formatted with ``values``.

    >>> with using("zh"):
    ...     t("Gaps to peers")
    '与同类的差距'
    >>> t("{n} lower-ranked entities not shown (top={top})", n=3, top=10)
    '3 lower-ranked entities not shown (top=10)'
    """
    template = ZH.get(message, message) if _current.get() == "zh" else message
    return template.format(**values) if values else template


@contextlib.contextmanager
def using(lang: str) -> Iterator[str]:
    """Write in ``lang`` inside the ``with`` block."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def resolve_lang(lang: str | None, hints: Iterable[Any] = ()) -> str:
    """``lang`` checked, or for ``None`` Chinese when any of ``hints`` (labels, names) is Chinese.

    >>> resolve_lang(None, ["学生就业率"]), resolve_lang(None, ["placement rate"]), resolve_lang("en", ["学校"])
    ('zh', 'en', 'en')
    """
    if lang is None:
        return "zh" if has_cjk(hints) else "en"
    return check_choice(lang, LANGS, name="lang")
