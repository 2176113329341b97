"""What each result can say about its method: a short paragraph with citations, in Chinese and English.

:data:`METHODS` maps a result class name to its paragraph in both languages
(``str.format`` templates over the result's parameters, see
``Result._params``) and its references. :func:`methods_text` fills them in;
a result without an entry gets a sentence naming the library and the class,
so every result can answer ``.methods()``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["METHODS", "REFERENCES", "methods_text"]

#: Full references, cited by key.
REFERENCES: dict[str, str] = {
    "ccr1978": "Charnes, A., Cooper, W. W. and Rhodes, E. (1978). Measuring the efficiency of decision making "
               "units. European Journal of Operational Research 2(6), 429-444.",
    "bcc1984": "Banker, R. D., Charnes, A. and Cooper, W. W. (1984). Some models for estimating technical and scale "
               "inefficiencies in data envelopment analysis. Management Science 30(9), 1078-1092.",
    "ap1993": "Andersen, P. and Petersen, N. C. (1993). A procedure for ranking efficient units in data envelopment "
              "analysis. Management Science 39(10), 1261-1264.",
    "sw1998": "Simar, L. and Wilson, P. W. (1998). Sensitivity analysis of efficiency scores: how to bootstrap in "
              "nonparametric frontier models. Management Science 44(1), 49-61.",
    "fgnz1994": "Färe, R., Grosskopf, S., Norris, M. and Zhang, Z. (1994). Productivity growth, technical progress, "
                "and efficiency change in industrialized countries. American Economic Review 84(1), 66-83.",
    "tone2001": "Tone, K. (2001). A slacks-based measure of efficiency in data envelopment analysis. European "
                "Journal of Operational Research 130(3), 498-509.",
    "alsc1977": "Aigner, D., Lovell, C. A. K. and Schmidt, P. (1977). Formulation and estimation of stochastic "
                "frontier production function models. Journal of Econometrics 6(1), 21-37.",
    "saltelli2010": "Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. and Tarantola, S. (2010). "
                    "Variance based sensitivity analysis of model output. Computer Physics Communications 181(2), "
                    "259-270.",
    "oecd2008": "OECD and JRC (2008). Handbook on Constructing Composite Indicators: Methodology and User Guide. "
                "OECD Publishing.",
    "hennig2007": "Hennig, C. (2007). Cluster-wise assessment of cluster stability. Computational Statistics & Data "
                  "Analysis 52(1), 258-271.",
    "lloyd1982": "Lloyd, S. P. (1982). Least squares quantization in PCM. IEEE Transactions on Information Theory "
                 "28(2), 129-137.",
    "hubert1985": "Hubert, L. and Arabie, P. (1985). Comparing partitions. Journal of Classification 2(1), 193-218.",
    "meyer1997": "Meyer, R. H. (1997). Value-added indicators of school performance: a primer. Economics of "
                 "Education Review 16(3), 283-301.",
}

#: Class name -> {"en": template, "zh": template, "refs": keys}.
METHODS: dict[str, dict[str, Any]] = {
    "DEAResult": {
        "en": "Efficiency was measured by data envelopment analysis (DEA), envelopment form, {rts_name} returns to "
              "scale, {orientation} orientation (Charnes, Cooper and Rhodes 1978; Banker, Charnes and Cooper "
              "1984), with {n_inputs} input(s) ({inputs}) and {n_outputs} output(s) ({outputs}); slacks from a "
              "second-stage maximisation at the optimal efficiency.",
        "zh": "采用数据包络分析（DEA）包络模型测算效率，规模报酬为{rts_name_zh}，{orientation_zh}导向（Charnes, Cooper "
              "and Rhodes 1978；Banker, Charnes and Cooper 1984）；投入 {n_inputs} 项（{inputs}），产出 {n_outputs} "
              "项（{outputs}）；松弛量由第二阶段在最优效率下最大化求得。",
        "refs": ("ccr1978", "bcc1984"),
    },
    "SBMResult": {
        "en": "Efficiency was measured by the slacks-based measure (SBM) of Tone (2001), {rts_name} returns to "
              "scale, with {n_inputs} input(s) and {n_outputs} output(s).",
        "zh": "采用 Tone（2001）的基于松弛的效率测度（SBM），规模报酬为{rts_name_zh}，投入 {n_inputs} 项、产出 "
              "{n_outputs} 项。",
        "refs": ("tone2001",),
    },
    "BootstrapResult": {
        "en": "Bias-corrected DEA efficiencies and {ci_pct} confidence intervals were obtained with the smoothed "
              "bootstrap of Simar and Wilson (1998), {n_boot} replications, {rts_name} returns to scale, "
              "{orientation} orientation.",
        "zh": "采用 Simar 和 Wilson（1998）的平滑 bootstrap 方法（{n_boot} 次重复，规模报酬{rts_name_zh}，"
              "{orientation_zh}导向）得到偏差校正的 DEA 效率及其 {ci_pct} 置信区间。",
        "refs": ("sw1998", "ccr1978"),
    },
    "MalmquistResult": {
        "en": "Productivity change between periods was measured by the DEA-based Malmquist index and its "
              "decomposition into efficiency change and technical change (Färe et al. 1994), {rts_name} returns "
              "to scale.",
        "zh": "采用基于 DEA 的 Malmquist 指数测算相邻期间的生产率变化，并分解为技术效率变化与技术进步（Färe et al. "
              "1994），规模报酬为{rts_name_zh}。",
        "refs": ("fgnz1994",),
    },
    "SFAResult": {
        "en": "A stochastic frontier ({form} form, {inefficiency} inefficiency) was fitted by maximum likelihood "
              "(Aigner, Lovell and Schmidt 1977); efficiencies are conditional expectations given the composed "
              "residual.",
        "zh": "采用随机前沿分析（{form}形式，无效率项服从{inefficiency}分布），以极大似然估计（Aigner, Lovell and "
              "Schmidt 1977）；效率为给定复合残差下的条件期望。",
        "refs": ("alsc1977",),
    },
    "RankUncertainty": {
        "en": "Rank uncertainty of the composite index was assessed by {n} Monte Carlo draws of the weights, the "
              "normalisation and the aggregation (OECD and JRC 2008); the 5-95 % interval of the simulated ranks "
              "is reported with first-order and total Sobol indices of each choice (Saltelli et al. 2010).",
        "zh": "通过对权重、标准化方法与合成方法进行 {n} 次蒙特卡洛抽取评估综合指数排名的不确定性（OECD and JRC "
              "2008），报告模拟排名的 5–95 % 区间及各项设定的一阶与总效应 Sobol 指数（Saltelli et al. 2010）。",
        "refs": ("oecd2008", "saltelli2010"),
    },
    "TierResult": {
        "en": "Institutions were grouped into {k} ordered tiers by {method_name} on {n_features} standardised, "
              "direction-aware indicators (Lloyd 1982), the tiers ordered by their mean score{stability_en}.",
        "zh": "基于 {n_features} 项标准化且考虑方向的指标，采用 {method_name} 将院校分为 {k} 个有序层级（Lloyd 1982），"
              "层级按平均得分排序{stability_zh}。",
        "refs": ("lloyd1982", "hennig2007"),
    },
    "TierComparison": {
        "en": "Agreement between the data-driven and the official tiers is reported as the share of institutions "
              "in the same tier and the adjusted Rand index (Hubert and Arabie 1985).",
        "zh": "数据分层与官方层级的一致性以层级相同的院校比例和调整兰德指数（Hubert and Arabie 1985）表示。",
        "refs": ("hubert1985",),
    },
    "ValueAdded": {
        "en": "Value added is the difference between an institution's {outcome} and the value predicted from its "
              "intake and context ({method}; Meyer 1997), with {ci_pct} intervals.",
        "zh": "增值为院校的{outcome}与依据其生源和背景预测值之差（{method}；Meyer 1997），并给出 {ci_pct} 区间。",
        "refs": ("meyer1997",),
    },
}

_RTS = {"crs": ("constant", "不变"), "vrs": ("variable", "可变"), "nirs": ("non-increasing", "非递增"),
        "ndrs": ("non-decreasing", "非递减"), "drs": ("non-increasing", "非递增"), "irs": ("non-decreasing", "非递减"),
        "fdh": ("free-disposal-hull (FDH)", "自由处置壳（FDH）")}
_ORIENTATION = {"input": "投入", "output": "产出", "in": "投入", "out": "产出"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def _values(params: dict[str, Any]) -> dict[str, Any]:
    values = _Blank(params)
    rts = str(params.get("rts", ""))
    values["rts_name"], values["rts_name_zh"] = _RTS.get(rts, (rts, rts))
    orientation = str(params.get("orientation", ""))
    values["orientation_zh"] = _ORIENTATION.get(orientation, orientation)
    for key in ("inputs", "outputs", "features"):
        if isinstance(params.get(key), tuple | list):
            values[key] = ", ".join(map(str, params[key]))
            values[f"n_{key}"] = len(params[key])
    method = str(params.get("method", ""))
    values["method_name"] = {"kmeans": "k-means", "ward": "Ward clustering"}.get(method, method)
    n_boot = params.get("n_boot")
    has_boot = isinstance(n_boot, int) and n_boot > 0
    values["stability_en"] = (f"; tier stability was assessed with {n_boot} bootstrap resamples and the mean "
                              "Jaccard similarity (Hennig 2007)") if has_boot else ""
    values["stability_zh"] = (f"；以 {n_boot} 次 bootstrap 重抽样与平均 Jaccard 相似度评估层级稳定性（Hennig 2007）"
                              if has_boot else "")
    if isinstance(params.get("ci"), float):
        values["ci_pct"] = f"{params['ci']:.0%}"
    return values


def methods_text(name: str, params: dict[str, Any], lang: str = "en") -> tuple[str, list[str]]:
    """The methods paragraph of the result class ``name`` and its full references."""
    from benchmark import __version__

    entry = METHODS.get(name)
    if entry is None:
        text = (f"Computed with the Python package benchmark {__version__} ({name})." if lang == "en" else
                f"使用 Python 软件包 benchmark {__version__} 计算（{name}）。")
        return text, []
    text = entry[lang].format_map(_values(params))
    software = (f" Computations used the Python package benchmark {__version__}." if lang == "en" else
                f"计算使用 Python 软件包 benchmark {__version__}。")
    return text + software, [REFERENCES[key] for key in entry["refs"]]
