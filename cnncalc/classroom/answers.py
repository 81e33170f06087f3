"""Reading students' answer files: a filled-in worksheet in YAML, JSON, CSV or markdown.

Shapes may be written [26, 26, 32], (None, 26, 26, 32), 26x26x32 or 26×26×32 (a leading
None/null is the batch dimension and is dropped); counts with or without thousands
separators (18,496). A blank is unanswered. A file that cannot be read raises SpecError
naming the file and, where possible, the line and column.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..layers.base import tuple_text
from ..sources.textfiles import decode, parse_json_or_yaml

Shape = tuple[int | None, ...]

FIELDS = ("output_shape", "params", "macs", "receptive_field")
"""What a worksheet may ask per layer."""
DEFAULT_FIELDS = ("output_shape", "params")
WHOLE_INPUT = "whole input"
"""The answer for a receptive field after Flatten or global pooling."""


@dataclass
class Answer:
    """One layer's answers; None where the student left a blank."""

    name: str | None
    output_shape: Shape | None = None
    params: int | None = None
    macs: int | None = None
    receptive_field: Shape | str | None = None
    """The size r per spatial axis, or WHOLE_INPUT."""


@dataclass
class AnswerSheet:
    path: str
    exercise: str | None = None
    layers: list[Answer] = field(default_factory=list)
    total_params: int | None = None
    total_macs: int | None = None
    fields: tuple[str, ...] = DEFAULT_FIELDS
    """The fields the worksheet asked for (its 'fields:' line, or its table's columns)."""
    problems: list[str] = field(default_factory=list)
    """Values that could not be read as a shape or a count (graded as wrong, said why)."""


def read_answers(path: Path) -> AnswerSheet:
    """Parse an answer file; the format comes from its extension, else from its content."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise SpecError(f"{path}: cannot be read ({error.strerror})") from None
    where, suffix = str(path), path.suffix.lower()
    text = decode(raw, where, "an answer sheet", "fill in a worksheet from cnncalc exercise")
    if suffix == ".csv":
        return sheet_from_rows(csv_rows(text, where), where)
    if suffix in (".md", ".markdown"):
        return sheet_from_rows(markdown_rows(text, where), where)
    return sheet_from_data(parse_json_or_yaml(text, where, as_json=suffix == ".json"), where)


def sheet_from_data(data: Any, where: str) -> AnswerSheet:
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise SpecError(f"{where}: an answer sheet has a 'layers' list (see cnncalc exercise)")
    sheet = AnswerSheet(where, exercise=none_or_text(data.get("exercise")))
    sheet.fields = asked_fields(data.get("fields"), where)
    for number, item in enumerate(data["layers"]):
        if not isinstance(item, dict):
            raise SpecError(
                f"{where}: layers[{number}] is not a mapping with name, output_shape, params"
            )
        sheet.layers.append(answer(sheet, none_or_text(item.get("name")), item))
    sheet.total_params = read_count(sheet, "total_params", data.get("total_params"))
    sheet.total_macs = read_count(sheet, "total_macs", data.get("total_macs"))
    return sheet


def asked_fields(value: Any, where: str) -> tuple[str, ...]:
    """The sheet's 'fields:' list (default: output_shape and params)."""
    if value is None:
        return DEFAULT_FIELDS
    names = value if isinstance(value, list) else str(value).split(",")
    fields = tuple(str(name).strip() for name in names if str(name).strip())
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise SpecError(
            f"{where}: fields: unknown {', '.join(unknown)}; choose from {', '.join(FIELDS)}"
        )
    return fields


def sheet_from_rows(rows: list[dict[str, str]], where: str) -> AnswerSheet:
    """CSV or markdown rows: name, output_shape, params; a last row named total_params."""
    sheet = AnswerSheet(where)
    columns = set(rows[0]) if rows else set()
    sheet.fields = tuple(name for name in FIELDS if name in columns) or DEFAULT_FIELDS
    for row in rows:
        name = (row.get("name") or "").strip()
        if name == "total_params":
            sheet.total_params = read_count(sheet, "total_params", row.get("params"))
            sheet.total_macs = read_count(sheet, "total_macs", row.get("macs"))
        elif name or any(row.get(f) for f in FIELDS):
            sheet.layers.append(answer(sheet, name or None, row))
    return sheet


