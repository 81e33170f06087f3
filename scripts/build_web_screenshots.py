"""Screenshots of `cnncalc serve` for the README and docs/web.md (docs/images/web-*.png).

    python scripts/build_web_screenshots.py

Starts a real server, drives Debian's chromium with Playwright (as the browser tests do) and
saves the calculator (MNIST edited; VGG16's summary, costs and diagram), an exercise checked
with a typical mistake, and a graded class.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import VIEWPORT, chromium_path  # noqa: E402
from tests.test_web_api import answer_sheet  # noqa: E402
from tests.test_web_page import fill_worksheet  # noqa: E402
from tests.webserver import serving  # noqa: E402

IMAGES = ROOT / "docs" / "images"


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with serving() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path())
        page = browser.new_page(viewport={**VIEWPORT, "height": 900})
        page.goto(server.url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page.wait_for_selector("#total-params")

        page.get_by_label("layer 0 kernel_size").fill("5")
        page.get_by_label("layer 0 kernel_size").blur()
        page.wait_for_selector("text=(None, 24, 24, 32)")
        page.locator("#layers tbody tr").first.click()
        page.screenshot(path=IMAGES / "web-calculator.png")

        page.select_option("#preset", "vgg16")
        page.wait_for_selector("text=Total params: 138,357,544")
        page.wait_for_timeout(500)  # the diagram follows the summary
        column = page.locator("#calculator .column").nth(1).bounding_box()
        figure = page.locator("#diagram").bounding_box()
        height = figure["y"] + figure["height"] + 10 - column["y"]
        clip = {"x": column["x"], "y": column["y"], "width": column["width"], "height": height}
        page.screenshot(path=IMAGES / "web-vgg16.png", clip=clip, full_page=True)
        page.select_option("#preset", "mnist")
        page.wait_for_selector("text=Total params: 34,826")

        page.get_by_label("layer 2 kernel_size").fill("14")
        page.get_by_label("layer 2 kernel_size").blur()
        page.wait_for_selector("#error:not([hidden])")
        page.screenshot(path=IMAGES / "web-error.png")

        fill_worksheet(page, conv2d="288")
        page.click("#exercise-check")
        page.wait_for_selector("text=missing_bias")
        page.screenshot(path=IMAGES / "web-exercise.png")

        with tempfile.TemporaryDirectory() as folder:
            sheets = {
                "alice.yaml": answer_sheet(),
                "bob.yaml": answer_sheet(conv2d="288"),
                "carol.yaml": answer_sheet(dense="16000"),
            }
            for name, text in sheets.items():
                Path(folder, name).write_text(text, encoding="utf-8")
            page.get_by_role("tab", name="Class").click()
            page.set_input_files("#class-files", [str(Path(folder, name)) for name in sheets])
            page.click("#class-grade")
            page.wait_for_selector("#class-details:not([hidden])")
            page.wait_for_timeout(200)
            page.screenshot(path=IMAGES / "web-class.png")
        browser.close()
    for image in sorted(IMAGES.glob("web-*.png")):
        print(f"wrote {image.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
