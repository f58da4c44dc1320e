"""One-off (issue 12): what lowers the noise of bench-ab's paired log-ratios on this machine?

    python benchmarks/studies/pinning.py --budget 90 --out base.json            # as before
    python benchmarks/studies/pinning.py --budget 90 --pin 1 --out pin1.json    # one core
    python benchmarks/studies/pinning.py --budget 90 --pin 0 --out pin0.json
    python benchmarks/studies/pinning.py --budget 90 --pin 1 --round 0.03 --out pin1-r03.json
    python benchmarks/studies/pinning.py --summary base.json pin1.json ...

Two workers of this interpreter (an A/A pair) time eight workloads in turns, as bench-ab does,
optionally with every thread of both pinned to one core, and with rounds of about ``--round``
seconds. Printed per workload: the median paired log-ratio and its spread (standard deviation
and 1.4826 x MAD, in percent), by wall and CPU clock, without the first round.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from mnist_models.bench.ab import client as bench_worker_client

WORKLOADS = [("cnn_32_64", "train", 128), ("cnn_32_64", "infer", 1024), ("lenet5", "infer", 1),
             ("mlp_100", "train", 64), ("mlp_25_25", "infer", 1024), ("lenet5_bn", "train", 64),
             ("cnn_64_32_32", "infer", 1024), ("mlp_100", "infer", 1)]
CLOCKS = ("seconds", "cpu_seconds")


def measure(pin: int | None, round_seconds: float, budget: float) -> dict:
    workers = [bench_worker_client.Worker(bench_worker_client.Side(name, sys.executable))
               for name in ("baseline", "candidate")]
    for worker in workers:
        worker.send({"op": "setup", "workloads": WORKLOADS})
    for worker in workers:
        worker.receive()
    iterations = []
    for index in range(len(WORKLOADS)):
        seconds = []
        for _ in range(5):
            workers[0].send({"op": "time", "index": index, "iterations": 1})
            seconds.append(workers[0].receive()["seconds"])
        iterations.append(max(1, round(round_seconds / np.median(seconds))))
    times = {clock: [[[], []] for _ in WORKLOADS] for clock in CLOCKS}
    started, rounds = time.perf_counter(), 0
    while time.perf_counter() - started < budget:
        for index in range(len(WORKLOADS)):
            for side, worker in sorted(enumerate(workers), reverse=rounds % 2 == 1):
                request = {"op": "time", "index": index, "iterations": iterations[index]}
                if pin is not None:
                    request["cpu"] = pin
                worker.send(request)
                answer = worker.receive()
                for clock in CLOCKS:
                    times[clock][index][side].append(answer[clock])
        rounds += 1
    for worker in workers:
        worker.close()
    return {"pin": pin, "round": round_seconds, "rounds": rounds, "iterations": iterations,
            "times": times}


def summary(data: dict) -> str:
    lines = [f"pin={data['pin']} round={data['round']} rounds={data['rounds']}"]
    for index, (model, phase, batch) in enumerate(WORKLOADS):
        cells = []
        for clock in CLOCKS:
            base, cand = (np.asarray(side[1:]) for side in data["times"][clock][index])
            logs = np.log(cand / base) * 100
            mad = 1.4826 * np.median(np.abs(logs - np.median(logs)))
            cells.append(f"{clock[:3]}: med {np.median(logs):+5.1f} sd "
                         f"{np.std(logs, ddof=1):5.1f} mad-sd {mad:5.1f}")
        lines.append(f"  {model:13s}{phase:6s}{batch:5d} it={data['iterations'][index]:3d}  "
                     + "   ".join(cells))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pin", type=int)
    parser.add_argument("--round", type=float, default=0.1)
    parser.add_argument("--budget", type=float, default=90)
    parser.add_argument("--out")
    parser.add_argument("--summary", nargs="+", metavar="JSON")
    args = parser.parse_args()
    if args.summary:
        print("\n".join(summary(json.loads(Path(path).read_text())) for path in args.summary))
        return
    data = measure(args.pin, args.round, args.budget)
    print(summary(data))
    if args.out:
        with open(args.out, "w") as out:
            json.dump(data, out)


if __name__ == "__main__":
    main()
