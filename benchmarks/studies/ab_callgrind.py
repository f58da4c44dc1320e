"""Instructions counted under valgrind as a second, deterministic signal for bench-ab (issue 25,
item 6): do the counts repeat from process to process, and do they see a real slowdown?

    python benchmarks/studies/ab_callgrind.py --out calibration/ab-callgrind.json \\
        --side tf220=.tox/tf220/bin/python --side tf221=.tox/tf221/bin/python

For each side (a name and an interpreter with this package importable through PYTHONPATH),
``--processes`` fresh processes each run under ``valgrind --tool=callgrind --instr-atstart=no``
and build a workload as bench-ab's worker does (one thread, oneDNN off), warm it up, and then
count the instructions of ``--calls`` calls only: the parent turns instrumentation on and off
around them with ``callgrind_control``, while the child waits between the phases. Also the
slowed variant (``MNIST_MODELS_BENCH_EXTRA_WORK``) on the first side. Under valgrind oneDNN
sees an AVX2 CPU, and a call runs some 50 times slower.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(model: str, phase: str) -> None:
    """Build and warm up, then run the calls the parent asks for, one line at a time."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    from mnist_models.backend import compat
    from mnist_models.bench import workloads
    from mnist_models.zoo.registry import get_spec

    compat.configure_threads(*workloads.BENCH_THREADS)
    spec = get_spec(model)
    work = workloads.train_step(spec) if phase == "train" else workloads.inference(spec, 1024)
    print("ready", flush=True)
    for line in sys.stdin:
        for _ in range(int(line)):
            work.call()
        print("done", flush=True)


def _counted(python: str, env: dict[str, str], model: str, phase: str, calls: int,
             folder: Path) -> int:
    out = folder / f"callgrind.{time.monotonic_ns()}"
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
         python, __file__, "--child", model, phase],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=env, cwd="/")
    try:
        assert process.stdout.readline().strip() == "ready"
        subprocess.run(["callgrind_control", "--instr=on", str(process.pid)], check=True,
                       capture_output=True)
        process.stdin.write(f"{calls}\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "done"
        subprocess.run(["callgrind_control", "--instr=off", str(process.pid)], check=True,
                       capture_output=True)
    finally:
        process.stdin.close()
        process.wait()
    totals = [int(match) for match in re.findall(r"^(?:summary|totals): (\d+)",
                                                  out.read_text(), re.MULTILINE)]
    return max(totals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("MODEL", "PHASE"), help=argparse.SUPPRESS)
    parser.add_argument("--out")
    parser.add_argument("--side", action="append", metavar="NAME=PYTHON", default=[])
    parser.add_argument("--model", default="mlp_100")
    parser.add_argument("--phase", default="train", choices=("train", "infer1024"))
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--slowed", type=float, default=0.05)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sides = [side.split("=", 1) for side in args.side] or [["this", sys.executable]]
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [(name, python, base) for name, python in sides]
    runs.append((f"{sides[0][0]} +{args.slowed:.0%}", sides[0][1],
                 {**base, "MNIST_MODELS_BENCH_EXTRA_WORK": str(args.slowed)}))
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, python, env in runs:
            counts = [_counted(python, env, args.model, args.phase, args.calls, Path(folder))
                      / args.calls for _ in range(args.processes)]
            found[name] = counts
            print(f"{name}: instructions per call, per process: "
                  + ", ".join(f"{count:,.0f}" for count in counts)
                  + f" (max/min {max(counts) / min(counts):.5f})", flush=True)
    first = sides[0][0]
    for name, counts in found.items():
        if name != first:
            ratio = min(counts) / min(found[first])
            print(f"{name} / {first}: {ratio:.4f}")
    if args.out:
        Path(args.out).write_text(json.dumps({
            "argv": sys.argv, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "model": args.model, "phase": args.phase, "calls": args.calls,
            "instructions_per_call": found}, indent=1) + "\n")


if __name__ == "__main__":
    main()
