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

__all__ = ["LANGS", "ZH", "current", "resolve_lang", "t", "using"]

LANGS = ("zh", "en")

#: English message -> Chinese message. Placeholders keep their names.
ZH: dict[str, str] = {
    # ---- who the peers are (benchmark._cohorts.describe_cohort)
    "same {column}": "同{column}",
    # attribute columns that commonly define cohorts (other column names are shown as they are)
    "tier": "层级",
    "unit_type": "单位类型",
    "province": "省份",
    "region": "区域",
    "sector": "类别",
    "degree_level": "学历层次",
    "state": "州",
    "year": "年份",
    "all entities": "全部单位",
    "nearest peers": "最近邻同类",
    "listed peers": "指定同类",
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
    "final target": "终期目标",
    "interim target": "中期目标",
    "projection": "趋势外推",
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
    # ==== paper tables (benchmark.export)
    "Peers' Q1": "同类下四分位数", "Peers' Q3": "同类上四分位数", "Peers' best": "同类最优值", "Peers": "同类数",
    "Gap to best": "与最优的差距", "Gap to best %": "与最优的差距 %", "Gap, lower bound": "差距下限",
    "Gap, upper bound": "差距上限", "Robust z": "稳健 z 值", "Efficiency": "效率", "Efficient": "是否有效",
    "Super-efficiency": "超效率", "Farrell output": "Farrell 产出效率", "Rank": "排名", "Median rank": "排名中位数",
    "Rank, 5 %": "排名 5 % 分位", "Rank, 95 %": "排名 95 % 分位", "Score": "得分", "Probability": "概率",
    "Target": "目标值", "Coefficient": "系数", "Estimate": "估计值", "Standard error": "标准误", "p": "p 值",
    "Lower bound": "下限", "Upper bound": "上限", "Bias-corrected": "偏差校正值", "n": "样本数",
    "Slack sum": "松弛量合计", "Institution": "单位", "Pareto efficient": "帕累托有效",
    "*** p < 0.01, ** p < 0.05, * p < 0.1": "*** p < 0.01，** p < 0.05，* p < 0.1",
    "* the interval excludes zero": "* 区间不含零",
    "Source: computed with benchmark {version}.": "资料来源：benchmark {version} 计算",
    ". ": "。",
    # ==== the report
    "Summary": "摘要",
    "1. Against itself": "一、与自身比",
    "2. Against peers": "二、与同类比",
    "3. Against cost": "三、与成本比",
    "4. In the field": "四、在全体中的位置",
    "Notes and methods": "说明与方法",
    "Gap analysis: {focus}": "差距分析：{focus}",
    "Written by benchmark {version} on {date}. Every figure and table comes from the library's public "
    "functions; see the notes for the methods and settings.":
        "由 benchmark {version} 于 {date} 生成。所有图表均来自本库的公开函数；方法与参数见“说明与方法”。",
    " sharing its {columns}": "（同{columns}）",
    "Evaluation {where}; ": "评价期 {where}；",
    "year {at}": "{at} 年",
    "compared with the {n} other entities{within}; peers: {cohort} ({size}).":
        "与其他 {n} 个单位{within}比较；同类组：{cohort}（{size} 个）。",
    "the cross-section": "截面数据",
    "{what} left out.": "{what}：未生成。",
    "Self-comparison": "自身纵向比较",
    "Change and trend": "变化与趋势",
    "Peer gaps": "同类差距",
    "Comparison with the leaders": "与领先组比较",
    "Composite index and tiers": "综合指数与分层",
    "Tier history": "层级变化",
    "it needs a panel: pass data with one row per entity and period and name the period column with period=.":
        "需要面板数据：每个单位每期一行，并用 period= 指定期间列。",
    "{focus!r} is observed in a single {period}; it needs two or more.": "{focus!r} 只有一个{period}的数据，至少需要两期。",
    "pass targets= (one row per entity and indicator with baseline and target_<period> columns) to judge "
    "completion.": "请传入 targets=（每个单位、每个指标一行，含基期值与 target_<期间> 列）以评价目标完成情况。",
    "pass leaders= (a leading group, such as the entities of the top tier) to compare with it as well.":
        "如需与领先组比较，请传入 leaders=（如最高层级的单位）。",
    "pass cost= (a spending column) and outcomes= (or outputs=) to compare cost per outcome.":
        "请传入 cost=（支出列）与 outcomes=（或 outputs=）以比较单位产出成本。",
    "pass inputs= and outputs= (columns) to measure efficiency against the frontier.":
        "请传入 inputs= 与 outputs=（列名）以测算前沿效率。",
    # -- descriptions of the bundled data sets written by the report command
    "Synthetic data: the bundled Double High-Level Plan panel (shuanggao). Every institution and number in it "
    "is invented; do not draw conclusions about real institutions.":
        "合成数据：随库附带的“双高计划”面板（shuanggao）。其中所有单位和数字均为虚构，请勿据此对真实院校下结论。",
    "U.S. College Scorecard (real data). Peers: institutions of the same predominant degree level in the same "
    "state.": "美国大学记分卡（College Scorecard，真实数据）。同类：同一州、主要学位层次相同的院校。",
    # -- 1. against itself
    "How far {focus} has come since its first observed period, how fast (linear trend with a {ci:.0%} "
    "interval), and whether it meets its targets.":
        "{focus} 自首个观测期以来进步了多少、速度如何（线性趋势及其 {ci:.0%} 区间），以及能否完成目标。",
    "Change since the baseline and trend": "相对基期的变化与趋势",
    "Indicator": "指标",
    "Base {period}": "基期（{period}）",
    "Baseline": "基期值",
    "Latest {period}": "最新期（{period}）",
    "Latest": "最新值",
    "Change": "变化",
    "Per year (CAGR)": "年均增长（CAGR）",
    "Trend slope": "趋势斜率",
    "Trend": "趋势",
    "flat": "平稳",
    "Below own best": "低于自身最好水平",
    "Trend: improving / worsening when the whole interval of the OLS slope lies on the better / worse side of "
    "zero (direction-aware), otherwise flat. \"Below own best\": distance from the best value the institution "
    "has reached.": "趋势：OLS 斜率的整个区间位于零的较好（较差）一侧时为向好（变差），否则为平稳（已考虑指标方向）。"
                    "“低于自身最好水平”：与该单位历史最好值的距离。",
    "Target completion": "目标完成情况",
    "Target {at}": "{at} 目标",
    "Actual {at}": "{at} 实际",
    "Completion": "完成度",
    "Final target": "终期目标",
    "Projected": "预计终期值",
    "Pace needed / achieved": "所需进度 / 实际进度",
    "Status": "状态",
    " Peers' median share of targets completed: {rate}.": "同类单位目标完成率中位数：{rate}。",
    "{n} missed at the final evaluation.": "终期评价有 {n} 项未完成。",
    "{a} attainable and {u} out of reach by the final target if the pace achieved since the baseline "
    "continues.": "若保持基期以来的进度，{a} 项可按期完成，{u} 项难以完成。",
    "{done} of {n} targets completed in {where} ({rate}); ": "{where}已完成 {n} 项目标中的 {done} 项（{rate}）；",
    "{what}: {names}.": "{what}：{names}。",
    "Completion ratio by indicator": "各指标完成度",
    "Completion ratio (actual / target) by indicator, coloured by status; the line marks 100 %.":
        "各指标完成度（实际值 / 目标值），颜色表示状态；竖线为 100 %。",
    "Trajectories": "发展轨迹",
    "Trajectories of {names}": "{names}的发展轨迹",
    "{names}: the institution over time with its targets and projection, against its peers' median and "
    "inter-quartile band.": "{names}：该单位历年数值、目标与趋势外推，对照同类中位数与四分位区间。",
    # -- 2. against peers
    "Where {focus} stands among its peers ({cohort}, {n} entities) in {where}. A positive gap means ahead of "
    "the peers' median whatever the indicator's direction; the {ci:.0%} bootstrap interval says whether the "
    "gap is more than the spread of the peers.":
        "{focus} 在同类单位（{cohort}，{n} 个）中的位置（{where}）。差距为正表示领先于同类中位数（已考虑指标方向）；"
        "{ci:.0%} bootstrap 区间说明差距是否超出同类内部的波动。",
    "Gaps to the peers' median": "与同类中位数的差距",
    "Gaps to the leading group ({who})": "与领先组（{who}）的差距",
    "Better": "方向",
    "higher": "越高越好",
    "lower": "越低越好",
    "Value": "数值",
    "Peers' median": "同类中位数",
    "Peers' Q1 - Q3": "同类四分位区间",
    "Gap": "差距",
    "Gap %": "差距 %",
    "{ci:.0%} interval": "{ci:.0%} 区间",
    "Significant": "显著",
    "yes": "是",
    "no": "否",
    "Percentile": "百分位",
    "Best peer": "同类最优",
    "{names} and {more} more ({n} tied)": "{names} 等 {n} 个并列",
    "Not compared: ": "未比较：",
    "Gaps to the median of {who}": "与{who}中位数的差距",
    "Gap to the median of {who} in percent of that median (blue: ahead, orange: behind); whiskers: {ci:.0%} "
    "bootstrap interval, pale bars: not significant.":
        "与{who}中位数的差距，以中位数的百分比表示（蓝色：领先，橙色：落后）；须线为 {ci:.0%} bootstrap 区间，浅色条不显著。",
    "{focus} belongs to the leading group ({who}): its peers are the leaders, compared above.":
        "{focus} 属于领先组（{who}）：其同类即领先组，见上文比较。",
    # -- 3. against cost
    "What each outcome costs {focus} compared with its peers, and how far it is from the efficiency frontier "
    "of all compared entities.": "{focus} 每单位产出的成本与同类相比如何，以及距离全体单位效率前沿有多远。",
    "Cost per outcome": "单位产出成本",
    "Outcome": "产出",
    "Cost per unit": "单位成本",
    "Index (peers = 100)": "指数（同类 = 100）",
    "Cost-outcome quadrant": "成本—产出象限",
    "Note": "备注",
    "Index below 100: the outcome costs less than at the median peer. The quadrant compares total cost and "
    "outcome with the peers' medians (the institution left out).":
        "指数低于 100 表示该产出的成本低于同类中位数。象限将总成本与产出同同类中位数比较（不含该单位本身）。",
    "Cost and {outcome}": "成本与{outcome}",
    "{cost} against {outcome}: dashed lines are the peers' medians; the star is the institution.":
        "{cost}与{outcome}：虚线为同类中位数，星号为该单位。",
    "more outcome for less cost than the peers' medians": "与同类中位数相比投入少、产出多",
    "more outcome for more cost than the peers' medians": "与同类中位数相比投入多、产出多",
    "less outcome for less cost than the peers' medians": "与同类中位数相比投入少、产出少",
    "less outcome for more cost than the peers' medians": "与同类中位数相比投入多、产出少",
    "{outcome}: {quadrant} ({cost}); each unit costs {index} % of the peers' median.":
        "{outcome}：{quadrant}（{cost}）；单位成本为同类中位数的 {index} %。",
    "{focus!r} has missing inputs or outputs in {where}.": "{focus!r} 在 {where}缺少投入或产出数据。",
    "{rts}, {orientation}-oriented": "{rts}，{orientation}导向",
    "DEA ({model}): {focus} is on the frontier; no combination of other entities does better.":
        "DEA（{model}）：{focus} 位于前沿面上，没有其他单位的组合优于它。",
    "DEA ({model}): efficiency {score:.2f}; peers to learn from: {names}. The frontier implies: {moves}.":
        "DEA（{model}）：效率 {score:.2f}；可借鉴的标杆：{names}。前沿面对应的改进：{moves}。",
    "{model}; {k} of {n} entities efficient": "{model}；{n} 个单位中 {k} 个有效",
    "Efficiency {score:.3f} ({model} envelopment model on {i} input(s) and {j} output(s), {n} entities in "
    "{where}); {k} entities are efficient and {focus} ranks {rank} of {n}.":
        "效率 {score:.3f}（{model}包络模型，{i} 项投入、{j} 项产出，{where}共 {n} 个单位）；{k} 个单位有效，"
        "{focus} 排第 {rank}/{n}。",
    " The same outputs could be produced with {share:.0%} less of every input (before slacks) by the "
    "combination of peers below.": "下列标杆的组合可用少 {share:.0%} 的各项投入（松弛前）获得相同产出。",
    " The peers below produce {share:.0%} more of every output with the same inputs.":
        "下列标杆以相同投入多获得 {share:.0%} 的各项产出。",
    "Peer": "标杆",
    "Weight": "权重",
    "Lambda": "λ",
    "Role": "角色",
    "Actual": "实际值",
    "Frontier target": "前沿目标值",
    "Change %": "变化 %",
    "Peers to learn from (reference set, by weight)": "可借鉴的标杆（参考集，按权重）",
    "Input savings and output increases the frontier implies": "前沿面对应的投入节约与产出增加",
    "Efficiency frontier (DEA)": "效率前沿（DEA）",
    "Efficiency frontier": "效率前沿",
    "The DEA frontier through the efficient entities and the institution's projection onto it (its frontier "
    "target).": "经过有效单位的 DEA 前沿面，以及该单位在前沿面上的投影（前沿目标）。",
    "The frontier is drawn for one input and one output, or - with constant returns to scale (rts='crs') - one "
    "input and two outputs or two inputs and one output.":
        "前沿面图仅适用于一投入一产出，或在规模报酬不变（rts='crs'）时的一投入两产出、两投入一产出。",
    # -- 4. in the field
    "Where {focus} ranks among all {n} compared entities on a composite of the indicators, how much that rank "
    "depends on the analyst's choices, and which tier the data place it in.":
        "{focus} 在全部 {n} 个单位中的综合排名、该排名对分析设定的敏感程度，以及数据把它分在哪一层级。",
    "Composite rank": "综合排名",
    "Composite rank and its interval": "综合排名及其区间",
    "metadata weights": "元数据权重",
    "equal weights": "等权重",
    "Composite rank {rank} of {n} ({weights}, min-max normalisation, arithmetic mean of {k} indicators). Over "
    "{draws} draws of weights, normalisation and aggregation the rank lies between {low} and {high} (5-95 %), "
    "median {median}.": "综合排名第 {rank}/{n}（{weights}，极差标准化，{k} 项指标算术平均）。在 {draws} 次权重、"
                       "标准化与合成方法的随机抽取中，排名位于 {low} 至 {high} 之间（5–95 %），中位数 {median}。",
    "Rank intervals": "排名区间",
    "Nominal composite rank (dot) and the 5-95 % interval of the simulated ranks (bar); the institution in "
    "vermillion": "名义综合排名（点）与模拟排名的 5–95 % 区间（条）；朱红色为该单位",
    ", its peers in blue": "，蓝色为其同类",
    "; the 25 best shown with the institution": "；显示前 25 名及该单位",
    ".": "。",
    "Uncertain choice": "不确定的设定",
    "Output": "输出",
    "First-order index": "一阶指数",
    "Total index": "总效应指数",
    "Which choice moves the ranks (Sobol indices)": "哪项设定影响排名（Sobol 指数）",
    "Tiers": "分层",
    "Tier and its stability": "层级及其稳定性",
    "Tiers: too few entities for the bootstrap stability analysis ({n} for k={k}); the tiers are shown without "
    "it.": "分层：单位过少（k={k} 时仅 {n} 个），未做 bootstrap 稳定性分析。",
    "official \\ data": "官方 \\ 数据",
    "Official tiers (rows) against data-driven tiers (columns)": "官方层级（行）与数据分层（列）",
    ", in {share} of {n} bootstrap resamples": "，在 {n} 次 bootstrap 重抽样中占 {share}",
    " The tier itself is {reading} (mean Jaccard similarity {j} between the tier and its best match in each "
    "resample; Hennig 2007).": "该层级本身{reading}（各次重抽样中与最佳匹配层级的平均 Jaccard 相似度 {j}；Hennig 2007）。",
    "stable": "稳定",
    "patterns": "大致稳定",
    "unstable": "不稳定",
    "Data-driven tier {tier} of {k} (k-means on {n} standardised indicators)":
        "数据分层：{k} 层中的 {tier} 层（基于 {n} 项标准化指标的 k-means）",
    "Tier": "层级",
    "Size": "单位数",
    "Mean Jaccard": "平均 Jaccard",
    "Dissolved": "瓦解比例",
    "Recovered": "重现比例",
    "Reading": "判读",
    "Tier stability": "层级稳定性",
    "Entities on the first two principal components of the standardised indicators, coloured by data-driven "
    "tier": "各单位在标准化指标前两个主成分上的位置，颜色为数据分层",
    ", marked by official tier": "，形状为官方层级",
    "; the institution is circled.": "；圈出者为该单位。",
    "Agreement with the official tiers ({official}): {share} of entities in the same tier; adjusted Rand index "
    "{ari:.2f}. Placed higher by the data: {above}; lower: {below}.":
        "与官方层级（{official}）的一致性：{share} 的单位层级相同；调整兰德指数 {ari:.2f}。数据分层更高：{above} 个；更低：{below} 个。",
    "Tier over time": "层级随时间的变化",
    " (not tiered in {periods}: missing values)": "（{periods} 因缺失值未分层）",
    "Data-driven tier of {focus} by {period} (same indicators, tiers fitted per {period}): {path}.":
        "{focus} 各{period}的数据分层（指标相同，逐{period}分层）：{path}。",
    "Moves between data-driven tiers from one {period} to the next, all entities (counts and row shares).":
        "全部单位在相邻{period}之间的数据分层变动（数量与行内占比）。",
    "DEA: {n} entities without every input and output in {where} were left out: {names}.":
        "DEA：{where}有 {n} 个单位投入或产出不全，未纳入：{names}。",
    "Composite: {names} left out (weight 0).": "综合指数：{names} 未纳入（权重为 0）。",
    "Composite: equal weights (the metadata weights are missing or invalid for some indicators).":
        "综合指数：采用等权重（部分指标的元数据权重缺失或无效）。",
    "Composite and tiers: {names} left out (missing for the institution or for more than 10 % of entities in "
    "{where}).": "综合指数与分层：{names} 未纳入（该单位缺失，或 {where}超过 10 % 的单位缺失）。",
    "fewer than two indicators are complete in {where}; a composite needs two.":
        "{where}完整的指标不足两项，无法构建综合指数（至少需要两项）。",
    "Composite and tiers: {n} entities with missing values left out: {names}.":
        "综合指数与分层：{n} 个有缺失值的单位未纳入：{names}。",
    # -- summary
    "Strengths": "优势",
    "Gaps": "差距",
    "Also": "其他发现",
    "None stands out.": "无突出项。",
    "Median percentile": "百分位中位数",
    "of {n} indicators among {m} peers (100 = best)": "{n} 项指标，{m} 个同类单位（100 = 最好）",
    "Targets completed": "已完成目标",
    "{k} of {n}": "{k} / {n}",
    "{n} missed": "{n} 项未完成",
    "{n} out of reach": "{n} 项难以完成",
    "; peers' median {rate}": "；同类中位数 {rate}",
    "Cost index": "成本指数",
    "cost per {outcome}; peers' median = 100": "每单位{outcome}的成本；同类中位数 = 100",
    "DEA efficiency": "DEA 效率",
    "5-95 % interval {low}-{high}": "5–95 % 区间 {low}–{high}",
    "probability {p}": "概率 {p}",
    "official {tier}": "官方层级 {tier}",
    "Data-driven tier": "数据分层",
    "{label}: {value} against a peer median of {median} ({gap}; percentile {pr:.0f})":
        "{label}：{value}，同类中位数 {median}（{gap}；百分位 {pr:.0f}）",
    "Own trend: improving in {k} of {n} indicators": "自身趋势：{n} 项指标中 {k} 项向好",
    "; worsening in {names}.": "；变差：{names}。",
    "; none worsening.": "；无变差指标。",
    "Targets missed": "未完成的目标",
    "Targets out of reach at the current pace": "按当前进度难以完成的目标",
    "Against the leading group ({who}): behind their median in {k} of {n} indicators.":
        "与领先组（{who}）相比：{n} 项指标中 {k} 项低于其中位数。",
    "Profile against the peers": "与同类对比概况",
    "Percentile rank among the peers ({cohort}) per indicator, direction-aware (outwards is better); the band "
    "marks the peers' quartiles.": "各指标在同类（{cohort}）中的百分位（已考虑方向，越靠外越好）；色带为同类四分位区间。",
    # -- notes
    "Left out": "未生成的部分",
    "Data set aside and warnings": "剔除的数据与警告",
    "Methods": "方法",
    "Nothing was left out.": "所有部分均已生成。",
    "No data were set aside.": "没有剔除数据。",
    "Random seeds are fixed, so the same data give the same report.": "随机种子固定，同样的数据生成同样的报告。",
    "Directions: every gap, rank and verdict is direction-aware (for a 'lower is better' indicator a lower "
    "value counts as ahead).": "方向：所有差距、排名与判断均考虑指标方向（“越低越好”的指标数值越低越领先）。",
    "Peer gaps: the institution is left out of its own cohort; intervals are percentile-bootstrap intervals of "
    "the gap to the peers' median ({n_boot} resamples, {ci:.0%}); a gap is significant when its interval "
    "excludes zero.": "同类差距：同类组不含该单位本身；区间为与同类中位数差距的百分位 bootstrap 区间（{n_boot} 次重抽样，"
                      "{ci:.0%}）；区间不含零时差距显著。",
    "Trends: OLS slope per indicator with a t interval; CAGR = (latest / baseline)^(1 / years) - 1.":
        "趋势：各指标的 OLS 斜率及其 t 区间；CAGR =（最新值 / 基期值）^(1 / 年数) − 1。",
    "Target completion: completion ratio = actual / target (target / actual when lower is better); the final "
    "value is projected at the pace achieved since the baseline.":
        "目标完成：完成度 = 实际值 / 目标值（越低越好的指标为目标值 / 实际值）；终期值按基期以来的进度外推。",
    "Cost: cost per outcome = cost / outcome; index = 100 x own value / peers' median (institution left out).":
        "成本：单位产出成本 = 成本 / 产出；指数 = 100 × 本单位值 / 同类中位数（不含本单位）。",
    "DEA: envelopment model, {rts} returns to scale, {orientation} orientation (Charnes, Cooper and Rhodes "
    "1978; Banker, Charnes and Cooper 1984).":
        "DEA：包络模型，规模报酬 {rts}，{orientation}导向（Charnes, Cooper and Rhodes 1978；Banker, Charnes and Cooper 1984）。",
    "Composite: min-max normalisation and weighted arithmetic mean; rank interval from {n_draws} Monte Carlo "
    "draws of weights (Dirichlet), normalisation and aggregation, with Sobol indices (Saltelli et al. 2010).":
        "综合指数：极差标准化与加权算术平均；排名区间来自 {n_draws} 次对权重（Dirichlet）、标准化与合成方法的蒙特卡洛抽取，"
        "并给出 Sobol 指数（Saltelli et al. 2010）。",
    "Tiers: k-means on standardised, direction-aware indicators, ordered by mean score; stability from "
    "{n_tier_boot} bootstrap resamples (Hennig 2007).":
        "分层：对标准化且考虑方向的指标做 k-means，按平均得分排序；稳定性来自 {n_tier_boot} 次 bootstrap 重抽样（Hennig 2007）。",
    # ==== the evaluator's overview (benchmark.reporting._overview)
    "Figures": "图表",
    "Completion and grades": "目标完成与等级",
    "Grades by group": "分组等级分布",
    "Official and data-driven tiers": "官方层级与数据分层",
    "Efficiency and composite rank": "效率与综合排名",
    "Largest significant gaps": "最大的显著差距",
    "Overview of {n} units": "{n} 个单位总览",
    "Evaluation {where}; {n} units; peers for the gaps: {cohort}.": "评价期 {where}；{n} 个单位；差距比较的同类组：{cohort}。",
    " Units are compared within each {columns} ({k} groups).": "各单位在同一{columns}内相互比较（{k} 组）。",
    "Unit": "单位", "Units": "单位数", "Targets": "目标数",
    "Completion rate": "完成率", "Mean completion ratio": "平均完成度", "Grade": "等级", "Grades": "等级",
    "Efficiency rank": "效率排名", "Composite score": "综合得分", "Rank interval": "排名区间",
    "Significantly behind": "显著落后", "Significantly ahead": "显著领先", "Grouped by": "分组依据", "Group": "组",
    "Official tier": "官方层级", "Shift": "层级差", "Placement": "数据分层相对官方层级",
    "data tier higher": "数据分层更高", "data tier lower": "数据分层更低",
    "From": "起始期", "To": "终止期", "Units in both": "两期均有的单位", "Stayed": "留在原层级", "Up": "上升",
    "Down": "下降", "Entered": "新进入", "Left": "退出",
    "Tier disagreements": "层级不一致", "Efficiency and rank": "效率与排名", "Largest gaps": "最大差距",
    "Moves per period": "各期层级变动", "Moves per pair of periods": "相邻两期之间的层级变动",
    "Every unit with its targets completed, completion rate and grade, data-driven tier, DEA efficiency, composite "
    "rank and the number of indicators on which it is significantly behind or ahead of its peers. Click a column "
    "header to sort (again to reverse).":
        "每个单位的已完成目标数、完成率与等级、数据分层、DEA 效率、综合排名，以及显著落后或领先于同类的指标数。"
        "点击列标题排序（再次点击反向排序）。",
    "Median completion rate": "完成率中位数", "share of targets completed": "已完成目标的比例",
    "Same tier as the official one": "与官方层级相同", "adjusted Rand index {ari:.2f}": "调整兰德指数 {ari:.2f}",
    "units behind their peers on at least one indicator": "至少一项指标显著落后于同类的单位数",
    "Units per grade in each group. The grade is that of the completion rate (share of targets completed): "
    "{bands}.": "各组内各等级的单位数。等级按完成率（已完成目标的比例）划分：{bands}。",
    "Grades by {group}": "按{group}的等级分布", "number of units": "单位数",
    "Units per grade in each group ({group}), best grade on the left.": "各组（{group}）内各等级的单位数，最好的等级在左。",
    "pass by= (columns such as the official tier or province) to count the grades by group.":
        "请传入 by=（如官方层级或省份列）以按组统计等级。",
    "pass targets= to grade the units.": "请传入 targets= 以评定各单位等级。",
    "pass targets= (one row per unit and indicator with baseline and target_<period> columns) to judge "
    "completion and grade the units.":
        "请传入 targets=（每个单位、每个指标一行，含基期值与 target_<期间> 列）以评价目标完成情况并评定等级。",
    "{share} of units are in the same tier as their official one (adjusted Rand index {ari:.2f}); the data place "
    "{above} higher and {below} lower.":
        "{share} 的单位数据分层与官方层级相同（调整兰德指数 {ari:.2f}）；数据分层更高的 {above} 个，更低的 {below} 个。",
    "Data-driven tiers: k-means on the standardised, direction-aware indicators of the composite, ordered best "
    "first (Hennig 2007 for their stability). A unit listed here is placed by its data in another tier than the "
    "official one; the shift counts the tiers between them (positive: the data place it higher).":
        "数据分层：对综合指数所用指标标准化（已考虑方向）后做 k-means，按优劣排序（稳定性见 Hennig 2007）。"
        "下表所列单位的数据分层与官方层级不同；层级差为两者相隔的层数（正值表示数据分层更高）。",
    "Units whose official tier differs from the data": "官方层级与数据分层不一致的单位",
    "Every unit is in its official tier.": "所有单位的数据分层均与官方层级一致。",
    "The official tiers ({k}) are not as many as the data-driven tiers; pass k= to match them.":
        "官方层级数（{k}）与数据分层数不同；请传入 k= 使两者一致。",
    "pass official= (the column of official tiers) to compare them with the data-driven tiers.":
        "请传入 official=（官方层级列）以与数据分层比较。",
    "pass inputs= and outputs= (columns) to measure efficiency.": "请传入 inputs= 与 outputs=（列名）以测算效率。",
    "DEA efficiency ({model}; 1 = on the frontier) and the composite rank (min-max normalisation, weighted "
    "arithmetic mean) with the 5-95 % interval of the ranks over {draws} Monte Carlo draws of weights, "
    "normalisation and aggregation. A long interval means the rank depends on those choices more than on the "
    "data.": "DEA 效率（{model}；1 表示位于前沿面）与综合排名（极差标准化、加权算术平均），以及在 {draws} 次权重、"
             "标准化与合成方法的蒙特卡洛抽取中排名的 5–95 % 区间。区间越长，排名越依赖这些设定而非数据本身。",
    "Nominal composite rank (dot), median simulated rank (tick) and the 5-95 % interval of the simulated ranks "
    "(bar) of every unit, best at the top.":
        "各单位的名义综合排名（点）、模拟排名中位数（短竖线）与模拟排名的 5–95 % 区间（条），最好的在上。",
    "Each unit against the median of its peers ({cohort}; the unit itself left out), indicator by indicator and "
    "direction-aware: for a lower-is-better indicator a higher value counts as behind. A gap is significant when "
    "the {ci:.0%} percentile-bootstrap interval of the gap ({n_boot} resamples of the peers) excludes zero, that "
    "is when the unit is further from the median than the spread of its peers explains. {k} of {n} units are "
    "significantly behind on at least one indicator; the table lists the largest of these gaps, in percent of "
    "the peers' median.":
        "逐项指标将每个单位与其同类（{cohort}，不含该单位本身）的中位数比较，已考虑指标方向：越低越好的指标数值越高即为落后。"
        "差距“显著”指差距的 {ci:.0%} 百分位 bootstrap 区间（对同类重抽样 {n_boot} 次）不含零，即该单位与中位数的距离超出同类内部波动所能解释的范围。"
        "{n} 个单位中有 {k} 个至少一项指标显著落后；下表列出其中最大的差距，以同类中位数的百分比表示。",
    "The {n} largest significant gaps behind the peers": "落后于同类最大的 {n} 项显著差距",
    "No significant gap behind.": "没有显著落后的差距。",
    "no indicator to compare.": "没有可比较的指标。",
    "Data-driven tiers fitted in every period with the same indicators and number of tiers; the matrix counts "
    "the units in each tier of one period (rows) by their tier in the next (columns), all pairs of consecutive "
    "periods pooled.": "逐期用相同指标与层数做数据分层；矩阵统计某期各层级（行）的单位在下一期所处层级（列），汇总所有相邻两期。",
    "All units": "全部单位",
    "Moves between data-driven tiers (counts and row shares); the outlined diagonal holds the units that stayed.":
        "数据分层之间的变动（数量与行内占比）；加框的对角线为留在原层级的单位。",
    "Units by tier in one period (rows) and the next (columns)": "某期层级（行）与下一期层级（列）的单位数",
    "it needs a panel with two or more periods (pass data with a period column).":
        "需要两期及以上的面板数据（请传入含期间列的数据）。",
    "Completion: completion ratio = actual / target (target / actual when lower is better); completion rate = "
    "share of a unit's targets completed; grades of the rate in percent: {bands}.":
        "目标完成：完成度 = 实际值 / 目标值（越低越好的指标为目标值 / 实际值）；完成率 = 已完成目标占该单位目标的比例；"
        "完成率（%）的等级：{bands}。",
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


def colon() -> str:
    """The colon after a lead-in in the current language: ``": "`` or ``"："``."""
    return "：" if _current.get() == "zh" else ": "


def listing(items: Iterable[Any]) -> str:
    """Names in running text: ``"a, b, c"`` in English, ``"a、b、c"`` in Chinese."""
    return ("、" if _current.get() == "zh" else ", ").join(str(i) for i in items)


def titled(head: str, who: Any = None, at: Any = None) -> str:
    """A title ``head: who, at`` in English, ``head：who，at`` in Chinese (parts that are None left out)."""
    comma = "，" if _current.get() == "zh" else ", "
    return head + (f"{colon()}{who}" if who is not None else "") + (f"{comma}{at}" if at is not None else "")


@contextlib.contextmanager
def using(lang: str) -> Iterator[str]:
    """Write in ``lang`` inside the ``with`` block."""
    token = _current.set(lang)
    try:
        yield lang
    finally:
        _current.reset(token)


def cohort_text(cohort: Any) -> str:
    """A short description of a ``cohort=`` argument in the current language ("same tier", "同tier")."""
    from benchmark._cohorts import describe_cohort

    if isinstance(cohort, str):
        return t("same {column}", column=t(cohort))
    return t(describe_cohort(cohort))


def resolve_lang(lang: str | None, hints: Iterable[Any] = ()) -> str:
    """``lang`` checked, or for ``None`` Chinese when any of ``hints`` (labels, names) is Chinese.

    >>> resolve_lang(None, ["学生就业率"]), resolve_lang(None, ["placement rate"]), resolve_lang("en", ["学校"])
    ('zh', 'en', 'en')
    """
    if lang is None:
        return "zh" if has_cjk(hints) else "en"
    return check_choice(lang, LANGS, name="lang")
