"""benchmark: benchmarking and gap analysis between institutions.

Compare an institution with itself (change, trend, target completion), with
its peers (cohorts, nearest peers, percentile ranks, gaps, value added), with
cost (cost per outcome, DEA efficiency frontier, Malmquist productivity) and
in the field (composite indices with uncertainty, ordered tiers).

Every function takes pandas DataFrames and returns tidy DataFrames or a small
result object; see ``docs/`` for the data model and the user guide.

Only numpy and pandas are imported here; scipy, scikit-learn, matplotlib and
the optional accelerators are imported by the functions that use them.
"""

from __future__ import annotations

from benchmark import datasets
from benchmark._validation import (
    BenchmarkError,
    ColumnError,
    DuplicateRowError,
    EmptyDataError,
    MissingValueError,
    NonPositiveError,
    UnknownEntityError,
)

# Each analysis module adds one import line here and its names to __all__.
# -- longitudinal / targets (self-comparison) --
from benchmark.longitudinal import change, growth, self_compare, trend
from benchmark.targets import completion, completion_summary, grade
# -- peers / value added --
from benchmark.peers import cohort_stats, nearest_peers, peer_gap, percentile_rank, performance_groups
from benchmark.valueadded import ValueAdded, value_added
# -- cost and efficiency --
from benchmark.costs import allocate_costs, cost_outcome_quadrant, cost_per_outcome, relative_cost
from benchmark.frontier import dea, dea_bootstrap, malmquist, super_efficiency
from benchmark.frontier import sbm, scale_efficiency
from benchmark.frontier import compare_second_stage, second_stage, sfa, three_stage_dea
from benchmark.frontier import (
    BootstrapResult, DEAResult, MalmquistResult, SBMResult, SecondStageResult, SFAResult, ThreeStageResult,
)
# -- composite / tiers --
from benchmark.indices import RankUncertainty, composite, contributions, normalise, rank_uncertainty, topsis, weights
from benchmark.indices import (
    AHPResult, ObstacleDegree, Preprocessed, Reliability, ahp, combine_weights, grey_relational, impute,
    obstacle_degree, reliability, treat,
)
from benchmark.tiering import TierComparison, TierResult, TierTransitions, tier_transitions, tiers
# -- structure --
from benchmark.structure import (
    agglomeration, concentration, coupling_coordination, location_quotient, relatedness, structural_fit,
)
# -- regional differences (inequality decompositions, densities, spatial autocorrelation) --
from benchmark.inequality import (
    DagumResult, DensityResult, MoranResult, TheilResult, contiguity_weights, dagum_gini, gini, kernel_density,
    morans_i, theil,
)
# -- plots (matplotlib is imported inside each plot function) --
from benchmark.plotting import (
    plot_completion, plot_cost_outcome, plot_frontier, plot_gaps, plot_kernel_density, plot_malmquist, plot_profile,
    plot_rank_intervals, plot_tiers, plot_trajectory, plot_transitions,
)
# -- paper-ready tables (LaTeX, Word, Excel) --
from benchmark import export
from benchmark.export import export_docx, export_excel, export_latex, paper_table
# -- the gap-analysis report --
from benchmark.reporting import BatchReport, Overview, Report, ReportOptions, overview, report, report_batch

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "datasets",
    "BenchmarkError",
    "ColumnError",
    "DuplicateRowError",
    "EmptyDataError",
    "MissingValueError",
    "NonPositiveError",
    "UnknownEntityError",
    "cohort_stats", "nearest_peers", "peer_gap", "percentile_rank", "performance_groups",
    "ValueAdded", "value_added",
    "plot_completion", "plot_cost_outcome", "plot_frontier", "plot_gaps", "plot_profile",
    "plot_rank_intervals", "plot_tiers", "plot_trajectory", "plot_transitions",
    "composite", "contributions", "normalise", "rank_uncertainty", "topsis", "weights",
    "AHPResult", "ObstacleDegree", "Preprocessed", "Reliability", "ahp", "combine_weights", "grey_relational",
    "impute", "obstacle_degree", "reliability", "treat",
    "TierComparison", "TierResult", "TierTransitions", "tier_transitions", "tiers",
    "change", "growth", "self_compare", "trend", "completion", "completion_summary", "grade",
    "allocate_costs", "cost_outcome_quadrant", "cost_per_outcome", "relative_cost",
    "dea", "dea_bootstrap", "malmquist", "super_efficiency",
    "sbm", "scale_efficiency", "plot_malmquist",
    "sfa", "second_stage", "compare_second_stage", "three_stage_dea",
    "agglomeration", "concentration", "coupling_coordination", "location_quotient", "relatedness",
    "structural_fit",
    "BatchReport", "Overview", "Report", "ReportOptions", "overview", "report", "report_batch",
    "contiguity_weights", "dagum_gini", "gini", "kernel_density", "morans_i", "theil",
    "plot_kernel_density",
    "export", "paper_table", "export_latex", "export_docx", "export_excel",
    "DEAResult", "BootstrapResult", "MalmquistResult", "SBMResult", "SFAResult", "SecondStageResult",
    "ThreeStageResult", "RankUncertainty", "TheilResult", "DagumResult", "DensityResult", "MoranResult",
]
