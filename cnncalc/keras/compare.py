"""Compares cnncalc's analysis with a Keras summary, row by row and in the totals.

Rows are matched by name, so any valid order of a graph spec agrees with Keras's own order:
a name cut short (``…`` or an old Keras 2 column) matches by its visible start, and Keras's
auto-names counted from elsewhere (``conv2d_1`` for the first Conv2D) by their rank. Rows no
name matches are paired in order. Input rows are compared when the spec has an input of that
name, else skipped; rows inside nested models are skipped (their model's row counts them), and
so are the 0-parameter rows Keras 3 prints for the ops that compute a mask (``not_equal
(NotEqual)`` from Masking or Embedding(mask_zero=True), ``any (Any)`` from Masking): not layers.
Shapes and counts must agree; a differing name, type or ``Connected to`` is only a note.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..analysis import Analysis, LayerRow
from ..engine import IMPLICIT_INPUT, keras_snake_case
from ..errors import SpecError
from ..layers.base import tuple_text
from .summary import Summary, SummaryRow

MASK_OPS = ("NotEqual", "Any")
"""The types of the rows Keras 3 prints for ops computing masks: ops.not_equal(x, mask_value)
(Masking, Embedding with mask_zero) and ops.any(…, axis=-1) (Masking)."""

TOTALS = (
    ("total", "total_params"),
    ("trainable", "trainable_params"),
    ("non-trainable", "non_trainable_params"),
)


@dataclass(frozen=True)
class RowCheck:
    position: int
    ours: LayerRow | None
    theirs: SummaryRow | None
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """'row 3 'conv2d_1'' for a layer of the spec, the summary's line for one it lacks."""
        if self.ours is not None:
            return f"row {self.position} '{self.ours.name}'"
        assert self.theirs is not None
        return f"summary line {self.theirs.line} '{self.theirs.name}'"

    @property
    def status(self) -> str:
        if self.problems:
            return "differs"
        if self.ours is None or self.theirs is None:
            return "missing"
        return "agrees"


