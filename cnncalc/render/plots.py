"""Where the weights and the compute sit: per-layer parameters, activations and MACs as bars.

A table of 177 numbers hides that VGG16's first dense layer holds 74% of its parameters while
its convolutions do 99% of its multiply-accumulates; three columns of bars on one linear scale
each show it at a glance. MACs appear when this cnncalc computes them (issue 9).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from .svg import BOLD, FAMILY_COLOURS, attr, count_text, document, family, text_width

if TYPE_CHECKING:
    from ..analysis import Analysis, LayerRow

ROW = 16.0
BAR = 11.0
PANEL = 120.0
FONT_SIZE = 11.0
MARGIN = 12.0
HEADING = 54.0


def columns(analysis: Analysis) -> list[tuple[str, Callable[[LayerRow], int | None]]]:
    measures: list[tuple[str, Callable[[LayerRow], int | None]]] = [
        ("params", lambda row: row.params),
        ("activations", lambda row: row.activations),
    ]
    if any(row.macs is not None for row in analysis.layers):
        measures.append(("MACs", lambda row: row.macs))
    return measures


def share_text(value: int, total: int) -> str:
    """'102.8M 74%': the value, and its share of the column when it is at least 1%."""
    share = value / total if total else 0
    return count_text(value) + (f" {share:.0%}" if share >= 0.01 else "")


def family_shares(analysis: Analysis, values: list[int], total: int) -> str:
    """'dense 89% · convolution 11%': the two families holding most of a column (a family
    whose share rounds to 0% is left out: 'dense 0%' says nothing)."""
    by_family: Counter[str] = Counter()
    for row, value in zip(analysis.layers, values):
        by_family[family(row.type)] += value
    return " · ".join(
        f"{name} {value / total:.0%}"
        for name, value in by_family.most_common(2)
        if total and value / total >= 0.005
    )


def bars_svg(analysis: Analysis) -> str:
    """One row per layer (the name, then a bar per measure), measures side by side."""
    measures = columns(analysis)
    name_width = max(text_width(row.name, FONT_SIZE) for row in analysis.layers) + 10
    columns_values = [[measure(row) or 0 for row in analysis.layers] for _, measure in measures]
    headings = [
        (f"total {sum(values):,}", family_shares(analysis, values, sum(values)))
        for values in columns_values
    ]
    # wide enough for the bars with their labels and for the headings ('convolution 29% ·
    # normalization 29%' would otherwise run into the next column's)
    label_room = text_width("102.8M 100%", FONT_SIZE) + 6
    heading_room = max(text_width(line, FONT_SIZE) for pair in headings for line in pair) + 16
    panel = max(PANEL + label_room, heading_room)
    width = 2 * MARGIN + name_width + len(measures) * panel
    height = 2 * MARGIN + HEADING + len(analysis.layers) * ROW
    parts = [f'<g font-size="{FONT_SIZE}">']
    for index, ((title, _), values, (total_text, shares)) in enumerate(
        zip(measures, columns_values, headings)
    ):
        total, largest = sum(values), max(values, default=0) or 1
        left = MARGIN + name_width + index * panel
        parts.append(
            f'<text x="{left:.1f}" y="{MARGIN + 14:.1f}" font-size="13"{BOLD}>{title}</text>'
            f'<text x="{left:.1f}" y="{MARGIN + 30:.1f}">{total_text}</text>'
            f'<text x="{left:.1f}" y="{MARGIN + 44:.1f}">{shares}</text>'
        )
        for position, value in enumerate(values):
            if not value:
                continue
            top = MARGIN + HEADING + position * ROW
            length = max(1.0, PANEL * value / largest)
            parts.append(
                f'<rect class="bar" data-bar="{attr(analysis.layers[position].name)}" '
                f'data-measure="{title}" x="{left:.1f}" y="{top + (ROW - BAR) / 2:.1f}" '
                f'width="{length:.1f}" height="{BAR}" '
                f'fill="{FAMILY_COLOURS[family(analysis.layers[position].type)]}">'
                f"<title>{attr(analysis.layers[position].name)}: {title} {value:,}</title></rect>"
                f'<text x="{left + length + 4:.1f}" y="{top + ROW - 4:.1f}" fill="#333">'
                f"{share_text(value, total)}</text>"
            )
    for position, row in enumerate(analysis.layers):
        top = MARGIN + HEADING + position * ROW
        parts.append(
            f'<text x="{MARGIN + name_width - 8:.1f}" y="{top + ROW - 4:.1f}" '
            f'text-anchor="end">{attr(row.name)}</text>'
        )
    parts.append("</g>")
    names = ", ".join(title for title, _ in measures)
    return document(width, height, parts, f"{analysis.name or 'model'}: {names} per layer")
