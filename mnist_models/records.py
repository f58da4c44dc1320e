"""The one reader and writer of the suite's JSON records.

Every record the suite keeps (goldens, calibrations, noise floors, convergence and reproduction
runs, power studies) is read by :func:`read` and written by :func:`write`: a missing,
unreadable or misshapen file is a :class:`RecordError` (or its kind's subclass) naming the
file, and a file is written whole to a temporary file beside it and renamed over the old one,
so a failed run never leaves half a file or replaces a good one. A record's own module checks
its fields and its format version.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from mnist_models import outputs


class RecordError(ValueError):
    """A record file that is missing, unreadable, of the wrong shape or of another format."""


def read_json(file: str | os.PathLike[str], error: type[Exception] = RecordError,
              missing: str = "") -> Any:
    """The JSON in ``file``; ``error`` naming the file if it is missing (``missing`` says what
    should have written it) or is not readable JSON."""
    path = Path(file)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise error(f"{path}: no such file{missing}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as fault:
        raise error(f"{path}: not readable JSON ({fault})") from None


def read(file: str | os.PathLike[str], what: str,
         error: type[Exception] = RecordError) -> dict[str, Any]:
    """A JSON object from ``file``, or ``error`` naming ``what`` it is, the file and the fault."""
    data = read_json(file, error, f" (the {what})")
    if not isinstance(data, dict):
        raise error(f"{what} {file}: expected a JSON object, got {type(data).__name__}")
    return data


_NUMBER_LIST = re.compile(r"\[\s+([-+0-9.eE,\s]+?)\s+\]")


def dumps(data: Any, compact_numbers: bool = False) -> str:
    """The suite's JSON layout: indented, keys sorted; ``compact_numbers`` puts a list of
    numbers on one line, so a row of a golden is one line of a diff."""
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    if compact_numbers:
        text = _NUMBER_LIST.sub(lambda m: "[" + " ".join(m.group(1).split()) + "]", text)
    return text


def write(file: str | os.PathLike[str], data: Any, compact_numbers: bool = False) -> Path:
    """Write ``data`` to ``file`` all at once (a temporary file beside it, then a rename)."""
    return outputs.write_text(file, dumps(data, compact_numbers))
