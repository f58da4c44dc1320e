"""The verdict of each aspect of one model, from what the two sides' workers answered.

Every aspect gives an :class:`Aspect`: a verdict among :data:`VERDICTS`, a one-line summary a
person reads, and the details the reports and plots are drawn from (plain JSON).

- architecture: the built layer tables and parameter counts, side against side; a side's
  differences from its own document are shown, and the candidate's new ones count as moved;
- numerics: the candidate's fingerprint against the baseline's, quantity by quantity, against
  the tolerances calibrated for the fingerprint check. Those bound a side's deviation from the
  golden at 3 times the largest measured over versions and code paths, so two sides within
  round-off lie at most 2/3 of a tolerance apart: the same tolerance serves side against side;
- learning: the final accuracies over the same seeds on both sides, paired by seed
  (:mod:`mnist_models.convergence.compare`, ``paired``), ``ok`` read as "same";
- speed: bench-ab's interval per phase (:mod:`mnist_models.bench.ab.stats`): "slower" is its
  REGRESSION; "faster" only when the whole interval lies below 1 / (1 + threshold), a speed-up
  of at least the threshold, since a run of one interpreter against itself states smaller
  ones too often (BENCHMARKS.md); an unresolved phase is "inconclusive".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

ASPECTS = ("architecture", "numerics", "learning", "speed")
#: Most severe first: a model's verdict is its most severe aspect's, the run's its worst model's.
VERDICTS = ("worse", "slower", "moved", "inconclusive", "faster", "same", "not run")
#: Verdicts that make the command exit 1.
FAILING = frozenset({"worse", "slower", "moved"})


@dataclass(frozen=True)
class Aspect:
    verdict: str
    summary: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def most_severe(verdicts: Sequence[str]) -> str:
    return min(verdicts, key=VERDICTS.index) if verdicts else "not run"


def not_run(why: str) -> Aspect:
    return Aspect("not run", why)


def architecture(baseline: Mapping[str, Any], candidate: Mapping[str, Any]) -> Aspect:
    differences = []
    base_layers, cand_layers = baseline["layers"], candidate["layers"]
    if len(base_layers) != len(cand_layers):
        differences.append(f"{len(base_layers)} layers, now {len(cand_layers)}")
    for index, (was, now) in enumerate(zip(base_layers, cand_layers, strict=False)):
        for key in ("name", "kind", "output_shape", "params"):
            if was[key] != now[key]:
                differences.append(f"layer {index} {key} {was[key]}, now {now[key]}")
        for key in sorted(was["settings"].keys() | now["settings"].keys()):
            old, new = was["settings"].get(key), now["settings"].get(key)
            if old != new:
                differences.append(f"layer {index} {was['name']} {key} {old}, now {new}")
    for key, count in baseline["params"].items():
        if candidate["params"].get(key) != count:
            differences.append(f"{key} params {count:,}, now {candidate['params'].get(key):,}")
    new_document = [d for d in candidate["document"] if d not in baseline["document"]]
    details = {"differences": differences, "params": {"baseline": baseline["params"],
                                                      "candidate": candidate["params"]},
               "document": {"baseline": baseline["document"],
                            "candidate": candidate["document"]}}
    if differences or new_document:
        shown = differences or [f"differs from its document: {d}" for d in new_document]
        return Aspect("moved", "; ".join(shown[:3]) + (" ..." if len(shown) > 3 else ""),
                      details)
    note = "; differs from the document on both sides" if candidate["document"] else ""
    return Aspect("same", f"{len(cand_layers)} layers, "
                  f"{candidate['params']['total']:,} params{note}", details)


#: Where the numbers first moved, by quantity, in the order a training step computes them.
STAGES = (("schedule", "the schedule"), ("forward", "the forward pass"),
          ("losses@1", "the loss or optimizer"), ("first_update", "the loss or optimizer"),
          ("first_moving_stats", "BatchNormalization's moving statistics"),
          ("losses", "the updates"),
          ("updates", "the updates"))


def numerics(baseline: Mapping[str, Any], candidate: Mapping[str, Any],
             calibration: Mapping[str, Any]) -> Aspect:
    from mnist_models.fingerprints import goldens, tolerances

    key = candidate["key"]
    was = goldens.Fingerprint.from_json(baseline["key"], baseline["fingerprint"])
    now = goldens.Fingerprint.from_json(key, candidate["fingerprint"])
    rows = []
    for row in goldens.deviations(was, now):
        allowed = tolerances.tolerance(calibration, key, row.quantity)
        rows.append({"quantity": row.quantity, "where": row.where, "baseline": row.golden,
                     "candidate": row.now, "deviation": row.deviation, "tolerance": allowed,
                     "moved": row.deviation > allowed})
    moved = {row["quantity"] for row in rows if row["moved"]}
    first_loss = next(r for r in rows if r["quantity"] == "losses")["where"] == "step 1"
    if "losses" in moved and first_loss:
        moved.add("losses@1")
    details = {"rows": rows, "keys": [baseline["key"], key]}
    if not any(row["deviation"] for row in rows):
        return Aspect("same", "identical to the bit", details)
    if not moved:
        worst = max(rows, key=lambda r: r["deviation"] / r["tolerance"] if r["tolerance"]
                    else 0.0)
        return Aspect("same", f"within tolerance (closest: {worst['quantity']} "
                      f"{worst['deviation']:.1e} of {worst['tolerance']:.1e})", details)
    where = next(stage for quantity, stage in STAGES if quantity in moved)
    first = next(r for r in rows if r["moved"])
    # A known difference (Keras 2's Bessel-corrected moving variance) holds on one side only.
    differences = {k.split("@", 1)[1] for k in (baseline["key"], key) if "@" in k}
    known = (f"; a known difference: {', '.join(sorted(differences))}"
             if baseline["key"] != key else "")
    return Aspect("moved", f"moved first in {where}: {first['quantity']} at {first['where']} "
                  f"{first['deviation']:.2g} > {first['tolerance']:.1g}{known}", details)


def learning(baseline: Mapping[str, Any], candidate: Mapping[str, Any], model: str,
             margin: float) -> Aspect:
    from mnist_models.convergence import compare
    from mnist_models.convergence.record import ConvergenceRecord, ModelRuns, SeedRun

    def record(runs: Mapping[str, Any]) -> ConvergenceRecord:
        seeds = tuple(SeedRun(**run) for run in runs["runs"])
        return ConvergenceRecord({model: ModelRuns(runs["epochs"], runs["steps"],
                                                   runs["target_accuracy"], seeds)})

    found = compare.compare(record(baseline), record(candidate), margin, paired=True)[0]
    details = {"baseline": [r["test_accuracy"] for r in baseline["runs"]],
               "candidate": [r["test_accuracy"] for r in candidate["runs"]],
               "difference": found.difference, "low": found.low, "high": found.high,
               "margin": margin, "budget": found.budget}
    verdict = {"ok": "same"}.get(found.verdict, found.verdict)
    return Aspect(verdict, f"{found.candidate_mean:.4f} vs {found.baseline_mean:.4f} "
                  f"({found.difference * 100:+.2f} pt, 95% [{found.low * 100:+.2f}, "
                  f"{found.high * 100:+.2f}] paired by seed, {found.budget}, "
                  f"{found.seeds[0]} seeds)", details)


def speed_verdict(result: Any) -> str:
    if result.verdict == "REGRESSION":
        return "slower"
    if result.verdict == "unresolved":
        return "inconclusive"
    return "faster" if result.high < 1 / (1 + result.threshold) else "same"


def speed(results: Sequence[Any]) -> Aspect:
    verdicts = [speed_verdict(result) for result in results]
    worst = most_severe(verdicts)
    rows = [{"benchmark": r.label, "ratio": r.ratio, "low": r.low, "high": r.high,
             "threshold": r.threshold, "bench_ab": r.verdict, "verdict": v}
            for r, v in zip(results, verdicts, strict=True)]
    shown = ", ".join(f"{r.label.split(' ', 1)[1]} {r.ratio:.3f} ({r.low:.3f}-{r.high:.3f})"
                      for r in results)
    return Aspect(worst, shown, {"rows": rows})
