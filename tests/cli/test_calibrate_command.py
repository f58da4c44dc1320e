"""``mnist-models calibrate``: refuses what it cannot do before the first seed trains.

Its writing is shown by the committed example (tests/plugin_example's measurements, with their
provenance, checked in tests/test_plugins.py) and by ``gate_calibration.record`` in
tests/test_gates.py; a real run trains 10 seeds, too long for the fast tier.
"""

from __future__ import annotations

import pytest

from mnist_models.cli.app import main
from tests.support import files

CALIBRATION = files.GATES


def test_too_few_seeds_is_one_line_exit_2_and_writes_nothing(capsys):
    before = CALIBRATION.read_bytes()
    assert main(["calibrate", "lenet5", "--seeds", "9"]) == 2
    assert capsys.readouterr().err == ("mnist-models calibrate: error: --seeds: expected at "
                                       "least 10 (the gate tests ask for them), got 9\n")
    assert CALIBRATION.read_bytes() == before


def test_an_unknown_model_is_a_usage_error_listing_the_names(capsys):
    with pytest.raises(SystemExit) as usage:
        main(["calibrate", "lenet6"])
    assert usage.value.code == 2
    assert "unknown model 'lenet6'; valid names: cnn_12_20" in capsys.readouterr().err
