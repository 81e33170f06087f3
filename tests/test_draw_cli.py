"""`cnncalc draw` and `cnncalc report`: files by suffix, never overwritten silently, one-line
errors with the right exit code."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .test_cli import TOO_BIG, run


def test_draw_prints_svg_without_an_output() -> None:
    result = run("draw", "mnist")
    assert result.exit_code == 0
    assert ET.fromstring(result.stdout).get("aria-label", "").startswith("mnist")


@pytest.mark.parametrize(
    ("file_name", "magic"), [("net.svg", b"<svg"), ("net.png", b"\x89PNG"), ("net.PDF", b"%PDF")]
)
def test_draw_writes_the_format_its_suffix_names(
    tmp_path: Path, file_name: str, magic: bytes
) -> None:
    if not file_name.endswith("svg"):
        pytest.importorskip("cairosvg", reason='PNG and PDF need: pip install "cnncalc[draw]"')
    path = tmp_path / file_name
    result = run("draw", "lenet5", "-o", str(path))
    assert result.exit_code == 0 and path.read_bytes().startswith(magic)
    assert f"wrote {path}" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["draw", "mnist", "-o", "{tmp}/net.gif"], 2, "cannot draw a .gif file; name the file"),
        (["draw", "mnist", "-o", "{tmp}/noext"], 2, "noext: cannot draw a file without a suffix"),
        (["draw", "mnist", "-o", "{tmp}"], 2, "is a folder; give a file name inside it"),
        (["draw", "mnist", "-o", "{tmp}/sub.svg"], 2, "sub.svg: is a folder; give a file name"),
        (["draw", "mnist", "-o", "{tmp}/exists.svg"], 2, "already exists; use --force"),
        (["report", "mnist", "-o", "{tmp}/exists.svg"], 2, "already exists; use --force"),
        (["draw", "no_such_net"], 2, "no_such_net"),
        (["draw", "-"], 1, "a 9×9 kernel does not fit"),
        (["report", "-"], 1, "a 9×9 kernel does not fit"),
    ],
)
def test_errors_are_one_line_with_the_exit_code(
    tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "exists.svg").write_text("mine", encoding="utf-8")
    (tmp_path / "sub.svg").mkdir()
    result = run(*(arg.format(tmp=tmp_path) for arg in args), stdin=TOO_BIG)
    assert result.exit_code == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "exists.svg").read_text(encoding="utf-8") == "mine"


def test_force_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "net.svg"
    path.write_text("old", encoding="utf-8")
    assert run("draw", "mnist", "-o", str(path), "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("<svg")


def test_layers_style_on_a_graph_says_what_it_drew() -> None:
    result = run("draw", "resnet50", "--style", "layers")
    assert result.exit_code == 0
    assert "note: resnet50 has branches: drawn in the graph style" in result.stderr
    assert 'data-from="conv2_block1_0_bn" data-to="conv2_block1_add"' in result.stdout


def test_report_writes_one_page(tmp_path: Path) -> None:
    path = tmp_path / "vgg16.html"
    result = run("report", "vgg16", "-o", str(path))
    assert result.exit_code == 0
    html = path.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and 'data-layer="fc1"' in html
