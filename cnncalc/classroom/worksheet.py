"""Worksheets: a blank exercise sheet for any network (random ones come from ``sources``).

A worksheet states everything that decides its answers: the input shape(s); for every layer
every argument that affects its shape or count, Keras's defaults written out; the layers it
reads wherever that is not just the previous one; and the exercise itself (a preset,
``random:…``, a class exercise, or the spec embedded), so the sheet alone can be checked.
Filled in, it is an answer file for `cnncalc check`.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from ..analysis import Analysis
from ..engine import IMPLICIT_INPUT
from ..errors import SpecError
from ..layers.base import Layer, shape_text
from ..render.escaping import SafeCsvWriter
from ..spec import Spec
from .answers import DEFAULT_FIELDS, AnswerSheet
from .grading import right_answer

FORMATS = ("yaml", "json", "csv", "markdown")
SUFFIXES = {"yaml": ".yaml", "json": ".json", "csv": ".csv", "markdown": ".md"}
FORMAT_OF_SUFFIX = {".yml": "yaml", ".markdown": "markdown"} | {s: f for f, s in SUFFIXES.items()}
"""The suffixes `check` reads by (any other is read as YAML or JSON)."""
ASKS = {
    "output_shape": "output_shape (without the batch dimension)",
    "params": "params",
    "macs": "macs (multiply-accumulates for one sample, the bias not counted)",
    "receptive_field": "receptive_field (its size per spatial axis, e.g. 5x5, 7/2x7/2 after an "
    "upsampling, or 'whole input')",
}
TOTALS = {"params": "total_params", "macs": "total_macs"}
UNSTATED = {"type", "name", "inputs", "trainable"}
"""Layer fields the sheet states elsewhere (type, name, inputs) or that change no answer."""


def given_arguments(layer: Layer) -> dict[str, Any]:
    """Every argument of a layer that affects its shape or count, defaults written out.

    The spec's own arguments come first (as its author wrote them, with simple extras such as
    the activation), then Keras's defaults. Only what changes nothing is left out: unset
    optional arguments (None), the data format when it is Keras's channels_last, and
    ``trainable`` (the params column counts both kinds).
    """
    stated = {k: v for k, v in layer.to_dict().items() if k not in UNSTATED}  # the spec's own
    defaults = {
        key: value
        for key, value in layer.model_dump(exclude=UNSTATED, exclude_none=True).items()
        if key not in stated and not (key == "data_format" and value == "channels_last")
    }
    if hasattr(layer, "pool_size") and getattr(layer, "strides", 0) is None:
        defaults["strides"] = layer.pool_size  # Keras's default for pooling
    return {**stated, **defaults}


def reads_other_layers(analysis: Analysis, position: int) -> bool:
    """Whether a layer reads anything but the layer just before it (the input, for the first)."""
    row = analysis.layers[position]
    previous = analysis.layers[position - 1].name if position else IMPLICIT_INPUT
    return row.inputs != (previous,)


def worksheet(
    reference: str | dict[str, Any],
    spec: Spec,
    analysis: Analysis,
    fields: tuple[str, ...] = DEFAULT_FIELDS,
) -> dict[str, Any]:
    """The blank worksheet as data; ``reference`` names the exercise or is the spec itself;
    ``fields`` are what each layer asks (output_shape and params unless told)."""
    unknown = [row for row in analysis.layers if "macs" in fields and row.macs is None]
    if unknown:  # no answer to ask for: the count depends on sizes left open
        row = unknown[0]
        raise SpecError(
            f"layer {row.index} '{row.name}' ({row.type}): its MACs depend on sizes the network "
            f"leaves open (input {shape_text(row.input_shapes[0])}): give the input a fixed "
            "size to ask for macs"
        )
    layers = []
    for position, row in enumerate(analysis.layers):
        layer = spec.layers[row.index]
        entry: dict[str, Any] = {"name": row.name, "type": row.type}
        if reads_other_layers(analysis, position) and row.type != "InputLayer":
            entry["inputs"] = list(row.inputs)
        entry["given"] = given_arguments(layer)
        if row.type != "InputLayer":  # an input is given, not asked
            entry.update(dict.fromkeys(fields))
        layers.append(entry)
    asked = spoken([ASKS[field] for field in fields])
    sums = f", and {spoken(totals(fields))}" if totals(fields) else ""  # no total of fields
    sheet: dict[str, Any] = {
        "exercise": reference,
        "input_shape": None if spec.input_shape is None else list(spec.input_shape),
        "instructions": f"Fill in each layer's {asked}{sums}. Then: cnncalc check this_file",
    }
    if fields != DEFAULT_FIELDS:
        sheet["fields"] = list(fields)
    return {**sheet, "layers": layers, **dict.fromkeys(totals(fields))}


def totals(fields: tuple[str, ...]) -> list[str]:
    return [TOTALS[field] for field in fields if field in TOTALS]


def spoken(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return " and ".join(filter(None, [", ".join(items[:-1]), *items[-1:]]))


def sheet_fields(sheet: dict[str, Any]) -> tuple[str, ...]:
    return tuple(sheet.get("fields", DEFAULT_FIELDS))


def sheet_format(chosen: str | None, file_name: str | None) -> str:
    """The sheet's format: --format, else the file's suffix (as `check` will read it), else
    YAML; a --format its suffix contradicts is refused (check could not read the sheet).

    >>> sheet_format(None, "mnist.csv"), sheet_format(None, "a.txt"), sheet_format("json", None)
    ('csv', 'yaml', 'json')
    """
    suffix = "" if file_name is None else file_name[file_name.rfind(".") :].lower()
    implied = FORMAT_OF_SUFFIX.get(suffix) if "." in (file_name or "") else None
    if chosen is not None and implied is not None and chosen != implied:
        raise SpecError(
            f"{file_name}: a {suffix} file is read as {implied}, but --format is {chosen}; "
            f"name the file {SUFFIXES[chosen]} or leave out --format"
        )
    return chosen or implied or "yaml"


def render_worksheet(sheet: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(without_blank_input(sheet), indent=2, ensure_ascii=False)
    if fmt == "yaml":
        return worksheet_yaml(sheet)
    if fmt == "csv":
        return worksheet_csv(sheet)
    if fmt == "markdown":
        return worksheet_markdown(sheet)
    raise SpecError(f"unknown worksheet format '{fmt}'; choose from {', '.join(FORMATS)}")


def without_blank_input(sheet: dict[str, Any]) -> dict[str, Any]:
    """A network that starts with InputLayers has no input_shape line (its inputs are rows)."""
    return {k: v for k, v in sheet.items() if not (k == "input_shape" and v is None)}


def reference_text(reference: str | dict[str, Any]) -> str:
    """The exercise on one line: its name, or the embedded spec as compact JSON."""
    return reference if isinstance(reference, str) else json.dumps(reference, ensure_ascii=False)


def compact(value: dict[str, Any]) -> str:
    """Hyperparameters on one line: filters=32, kernel_size=[3, 3]."""
    return ", ".join(f"{key}={json.dumps(item, ensure_ascii=False)}" for key, item in value.items())


def header(sheet: dict[str, Any]) -> list[str]:
    return ["name", "type", "inputs", "given", *sheet_fields(sheet)]


def table_rows(sheet: dict[str, Any]) -> list[list[str]]:
    """The sheet as rows under its header: the exercise and input shape first, the totals
    last (total_macs in the macs column of the total_params row)."""
    fields = sheet_fields(sheet)
    blanks = [""] * len(fields)
    rows = [["exercise", "", "", reference_text(sheet["exercise"]), *blanks]]
    if sheet["input_shape"] is not None:
        rows.append(["input_shape", "", "", json.dumps(sheet["input_shape"]), *blanks])
    for layer in sheet["layers"]:
        inputs = ", ".join(layer.get("inputs", []))
        answers = [answer_text(layer.get(field)) for field in fields]
        rows.append([layer["name"], layer["type"], inputs, compact(layer["given"]), *answers])
    sums = [answer_text(sheet.get(TOTALS.get(field, ""))) for field in fields]
    rows.append(["total_params", "", "", "", *sums])
    return rows


def answer_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def worksheet_csv(sheet: dict[str, Any]) -> str:
    out = io.StringIO()
    SafeCsvWriter(out).writerows([header(sheet), *table_rows(sheet)])  # no formulas (OWASP)
    return out.getvalue().rstrip("\n")


def worksheet_markdown(sheet: dict[str, Any]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    return "\n".join(
        [
            f"<!-- {sheet['instructions']} -->",
            "",
            "| " + " | ".join(header(sheet)) + " |",
            "|" + "---|" * len(header(sheet)),
            *("| " + " | ".join(cell(c) for c in row) + " |" for row in table_rows(sheet)),
        ]
    )


def worksheet_yaml(sheet: dict[str, Any]) -> str:
    """YAML a student edits by hand: one layer per block, blanks where answers go."""
    fields = sheet_fields(sheet)
    lines = [
        f"# {sheet['instructions']}",
        "# Shapes may be written [26, 26, 32], (None, 26, 26, 32) or 26x26x32.",
        f"exercise: {json.dumps(sheet['exercise'], ensure_ascii=False)}",
    ]
    if sheet["input_shape"] is not None:
        lines.append(f"input_shape: {json.dumps(sheet['input_shape'])}")
    if "fields" in sheet:
        lines.append(f"fields: {json.dumps(list(fields))}")
    lines.append("layers:")
    for layer in sheet["layers"]:
        lines += [f"  - name: {json.dumps(layer['name'], ensure_ascii=False)}"]
        lines += [f"    type: {layer['type']}"]
        if "inputs" in layer:
            lines.append(f"    inputs: {json.dumps(layer['inputs'], ensure_ascii=False)}")
        lines.append(f"    given: {json.dumps(layer['given'], ensure_ascii=False)}")
        if layer["type"] != "InputLayer":
            lines += [f"    {key}: {answer_text(layer[key])}".rstrip() for key in fields]
    lines += [f"{key}: {answer_text(sheet[key])}".rstrip() for key in totals(fields)]
    return "\n".join(lines)


def answer_key(sheet: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
    """The sheet with every blank filled in: the teacher's key, in the sheet's own format."""
    rows = {row.name: row for row in analysis.layers}
    fields = sheet_fields(sheet)
    layers = [
        {**layer, **{field: as_data(right_answer(rows[layer["name"]], field)) for field in fields}}
        if layer["type"] != "InputLayer"
        else layer
        for layer in sheet["layers"]
    ]
    sums = {TOTALS[f]: getattr(analysis, TOTALS[f]) for f in fields if f in TOTALS}
    return {**sheet, "layers": layers, **sums}


def as_data(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def first_mismatch(sheet: AnswerSheet, spec: Spec, analysis: Analysis) -> str | None:
    """The first given the sheet states that the network does not have, in words; None when
    every stated given agrees (a sheet made from another network, e.g. with a wrong class
    secret, would otherwise be graded against this one)."""
    if sheet.input_shape is not None and spec.input_shape is not None:
        stated = loaded(sheet.input_shape)
        if stated != list(spec.input_shape):
            return (
                f"the sheet's input_shape {json.dumps(stated)} is not the network's "
                f"{json.dumps(list(spec.input_shape))}"
            )
    rows = {row.name: row for row in analysis.layers}
    for layer in sheet.stated:
        row = rows.get(layer.name)
        if row is None:
            continue  # grading names answers that match no layer
        if layer.type is not None and layer.type != row.type:
            return f"the sheet's layer '{layer.name}' is a {layer.type}, the network's a {row.type}"
        if layer.given is None:
            continue
        given = layer.given
        stated_given = given if isinstance(given, dict) else given_from_text(str(given))
        if stated_given is None:
            return f"the sheet's layer '{layer.name}' has a given that cannot be read"
        actual = json.loads(json.dumps(given_arguments(spec.layers[row.index])))
        for key, value in stated_given.items():
            if key not in actual:
                return f"the sheet's layer '{layer.name}' has {key}, the network's has none"
            if not same_value(value, actual[key]):
                return (
                    f"the sheet's layer '{layer.name}' has {compact({key: loaded(value)})}, "
                    f"the network's {compact({key: actual[key]})}"
                )
    return None


def loaded(value: Any) -> Any:
    """A value as data: a table cell's JSON read, anything else as it is."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def same_value(stated: Any, actual: Any) -> bool:
    """Equal, also when YAML read the number as text (1e-05) or a list came as a tuple."""
    return json.loads(json.dumps(stated)) == actual or loaded(stated) == actual


GIVEN_KEY = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)=")


def given_from_text(text: str) -> dict[str, Any] | None:
    """A table's given cell ('filters=32, kernel_size=[3, 3]', as :func:`compact` writes it)
    as data; None when it is not in that form."""
    decoder, values, position = json.JSONDecoder(), {}, 0
    while position < len(text):
        key = GIVEN_KEY.match(text, position)
        if key is None:
            return None
        try:
            values[key.group(1)], position = decoder.raw_decode(text, key.end())
        except json.JSONDecodeError:
            return None
        separator = re.compile(r"\s*(,|$)").match(text, position)
        if separator is None:
            return None
        position = separator.end()
    return values
