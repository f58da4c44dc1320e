"""Could instruction counts settle what timing leaves unresolved? (issue 25, item 6)

    python benchmarks/studies/ab_callgrind.py PY [PY ...] [--workloads mlp_25_25:train:100 ...]
        [--calls 20] [--repeats 2] [--extra-work 0.2]

For each interpreter, each workload, and each setting of the slowed variant (none, and
``--extra-work``), runs the workload in a fresh process under ``valgrind --tool=callgrind``
with instrumentation off from the start: the process builds and warms up the workload as
bench-ab's worker does (one thread per pool, oneDNN off), switches instrumentation on through
callgrind's client requests (a small C helper compiled here with ``valgrind/callgrind.h``),
makes ``--calls`` calls, and dumps. The count is the instructions executed (Ir) per call, by
all threads. Each is repeated ``--repeats`` times, to see whether the count is as steady as
callgrind promises for the same binary and inputs. An interpreter without this package on
its path gets this checkout's (PYTHONPATH), as bench-ab's studies do.

Under valgrind, oneDNN and Eigen see the CPU that valgrind emulates (no AVX-512), so the
counts are of another code path than the timed one; what matters is whether a change moves
them as it moves the time.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELPER_C = """
#include <valgrind/callgrind.h>
void instrumentation_on(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void dump(void) { CALLGRIND_DUMP_STATS_AT("timed calls"); CALLGRIND_STOP_INSTRUMENTATION; }
"""
CHILD = """
import ctypes, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
from mnist_models.backend import compat
from mnist_models.bench import workloads as benchmarking
from mnist_models.zoo.registry import get_spec
helper = ctypes.CDLL(sys.argv[1])
model, phase, batch = sys.argv[2].split(":")
calls = int(sys.argv[3])
compat.configure_threads(*benchmarking.BENCH_THREADS)
spec = get_spec(model)
workload = (benchmarking.train_step(spec) if phase == "train"
            else benchmarking.inference(spec, int(batch)))
for _ in range(3):
    workload.call()
helper.instrumentation_on()
for _ in range(calls):
    workload.call()
helper.dump()
"""


def _helper(folder: Path) -> Path:
    source, library = folder / "helper.c", folder / "libcallgrind_helper.so"
    source.write_text(HELPER_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(library), str(source)],
                   check=True)
    return library


def _instructions(out_file: Path) -> int:
    """Ir over the dump of the timed calls (every thread's file of that dump)."""
    total = 0
    for part in out_file.parent.glob(out_file.name + "*"):
        text = part.read_text(errors="replace")
        if "timed calls" not in text:
            continue
        found = re.search(r"^(?:summary|totals):\s+(\d+)", text, re.MULTILINE)
        total += int(found.group(1)) if found else 0
    return total


def count(python: str, workload: str, calls: int, extra: float, helper: Path,
          folder: Path, tag: str) -> tuple[float, float]:
    """Instructions per call and the wall seconds the run took."""
    out_file = folder / f"callgrind.{tag}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MNIST_MODELS_BENCH_EXTRA_WORK": str(extra)}
    started = time.perf_counter()
    subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                    "--dump-instr=no", "--separate-threads=no",
                    f"--callgrind-out-file={out_file}", python, "-c", CHILD, str(helper),
                    workload, str(calls)],
                   env=env, check=True, capture_output=True, text=True)
    return _instructions(out_file) / calls, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pythons", nargs="+")
    parser.add_argument("--workloads", nargs="+", default=["mlp_25_25:train:100"])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--extra-work", type=float, default=0.2)
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {args.calls} calls, "
          f"{args.repeats} repeats; instructions per call (Ir), wall seconds under valgrind")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        helper = _helper(folder)
        for workload in args.workloads:
            for python in args.pythons:
                for extra in (0.0, args.extra_work):
                    counts = []
                    for _ in range(args.repeats):
                        tag = f"{len(list(folder.iterdir()))}"
                        counts.append(count(python, workload, args.calls, extra, helper,
                                            folder, tag))
                    per_call = " ".join(f"{ir:,.0f}" for ir, _ in counts)
                    seconds = " ".join(f"{wall:.0f}" for _, wall in counts)
                    print(f"{workload} | {python} | extra work {extra:g} | Ir per call "
                          f"{per_call} | {seconds} s", flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
