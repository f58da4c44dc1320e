"""The documentation's table of tox environments (docs/tox.md), from tox.ini itself.

    python tools/tox_table.py            # print the table
    python tools/tox_table.py --check    # exit 1 if docs/tox.md's copy is stale

One row per environment of ``env_list`` (its description and pins), then one per family of
opt-in environments (``[testenv:bench-{tf215,...}]``), which take the pins of the test
environment they are named after. Nothing is typed in by hand.
"""

from __future__ import annotations

import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "tox-envs"
#: The page that holds the table (mnist_models.cli.doc_tables.DOC_FILES says the same; a test
#: checks they agree). This script imports nothing of the package, so it runs uninstalled.
DOC = ROOT / "docs" / "tox.md"


def _config(path: Path) -> configparser.ConfigParser:
    config = configparser.ConfigParser(interpolation=None)
    config.read(path)
    return config


def _one_line(text: str) -> str:
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    return ", ".join(line for line in lines if line)


def rows(path: Path = ROOT / "tox.ini") -> list[str]:
    config = _config(path)
    lines = ["| environment | what it is | pins |", "|---|---|---|"]
    for env in config["tox"]["env_list"].replace(",", " ").split():
        section = config[f"testenv:{env}"] if f"testenv:{env}" in config else config["testenv"]
        pins = _one_line(section.get("deps", "")) or "-"
        lines.append(f"| `{env}` | {section.get('description', '')} | {pins} |")
    for name in config.sections():
        family = re.fullmatch(r"testenv:(\w+)-\{([\w,]+)\}", name)
        if family:
            prefix, factors = family.group(1), family.group(2).split(",")
            envs = ", ".join(f"`{prefix}-{factor}`" for factor in factors)
            lines.append(f"| {envs} (opt in) | {config[name].get('description', '')} | those "
                         f"of the test environment of the same name |")
    return lines


def table() -> str:
    return "\n".join(rows()) + "\n"


def doc_block(doc: Path = DOC) -> str | None:
    """What ``doc`` holds between ``<!-- tox-envs -->`` and ``<!-- /tox-envs -->``."""
    found = re.search(rf"<!-- {MARKER} -->\n(.*?)<!-- /{MARKER} -->", doc.read_text(),
                      re.DOTALL)
    return found.group(1) if found else None


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        stale = doc_block() != table()
        if stale:
            print(f"{DOC.relative_to(ROOT)}'s tox table is stale; regenerate it with python "
                  "tools/tox_table.py", file=sys.stderr)
        return 1 if stale else 0
    if argv:
        print("usage: python tools/tox_table.py [--check]", file=sys.stderr)
        return 2
    print(table(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
