"""What does a bench-ab generation's warm-up spend its time on? (issue 25, item 3)

    python benchmarks/studies/ab_warmup.py [--pair]

Runs, in a fresh process (two at once with ``--pair``, as bench-ab starts a generation),
what a worker's setup did until 2026-12-05, timed step by step: the import of Keras and its
backend, then per workload the model's build, its compile, the data, the first call
(tracing), the other warm-up calls and the calls that size a round; then the first rounds of
every workload, to see how many of them run slower than the rest. Prints one table per
process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _median_seconds(call, repeats: int) -> float:
    """How the worker sized a round until 2026-12-05: the median of ``repeats`` more calls."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return sorted(samples)[repeats // 2]


def measure() -> dict:
    """One process's breakdown, in seconds."""
    started = time.perf_counter()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from mnist_models.backend import compat
    from mnist_models.bench import workloads as benchmarking

    compat.configure_threads(*benchmarking.BENCH_THREADS)
    from mnist_models.data.recipe_arrays import prepare
    from mnist_models.training.train import compile_model
    from mnist_models.zoo.registry import all_specs, build

    steps = {"import": time.perf_counter() - started}
    clock = time.perf_counter
    calls = []
    for spec in all_specs():
        for phase, batch in (("train", spec.recipe.batch_size), ("infer", 1), ("infer", 1024)):
            mark = clock()
            model = build(spec, seed=0)
            steps["build"] = steps.get("build", 0) + clock() - mark
            mark = clock()
            if phase == "train":
                compile_model(model, spec.recipe, steps_per_execution=1,
                              jit_compile=spec.jit_compile)
            steps["compile"] = steps.get("compile", 0) + clock() - mark
            mark = clock()
            (x, y), _ = prepare(spec.recipe, limit=batch)
            steps["data"] = steps.get("data", 0) + clock() - mark
            if phase == "train":
                def call(model=model, x=x, y=y):
                    return model.train_on_batch(x, y)
            else:
                def call(model=model, x=x):
                    return model.predict_on_batch(x)
            mark = clock()
            call()
            steps["first call"] = steps.get("first call", 0) + clock() - mark
            mark = clock()
            for _ in range(benchmarking.WARMUP_CALLS - 1):
                last = clock()
                call()
                last = clock() - last
            steps["other warm-up calls"] = steps.get("other warm-up calls", 0) + clock() - mark
            mark = clock()
            # As the worker did: a call longer than a round was not sized again.
            per_call = last if last > benchmarking.ROUND_SECONDS else _median_seconds(call, 5)
            steps["sizing calls"] = steps.get("sizing calls", 0) + clock() - mark
            calls.append((f"{spec.name} {phase} {batch}", call,
                          benchmarking.iterations_per_round(per_call)))
    rounds = {name: [] for name, _, _ in calls}
    for number in range(4):
        mark = clock()
        for name, call, iterations in calls:
            start = clock()
            for _ in range(iterations):
                call()
            rounds[name].append((clock() - start) / iterations)
        steps[f"round {number + 1}"] = clock() - mark
    steps["total"] = clock() - started
    slow = {name: [round(t / min(times[1:]), 3) for t in times] for name, times in rounds.items()}
    return {"steps": steps, "round_ratio_to_best_later": slow}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", action="store_true", help="two processes at once")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure()))
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, __file__, "--child"], env=env, cwd="/",
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
                for _ in range(2 if args.pair else 1)]
    found = [json.loads(child.communicate()[0]) for child in children]
    print(f"{len(children)} process(es) at once, {time.perf_counter() - started:.1f} s wall, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    for number, result in enumerate(found):
        print(f"process {number + 1}: " + ", ".join(f"{key} {value:.1f} s"
                                                   for key, value in result["steps"].items()))
        first = sorted(result["round_ratio_to_best_later"].items(), key=lambda kv: -kv[1][0])
        print("  first round against the best later round, slowest five: " + ", ".join(
            f"{name} {ratios[0]:.2f}" for name, ratios in first[:5]))
        second = [ratios[1] for ratios in result["round_ratio_to_best_later"].values()]
        print(f"  second round: median {sorted(second)[len(second) // 2]:.2f}, "
              f"max {max(second):.2f}")


if __name__ == "__main__":
    main()
