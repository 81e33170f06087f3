"""Reading students' answer files: a filled-in worksheet in YAML, JSON, CSV or markdown.

Shapes may be written [26, 26, 32], (None, 26, 26, 32), 26x26x32, 26X26X32 or 26 × 26 × 32
(a leading None/null is the batch dimension and is dropped); counts with thousands
separators (16,010), underscores (16_010) or in exact scientific notation (3.20e2, 1.6e4);
a receptive field's size may be a fraction (7/2 or 3.5: after UpSampling or a transposed
convolution's fractional stride).
A blank is unanswered; a value that cannot be read is :class:`Unreadable`, with the reason.
A file that cannot be read raises SpecError naming the file and, where possible, the line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..layers.base import tuple_text
from ..render.escaping import csv_text
from ..sources.reader import MAX_TEXT_BYTES, read_input
from ..sources.textfiles import WrittenFloat, decode, parse_json_or_yaml

Shape = tuple[int | None, ...]
Field = tuple[int | Fraction, ...]
FIELDS = ("output_shape", "params", "macs", "receptive_field")
"""What a worksheet may ask per layer."""
DEFAULT_FIELDS = ("output_shape", "params")
WHOLE_INPUT = "whole input"
"""The answer for a receptive field after Flatten or global pooling."""
MAX_DIGITS = 30
"""No layer has a count or a size this long: a longer number is a typo (or an attack)."""


@dataclass(frozen=True)
class Unreadable:
    """An answer that is there but cannot be read as a shape or a count."""

    text: str
    reason: str


@dataclass
class Answer:
    """One layer's answers; None where the student left a blank."""

    name: str | None
    output_shape: Shape | Unreadable | None = None
    params: int | Unreadable | None = None
    macs: int | Unreadable | None = None
    receptive_field: Field | str | Unreadable | None = None
    """The size r per spatial axis, or WHOLE_INPUT."""


@dataclass(frozen=True)
class StatedLayer:
    """What a worksheet states about a layer: its type and arguments (the givens)."""

    name: str
    type: str | None
    given: dict[str, Any] | str | None
    """The arguments as data (YAML, JSON) or as the table's 'given' cell (CSV, markdown)."""


@dataclass
class AnswerSheet:
    path: str
    exercise: str | dict[str, Any] | None = None
    """A preset, random:…, class:…, a spec file beside the sheet, or the spec itself."""
    layers: list[Answer] = field(default_factory=list)
    total_params: int | Unreadable | None = None
    total_macs: int | Unreadable | None = None
    fields: tuple[str, ...] = DEFAULT_FIELDS
    """The fields the worksheet asked for (its 'fields:' line, or its table's columns)."""
    input_shape: Any = None
    """The input shape the sheet states (a list, or the table's cell), None if it states none."""
    stated: list[StatedLayer] = field(default_factory=list)
    """Every layer's stated type and givens, the inputs' too, in the sheet's order."""


def read_answers(path: Path) -> AnswerSheet:
    """Parse an answer file; the format comes from its extension, else from its content."""
    raw = read_input(path, MAX_TEXT_BYTES, "an answer sheet")
    where, suffix = str(path), path.suffix.lower()
    text = decode(raw, where, "an answer sheet", "fill in a worksheet from cnncalc exercise")
    reader = table_reader(suffix, text)
    if reader is not None:
        return sheet_from_rows(reader(text, where), where)
    # the strict reader refuses over-long integers and lone surrogates, naming where; a float
    # keeps its text, so that a student's 1.600 is quoted as they wrote it
    data = parse_json_or_yaml(text, where, as_json=suffix == ".json", float_text=True)
    return sheet_from_data(data, where)


TableReader = Callable[[str, str], list[dict[str, str]]]


def table_reader(suffix: str, text: str) -> TableReader | None:
    """csv_rows or markdown_rows for a table, None for YAML or JSON: by the suffix, and for
    any other (a student's answers.txt, a spreadsheet's .tsv) by the content: a line that
    starts with '|' is a markdown table, a first line of headings with a name column is a CSV."""
    if suffix == ".csv":
        return csv_rows
    if suffix in (".md", ".markdown"):
        return markdown_rows
    if suffix in (".yaml", ".yml", ".json"):
        return None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if any(line.startswith("|") for line in lines):
        return markdown_rows
    headings = lines[0].split(delimiter(text)) if lines else []  # a BOM alone has no lines
    if len(headings) > 1 and "name" in (column_name(heading) for heading in headings):
        return csv_rows
    return None


