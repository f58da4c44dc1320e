"""The published dashboard in a real browser: a plot per series, the change point marked at
its commit, the regression listed, and the links between the pages working."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("sqlalchemy", reason="the history extra is not installed")

from mnist_models.history import publish, summary
from mnist_models.history.store import Point
from tests.support import histories


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    runs = histories.stepped(30, at=27)
    # A second series of the same model, unchanged, in the same runs.
    runs = [type(run)(**{**run.__dict__, "points": (*run.points, Point(
        "speed mlp_100 infer 1", 0.002, "s", {}))}) for run in runs]
    folder = tmp_path_factory.mktemp("site")
    publish.write(folder, publish.site(runs, summary.series(runs)))
    return folder


def test_a_model_page_has_a_plot_per_series_and_the_change_point_at_its_commit(site, browser):
    page = browser.new_page()
    try:
        page.goto((site / "models" / "mlp_100.html").as_uri())
        sections = page.locator("section.series")
        assert sections.count() == 2
        assert page.locator("section.series figure svg").count() == 2
        stepped = sections.filter(has_text="speed mlp_100 train 64")
        marker = stepped.locator("#change-speed-mlp_100-train-64-c027aaaa")
        assert marker.count() == 1 and marker.bounding_box()["height"] > 50
        assert stepped.locator("table td").first.inner_text() == "c027aaaa"
        labels = stepped.locator("svg").text_content()
        assert "c027aaaa" in labels and "tensorflow 2.21.0" in labels  # commit and version
        assert sections.filter(has_text="speed mlp_100 infer 1").locator(
            "[id^=change-]").count() == 0
    finally:
        page.close()


def test_the_regressions_page_lists_the_open_one_and_links_to_its_model(site, browser):
    page = browser.new_page()
    try:
        page.goto((site / "regressions.html").as_uri())
        rows = page.locator("tbody tr")
        assert rows.count() == 1
        assert re.search(r"\+(9|10)\.\d% at c027aaaa", rows.first.inner_text())
        rows.first.locator("a").click()
        assert page.url.endswith("/models/mlp_100.html")
        page.locator("nav a", has_text="overview").click()
        assert page.url.endswith("/index.html")
        assert page.locator("tbody tr").count() == 2
    finally:
        page.close()
