"""A real headless Chromium for tests: Debian's ``chromium`` driven by Playwright.

tests/conftest.py registers the fixtures: a test asks for ``page`` (or ``browser``). No
browser is downloaded: the tests skip, saying why, when Playwright or chromium is missing
(``.ci/run`` installs chromium; ``pip install -e ".[dev]"`` installs Playwright).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

VIEWPORT = {"width": 1400, "height": 1000}


def chromium_path() -> str | None:
    """CNNCALC_CHROMIUM if set, else the chromium on PATH (Debian's is /usr/bin/chromium)."""
    return os.environ.get("CNNCALC_CHROMIUM") or shutil.which("chromium")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session (starting it takes about a second)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason='Playwright is not installed: pip install -e ".[dev]"'
    )
    path = chromium_path()
    if path is None:
        pytest.skip("chromium is not installed: apt-get install chromium (.ci/run does)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own context: no cookies or cache shared between tests)."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context.new_page()
    context.close()
