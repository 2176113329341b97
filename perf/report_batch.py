"""Time every unit's report of the bundled panel in one batch beside separate report() calls.

    python perf/report_batch.py [--jobs 2] [--sample 10] [--units N] [--figures svg|png]

1. The batch: :func:`benchmark.report_batch` over every unit of ``shuanggao``
   (197 units in two ``within`` groups) with the command line's defaults for
   that dataset, plus the overview, with ``--jobs`` worker processes and the
   unit figures drawn as ``--figures`` (default svg, the batch's default).
2. The naive way: ``--sample`` separate :func:`benchmark.report` calls (units
   spread over the panel), timed in this process and extrapolated to every
   unit (the extrapolation is printed as such): once as report() draws by
   default (matplotlib PNG figures), once with the batch's figure format, so
   the ratio of shared models and workers alone is printed too. Separate
   ``python -m benchmark report`` runs would also pay the start-up and import
   (about 1 s each) on top of this.

Prints both times, their ratio, the shared-model time, and the peak memory
(resident set size of this process and of its largest worker, from
``resource.getrusage``). Timings depend on the machine's load: run it on an
idle machine to compare versions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import benchmark
from benchmark import datasets
from benchmark._cli_report import DATASET_DEFAULTS


def settings() -> dict:
    d = DATASET_DEFAULTS["shuanggao"]
    return {"targets": datasets.load(d["targets"]), "metadata": datasets.load(d["indicators"]),
            "within": d["within"], "cohort": d["cohort"], "leaders": {"tier": "A"}, "official": d["official"],
            "inputs": d["inputs"], "outputs": d["outputs"], "description": d["description"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--units", type=int, default=None, help="only the first N units (default: all)")
    parser.add_argument("--figures", choices=["svg", "png"], default="svg", help="the batch's figure format")
    parser.add_argument("--cli-sample", type=int, default=2,
                        help="also time this many separate `python -m benchmark report` runs (default 2)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    panel = datasets.load("shuanggao")
    opts = settings()
    units = panel["institution"].unique().tolist()
    if args.units:
        units = units[:args.units]
    work = Path(tempfile.mkdtemp(prefix="report_batch_"))
    try:
        started = time.perf_counter()
        batch = benchmark.report_batch(panel, units, path=work / "batch", n_jobs=args.jobs, figures=args.figures,
                                       **opts)
        batch_seconds = time.perf_counter() - started
        ok = int((batch.units["status"] == "ok").sum())
        unit_seconds = batch.units["seconds"].sum()
        step = max(1, len(units) // args.sample)
        sample = units[::step][:args.sample]
        single = {}
        for kind in dict.fromkeys(["png", args.figures]):
            started = time.perf_counter()
            for i, unit in enumerate(sample):
                benchmark.report(panel, unit, path=work / f"single-{kind}-{i}.html", figures=kind, **opts)
            single[kind] = (time.perf_counter() - started) / len(sample)
        cli = None
        if args.cli_sample:
            started = time.perf_counter()
            for i, unit in enumerate(sample[:args.cli_sample]):
                subprocess.run([sys.executable, "-m", "benchmark", "report", "--dataset", "shuanggao", "--institution",
                                str(unit), "--out", str(work / f"cli-{i}.html")], check=True, capture_output=True)
            cli = (time.perf_counter() - started) / min(args.cli_sample, len(sample))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"units: {len(units)} ({ok} written), jobs: {args.jobs}, overview: "
          f"{'written' if batch.overview else 'not written'}")
    print(f"batch ({args.figures} figures, shared models once per field, {args.jobs} worker(s)): {batch_seconds:.1f} s "
          f"(unit pages {unit_seconds:.1f} s of worker time, {unit_seconds / max(ok, 1):.2f} s per unit)")
    for kind, seconds in single.items():
        naive = seconds * len(units)
        print(f"naive, {kind} figures: {len(sample)} separate report() calls took {seconds:.2f} s each; "
              f"extrapolated to {len(units)} units: {naive:.0f} s; ratio naive / batch: {naive / batch_seconds:.1f}x")
    if cli is not None:
        print(f"naive, separate command-line runs: {min(args.cli_sample, len(sample))} `python -m benchmark report` "
              f"runs took {cli:.2f} s each; extrapolated to {len(units)} units: {cli * len(units):.0f} s; "
              f"ratio: {cli * len(units) / batch_seconds:.1f}x")
    print(f"peak memory (max RSS): this process {own:.0f} MB, largest worker {workers:.0f} MB")


if __name__ == "__main__":
    main()
