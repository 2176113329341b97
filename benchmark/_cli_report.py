"""The ``report`` subcommand: options, defaults for the bundled data, and reading the user's files."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark import _userfiles as uf
from benchmark._validation import BenchmarkError, check_n_jobs, sorted_periods

#: Settings that make the report of the bundled synthetic panel read like a real evaluation.
DATASET_DEFAULTS: dict[str, dict[str, Any]] = {
    "shuanggao": {
        "targets": "shuanggao_targets",
        "indicators": "shuanggao_indicators",
        "within": ["unit_type"],
        "cohort": "tier",
        "leaders": "tier=A",
        "official": "tier",
        "inputs": ["total_funding"],
        "outputs": ["tech_service_income", "training_income"],
        "description": ("Synthetic data: the bundled Double High-Level Plan panel (shuanggao). Every "
                        "institution and number in it is invented; do not draw conclusions about real "
                        "institutions."),
    },
    # A US analyst's defaults: indicator directions and labels from the bundled table, and peers that
    # share the focus's predominant degree level and state (a university is not compared with a
    # short-course school). The report's year is the latest with earnings for the focus.
    "scorecard": {
        "indicators": "scorecard_indicators",
        "within": ["degree_level"],
        "cohort": "state",
        "description": ("U.S. College Scorecard (real data). Peers: institutions of the same predominant "
                        "degree level in the same state."),
    },
}

DESCRIPTION = """\
Write a gap-analysis report for one institution as a single HTML file (figures
embedded, no network needed to read it): summary of strengths and gaps; change,
trend and target completion; gaps to peers with bootstrap intervals; cost per
outcome and DEA efficiency with the peers to learn from; composite rank with
its uncertainty interval and the data-driven tier with its stability. Parts
whose inputs are not given are left out with a note.

Bundled data:  python -m benchmark report --dataset shuanggao --out report.html
Every unit:    python -m benchmark report --dataset shuanggao --all --out reports/ --jobs 2
Your data:     python -m benchmark report --data panel.csv --targets targets.csv \\
                   --indicators indicators.csv --institution "My College" --cohort tier

