"""Every unit's report in one run: the shared models once per field, the unit pages in parallel.

:func:`report_batch` is what an evaluator runs to give each unit its own
gap-analysis report. The models every report shares (DEA, composite rank
intervals, tiers, completion of all units: :func:`field_models`) are
computed once per field - per ``within`` group and evaluation period - and
reused; only the work that depends on the unit (its peer gaps with their
bootstrap, its self-comparison, its figures) runs per unit, in joblib worker
processes when ``n_jobs != 1``. A unit whose report fails is listed with its
error in the index and the result table; the others are written.
"""

from __future__ import annotations

import collections
import dataclasses
import importlib.util
import re
import time
import urllib.parse
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from benchmark import _report_html as H
from benchmark._i18n import resolve_lang
from benchmark._i18n import t as _t
from benchmark._i18n import using as _using
from benchmark._results import Result, headline
from benchmark._validation import (
    BenchmarkError,
    check_entity,
    check_n_jobs,
    instance,
    validate_params,
)
from benchmark.reporting._models import (
    FieldModels,
    _frame_and_period,
    field_models,
    within_groups,
)
from benchmark.reporting._options import ReportOptions
from benchmark.reporting._report import make_options, restrict, unit_period, write_unit

__all__ = ["BatchReport", "report_batch"]

_INDEX = "index.html"
#: The index page's own words in Chinese (the reports use the library's message table).
_ZH = {"Gap-analysis reports": "差距分析报告", "{ok} of {n} reports written.": "已生成 {ok} / {n} 份报告。",
       "Unit": "单位", "Group": "组别", "Period": "评价期", "Status": "状态", "ok": "完成", "Reports": "报告",
       "Overview of the whole field": "全体单位总览", "Written by benchmark {version}.": "由 benchmark {version} 生成。",
       "{names} listed more than once; one report each.": "{names} 重复列出，每个单位只生成一份报告。",
       "The overview of the whole field was not written: no field could be modelled.":
           "未生成全体单位总览：没有可以建模的单位组。",
       "The overview of the whole field was not written: {message}": "未生成全体单位总览：{message}",
       "overview.xlsx was not written: Excel files need openpyxl (pip install openpyxl).":
           "未生成 overview.xlsx：写 Excel 文件需要 openpyxl（pip install openpyxl）。"}
_OVERVIEW = "overview.html"


@dataclasses.dataclass(frozen=True, repr=False)
class BatchReport(Result):
    """What :func:`report_batch` wrote: one row per unit, the folder, the index and the overview.

    Attributes
    ----------
    units : DataFrame
        One row per unit asked for: the entity column, the ``within`` values,
        ``group`` (the unit's cohort value or official tier when there is
        one), ``at`` (evaluation period), ``status`` (``"ok"`` or
        ``"failed"``), ``error`` (the message of a failure), ``file`` (the
        report's file name in the folder) and ``seconds``.
    path : Path
        The output folder.
    index : Path
        ``index.html``, linking every report.
    overview : Path or None
        ``overview.html`` (the evaluator's page of the whole field), when written.
    notes : tuple of str
        What was not written and why (e.g. the overview).
    seconds : float
        Time taken for the whole batch.
    """

    units: pd.DataFrame
    path: Path
    index: Path
    overview: Path | None = None
    notes: tuple = ()
    seconds: float = float("nan")

    def summary(self) -> pd.DataFrame:
        """Units written and failed, and the time taken."""
        status = self.units["status"]
        return headline([("units", len(status)), ("written", int((status == "ok").sum())),
                         ("failed", int((status != "ok").sum())), ("seconds", round(self.seconds, 1))])

    def failed(self) -> pd.DataFrame:
        """The units whose report could not be written, with the reason."""
        return self.units[self.units["status"] != "ok"].reset_index(drop=True)

    def _params(self) -> dict[str, Any]:
        return {"path": str(self.path), "units": len(self.units)}


