"""Time to a test accuracy: Keras ``train`` against the plain PyTorch loop, side by side.

    python benchmarks/studies/time_to_accuracy.py --model lenet5_bn --target 0.99 --repeats 3

Runs alternate (Keras, PyTorch, Keras, ...) in one process so both see the same machine load;
prints every run, the medians and their ratio. Needs the ``torch-peer`` extra.
"""

from __future__ import annotations

import argparse
import statistics
import sys

from mnist_models.backend import compat
from mnist_models.bench.peers import train_peer
from mnist_models.training.train import train
from mnist_models.zoo.registry import get_spec


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="lenet5_bn", choices=["lenet5_bn", "mlp_100"],
                        help="a model with a PyTorch peer")
    parser.add_argument("--target", type=float, default=0.99)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=20, help="give up after this many")
    args = parser.parse_args()
    import torch

    spec = get_spec(args.model)
    keras_runs, torch_runs = [], []
    for repeat in range(args.repeats):
        k = train(spec, seed=repeat, target_accuracy=args.target, epochs=args.epochs)
        # Each repeat from a clean Keras session, so no repeat pays for the models before it.
        # (It did not cure the slow fifth Keras run of a process; BENCHMARKS.md.)
        k.keras_model = None
        compat.clear_session()
        t = train_peer(spec, seed=repeat, target_accuracy=args.target, epochs=args.epochs)
        keras_runs.append(k)
        torch_runs.append(t)
        print(f"repeat {repeat}: keras {k.seconds:.1f} s ({k.samples:,} samples, acc "
              f"{k.test_accuracy:.4f}, reached {k.reached_target}); torch {t.seconds:.1f} s "
              f"({t.samples:,} samples, acc {t.test_accuracy:.4f}, reached {t.reached_target})",
              flush=True)
    keras_s = statistics.median(r.seconds for r in keras_runs)
    torch_s = statistics.median(r.seconds for r in torch_runs)
    print(f"| framework | median s to {args.target} | median samples |")
    print("|---|---|---|")
    print(f"| Keras {compat.KERAS_VERSION} ({compat.backend()}) | {keras_s:.1f} | "
          f"{statistics.median(r.samples for r in keras_runs):,.0f} |")
    print(f"| PyTorch {torch.__version__} | {torch_s:.1f} | "
          f"{statistics.median(r.samples for r in torch_runs):,.0f} |")
    print(f"Keras / PyTorch time ratio: {keras_s / torch_s:.2f} "
          f"(throughput ratio {torch_s / keras_s:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
