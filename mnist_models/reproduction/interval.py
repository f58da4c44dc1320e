"""When does a reproduction count? An interval from the two noises between the figures.

Our figure is one run of the document's recipe at one seed, evaluated on the 10,000 MNIST test
images; the document's is one run at its own seed. Two noises separate them:

- **seed noise**: each run is one draw from the recipe's distribution over seeds, so the
  difference carries the seed variance twice (theirs and ours). Measured by training the
  recipe over seeds; where the full recipe is too long for this 2-core CPU, it is borrowed from
  the model's gate calibration (``calibration/gates.json``, the same recipe on a shorter
  budget, which here scatters more than a full run: the interval is then wide, not narrow);
- **the document's evaluation noise**: where it evaluated on ``n`` test images drawn at random
  (``ModelSpec.evaluated_on``; document 004: 500, with replacement), its figure is a binomial
  proportion around its model's accuracy p, variance p(1 - p) / n (p estimated by ours).
  A document that evaluated on the full test set evaluated on the very images we do: none.

The interval is ours +- z sqrt(2 sd_seed^2 + p(1 - p) / n), z for :data:`LEVEL` (two-sided);
the reproduction passes when the document's figure lies inside it.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from mnist_models.gates.calibration import calibrated
from mnist_models.spec import ModelSpec

#: Two-sided level of the interval: a faithful reproduction lands outside it 1% of the time.
LEVEL = 0.99
#: The MNIST test set; a figure evaluated on all of it has no sampling noise against ours.
TEST_IMAGES = 10_000


@dataclass(frozen=True)
class Interval:
    """Where the document's figure may lie, given our accuracy and the two noises."""

    low: float
    high: float
    seed_sd: float
    eval_sd: float
    seed_noise: str

    def contains(self, figure: float) -> bool:
        return self.low <= figure <= self.high


def seed_noise(spec: ModelSpec) -> tuple[float, str]:
    """The recipe's seed sd, and where it comes from (measured or borrowed)."""
    accuracies = calibrated(spec.gate, "tensorflow").accuracies if spec.gate else []
    if len(accuracies) < 2:
        raise ValueError(f"{spec.name}: no gate calibration to take its seed noise from")
    sd, gate, recipe = statistics.stdev(accuracies), spec.gate, spec.recipe
    if (gate.epochs, gate.steps) == (recipe.epochs, recipe.steps):
        return sd, f"measured: the full recipe over {len(accuracies)} seeds"
    budget = f"{gate.epochs} epochs" if gate.epochs else f"{gate.steps} steps"
    return sd, f"borrowed from the gate ({budget}, {len(accuracies)} seeds)"


def interval(spec: ModelSpec, ours: float) -> Interval:
    """The interval for ``spec``'s reported figure around our accuracy ``ours``."""
    sd, source = seed_noise(spec)
    n = spec.evaluated_on
    eval_sd = math.sqrt(ours * (1 - ours) / n) if n < TEST_IMAGES else 0.0
    z = statistics.NormalDist().inv_cdf(0.5 + LEVEL / 2)
    half = z * math.sqrt(2 * sd**2 + eval_sd**2)
    return Interval(ours - half, ours + half, sd, eval_sd, source)
