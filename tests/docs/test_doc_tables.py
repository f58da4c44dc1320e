"""The documentation's generated tables are what their commands print now: a test fails when
stale. Each lives in the file ``doc_tables.DOC_FILES`` names (README.md or a page of docs/).

(The fingerprint tolerance table has its own test in tests/fingerprints/test_fingerprints.py,
the power table in tests/gates/test_gate_power.py, the tox table in test_tox_table.py.)
"""

from __future__ import annotations

import dataclasses

import pytest

from mnist_models.cli import doc_tables
from mnist_models.zoo.registry import builtin_models, get_spec
from tests.support import files

ZOO = [get_spec(name) for name in builtin_models()]
BLOCKS = {
    "zoo": ("mnist-models list --markdown", lambda specs: doc_tables.zoo_markdown(specs)),
    "gate-calibration": ("mnist-models calibration",
                         lambda specs: doc_tables.calibration_markdown(specs)),
}


@pytest.mark.parametrize("marker", BLOCKS)
def test_readme_block_is_what_its_command_prints(marker):
    command, generate = BLOCKS[marker]
    doc = doc_tables.DOC_FILES[marker]
    found = doc_tables.block((files.ROOT / doc).read_text(), marker)
    assert found is not None, f"{doc} has no <!-- {marker} --> block"
    assert found == generate(ZOO), f"{doc}'s {marker} table is stale: regenerate with {command}"


@pytest.mark.parametrize("marker", doc_tables.DOC_FILES)
def test_each_generated_block_is_in_the_file_named_for_it_and_no_other(marker):
    """One home a block: the tests and ``mnist-models calibrate`` look for it there only."""
    holding = [path.relative_to(files.ROOT).as_posix()
               for path in [files.README, *sorted(files.DOCS.glob("*.md"))]
               if doc_tables.block(path.read_text(), marker) is not None]
    assert holding == [doc_tables.DOC_FILES[marker]]


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


def test_refresh_all_rewrites_each_block_in_its_own_file_and_leaves_the_rest(tmp_path):
    """What ``mnist-models calibrate NAME`` does for a zoo model, on a copy of the tree."""
    blocks = {marker: doc_tables.zoo_blocks()[marker] for marker in ("zoo", "gate-calibration")}
    names = {doc_tables.DOC_FILES[marker] for marker in blocks}
    assert len(names) == 2  # two files, one block each
    current = {name: (files.ROOT / name).read_text() for name in names}
    for name, text in current.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    gates = doc_tables.DOC_FILES["gate-calibration"]
    stale_row = blocks["gate-calibration"].splitlines()[-1]
    (tmp_path / gates).write_text(current[gates].replace(stale_row + "\n", ""))
    assert doc_tables.refresh_all(tmp_path, blocks) == {gates: ["gate-calibration"]}
    assert {name: (tmp_path / name).read_text() for name in names} == current
    assert doc_tables.refresh_all(tmp_path, blocks) == {}
    (tmp_path / gates).unlink()  # a missing file is left alone, not an error
    assert doc_tables.refresh_all(tmp_path, blocks) == {}
