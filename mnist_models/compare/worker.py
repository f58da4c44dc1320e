"""One side of ``mnist-models compare``: a process that measures on request.

    PYTHON -m mnist_models.compare.worker

The same JSON-lines protocol as bench-ab's worker (:mod:`mnist_models.bench.worker`): a
request a line on stdin, one answer a line on stdout, everything a library prints on stderr.
Each side runs its own version of this module, so what the answers hold is plain JSON that
any version can read:

- ``{"op": "about"}``: the side's models, versions, backend, CPU code path and commit;
- ``{"op": "architecture", "model": m}``: the built layer table, parameter counts, and how
  they differ from the side's own document (its registry's spec);
- ``{"op": "fingerprint", "model": m}``: the fingerprint from the shared numpy weights
  (:mod:`mnist_models.fingerprints.compute`) and the golden it is kept under;
- ``{"op": "learn", "model": m, "seeds": n}``: the gate budget trained at seeds 0..n-1.

Any failure answers ``{"error": "..."}`` and exits 1.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import IO, Any

from mnist_models.bench.worker import answer_each, protocol_stream


def _about(request: dict[str, Any]) -> dict[str, Any]:
    import mnist_models
    from mnist_models.backend import provenance
    from mnist_models.zoo.registry import list_models

    return {"models": list_models(), "environment": provenance.environment(),
            "commit": provenance.commit(), "package": os.path.dirname(mnist_models.__file__)}


def _architecture(request: dict[str, Any]) -> dict[str, Any]:
    from mnist_models.backend import compat
    from mnist_models.zoo import architecture
    from mnist_models.zoo.registry import build, get_spec

    spec = get_spec(request["model"])
    compat.clear_session()
    model = build(spec)
    return {"layers": [_row(row) for row in architecture.layer_table(model)],
            "params": architecture.param_counts(model),
            "document": architecture.table_mismatches(model, spec)}


def _row(row: Any) -> dict[str, Any]:
    plain = dataclasses.asdict(row)
    # JSON has lists, not tuples; a setting's value is compared as its text.
    plain["output_shape"] = list(plain["output_shape"])
    plain["settings"] = {key: repr(value) for key, value in plain["settings"].items()}
    return plain


def _fingerprint(request: dict[str, Any]) -> dict[str, Any]:
    from mnist_models.fingerprints.compute import fingerprint, golden_key
    from mnist_models.zoo.registry import get_spec

    spec = get_spec(request["model"])
    return {"key": golden_key(spec), "fingerprint": fingerprint(spec).to_json()}


def _learn(request: dict[str, Any]) -> dict[str, Any]:
    from mnist_models.convergence.record import measure
    from mnist_models.zoo.registry import get_spec

    spec = get_spec(request["model"])
    record = measure([spec], int(request["seeds"]), None, "mnist-models compare")
    return dataclasses.asdict(record.models[spec.name])


HANDLERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "about": _about, "architecture": _architecture, "fingerprint": _fingerprint,
    "learn": _learn}


def serve(requests: IO[str], answers: IO[str]) -> int:
    """Answer ``requests`` until they end; the exit code."""
    return answer_each(requests, answers, lambda request: HANDLERS[request["op"]](request))


def main() -> int:
    answers = protocol_stream()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from mnist_models.backend import quiet

    quiet.import_keras_quietly()
    return serve(sys.stdin, answers)


if __name__ == "__main__":
    sys.exit(main())
