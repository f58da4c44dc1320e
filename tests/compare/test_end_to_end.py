"""compare as a user runs it, between two revisions of a checkout: a one-line break is named
as that model and those aspects and nothing else; one revision against itself is the same
everywhere; the reports exist, and the HTML page shows it in a real browser.

The break is the one docs/compare.md measures: mlp_100's hidden layer made sigmoid. The
learning aspect trains, so it is left to that measurement; here the aspects that take seconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.child_process import environment
from tests.support.files import ROOT

pytestmark = pytest.mark.skipif(not (ROOT / ".git").exists(),
                                reason="needs the repository's git history")

RELU = 'layers.Dense(100, activation="relu", name="dense"),'
SIGMOID = 'layers.Dense(100, activation="sigmoid", name="dense"),'


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), "-c", "user.name=t", "-c",
                           "user.email=t@example.com", *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A clone of this repository's HEAD with one more commit: the break."""
    clone = tmp_path_factory.mktemp("checkout") / "repo"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(clone)], check=True)
    builder = clone / "mnist_models" / "zoo" / "families" / "mlp.py"
    text = builder.read_text()
    assert text.count(RELU) == 1
    builder.write_text(text.replace(RELU, SIGMOID))
    _git(clone, "commit", "-qam", "break: mlp_100's hidden layer sigmoid")
    return clone


def _compare(checkout: Path, out: Path, *argv: str) -> tuple[int, dict]:
    before = set(Path(tempfile.gettempdir()).glob("mnist-models-compare-*"))
    reports = ["--json", str(out / "r.json"), "--markdown", str(out / "r.md"),
               "--html", str(out / "r.html")]
    # -P: the clone in the working directory must not shadow the installed package.
    done = subprocess.run([sys.executable, "-P", "-m", "mnist_models", "compare", *argv,
                           *reports], cwd=checkout, capture_output=True, text=True,
                          env=environment(), timeout=600)
    assert done.returncode in (0, 1), done.stderr
    assert _git(checkout, "worktree", "list").count("\n") == 1, "a worktree was left behind"
    assert set(Path(tempfile.gettempdir()).glob("mnist-models-compare-*")) == before
    return done.returncode, json.loads((out / "r.json").read_text())


@pytest.fixture(scope="module")
def broken(checkout, tmp_path_factory) -> tuple[int, dict, Path]:
    out = tmp_path_factory.mktemp("broken")
    code, data = _compare(checkout, out, "HEAD~1", "HEAD", "--models", "mlp_100,mlp_25_25",
                          "--aspects", "architecture,numerics")
    return code, data, out


def test_a_one_line_break_is_that_model_and_those_aspects_and_nothing_else(broken):
    code, data, _ = broken
    verdicts = {name: {aspect: found["verdict"] for aspect, found in model["aspects"].items()}
                for name, model in data["models"].items()}
    assert code == 1
    assert verdicts == {"mlp_100": {"architecture": "moved", "numerics": "moved"},
                        "mlp_25_25": {"architecture": "same", "numerics": "same"}}
    numerics = data["models"]["mlp_100"]["aspects"]["numerics"]["summary"]
    assert numerics.startswith("moved first in the forward pass"), numerics
    assert "activation 'relu', now 'sigmoid'" in \
        data["models"]["mlp_100"]["aspects"]["architecture"]["summary"]


def test_the_same_revision_on_both_sides_is_the_same_everywhere(checkout, tmp_path):
    code, data = _compare(checkout, tmp_path, "HEAD", "HEAD", "mlp_100",
                          "--aspects", "architecture,numerics,learning")
    aspects = data["models"]["mlp_100"]["aspects"]
    assert (code, data["verdict"]) == (0, "same")
    assert {found["verdict"] for found in aspects.values()} == {"same"}
    assert aspects["learning"]["summary"] == "not trained: numerics identical within tolerance"


def test_the_markdown_starts_with_the_summary_and_folds_the_details(broken):
    text = (broken[2] / "r.md").read_text()
    assert text.startswith("**compare: MOVED: mlp_100 (architecture moved, numerics moved)")
    assert text.count("<details><summary>") == 2


def test_the_html_page_shows_the_verdicts_and_a_plot_per_aspect(broken, browser):
    page = browser.new_page()
    try:
        page.goto((broken[2] / "r.html").as_uri())
        assert page.title() == "mnist-models compare: moved"
        assert page.inner_text("#summary").startswith("compare: MOVED: mlp_100")
        cells = page.locator("#verdicts tbody tr").filter(has_text="mlp_100").locator("td")
        assert cells.all_inner_texts() == ["mlp_100", "moved", "moved", "moved"]
        assert cells.nth(2).evaluate("c => getComputedStyle(c).backgroundColor") \
            == "rgb(249, 214, 213)"  # the colour of a failing verdict
        for aspect in ("architecture", "numerics"):
            plot = page.locator(f"#{aspect} figure svg")
            assert plot.count() == 1 and plot.bounding_box()["height"] > 100
            assert "mlp_25_25" in plot.text_content()  # the plot's labels are text
    finally:
        page.close()
