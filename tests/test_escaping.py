"""Escaping a user's text for each output, character by character at the edges of each range.

The expected escapes are the Unicode code points written out by hand (U+061C is the Arabic
letter mark, U+00C0 'À' the first letter of Latin-1's accented block, U+017F 'ſ' the last of
Latin Extended-A, which T1 fonts cover), not cnncalc's output.
"""

from __future__ import annotations

import io

import pytest

from cnncalc.render.escaping import (
    SafeCsvWriter,
    csv_cell,
    csv_text,
    latex_text,
    markdown_fence,
    markdown_text,
    visible,
)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x00", "\\x00"),  # C0 starts at NUL
        ("\x1f", "\\x1f"),
        ("\x7f", "\\x7f"),  # DEL
        ("\x9f", "\\x9f"),  # C1 ends at U+009F
        ("\xa0", "\xa0"),  # no-break space is visible
        ("\n\r\t", "\\n\\r\\t"),  # the three with names
        ("\u061c", "\\u061c"),  # above U+00FF: four hex digits
        ("\u200b", "\\u200b"),  # zero-width space
        ("\u202e", "\\u202e"),  # right-to-left override
        ("\ufeff", "\\ufeff"),
        ("\ud800", "\\ud800"),  # a lone surrogate
        ("conv2d_1", "conv2d_1"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\\tx"),
        ("a=b", "a=b"),  # only a leading formula character counts
        (-3, -3),  # numbers stay numbers
    ],
)
def test_csv_cell_and_back(value: object, cell: object) -> None:
    assert csv_cell(value) == cell
    if not (isinstance(value, str) and value.startswith("\t")):  # shown escaped: no way back
        assert csv_text(cell) == value


@pytest.mark.parametrize("value", ["a=b", "'quoted", "''=x", 7, None])
def test_csv_text_leaves_other_cells_alone(value: object) -> None:
    assert csv_text(value) == value


def test_the_csv_writer_ends_lines_with_a_newline_and_escapes_every_cell() -> None:
    out = io.StringIO()
    SafeCsvWriter(out).writerows([["name", "params"], ["=evil", 10]])
    assert out.getvalue() == "name,params\n'=evil,10\n"


@pytest.mark.parametrize(
    ("text", "cell"),
    [("a|b", "a\\|b"), ("<b>", "\\<b\\>"), ("a\\b", "a\\\\b"), ("a\nb", "a\\nb")],
)
def test_markdown_text(text: str, cell: str) -> None:
    assert markdown_text(text) == cell


@pytest.mark.parametrize(
    ("text", "fence"),
    [("", "```"), ("a ` b", "```"), ("a `` b", "```"), ("a ``` b", "````"), ("`````", "``````")],
)
def test_markdown_fence_is_longer_than_any_backtick_run(text: str, fence: str) -> None:
    assert markdown_fence(text) == fence


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        (" ~", r" \textasciitilde{}"),  # U+0020 is the first printable ASCII character
        ("}", r"\}"),
        ("\x7f", r"\textbackslash{}x7f"),  # DEL is escaped as text first
        ("\xbf", r"\texttt{[U+00BF]}"),  # '¿' is below the accented block
        ("\xc0", "\xc0"),  # 'À'
        ("\u017f", "\u017f"),  # 'ſ'
        ("\u0180", r"\texttt{[U+0180]}"),  # 'ƀ', Latin Extended-B: not in T1
        ("⌊x⌋", r"$\lfloor$x$\rfloor$"),
    ],
)
def test_latex_text(text: str, latex: str) -> None:
    assert latex_text(text) == latex
