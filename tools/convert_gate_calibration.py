"""One-off: convert calibration/gates*.json from format 1 (one provenance for the whole file,
rewritten by every partial recalibration) to format 2 (a provenance per model).

Run once, from the repository root, in the commit that introduced format 2:

    python tools/convert_gate_calibration.py

No number is retyped: each model's runs are copied as they are. Its provenance is recovered from
git: the file-wide date, versions, machine and command of the oldest commit whose file already
held exactly this model's runs, the run that produced them (a later rewrite of the file for
another model re-stamped the whole file; ``recovered_from`` names the commit used).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from mnist_models.gates import calibration as gate_calibration

FILES = ("calibration/gates.json", "calibration/gates-jax.json", "calibration/gates-torch.json")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def _provenance(path: str, model: str, runs: list) -> dict:
    commits = _git("log", "--format=%H", "--", path).split()  # newest first
    found = None
    for commit in commits:
        old = json.loads(_git("show", f"{commit}:{path}"))
        if old.get("models", {}).get(model, {}).get("runs") != runs:
            break
        found = commit, old
    if found is None:
        raise SystemExit(f"{path}: {model}'s runs are in no commit; commit the file first")
    commit, old = found
    return {"date": old["written"], "versions": old["versions"], "machine": old["machine"],
            "command": old["command"], "recovered_from": f"git {commit[:7]}"}


def main() -> int:
    for path in FILES:
        data = json.loads(Path(path).read_text())
        if data.get("format") == gate_calibration.FORMAT:
            print(f"{path}: already format {gate_calibration.FORMAT}")
            continue
        for model, entry in sorted(data["models"].items()):
            calibration = gate_calibration.GateCalibration(
                model, entry["epochs"], entry["steps"], tuple(entry["runs"]),
                _provenance(path, model, entry["runs"]))
            gate_calibration.record(Path(path + ".new"), calibration)
            print(f"{path}: {model} from {calibration.provenance['recovered_from']}")
        Path(path + ".new").replace(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
