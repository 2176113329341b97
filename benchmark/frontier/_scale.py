"""Scale efficiency and returns to scale: the table DEAP prints by default.

Technical efficiency under constant returns (CCR) splits into pure technical
efficiency under variable returns (BCC) and scale efficiency,
``TE_crs = TE_vrs * SE``. Whether a scale-inefficient unit is too small
(increasing returns) or too large (decreasing returns) is decided by a third
model with non-increasing returns (Färe, Grosskopf & Lovell 1985; Coelli,
Rao, O'Donnell & Battese 2005, sec. 6.5).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from benchmark._validation import interval, options, validate_params
from benchmark.frontier._common import check_model_columns, norm_orientation

__all__ = ["scale_efficiency"]


@validate_params("entity", "n_jobs", orientation=options("input", "output", "in", "out"),
                 tol=interval(0, 0.1, closed="neither"), engine=options("auto", "highs", "scipy"))
def scale_efficiency(
    data: pd.DataFrame,
    inputs: str | Sequence[str],
    outputs: str | Sequence[str],
    *,
    orientation: str = "input",
    tol: float = 1e-6,
    entity: str = "institution",
    n_jobs: int = 1,
    engine: str = "auto",
) -> pd.DataFrame:
    """CRS and VRS efficiency, scale efficiency and the returns-to-scale class of every unit.

    ``te_crs`` and ``te_vrs`` are the radial scores of :func:`dea` (input:
    Farrell theta; output: 1/phi, so 1 is efficient and lower is worse in
    both orientations), ``scale_efficiency = te_crs / te_vrs`` (<= 1) and
    ``te_nirs`` the score under non-increasing returns
    (``sum(lambda) <= 1``). The class follows DEAP's rule (Coelli 1996):

    * ``"crs"`` (constant) when ``|scale_efficiency - 1| < tol``;
    * otherwise ``"drs"`` (decreasing: the unit is above its optimal size)
      when ``|te_nirs - te_vrs| < tol``, since then the unit's VRS frontier
      point lies on the part of the frontier where NIRS and VRS coincide;
    * otherwise ``"irs"`` (increasing: the unit is below its optimal size).

    Ties are resolved by ``tol`` in that order, so every unit gets exactly
    one class. Unlike classes read from the sign of the VRS multiplier
    ``u0`` or from ``sum(lambda)`` of the CCR program, which can have
    several optimal values for efficient units, this rule is unique.

    Parameters
    ----------
    data : DataFrame
        One row per unit.
    inputs, outputs : str or list of str
        Input and output columns (as for :func:`dea`).
    orientation : {"input", "output"}
        Orientation of the three programs.
    tol : float
        Tolerance of the two comparisons above.
    entity : str
        Column naming the units.
    n_jobs, engine
        As for :func:`dea`.

    Returns
    -------
    DataFrame
        ``entity, te_crs, te_vrs, te_nirs, scale_efficiency,
        returns_to_scale`` (``"irs"``, ``"crs"`` or ``"drs"``).

    See Also
    --------
    dea : the radial scores.
    sbm : slacks-based efficiency.

    References
    ----------
    Banker, Charnes & Cooper (1984), Management Science 30(9); Färe,
    Grosskopf & Lovell (1985), *The Measurement of Efficiency of Production*;
    Coelli (1996), *A Guide to DEAP Version 2.1*, CEPA Working Paper 96/08;
    Coelli, Rao, O'Donnell & Battese (2005), *An Introduction to Efficiency
    and Productivity Analysis*, 2nd ed., sec. 6.5.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"institution": list("ABCDEF"), "staff": [1.0, 2, 4, 4, 2, 3],
    ...                    "graduates": [1.0, 3, 4, 2, 1.5, 3]})
    >>> scale_efficiency(df, "staff", "graduates").round(3)
      institution  te_crs  te_vrs  te_nirs  scale_efficiency returns_to_scale
    0           A   0.667   1.000    0.667             0.667              irs
    1           B   1.000   1.000    1.000             1.000              crs
    2           C   0.667   1.000    1.000             0.667              drs
    3           D   0.333   0.375    0.333             0.889              irs
    4           E   0.500   0.625    0.500             0.800              irs
    5           F   0.667   0.667    0.667             1.000              crs
    """
    from benchmark.frontier._dea import dea

    check_model_columns(data, inputs, outputs, entity)  # warns once about few units
    orientation = norm_orientation(orientation)
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the same warning, already given above
        for rts in ("crs", "vrs", "nirs"):
            res = dea(data, inputs, outputs, rts=rts, orientation=orientation, slacks=False, entity=entity,
                      n_jobs=n_jobs, engine=engine)
            scores[rts] = res.efficiency["efficiency"].to_numpy()
    out = pd.DataFrame({entity: res.efficiency[entity], "te_crs": scores["crs"], "te_vrs": scores["vrs"],
                        "te_nirs": scores["nirs"]})
    se = scores["crs"] / scores["vrs"]
    out["scale_efficiency"] = se
    out["returns_to_scale"] = np.where(np.abs(se - 1) < tol, "crs",
                                       np.where(np.abs(scores["nirs"] - scores["vrs"]) < tol, "drs", "irs"))
    return out
