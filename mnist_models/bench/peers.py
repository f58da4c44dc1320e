"""A plain PyTorch training loop for the same layers and recipe: the peer Keras is timed against.

Optional (``pip install ".[torch-peer]"``, the CPU build ``torch==2.13.0``). It matches Keras'
defaults where they differ from PyTorch's, so only the framework differs: Glorot-uniform
weights with zero biases, BatchNorm momentum 0.99 (PyTorch's 0.01) and epsilon 1e-3, Adam
epsilon 1e-7. Data comes from the same load and preprocessing as :func:`mnist_models.train`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from mnist_models.data.preprocessing import validation_split
from mnist_models.data.recipe_arrays import prepare
from mnist_models.spec import ModelSpec
from mnist_models.training.budget import EVALS_PER_EPOCH

if TYPE_CHECKING:
    import torch


@dataclass
class PeerResult:
    model: str
    test_accuracy: float
    seconds: float
    samples: int
    reached_target: bool | None


def _init_like_keras(module) -> None:
    import torch

    if isinstance(module, torch.nn.Conv2d | torch.nn.Linear):
        torch.nn.init.xavier_uniform_(module.weight)
        torch.nn.init.zeros_(module.bias)


def torch_model(spec: ModelSpec):
    """``lenet5_bn`` or ``mlp_100`` as a ``torch.nn.Sequential`` (NCHW), logits out."""
    import torch
    from torch import nn

    def bn2d(channels: int) -> nn.Module:
        return nn.BatchNorm2d(channels, eps=1e-3, momentum=0.01)

    def bn1d(features: int) -> nn.Module:
        return nn.BatchNorm1d(features, eps=1e-3, momentum=0.01)

    if spec.name == "lenet5_bn":
        model = nn.Sequential(
            nn.ZeroPad2d(2), nn.Conv2d(1, 6, 5), bn2d(6), nn.ReLU(), nn.AvgPool2d(2), bn2d(6),
            nn.Conv2d(6, 16, 5), bn2d(16), nn.ReLU(), nn.AvgPool2d(2), bn2d(16),
            nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), bn1d(120),
            nn.Linear(120, 84), nn.ReLU(), bn1d(84), nn.Linear(84, 10),
        )
    elif spec.name == "mlp_100":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.ReLU(), nn.Linear(100, 10))
    else:
        raise ValueError(f"no PyTorch peer for {spec.name!r}; peers: lenet5_bn, mlp_100")
    model.apply(_init_like_keras)
    return model.to(torch.float32)


def torch_optimizer(model: torch.nn.Module, spec: ModelSpec) -> torch.optim.Optimizer:
    """The optimizer of ``spec``'s recipe, with Keras' Adam epsilon."""
    import torch

    recipe = spec.recipe
    if recipe.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=recipe.learning_rate, eps=1e-7)
    return torch.optim.SGD(model.parameters(), lr=recipe.learning_rate,
                           momentum=recipe.momentum or 0.0)


def as_nchw(x: np.ndarray) -> torch.Tensor:
    """A Keras NHWC image batch as PyTorch's NCHW tensor; other arrays unchanged."""
    import torch

    tensor = torch.from_numpy(np.ascontiguousarray(x))
    return tensor.permute(0, 3, 1, 2).contiguous() if tensor.ndim == 4 else tensor


def _accuracy(model, x, labels) -> float:
    import torch

    model.eval()
    with torch.no_grad():
        correct = sum(int((model(x[i:i + 1000]).argmax(1) == labels[i:i + 1000]).sum())
                      for i in range(0, len(x), 1000))
    model.train()
    return correct / len(x)


def train_peer(spec: ModelSpec, *, epochs: int | None = None, seed: int = 0,
               target_accuracy: float | None = None) -> PeerResult:
    """Train the PyTorch twin of ``spec``'s model by its recipe; same clock and cadence as
    Keras'."""
    import torch

    recipe = spec.recipe
    started = time.perf_counter()
    (x_train, y_train), (x_test, y_test) = prepare(recipe)
    (x_fit, y_fit), _ = validation_split(x_train, y_train, recipe.validation_split)
    x_fit, x_test = as_nchw(x_fit), as_nchw(x_test)
    y_fit = torch.from_numpy(np.asarray(y_fit).argmax(1))
    y_test = torch.from_numpy(np.asarray(y_test).argmax(1))
    torch.manual_seed(seed)
    model = torch_model(spec)
    optimizer = torch_optimizer(model, spec)
    loss_fn = torch.nn.CrossEntropyLoss()
    batch = recipe.batch_size
    steps_per_epoch = math.ceil(len(x_fit) / batch)
    eval_every = steps_per_epoch / EVALS_PER_EPOCH
    samples, reached, accuracy = 0, False, 0.0
    for _ in range(epochs or recipe.epochs):
        order = torch.randperm(len(x_fit))
        next_eval = eval_every
        for step in range(steps_per_epoch):
            index = order[step * batch:(step + 1) * batch]
            optimizer.zero_grad(set_to_none=True)
            loss_fn(model(x_fit[index]), y_fit[index]).backward()
            optimizer.step()
            samples += len(index)
            if target_accuracy is not None and step + 1 >= next_eval:
                next_eval += eval_every
                accuracy = _accuracy(model, x_test, y_test)
                if accuracy >= target_accuracy:
                    reached = True
                    break
        if reached:
            break
    accuracy = _accuracy(model, x_test, y_test)
    return PeerResult(spec.name, accuracy, time.perf_counter() - started, samples,
                      None if target_accuracy is None else reached)
