"""Every output format, cell by cell, on a network with frozen and non-trainable weights.

The expected cells are worked by hand (none copied from cnncalc's output):
  conv2d   6×6×2, 3×3 valid → 4×4×3; (3·3·2 + 1)·3 = 57, all frozen (trainable: false)
  batch_normalization: 4 per channel · 3 = 12, γ and β trainable (6), moving mean and
           variance not (6)
  flatten  4·4·3 = 48;  dense (48 + 1)·2 = 98
  totals   167 = 57 + 12 + 98; trainable 6 + 98 = 104; non-trainable 57 + 6 = 63;
           float32 bytes: 167·4 = 668, 104·4 = 416, 63·4 = 252
So a swapped trainable/non-trainable column, a dropped frozen flag, a lost row or a
dropped working column each fail here, in whichever format they happen.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

import pytest
from typer.testing import CliRunner

from cnncalc.cli import app

FROZEN = {
    "name": "frozen",
    "input_shape": [6, 6, 2],
    "layers": [
        {"type": "Conv2D", "filters": 3, "kernel_size": 3, "trainable": False},
        {"type": "BatchNormalization"},
        {"type": "Flatten"},
        {"type": "Dense", "units": 2},
    ],
}
# name, type, output shape, params, trainable, non-trainable, input
ROWS = [
    ("conv2d", "Conv2D", "(None, 4, 4, 3)", 57, 0, 57, "input"),
    ("batch_normalization", "BatchNormalization", "(None, 4, 4, 3)", 12, 6, 6, "conv2d"),
    ("flatten", "Flatten", "(None, 48)", 0, 0, 0, "batch_normalization"),
    ("dense", "Dense", "(None, 2)", 98, 98, 0, "flatten"),
]
TOTALS = [
    ("Total", "167", "668.00 B"),
    ("Trainable", "104", "416.00 B"),
    ("Non-trainable", "63", "252.00 B"),
]
# Working lines, in the lecture's notation, for each layer (a selection per layer)
WORKING = {
    "conv2d": ["output_height = ⌊(6 + 2·0 − 3)/1⌋ + 1 = 4", "params = (3·3·2 + 1)·3 = 57"],
    "batch_normalization": [
        "trainable (γ + β) = 2·3 = 6",
        "non-trainable (moving mean + moving variance) = 2·3 = 6",
    ],
    "flatten": ["output = 4·4·3 = 48"],
    "dense": ["params = (48 + 1)·2 = 98"],
}


def output(fmt: str, *extra: str) -> str:
    result = CliRunner().invoke(
        app, ["analyze", "-", "--format", fmt, *extra], input=json.dumps(FROZEN)
    )
    assert result.exit_code == 0, result.output
    return result.output


def summary_cells(row: tuple[Any, ...]) -> list[str]:
    """The three cells Keras's summary shows: 'name (Type)', shape, Param # with commas."""
    name, kind, shape, params = row[:4]
    return [f"{name} ({kind})", shape, f"{params:,}"]


def table_cells(text: str) -> list[list[str]]:
    return [
        [c.strip() for c in line.split("│")[1:-1]]
        for line in text.splitlines()
        if line.startswith("│")
    ]


def markdown_cells(text: str) -> list[list[str]]:
    lines = [line for line in text.splitlines() if line.startswith("| ")]
    return [[c.strip() for c in line.split("|")[1:-1]] for line in lines]


def html_cells(text: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", text)
    return [
        [html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
        for r in rows
    ]


def latex_cells(text: str) -> list[list[str]]:
    lines = [line.removesuffix("\\\\").strip() for line in text.splitlines() if " & " in line]
    return [
        [c.strip().replace("\\_", "_").replace("\\#", "#") for c in line.split(" & ")]
        for line in lines
    ]


def totals(text: str) -> list[tuple[str, str, str]]:
    return re.findall(r"(Total|Trainable|Non-trainable) params: ([\d,]+) \(([^)]+)\)", text)


@pytest.mark.parametrize(
    ("fmt", "cells"),
    [
        ("table", table_cells),
        ("markdown", markdown_cells),
        ("html", html_cells),
        ("latex", latex_cells),
    ],
)
def test_summary_formats_cell_by_cell(fmt: str, cells: Any) -> None:
    text = output(fmt)
    assert cells(text) == [["Layer (type)", "Output Shape", "Param #"]] + [
        summary_cells(r) for r in ROWS
    ]
    assert totals(text) == TOTALS


# How LaTeX spells the working's symbols (standard math-mode commands).
LATEX = {"·": "$\\cdot$", "−": "$-$", "⌊": "$\\lfloor$", "⌋": "$\\rfloor$", "γ": "$\\gamma$"}
LATEX |= {"β": "$\\beta$", "_": "\\_"}


def as_latex(line: str) -> str:
    return "".join(LATEX.get(character, character) for character in line)


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_explain_adds_every_layers_working_in_every_format(fmt: str) -> None:
    text = html.unescape(output(fmt, "--explain"))
    spelled = as_latex if fmt == "latex" else str
    for name, lines in WORKING.items():
        for line in lines:
            assert spelled(line) in text, f"{fmt}: {name}: {spelled(line)!r} missing"
    assert "trainable=False" in text  # the frozen conv says why its weights do not train


def test_csv_every_column_and_the_total_row() -> None:
    rows = list(csv.reader(io.StringIO(output("csv"))))
    assert rows[0] == [
        "name",
        "type",
        "output_shape",
        "params",
        "trainable_params",
        "non_trainable_params",
        "inputs",
    ]
    assert rows[1:-1] == [[str(c) for c in row] for row in ROWS]
    assert rows[-1] == ["total_params", "", "", "167", "104", "63", ""]


def test_csv_explain_adds_the_working_column() -> None:
    rows = list(csv.DictReader(io.StringIO(output("csv", "--explain"))))
    assert [row["name"] for row in rows[:-1]] == [r[0] for r in ROWS]
    for row in rows[:-1]:
        for line in WORKING[row["name"]]:
            assert line in row["working"].split("; ")


def test_json_every_field() -> None:
    data = json.loads(output("json"))
    assert (data["name"], data["input_shape"]) == ("frozen", [6, 6, 2])
    got = [
        (
            layer["name"],
            layer["type"],
            layer["output_shape"],
            layer["params"],
            layer["trainable_params"],
            layer["non_trainable_params"],
            layer["inputs"],
        )
        for layer in data["layers"]
    ]
    shapes = [[None, 4, 4, 3], [None, 4, 4, 3], [None, 48], [None, 2]]
    assert got == [(n, t, s, p, tr, nt, [i]) for (n, t, _, p, tr, nt, i), s in zip(ROWS, shapes)]
    totals_json = (data["total_params"], data["trainable_params"], data["non_trainable_params"])
    assert totals_json == (167, 104, 63)
    assert data["memory"]["params_bytes"] == 668


def test_json_explain_carries_the_working() -> None:
    data = json.loads(output("json", "--explain"))
    for layer in data["layers"]:
        for line in WORKING[layer["name"]]:
            assert line in layer["working"]


def test_costs_add_the_hand_computed_macs() -> None:
    """MACs by hand: conv 4·4·3 positions × 3·3·2 = 864; dense 48·2 = 96."""
    data = json.loads(output("json", "--costs"))
    assert [layer["macs"] for layer in data["layers"]] == [864, 0, 0, 96]
    assert data["total_flops"] == 2 * (864 + 96)
    text = output("table", "--costs")
    assert "864" in text and "96" in text
