"""compare's record: written and read by one owner, refused when it is not one, and every
report drawn from it alone."""

from __future__ import annotations

import json

import pytest

from mnist_models.compare import page, report
from mnist_models.compare.aspects import Aspect
from mnist_models.compare.run import Options
from mnist_models.compare.sides import SideSpec
from mnist_models.zoo.registry import get_spec

ABOUT = {"models": ["mlp_100"], "commit": "abc1234",
         "environment": {"versions": {"keras": "3.15.1", "backend": "tensorflow",
                                      "tensorflow": "2.21.0"}, "code_path": {"path": "native"}}}


def _record(verdict: str = "moved") -> dict:
    results = {"mlp_100": {"architecture": Aspect("same", "3 layers, 79,510 params"),
                           "numerics": Aspect(verdict, "moved first in the forward pass",
                                              {"rows": [{"deviation": 0.1, "tolerance": 1e-6}]})}}
    sides = (SideSpec("baseline", "HEAD~1", revision="a" * 40),
             SideSpec("candidate", "HEAD", revision="b" * 40))
    options = Options(specs=[get_spec("mlp_100")], aspects=("architecture", "numerics"))
    return report.record(sides, [ABOUT, ABOUT], results, options, 12.0)


def test_a_record_reads_back_as_it_was_written(tmp_path):
    data = _record()
    path = report.write(data, tmp_path / "r.json")
    assert report.read(path) == data
    assert (data["verdict"], data["exit_code"]) == ("moved", 1)
    assert report.markdown(report.read(path)) == report.markdown(data)


def test_the_same_everywhere_exits_0():
    data = _record("same")
    assert (data["verdict"], data["exit_code"]) == ("same", 0)
    assert report.summary(data).startswith("compare: SAME: every aspect of every model")


@pytest.mark.parametrize(("change", "message"), [
    ({"format": "mnist-models compare 0"}, "expected a compare record"),
    ({"models": []}, "models: expected a JSON dict"),
    ({"models": {"mlp_100": {"verdict": "fine", "aspects": {}}}}, "expected verdicts among"),
])
def test_what_is_not_a_record_is_refused_by_name(tmp_path, change, message):
    path = tmp_path / "r.json"
    path.write_text(json.dumps({**_record(), **change}))
    with pytest.raises(report.CompareFileError, match=message):
        report.read(path)


def test_the_page_is_one_file_with_no_outside_reference():
    html = page.page(_record())
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 2
    # Links inside the SVGs point at their own elements ("#id"), never outside the page.
    assert "src=" not in html and "<script" not in html
    assert all(link.startswith('"#') for link in html.split("href=")[1:])
