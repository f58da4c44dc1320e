"""Each document's full recipe against its reported accuracy (opt in: ``-m reproduce``)."""

from __future__ import annotations

import pytest

import mnist_models
from mnist_models.reproduction.interval import interval
from mnist_models.reproduction.reproduce import reproduced
from mnist_models.training.train import train


def _cases():
    for name in mnist_models.list_models():
        shortfall = mnist_models.get_spec(name).reproduction_shortfall
        marks = [pytest.mark.xfail(strict=True, reason=shortfall)] if shortfall else []
        yield pytest.param(name, marks=marks)


@pytest.mark.reproduce
@pytest.mark.parametrize("name", list(_cases()))
def test_full_recipe_reaches_the_documents_accuracy(name):
    spec = mnist_models.get_spec(name)
    result = train(spec, seed=0)
    span = interval(spec, result.test_accuracy)
    assert reproduced(spec, result.test_accuracy), (
        f"{name}: {result.test_accuracy:.4f} after the document's recipe, document "
        f"{spec.document} reports {spec.reported_accuracy:.4f}, outside [{span.low:.4f}, "
        f"{span.high:.4f}] ({span.seed_noise})"
    )
