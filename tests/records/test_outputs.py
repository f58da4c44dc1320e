"""Output paths: refused before any work when they can't be written, written whole or not at
all, and a failed or interrupted run leaves no temporary file and no folder it created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import mnist_models
from mnist_models import outputs
from mnist_models.cli.app import EXIT_INTERRUPTED, main
from mnist_models.data.mnist import DataError
from mnist_models.outputs import OutputError
from mnist_models.reproduction.reproduce import reproduce
from mnist_models.training import train as training

ROOT_WRITES_ANYWHERE = os.geteuid() == 0  # root writes through permission bits


@pytest.fixture
def blocked(tmp_path: Path) -> Path:
    """A file where a folder would have to be."""
    path = tmp_path / "file"
    path.write_text("not a folder")
    return path


@pytest.fixture
def read_only(tmp_path: Path) -> Path:
    if ROOT_WRITES_ANYWHERE:
        pytest.skip("running as root, which writes into read-only folders")
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    return folder


@pytest.fixture(autouse=True)
def _no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args, **_kwargs):
        raise AssertionError("training started before the output path was checked")

    monkeypatch.setattr(training, "train", refuse)
    monkeypatch.setattr("mnist_models.reproduction.reproduce.train", refuse)


def _cases():
    for where in ("blocked", "read_only"):
        yield pytest.param("cli", where, ["train", "lenet5", "--plot", "{}/plots"],
                           id=f"cli train --plot in {where}")
        yield pytest.param("cli", where, ["reproduce", "lenet5", "--markdown", "{}/R.md"],
                           id=f"cli reproduce --markdown in {where}")
        yield pytest.param("cli", where, ["bench-report", "x.json", "--chart", "{}/c.png"],
                           id=f"cli bench-report --chart in {where}")
        yield pytest.param("api", where, lambda path: reproduce(
            [mnist_models.get_spec("lenet5")], markdown_path=f"{path}/R.md"),
            id=f"api reproduce markdown in {where}")
        yield pytest.param("api", where, lambda path: outputs.check_folder(
            f"{path}/plots", "plot folder"), id=f"api plot folder in {where}")


@pytest.mark.parametrize(("surface", "where", "case"), list(_cases()))
def test_an_unwritable_output_is_refused_before_any_work(request, capsys, surface, where,
                                                         case):
    folder = request.getfixturevalue(where)
    if surface == "api":
        with pytest.raises(OutputError, match="is not writable"):
            case(folder)
        return
    code = main([part.format(folder) for part in case])
    out, err = capsys.readouterr()
    assert (code, out) == (2, ""), err
    assert err.count("\n") == 1 and "is not writable" in err


@pytest.mark.parametrize("argv", [["reproduce", "lenet5", "--markdown", "{}"],
                                  ["bench-report", "x.json", "--chart", "{}"]])
def test_an_output_file_that_is_a_folder_is_refused(tmp_path, capsys, argv):
    assert main([part.format(tmp_path) for part in argv]) == 2
    assert "it is a folder" in capsys.readouterr().err


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "REPRODUCTION.md"
    target.write_text("the good run")

    def fail_halfway(temporary: Path) -> None:
        temporary.write_text("half a tab")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomically(target, fail_halfway)
    assert target.read_text() == "the good run"
    assert [p.name for p in tmp_path.iterdir()] == ["REPRODUCTION.md"]
    outputs.write_text(target, "the new run")
    assert target.read_text() == "the new run"
    assert [p.name for p in tmp_path.iterdir()] == ["REPRODUCTION.md"]


def test_several_files_are_written_all_or_none(tmp_path):
    def fail(temporary: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        outputs.write_all_atomically({tmp_path / "a.png": lambda p: p.write_text("a"),
                                      tmp_path / "b.png": fail})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("error", "code", "message"), [
    (KeyboardInterrupt(), EXIT_INTERRUPTED, "mnist-models train: interrupted"),
    (DataError("MNIST path=/x: train-images-idx3-ubyte: truncated\ndata"), 2,
     "mnist-models train: error: MNIST path=/x: train-images-idx3-ubyte: truncated data"),
])
def test_a_failed_run_removes_the_folders_it_created(tmp_path, capsys, monkeypatch, error,
                                                     code, message):
    def fail(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(training, "train", fail)
    plots = tmp_path / "new" / "plots"
    assert main(["train", "lenet5", "--steps", "5", "--plot", str(plots)]) == code
    out, err = capsys.readouterr()
    assert out == "" and err == message + "\n"
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_existed_is_kept(tmp_path, capsys, monkeypatch):
    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "train", interrupted)
    assert main(["train", "lenet5", "--plot", str(tmp_path)]) == EXIT_INTERRUPTED
    assert tmp_path.is_dir()


@pytest.mark.parametrize("argv", [["train", "lenet5", "--plot", "{}/plots"],
                                  ["bench-report", "x.json", "--chart", "{}/c.png"]])
def test_drawing_without_matplotlib_is_refused_before_any_work(tmp_path, capsys, monkeypatch,
                                                               argv):
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else find_spec(name, *a))
    assert main([part.format(tmp_path) for part in argv]) == 2
    assert "expected pip install 'mnist-models[cli]'" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
