r"""Text from a user's file made safe for each output: nothing in a layer name can run, forge a
line or break the format it is written into.

    >>> visible("evil\x1b[2J\nTotal params: 0")
    'evil\\x1b[2J\\nTotal params: 0'
    >>> csv_cell("=HYPERLINK(1)"), csv_cell("\rCR"), csv_cell(-3)
    ("'=HYPERLINK(1)", "'\\rCR", -3)
    >>> markdown_text("a|b<i>")
    'a\\|b\\<i\\>'
    >>> latex_text("50% of x_1 → y")
    '50\\% of x\\_1 $\\to$ y'
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
"""Control characters (C0, DEL, C1), line and paragraph separators, the marks that reorder
text (bidi), zero-width characters and lone surrogates: none is shown as itself."""


def _escape_invisible(match: re.Match[str]) -> str:
    """Python's own escape: \\n, \\x1b, \\u200b, \\ud800."""
    return ascii(match.group())[1:-1]


def visible(text: str) -> str:
    """Control characters shown as escapes (\\x1b, \\n): one line on a terminal, never a command
    to it, and always printable (lone surrogates too)."""
    return INVISIBLE.sub(_escape_invisible, text)


MAX_NAME_SHOWN = 80


def visible_name(text: str) -> str:
    """A name a user gave (a SPEC, a preset) as an error message shows it: short, and one
    printable line."""
    shown = visible(text)
    return shown if len(shown) <= MAX_NAME_SHOWN else shown[: MAX_NAME_SHOWN - 1] + "…"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """OWASP's guidance against CSV injection: a text cell that a spreadsheet would read as a
    formula gets a leading apostrophe. Control characters are shown (a CSV is printed to
    terminals too, and Python's csv module leaves a lone CR unquoted). Numbers stay numbers."""
    if not isinstance(value, str):
        return value
    return "'" + visible(value) if value.startswith(FORMULA_START) else visible(value)


def csv_row(values: list[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def csv_text(value: Any) -> Any:
    """A cell as cnncalc wrote it, read back: the apostrophe before a formula character is
    dropped, so a worksheet's names survive the round trip.

    >>> csv_text(csv_cell("=x")), csv_text("'quoted")
    ('=x', "'quoted")
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class SafeCsvWriter:
    """csv.writer for everything cnncalc writes: every row goes through :func:`csv_row`."""

    def __init__(self, out: io.StringIO) -> None:
        self.writer = csv.writer(out, lineterminator="\n")

    def writerow(self, values: list[Any]) -> None:
        self.writer.writerow(csv_row(values))

    def writerows(self, rows: list[list[Any]]) -> None:
        for values in rows:
            self.writerow(values)


MARKDOWN_SPECIAL = re.compile(r"([\\|<>])")


def markdown_text(text: str) -> str:
    """A table cell's text: no '|' ends the cell, no '<' opens HTML, no line ends the row."""
    return visible(MARKDOWN_SPECIAL.sub(r"\\\1", text))


def markdown_fence(text: str) -> str:
    """A code fence longer than any run of backticks in the text, so none can close it
    (CommonMark's rule).

    >>> markdown_fence("a ```` b")
    '`````'
    """
    return "`" * max([3, *(len(run) + 1 for run in re.findall("`+", text))])


LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
}
LATEX_SYMBOLS = {
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "·": r"$\cdot$",
    "×": r"$\times$",
    "÷": r"$\div$",
    "→": r"$\to$",
    "−": r"$-$",
    "≠": r"$\neq$",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "≈": r"$\approx$",
    "γ": r"$\gamma$",
    "β": r"$\beta$",
    "…": r"\ldots{}",
}


def _latex_char(char: str) -> str:
    if char in LATEX_SPECIAL:
        return LATEX_SPECIAL[char]
    if char in LATEX_SYMBOLS:
        return LATEX_SYMBOLS[char]
    code = ord(char)
    if char.isascii() or 0xC0 <= code <= 0x17F:  # visible() has escaped ASCII's controls
        return char  # ASCII and the accented Latin letters every LaTeX's T1 fonts have
    return rf"\texttt{{[U+{code:04X}]}}"


def latex_text(text: str) -> str:
    """Any text as LaTeX that compiles with pdflatex (inputenc utf8, fontenc T1): specials
    escaped, the formulas' symbols as math, other characters named by their code point."""
    return "".join(_latex_char(char) for char in visible(text))
