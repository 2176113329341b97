"""Methods paragraphs: every template fills in from its result's own fields and cites what it uses."""

import warnings

import numpy as np
import pandas as pd
import pytest

import benchmark as bm
from benchmark import datasets
from benchmark._methods import METHODS, REFERENCES

PFT = datasets.load("pft1981")


def test_every_template_cites_known_references():
    for name, entry in METHODS.items():
        assert set(entry) >= {"en", "zh", "refs"}, name
        assert all(key in REFERENCES for key in entry["refs"]), name


def _results():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        eff = bm.dea(PFT, ["education", "teacher"], ["reading"], entity="school", rts="vrs")
        yield "subsampling", bm.dea_bootstrap(PFT, ["education", "teacher"], ["reading"], entity="school",
                                              n_boot=20, random_state=0, method="subsampling", subsample_size=30)
        yield "tobit", bm.second_stage(eff, PFT, ["visit"], entity="school", method="tobit")
        yield "ols", bm.second_stage(eff, PFT, ["visit"], entity="school", method="ols")
        yield "ahp", bm.ahp(np.array([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]))
        frame = pd.DataFrame({"province": list("abcdef"), "region": list("xxxyyy"),
                              "income": [1.0, 2, 3, 5, 8, 13]})
        yield "theil", bm.theil(frame, "income", group="region", entity="province")
        yield "dagum", bm.dagum_gini(frame, "income", group="region", entity="province")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_paragraphs_fill_in_every_field(lang):
    expected = {"subsampling": "Kneip", "tobit": "Tobin", "ols": "", "ahp": "Saaty", "theil": "Theil",
                "dagum": "Dagum"}
    for kind, result in _results():
        text = result.methods(lang)
        assert "{" not in text and "?" not in text.split("\n")[0], (kind, text)
        assert expected[kind] in text, kind
        if kind == "ols":
            assert "Tobin" not in text and "Simar" not in text  # cites only what it used
