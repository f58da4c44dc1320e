"""``mnist-models compare BASELINE CANDIDATE``: what changed between two environments or two
revisions, per model and aspect (architecture, numerics, learning, speed), in one run.

Every argument, both sides and every report path are checked before any worker starts: a bad
one is one line and exit 2, and nothing is left behind. Progress goes to stderr, the table to
stdout, the reports to their files, each written whole.
"""

from __future__ import annotations

import argparse
import importlib.util
from typing import Any

from mnist_models import outputs
from mnist_models.cli.common_args import (
    add_command,
    add_model_names,
    argument_type,
    margin,
    phases,
    positive_int,
    seconds,
    threshold,
)

ASPECTS = ("architecture", "numerics", "learning", "speed")


@argument_type
def aspect_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",")]
    for name in names:
        if name not in ASPECTS:
            raise ValueError(f"unknown aspect {name!r}; expected some of {', '.join(ASPECTS)}")
    return [aspect for aspect in ASPECTS if aspect in names]


@argument_type
def seed_count(text: str) -> int:
    count = positive_int(text)
    if count < 3:
        raise ValueError(f"expected 3 seeds or more (Welch's test needs 3 a side), got {count}")
    return count


def _check(args: argparse.Namespace) -> tuple[Any, Any]:
    """Both sides and every report path, before any work."""
    from mnist_models.compare import sides
    from mnist_models.zoo.registry import all_specs

    if args.html and importlib.util.find_spec("matplotlib") is None:
        raise outputs.OutputError("--html draws with matplotlib, which is not installed; "
                                  "expected pip install 'mnist-models[cli]'")
    for option in ("json", "html"):  # --markdown is checked with every command's
        if getattr(args, option):
            outputs.check_file(getattr(args, option), f"--{option} file")
    args.specs = args.specs or all_specs()
    return (sides.check("baseline", args.baseline), sides.check("candidate", args.candidate))


def cmd_compare(args: argparse.Namespace) -> int:
    from mnist_models.compare import page, report
    from mnist_models.compare.run import Options, compare

    specs = _check(args)
    options = Options(specs=args.specs, aspects=args.aspects, learning=args.learning,
                      seeds=args.seeds, margin=args.margin, phases=args.phases,
                      threshold=args.threshold, time_budget=args.time_budget)
    data = compare(specs, options)
    print(report.table(data))
    if args.json:
        report.write(data, args.json)
    if args.markdown:
        outputs.write_text(args.markdown, report.markdown(data))
    if args.html:
        outputs.write_text(args.html, page.page(data))
    return data["exit_code"]


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``compare`` to the ``mnist-models`` parser."""
    parser = add_command(sub, "compare", "what changed between two environments or two "
                         "revisions: per model, its architecture, numerics, learning and "
                         "speed, side by side; exit 1 when anything moved, learns worse or "
                         "is slower")
    for side in ("baseline", "candidate"):
        parser.add_argument(side, metavar=side.upper(),
                            help=f"the {side}: a Python interpreter with mnist-models installed "
                            "(a path, or a command on PATH), or a git revision of the checkout "
                            "you are in, run in a temporary worktree by this interpreter")
    add_model_names(parser, "compare")
    parser.add_argument("--aspects", type=aspect_list, default=list(ASPECTS), metavar="A,B",
                        help=f"comma-separated aspects among {', '.join(ASPECTS)} (default: "
                        "all)")
    parser.add_argument("--learning", choices=("moved", "all"), default="moved",
                        help="train where the numerics moved beyond round-off (moved), or "
                        "every model (all) (default: moved)")
    parser.add_argument("--seeds", type=seed_count, default=5, metavar="N",
                        help="seeds trained a side where learning is compared (default: 5)")
    parser.add_argument("--margin", type=margin, default=0.0025, metavar="FRACTION",
                        help="accuracy loss to flag, as a fraction (default: 0.0025)")
    parser.add_argument("--phases", type=phases, default="train,infer1,infer1024",
                        metavar="P,Q", help="speed phases among train, infer1, infer1024 "
                        "(default: all three)")
    parser.add_argument("--threshold", type=threshold, default="5%", metavar="PCT",
                        help="slowdown to flag (default: 5%%), as bench-ab's")
    parser.add_argument("--time-budget", type=seconds, metavar="SECONDS",
                        help="bound the whole run: learning stops training, and speed times "
                        "fewer rounds, to end within it (default: no bound)")
    parser.add_argument("--markdown", metavar="FILE",
                        help="also write the report as Markdown, for a pull request or "
                        "$GITHUB_STEP_SUMMARY (default: none)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the record as JSON (default: none)")
    parser.add_argument("--html", metavar="FILE",
                        help="also write one self-contained HTML page with a plot per aspect "
                        "(default: none)")
    parser.set_defaults(func=cmd_compare)
