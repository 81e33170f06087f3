"""Reads the text of Keras's ``model.summary()``, in every layout Keras 2.0 to 3.x printed.

Three layouts, one idea: find the header, know each column by its title, cut every body line
into cells, and gather the lines of each row. Rows are set apart by rules or blank lines where
the layout has them (where it has not, a line whose ``Param #`` cell is filled starts a row);
the other lines of a row carry the rest of its wrapped cells.

- Keras 3 draws boxes: cells sit between ``│``; rich wraps them at spaces and cuts long names
  with ``…``. Notebook copies may be indented and carry HTML colour tags (stripped here).
- tf.keras 2.9 to 2.15 and tf-keras print columns under the header and wrap a cell's text
  character by character onto the next lines.
- Keras 2 before that (TF ≤ 2.8) cuts each cell at its column: ``max_pooling2d_1 (MaxPooling2``
  runs straight into the shape, so the type (or a long name) is only its visible start.

Everything here is a single pass over the text with plain string methods, so a line of any
length is read in linear time. No TensorFlow is needed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from ..errors import SpecError, did_you_mean
from ..layers.base import tuple_text

TOTALS = ("Total", "Trainable", "Non-trainable", "Optimizer")
"""The footer lines '<label> params: N', Keras 3's 'Optimizer params' among them."""
COLUMNS = {"Lay": "title", "Out": "shape", "Par": "params", "Con": "connected", "Tra": "trainable"}
"""Columns by the start of their header title ('Trai…' in a narrow Keras 3 table)."""
HTML_TAG = re.compile(r"<[^<>\n]*>")  # a tag cannot contain '<', so no backtracking


@dataclass(frozen=True)
class SummaryRow:
    """One layer as the summary shows it."""

    line: int
    name: str
    type: str
    output_shapes: tuple[tuple[int | None, ...], ...]
    params: int | None
    """None when Keras cut the number short (see ``params_text``)."""
    params_text: str = ""
    connected_to: tuple[str, ...] = ()
    cut: bool = False
    """The name is only the visible start of the real one (``…``, or cut by its column)."""
    type_cut: bool = False
    """The type is only the visible start of the real one."""
    nested: bool = False
    """A layer of a nested model, shown by ``expand_nested``; its parent's row counts it."""

    @property
    def output_shape_text(self) -> str:
        texts = [tuple_text(shape) for shape in self.output_shapes]
        if not texts:
            return "?"  # Keras printed no shape ('?' unbuilt, 'multiple')
        return texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"

    def could_be(self, name: str) -> bool:
        """Whether a layer called ``name`` would be printed as this row's name."""
        return name.startswith(self.name.removesuffix("…")) if self.cut else name == self.name


@dataclass
class Summary:
    """A parsed summary: the rows, and the totals where the text still has them."""

    name: str | None = None
    rows: list[SummaryRow] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    style: str = "keras3"
    line: int = 0
    """The line of the 'Layer (type)' header."""

    @property
    def label(self) -> str:
        return f"'{self.name}' (line {self.line})" if self.name else f"unnamed (line {self.line})"


def parse_summary(text: str, where: str = "summary", model: str | None = None) -> Summary:
    """The one summary in ``text``, or the one named ``model`` when it holds several."""
    summaries = parse_summaries(text, where)
    if model is None:
        if len(summaries) > 1:
            raise SpecError(
                f"{where} holds {len(summaries)} summaries: "
                f"{', '.join(s.label for s in summaries)}; pick one with --model NAME"
            )
        return summaries[0]
    for number, summary in enumerate(summaries, 1):
        if model in (summary.name, str(number)):
            return summary
    names = [s.name for s in summaries if s.name]
    raise SpecError(
        f"{where}: no summary of a model named '{model}'{did_you_mean(model, names)} "
        f"(it holds: {', '.join(s.label for s in summaries)})"
    )


def parse_summaries(text: str, where: str = "summary") -> list[Summary]:
    """Every summary in the text, in order; SpecError naming the line where one is unreadable."""
    if HTML_TAG.search(text):
        text = html.unescape(HTML_TAG.sub("", text))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").split("\n")
    headers = [i for i, line in enumerate(lines) if is_header(line)]
    if not headers:
        raise SpecError(f"{where}: no 'Layer (type)' header: not a Keras model.summary() printout")
    summaries = []
    for at, end in zip(headers, [*headers[1:], len(lines)]):
        summary = read_table(lines, at, end, f"{where}, line")
        start = summaries[-1].line if summaries else 0  # its 'Model:' line is above the header
        summary.name = model_name(lines[start:at])
        summaries.append(summary)
    return summaries


