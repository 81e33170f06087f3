"""The docstrings' examples are docs: run them."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cnncalc"
WITH_EXAMPLES = sorted(
    ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py")
    if re.search(r"^\s*>>> ", path.read_text(encoding="utf-8"), re.MULTILINE)
)
"""Every module whose docstrings hold an example (found, so a new one is never left out)."""


def test_the_examples_are_found() -> None:
    assert {"cnncalc", "cnncalc.formulas", "cnncalc.classroom.grading"} <= set(WITH_EXAMPLES)


@pytest.mark.parametrize("module", WITH_EXAMPLES)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_jupyter_renders_the_table() -> None:
    import cnncalc

    result = cnncalc.analyze("mnist")
    html = result._repr_html_()
    assert "<table>" in html and "conv2d_1 (Conv2D)" in html and "34,826" in html
    assert "| conv2d (Conv2D)" in result._repr_markdown_()