@validate_params("n_jobs", "progress", force=instance(bool), overview=instance(bool))
def report_batch(data: pd.DataFrame, focus: Any = None, *, path: str | Path, force: bool = False, n_jobs: int = 1,
                 progress: bool = False, overview: bool = True, options: ReportOptions | None = None,
                 **settings: Any) -> BatchReport:
    """Write the gap-analysis report of every unit (or of the units listed) into one folder.

    The folder gets one HTML report per unit (the page :func:`report`
    writes for it with the same settings; the batch draws the figures as
    SVG unless ``figures="png"``, see :class:`ReportOptions`),
    ``index.html`` linking them with each unit's group and status, and the
    evaluator's overview of the whole field (``overview.html`` and
    ``overview.xlsx``). The models every report shares
    are computed once per field (per ``within`` group and evaluation period)
    and reused; the rest runs per unit.

    Parameters
    ----------
    data : DataFrame
        Panel or cross-section, as for :func:`report`.
    focus : None or list of entity names
        The units to report on (default: every unit of ``data``). An unknown
        name is an error naming the closest matches.
    path : str or Path
        The output folder (created when absent).
    force : bool
        Write into a folder that exists and is not empty (files of the same
        name are replaced). Default False: such a folder is an error.
    n_jobs : int
        Worker processes for the unit reports (joblib, loky backend); ``-1``
        uses every core. Default 1.
    progress : bool
        Show a progress bar (needs tqdm).
    overview : bool
        Also write the evaluator's overview (default True).
    options : ReportOptions, optional
        Settings made beforehand; keyword ``settings`` override them.
    **settings
        Any field of :class:`ReportOptions`, as for :func:`report`.

    Returns
    -------
    BatchReport
        The unit table (``units``), folder, index and overview paths.

    See Also
    --------
    report : the report of one unit.

    Examples
    --------
    >>> import benchmark, tempfile
    >>> panel = benchmark.datasets.load("shuanggao")
    >>> schools = panel[panel["unit_type"] == "school"]
    >>> units = schools["institution"].unique()[:2].tolist()
    >>> batch = benchmark.report_batch(schools, units, path=tempfile.mkdtemp(), overview=False,
    ...                                indicators=["placement_rate", "skill_prizes", "tech_service_income"],
    ...                                n_boot=100, n_draws=20, n_tier_boot=0)
    >>> batch.units["status"].tolist()
    ['ok', 'ok']
    """
    started = time.perf_counter()
    workers = check_n_jobs(n_jobs)
    opts = make_options(options, settings)
    if opts.figures is None:  # direct SVG: a tenth of the time of matplotlib PNGs for 200 pages
        opts = dataclasses.replace(opts, figures="svg")
    frame, period = _frame_and_period(data, opts)
    units, repeated = _units(frame, focus, opts)
    folder = _folder(path, force)
    jobs, rows, fields = _plan(frame, units, opts, period)
    results = _run(jobs, folder, workers, progress)
    for row in rows:
        row.update(results.get(row["_key"], {}))
    table = pd.DataFrame(rows).drop(columns="_key")
    # (template, values): English in BatchReport.notes, the page's language in the index
    notes: list[tuple[str, dict[str, Any]]] = []
    if repeated:
        notes.append(("{names} listed more than once; one report each.",
                      {"names": ", ".join(map(str, repeated))}))
    written_overview = _overview(frame, fields, folder, notes, workers) if overview else None
    index = _index(table, folder, opts, fields, written_overview, notes)
    return BatchReport(units=table, path=folder, index=index, overview=written_overview,
                       notes=tuple(text.format(**values) for text, values in notes),
                       seconds=time.perf_counter() - started)


# ============================================================ arguments
def _units(frame: pd.DataFrame, focus: Any, opts: ReportOptions) -> tuple[list[Any], list[Any]]:
    entity = opts.entity
    if focus is None:
        return pd.unique(frame[entity].dropna()).tolist(), []
    if isinstance(focus, str) or not isinstance(focus, Iterable):
        focus = [focus]
    counts = collections.Counter(focus)  # in the order listed
    if not counts:
        raise BenchmarkError("`focus` lists no unit; give names, or focus=None for every unit.")
    for name in counts:
        check_entity(frame, name, entity=entity)  # the same close-match message as a single report
    return list(counts), [name for name, n in counts.items() if n > 1]


def _folder(path: Any, force: bool) -> Path:
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise BenchmarkError(f"`path` {str(folder)!r} is a file; give a folder for the reports.")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise BenchmarkError(f"the folder {str(folder)!r} exists and is not empty; pass force=True (--force on "
                             "the command line) to write into it, or choose a new folder.")
    if not folder.parent.is_dir():
        raise BenchmarkError(f"cannot create the folder {str(folder)!r}: {str(folder.parent)!r} does not exist.")
    folder.mkdir(exist_ok=True)
    return folder


def file_name(number: int, unit: Any) -> str:
    """A safe, unique file name for a unit's report: its number and its name without path characters."""
    text = re.sub(r"[^\w\-]+", "_", str(unit), flags=re.UNICODE).strip("_")[:60]
    return f"{number:03d}-{text or 'unit'}.html"


# ============================================================ planning: the shared models once per field
@dataclasses.dataclass(frozen=True)
class _Job:
    models: FieldModels
    units: tuple[tuple[Any, str, tuple[str, ...]], ...]  # (unit, file name, notes)


