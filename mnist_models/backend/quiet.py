"""Importing Keras without TensorFlow's C++ start-up lines on stderr.

TensorFlow 2.21 logs through absl before absl's logging is set up, so
``TF_CPP_MIN_LOG_LEVEL`` (set to 2 by ``mnist_models/__init__.py``) no longer silences its
import: two copies of ``WARNING: All log messages before absl::InitializeLog() is called are
written to STDERR`` and of ``I... port.cc:153] oneDNN custom operations are on ...`` appear
on every command that imports Keras. They come from C++ straight to file descriptor 2, so
Python's logging and warnings filters never see them; the commands therefore import Keras with
descriptor 2 pointed at a temporary file, and copy back every line that is not such an
informational start-up line. Error (``E``) and fatal (``F``) lines are copied back, as is
anything else, Python warnings included: a real problem is never hidden. Lines TensorFlow
prints after the import (there were none on this machine's TensorFlow 2.21 CPU runs) are not
filtered: hiding descriptor 2 for a whole run would hide a crash's last words too.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

#: absl's informational and warning lines (``I0000 00:00:1795463083.724565 13773 port.cc:153]
#: ...``: before absl is set up, its date and time read as 0000 00:00 plus Unix seconds),
#: absl's notice that it is not set up yet, and the CPU-feature notice's second line.
STARTUP_NOISE = re.compile(
    r"(?:[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.-]+:\d+\] .*"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to "
    r"STDERR"
    r"|To enable the following instructions: .* in other operations, rebuild TensorFlow .*)")
#: Set by the user to 0 ("show me everything"), TF_CPP_MIN_LOG_LEVEL turns the filter off.
_ENV = "TF_CPP_MIN_LOG_LEVEL"


def import_keras_quietly() -> None:
    """Import Keras (and its backend) with TensorFlow's start-up lines left out of stderr."""
    from mnist_models import USER_TF_LOG_LEVEL

    if "keras" in sys.modules or USER_TF_LOG_LEVEL == "0":  # nothing to hide, or asked for all
        importlib.import_module("keras")
        return
    with _stderr_filtered():
        importlib.import_module("keras")


@contextlib.contextmanager
def _stderr_filtered() -> Iterator[None]:
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().decode(errors="replace").splitlines()
                    if not STARTUP_NOISE.fullmatch(line)]
            if kept:
                print("\n".join(kept), file=sys.stderr, flush=True)
