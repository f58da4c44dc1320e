"""The README's generated tables are what their commands print now: a test fails when stale.

(The fingerprint tolerance table has its own test in tests/test_fingerprints.py.)
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mnist_models.cli import doc_tables
from mnist_models.zoo.registry import builtin_models, get_spec

README = Path(__file__).resolve().parents[2] / "README.md"
ZOO = [get_spec(name) for name in builtin_models()]
BLOCKS = {
    "zoo": ("mnist-models list --markdown", lambda specs: doc_tables.zoo_markdown(specs)),
    "gate-calibration": ("mnist-models calibration",
                         lambda specs: doc_tables.calibration_markdown(specs)),
}


@pytest.mark.parametrize("marker", BLOCKS)
def test_readme_block_is_what_its_command_prints(marker):
    command, generate = BLOCKS[marker]
    found = doc_tables.block(README.read_text(), marker)
    assert found is not None, f"README has no <!-- {marker} --> block"
    assert found == generate(ZOO), f"README's {marker} table is stale: regenerate with {command}"


@pytest.mark.parametrize("marker", BLOCKS)
def test_a_changed_spec_makes_its_block_stale(marker):
    """The smallest edit the staleness test must catch: one model's one figure."""
    _, generate = BLOCKS[marker]
    first = ZOO[0]
    if marker == "zoo":
        changed = dataclasses.replace(first, reported_accuracy=first.reported_accuracy - 1e-4)
    else:  # recalibrated on a budget one step longer: no calibration, an error, not a pass
        changed = dataclasses.replace(first, gate=dataclasses.replace(first.gate, steps=(
            first.gate.steps or 0) + 1, epochs=None))
        with pytest.raises(ValueError, match="calibrate"):
            generate([changed, *ZOO[1:]])
        return
    assert generate([changed, *ZOO[1:]]) != generate(ZOO)


def test_block_finds_only_a_closed_block():
    assert doc_tables.block("<!-- zoo -->\n| a |\n<!-- /zoo -->", "zoo") == "| a |\n"
    assert doc_tables.block("<!-- zoo -->\n| a |\n", "zoo") is None
