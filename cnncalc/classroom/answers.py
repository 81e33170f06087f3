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


@dataclass
class Answer:
    """One layer's answers; None where the student left a blank."""

    name: str | None
    output_shape: Shape | None = None
    params: int | None = None


@dataclass
class AnswerSheet:
    path: str
    exercise: str | None = None
    layers: list[Answer] = field(default_factory=list)
    total_params: int | None = None
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
    for number, item in enumerate(data["layers"]):
        if not isinstance(item, dict):
            raise SpecError(
                f"{where}: layers[{number}] is not a mapping with name, output_shape, params"
            )
        sheet.layers.append(
            answer(
                sheet, none_or_text(item.get("name")), item.get("output_shape"), item.get("params")
            )
        )
    sheet.total_params = read_count(sheet, "total_params", data.get("total_params"))
    return sheet


def sheet_from_rows(rows: list[dict[str, str]], where: str) -> AnswerSheet:
    """CSV or markdown rows: name, output_shape, params; a last row named total_params."""
    sheet = AnswerSheet(where)
    for row in rows:
        name = (row.get("name") or "").strip()
        if name == "total_params":
            sheet.total_params = read_count(sheet, "total_params", row.get("params"))
        elif name or row.get("output_shape") or row.get("params"):
            sheet.layers.append(
                answer(sheet, name or None, row.get("output_shape"), row.get("params"))
            )
    return sheet


def csv_rows(text: str, where: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    columns = {(c or "").strip().lower() for c in reader.fieldnames or []}
    if not {"name", "output_shape", "params"} <= columns:
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
    if not {"name", "output_shape", "params"} <= set(header):
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


def answer(sheet: AnswerSheet, name: str | None, shape: Any, params: Any) -> Answer:
    label = name or f"layer {len(sheet.layers) + 1}"
    return Answer(
        name=name,
        output_shape=read_shape(sheet, label, shape),
        params=read_count(sheet, f"{label} params", params),
    )


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
    if isinstance(value, tuple):
        return tuple_text(value) if value else "(unreadable)"
    return f"{value:,}" if isinstance(value, int) and value >= 0 else "(unreadable)"