CSV files: UTF-8 (GB18030, Windows-1252/Latin-1 and UTF-16 are recognised),
comma-separated (see --sep), header in row 1; numbers may use thousands
separators (22,859.6); periods may be years or academic years (2019-20).
--data: one row per institution and year; --targets: one row per institution
and indicator with baseline and target_<year> columns; --indicators: one row
per indicator with direction (higher/lower), and optionally label, unit, role
(input/output/cost/context), kind (level/flow/cumulative) and weight.
"""

EPILOG = """\
SPEC for --cohort and --leaders: a column name (the institutions sharing the
focus's value, e.g. tier), column=value pairs separated by commas (tier=A), or
institution names separated by semicolons ("A College;B College").
--all / --institutions write one report per institution into the folder
--out, with index.html linking them and overview.html / overview.xlsx for the
whole field; a folder that is not empty needs --force.
Exit status: 0 written, 1 some reports of --all / --institutions failed (listed),
2 bad input (one line on stderr), 3 unexpected failure.
"""


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [t.strip() for t in text.split(",") if t.strip()]


def add_report_command(sub: Any) -> None:
    """Register ``report`` on the subcommand parsers."""
    p = sub.add_parser("report", help="write the gap-analysis report of one institution (HTML)",
                       description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_argument_group("data")
    src.add_argument("--dataset", metavar="NAME", help="a bundled dataset (default shuanggao when --data is not "
                     "given; list them with: python -m benchmark datasets)")
    src.add_argument("--data", metavar="FILE.csv", help="your own panel: one row per institution and year")
    src.add_argument("--targets", metavar="FILE.csv", help="targets: institution, indicator, baseline, "
                     "target_<year>... (default for shuanggao: its bundled targets)")
    src.add_argument("--indicators", metavar="FILE.csv", help="indicator metadata: indicator, direction and "
                     "optionally label, unit, role, kind, weight (default for shuanggao: its bundled metadata)")
    src.add_argument("--sep", default=",", metavar="CHAR", help="separator of the CSV files: ',' (default), ';', "
                     "'tab' or '|'")
    who = p.add_argument_group("who and when")
    who.add_argument("--institution", metavar="NAME", help="the focus institution (default: for shuanggao the "
                     "first B-tier school unit; otherwise the first institution in the data)")
    who.add_argument("--all", action="store_true", dest="all_units",
                     help="one report per institution, written into the folder --out with index.html and the "
                          "overview of the whole field")
    who.add_argument("--institutions", metavar="NAMES", help="like --all for the institutions listed: names "
                     "separated by commas, or @FILE (or a file name) with one name per line")
    who.add_argument("--entity", metavar="COL", help="entity column (default: institution, or the bundled "
                     "dataset's own)")
    who.add_argument("--period", metavar="COL", help="period column (default: year; 'none' for a cross-section)")
    who.add_argument("--year", metavar="VALUE", help="evaluation period (default: the focus's latest)")
    who.add_argument("--within", metavar="COLS", help="compare only with institutions sharing these columns' "
                     "values, comma-separated (shuanggao default: unit_type)")
    who.add_argument("--cohort", metavar="SPEC", help="the peers (default: every other institution; shuanggao: "
                     "tier). See SPEC below")
    who.add_argument("--leaders", metavar="SPEC", help="a leading group to compare with as well (shuanggao: "
                     "tier=A)")
    who.add_argument("--official", metavar="COL", help="column of official tiers to compare the data-driven "
                     "tiers with (shuanggao: tier)")
    what = p.add_argument_group("indicators and models")
    what.add_argument("--indicators-list", metavar="COLS", dest="indicator_list",
                      help="performance indicators, comma-separated (default: from the metadata, else every "
                           "numeric column)")
    what.add_argument("--inputs", metavar="COLS", help="DEA inputs, comma-separated (shuanggao: total_funding)")
    what.add_argument("--outputs", metavar="COLS", help="DEA outputs, comma-separated (shuanggao: "
                      "tech_service_income,training_income)")
    what.add_argument("--cost", metavar="COL", help="cost column for cost per outcome (default: the metadata's "
                      "role=cost indicator)")
    what.add_argument("--outcomes", metavar="COLS", help="outcomes the cost is divided by (default: --outputs)")
    what.add_argument("--rts", default="crs", choices=["crs", "vrs", "nirs", "ndrs", "fdh"],
                      help="DEA returns to scale (default crs)")
    what.add_argument("--orientation", default="input", choices=["input", "output"],
                      help="DEA orientation (default input)")
    what.add_argument("--tiers", type=int, metavar="K", help="number of data-driven tiers (default: the number "
                      "of official tiers, else 3)")
    what.add_argument("--label-column", default="label", metavar="COL",
                      help="metadata column with display labels (default label; e.g. label_en)")
    acc = p.add_argument_group("resampling")
    acc.add_argument("--ci", type=float, default=0.95, metavar="LEVEL",
                     help="level of the gap intervals (default 0.95)")
    acc.add_argument("--n-boot", type=int, default=500, metavar="N",
                     help="bootstrap resamples of the gaps (default 500)")
    acc.add_argument("--draws", type=int, default=500, metavar="N",
                     help="Monte Carlo draws of the rank interval (default 500)")
    acc.add_argument("--tier-boot", type=int, default=30, metavar="N",
                     help="bootstrap resamples of the tier stability (default 30)")
    acc.add_argument("--seed", type=int, default=0, metavar="N",
                     help="random seed (default 0: the same report every run)")
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="FILE.html|FOLDER", help="where to write the report (default report.html); "
                     "with --all or --institutions the folder for the reports (default reports)")
    out.add_argument("--force", action="store_true", help="with --all or --institutions: write into a folder that "
                     "exists and is not empty")
    out.add_argument("--jobs", type=int, default=1, metavar="N", help="with --all or --institutions: worker "
                     "processes for the unit reports (default 1; -1 = every core)")
    out.add_argument("--excel", metavar="FILE.xlsx", help="also write the report's tables to an Excel workbook")
    out.add_argument("--title", help="page title (default: Gap analysis: <institution>)")
    out.add_argument("--lang", choices=["zh", "en"], help="language of the report's text and figures (default: "
                     "Chinese when the indicator labels are Chinese, else English); also picks the metadata "
                     "column label_zh / label_en for the labels when there is one")
    out.add_argument("--figures", choices=["png", "svg"], help="how figures are drawn: png (matplotlib images, "
                     "also in the --excel workbook) or svg (vector drawings in the page, much faster); default "
                     "png for one report, svg with --all or --institutions")
    out.add_argument("--traceback", action="store_true", default=argparse.SUPPRESS,
                     help="show the full Python traceback of an error (for bug reports)")
    p.set_defaults(func=run_report)


# ------------------------------------------------------------------ running
def run_report(args: argparse.Namespace) -> int:
    from benchmark.reporting._report import report

    started = time.perf_counter()
    batch = args.all_units or args.institutions is not None
    if batch and args.institution is not None:
        raise BenchmarkError("give --institution (one report) or --all / --institutions (a folder of reports), "
                             "not both.")
    if not batch and (args.force or args.jobs != 1):
        raise BenchmarkError("--force and --jobs go with --all or --institutions (a folder of reports).")
    inputs = _bundled_inputs(args) if args.data is None else _file_inputs(args)
    if batch:
        return _run_batch(args, inputs, started)
    args.out = args.out or "report.html"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # they are listed in the report's notes, printed below
        rep = report(inputs["data"], inputs["focus"], path=args.out, excel=args.excel,
                             options=inputs["options"])
    elapsed = time.perf_counter() - started
    where = f", {rep.period} {rep.at}" if rep.period is not None else ""
    print(f"Report on {rep.focus}{where} written to {Path(rep.path).resolve()} ({elapsed:.1f} s).")
    if rep.excel is not None:
        print(f"Tables written to {Path(rep.excel).resolve()}.")
    print(f"Sections with content: {', '.join(rep.sections) or 'none'}; open the file in a browser.")
    for note in [*inputs["notes"], *rep.notes]:
        print(f"  note: {_as_options(note)}")
    return 0


def _run_batch(args: argparse.Namespace, inputs: dict[str, Any], started: float) -> int:
    from benchmark.reporting._batch import failed_units, report_batch

    if args.excel:
        raise BenchmarkError("--excel writes the tables of one report; with --all or --institutions each unit's "
                             "tables are in its report and the overview.xlsx of the folder.")
    data, entity = inputs["data"], inputs["options"].entity
    units = None if args.all_units else _listed_units(args.institutions, data, entity, inputs["source"])
    out = args.out or "reports"
    count = len(units) if units is not None else data[entity].nunique()
    workers = check_n_jobs(args.jobs)
    noun = "report" if count == 1 else "reports"
    pace = "about 2 s" if args.figures == "png" else "a quarter of a second"
    print(f"Writing {count} {noun} into {out} with {workers} worker(s), {pace} per report and worker, plus the "
          "shared models ...", flush=True)
    # a bar where someone watches and tqdm is there; a log or a pipe gets the summary only
    bar = sys.stderr.isatty() and importlib.util.find_spec("tqdm") is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # each report lists its warnings among its notes
        batch = report_batch(data, units, path=out, force=args.force, n_jobs=args.jobs, progress=bar,
                             options=inputs["options"])
    elapsed = time.perf_counter() - started
    ok = int((batch.units["status"] == "ok").sum())
    print(f"{ok} of {len(batch.units)} reports written to {Path(batch.path).resolve()} ({elapsed:.1f} s); "
          f"open {Path(batch.index).resolve()} in a browser.")
    if batch.overview is not None:
        print(f"Overview of the whole field: {Path(batch.overview).resolve()}.")
    for note in [*inputs["notes"], *batch.notes]:
        print(f"  note: {_as_options(note)}")
    for line in failed_units(batch):
        print(f"  failed: {line}")
    return 0 if ok == len(batch.units) else 1


def _listed_units(text: str, data: pd.DataFrame, entity: str, source: str) -> list[Any]:
    """--institutions: names separated by commas, or @FILE / an existing file with one name per line."""
    path = text.removeprefix("@")
    if text.startswith("@") or ("," not in text and Path(path).is_file()):
        try:
            lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
        except OSError as exc:
            raise BenchmarkError(f"--institutions {text}: cannot read {path!r} ({exc.strerror}).") from None
        names = [line.strip() for line in lines if line.strip()]
    else:
        names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise BenchmarkError(f"--institutions {text!r} names no institution.")
    values = {str(v): v for v in pd.unique(data[entity].dropna())}
    for name in names:
        uf.check_known_entity(name, values, path=source, column=entity)  # the single report's close-match error
    return [values[name] for name in names]


_KEYWORDS = {"targets": "--targets", "cost": "--cost", "outcomes": "--outcomes", "outputs": "--outputs",
             "inputs": "--inputs", "leaders": "--leaders", "indicators": "--indicators-list", "at": "--year",
             "period": "--period"}


def _as_options(note: str) -> str:
    """A note of :func:`benchmark.report` in the words of the command line (targets= -> --targets)."""
    return re.sub(r"\b(" + "|".join(_KEYWORDS) + r")=(?=[\s).,;])", lambda m: _KEYWORDS[m.group(1)], note)


def _separator(value: str) -> str:
    return {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}.get(value, value)


def _options(args: argparse.Namespace, defaults: dict[str, Any], data: pd.DataFrame, entity: str,
             period: str | None, source: str) -> dict[str, Any]:
    """Keyword arguments of :func:`benchmark.report` from the options (explicit ones win over defaults)."""
    def pick(name: str, value: Any) -> Any:
        return value if value is not None else defaults.get(name)

    within = pick("within", _names(args.within))
    cohort = _spec(pick("cohort", args.cohort), data, source, "--cohort")
    leaders = _spec(pick("leaders", args.leaders), data, source, "--leaders")
    return {
        "entity": entity, "period": period, "within": within, "cohort": cohort, "leaders": leaders,
        "official": pick("official", args.official), "inputs": pick("inputs", _names(args.inputs)),
        "outputs": pick("outputs", _names(args.outputs)), "cost": args.cost,
        "outcomes": _names(args.outcomes), "at": _period_value(args.year, data, period, source),
        "ci": args.ci, "n_boot": args.n_boot, "n_draws": args.draws, "n_tier_boot": args.tier_boot,
        "k": args.tiers, "rts": args.rts, "orientation": args.orientation, "label_column": args.label_column,
        "random_state": args.seed, "title": args.title, "description": defaults.get("description"),
        "lang": args.lang, "figures": args.figures,
    }


def _report_options(kwargs: dict[str, Any]) -> Any:
    """The :class:`~benchmark.ReportOptions` of the command line: the same object the Python API builds."""
    from benchmark.reporting import ReportOptions

    return ReportOptions(**kwargs)


def _label_column(args: argparse.Namespace, meta: pd.DataFrame | None) -> str:
    """--label-column, or with --lang the metadata's label_<lang> column when it has one."""
    wanted = f"label_{args.lang}" if args.lang else None
    if args.label_column == "label" and meta is not None and wanted in meta.columns:
        return wanted
    return args.label_column


def _spec(text: str | None, data: pd.DataFrame, source: str, option: str) -> Any:
    """A cohort from its command-line spelling: column, column=value pairs, or names separated by ';'."""
    if text is None:
        return None
    if ";" in text:
        return [t.strip() for t in text.split(";") if t.strip()]
    if "=" not in text:
        uf.require_columns(data, [text], path=source, what=f"the {option} column", option=option)
        return text
    mapping = {}
    for pair in text.split(","):
        column, _, value = pair.partition("=")
        column, value = column.strip(), value.strip()
        uf.require_columns(data, [column], path=source, what=f"the {option} column", option=option)
        values = data[column].dropna()
        if pd.api.types.is_numeric_dtype(values):
            value = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
        if not (values == value).any():
            shown = ", ".join(sorted(map(str, values.unique()))[:12])
            raise BenchmarkError(f"{option} {pair.strip()!r}: no row of {source} has {column} = {value!r}; "
                                 f"values are: {shown}.")
        mapping[column] = value
    return mapping


def _period_value(text: str | None, data: pd.DataFrame, period: str | None, source: str) -> Any:
    if text is None:
        return None
    if period is None:
        raise BenchmarkError("--year was given but the data have no period column (--period none).")
    values = data[period]
    if pd.api.types.is_numeric_dtype(values):
        number = pd.to_numeric(pd.Series([text]), errors="coerce").iloc[0]
        if pd.isna(number):
            raise BenchmarkError(f"--year {text!r} is not a number, but {source} column {period!r} holds numbers.")
        value = number.item() if hasattr(number, "item") else number
        value = int(value) if float(value).is_integer() else value
    else:
        value = text
    if not (values == value).any():
        seen = sorted(pd.unique(values.dropna()).tolist())
        raise BenchmarkError(f"--year {text}: {source} has no row for {period} {text}; it covers "
                             f"{', '.join(map(str, seen[:12]))}.")
    return value


# ------------------------------------------------------------------ bundled data
def _bundled_inputs(args: argparse.Namespace) -> dict[str, Any]:
    from benchmark import datasets

    name = args.dataset or "shuanggao"
    data = datasets.load(name)
    info = datasets.list_datasets().set_index("name").loc[_canonical(name)]
    defaults = DATASET_DEFAULTS.get(_canonical(name), {})
    entity = args.entity or info["entity"]
    period = _period_column(args.period, info["period"] if isinstance(info["period"], str) else None)
    source = f"dataset {name!r}"
    uf.require_columns(data, [entity], path=source, what="entity column", option="--entity")
    if period is not None:
        uf.require_columns(data, [period], path=source, what="period column", option="--period")
    focus = args.institution or _default_focus(data, entity, period, defaults)
    uf.check_known_entity(focus, data[entity], path=source, column=entity)
    kwargs = _options(args, defaults, data, entity, period, source)
    notes: list[str] = []
    kwargs["targets"] = _bundled_or_file(args.targets, defaults.get("targets"), "targets", data, entity, period,
                                         source, args, notes)
    meta = _bundled_or_file(args.indicators, defaults.get("indicators"), "indicators", data, entity, period,
                            source, args, notes)
    kwargs["indicators"] = _names(args.indicator_list)
    kwargs["metadata"] = meta
    kwargs["label_column"] = _label_column(args, meta)
    return {"data": data, "focus": focus, "options": _report_options(kwargs), "notes": notes, "source": source}


def _canonical(name: str) -> str:
    from benchmark import datasets

    names = datasets.list_datasets()["name"].tolist()
    key = name.strip().lower()
    return key if key in names else {"michigan": "mathpnl"}.get(key, key)


def _bundled_or_file(path: str | None, bundled: str | None, kind: str, data: pd.DataFrame, entity: str,
                     period: str | None, source: str, args: argparse.Namespace, notes: list[str]) -> Any:
    from benchmark import datasets

    if path is not None:
        sep = _separator(args.sep)
        if kind == "targets":
            return uf.read_targets(path, entity=entity, period=period, data=data, data_path=source, sep=sep)
        meta, more = uf.read_indicators(path, data=data, data_path=source, sep=sep)
        notes.extend(more)
        return meta
    return datasets.load(bundled) if bundled else None


def _period_column(option: str | None, default: str | None) -> str | None:
    if option is None:
        return default
    return None if option.strip().lower() in ("none", "") else option


def _default_focus(data: pd.DataFrame, entity: str, period: str | None, defaults: dict[str, Any]) -> Any:
    """The bundled panel's demo unit (the first B-tier school unit), else the first entity."""
    if {"unit_type", "tier"} <= set(data.columns) and defaults:
        latest = data[data[period] == data[period].max()] if period else data
        schools = latest[(latest["unit_type"] == "school") & (latest["tier"] == "B")]
        if len(schools):
            return schools[entity].iloc[0]
    return data[entity].dropna().iloc[0]


# ------------------------------------------------------------------ the user's files
def _file_inputs(args: argparse.Namespace) -> dict[str, Any]:
    if args.dataset is not None:
        raise BenchmarkError("give either --dataset (bundled data) or --data (your CSV file), not both.")
    sep = _separator(args.sep)
    path = args.data
    raw = uf.read_csv(path, sep=sep)
    notes: list[str] = _encoding_notes(raw, path)
    entity = args.entity or "institution"
    period = _period_column(args.period, "year")
    uf.require_columns(raw, [entity], path=path, what="entity column", option="--entity")
    if period is not None:
        uf.require_columns(raw, [period], path=path, what="period column",
                           option="--period (or --period none for a cross-section)")
    meta = None
    if args.indicators is not None:
        meta, more = uf.read_indicators(args.indicators, data=raw, data_path=path, sep=sep)
        notes.extend(_encoding_notes(meta, args.indicators) + more)
    data = _typed(raw, args, meta, entity, period, path)
    numeric = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c])]
    notes.extend(f"{path}: {note}" for note in uf.unread_number_columns(raw, exclude={entity, period, *numeric}))
    keys = [entity] + ([period] if period else [])
    uf.check_keys(data, keys, path=path)
    if period is not None:
        _check_period_values(data, period, path)
    focus = args.institution if args.institution is not None else data[entity].iloc[0]
    uf.check_known_entity(focus, data[entity], path=path, column=entity)
    kwargs = _options(args, {}, data, entity, period, path)
    kwargs["targets"] = (uf.read_targets(args.targets, entity=entity, period=period, data=data, data_path=path,
                                         sep=sep) if args.targets else None)
    if args.targets:
        notes.extend(_encoding_notes(kwargs["targets"], args.targets))
    kwargs["indicators"] = _names(args.indicator_list)
    kwargs["metadata"] = meta
    kwargs["label_column"] = _label_column(args, meta)
    return {"data": data, "focus": focus, "options": _report_options(kwargs), "notes": notes, "source": path}


