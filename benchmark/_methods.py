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
    "ksw2008": "Kneip, A., Simar, L. and Wilson, P. W. (2008). Asymptotics and consistent bootstraps for DEA "
               "estimators in nonparametric frontier models. Econometric Theory 24(6), 1663-1697.",
    "sw2007": "Simar, L. and Wilson, P. W. (2007). Estimation and inference in two-stage, semi-parametric models "
              "of production processes. Journal of Econometrics 136(1), 31-64.",
    "tobin1958": "Tobin, J. (1958). Estimation of relationships for limited dependent variables. Econometrica "
                 "26(1), 24-36.",
    "fried2002": "Fried, H. O., Lovell, C. A. K., Schmidt, S. S. and Yaisawarng, S. (2002). Accounting for "
                 "environmental effects and statistical noise in data envelopment analysis. Journal of "
                 "Productivity Analysis 17(1-2), 157-174.",
    "jlms1982": "Jondrow, J., Lovell, C. A. K., Materov, I. S. and Schmidt, P. (1982). On the estimation of "
                "technical inefficiency in the stochastic frontier production function model. Journal of "
                "Econometrics 19(2-3), 233-238.",
    "saaty1980": "Saaty, T. L. (1980). The Analytic Hierarchy Process. New York: McGraw-Hill.",
    "theil1967": "Theil, H. (1967). Economics and Information Theory. Amsterdam: North-Holland.",
    "dagum1997": "Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality ratio. "
                 "Empirical Economics 22(4), 515-531.",
    "moran1950": "Moran, P. A. P. (1950). Notes on continuous stochastic phenomena. Biometrika 37(1-2), 17-23.",
    "anselin1995": "Anselin, L. (1995). Local indicators of spatial association - LISA. Geographical Analysis "
                   "27(2), 93-115.",
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
    "BootstrapResult:subsampling": {
        "en": "Bias-corrected DEA efficiencies and {ci_pct} confidence intervals were obtained with the "
              "subsampling (m-out-of-n) bootstrap of Kneip, Simar and Wilson (2008), subsamples of "
              "{subsample_size} units rescaled at the convergence rate {kappa}, {n_boot} replications, "
              "{rts_name} returns to scale, {orientation} orientation.",
        "zh": "采用 Kneip、Simar 和 Wilson（2008）的子样本（m-out-of-n）bootstrap 方法（子样本 {subsample_size} 个"
              "单元，按收敛速率 {kappa} 缩放，{n_boot} 次重复，规模报酬{rts_name_zh}，{orientation_zh}导向）得到偏差校正的 DEA 效率及其 "
              "{ci_pct} 置信区间。",
        "refs": ("ksw2008", "sw1998"),
    },
    "SecondStageResult:simar_wilson": {
        "en": "Efficiency scores were regressed on {covariates} by {method_name} (n = {n_used}){boot_en}.",
        "zh": "以{method_name_zh}将效率值对{covariates}回归（n = {n_used}）{boot_zh}。",
        "refs": ("sw2007",),
    },
    "SecondStageResult:tobit": {
        "en": "Efficiency scores were regressed on {covariates} by {method_name} (n = {n_used}){boot_en}.",
        "zh": "以{method_name_zh}将效率值对{covariates}回归（n = {n_used}）{boot_zh}。",
        "refs": ("tobin1958",),
    },
    "SecondStageResult:ols": {
        "en": "Efficiency scores were regressed on {covariates} by {method_name} (n = {n_used}){boot_en}.",
        "zh": "以{method_name_zh}将效率值对{covariates}回归（n = {n_used}）{boot_zh}。",
        "refs": (),
    },
    "ThreeStageResult": {
        "en": "Three-stage DEA (Fried et al. 2002): a first-stage DEA ({rts_name} returns to scale, input "
              "orientation), stochastic frontier regressions of each input's total slack on the environment "
              "({environment}) with managerial inefficiency separated from noise by the conditional estimator of "
              "Jondrow et al. (1982), inputs adjusted to a common environment and common luck, and a third-stage "
              "DEA on the adjusted inputs.",
        "zh": "采用三阶段 DEA（Fried et al. 2002）：第一阶段 DEA（规模报酬{rts_name_zh}，投入导向）；第二阶段以随机前沿"
              "模型将各投入的总松弛量对环境变量（{environment}）回归，并以 Jondrow et al.（1982）的条件估计分离管理"
              "无效率与随机误差，将投入调整到相同的环境与运气；第三阶段以调整后的投入重新进行 DEA。",
        "refs": ("fried2002", "jlms1982"),
    },
    "AHPResult": {
        "en": "Indicator weights were derived by the analytic hierarchy process (Saaty 1980) with the "
              "{method_name} method; consistency was checked with the consistency ratio (CR = {cr:.3f}, acceptable below 0.1).",
        "zh": "采用层次分析法（Saaty 1980）以{method_name_zh}法确定指标权重，并以一致性比率检验判断矩阵的一致性（CR = {cr:.3f}，"
              "小于 0.1 为可接受）。",
        "refs": ("saaty1980",),
    },
    "TheilResult": {
        "en": "Regional differences were measured by the Theil index ({measure}) and decomposed into between- and "
              "within-group parts (Theil 1967).",
        "zh": "采用泰尔指数（{measure}）测度区域差异，并分解为组间差异与组内差异（Theil 1967）。",
        "refs": ("theil1967",),
    },
    "DagumResult": {
        "en": "Regional differences were measured by the Gini coefficient and decomposed by the method of Dagum "
              "(1997) into within-group differences, net between-group differences and transvariation intensity.",
        "zh": "采用 Dagum（1997）基尼系数及其按子群分解的方法，将总体差异分解为区域内差异、区域间净值差异与超变密度。",
        "refs": ("dagum1997",),
    },
    "MoranResult": {
        "en": "Spatial autocorrelation was tested with global Moran's I (Moran 1950) and local Moran's I (Anselin "
              "1995), {transform_name} spatial weights and {permutations} random permutations.",
        "zh": "采用全局 Moran's I（Moran 1950）与局部 Moran's I（Anselin 1995）检验空间自相关，空间权重{transform_zh}，"
              "随机置换 {permutations} 次。",
        "refs": ("moran1950", "anselin1995"),
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
    if isinstance(params.get("rate"), float):
        values["kappa"] = f"\u03ba = {params['rate']:.3g}"
    if isinstance(params.get("covariates"), tuple | list):
        values["covariates"] = ", ".join(map(str, params["covariates"]))
    if isinstance(params.get("environment"), tuple | list):
        values["environment"] = ", ".join(map(str, params["environment"]))
    stage = {"simar_wilson": ("the truncated regression of Simar and Wilson (2007), algorithm "
                              f"{params.get('algorithm')}", f"Simar 和 Wilson（2007）算法 {params.get('algorithm')} 的"
                              "截断回归"),
             "tobit": ("a two-limit Tobit regression (Tobin 1958)", "双侧受限 Tobit 回归（Tobin 1958）"),
             "ols": ("ordinary least squares", "普通最小二乘法"),
             "eigenvector": ("eigenvector", "特征向量"), "geometric": ("geometric-mean", "几何平均")}
    if method in stage:
        values["method_name"], values["method_name_zh"] = stage[method]
    has_boot = isinstance(n_boot, int) and n_boot > 0
    values["boot_en"] = f", with {n_boot} bootstrap replications" if has_boot else ""
    values["boot_zh"] = f"，bootstrap 重复 {n_boot} 次" if has_boot else ""
    transform = str(params.get("transform", ""))
    values["transform_name"], values["transform_zh"] = {
        "r": ("row-standardised", "行标准化"), "b": ("binary", "二值"),
        "row": ("row-standardised", "行标准化"), "binary": ("binary", "二值")}.get(transform, (transform, transform))
    return values


def methods_text(name: str, params: dict[str, Any], lang: str = "en") -> tuple[str, list[str]]:
    """The methods paragraph of the result class ``name`` and its full references."""
    from benchmark import __version__

    entry = METHODS.get(f"{name}:{params.get('method')}", METHODS.get(name))
    if entry is None:
        text = (f"Computed with the Python package benchmark {__version__} ({name})." if lang == "en" else
                f"使用 Python 软件包 benchmark {__version__} 计算（{name}）。")
        return text, []
    text = entry[lang].format_map(_values(params))
    software = (f" Computations used the Python package benchmark {__version__}." if lang == "en" else
                f"计算使用 Python 软件包 benchmark {__version__}。")
    return text + software, [REFERENCES[key] for key in entry["refs"]]
