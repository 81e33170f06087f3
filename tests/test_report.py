"""The one-page report: well-formed, self-contained (nothing loaded from outside, checked in a
real Chromium), every layer visible, names escaped so that no script runs."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc.render.plots import bars_svg
from cnncalc.render.report import POLICY, report_html

from .test_diagram import DATA, HOSTILE

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source"}
SVG_SELF_CLOSED = {"rect", "path", "polygon", "text"}


class TagBalance(HTMLParser):
    """Every element that opens closes, in order (void elements aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()


def assert_well_formed(html: str) -> None:
    checker = TagBalance()
    checker.feed(html)
    checker.close()
    assert checker.problems == [] and checker.open == []


def hostile_spec() -> dict[str, Any]:
    return {
        "name": HOSTILE,
        "input_shape": [8, 8, 1],
        "layers": [
            {"type": "Conv2D", "filters": 2, "kernel_size": 3, "name": HOSTILE},
            {"type": "Flatten", "name": "a&b"},
            {"type": "Dense", "units": 2, "name": "d<'\">"},
        ],
    }


@pytest.mark.parametrize("network", ["mnist", "vgg16", "resnet50", str(DATA / "inception_v3.json")])
def test_report_is_well_formed_and_complete(network: str) -> None:
    analysis = cnncalc.analyze(network)
    html = report_html(analysis)
    assert_well_formed(html)
    for row in analysis.layers:
        assert f'data-row="{row.name}"' in html and f'data-working="{row.name}"' in html
    assert html.count("<details") == len(analysis)
    assert f"Total params: {analysis.total_params:,}" in html


def test_report_refers_to_nothing_outside() -> None:
    html = report_html(cnncalc.analyze("resnet50"))
    assert not re.search(r"<(script|link|iframe|object|embed|img)\b", html)
    assert re.findall(r"https?://[^\"' )]+", html) == ["http://www.w3.org/2000/svg"] * 2
    assert re.findall(r"url\(([^)]*)\)", html) == ["#arrow"] * html.count("marker-end")
    assert POLICY in html


def test_hostile_names_are_escaped_in_the_html() -> None:
    html = report_html(cnncalc.analyze(hostile_spec()))
    assert_well_formed(html)
    assert "<script" not in html and "<img" not in html


def test_bars_show_where_vgg16_weights_and_compute_sit() -> None:
    """VGG16's fc1 holds 102,764,544 of 138,357,544 parameters (74%); its three dense layers
    102,764,544 + 16,781,312 + 4,097,000 = 123,642,856 (89%); its convolutions 99% of MACs."""
    analysis = cnncalc.analyze("vgg16")
    html = report_html(analysis)
    assert re.search(r'data-bar="fc1" data-measure="params"', html)
    assert "103M 74%" in html
    assert "dense 89% · convolution 11%" in html
    if getattr(analysis, "total_macs", None) is not None:
        assert "convolution 99% · dense 1%" in html


def visible_texts(page: Any) -> set[str]:
    """The text of every element that has a size on the page (scrolled to or not)."""
    return set(
        page.evaluate(
            """() => [...document.querySelectorAll('text, td, summary')]
                .filter(e => e.getBoundingClientRect().width > 0)
                .filter(e => e.getBoundingClientRect().height > 0)
                .map(e => e.textContent)"""
        )
    )


def assert_not_blank(png: bytes) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 20, "the screenshot is (almost) one colour"


@pytest.mark.parametrize("network", ["vgg16", "resnet50", str(DATA / "inception_v3.json")])
def test_every_layer_is_visible_in_chromium(page: Any, tmp_path: Path, network: str) -> None:
    analysis = cnncalc.analyze(network)
    path = tmp_path / "report.html"
    path.write_text(report_html(analysis), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    assert requests == [path.as_uri()], "the report loaded something besides itself"
    texts = visible_texts(page)
    missing = [row.name for row in analysis.layers if row.name not in texts]
    assert missing == []
    assert_not_blank(page.screenshot())


def test_no_script_runs_even_without_the_content_security_policy(page: Any, tmp_path: Path) -> None:
    """The policy would stop scripts anyway: take it out to prove the escaping alone does."""
    html = report_html(cnncalc.analyze(hostile_spec())).replace(POLICY, "default-src *")
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    assert page.title() != "pwned" and dialogs == []
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert HOSTILE in visible_texts(page)


@pytest.mark.parametrize("style", ["layers", "graph"])
def test_diagram_alone_renders_in_chromium(page: Any, style: str) -> None:
    diagram = cnncalc.analyze("vgg16").draw(style)
    page.set_content(f"<!DOCTYPE html><body style='margin:0'>{diagram.svg}</body>")
    texts = visible_texts(page)
    assert {row.name for row in cnncalc.analyze("vgg16").layers} <= texts
    assert_not_blank(page.screenshot())


@pytest.mark.parametrize("network", ["vgg16", str(DATA / "resnet50.json")])
def test_bar_column_headings_stay_apart(network: str) -> None:
    """Each column's heading lines end before the next column starts. The font is monospace:
    a character is 0.6 em (DejaVu Sans Mono's advance is 1233/2048), 6.6 px at 11 px."""
    svg = bars_svg(cnncalc.analyze(network))
    headings = re.findall(r'<text x="([\d.]+)" y="([\d.]+)">([^<]*)</text>', svg)
    lines: dict[str, list[tuple[float, str]]] = {}
    for x, y, text in headings:
        lines.setdefault(y, []).append((float(x), text))
    for row in lines.values():
        for (left, text), (next_left, _) in pairwise(sorted(row)):
            assert left + len(text) * 0.6 * 11 < next_left, (text, left, next_left)
    assert " 0%" not in "".join(text for _, _, text in headings)  # 'dense 0%' says nothing


def test_the_costs_are_those_of_analyze_costs(page: Any, tmp_path: Path) -> None:
    """MACs, activations, receptive fields and the memory totals, as read in Chromium."""
    path = tmp_path / "report.html"
    path.write_text(report_html(cnncalc.analyze("mnist")), encoding="utf-8")
    page.goto(path.as_uri())
    costs = page.locator("h2:text-is('Costs') + p").inner_text().splitlines()
    # MNIST's MACs: 26·26·32·3·3·1 = 194,688; 11·11·64·3·3·32 = 2,230,272; 1600·10 = 16,000
    assert costs[0].startswith("Total MACs: 2,440,960 (FLOPs = 2 × MACs = 4,881,920")
    # batch 1, float32, rmsprop: params 34,826·4 = 139,304 B = 136.04 KB; optimizer 34,826
    # slots + iteration + learning rate = 34,828 (34,826·4 + 8 + 4 = 139,316 B = 136.05 KB);
    # activations (784 + 21,632 + 5,408 + 7,744 + 1,600·3 + 10)·4 = 161,512 B = 157.73 KB;
    # training 139,304·2 + 139,316 + 161,512 = 579,436 B = 565.86 KB; inference peak
    # 139,304 + (21,632 + 5,408)·4 = 247,464 B = 241.66 KB
    assert [line.strip() for line in costs[2:9]] == [
        "Memory (batch size 1, float32, optimizer rmsprop):",
        "Params: 136.04 KB",
        "Gradients: 136.04 KB",
        "Optimizer params: 34,828 (136.05 KB)",
        "Activations: 157.73 KB",
        "Training total: 565.86 KB",
        "Inference peak: 241.66 KB",
    ]
    heading = page.locator("table tr").first.locator("th").all_inner_texts()
    assert heading[-3:] == ["Activations", "MACs", "Receptive field"]
    pool = page.locator('tr[data-row="max_pooling2d_1"] td').all_inner_texts()
    # r = 1 + (3−1)·1 = 3, + (2−1)·1 = 4 (S 2), + (3−1)·2 = 8, + (2−1)·2 = 10 (S 4);
    # 5·5·64 = 1,600 activations
    assert pool[-3:] == ["1,600", "0", "10×10 (S 4, P 0)"]
    dense = page.locator('tr[data-row="dense"] td').all_inner_texts()
    assert dense[-1] == "whole input"  # after Flatten every unit sees all of the image
