"""Output files and folders: checked before any work, written whole or not at all.

A command that writes (``train --plot``, ``reproduce --markdown``, ``bench-report --chart``)
checks its target first, creating missing folders and proving it can write there, so a
half-hour run never ends in "permission denied". A file is written to a temporary file in
its own folder and renamed over the target: a failed or interrupted write leaves the old file
as it was and nothing beside it. Folders created for a run that then fails are removed again
(:func:`removing_created_folders_on_error`), as long as they are still empty.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

#: Folders created by :func:`check_folder` in this process, parents first.
_created: list[Path] = []


class OutputError(ValueError):
    """An output path that cannot be written; the message names it and why."""


def check_folder(folder: str | os.PathLike[str], what: str) -> Path:
    """Create ``folder`` (and its parents) if needed and prove a file can be written there."""
    if not str(folder).strip():
        raise OutputError(f"{what} {str(folder)!r} is not writable: expected a folder name")
    path = Path(folder).expanduser()
    missing = [p for p in (path, *path.parents) if not p.exists()]
    try:
        for parent in reversed(missing):
            parent.mkdir()
            _created.append(parent)
        handle, probe = tempfile.mkstemp(dir=path, prefix=".mnist_models_write_test")
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OutputError(f"{what} {str(path)!r} is not writable: "
                          f"{error.strerror or error}") from None
    return path


def check_file(file: str | os.PathLike[str], what: str) -> Path:
    """Prove ``file`` can be written (or replaced) before any work; create its folder."""
    if not str(file).strip():
        raise OutputError(f"{what} {str(file)!r} is not writable: expected a file name")
    path = Path(file).expanduser()
    if path.is_dir():
        raise OutputError(f"{what} {str(path)!r} is not writable: it is a folder")
    if path.name in ("", ".", ".."):
        raise OutputError(f"{what} {str(path)!r} is not writable: expected a file name")
    check_folder(path.parent, f"{what}'s folder")
    # The rename replaces a read-only file as well; refusing it keeps a protected file safe.
    if path.exists() and not os.access(path, os.W_OK):
        raise OutputError(f"{what} {str(path)!r} is not writable: permission denied")
    return path


def write_atomically(file: str | os.PathLike[str], write: Callable[[Path], None]) -> Path:
    """Call ``write(temporary)`` for a file beside ``file``, then rename it over ``file``.

    On any failure, Ctrl-C included, the temporary file is removed and ``file`` is untouched.
    """
    return write_all_atomically({file: write})[0]


def write_all_atomically(
        writers: Mapping[str | os.PathLike[str], Callable[[Path], None]]) -> list[Path]:
    """Write several files all or none: each to a temporary file beside it, renamed once every
    one has been written (see :func:`write_atomically`)."""
    temporaries: dict[Path, Path] = {}
    try:
        for file, write in writers.items():
            path = Path(file).expanduser()
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                                 suffix=".tmp")
            os.close(handle)
            temporaries[path] = Path(temporary)
            write(temporaries[path])
            # mkstemp makes the file 0600; give it what a plain open() would have made.
            os.chmod(temporary, 0o666 & ~_umask())
        for path, temporary in temporaries.items():
            os.replace(temporary, path)
    except BaseException:
        for temporary in temporaries.values():
            temporary.unlink(missing_ok=True)
        raise
    return list(temporaries)


def write_text(file: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``file`` all at once (see :func:`write_atomically`)."""
    return write_atomically(file, lambda temporary: temporary.write_text(text))


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it is to set it
    os.umask(mask)
    return mask


@contextlib.contextmanager
def removing_created_folders_on_error() -> Iterator[None]:
    """Around a run: on any error, Ctrl-C included, remove the folders :func:`check_folder`
    created during it, deepest first, where they are still empty."""
    mark = len(_created)
    try:
        yield
    except BaseException:
        for folder in reversed(_created[mark:]):
            # Not empty (something was written there after all) or gone: leave it.
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    finally:
        del _created[mark:]
