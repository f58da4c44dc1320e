"""Adding a model to the zoo is one module and one command: the module is found by itself, and
``mnist-models calibrate NAME`` brings the README's generated tables up to date."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from mnist_models.cli import doc_tables
from mnist_models.zoo import families
from mnist_models.zoo.families import FAMILIES, discover
from mnist_models.zoo.registry import builtin_models
from tests.support import files

README = files.ROOT / doc_tables.DOC_FILES["zoo"]


def test_every_module_with_specs_is_a_family_and_no_other():
    """Found, not listed: the families are the modules of the folder that define SPECS, and
    the zoo is their specs (whatever their number)."""
    folder = Path(families.__file__).parent
    with_specs = sorted(p.stem for p in folder.glob("*.py")
                        if "\nSPECS" in p.read_text() or p.read_text().startswith("SPECS"))
    assert [family.__name__.rsplit(".", 1)[1] for family in FAMILIES] == with_specs
    assert builtin_models() == sorted(spec.name for family in FAMILIES for spec in family.SPECS)


def test_a_new_module_with_specs_is_found_without_an_edit_elsewhere(tmp_path, monkeypatch):
    package = tmp_path / "zoo_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "newfamily.py").write_text("SPECS = ('a spec',)\n")
    (package / "helpers.py").write_text("RECIPE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover(importlib.import_module("zoo_pkg"))
    assert [module.__name__ for module in found] == ["zoo_pkg.newfamily"]
    for name in ("zoo_pkg", "zoo_pkg.newfamily", "zoo_pkg.helpers"):
        sys.modules.pop(name, None)


def test_refresh_rewrites_a_stale_block_and_leaves_a_current_file_alone(tmp_path):
    # The zoo block alone: it is the same in every environment (the tolerance table's keys
    # depend on the Keras the suite runs under).
    blocks = {"zoo": doc_tables.zoo_blocks()["zoo"]}
    current = README.read_text()
    assert doc_tables.block(current, "zoo") == blocks["zoo"]
    readme = tmp_path / "README.md"
    stale_row = blocks["zoo"].splitlines()[-1]
    readme.write_text(current.replace(stale_row + "\n", ""))
    assert doc_tables.refresh(readme, blocks) == ["zoo"]
    assert readme.read_text() == current
    assert doc_tables.refresh(readme, blocks) == []
    assert readme.read_text() == current
