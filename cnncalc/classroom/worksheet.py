"""Worksheets: a blank exercise sheet for any network (random ones come from ``sources``).

A worksheet gives each layer's name, type and hyperparameters, and leaves blanks for the
fields it asks (its output shape and parameter count by default; also its MACs and receptive
field), and for the totals. Filled in, it is an answer file for `cnncalc check`.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..analysis import Analysis
from ..errors import SpecError
from ..spec import Spec
from .answers import DEFAULT_FIELDS, FIELDS

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


INSTRUCTIONS = {
    "output_shape": "output_shape (without the batch dimension)",
    "params": "params",
    "macs": "macs (multiply-accumulates for one sample, the bias not counted)",
    "receptive_field": "receptive_field (its size per spatial axis, e.g. 5x5, or 'whole input')",
}


def asked_fields(fields: tuple[str, ...] | list[str] | str | None) -> tuple[str, ...]:
    """--fields output_shape,params,macs,receptive_field, checked."""
    if fields is None:
        return DEFAULT_FIELDS
    names = fields.split(",") if isinstance(fields, str) else list(fields)
    chosen = tuple(name.strip() for name in names if name.strip())
    unknown = [name for name in chosen if name not in FIELDS]
    if unknown or not chosen:
        raise SpecError(
            f"--fields: unknown {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(FIELDS)}"
        )
    return chosen


def totals(fields: tuple[str, ...]) -> list[str]:
    return [
        name
        for field, name in (("params", "total_params"), ("macs", "total_macs"))
        if field in fields
    ]


def worksheet(
    reference: str, spec: Spec, analysis: Analysis, fields: tuple[str, ...] = DEFAULT_FIELDS
) -> dict[str, Any]:
    """The blank worksheet as data."""
    asked = spoken([INSTRUCTIONS[field] for field in fields])
    sheet: dict[str, Any] = {
        "exercise": reference,
        "input_shape": None if spec.input_shape is None else list(spec.input_shape),
        "instructions": f"Fill in each layer's {asked}, and {spoken(totals(fields))}. "
        "Then: cnncalc check this_file",
    }
    if fields != DEFAULT_FIELDS:
        sheet["fields"] = list(fields)
    sheet["layers"] = [
        {
            "name": row.name,
            "type": row.type,
            "given": given_arguments(spec, row.index),
            **dict.fromkeys(fields),
        }
        for row in analysis.layers
        if row.type != "InputLayer"
    ]
    sheet.update(dict.fromkeys(totals(fields)))
    return sheet


def spoken(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def sheet_fields(sheet: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sheet.get("fields", DEFAULT_FIELDS))


def render_worksheet(sheet: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(sheet, indent=2, ensure_ascii=False)
    if fmt == "yaml":
        return worksheet_yaml(sheet)
    fields = sheet_fields(sheet)
    blanks = [""] * len(fields)
    rows = [
        [layer["name"], layer["type"], compact(layer["given"]), *blanks]
        for layer in sheet["layers"]
    ]
    header = ["name", "type", "given", *fields]
    total_row = ["total_params", "", "", *blanks]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([header, *rows, total_row])
        return out.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = [
            f"**Exercise: {sheet['exercise']}** — input shape {sheet['input_shape']}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows),
            "| " + " | ".join(total_row) + " |",
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
    ]
    fields = sheet_fields(sheet)
    if "fields" in sheet:
        lines.append(f"fields: {json.dumps(list(fields))}")
    lines.append("layers:")
    for layer in sheet["layers"]:
        lines += [
            f"  - name: {json.dumps(layer['name'])}",
            f"    type: {layer['type']}",
            f"    given: {{{compact(layer['given']).replace('=', ': ')}}}",
            *(f"    {field}:" for field in fields),
        ]
    lines += [f"{name}:" for name in totals(fields)]
    return "\n".join(lines)