def sheet_from_data(data: Any, where: str) -> AnswerSheet:
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list):
        raise SpecError(f"{where}: an answer sheet has a 'layers' list (see cnncalc exercise)")
    exercise = data.get("exercise")
    if isinstance(exercise, (list, bool)):
        raise SpecError(f"{where}: 'exercise' names a network or holds its spec, not a list")
    sheet = AnswerSheet(
        where, exercise=plain(exercise) if isinstance(exercise, dict) else text_or_none(exercise)
    )
    sheet.fields = asked_fields(data.get("fields"), f"{where}: fields")
    for number, item in enumerate(data["layers"]):
        if not isinstance(item, dict):
            raise SpecError(
                f"{where}: layers[{number}] is not a mapping with name, output_shape, params"
            )
        name, kind, given = (
            text_or_none(item.get("name")),
            text_or_none(item.get("type")),
            plain(item.get("given")),
        )
        if name is not None and (kind is not None or given is not None):
            sheet.stated.append(StatedLayer(name, kind, given))
        if item.get("type") != "InputLayer":  # given, not asked
            sheet.layers.append(answer(name, item))
    sheet.input_shape = plain(data.get("input_shape"))
    sheet.total_params = read_count(data.get("total_params"))
    sheet.total_macs = read_count(data.get("total_macs"))
    return sheet


