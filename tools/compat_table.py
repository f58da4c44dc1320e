"""The compatibility table of docs/tox.md, from tox's own record of a run.

    tox -p --result-json tox-result.json
    python tools/compat_table.py tox-result.json

Prints one Markdown row per environment: TensorFlow, Keras, backend and numpy as pip installed
them there, and whether its commands passed. Nothing is typed in by hand.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

BACKENDS = ("tensorflow-cpu", "jax", "torch")


def installed(env: dict) -> dict[str, str]:
    """``name -> version`` from the environment's ``pip freeze`` lines."""
    versions = {}
    for line in env.get("installed_packages", []):
        name, sep, version = line.partition("==")
        if sep:
            versions[name.strip().lower().replace("_", "-")] = version.strip()
    return versions


def result(env: dict) -> str:
    outcome = env.get("result", {})
    if outcome.get("skipped") or not env.get("test"):
        return "not run"
    if outcome.get("success"):
        return "pass"
    return f"FAIL (exit {outcome.get('exit_code')})"


def rows(report: dict) -> list[str]:
    lines = ["| environment | TensorFlow | Keras | backend | numpy | result |",
             "|---|---|---|---|---|---|"]
    for name, env in sorted(report.get("testenvs", {}).items()):
        # tox also journals its packaging environments, and lint and bench-* run no tests.
        if name.startswith((".", "lint", "bench")) or "result" not in env:
            continue
        packages = installed(env)
        backend = next((b.split("-")[0] for b in BACKENDS if b in packages), "?")
        lines.append(f"| {name} | {packages.get('tensorflow-cpu', '-')} | "
                     f"{packages.get('keras', '?')} | {backend} | {packages.get('numpy', '?')} "
                     f"| {result(env)} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python tools/compat_table.py TOX_RESULT.json", file=sys.stderr)
        return 2
    path = Path(args[0])
    try:
        report = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        print(f"{path}: not a readable tox --result-json file ({error})", file=sys.stderr)
        return 2
    if not isinstance(report, dict) or "testenvs" not in report:
        print(f"{path}: no 'testenvs' key; expected tox's --result-json output", file=sys.stderr)
        return 2
    print("\n".join(rows(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