def is_header(line: str) -> bool:
    """The column titles (not a sentence that mentions 'Layer (type)')."""
    return "Layer (type" in line and ("Output" in line or "Param" in line)


def model_name(lines: list[str]) -> str | None:
    """The name in the last 'Model: "name"' line before a header."""
    for line in reversed(lines):
        text = line.strip().strip("*")  # markdown's **Model: name**
        if text.startswith("Model:"):
            return text.removeprefix("Model:").strip().strip("\"'") or None
    return None


def read_table(lines: list[str], at: int, end: int, where: str) -> Summary:
    """One table: header at line index ``at``, body and footer up to ``end``."""
    markdown = lines[at].lstrip().startswith("|")  # `cnncalc analyze -f markdown`'s table
    boxed = markdown or "┃" in lines[at] or "│" in lines[at]
    split = box_cells if boxed else column_cutter(lines[at])
    roles = [role_of(title) for title in split(lines[at])]
    header = lines[at].rstrip()
    if boxed and not markdown and not header.endswith(("┃", "│")):
        raise SpecError(
            f"{where} {at + 1}: the table is cut off at the right (its header has no closing "
            f"'{header.lstrip()[:1]}'): rich crops Keras's printout at the terminal's width; "
            "print it again with a line_length that fits, or a wider terminal (COLUMNS=250)"
        )
    if "title" not in roles or "params" not in roles:
        raise SpecError(f"{where} {at + 1}: the header has no 'Layer (type)' or 'Param #' column")
    style = "markdown" if markdown else "keras3" if boxed else "keras2"
    summary = Summary(style=style, line=at + 1)
    rows: list[tuple[int, int, dict[str, list[str]]]] = []  # line, nesting, pieces per column
    body = [(n, lines[n]) for n in range(at + 1, end)]
    table = body[: next((i for i, (_, line) in enumerate(body) if ends_table(line)), len(body))]
    separated = [not is_table_line(a) and is_table_line(b) for (_, a), (_, b) in pairwise(table)]
    ruled = sum(separated) > 1  # more than the rule under the header (the footer is no row)
    new_row, under_header = True, True
    for number, line in body:
        if line.lstrip().startswith("Model:"):
            break  # the next summary begins (this one was cut short)
        label, value = footer_total(line)
        if label or summary.totals:
            summary.totals.update({label: value} if label else {})
            continue  # the footer, then the text around the printout
        if not is_table_line(line):
            new_row, under_header = True, False  # rows are separated by rules or blank lines
            continue
        depth = 0 if markdown else nesting_depth(line)
        cells = dict(zip(roles, split(unnest(line, depth))))
        params = cells.get("params", "")
        if under_header and not params[:1].isdigit():
            continue  # the header's own wrapped titles
        under_header = False
        if new_row if ruled else bool(params):
            if not params[:1].isdigit():
                raise SpecError(
                    f"{where} {number + 1}: expected a layer row, found {line.strip()[:60]!r} "
                    f"(its Param # cell {params[:20]!r} is not a number)"
                )
            rows.append((number + 1, depth, {}))
        elif not rows:
            raise SpecError(f"{where} {number + 1}: text before the first layer row: {line[:60]!r}")
        new_row = False
        for role, cell in cells.items():
            if cell:
                rows[-1][2].setdefault(role, []).append(cell)
    summary.rows = [make_row(number, depth, pieces, boxed) for number, depth, pieces in rows]
    return summary


def ends_table(line: str) -> bool:
    """The footer's first total, or the next summary's 'Model:' line."""
    return bool(footer_total(line)[0]) or line.lstrip().startswith("Model:")


def footer_total(line: str) -> tuple[str, int]:
    """('total', 34826) from ' Total params: 34,826 (136.04 KB)' (or markdown's '- Total
    params: …'); ('', 0) for other lines."""
    text = line.strip().removeprefix("- ")
    for label in TOTALS:
        prefix = f"{label} params:"
        if text.startswith(prefix):
            number = text[len(prefix) :].strip().split(" ")[0].replace(",", "")
            if number.isdigit():
                return label.lower(), int(number)
    return "", 0


