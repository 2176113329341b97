"""The efficiency frontier: DEA scores, super-efficiency, bootstrap and Malmquist.

:func:`dea` scores units against the best-practice frontier (envelopment
programs solved by a reused HiGHS model over a provably sufficient reduced
reference set, see :mod:`benchmark.frontier._lp`), :func:`super_efficiency`
ranks the efficient units, :func:`dea_bootstrap` gives bias-corrected scores
with confidence intervals (Simar & Wilson 1998) and :func:`malmquist` splits
productivity change between periods into catch-up and frontier shift.
"""

from benchmark.frontier.bootstrap import BootstrapResult, dea_bootstrap
from benchmark.frontier.dea import DEAResult, dea, super_efficiency
from benchmark.frontier.malmquist import MalmquistResult, malmquist
from benchmark.frontier.sbm import SBMResult, sbm
from benchmark.frontier.scale import scale_efficiency
from benchmark.frontier.second_stage import SecondStageResult, compare_second_stage, second_stage
from benchmark.frontier.sfa import SFAResult, sfa
from benchmark.frontier.three_stage import ThreeStageResult, three_stage_dea

__all__ = [
    "dea",
    "super_efficiency",
    "dea_bootstrap",
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
