"""The efficiency frontier: DEA, SBM, scale efficiency, bootstrap, Malmquist, SFA and the second stage.

:func:`dea` scores units against the best-practice frontier (envelopment
programs solved by a batched simplex with certified answers and a reused
HiGHS model, see :mod:`benchmark.frontier._lp`), :func:`super_efficiency`
ranks the efficient units, :func:`sbm` gives Tone's slacks-based measure,
:func:`scale_efficiency` the DEAP scale table, :func:`dea_bootstrap`
bias-corrected scores with smoothed or subsampling intervals,
:func:`malmquist` productivity change with the DEAP decomposition,
:func:`sfa` a stochastic frontier, :func:`second_stage` the regression of
scores on context and :func:`three_stage_dea` the Fried et al. (2002)
adjustment.
"""

from benchmark.frontier._bootstrap import BootstrapResult, dea_bootstrap, subsample_size_rule
from benchmark.frontier._dea import DEAResult, dea, super_efficiency
from benchmark.frontier._malmquist import MalmquistResult, malmquist
from benchmark.frontier._sbm import SBMResult, sbm
from benchmark.frontier._scale import scale_efficiency
from benchmark.frontier._second_stage import SecondStageResult, compare_second_stage, second_stage
from benchmark.frontier._sfa import SFAResult, sfa
from benchmark.frontier._three_stage import ThreeStageResult, three_stage_dea

__all__ = [
    "dea",
    "super_efficiency",
    "dea_bootstrap",
    "subsample_size_rule",
    "malmquist",
    "DEAResult",
    "BootstrapResult",
    "MalmquistResult",
    "sbm",
    "scale_efficiency",
    "SBMResult",
    "sfa",
    "second_stage",
    "compare_second_stage",
    "three_stage_dea",
    "SFAResult",
    "SecondStageResult",
    "ThreeStageResult",
]
