"""The docstrings' examples are docs: run them."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["cnncalc", "cnncalc.formulas"])
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_jupyter_renders_the_table() -> None:
    import cnncalc

    result = cnncalc.analyze("mnist")
    html = result._repr_html_()
    assert "<table>" in html and "conv2d_1 (Conv2D)" in html and "34,826" in html
    assert "| conv2d (Conv2D)" in result._repr_markdown_()
