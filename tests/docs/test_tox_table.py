"""tools/tox_table.py: docs/tox.md's table of tox environments is tox.ini's, never typed in."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "tools"))
import tox_table

from mnist_models.cli import doc_tables


def test_the_docs_hold_the_table_tox_ini_gives():
    assert tox_table.ROOT / doc_tables.DOC_FILES[tox_table.MARKER] == tox_table.DOC
    assert tox_table.doc_block() == tox_table.table(), \
        "docs/tox.md's tox table is stale: python tools/tox_table.py prints the current one"
    assert tox_table.main(["--check"]) == 0


def test_a_changed_pin_or_a_new_environment_changes_the_table(tmp_path):
    ini = (tox_table.ROOT / "tox.ini").read_text()
    assert "keras==3.15.1" in ini and "tf221, jax" in ini
    bumped = tmp_path / "tox.ini"
    bumped.write_text(ini.replace("keras==3.15.1", "keras==3.16.0", 1)
                      .replace("tf221, jax", "tf221, tf222, jax", 1)
                      + "\n[testenv:tf222]\ndescription = TensorFlow 2.22\ndeps = keras==3.17\n")
    rows = tox_table.rows(bumped)
    assert rows != tox_table.rows()
    assert "| `tf222` | TensorFlow 2.22 | keras==3.17 |" in rows
    assert any("keras==3.16.0" in row for row in rows)