def _plan(frame: pd.DataFrame, units: list[Any], opts: ReportOptions,
          period: str | None) -> tuple[list[_Job], list[dict[str, Any]], list[FieldModels]]:
    """One job per field (within group and period) with its units; a row per unit for the result table."""
    wanted = {u: i for i, u in enumerate(units, start=1)}
    rows = {u: _row(opts, u, wanted[u]) for u in units}
    jobs: list[_Job] = []
    fields: list[FieldModels] = []
    placed: set = set()
    unit_opts = dataclasses.replace(opts, period=period)
    for key, rows_of_group in within_groups(frame, opts):
        members = [u for u in pd.unique(rows_of_group[opts.entity]).tolist() if u in wanted]
        placed.update(members)
        if not members:
            continue
        by_period: dict[Any, list[tuple[Any, str, tuple[str, ...]]]] = {}
        for unit in members:
            rows[unit].update({f"{c}": v for c, v in key.items()})
            try:
                at, notes = unit_period(rows_of_group, unit, unit_opts)
            except BenchmarkError as exc:
                rows[unit].update(status="failed", error=str(exc))
                continue
            rows[unit]["at"] = at
            by_period.setdefault(at, []).append((unit, rows[unit]["file"], tuple(notes)))
        for at, batch in by_period.items():
            try:
                models = field_models(rows_of_group, dataclasses.replace(opts, at=at))
            except BenchmarkError as exc:
                for unit, *_ in batch:
                    rows[unit].update(status="failed", error=str(exc))
                continue
            fields.append(models)
            for unit, *_ in batch:
                rows[unit]["group"] = _group_value(models, unit)
            jobs.append(_Job(models=models, units=tuple(batch)))
    for unit in units:
        if unit not in placed:
            try:
                restrict(frame, unit, opts)
            except BenchmarkError as exc:
                rows[unit].update(status="failed", error=str(exc))
    return jobs, list(rows.values()), fields


def _row(opts: ReportOptions, unit: Any, number: int) -> dict[str, Any]:
    return {"_key": unit, opts.entity: unit, **{c: None for c in opts.within}, "group": None, "at": None,
            "status": "failed", "error": None, "file": file_name(number, unit), "seconds": float("nan")}


def _group_value(models: FieldModels, unit: Any) -> Any:
    """The unit's cohort value (a cohort column) or official tier, for the index."""
    opts, cs = models.options, models.cross_section
    column = opts.cohort if isinstance(opts.cohort, str) and opts.cohort in cs.columns else models.official
    if column is None:
        return None
    values = cs.loc[cs[models.entity] == unit, column].dropna()
    return values.iloc[0] if len(values) else None


# ============================================================ running
def _run(jobs: list[_Job], folder: Path, workers: int, progress: bool) -> dict[Any, dict[str, Any]]:
    """Write every unit's report; one chunk of units per task so each worker unpickles a field's models once."""
    tasks = [(job.models, chunk) for job in jobs for chunk in _chunks(job.units, workers)]
    total = sum(len(job.units) for job in jobs)
    bar = _bar(total, progress)
    out: dict[Any, dict[str, Any]] = {}
    if workers == 1 or len(tasks) <= 1:
        for models, chunk in tasks:
            for unit, result in _write_chunk(models, chunk, folder).items():
                out[unit] = result
                bar.update(1) if bar is not None else None
    else:
        from joblib import Parallel, delayed

        parallel = Parallel(n_jobs=workers, backend="loky", return_as="generator_unordered")
        for done in parallel(delayed(_write_chunk)(models, chunk, folder) for models, chunk in tasks):
            out.update(done)
            bar.update(len(done)) if bar is not None else None
    if bar is not None:
        bar.close()
    return out


