"""The same train step in a plain PyTorch loop, timed beside Keras' in one run.

Needs the ``torch-peer`` extra; without torch these are skipped, with the reason shown.
"""

from __future__ import annotations

import pytest

from mnist_models import get_spec
from mnist_models.bench import files as bench_files
from mnist_models.bench.workloads import warm_up
from mnist_models.data.recipe_arrays import prepare

torch = pytest.importorskip("torch", reason="PyTorch peer needs the torch-peer extra")

from mnist_models.bench.peers import as_nchw, torch_model, torch_optimizer  # noqa: E402

ROUNDS = 30


@pytest.mark.parametrize("name", ["lenet5_bn", "mlp_100"])
def test_torch_train(benchmark, name):
    torch.set_num_threads(1)  # the same single intra-op thread the Keras benchmarks use
    spec = get_spec(name)
    (x, y), _ = prepare(spec.recipe, limit=spec.recipe.batch_size)
    x, y = as_nchw(x), torch.from_numpy(y.argmax(1))
    model = torch_model(spec)
    optimizer = torch_optimizer(model, spec)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        optimizer.step()

    # The first call allocates PyTorch's buffers, untimed; the others size the round, as they
    # do for the Keras workloads.
    iterations = warm_up(step)
    benchmark.group = name
    benchmark.pedantic(step, rounds=ROUNDS, iterations=iterations, warmup_rounds=2)
    benchmark.extra_info.update(bench_files.extra_info(
        name, "train", spec.recipe.batch_size, sum(p.numel() for p in model.parameters()),
        benchmark.stats.stats.median, "torch-peer"))
