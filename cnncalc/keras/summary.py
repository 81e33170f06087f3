"""Reads the text of Keras's ``model.summary()``, as Keras 3 and Keras 2 (tf-keras) print it.

Keras 3 draws boxes (│ cells, rich's word wrapping, long names cut with …); Keras 2 prints
space-aligned columns under a header, wrapping a cell's text character by character onto the
next lines. Both may wrap any cell of a row over several lines. No TensorFlow is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import SpecError
from ..layers.base import tuple_text

BOX_RULE = set("┏┓┗┛┣┫┳┻╋━┃┡┩╇┌┐└┘├┤┬┴┼─│═╞╡╪ ")
TOTAL_LINE = re.compile(r"^\s*(Total|Trainable|Non-trainable) params:\s*([\d,]+)")


@dataclass(frozen=True)
class SummaryRow:
    """One layer as the summary shows it; ``name`` and ``type`` may be cut short (…)."""

    line: int
    name: str
    type: str
    output_shapes: tuple[tuple[int | None, ...], ...]
    params: int | None
    """None when Keras cut the number short (see ``params_text``)."""
    params_text: str = ""
    connected_to: tuple[str, ...] = ()

    @property
    def output_shape_text(self) -> str:
        texts = [tuple_text(shape) for shape in self.output_shapes]
        return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"


@dataclass
class Summary:
    """A parsed summary: the rows, and the totals where the text still has them."""

    name: str | None = None
    rows: list[SummaryRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    style: str = "keras3"


def parse_summary(text: str, where: str = "summary") -> Summary:
    """Parse a model.summary() printout; raise SpecError when it is not one."""
    lines = text.replace("\r\n", "\n").replace("\t", "    ").split("\n")
    summary = Summary()
    header_at = next((i for i, line in enumerate(lines) if "Layer (type)" in line), None)
    if header_at is None:
        raise SpecError(f"{where}: no 'Layer (type)' header: not a Keras model.summary() printout")
    for line in lines[:header_at]:
        found = re.match(r'\s*Model: "(.*)"', line)
        if found:
            summary.name = found.group(1)
    boxed = "│" in text or "┃" in lines[header_at]
    summary.style = "keras3" if boxed else "keras2"
    records = boxed_records if boxed else column_records
    body_end = next(
        (i for i in range(header_at, len(lines)) if TOTAL_LINE.match(lines[i])), len(lines)
    )
    for number, cells in records(lines, header_at, body_end):
        summary.rows.append(make_row(number, cells, joiner=" " if boxed else ""))
    for line in lines[body_end:]:
        found = TOTAL_LINE.match(line)
        if found:
            summary.totals[found.group(1).lower()] = int(found.group(2).replace(",", ""))
    return summary


Record = tuple[int, list[list[str]]]
"""A row's first line number and, per column, the pieces of text on each of its lines."""


def boxed_records(lines: list[str], header_at: int, end: int) -> list[Record]:
    """Keras 3: cells between │, rows between ├───┼ rules (or, in summaries printed
    without them, a row starts on the line whose Param # cell is filled)."""
    records: list[Record] = []
    columns = len([c for c in lines[header_at].split("┃") if c.strip()]) or 3
    ruled = any(line.lstrip().startswith("├") for line in lines[header_at:end])
    new_row = True
    for number in range(header_at + 1, end):
        line = lines[number]
        if "│" not in line or set(line) <= BOX_RULE - {"│"}:
            new_row = True
            continue
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 3 or not any(cells):
            continue
        cells = (cells + [""] * columns)[:columns]
        add_line(records, number + 1, cells, new_row if ruled else bool(cells[2]))
        new_row = False
    return records


def column_records(lines: list[str], header_at: int, end: int) -> list[Record]:
    """Keras 2: columns start under their headers; a cell that fills its width pushes the
    rest of its line a character or two right, so text goes to the last column that starts
    at or before it. Blank lines separate the rows."""
    header = lines[header_at]
    starts = [match.start() for match in re.finditer(r"\S+(?: \S+)*", header)]
    body = next((i for i in range(header_at, end) if lines[i].startswith("===")), header_at)
    records: list[Record] = []
    new_row = True
    for number in range(body + 1, end):
        line = lines[number].rstrip()
        if not line.strip() or set(line.strip()) <= set("_=-"):
            new_row = True  # rows are separated by blank lines (or ___ rules before 2.9)
            continue
        cells = [""] * len(starts)
        for match in re.finditer(r"\S+(?: \S+)*", line):
            column = max([i for i, s in enumerate(starts) if s <= match.start() + 1] or [0])
            cells[column] += match.group(0)
        add_line(records, number + 1, cells, new_row)
        new_row = False
    return records


def add_line(records: list[Record], number: int, cells: list[str], starts_row: bool) -> None:
    """Start a row, or add the line's text to the row before."""
    if starts_row or not records:
        records.append((number, [[c] if c else [] for c in cells]))
    else:
        for pieces, cell in zip(records[-1][1], cells):
            if cell:
                pieces.append(cell)


def make_row(number: int, cells: list[list[str]], joiner: str) -> SummaryRow:
    title, shape = (joiner.join(pieces) for pieces in cells[:2])
    params = "".join(cells[2])
    found = re.match(r"^(.*?)\s*\(([^()]*)\)?\s*$", title)
    name, kind = (found.group(1), found.group(2)) if found else (title, "")
    digits = re.match(r"[\d,]+", params)
    connected = " ".join(cells[3]) if len(cells) > 3 else ""
    return SummaryRow(
        line=number,
        name=name.strip(),
        type=kind.strip(),
        output_shapes=parse_shapes(shape),
        params=None if "…" in params else int(digits.group(0).replace(",", "")) if digits else 0,
        params_text=params,
        connected_to=tuple(re.findall(r"([^\s\[\]',]+)\[\d+\]\[\d+\]", connected)),
    )


def parse_shapes(text: str) -> tuple[tuple[int | None, ...], ...]:
    """'(None, 26, 26, 32)' or '[(None, 224, 224, 3)]' -> the shapes in it."""
    shapes = []
    for inner in re.findall(r"\(([^()]*)\)", text):
        dims = [d.strip() for d in inner.split(",") if d.strip()]
        shapes.append(
            tuple(None if d == "None" else int(d) for d in dims if d == "None" or d.isdigit())
        )
    return tuple(shapes)
