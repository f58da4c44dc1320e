"""compare's bad input: one line, exit 2, before any worker starts, and nothing left behind."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mnist_models.cli.app import main
from tests.support.files import ROOT

GIT = ROOT / ".git"
needs_checkout = pytest.mark.skipif(not GIT.exists(), reason="not run from a git checkout")


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("mnist-models-compare-*"))


def _refused(capsys, argv: list[str], message: str) -> None:
    before = _leftovers()
    try:
        code = main(["compare", *argv])
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and message in err, err
    assert _leftovers() == before


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory) -> str:
    """An interpreter without mnist-models: the one this venv was made from where it lacks the
    package (as in CI's fresh venv), else a venv of its own, without pip."""
    base = getattr(sys, "_base_executable", "")
    if base and subprocess.run([base, "-c", "import mnist_models"], cwd="/",
                               capture_output=True, check=False).returncode:
        return base
    folder = tmp_path_factory.mktemp("bare") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    return str(folder / "bin" / "python")


def test_an_interpreter_that_does_not_exist(capsys, tmp_path):
    _refused(capsys, [str(tmp_path / "python"), sys.executable],
             f"baseline interpreter '{tmp_path / 'python'}': not found or not executable")


def test_an_interpreter_without_the_package(capsys, bare_python):
    _refused(capsys, [sys.executable, bare_python], "lacks mnist-models' compare worker")


@needs_checkout
def test_an_unknown_revision(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _refused(capsys, ["HEAD", "no-such-revision-anywhere"],
             "candidate 'no-such-revision-anywhere': neither an interpreter nor a revision")


def test_a_revision_outside_a_checkout(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    _refused(capsys, ["HEAD~1", "HEAD"], "is not a git checkout to find it as a revision in")


def test_a_revision_from_before_compare(capsys, monkeypatch, tmp_path):
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c",
                        "user.email=t@example.com", *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "README.md").write_text("old\n")
    git("add", "README.md")
    git("commit", "-qm", "old")
    monkeypatch.chdir(tmp_path)
    _refused(capsys, ["HEAD", "HEAD"], "has no mnist_models/compare/worker.py")


@pytest.mark.parametrize(("argv", "message"), [
    (["--models", "mlp_100,nope"], "unknown model 'nope'"),
    (["--aspects", "numerics,taste"], "unknown aspect 'taste'"),
    (["--seeds", "2"], "expected 3 seeds or more"),
    (["--time-budget", "0"], "expected a positive number of seconds"),
    (["--phases", "train,fly"], "unknown phase 'fly'"),
])
def test_bad_options(capsys, argv, message):
    _refused(capsys, [sys.executable, sys.executable, *argv], message)


@pytest.mark.parametrize("option", ["--markdown", "--json", "--html"])
def test_an_unwritable_report(capsys, tmp_path, option):
    blocker = tmp_path / "file"
    blocker.write_text("")
    _refused(capsys, [sys.executable, sys.executable, option, str(blocker / "report")],
             "is not writable")
