"""The documentation's generated tables: the zoo and the gate calibration, from the registry
and the committed calibration, never typed.

Each table sits in one documentation file (:data:`DOC_FILES`: the zoo in README.md, the others
on the pages of ``docs/``) between ``<!-- NAME -->`` and ``<!-- /NAME -->`` and is printed by
its command (``mnist-models list --markdown``, ``mnist-models calibration``, ...);
``tests/docs/test_doc_tables.py`` fails when a block differs from what its command prints now.
They cover the zoo's own models (:func:`mnist_models.zoo.registry.builtin_models`): a plugin's
models belong in its own documentation, and an installed plugin must not make these pages stale.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from mnist_models import outputs
from mnist_models.spec import ModelSpec

#: Which file, relative to the repository root, holds each generated block, and the command
#: that prints it. The tests and ``mnist-models calibrate`` find a block here, nowhere else.
DOC_FILES = {
    "zoo": "README.md",  # mnist-models list --markdown
    "gate-calibration": "docs/gates.md",  # mnist-models calibration
    "gate-power": "docs/gates.md",  # mnist-models gate-power --table
    "fingerprint-tolerances": "docs/fingerprints.md",  # mnist-models fingerprint --tolerance-table
    "tox-envs": "docs/tox.md",  # python tools/tox_table.py
}


def zoo_markdown(specs: Sequence[ModelSpec]) -> str:
    """One row a model: name, source, architecture, parameters, the accuracy it reports."""
    lines = ["| model | source | architecture | params (total / non-trainable) "
             "| reported test acc |", "|---|---|---|---|---|"]
    for spec in specs:
        source = f"{spec.document.label}, {spec.document.title}"
        lines.append(f"| `{spec.name}` | {source} | {spec.description} | "
                     f"{spec.total_params:,} / {spec.non_trainable_params:,} | "
                     f"{spec.reported_accuracy:.4f} |")
    return "\n".join(lines) + "\n"


def calibration_markdown(specs: Sequence[ModelSpec], backend: str = "tensorflow") -> str:
    """Each gated model's calibration on ``backend``: spread, threshold and provenance."""
    from mnist_models.gates import calibration as gate_calibration

    return gate_calibration.markdown([gate_calibration.calibrated(spec.gate, backend)
                                      for spec in specs if spec.gate is not None])


def block(text: str, marker: str) -> str | None:
    """What ``text`` holds between ``<!-- marker -->\\n`` and ``<!-- /marker -->``."""
    found = re.search(rf"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", text, re.DOTALL)
    return found.group(1) if found else None


def zoo_blocks() -> dict[str, str]:
    """Each documentation block the zoo's own models fill, as its command prints it now."""
    from mnist_models.fingerprints import tolerances
    from mnist_models.fingerprints.compute import all_golden_keys

    specs = zoo_specs()
    keys = [key for spec in specs for key in all_golden_keys(spec)]
    return {"zoo": zoo_markdown(specs), "gate-calibration": calibration_markdown(specs),
            "fingerprint-tolerances": tolerances.markdown(tolerances.read_calibration(), keys)}


def refresh(path: Path, blocks: Mapping[str, str]) -> list[str]:
    """Rewrite the ``blocks`` of the one file ``path`` that differ (all at once, or not at all);
    the names of those rewritten. A block the file does not hold is left alone."""
    text = original = path.read_text()
    changed = []
    for marker, content in blocks.items():
        if block(text, marker) not in (None, content):
            text = re.sub(rf"(<!-- {marker} -->\n).*?(<!-- /{marker} -->)",
                          lambda found, new=content: found.group(1) + new + found.group(2),
                          text, flags=re.DOTALL)
            changed.append(marker)
    if text != original:
        outputs.write_text(path, text)
    return changed


def refresh_all(root: Path, blocks: Mapping[str, str]) -> dict[str, list[str]]:
    """Rewrite each of ``blocks`` that differs in its own file under the repository ``root``
    (:data:`DOC_FILES`); per file rewritten, relative to ``root``, the names of its blocks
    rewritten. A file that is missing, or holds no such block, is left alone."""
    by_file: dict[str, dict[str, str]] = {}
    for marker, content in blocks.items():
        by_file.setdefault(DOC_FILES[marker], {})[marker] = content
    changed = {}
    for name, its_blocks in by_file.items():
        path = root / name
        if path.is_file():
            rewritten = refresh(path, its_blocks)
            if rewritten:
                changed[name] = rewritten
    return changed


def zoo_specs(specs: Sequence[ModelSpec] = ()) -> list[ModelSpec]:
    from mnist_models.zoo.registry import builtin_models, get_spec

    return list(specs) or [get_spec(name) for name in builtin_models()]


def cmd_calibration(args: argparse.Namespace) -> int:
    print(calibration_markdown(zoo_specs(args.specs), args.backend), end="")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``calibration`` to the ``mnist-models`` parser (``list --markdown`` is ``list``'s)."""
    from mnist_models.cli.common_args import add_command, model_spec

    parser = add_command(sub, "calibration", "the gate calibration table (docs/gates.md): per "
                         "model the accuracies over the calibrated seeds, the band the rule "
                         "gives, and where and when it was calibrated (Markdown)")
    parser.add_argument("specs", nargs="*", type=model_spec, metavar="NAME",
                        help="models to show (default: the zoo's own models)")
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"),
                        default="tensorflow", help="whose calibration: TensorFlow's, or "
                        "another backend's own where it has one (default: tensorflow)")
    parser.set_defaults(func=cmd_calibration)