def csv_rows(text: str, where: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if "name" not in columns or not columns & set(FIELDS):
        raise SpecError(
            f"{where}: line 1: a CSV answer sheet has the columns name, "
            f"output_shape, params (found: {', '.join(sorted(columns))})"
        )
    try:
        return [{(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader]
    except csv.Error as error:
        raise SpecError(f"{where}: line {reader.line_num}: {error}") from None


def markdown_rows(text: str, where: str) -> list[dict[str, str]]:
    lines = [line.strip() for line in text.splitlines()]
    table = [(n, line) for n, line in enumerate(lines, 1) if line.startswith("|")]
    if not table:
        raise SpecError(f"{where}: no markdown table (| name | output_shape | params |) in it")
    header = [cell.strip().lower() for cell in split_row(table[0][1])]
    if "name" not in header or not set(header) & set(FIELDS):
        raise SpecError(
            f"{where}: line {table[0][0]}: the table's header needs name, output_shape and params"
        )
    rows = []
    for _, line in table[1:]:
        cells = split_row(line)
        if all(set(cell.strip()) <= set("-: ") for cell in cells):
            continue  # the |---|---| rule
        rows.append(dict(zip(header, (cell.strip() for cell in cells))))
    return rows


def split_row(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line.strip().strip("|"))


def answer(sheet: AnswerSheet, name: str | None, values: dict[str, Any]) -> Answer:
    label = name or f"layer {len(sheet.layers) + 1}"
    return Answer(
        name=name,
        output_shape=read_shape(sheet, label, values.get("output_shape")),
        params=read_count(sheet, f"{label} params", values.get("params")),
        macs=read_count(sheet, f"{label} macs", values.get("macs")),
        receptive_field=read_field(sheet, label, values.get("receptive_field")),
    )


def read_field(sheet: AnswerSheet, label: str, value: Any) -> Shape | str | None:
    """A receptive field's size: 5x5, [5, 5], 5 (every axis the same? give each), or
    'whole input' (also 'whole', 'all')."""
    if isinstance(value, str) and value.strip().lower() in ("whole input", "whole", "all"):
        return WHOLE_INPUT
    return read_shape(sheet, f"{label} receptive_field", value)


def none_or_text(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def read_count(sheet: AnswerSheet, label: str, value: Any) -> int | None:
    """18496, '18,496', '18 496' -> 18496; blank -> None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        sheet.problems.append(f"{label}: {value} is not a count")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = re.sub(r"[,_\s']", "", str(value))
    if text.isdigit():
        return int(text)
    sheet.problems.append(f"{label}: cannot read {str(value)!r} as a count")
    return -1  # answered, but not a number: graded as wrong


def read_shape(sheet: AnswerSheet, label: str, value: Any) -> Shape | None:
    """[26, 26, 32], '(None, 26, 26, 32)', '26x26x32', '26×26×32' -> (26, 26, 32)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (list, tuple)):
        parts: list[Any] = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    else:
        text = str(value).strip().strip("[]()").strip()
        parts = [p.strip() for p in re.split(r"\s*[,x×*]\s*|\s+", text) if p.strip()]
    dims: list[int | None] = []
    for part in parts:
        if part is None or str(part).lower() in ("none", "null", "?", "batch"):
            dims.append(None)
        elif isinstance(part, int) and not isinstance(part, bool):
            dims.append(part)
        elif str(part).replace(",", "").isdigit():
            dims.append(int(str(part).replace(",", "")))
        else:
            sheet.problems.append(f"{label}: cannot read {value!r} as a shape")
            return ()
    while dims and dims[0] is None:
        dims.pop(0)  # the batch dimension
    return tuple(dims)


def value_text(value: Any) -> str:
    """A shape as the student writes it (no batch dimension), a count with separators."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return tuple_text(value) if value else "(unreadable)"
    return f"{value:,}" if isinstance(value, int) and value >= 0 else "(unreadable)"
