"""``python -m mnist_models.bench_worker``: the bench-ab worker, at the path another side's
interpreter starts. It must stay here whatever version that side has installed; the worker
itself is :mod:`mnist_models.bench.worker`."""

import sys

from mnist_models.bench.worker import main

if __name__ == "__main__":
    sys.exit(main())
