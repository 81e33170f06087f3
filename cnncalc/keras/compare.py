"""Compares cnncalc's analysis with a Keras summary, row by row and in the totals.

Rows are matched by position (InputLayer rows skipped on either side). Shapes and counts
must agree; a differing name alone is only a note (a name cut short with … matches its start).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..analysis import Analysis, LayerRow
from ..engine import IMPLICIT_INPUT
from ..layers.base import tuple_text
from .summary import Summary, SummaryRow

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

    @property
    def differences(self) -> list[str]:
        found = [
            f"row {c.position} '{(c.ours or c.theirs).name}': {p}"  # type: ignore[union-attr]
            for c in self.rows
            for p in c.problems
        ]
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
            "rows": [
                {
                    "position": c.position,
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
                c.position,
                mark[c.status],
                c.ours.name if c.ours else "",
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
        lines += [f"not in the summary: {m}" for m in self.missing]
        if self.agrees:
            lines.append("cnncalc and Keras agree on every row and total the summary has.")
        else:
            lines.append(f"{len(self.differences)} difference(s):")
            lines += [f"  {d}" for d in self.differences]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_table()


def names_match(ours: str, theirs: str) -> bool:
    """Keras cuts long names with …; a cut name matches the start of the full one."""
    if theirs.endswith("…"):
        return ours.startswith(theirs[:-1])
    return ours == theirs


def check_row(position: int, ours: LayerRow, theirs: SummaryRow) -> RowCheck:
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
    if not names_match(ours.name, theirs.name):
        notes.append(f"named '{theirs.name}' in the summary")
    if theirs.type and not names_match(ours.type, theirs.type):
        notes.append(f"type {theirs.type} in the summary")
    sources = [name for name in ours.inputs if name != IMPLICIT_INPUT]
    if (
        theirs.connected_to
        and sources
        and not all(
            any(names_match(mine, other) for other in theirs.connected_to) for mine in sources
        )
    ):
        notes.append(f"connected to {', '.join(theirs.connected_to)} in the summary")
    return RowCheck(position, ours, theirs, tuple(problems), tuple(notes))


def compare(analysis: Analysis, summary: Summary) -> Comparison:
    """Match rows by position (InputLayer rows skipped) and compare shapes, counts, totals."""
    ours = [row for row in analysis.layers if row.type != "InputLayer"]
    theirs = [row for row in summary.rows if row.type != "InputLayer"]
    result = Comparison()
    for position in range(max(len(ours), len(theirs))):
        mine = ours[position] if position < len(ours) else None
        other = theirs[position] if position < len(theirs) else None
        if mine and other:
            result.rows.append(check_row(position + 1, mine, other))
        elif mine:
            result.rows.append(RowCheck(position + 1, mine, None))
            result.missing.append(f"row {position + 1} {mine.name} ({mine.type})")
        elif other:
            problem = "Keras has this row; cnncalc's spec has no layer here"
            result.rows.append(RowCheck(position + 1, None, other, (problem,)))
    for label, attribute in TOTALS:
        theirs_total = summary.totals.get(label)
        result.totals.append((label, getattr(analysis, attribute), theirs_total))
        if theirs_total is None:
            result.missing.append(f"{label} params")
    return result