def _chunks(units: Sequence[Any], workers: int) -> list[tuple[Any, ...]]:
    if workers == 1:
        return [tuple(units)]
    size = max(1, -(-len(units) // (2 * workers)))  # two chunks per worker keeps both busy to the end
    return [tuple(units[i:i + size]) for i in range(0, len(units), size)]


def _bar(total: int, progress: bool) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise BenchmarkError("progress=True needs tqdm: pip install tqdm.") from None
    return tqdm(total=total, desc="reports", unit="unit")


def _write_chunk(models: FieldModels, chunk: Sequence[tuple[Any, str, tuple[str, ...]]],
                 folder: Path) -> dict[Any, dict[str, Any]]:
    """Write the reports of ``chunk``; a failing unit is recorded, never raised."""
    out = {}
    for unit, name, notes in chunk:
        started = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # each report lists its warnings among its notes
                write_unit(models, unit, path=folder / name, notes=list(notes))
            out[unit] = {"status": "ok", "error": None}
        except Exception as exc:  # noqa: BLE001 - one unit's failure must not stop the others
            message = str(exc) if isinstance(exc, BenchmarkError) else f"{type(exc).__name__}: {exc}"
            out[unit] = {"status": "failed", "error": message}
        out[unit]["seconds"] = time.perf_counter() - started
    return out


# ============================================================ overview and index
def _overview(frame: pd.DataFrame, fields: list[FieldModels], folder: Path, notes: list[tuple[str, dict[str, Any]]],
              workers: int) -> Path | None:
    from benchmark.reporting._overview import overview

    shared = _one_per_group(fields)
    if not shared:
        notes.append(("The overview of the whole field was not written: no field could be modelled.", {}))
        return None
    workbook: Path | None = folder / "overview.xlsx"
    if importlib.util.find_spec("openpyxl") is None:  # the page does not need it; only its workbook does
        workbook = None
        notes.append(("overview.xlsx was not written: Excel files need openpyxl (pip install openpyxl).", {}))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            overview(frame, path=folder / _OVERVIEW, excel=workbook, models=shared, n_jobs=workers)
    except Exception as exc:  # noqa: BLE001 - the unit reports are written; say why the overview is not
        message = str(exc) if isinstance(exc, BenchmarkError) else f"{type(exc).__name__}: {exc}"
        notes.append(("The overview of the whole field was not written: {message}", {"message": message}))
        return None
    return folder / _OVERVIEW


def _one_per_group(fields: list[FieldModels]) -> list[FieldModels]:
    """The models of each within group at its most common evaluation period."""
    best: dict[tuple, FieldModels] = {}
    for models in fields:
        cs = models.cross_section
        key = tuple(str(pd.unique(cs[c].dropna())[:1].tolist()) for c in models.options.within)
        current = best.get(key)
        if current is None or len(models.cross_section) > len(current.cross_section):
            best[key] = models
    return list(best.values())


def _index(table: pd.DataFrame, folder: Path, opts: ReportOptions, fields: list[FieldModels],
           overview: Path | None, notes: list[tuple[str, dict[str, Any]]]) -> Path:
    labels = fields[0].metadata["label"].astype(str).tolist() if fields and "label" in fields[0].metadata else []
    lang = resolve_lang(opts.lang, labels)
    with _using(lang):
        document = _index_page(table, opts, overview, notes)
    target = folder / _INDEX
    target.write_text(document, encoding="utf-8")
    return target


def _w(text: str, **values: Any) -> str:
    """The index page's text in the current language."""
    template = _ZH.get(text, text) if _t("Summary") != "Summary" else text
    return template.format(**values) if values else template


def _index_page(table: pd.DataFrame, opts: ReportOptions, overview: Path | None,
                notes: list[tuple[str, dict[str, Any]]]) -> str:
    entity = opts.entity
    ok = int((table["status"] == "ok").sum())
    head = opts.title or _w("Gap-analysis reports")
    sub = [_t(line) for line in (opts.description,) if line]
    sub.append(_w("{ok} of {n} reports written.", ok=ok, n=len(table)))
    rows = []
    for _, r in table.iterrows():
        name = H.esc(r[entity])
        link = (f'<a href="{H.esc(urllib.parse.quote(r["file"]))}">{name}</a>' if r["status"] == "ok" else name)
        cells = [link, *(H.esc(r[c]) for c in opts.within), H.esc(r["group"]), H.esc(r["at"]),
                 H.esc(_w("ok")) if r["status"] == "ok" else f'<span class="neg">{H.esc(r["error"])}</span>']
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    headers = [_w("Unit"), *(_t(c) for c in opts.within), _w("Group"), _w("Period"), _w("Status")]
    table_html = ('<div class="table-wrap"><table class="data" id="table-units"><thead><tr>'
                  + "".join(f"<th>{H.esc(h)}</th>" for h in headers) + "</tr></thead><tbody>" + "".join(rows)
                  + "</tbody></table></div>")
    links = (f'<p><a href="{_OVERVIEW}">{H.esc(_w("Overview of the whole field"))}</a></p>' if overview else "")
    items = "".join(f"<li>{H.esc(_w(text, **values))}</li>" for text, values in notes)
    extra = f'<ul class="facts">{items}</ul>' if notes else ""
    body = (f'<section class="part" id="units">\n<h2>{H.esc(_w("Reports"))}</h2>\n{links}{extra}{table_html}\n'
            "</section>")
    from benchmark import __version__

    footer = _w("Written by benchmark {version}.", version=__version__)
    return H.page(title=head, subtitle=sub, toc=[("units", _w("Reports"))], body=body, footer=footer,
                  lang="zh-CN" if _t("Summary") != "Summary" else "en")


def failed_units(batch: BatchReport) -> list[str]:
    """``unit: error`` lines of the failed units (for the command line)."""
    entity = batch.units.columns[0]
    return [f"{r[entity]}: {r['error']}" for _, r in batch.failed().iterrows()]
