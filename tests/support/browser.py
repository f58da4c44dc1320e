"""A real browser for the tests of pages: headless Chromium from the system's ``chromium``
package, driven by Playwright's Python API (no browser download: the system's executable).

Where either is missing the tests that use it skip, with the reason; ``.ci/run`` installs
Chromium and sets ``MNIST_MODELS_REQUIRE_BROWSER=1``, which turns that skip into a failure, so
CI cannot pass without having looked at the pages.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

REQUIRE = "MNIST_MODELS_REQUIRE_BROWSER"


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing(why: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{why}, and {REQUIRE}=1 requires the browser tests to run")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """A headless Chromium, shared by the session's page tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install playwright)")
    executable = chromium_path()
    if executable is None:
        _missing("no chromium on PATH (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()
