"""Worksheets: a blank exercise sheet for any network (random ones come from ``sources``).

A worksheet gives each layer's name, type and hyperparameters, and leaves blanks for its
output shape and parameter count, and for the total. Filled in, it is an answer file for
`cnncalc check`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..analysis import Analysis
from ..errors import SpecError
from ..spec import Spec

FORMATS = ("yaml", "json", "csv", "markdown")


def given_arguments(spec: Spec, index: int) -> dict[str, Any]:
    """What the worksheet tells the student about a layer: its arguments, not its results."""
    layer = spec.layers[index]
    given = layer.to_dict()
    for key in ("type", "name", "inputs"):
        given.pop(key, None)
    for key in ("strides", "padding"):  # Keras's defaults, said out loud for the student
        if getattr(layer, key, None) is not None:
            given.setdefault(key, getattr(layer, key))
    return given


def worksheet(reference: str, spec: Spec, analysis: Analysis) -> dict[str, Any]:
    """The blank worksheet as data."""
    return {
        "exercise": reference,
        "input_shape": None if spec.input_shape is None else list(spec.input_shape),
        "instructions": "Fill in each layer's output_shape (without the batch dimension) and "
        "params, and total_params. Then: cnncalc check this_file",
        "layers": [
            {
                "name": row.name,
                "type": row.type,
                "given": given_arguments(spec, row.index),
                "output_shape": None,
                "params": None,
            }
            for row in analysis.layers
            if row.type != "InputLayer"
        ],
        "total_params": None,
    }


def render_worksheet(sheet: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(sheet, indent=2, ensure_ascii=False)
    if fmt == "yaml":
        return worksheet_yaml(sheet)
    rows = [
        [layer["name"], layer["type"], compact(layer["given"]), "", ""] for layer in sheet["layers"]
    ]
    header = ["name", "type", "given", "output_shape", "params"]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([header, *rows, ["total_params", "", "", "", ""]])
        return out.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = [
            f"**Exercise: {sheet['exercise']}** — input shape {sheet['input_shape']}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows),
            "| total_params |  |  |  |  |",
        ]
        return "\n".join(lines)
    raise SpecError(f"unknown worksheet format '{fmt}'; choose from {', '.join(FORMATS)}")


def compact(value: Any) -> str:
    """Hyperparameters on one line: filters=32, kernel_size=[3, 3]."""
    return ", ".join(f"{key}={json.dumps(item)}" for key, item in value.items())


def worksheet_yaml(sheet: dict[str, Any]) -> str:
    """YAML a student edits by hand: one layer per block, blanks where answers go."""
    lines = [
        f"# {sheet['instructions']}",
        "# Shapes may be written [26, 26, 32], (None, 26, 26, 32) or 26x26x32.",
        f"exercise: {json.dumps(sheet['exercise'])}",
        f"input_shape: {json.dumps(sheet['input_shape'])}",
        "layers:",
    ]
    for layer in sheet["layers"]:
        lines += [
            f"  - name: {json.dumps(layer['name'])}",
            f"    type: {layer['type']}",
            f"    given: {{{compact(layer['given']).replace('=', ': ')}}}",
            "    output_shape:",
            "    params:",
        ]
    lines.append("total_params:")
    return "\n".join(lines)
