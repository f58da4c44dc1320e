"""Why do two worker processes of one interpreter time a workload differently for their whole
life? (issue 25, item 5: the MLPs' batch-1024 inference, and the heavy workloads' odd
generations)

    python benchmarks/studies/ab_process_noise.py faults [--processes 2]
    python benchmarks/studies/ab_process_noise.py parts [--processes 8] [--model mlp_100]

``faults``: in fresh processes set up as bench-ab's worker is, with glibc's default allocator
and with bench-ab's (:data:`mnist_models.bench.ab.client.MALLOC_TUNABLES`), one round of every
workload: its minor page faults and CPU milliseconds per call.

``parts``: in fresh processes, a model's batch-1024 inference taken apart, each part timed in
15 rounds of 50 calls (CPU clock, pinned to the last CPU), the median per process: Keras'
``predict_on_batch`` on the numpy batch, converting that batch to a tensor alone, the compiled
model on a tensor alone, and numpy copying the batch. A part whose time differs from process
to process, and not within one, is where the offset comes from.
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


def _configured():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from mnist_models.backend import compat
    from mnist_models.bench import workloads

    compat.configure_threads(*workloads.BENCH_THREADS)
    return workloads


def _pin_all() -> None:
    cpu = max(os.sched_getaffinity(0))
    for thread in os.listdir("/proc/self/task"):
        os.sched_setaffinity(int(thread), {cpu})


def faults() -> dict:
    import resource

    workloads = _configured()
    from mnist_models.zoo.registry import all_specs

    chosen = []
    for spec in all_specs():
        chosen += [workloads.train_step(spec), workloads.inference(spec, 1),
                   workloads.inference(spec, 1024)]
    _pin_all()
    found = {}
    for workload in chosen:
        before, cpu = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
        for _ in range(workload.iterations):
            workload.call()
        after = resource.getrusage(resource.RUSAGE_SELF)
        found[f"{workload.model} {workload.phase} {workload.batch_size}"] = [
            (after.ru_minflt - before.ru_minflt) / workload.iterations,
            (time.process_time() - cpu) / workload.iterations * 1e3]
    return found


def parts(model: str) -> dict:
    _configured()
    import numpy as np
    import tensorflow as tf

    from mnist_models.data.recipe_arrays import prepare
    from mnist_models.zoo.registry import build, get_spec

    spec = get_spec(model)
    keras_model = build(spec, seed=0)
    (x, _), _ = prepare(spec.recipe, limit=1024)
    tensor = tf.convert_to_tensor(x)
    compiled = tf.function(lambda t: keras_model(t, training=False))
    calls = {"predict_on_batch": lambda: keras_model.predict_on_batch(x),
             "convert": lambda: tf.convert_to_tensor(x),
             "model on tensor": lambda: compiled(tensor), "numpy copy": x.copy}
    for call in calls.values():
        for _ in range(5):
            call()
    _pin_all()
    rounds = {name: [] for name in calls}
    for _ in range(15):
        for name, call in calls.items():
            started = time.process_time()
            for _ in range(50):
                call()
            rounds[name].append((time.process_time() - started) / 50 * 1e3)
    return {name: float(np.median(times)) for name, times in rounds.items()}


def _children(argv: list[str], processes: int, env: dict[str, str]) -> list[dict]:
    found = []
    for _ in range(processes):  # one after another: each alone on the machine
        done = subprocess.run([sys.executable, __file__, *argv, "--child"], cwd="/", env=env,
                              capture_output=True, text=True, check=True)
        found.append(json.loads(done.stdout.splitlines()[-1]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=("faults", "parts"))
    parser.add_argument("--processes", type=int)
    parser.add_argument("--model", default="mlp_100")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(faults() if args.what == "faults" else parts(args.model)))
        return
    from mnist_models.bench.ab.client import MALLOC_TUNABLES

    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {sys.executable}")
    base = {key: value for key, value in os.environ.items() if key != "GLIBC_TUNABLES"}
    base["PYTHONPATH"] = str(ROOT)
    for variant, env in (("glibc's default allocator", base),
                         (f"GLIBC_TUNABLES={MALLOC_TUNABLES}",
                          {**base, "GLIBC_TUNABLES": MALLOC_TUNABLES})):
        print(f"\n{variant}")
        if args.what == "faults":
            for number, found in enumerate(_children(["faults"], args.processes or 2, env)):
                print(f"  process {number + 1}: " + "; ".join(
                    f"{name} {flt:.0f} faults {ms:.2f} ms" for name, (flt, ms) in found.items()))
        else:
            found = _children(["parts", "--model", args.model], args.processes or 8, env)
            for name in found[0]:
                values = [process[name] for process in found]
                print(f"  {name:17s} ms per call, per process: "
                      + " ".join(f"{value:.3f}" for value in values)
                      + f"  (max/min {max(values) / min(values):.2f})")


if __name__ == "__main__":
    main()