def is_table_line(line: str) -> bool:
    """Not a rule: ___, ===, ¯¯¯ (Keras 2) or box edges (Keras 3)."""
    return any(c not in "_=¯|-─━┏┓┗┛┣┫┳┻╋┡┩╇┌┐└┘├┤┬┴┼╞╡╪ " for c in line)


def nesting_depth(line: str) -> int:
    """Keras 2's expand_nested wraps a nested model's rows in one '|' per level."""
    return len(line) - len(line.lstrip("|"))


def unnest(line: str, depth: int) -> str:
    """A nested Keras 2 row without its bars, in the columns of the rows around it."""
    if not depth:
        return line
    return "  " * depth + line[depth:].rstrip().removesuffix("|" * depth)


def box_cells(line: str) -> list[str]:
    """Keras 3: the text between the box's vertical bars (│ in the body, ┃ in the header);
    a markdown table's between its | bars."""
    bar = "┃" if "┃" in line else "│" if "│" in line else "|"
    return [cell.strip() for cell in line.split(bar)[1:-1]] if bar in line else []


def column_cutter(header: str) -> Callable[[str], list[str]]:
    """Keras 2: a function cutting a line into cells at the header's column starts.

    Every Keras 2 layout leaves a space before each column start: the fixed-column layout
    cuts a cell one character short (``max_pooling2d_1 (MaxPooling2 (None, 5, 5, 64)``), the
    wrapping one keeps two spaces, of which a full cell's leading space takes at most one.
    """
    starts = [i for i in range(len(header)) if header[i] != " " and header[i - 1 : i] in ("", " ")]
    cuts = [0, *(s for s in starts[1:] if header[s - 2 : s] == "  ")]
    return lambda line: [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(line)])]


def role_of(title: str) -> str:
    return COLUMNS.get(title[:3], "")


def make_row(number: int, depth: int, pieces: dict[str, list[str]], boxed: bool) -> SummaryRow:
    """Join a row's wrapped pieces: rich wraps at spaces, Keras 2 anywhere."""
    joined = {role: (" " if boxed else "").join(texts) for role, texts in pieces.items()}
    title = joined.get("title", "")
    nested = depth > 0 or title.startswith("└")
    name, kind = split_title(title.lstrip("└ "))
    params = joined.get("params", "")
    digits = params.split("…")[0].replace(",", "")
    return SummaryRow(
        line=number,
        name=name,
        type=kind,
        output_shapes=parse_shapes(joined.get("shape", "")),
        params=None if "…" in params or not digits.isdigit() else int(digits),
        params_text=params,
        connected_to=inbound_names(joined.get("connected", "")),
        cut=name.endswith("…") or not kind,
        type_cut=not title.endswith(")"),
        nested=nested,
    )


def split_title(title: str) -> tuple[str, str]:
    """'conv2d (Conv2D)' -> ('conv2d', 'Conv2D'); 'max_pooling2d_1 (MaxPooling2' -> its start
    of a type; a long name cut by its column before the type began -> (name, '')."""
    opening = title.rfind("(")
    if opening < 0:
        return title, ""
    return title[:opening].strip(), title[opening + 1 :].strip().removesuffix(")")


def inbound_names(text: str) -> tuple[str, ...]:
    """'input_1[0][0]', "['add[0][0]', 'conv2d_1[0][0]']", 'a[0][0] b[1][0]', 'a_lo…' -> names."""
    for mark in "'\",":
        text = text.replace(mark, " ")
    text = text.replace("]", "] ").replace("] [", "][")  # old Keras 2: 'a[0][0]b[0][0]'
    names = []
    for token in text.split():
        name, bracket, _ = token.lstrip("[").partition("[")
        if name and (bracket or name.endswith("…")):
            names.append(name)  # a name Keras 3 cut short keeps its …
    return tuple(names)


def parse_shapes(text: str) -> tuple[tuple[int | None, ...], ...]:
    """'(None, 26, 26, 32)' or '[(None, 224, 224, 3)]' -> the shapes in it."""
    shapes = []
    for inner in re.findall(r"\(([^()]*)\)", text):
        dims = [d.strip() for d in inner.split(",") if d.strip()]
        shapes.append(
            tuple(None if d == "None" else int(d) for d in dims if d == "None" or d.isdigit())
        )
    return tuple(shapes)