def plain(value: Any) -> Any:
    """Data as any spec reader gives it: the floats that kept their text made plain floats
    again (only answers are quoted back; a network's arguments are compared as numbers)."""
    if isinstance(value, WrittenFloat):
        return float(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def asked_fields(value: Any, where: str) -> tuple[str, ...]:
    """A sheet's 'fields:' list, or --fields (default: output_shape and params)."""
    if value is None:
        return DEFAULT_FIELDS
    names = value if isinstance(value, list) else str(value).split(",")
    fields = tuple(str(name).strip() for name in names if str(name).strip())
    unknown = [name for name in fields if name not in FIELDS]
    if unknown or not fields:
        raise SpecError(
            f"{where}: unknown {', '.join(unknown)[:200] or '(none given)'}; "
            f"choose from {', '.join(FIELDS)}"
        )
    return fields


def sheet_from_rows(rows: list[dict[str, str]], where: str) -> AnswerSheet:
    """CSV or markdown rows: name, output_shape, params; rows named exercise, input_shape and
    total_params say what their name says."""
    sheet = AnswerSheet(where)
    columns = set(rows[0]) if rows else set()
    sheet.fields = tuple(name for name in FIELDS if name in columns) or DEFAULT_FIELDS
    for row in rows:
        name = (row.get("name") or "").strip()
        if name == "total_params":
            sheet.total_params = read_count(row.get("params"))
            sheet.total_macs = read_count(row.get("macs"))
            continue
        if name == "exercise":
            sheet.exercise = exercise_cell(row.get("given") or "", where)
            continue
        if name == "input_shape":
            sheet.input_shape = text_or_none(row.get("given"))
            continue
        kind, given = text_or_none(row.get("type")), text_or_none(row.get("given"))
        if name and (kind or given):
            sheet.stated.append(StatedLayer(name, kind, given))
        if kind != "InputLayer" and (name or any(row.get(f) for f in FIELDS)):
            sheet.layers.append(answer(name or None, row))
            if row.get(EXTRA_CELLS):
                sheet.layers[-1] = overflowing(sheet.layers[-1], row, sheet.fields)
    return sheet


EXTRA_CELLS = "\0extra"
"""A row's key for its cells past the header's, as 'line N: the cells' (no column has it)."""


def overflowing(answer: Answer, row: dict[str, str], fields: tuple[str, ...]) -> Answer:
    """A row with more cells than the header: its cells were shifted (26,26,32 unquoted), so
    no answer in it can be trusted; each is unreadable, saying why."""
    line, _, cells = row[EXTRA_CELLS].partition(": ")  # the cells may hold ': ' too
    reason = (
        f"{line} has more cells than the header: a shape with commas must be in quotes "
        '("26, 26, 32") or written 26x26x32'
    )
    return replace(answer, **{name: Unreadable(cells, reason) for name in fields if row.get(name)})


def exercise_cell(text: str, where: str) -> str | dict[str, Any] | None:
    """The exercise row of a CSV or markdown sheet: a name, or the spec as JSON."""
    text = text.strip()
    if not text.startswith("{"):
        return text or None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(
            f"{where}: the exercise row's spec is not valid JSON: {error.msg}"
        ) from None


def csv_rows(text: str, where: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter(text))
    try:
        written = [(c or "").strip().lower() for c in reader.fieldnames or []]
        header = [column_name(c) for c in written]
        if "name" not in header or not set(header) & set(FIELDS):
            raise SpecError(
                f"{where}: line 1: a CSV answer sheet has the columns name, "
                f"output_shape, params (found: {', '.join(sorted(set(written)))[:200]})"
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            overflow: Any = row.pop(None, [])  # type: ignore[call-overload]  (DictReader's restkey)
            extra = [cell for cell in overflow if cell.strip()]
            read = {k: cell_text(v) for k, v in row.items()}
            if extra:
                cells = [row[c] for c in header if c in FIELDS and row[c]] + extra
                read[EXTRA_CELLS] = f"line {reader.line_num}: {','.join(cells)}"
            rows.append(read)
        return rows
    except csv.Error as error:
        # the csv reader's own count: DictReader's lags a line behind the one that failed
        raise SpecError(f"{where}: line {reader.reader.line_num}: {error}") from None


def delimiter(text: str) -> str:
    """',' or what the header is separated by: a spreadsheet in a locale whose decimal mark
    is a comma saves its 'CSV' with ';' (Excel in German or French), and some save tabs."""
    header = text.partition("\n")[0]  # the rows' shapes may hold more commas
    return max(",;\t", key=header.count)


COLUMN_NAMES = {
    "layer": "name",
    "layer_name": "name",
    "layer_(type)": "name",
    "shape": "output_shape",
    "output": "output_shape",
    "param": "params",
    "param_#": "params",
    "params_#": "params",
    "#_params": "params",
    "#params": "params",
    "parameters": "params",
    "number_of_parameters": "params",
}
"""Headings a student writes for the columns (Keras's own: Layer (type), Output Shape,
Param #), by their name folded to lower case with '_' for spaces."""


def column_name(heading: str) -> str:
    """A table's heading as the field it is: 'Output Shape' is output_shape.

    >>> column_name(" Output Shape "), column_name("Param #"), column_name("name")
    ('output_shape', 'params', 'name')
    """
    folded = re.sub(r"[\s-]+", "_", heading.strip().lower())
    return COLUMN_NAMES.get(folded, folded)


def cell_text(value: Any) -> Any:
    """A CSV cell as cnncalc wrote it (see csv_text); a missing cell (None) is a blank."""
    return csv_text(value or "")


def markdown_rows(text: str, where: str) -> list[dict[str, str]]:
    lines = [line.strip() for line in text.splitlines()]
    table = [(n, line) for n, line in enumerate(lines, 1) if line.startswith("|")]
    if not table:
        raise SpecError(f"{where}: no markdown table (| name | output_shape | params |) in it")
    header = [column_name(cell) for cell in split_row(table[0][1])]
    if "name" not in header or not set(header) & set(FIELDS):
        raise SpecError(
            f"{where}: line {table[0][0]}: the table's header needs name, output_shape and params"
        )
    rows = []
    for number, line in table[1:]:
        cells = [cell.strip().replace("\\|", "|") for cell in split_row(line)]
        if all(set(cell) <= set("-: ") for cell in cells):
            continue  # the |---|---| rule
        row = dict(zip(header, cells))
        if [cell for cell in cells[len(header) :] if cell]:
            asked = [row[c] for c in header if c in FIELDS and row[c]]
            row[EXTRA_CELLS] = f"line {number}: {','.join(asked + cells[len(header) :])}"
        rows.append(row)
    return rows


def split_row(line: str) -> list[str]:
    return re.split(r"(?<!\\)\|", line.strip().strip("|"))


def answer(name: str | None, item: dict[str, Any]) -> Answer:
    return Answer(
        name,
        read_shape(item.get("output_shape")),
        read_count(item.get("params")),
        read_count(item.get("macs")),
        read_field(item.get("receptive_field")),
    )


def read_field(value: Any) -> Field | str | Unreadable | None:
    """A receptive field's size per axis (5x5, [5, 5], 7/2x7/2), or 'whole input' ('whole',
    'all').

    >>> read_field("7/2 x 7/2"), read_field([3.5, 4]), read_field("whole")
    ((Fraction(7, 2), Fraction(7, 2)), (Fraction(7, 2), 4), 'whole input')
    """
    if isinstance(value, str) and value.strip().lower() in ("whole input", "whole", "all"):
        return WHOLE_INPUT
    if isinstance(value, str):
        value = re.sub(r"\s*/\s*", "/", value)  # '7 / 2': one size, not three
    return read_shape(value, read_size)  # type: ignore[return-value]  (sizes may be fractions)


FRACTION = re.compile(r"[0-9]{1,30}/[0-9]{1,30}|[0-9]{1,30}\.[0-9]{1,30}")


def read_size(value: Any) -> int | Fraction | Unreadable | None:
    """A receptive field's size on one axis: a count, or a fraction (7/2, 3.5)."""
    text = str(value).strip()
    if not (isinstance(value, float) or FRACTION.fullmatch(text)):
        return read_count(value)
    if isinstance(value, float) and not abs(value) < 10**MAX_DIGITS:  # nan and inf too
        return Unreadable(text, "not a size")
    try:
        return as_number(Fraction(text))
    except ZeroDivisionError:
        return Unreadable(text, "a fraction over 0")


def as_number(value: Fraction) -> int | Fraction:
    """A whole fraction as the int it is (a field's 4, not 4/1)."""
    return int(value) if value.denominator == 1 else value


def text_or_none(value: Any) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


INTEGER = re.compile(r"[0-9]{1,3}(?:[,_ '\u202f\u00a0][0-9]{3})+|[0-9]+")
SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]+")
DOT_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
"""18.496: a thousands dot (German, Italian, …), which cnncalc never guesses at."""
ABBREVIATED = re.compile(r"[0-9]+(?:[.,][0-9]+)?\s*[kKmM]")
UNIT = re.compile(r"(?P<count>.*?)\s*(?:params|parameters|param)\.?", re.IGNORECASE)
NOTHING = {"none", "-", "–", "—", "n/a", "na", "nil", "no", "nothing"}
DIGITS = "write digits, e.g. 18496 or 18,496"


def read_count(value: Any) -> int | Unreadable | None:
    """18496, '18,496', '18 496', '18_496', '1.8496e4', '18496 params' -> 18496; blank -> None.

    >>> read_count("16,010"), read_count("3.20e2"), read_count(" "), read_count("320 params")
    (16010, 320, None, 320)
    >>> read_count("3²⁰").reason
    'not a count: write digits, e.g. 18496 or 18,496'
    """
    if blank(value):
        return None
    if isinstance(value, bool):
        return Unreadable(str(value).lower(), "a yes/no value, not a count")
    if isinstance(value, int):
        return value if len(str(abs(value))) <= MAX_DIGITS else too_long(value)
    if isinstance(value, float):
        written = getattr(value, "text", str(value))  # YAML's 1.600, as the student wrote it
        if DOT_THOUSANDS.fullmatch(written):
            return dot_thousands(written)
        if not value.is_integer():
            return not_whole(written)
        return int(value) if abs(value) < 10**MAX_DIGITS else too_long(value)
    text = str(value).strip()
    result = worked_result(text)
    if result is not None:  # '(3·3·1 + 1)·32 = 320': the working, then the answer
        counted = read_count(result)
        return Unreadable(text, counted.reason) if isinstance(counted, Unreadable) else counted
    unit = UNIT.fullmatch(text)
    if unit and unit["count"] and not blank(unit["count"]):  # '320 params': the count
        counted = read_count(unit["count"])
        return Unreadable(text, counted.reason) if isinstance(counted, Unreadable) else counted
    if len(text) > MAX_DIGITS + 10:
        return too_long(text)
    if INTEGER.fullmatch(text):
        digits = re.sub(r"[^0-9]", "", text)
        return int(digits) if len(digits) <= MAX_DIGITS else too_long(text)
    if SCIENTIFIC.fullmatch(text):
        number = Decimal(text)
        if number.adjusted() >= MAX_DIGITS:
            return too_long(text)
        return int(number) if number == number.to_integral_value() else not_whole(text)
    if DOT_THOUSANDS.fullmatch(text):
        return dot_thousands(text)
    if ABBREVIATED.fullmatch(text):
        return Unreadable(text, f"an abbreviation (k, M) is not an exact count: {DIGITS}")
    if text.lower() in NOTHING:
        return Unreadable(text, "not a count: write 0 if there are none")
    return Unreadable(text, f"not a count: {DIGITS}")


def worked_result(text: str) -> str | None:
    """What follows the last '=' of a text with working before it, else None: a student who
    shows '(3·3·1 + 1)·32 = 320' answers 320 (the working is theirs to show, not graded).

    >>> worked_result("5·5·64 = 1600"), worked_result("1600"), worked_result("= 3")
    ('1600', None, None)
    """
    working, equals, result = text.rpartition("=")
    return result.strip() if equals and working.strip() and result.strip() else None


def dot_thousands(text: str) -> Unreadable:
    return Unreadable(
        text, f"a '.' is read as a decimal point, never as a thousands separator: {DIGITS}"
    )


def too_long(value: Any) -> Unreadable:
    return Unreadable(str(value)[:40], f"more than {MAX_DIGITS} digits: no layer has that many")


def not_whole(value: Any) -> Unreadable:
    return Unreadable(str(value), "not a whole number")


SHAPE_SEPARATORS = re.compile(r"\s*[,xX×*]\s*|\s+")


def read_shape(
    value: Any, read_size: Callable[[Any], int | Fraction | Unreadable | None] = read_count
) -> Shape | Unreadable | None:
    """[26, 26, 32], '(None, 26, 26, 32)', '26x26x32', '26 × 26 × 32' -> (26, 26, 32).

    >>> read_shape("(None,26,26,32)"), read_shape("26X26X32"), read_shape([None, 1600])
    ((26, 26, 32), (26, 26, 32), (1600,))
    >>> read_shape("26x26x").reason
    'a size is missing between the separators'
    """
    if blank(value):
        return None
    if isinstance(value, (list, tuple)):
        parts: list[Any] = list(value)
    else:  # a text, or one number (1600) read as its digits
        text = str(value).strip()
        if len(text) > 200:
            return Unreadable(text[:40] + "…", "too long for a shape")
        result = worked_result(text)
        if result is not None:  # '5·5·64 = 1600': the working, then the answer
            shape = read_shape(result, read_size)
            return Unreadable(text, shape.reason) if isinstance(shape, Unreadable) else shape
        inner = text.strip("[]()").strip().removesuffix(",").strip()  # (1600,) is Python's
        if not inner:
            return Unreadable(text, "no sizes in it")
        parts = SHAPE_SEPARATORS.split(inner)
        if "" in parts:
            return Unreadable(text, "a size is missing between the separators")
    dims: list[int | None] = []
    for part in parts:
        if part is None or str(part).lower() in ("none", "null", "?", "batch"):
            dims.append(None)
            continue
        size = read_size(part)
        if size is None or isinstance(size, (Unreadable, bool)):
            reason = size.reason if isinstance(size, Unreadable) else "a blank size"
            return Unreadable(shape_source(value), f"the size {str(part)!r} is {reason}")
        dims.append(size)
    while dims and dims[0] is None:
        dims.pop(0)  # the batch dimension
    return tuple(dims)


def shape_source(value: Any) -> str:
    return str(list(value)) if isinstance(value, (list, tuple)) else str(value)


def value_text(value: Any) -> str:
    """A shape as the student writes it (no batch dimension), a count with separators."""
    if value is None:
        return ""
    if isinstance(value, Unreadable):
        return value.text
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return tuple_text(value)
    return f"{value:,}" if isinstance(value, int) else str(value)
