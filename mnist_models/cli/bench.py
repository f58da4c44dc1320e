"""``bench-compare`` and ``bench-report``: two benchmark runs, or many side by side."""

from __future__ import annotations

import argparse
import sys

from mnist_models.cli.common_args import (
    add_command,
    threshold,
)


def cmd_bench_compare(args: argparse.Namespace) -> int:
    from mnist_models.bench.compare import compare_files, report_lines, table

    # The threshold was parsed with the arguments; a broken file is a BaselineError (main).
    report = compare_files(args.baseline, args.current, args.threshold)
    print(table(report.results, args.threshold))
    lines, code = report_lines(report, args.allow_missing)
    print("\n".join(lines))
    return code

def cmd_bench_report(args: argparse.Namespace) -> int:
    from mnist_models.bench.report import chart, collect, markdown

    labels, rows = collect(args.files)  # every file checked before anything is written
    if args.chart:
        print(f"chart: {chart(labels, rows, args.chart)}", file=sys.stderr)
    print(markdown(labels, rows), end="")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``bench-compare`` and ``bench-report`` to the ``mnist-models`` parser."""
    compare = add_command(sub, "bench-compare", "flag slowdowns between two benchmark runs; exit 1 "
                   "on a regression")
    compare.add_argument("baseline", metavar="BASELINE.json",
                         help="pytest-benchmark JSON of the earlier run, saved with "
                         "--benchmark-save-data")
    compare.add_argument("current", metavar="CURRENT.json",
                         help="pytest-benchmark JSON of the run to check, saved the same way")
    compare.add_argument("--threshold", type=threshold, default="10%", metavar="PCT",
                         help="slowdown of the median round time to flag, in percent: 10 or "
                         "10%% (a value under 1 without %% is refused as ambiguous) "
                         "(default: 10%%)")
    compare.add_argument("--allow-missing", action="store_true",
                         help="compare what both files hold, and exit 0 although some "
                         "benchmark is in only one of them (default: name them, exit 1)")
    compare.set_defaults(func=cmd_bench_compare)

    report = add_command(sub, "bench-report", "samples/s per model, phase and batch size across "
                  "benchmark runs, as a Markdown table on stdout")
    report.add_argument("files", nargs="+", metavar="FILE",
                        help="pytest-benchmark JSON files, one per run")
    report.add_argument("--chart", metavar="PNG",
                        help="also draw the samples/s as a bar chart into the PNG file PNG "
                        "(default: no chart)")
    report.set_defaults(func=cmd_bench_report)
