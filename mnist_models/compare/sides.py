"""The two sides of ``mnist-models compare``: an interpreter, or a revision of a checkout.

A side given as a path, or as a command on ``PATH``, is a Python interpreter that must have
this package (with its compare worker) installed. Anything else is a git revision of the
checkout the command runs in: it is checked out into a temporary worktree and run by this
process's interpreter with the worktree first on ``PYTHONPATH``, so both revisions use the
same TensorFlow and differ only in their own code. Every side is checked before any work, and
:func:`opened` removes every worktree and temporary folder it made, whatever happens.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from mnist_models.bench.ab.client import ABError, Side

#: The module each side runs; a revision or an installed version without it cannot compare.
WORKER = "mnist_models.compare.worker"
WORKER_FILE = "mnist_models/compare/worker.py"


class SideError(ABError):
    """A side that is neither a working interpreter nor a revision that can run."""


@dataclass(frozen=True)
class SideSpec:
    """What the user named, and what it turned out to be."""

    name: str  # "baseline" or "candidate"
    given: str
    python: str | None = None  # an interpreter side
    revision: str | None = None  # a revision side: the full commit
    repository: Path | None = None

    @property
    def description(self) -> str:
        if self.revision is None:
            return f"interpreter {self.python}"
        return f"revision {self.given} ({self.revision[:10]}) of {self.repository}"


def _git(repository: Path | str, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repository), *arguments], capture_output=True,
                          text=True, check=False)


def check(name: str, given: str, repository: Path | None = None) -> SideSpec:
    """``given`` as a side, or a :class:`SideError` naming it and what was expected.

    A path is an interpreter; a bare word is a revision where the checkout has one by that
    name (``HEAD`` is also a program on some systems), else a command on ``PATH``."""
    if not given.strip():
        raise SideError(f"{name} {given!r}: expected an interpreter or a git revision")
    if os.sep in given or given.startswith("."):
        return _check_interpreter(name, given)
    repository = repository or Path.cwd()
    root = _toplevel(repository)
    if root is not None and _commit(root, given) is not None:
        return _check_revision(name, given, root)
    if shutil.which(given) is not None:
        return _check_interpreter(name, given)
    if root is None:
        raise SideError(f"{name} {given!r}: not an interpreter, and {repository} is not a git "
                        "checkout to find it as a revision in")
    raise SideError(f"{name} {given!r}: neither an interpreter nor a revision of the "
                    f"checkout {root}")


def _toplevel(repository: Path) -> Path | None:
    top = _git(repository, "rev-parse", "--show-toplevel")
    return None if top.returncode else Path(top.stdout.strip())


def _commit(root: Path, given: str) -> str | None:
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{given}^{{commit}}")
    return None if found.returncode else found.stdout.strip()


def _check_interpreter(name: str, given: str) -> SideSpec:
    found = shutil.which(given)
    if found is None or not os.access(found, os.X_OK) or os.path.isdir(found):
        raise SideError(f"{name} interpreter {given!r}: not found or not executable; expected "
                        "a Python interpreter with mnist-models installed, or a git revision")
    python = os.path.abspath(found)  # not resolved: a venv's python must stay its link
    probe = ("import importlib.util as u, sys\n"
             f"try: found = u.find_spec({WORKER!r})\n"
             "except ImportError: found = None\n"
             "sys.exit(0 if found else 3)")
    try:
        # In "/": a checkout in the working directory would shadow what the interpreter has.
        done = subprocess.run([python, "-c", probe], cwd="/", capture_output=True, text=True,
                              timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SideError(f"{name} interpreter {python}: does not run ({error})") from None
    if done.returncode == 3:
        raise SideError(f"{name} interpreter {python}: lacks mnist-models' compare worker "
                        f"({WORKER}); expected mnist-models installed there, a version with "
                        "the compare command")
    if done.returncode:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise SideError(f"{name} interpreter {python}: does not run Python ({why})")
    return SideSpec(name, given, python=python)


def _check_revision(name: str, given: str, root: Path) -> SideSpec:
    commit = _commit(root, given) or ""
    if _git(root, "cat-file", "-e", f"{commit}:{WORKER_FILE}").returncode:
        raise SideError(f"{name} revision {given!r} ({commit[:10]}): has no {WORKER_FILE}; "
                        "expected a revision from after the compare command was added")
    return SideSpec(name, given, revision=commit, repository=root)


@contextlib.contextmanager
def opened(specs: tuple[SideSpec, SideSpec]) -> Iterator[tuple[Side, Side]]:
    """Each side as a :class:`~mnist_models.bench.ab.client.Side` its workers start from;
    revision sides live in temporary worktrees for the duration, and are removed after."""
    folder = Path(tempfile.mkdtemp(prefix="mnist-models-compare-"))
    made: list[tuple[Path, Path]] = []
    try:
        sides = []
        for spec in specs:
            if spec.revision is None:
                sides.append(Side(spec.name, spec.python or sys.executable))
                continue
            tree = folder / spec.name
            added = _git(spec.repository, "worktree", "add", "--detach", "--quiet", str(tree),
                         spec.revision)
            if added.returncode:
                raise SideError(f"{spec.name} revision {spec.given!r}: git worktree add "
                                f"failed: {' '.join(added.stderr.split())}")
            made.append((spec.repository, tree))
            path = os.pathsep.join(filter(None, [str(tree), os.environ.get("PYTHONPATH")]))
            sides.append(Side(spec.name, sys.executable, {"PYTHONPATH": path}))
        yield sides[0], sides[1]
    finally:
        for repository, tree in made:
            _git(repository, "worktree", "remove", "--force", str(tree))
        for repository in {repository for repository, _ in made}:
            _git(repository, "worktree", "prune")
        shutil.rmtree(folder, ignore_errors=True)
