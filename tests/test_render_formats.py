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
    return [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]


def html_cells(text: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", text)
    return [
        [html.unescape(c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r)]
        for r in rows
    ]


def latex_cells(text: str) -> list[list[str]]:
    """tabulate's latex: cells apart by ' & ' (an escaped '\\&' is text), '\\\\' ends a row."""
    lines = [line.removesuffix("\\\\").strip() for line in text.splitlines() if " & " in line]
    unescape = {"\\_": "_", "\\#": "#", "\\&": "&"}
    rows = []
    for line in lines:
        cells = [cell.strip() for cell in re.split(r"(?<!\\) & ", line)]
        for escaped, plain in unescape.items():
            cells = [cell.replace(escaped, plain) for cell in cells]
        rows.append(cells)
    return rows


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


# --costs, by hand. MACs (multiplications by weights, one sample): conv 4·4·3 positions ×
# 3·3·2 = 864, dense 48·2 = 96; BatchNormalization's scale and shift count as elementwise ops
# (docs/costs.md), not MACs. Activations: 4·4·3 = 48 values, flatten 48, dense 2. Receptive
# field: a 3×3 window at stride 1 (r = 1 + (3 − 1)·1 = 3); BatchNormalization keeps it;
# Flatten and Dense mix every position: the whole input.
COST_CELLS = [
    ("864", "48", "3×3 (S 1, P 0)"),
    ("0", "48", "3×3 (S 1, P 0)"),
    ("0", "48", "whole input"),
    ("96", "2", "whole input"),
]
COST_HEADER = ["Layer (type)", "Output Shape", "Param #", "MACs", "Activations", "Receptive field"]
# The footer with --costs, batch 1, float32 (4 bytes), rmsprop (compile()'s default):
#   ops: conv bias 4·4·3 = 48, BatchNormalization 4·4·3·2 = 96, dense bias 2 → 146
#   optimizer: one velocity per trainable weight (104) + Keras's iteration (int64, 8 bytes)
#   and learning_rate (float32, 4 bytes): 104·4 + 8 + 4 = 428 bytes
#   activations: the input 6·6·2 = 72 and every output, (72 + 48 + 48 + 48 + 2)·4 = 872
#   training: 668 + 416 + 428 + 872 = 2384 bytes; inference peak: the weights and, while
#   conv2d is computed, the input and its output alive: 668 + (72 + 48)·4 = 1148 bytes
COST_FOOTER = [
    "Total params: 167 (668.00 B)",
    "Trainable params: 104 (416.00 B)",
    "Non-trainable params: 63 (252.00 B)",
    f"Total MACs: {864 + 96} (FLOPs = 2 × MACs = {2 * (864 + 96):,}; the bias is not counted)",
    f"Total ops: {48 + 96 + 2} (elementwise: bias, pooling, normalization, activations, merges)",
    "Memory (batch size 1, float32, optimizer rmsprop):",
    f"  Params: {167 * 4}.00 B",
    f"  Gradients: {104 * 4}.00 B",
    f"  Optimizer params: {104 + 2} ({104 * 4 + 8 + 4}.00 B)",
    f"  Activations: {(72 + 48 + 48 + 48 + 2) * 4}.00 B",
    f"  Training total: {(668 + 416 + 428 + 872) / 1024:.2f} KB",
    f"  Inference peak: {(668 + (72 + 48) * 4) / 1024:.2f} KB",
    "  (Memory is estimated from the shapes: framework workspace, allocator overhead and fused "
    "kernels are left out)",
]
LATEX |= {"×": "$\\times$", "→": "$\\to$", "'": "\\textquotesingle{}"}


def footer(fmt: str, text: str) -> list[str]:
    """The totals under the table, one line each, as the format writes them."""
    text = text.removesuffix("\n")  # the CLI's own line end
    if fmt == "table":
        body = text.split("┘\n", 1)[1].split("\n\nWorking", 1)[0]
        assert all(line.startswith(" ") for line in body.splitlines())
        return [line.removeprefix(" ") for line in body.splitlines()]
    if fmt == "markdown":  # the memory's lines nested under it: "  - Params: …"
        body = text.split("|\n\n", 1)[1].split("\n\n### Working", 1)[0]
        assert all(re.match(r"(  )?- ", line) for line in body.splitlines())
        return [re.sub(r"^(  )?- ", r"\1", line) for line in body.splitlines()]
    if fmt == "html":
        body = re.search(r"</table>\n<p>(.*?)</p>", text, re.S)
        assert body is not None
        return [html.unescape(line) for line in body[1].split("<br>\n")]
    body = text.split("\\end{tabular}\n", 1)[1].split("\n\n{\\ttfamily", 1)[0]
    return body.split("\\\\\n")


def title(fmt: str, text: str) -> str:
    return text.split("\n", 1)[0]


TITLES = {
    "table": 'Model: "frozen"',
    "markdown": "**Model: frozen**",
    "html": "<p><b>Model: frozen</b></p>",
    "latex": "\\begin{tabular}{llrrrl}",  # a fragment: no title; Param # and costs right
}
CELLS = {"table": table_cells, "markdown": markdown_cells, "html": html_cells}
CELLS["latex"] = latex_cells


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_costs_cell_by_cell_and_every_footer_line(fmt: str) -> None:
    text = output(fmt, "--costs")
    latex = fmt == "latex"
    rows = [[*summary_cells(r), *c] for r, c in zip(ROWS, COST_CELLS)]
    expected = [COST_HEADER, *rows]
    if latex:
        expected = [[as_latex(cell) for cell in row] for row in expected]
        expected = [[cell.replace("\\_", "_") for cell in row] for row in expected]
    assert CELLS[fmt](text) == expected
    assert footer(fmt, text) == [as_latex(line) if latex else line for line in COST_FOOTER]
    assert title(fmt, text) == TITLES[fmt]


def test_the_markdown_memory_lines_are_a_list_inside_its_item() -> None:
    """Markdown reads '-   Params' as one more item of the outer list; '  - Params' under
    '- Memory (…):' is its own list, as the table's indentation means."""
    body = output("markdown", "--costs").split("|\n\n", 1)[1].splitlines()
    memory = next(n for n, line in enumerate(body) if line.startswith("- Memory ("))
    assert body[memory + 1 :] == ["  - " + line.strip() for line in COST_FOOTER[memory + 1 :]]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_without_costs_the_footer_is_three_lines(fmt: str) -> None:
    assert footer(fmt, output(fmt)) == COST_FOOTER[:3]


# Each layer's working opens with a line naming it and its shapes (from the input's, by hand)
HEADS = [
    "conv2d (Conv2D): (None, 6, 6, 2) → (None, 4, 4, 3)",
    "batch_normalization (BatchNormalization): (None, 4, 4, 3) → (None, 4, 4, 3)",
    "flatten (Flatten): (None, 4, 4, 3) → (None, 48)",
    "dense (Dense): (None, 48) → (None, 2)",
]
# With --costs each layer's working ends with its output's size, the factors shown when the
# output has more than one axis
ACTIVATIONS = ["4·4·3 = 48", "4·4·3 = 48", "48", "2"]
FROZEN_LINE = "    (trainable=False: every weight is non-trainable)"
# A selection of the memory working, by hand (see COST_FOOTER)
MEMORY_WORKING = [
    "    bytes per weight = 4, per activation = 4  (float32)",
    "    params_bytes = 167·4 = 668",
    "    gradients_bytes = 104·4 = 416  (trainable weights)",
    f"    activations_bytes = 1·{72 + 48 + 48 + 48 + 2}·4 = 872  (the input and every layer's "
    "output)",
    "    training_bytes = 668 + 416 + 428 + 872 = 2384",
]


def working_lines(fmt: str, text: str) -> list[str]:
    """The working section, one line per line as the format writes it (LaTeX: each line
    ends with a line break, a blank line is a \\medskip)."""
    patterns = {
        "table": r"\n\nWorking \(the lecture's formulas, numbers substituted\):\n\n(.*)\Z",
        "markdown": r"\n\n### Working\n\n```text\n(.*)\n```\Z",
        "html": r"</p>\n<pre>(.*)</pre>\Z",
        "latex": r"\n\n\{\\ttfamily\\obeyspaces\\raggedright\n(.*)\n\\par\}\Z",
    }
    found = re.search(patterns[fmt], text.removesuffix("\n"), re.S)
    assert found is not None, f"{fmt}: no working section where expected"
    if fmt == "html":
        return html.unescape(found[1]).split("\n")
    if fmt == "latex":
        lines = found[1].split("\n")
        assert all(line == "\\medskip" or line.endswith("\\\\") for line in lines)
        assert "\\\\" not in lines  # a blank line is a \medskip, not an empty line break
        return ["" if line == "\\medskip" else line.removesuffix("\\\\") for line in lines]
    return found[1].split("\n")


@pytest.mark.parametrize("costs", [False, True], ids=["explain", "explain and costs"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_the_working_is_one_block_per_layer(fmt: str, costs: bool) -> None:
    text = output(fmt, "--explain", *(["--costs"] if costs else []))
    spelled = as_latex if fmt == "latex" else str
    assert len(CELLS[fmt](text)) == 1 + len(ROWS)  # the table is still there, then the totals
    assert footer(fmt, text)[:3] == [spelled(line) for line in COST_FOOTER[:3]]
    blocks = "\n".join(working_lines(fmt, text)).split("\n\n")
    memory = blocks.pop() if costs else None
    assert [block.split("\n")[0] for block in blocks] == [spelled(head) for head in HEADS]
    for block, name, size in zip(blocks, WORKING, ACTIVATIONS):
        body = block.split("\n")[1:]
        assert all(line.startswith("    ") for line in body), block
        params = [i for i, line in enumerate(body) if line.startswith("    params = ")]
        frozen = [i for i, line in enumerate(body) if line == spelled(FROZEN_LINE)]
        # only the frozen conv says why (BatchNormalization is only partly non-trainable)
        assert frozen == ([params[0] + 1] if name == "conv2d" else []), block
        has_size = body[-1] == spelled(f"    activations = {size}")
        assert has_size is costs, block
    if costs:
        lines = memory.split("\n")
        assert lines[0] == "memory:"
        for line in MEMORY_WORKING:
            assert spelled(line) in lines


def test_csv_costs_every_column_and_the_total_row() -> None:
    rows = list(csv.reader(io.StringIO(output("csv", "--costs"))))
    assert rows[0][7:] == ["macs", "flops", "ops", "activations", "receptive_field"]
    # ops by hand: conv and dense bias additions (48, 2), BatchNormalization 48·2 = 96
    ops = ["48", "96", "0", "2"]
    assert [row[7:] for row in rows[1:-1]] == [
        [macs, str(2 * int(macs)), op, size, field]
        for (macs, size, field), op in zip(COST_CELLS, ops)
    ]
    totals = ["total_params", "", "", "167", "104", "63", ""]
    assert rows[-1] == [*totals, "960", "1920", "146", "", ""]


FORK = {  # a graph: two Dense layers read the input, their outputs joined; batch fixed at 2
    "name": "fork",
    "batch_size": 2,
    "input_shape": [4],
    "layers": [
        {"type": "Dense", "units": 2, "name": "a", "inputs": ["input"]},
        {"type": "Dense", "units": 3, "name": "b", "inputs": ["input"]},
        {"type": "Concatenate", "inputs": ["a", "b"]},
    ],
}


def test_a_graph_with_costs_has_the_input_row_and_connected_to_last() -> None:
    """Keras's functional summary: the input as an InputLayer row, Connected to as the last
    column. By hand: a (4 + 1)·2 = 10 params, 4·2 = 8 MACs; b (4 + 1)·3 = 15, 12 MACs;
    concatenate 2 + 3 = 5 values. The input row has no cost cells."""
    result = CliRunner().invoke(app, ["analyze", "-", "--costs"], input=json.dumps(FORK))
    assert table_cells(result.output) == [
        [*COST_HEADER, "Connected to"],
        ["input (InputLayer)", "(2, 4)", "0", "", "", "", "-"],
        ["a (Dense)", "(2, 2)", "10", "8", "2", "whole input", "input[0][0]"],
        ["b (Dense)", "(2, 3)", "15", "12", "3", "whole input", "input[0][0]"],
        ["concatenate (Concatenate)", "(2, 5)", "0", "0", "5", "whole input", "a[0][0], b[0][0]"],
    ]


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_nested_models_are_indented_per_level(fmt: str) -> None:
    """Keras 3's print_summary (keras/src/utils/summary_utils.py, print_layer) prefixes a
    nested layer with "   " per nesting level and "└ "."""
    spec = {
        "input_shape": [4],
        "layers": [
            {
                "type": "Sequential",
                "name": "outer",
                "layers": [
                    {
                        "type": "Sequential",
                        "name": "inner",
                        "layers": [{"type": "Dense", "units": 2, "name": "d"}],
                    }
                ],
            }
        ],
    }
    args = ["analyze", "-", "--format", fmt, "--expand-nested"]
    text = CliRunner().invoke(app, args, input=json.dumps(spec)).output
    if fmt == "html":
        names = re.findall(r"<tr><td>([^<]*)</td>", text)
    else:
        first = {"markdown": "| ", "latex": " ", "table": "│ "}[fmt]
        rows = [line for line in text.splitlines() if line.startswith(first) and "(" in line]
        separator = {"markdown": "|", "latex": "&", "table": "│"}[fmt]
        names = [line.split(separator)[0 if fmt == "latex" else 1] for line in rows]
    indented = [" outer (Sequential)", "    └ inner (Sequential)", "       └ d (Dense)"]
    if fmt == "html":
        indented = [name.removeprefix(" ") for name in indented]
    if fmt == "latex":  # a character pdflatex's fonts lack is named by its code point
        indented = [name.replace("└", "\\texttt{[U+2514]}") for name in indented]
    assert [name.rstrip() for name in names if "Layer" not in name] == indented


def test_an_input_layers_working_says_declared() -> None:
    spec = {"layers": [{"type": "InputLayer", "shape": [3], "name": "x"}]}
    args = ["analyze", "-", "--explain"]
    text = CliRunner().invoke(app, args, input=json.dumps(spec)).output
    assert "\nx (InputLayer): declared → (None, 3)\n" in text


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [  # Keras's units: powers of 1024, two decimals
        (0, "0.00 B"),
        (1023, "1023.00 B"),
        (1024, "1.00 KB"),
        (1024**2 - 1, f"{(1024**2 - 1) / 1024:.2f} KB"),
        (1024**2, "1.00 MB"),
        (3 * 1024**3, "3.00 GB"),
        (1024**4, "1.00 TB"),
        (1024**5, "1.00 PB"),
        (2048 * 1024**5, "2048.00 PB"),
        (2**1001, "about 2^1001 B"),  # past a float: its power of two
        (2**1000, "about 2^1000 B"),  # 1001 bits
        (2**999, f"{2**999 / 1024**5:.2f} PB"),  # 1000 bits: still a float
    ],
)
def test_sizes_in_powers_of_1024(n_bytes: int, text: str) -> None:
    from cnncalc.render import readable_size

    assert readable_size(n_bytes) == text


def test_an_unknown_format_names_the_choices() -> None:
    import cnncalc

    with pytest.raises(ValueError) as caught:
        cnncalc.analyze(FROZEN).to_table("yaml")
    assert str(caught.value) == (
        "unknown format 'yaml'; choose from table, json, csv, markdown, html, latex"
    )


# The presets, each worked by hand or published (input shape, layers, total params):
#   mnist: the lecture's convnet, 7 layers; 320 + 18,496 (its summary) + (5·5·64 + 1)·10
#   lenet5: 2 convs, 2 pools, Flatten, 3 Dense = 8 layers; (5·5·1 + 1)·6 + (5·5·6 + 1)·16 +
#     (5·5·16 + 1)·120 + (120 + 1)·84 + (84 + 1)·10 = 61,706 (LeCun et al. 1998)
#   alexnet: 5 convs, 3 pools, Flatten, 3 Dense, 2 Dropout = 14 layers, counted below;
#     alexnet_grouped: conv2, conv4, conv5 in 2 groups, each kernel sees half the depth
#   vgg16: 13 convs, 5 pools, Flatten, 3 Dense = 22 layers; 138,357,544 (keras.applications
#     documentation); vgg19: 16 convs = 25 layers, 143,667,240 (same)
#   resnet50: a 6-layer stem, 16 blocks of 10 layers (3 convs, 3 BatchNormalization, 3
#     activations, an Add), 4 of them with a projection (conv + BatchNormalization), pooling
#     and Dense: 6 + 16·10 + 4·2 + 2 = 176 layers; 25,636,712 (keras.applications docs)
ALEXNET_CONVS = [(11 * 11 * 3 + 1) * 96, (5 * 5 * 96 + 1) * 256, (3 * 3 * 256 + 1) * 384]
ALEXNET_CONVS += [(3 * 3 * 384 + 1) * 384, (3 * 3 * 384 + 1) * 256]
ALEXNET_DENSE = (6 * 6 * 256 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * 1000
HALVED = 5 * 5 * 48 * 256 + 3 * 3 * 192 * 384 + 3 * 3 * 192 * 256  # weights grouping saves
PRESETS = {
    "alexnet": ([227, 227, 3], 14, sum(ALEXNET_CONVS) + ALEXNET_DENSE),
    "alexnet_grouped": ([227, 227, 3], 14, sum(ALEXNET_CONVS) + ALEXNET_DENSE - HALVED),
    "lenet5": ([32, 32, 1], 8, 156 + 2_416 + 48_120 + 10_164 + 850),
    "mnist": ([28, 28, 1], 7, 320 + 18_496 + (5 * 5 * 64 + 1) * 10),
    "resnet50": ([224, 224, 3], 6 + 16 * 10 + 4 * 2 + 2, 25_636_712),
    "vgg16": ([224, 224, 3], 13 + 5 + 1 + 3, 138_357_544),
    "vgg19": ([224, 224, 3], 16 + 5 + 1 + 3, 143_667_240),
}
PRESET_COLUMNS = ["name", "input_shape", "layers", "total_params", "description"]


def preset_description(name: str) -> str:
    """Read straight from the shipped file (the data the command lists)."""
    import cnncalc

    path = f"{cnncalc.__path__[0]}/presets/{name}.json"
    with open(path, encoding="utf-8") as file:
        return json.load(file)["description"]


def preset_rows(count: str) -> list[list[str]]:
    """Each preset's cells, the count written as `count` formats it."""
    return [
        [name, str(shape), str(layers), format(total, count), preset_description(name)]
        for name, (shape, layers, total) in PRESETS.items()
    ]


def simple_cells(text: str) -> list[list[str]]:
    """tabulate's plain table: columns apart by two spaces or more, a rule under the header."""
    lines = text.strip("\n").splitlines()
    assert set(lines[1]) == {"-", " "}
    return [re.split(r"\s{2,}", line.strip()) for line in [lines[0], *lines[2:]]]


@pytest.mark.parametrize(
    ("fmt", "cells", "count"),
    [
        ("table", simple_cells, ","),
        ("markdown", markdown_cells, ","),
        ("html", html_cells, ","),
        ("latex", latex_cells, ","),
        ("csv", lambda text: list(csv.reader(io.StringIO(text))), "d"),
    ],
)
def test_presets_in_every_format_cell_by_cell(fmt: str, cells: Any, count: str) -> None:
    result = CliRunner().invoke(app, ["presets", "--format", fmt])
    assert result.exit_code == 0, result.output
    assert cells(result.output) == [PRESET_COLUMNS, *preset_rows(count)]


def test_presets_json_every_field() -> None:
    result = CliRunner().invoke(app, ["presets", "--format", "json"])
    assert json.loads(result.output) == [
        dict(zip(PRESET_COLUMNS, [name, shape, layers, total, preset_description(name)]))
        for name, (shape, layers, total) in PRESETS.items()
    ]


def analyze_text(spec: dict[str, Any], *options: str) -> str:
    result = CliRunner().invoke(app, ["analyze", "-", *options], input=json.dumps(spec))
    assert result.exit_code == 0, result.output
    return result.output


UNKNOWN_LENGTH = {"input_shape": [None, 3], "layers": [{"type": "Dense", "units": 2}]}


def test_unknown_sizes_print_a_question_mark_and_say_why() -> None:
    """A sequence of unknown length: (3 + 1)·2 = 8 weights (32 bytes) but no MACs, values or
    memory for the activations. rmsprop: 8 velocities + 2 scalars, 8·4 + 8 + 4 = 44 bytes."""
    text = analyze_text(UNKNOWN_LENGTH, "--costs")
    assert table_cells(text)[1][3:5] == ["?", "?"]
    assert footer("table", text)[3:] == [
        "Total MACs: ? (FLOPs = 2 × MACs = ?; the bias is not counted)",
        "Total ops: ? (elementwise: bias, pooling, normalization, activations, merges)",
        "Memory (batch size 1, float32, optimizer rmsprop):",
        "  Params: 32.00 B",
        "  Gradients: 32.00 B",
        "  Optimizer params: 10 (44.00 B)",
        "  Activations: ? (a size is unknown)",
        "  Training total: ? (a size is unknown)",
        "  Inference peak: ? (a size is unknown)",
        COST_FOOTER[-1],
    ]


TWO_INPUTS = {  # no input_shape: two InputLayers, a name with markup characters
    "layers": [
        {"type": "InputLayer", "shape": [5, 3], "name": "x"},
        {"type": "InputLayer", "shape": [2], "name": "y"},
        {"type": "Dense", "units": 2, "name": "a|b <i>", "inputs": ["x"]},
        {"type": "GlobalAveragePooling1D", "name": "pool"},
        {"type": "Concatenate", "name": "join", "inputs": ["pool", "y"]},
    ],
}
# By hand: a|b <i> (3 + 1)·2 = 8 params on (5, 3) → (5, 2); pooled (2,); joined 2 + 2 = 4
TWO_INPUT_ROWS = [
    ["x (InputLayer)", "(None, 5, 3)", "0", "-"],
    ["y (InputLayer)", "(None, 2)", "0", "-"],
    ["a|b <i> (Dense)", "(None, 5, 2)", "8", "x[0][0]"],
    ["pool (GlobalAveragePooling1D)", "(None, 2)", "0", "a|b <i>[0][0]"],
    ["join (Concatenate)", "(None, 4)", "0", "pool[0][0], y[0][0]"],
]


# How markdown and LaTeX write the characters they would otherwise read as markup
MARKUP_ESCAPES = {
    "markdown": {"\\|": "|", "\\<": "<", "\\>": ">"},
    "latex": {"\\textless{}": "<", "\\textgreater{}": ">", "\\textbar{}": "|"},
}


@pytest.mark.parametrize("fmt", ["table", "markdown", "html", "latex"])
def test_an_unnamed_graph_of_two_inputs_in_every_format(fmt: str) -> None:
    """Keras calls an unnamed graph "functional"; declared inputs have no input row of their
    own beyond their InputLayer rows, and nothing Connected to them ('-')."""
    text = analyze_text(TWO_INPUTS, "--format", fmt)
    cells = CELLS[fmt](text)
    for escaped, plain in MARKUP_ESCAPES.get(fmt, {}).items():
        cells = [[cell.replace(escaped, plain) for cell in row] for row in cells]
    assert cells == [["Layer (type)", "Output Shape", "Param #", "Connected to"], *TWO_INPUT_ROWS]
    titles = {
        "table": 'Model: "functional"',
        "markdown": "**Model: functional**",
        "html": "<p><b>Model: functional</b></p>",
        "latex": "\\begin{tabular}{llrl}",
    }
    assert title(fmt, text) == titles[fmt]


def test_a_merge_shows_each_input_shape_in_its_working() -> None:
    """a|b <i>'s output is 5·2 = 10 values per sample, its factors shown."""
    text = analyze_text(TWO_INPUTS, "--explain", "--costs")
    assert "\njoin (Concatenate): (None, 2), (None, 2) → (None, 4)\n" in text
    assert "\nx (InputLayer): declared → (None, 5, 3)\n" in text
    assert "\n    activations = 5·2 = 10\n" in text
    assert "\n    activations = 4\n" in text


def test_csv_lists_every_input_of_a_merge() -> None:
    rows = list(csv.DictReader(io.StringIO(analyze_text(TWO_INPUTS, "--format", "csv"))))
    assert [row["inputs"] for row in rows] == ["", "", "x", "a|b <i>", "pool y", ""]


def test_numbers_are_right_aligned_and_text_left() -> None:
    """Param #, MACs and Activations line up on their last digit; names, shapes, receptive
    fields and connections on their first letter."""
    text = analyze_text(FORK, "--costs")
    lines = [line for line in text.splitlines() if line.startswith("│ a (Dense)")]
    cells = lines[0].split("│")[1:-1]
    right, left = [cells[i] for i in (2, 3, 4)], [cells[i] for i in (0, 1, 5, 6)]
    assert all(c.startswith("  ") and c.endswith(c.strip() + " ") for c in right), cells
    assert all(c.startswith(" " + c.strip()) and c.endswith("  ") for c in left), cells
    page = analyze_text(FORK, "--costs", "--format", "html")
    header_row = re.search(r"<tr>(<th.*?)</tr>", page)
    assert header_row is not None
    styles = re.findall(r"<th( style=\"text-align: right;\")?>", header_row[1])
    assert [bool(s) for s in styles] == [False, False, True, True, True, False, False]


def test_csv_explain_with_costs_carries_the_cost_working_too() -> None:
    rows = list(csv.DictReader(io.StringIO(output("csv", "--explain", "--costs"))))
    conv = rows[0]["working"].split("; ")
    assert "params = (3·3·2 + 1)·3 = 57" in conv
    assert "macs = 4·4·3 · 3·3·2 = 864" in conv  # 4·4·3 positions × 3·3·2 weights each
    assert rows[0]["macs"] == "864" and rows[0]["flops"] == "1728"


def test_json_costs_use_the_batch_and_optimizer_asked_for() -> None:
    """A batch of 4: activations 4·(72 + 48 + 48 + 48 + 2)·4 = 3488 bytes; adam keeps two
    slots per trainable weight: 2·104 + 2 = 210 optimizer variables."""
    data = json.loads(output("json", "--costs", "--batch-size", "4", "--optimizer", "adam"))
    memory = data["memory"]
    assert (memory["batch_size"], memory["optimizer"]) == (4, "adam")
    assert memory["activations_bytes"] == 4 * 218 * 4
    assert memory["optimizer_params"] == 2 * 104 + 2
    assert "memory_working" not in data
    explained = json.loads(output("json", "--costs", "--explain", "--batch-size", "4"))
    assert (
        "activations_bytes = 4·218·4 = 3488  (the input and every layer's output)"
        in (explained["memory_working"])
    )


CONTROL = {  # a name with a line break and a terminal escape: shown, never obeyed
    "name": "m\x1b[31m",
    "input_shape": [3],
    "layers": [{"type": "Dense", "units": 2, "name": "a\nb"}],
}


@pytest.mark.parametrize("fmt", ["table", "html"])
def test_control_characters_in_names_are_shown_as_escapes(fmt: str) -> None:
    """One line per row and per working line, whatever the names hold: (3 + 1)·2 = 8."""
    text = html.unescape(analyze_text(CONTROL, "--format", fmt, "--explain"))
    assert "\x1b" not in text and "a\nb" not in text
    assert "m\\x1b[31m" in text.splitlines()[0]
    assert CELLS[fmt](text)[1] == ["a\\nb (Dense)", "(None, 2)", "8"]
    assert working_lines(fmt, text)[0] == "a\\nb (Dense): (None, 3) → (None, 2)"


WIDE = {  # a graph whose cells are wider than their headers, so every alignment shows
    "input_shape": [32, 32, 3],
    "layers": [
        {"type": "Conv2D", "filters": 2, "kernel_size": 11, "strides": 4, "name": "a"},
        {"type": "Conv2D", "filters": 2, "kernel_size": 11, "strides": 4, "name": "b"},
        {"type": "Add", "inputs": ["a", "b"]},
    ],
}
WIDE["layers"][0]["inputs"] = WIDE["layers"][1]["inputs"] = ["input"]


def test_headers_align_with_their_columns() -> None:
    """Keras's table: text headers on the left, number headers on the right. By hand: an
    11×11 kernel at stride 4 on 32×32 gives ⌊(32 − 11)/4⌋ + 1 = 6, so the shape
    (None, 6, 6, 2) and the field 11×11 (S 4, P 0) are wider than their headers."""
    text = analyze_text(WIDE, "--costs")
    head = next(line for line in text.splitlines() if line.startswith("│ Layer"))
    cells = head.split("│")[1:-1]
    assert [c.strip() for c in cells] == [*COST_HEADER, "Connected to"]
    left, right = [cells[i] for i in (0, 1, 5, 6)], [cells[i] for i in (2, 3, 4)]
    assert all(c.startswith(" " + c.strip()) and c.endswith("  ") for c in left), cells
    assert all(c.endswith(c.strip() + " ") for c in right), cells
    assert table_cells(text)[2][1:6:4] == ["(None, 6, 6, 2)", "11×11 (S 4, P 0)"]


@pytest.mark.parametrize("spec", [FROZEN, FORK], ids=["chain", "graph"])
def test_the_reports_table_has_a_cell_under_every_header(spec: dict[str, Any]) -> None:
    """The HTML report shares the summary's columns: a chain has no Connected to column."""
    import cnncalc
    from cnncalc.render.report import summary_table

    table = summary_table(cnncalc.analyze(spec))
    headers = re.findall(r"<th>(.*?)</th>", table)
    rows = re.findall(r"<tr data-row[^>]*>(.*?)</tr>", table)
    assert ("Connected to" in headers) is (spec is FORK)
    assert all(len(re.findall(r"<td", row)) == len(headers) for row in rows)
