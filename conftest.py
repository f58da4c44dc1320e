"""Suite-wide pytest set-up: markers, tiers, seeding, Keras session hygiene, hypothesis profiles.

Tiers (timm style, chosen by marker):
- default run: everything not marked ``reproduce``, the ``training`` accuracy gates included;
- ``-m "not training and not reproduce and not gpu"``: the fast tier, no training;
- ``-m reproduce``: each document's full recipe, opt in (skipped, with the reason, otherwise);
- ``gpu``: skipped, with the reason, where no GPU is visible to the backend; with
  ``MNIST_MODELS_REQUIRE_GPU=1`` (a GPU runner's setting) that is a usage error instead, so a
  broken CUDA install cannot pass as a skipped GPU job.
"""

from __future__ import annotations

import gc
import os

# TensorFlow prints its C++ start-up chatter before any Python logging is configured.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import pytest
from hypothesis import HealthCheck, settings

#: Fixtures shared across test folders, registered once: a headless Chromium (one Playwright
#: session for the whole run: two at once cannot share the sync API's event loop) and a
#: PostgreSQL server.
pytest_plugins = ["tests.support.browser", "tests.support.postgres"]

REQUIRE_GPU_ENV = "MNIST_MODELS_REQUIRE_GPU"
MARKERS = {
    "training": "short accuracy gate: trains a model on a small budget (default run)",
    "reproduce": "a document's full training recipe; opt in with -m reproduce",
    "gpu": "needs a GPU; skipped without one",
    "timing": "compares wall-clock times of separate runs; needs a machine no parallel job "
    "shares (tox deselects it: tox -p oversubscribes the cores)",
}

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=50)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    # Under pytest-xdist (`pytest -n N`), wall-clock tests must not share the machine with one
    # another, so they carry one xdist_group (below); that grouping only holds with
    # --dist loadgroup, which `-n` alone does not choose.
    if getattr(config.option, "numprocesses", None) and config.option.dist == "no":
        config.option.dist = "loadgroup"


def pytest_configure(config: pytest.Config) -> None:
    for name, help_text in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {help_text}")


def pytest_collection_finish(session: pytest.Session) -> None:
    # Keras and TensorFlow leave several hundred thousand long-lived objects that every full
    # collection scans again, and the tests build models by the hundred. Freezing what exists
    # after collection and collecting the youngest generation less often took a fifth off
    # tests/test_fast_tier_catches_breaks.py (27.2 s -> 22.3 s here); results do not change.
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _gpu_available() -> bool:
    from mnist_models.backend import compat

    return compat.gpu_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    opted_in = "reproduce" in (config.getoption("-m") or "")
    skip_reproduce = pytest.mark.skip(reason="full document recipe; opt in with -m reproduce")
    has_gpu = None
    xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        if xdist and "timing" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("timing"))
        if "reproduce" in item.keywords and not opted_in:
            item.add_marker(skip_reproduce)
        if "gpu" in item.keywords:
            has_gpu = _gpu_available() if has_gpu is None else has_gpu
            if not has_gpu and os.environ.get(REQUIRE_GPU_ENV):
                raise pytest.UsageError(f"{REQUIRE_GPU_ENV} is set, but the Keras backend sees "
                                        "no GPU; expected one for the gpu-marked tests")
            if not has_gpu:
                item.add_marker(pytest.mark.skip(reason="no GPU visible to the Keras backend"))


@pytest.fixture(autouse=True)
def _seeded_clean_keras():
    """Seed every test the same way and give it a fresh Keras session."""
    from mnist_models.backend import compat

    compat.clear_session()
    compat.set_seed(0)
    yield
    compat.clear_session()
