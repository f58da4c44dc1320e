"""tools/compat_table.py turns tox's --result-json record into docs/tox.md's table."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2] / "tools"))
import compat_table


def _env(packages: list[str], success: bool, exit_code: int = 0) -> dict:
    return {"installed_packages": packages, "test": [{"retcode": exit_code}],
            "result": {"success": success, "exit_code": exit_code, "skipped": False}}


REPORT = {"testenvs": {
    "tf215": _env(["tensorflow-cpu==2.15.1", "keras==2.15.0", "numpy==1.26.4"], True),
    "jax": _env(["jax==0.10.2", "keras==3.15.1", "numpy==2.4.6"], False, 1),
    "lint": _env(["ruff==0.17.6"], True),
}}


def test_one_row_per_test_environment_with_installed_versions(tmp_path, capsys):
    path = tmp_path / "tox-result.json"
    path.write_text(json.dumps(REPORT))
    assert compat_table.main([str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "| jax | - | 3.15.1 | jax | 2.4.6 | FAIL (exit 1) |"
    assert lines[3] == "| tf215 | 2.15.1 | 2.15.0 | tensorflow | 1.26.4 | pass |"
    assert len(lines) == 4  # lint is not a test environment


def test_a_broken_result_file_is_exit_2_naming_it(tmp_path, capsys):
    path = tmp_path / "tox-result.json"
    path.write_text("{not json")
    assert compat_table.main([str(path)]) == 2
    assert "tox-result.json" in capsys.readouterr().err
    path.write_text("[]")
    assert compat_table.main([str(path)]) == 2
