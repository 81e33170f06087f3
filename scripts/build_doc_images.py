"""Writes the screenshots docs/images/*.png: cnncalc's diagrams as Chromium shows them.

    python scripts/build_doc_images.py

Needs Playwright and Debian's chromium (the dev setup). A tall graph is clipped to the part
named in IMAGES (from one layer's box to another's), so the text stays readable in the README.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cnncalc

ROOT = Path(__file__).parent.parent
IMAGES = {
    "vgg16": ("vgg16", "layers", None),
    "resnet50": ("resnet50", "graph", (None, "conv2_block1_out")),
    "inception_v3": (
        str(ROOT / "tests" / "data" / "inception_v3.json"),
        "graph",
        ("max_pooling2d_1", "mixed0"),
    ),
}
MARGIN = 16


def main() -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"))
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        for name, (source, style, span) in IMAGES.items():
            diagram = cnncalc.analyze(source).draw(style)
            page.set_content(f"<!DOCTYPE html><body style='margin:0'>{diagram.svg}</body>")
            clip = {"x": 0, "y": 0, "width": diagram.width, "height": diagram.height}
            if span is not None:
                first, last = span
                top = 0 if first is None else box(page, first)["y"] - MARGIN
                bottom = box(page, last)
                clip["y"], clip["height"] = top, bottom["y"] + bottom["height"] + MARGIN - top
            path = ROOT / "docs" / "images" / f"{name}.png"
            page.screenshot(path=str(path), clip=clip, full_page=True)
            print(f"wrote {path}")
        browser.close()


def box(page: object, layer: str) -> dict[str, float]:
    return page.locator(f'[data-layer="{layer}"]').first.bounding_box()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
