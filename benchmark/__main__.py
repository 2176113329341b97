"""Command line: ``python -m benchmark report``, ``demo`` and ``datasets``.

``python -m benchmark report --dataset shuanggao --out report.html`` writes
the gap-analysis report of one unit of the bundled synthetic panel;
``--data FILE.csv`` (with ``--targets`` and ``--indicators``) does the same
for the user's own data. Errors about the user's input are printed as one
line (``error: ...``) with a non-zero exit status, never as a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from benchmark._validation import BenchmarkError
from benchmark._cli_report import add_report_command

DEMO_INSTITUTION = None  # the demo picks the first B-tier school unit of the bundled panel


def _demo(args: argparse.Namespace) -> int:
    import pandas as pd

    from benchmark import datasets, peer_gap

    panel = datasets.load("shuanggao")
    meta = datasets.load("shuanggao_indicators")
    year = args.year
    latest = panel[panel["year"] == year]
    focus = args.institution
    if focus is None:
        schools = latest[(latest["unit_type"] == "school") & (latest["tier"] == "B")]
        focus = schools["institution"].iloc[0]
    indicators = [i for i in meta.loc[meta["role"] == "output", "indicator"] if i in latest.columns]
    indicators = [i for i in indicators if latest[i].notna().all()][:8]
    same_type = latest[latest["unit_type"] == latest.loc[latest["institution"] == focus, "unit_type"].iloc[0]]
    gaps = peer_gap(same_type, focus, indicators, cohort="tier", direction=meta, period=None)
    labels = meta.set_index("indicator")["label"]
    cols = ["indicator", "value", "cohort_median", "gap_median", "gap_median_pct", "percentile_rank"]
    table = gaps[[c for c in cols if c in gaps.columns]].copy()
    table.insert(1, "label", table["indicator"].map(labels))
    tier = latest.loc[latest["institution"] == focus, "tier"].iloc[0]
    n = int(gaps["n_cohort"].iloc[0]) if "n_cohort" in gaps.columns else len(same_type) - 1
    print(f"benchmark demo - synthetic Double High-Level panel, year {year}")
    print(f"Focus: {focus} (tier {tier}); cohort: the other {n} tier-{tier} units of the same type.")
    print("A positive gap means the focus is ahead of its cohort median.\n")
    with pd.option_context("display.width", 160, "display.max_columns", 20,
                           "display.float_format", "{:,.1f}".format):
        print(table.to_string(index=False))
    print("\nNext: python -m benchmark report --dataset shuanggao --out report.html")
    return 0


def _list(args: argparse.Namespace) -> int:
    import pandas as pd

    from benchmark import datasets

    with pd.option_context("display.width", 160, "display.max_colwidth", 60):
        print(datasets.list_datasets()[["name", "kind", "rows", "entity", "period", "description"]]
              .to_string(index=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmark",
        description="Benchmarking and gap analysis between institutions.\n\nStart with:\n"
                    "  python -m benchmark report --dataset shuanggao --out report.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--traceback", action="store_true",
                        help="show the full Python traceback of an error (for bug reports)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = sub.add_parser("demo", help="print a peer comparison of one unit of the bundled panel")
    demo.add_argument("--institution", default=None, help="focus unit (default: a B-tier school unit)")
    demo.add_argument("--year", type=int, default=2021, help="year to compare (default 2021)")
    demo.set_defaults(func=_demo)
    lst = sub.add_parser("datasets", help="list the bundled datasets")
    lst.set_defaults(func=_list)
    add_report_command(sub)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BenchmarkError as exc:
        if args.traceback:
            raise
        print(f"error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the output was piped into e.g. `head`: nothing left to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python quiet at exit
        return 0
    except OSError as exc:
        if args.traceback:
            raise
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"error: {where}{_one_line(exc.strerror or exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an unexpected failure: one line, the traceback on request
        if args.traceback:
            raise
        print(f"error: unexpected {type(exc).__name__}: {_one_line(exc)} (run again with --traceback and "
              "report it)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
