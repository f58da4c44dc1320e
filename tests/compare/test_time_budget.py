"""--time-budget: what compare leaves out when the budget is spent, and that it says so."""

from __future__ import annotations

from mnist_models.compare import run
from mnist_models.compare.aspects import Aspect
from mnist_models.zoo.registry import get_spec

MLP_100 = get_spec("mlp_100")


class _Spent(run._Clock):
    def left(self) -> float:
        return 10.0


class _NoWorkers(list):
    """Any request to a worker fails the test: nothing may be trained or timed."""


def _options(**changes) -> run.Options:
    return run.Options(specs=[MLP_100], **changes)


def test_a_model_whose_numerics_moved_is_not_trained_once_the_budget_is_spent():
    found = {"numerics": Aspect("moved", "moved first in the forward pass")}
    learned = run._learning(_NoWorkers(), MLP_100, found, _options(time_budget=60.0),
                            _Spent(60.0), lambda _: None)
    assert (learned.verdict, learned.summary) == ("inconclusive",
                                                  "not trained: the time budget is spent")


def test_without_a_budget_same_numerics_need_no_training():
    found = {"numerics": Aspect("same", "identical to the bit")}
    learned = run._learning(_NoWorkers(), MLP_100, found, _options(), run._Clock(None),
                            lambda _: None)
    assert learned.summary == "not trained: numerics identical within tolerance"


def test_speed_is_not_timed_when_less_than_its_warm_ups_and_30_s_are_left():
    timed = run._speed(((), ()), _options(time_budget=60.0), _Spent(60.0), lambda _: None)
    assert timed["mlp_100"].summary == "not timed: the time budget is spent"
    # Warm-ups of every generation of 3 workloads, should none be decided early, then 30 s of
    # rounds.
    assert run._speed_reserve(_options()) == (
        run.DEFAULT_GENERATIONS * run.WARMUP_PER_WORKLOAD * 3 + 30)