@dataclass
class Comparison:
    """The outcome: every row, the totals, and what the summary did not have."""

    rows: list[RowCheck] = field(default_factory=list)
    totals: list[tuple[str, int, int | None]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def differences(self) -> list[str]:
        found = [f"{c.where}: {p}" for c in self.rows for p in c.problems]
        found += [
            f"{label} params: cnncalc {ours:,}, Keras {theirs:,}"
            for label, ours, theirs in self.totals
            if theirs is not None and ours != theirs
        ]
        return found

    @property
    def agrees(self) -> bool:
        return not self.differences

    @property
    def exit_code(self) -> int:
        return 0 if self.agrees else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "agrees": self.agrees,
            "differences": self.differences,
            "missing": self.missing,
            "skipped": self.skipped,
            "rows": [
                {
                    "position": c.position or None,
                    "keras_line": c.theirs.line if c.theirs else None,
                    "name": c.ours.name if c.ours else None,
                    "keras_name": c.theirs.name if c.theirs else None,
                    "output_shape": list(c.ours.keras_output_shape) if c.ours else None,
                    "keras_output_shape": (
                        [list(s) for s in c.theirs.output_shapes] if c.theirs else None
                    ),
                    "params": c.ours.params if c.ours else None,
                    "keras_params": c.theirs.params if c.theirs else None,
                    "status": c.status,
                    "problems": list(c.problems),
                    "notes": list(c.notes),
                }
                for c in self.rows
            ],
            "totals": {label: {"cnncalc": o, "keras": t} for label, o, t in self.totals},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_table(self) -> str:
        from tabulate import tabulate

        mark = {"agrees": "✓", "differs": "✗", "missing": "·"}
        rows = [
            [
                c.position or "",
                mark[c.status],
                c.ours.name if c.ours else c.theirs.name if c.theirs else "",
                tuple_text(c.ours.keras_output_shape) if c.ours else "",
                c.theirs.output_shape_text if c.theirs else "",
                f"{c.ours.params:,}" if c.ours else "",
                c.theirs.params_text if c.theirs else "",
                "; ".join([*c.problems, *c.notes]),
            ]
            for c in self.rows
        ]
        rows += [
            [
                "",
                "·" if theirs is None else "✓" if theirs == ours else "✗",
                f"{label} params",
                "",
                "",
                f"{ours:,}",
                "" if theirs is None else f"{theirs:,}",
                "",
            ]
            for label, ours, theirs in self.totals
        ]
        headers = [
            "#",
            "",
            "layer",
            "cnncalc shape",
            "Keras shape",
            "cnncalc #",
            "Keras #",
            "notes",
        ]
        text = tabulate(
            rows,
            headers=headers,
            tablefmt="simple_outline",
            disable_numparse=True,
            colalign=("right", "center", "left", "left", "left", "right", "right", "left"),
        )
        lines = [text]
        if self.missing:  # each is a row of the table, marked ·: counted, not listed again
            rows = sum(m.startswith("row ") for m in self.missing)
            totals = len(self.missing) - rows
            counts = [plural(rows, "row"), plural(totals, "total")]
            lines.append(f"not in the summary (· above): {' and '.join(c for c in counts if c)}")
        lines += [f"not compared: {s}" for s in self.skipped]
        if self.agrees:
            lines.append("cnncalc and Keras agree on every row and total the summary has.")
        else:
            lines.append(f"{len(self.differences)} difference(s):")
            lines += [f"  {d}" for d in self.differences]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_table()


def compare(
    analysis: Analysis, summary: Summary, partial: bool = False, where: str = "summary"
) -> Comparison:
    """Match the summary's rows to the analysis's by name and compare shapes, counts, totals.

    A summary with no layer rows, of a model Keras had not built, or (unless ``partial``)
    with no totals cannot be compared: SpecError, never a pass.
    """
    if not summary.rows:
        raise SpecError(
            f"{where}: no layer rows under the 'Layer (type)' header (line {summary.line}): "
            "nothing to compare"
        )
    unbuilt = next((row for row in summary.rows if "unbuilt" in row.params_text), None)
    if unbuilt:
        raise SpecError(
            f"{where}, line {unbuilt.line}: Keras printed the model unbuilt ('0 (unbuilt)', no "
            "shapes): nothing to compare; give it an Input and print its summary again"
        )
    if "total" not in summary.totals and not partial:
        raise SpecError(
            f"{where}: no 'Total params:' line after the last row (line {summary.rows[-1].line}): "
            "the printout looks cut short; pass --partial to compare the rows it has"
        )
    inputs = {row.name for row in analysis.layers if row.type == "InputLayer"}
    ours = list(analysis.layers)
    shown = [row for row in summary.rows if not row.nested]  # else skipped
    masks = [row.name for row in shown if is_mask_op(row)]
    theirs = [
        row
        for row in shown
        if not is_mask_op(row) and (not is_input(row) or row.name in inputs)  # else skipped
    ]
    stands_for = keras_names_as_ours(ours, theirs)
    renamed = {row.name: name for row, name in zip(theirs, stands_for)}
    pairs = match_rows(ours, theirs, stands_for)
    result = Comparison()
    for index, mine in enumerate(ours):  # position: the layer's row in the spec
        other = theirs[pairs[index]] if index in pairs else None
        if other is not None:
            checked = check_row(index + 1, mine, other, renamed, inputs | {IMPLICIT_INPUT})
            result.rows.append(checked)
        elif mine.type != "InputLayer":
            result.rows.append(RowCheck(index + 1, mine, None))
            result.missing.append(f"row {index + 1} {mine.name} ({mine.type})")
    for index in sorted(set(range(len(theirs))) - set(pairs.values())):
        other = theirs[index]
        problem = "Keras has this row; cnncalc's spec has no layer of that name"
        result.rows.append(RowCheck(0, None, other, (problem,)))
    nested = sum(row.nested for row in summary.rows)
    if nested:
        result.skipped.append(f"{nested} rows inside nested models (their model's row counts them)")
    if masks:
        result.skipped.append(
            f"{len(masks)} rows of ops computing Keras's masks, not layers, 0 params: "
            + ", ".join(masks)
        )
    compare_totals(analysis, summary, result)
    return result


def is_mask_op(row: SummaryRow) -> bool:
    return row.type in MASK_OPS and row.params == 0


def is_input(row: SummaryRow) -> bool:
    return row.type.startswith("InputL")


def keras_names_as_ours(ours: list[LayerRow], theirs: list[SummaryRow]) -> list[str]:
    """The name of ours each summary row stands for: its own, except for Keras's auto-names
    counted from elsewhere (old Keras 2 starts at conv2d_1, a notebook cell run twice goes on
    to conv2d_4). When a kind's auto-names in the summary are not all ours, its k-th one
    (in Keras's counting order) stands for our k-th."""
    our_names = {row.name for row in ours}
    our_auto: dict[str, list[str]] = {}
    for row in ours:
        base = keras_snake_case(row.type)
        if auto_name_base(row.name) == base:
            our_auto.setdefault(base, []).append(row.name)
    members: dict[str, list[tuple[int, int]]] = {}
    for index, row in enumerate(theirs):
        base = auto_name_base(row.name)
        if not row.cut and base in our_auto:
            members.setdefault(base, []).append((auto_name_counter(row.name), index))
    names = [row.name for row in theirs]
    for base, counted in members.items():
        if any(theirs[index].name not in our_names for _, index in counted):
            for (_, index), ours_name in zip(sorted(counted), our_auto[base]):
                names[index] = ours_name
    return names


def auto_name_base(name: str) -> str:
    """'conv2d_4' -> 'conv2d'; 'conv2d' -> 'conv2d'."""
    base, _, counter = name.rpartition("_")
    return base if base and counter.isdigit() else name


def auto_name_counter(name: str) -> int:
    _, _, counter = name.rpartition("_")
    return int(counter) if counter.isdigit() else 0


def match_rows(
    ours: list[LayerRow], theirs: list[SummaryRow], stands_for: list[str]
) -> dict[int, int]:
    """Our row index -> summary row index: by full name, then by the visible start of a cut
    name (a cut type breaks ties), then the rows no name matched, paired in order."""
    pairs: dict[int, int] = {}
    by_name = {row.name: index for index, row in enumerate(ours)}
    for index, row in enumerate(theirs):
        mine = by_name.get(stands_for[index])
        if not row.cut and mine is not None and mine not in pairs:
            pairs[mine] = index
    for index, row in enumerate(theirs):
        prefix = row.name.removesuffix("…")
        if not row.cut or not prefix:
            continue
        free = [i for i, mine in enumerate(ours) if i not in pairs and row.could_be(mine.name)]
        typed = [i for i in free if row.type and mine_type_fits(ours[i], row)]
        if typed or free:
            pairs[(typed or free)[0]] = index
    left_ours = [i for i in range(len(ours)) if i not in pairs and ours[i].type != "InputLayer"]
    left_theirs = [i for i in range(len(theirs)) if i not in pairs.values()]
    pairs.update(zip(left_ours, left_theirs))
    return pairs


def mine_type_fits(mine: LayerRow, theirs: SummaryRow) -> bool:
    """A type cut short (MaxPooling2 or MaxPooling…) matches the start of ours."""
    shown = theirs.type.removesuffix("…")
    return mine.type.startswith(shown) if theirs.type_cut else mine.type == shown


def check_row(
    position: int,
    ours: LayerRow,
    theirs: SummaryRow,
    renamed: dict[str, str] | None = None,
    inputs: set[str] | None = None,
) -> RowCheck:
    """Shapes and counts must agree; names, types and wiring are notes."""
    problems, notes = [], []
    if theirs.output_shapes != (ours.keras_output_shape,):
        problems.append(
            f"output shape: cnncalc {tuple_text(ours.keras_output_shape)}, "
            f"Keras {theirs.output_shape_text}"
        )
    if theirs.params is None:
        if f"{ours.params:,}".startswith(theirs.params_text.split("…")[0]):
            notes.append(f"Param # cut short in the summary ({theirs.params_text})")
        else:
            problems.append(f"params: cnncalc {ours.params:,}, Keras {theirs.params_text}")
    elif ours.params != theirs.params:
        problems.append(f"params: cnncalc {ours.params:,}, Keras {theirs.params:,}")
    if not theirs.could_be(ours.name):
        notes.append(f"named '{theirs.name}' in the summary")
    if theirs.type and not mine_type_fits(ours, theirs):
        notes.append(f"type {theirs.type} in the summary")
    sources = [name for name in ours.inputs if name not in (inputs or {IMPLICIT_INPUT})]
    connected = [(renamed or {}).get(name, name) for name in theirs.connected_to]
    if connected and not all(any(shows(seen, s) for seen in connected) for s in sources):
        notes.append(f"connected to {', '.join(theirs.connected_to)} in the summary")
    return RowCheck(position, ours, theirs, tuple(problems), tuple(notes))


def shows(shown: str, name: str) -> bool:
    """Whether a name in Connected to is ``name``, or its start cut short with …."""
    return name.startswith(shown[:-1]) if shown.endswith("…") else name == shown


def compare_totals(analysis: Analysis, summary: Summary, result: Comparison) -> None:
    """Keras 3's Total of a compiled model includes the optimizer's variables: taken out."""
    optimizer = summary.totals.get("optimizer", 0)
    for label, attribute in TOTALS:
        theirs = summary.totals.get(label)
        if theirs is None:
            result.missing.append(f"{label} params")
        elif label == "total" and optimizer:
            theirs -= optimizer
            result.skipped.append(f"Optimizer params: {optimizer:,} (not in the model's total)")
        result.totals.append((label, getattr(analysis, attribute), theirs))


def plural(count: int, noun: str) -> str:
    """A count with its noun, '' for none.

    >>> plural(3, "row"), plural(1, "total"), plural(0, "row")
    ('3 rows', '1 total', '')
    """
    return f"{count} {noun}{'s' if count != 1 else ''}" if count else ""