def _check_period_values(data: pd.DataFrame, period: str, path: str) -> None:
    """Periods must have a known order in time (years, academic years, dates) and one spelling each
    ("2021" and "2021-22" are one period): say so now, in one line."""
    try:
        sorted_periods(data[period], column=period)
    except BenchmarkError as exc:
        raise uf.InputFileError(f"{path}: {exc}") from None


def _encoding_notes(frame: pd.DataFrame, path: str) -> list[str]:
    """A note when a file was not UTF-8, so that a wrong guess is visible (names would look wrong)."""
    encoding = frame.attrs.get("encoding", "UTF-8")
    if encoding == "UTF-8":
        return []
    return [f"{path}: read as {encoding} (not UTF-8); if names look wrong, save the file as CSV UTF-8."]


def _typed(raw: pd.DataFrame, args: argparse.Namespace, meta: pd.DataFrame | None, entity: str,
           period: str | None, path: str) -> pd.DataFrame:
    """Numbers where numbers are expected: named columns and metadata indicators strictly, others by look."""
    named = [*(_names(args.indicator_list) or []), *(_names(args.inputs) or []), *(_names(args.outputs) or []),
             *(_names(args.outcomes) or []), *([args.cost] if args.cost else [])]
    if meta is not None:
        named += [i for i in meta["indicator"].astype(str) if i in raw.columns]
    uf.require_columns(raw, named, path=path, what="named in the options or the indicator metadata")
    strict = list(dict.fromkeys(named))
    looks = uf.numeric_columns(raw, exclude={entity, *strict})
    numeric = strict + looks + ([period] if period and period not in strict else [])
    try:
        return uf.to_numeric(raw, numeric, path=path)
    except uf.InputFileError:
        if period in numeric:  # a text period column (e.g. "2021-22") is fine: keep it as text
            return uf.to_numeric(raw, [c for c in numeric if c != period], path=path)
        raise
