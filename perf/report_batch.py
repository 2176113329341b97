"""Time every unit's report of the bundled panel in one batch beside separate report() calls.

    python perf/report_batch.py [--jobs 2] [--sample 10] [--units N]

1. The batch: :func:`benchmark.report_batch` over every unit of ``shuanggao``
   (197 units in two ``within`` groups) with the command line's defaults for
   that dataset, plus the overview, with ``--jobs`` worker processes.
2. The naive way: ``--sample`` separate :func:`benchmark.report` calls (units
   spread over the panel), timed in this process and extrapolated to every
   unit (the extrapolation is printed as such).

Prints both times, their ratio, the shared-model time, and the peak memory
(resident set size of this process and of its largest worker, from
``resource.getrusage``). Timings depend on the machine's load: run it on an
idle machine to compare versions.
"""

from __future__ import annotations

import argparse
import resource
import shutil
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
        batch = benchmark.report_batch(panel, units, path=work / "batch", n_jobs=args.jobs, **opts)
        batch_seconds = time.perf_counter() - started
        ok = int((batch.units["status"] == "ok").sum())
        unit_seconds = batch.units["seconds"].sum()
        step = max(1, len(units) // args.sample)
        sample = units[::step][:args.sample]
        started = time.perf_counter()
        for i, unit in enumerate(sample):
            benchmark.report(panel, unit, path=work / f"single-{i}.html", **opts)
        single = (time.perf_counter() - started) / len(sample)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    naive = single * len(units)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"units: {len(units)} ({ok} written), jobs: {args.jobs}, overview: "
          f"{'written' if batch.overview else 'not written'}")
    print(f"batch (shared models once per field, {args.jobs} worker(s)): {batch_seconds:.1f} s "
          f"(unit pages {unit_seconds:.1f} s of worker time, {unit_seconds / max(ok, 1):.2f} s per unit)")
    print(f"naive: {len(sample)} separate report() calls took {single:.2f} s each; extrapolated to "
          f"{len(units)} units: {naive:.0f} s")
    print(f"ratio naive / batch: {naive / batch_seconds:.1f}x")
    print(f"peak memory (max RSS): this process {own:.0f} MB, largest worker {workers:.0f} MB")


if __name__ == "__main__":
    main()
