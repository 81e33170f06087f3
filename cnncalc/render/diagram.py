"""Architecture diagrams: the lecture's figure for chains, a layered graph drawing for the rest.

``layers`` (the lecture's AlexNet/VGG16 figure): each feature map a 3-D box whose height and
receding side follow its height and width and whose thickness follows its depth, on a
compressed scale (224×224×3 and 7×7×512 both stay visible); vectors are bars. ``graph``: one
node per layer and an edge per connection (``graph.py``). A graph is never drawn as a chain.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .graph import graph_svg_parts, implicit_inputs
from .svg import (
    BOLD,
    FAMILY_COLOURS,
    Diagram,
    attr,
    compact_shape,
    count_text,
    document,
    family,
    heading,
    legend_width,
    text_width,
    title_lines,
    tooltip,
)

if TYPE_CHECKING:
    from ..analysis import Analysis

STYLES = ("layers", "graph")
Shape = tuple[int | None, ...]

TALLEST = 150.0
"""The largest feature map's box height in pixels; every other size is relative to it."""
SPATIAL_POWER = 0.6
VECTOR_POWER = 0.4
RECEDE = 0.45
"""The receding side (the map's width) as a fraction of a box's height for the same size."""
LABEL_ANGLE = 45
SLANT = math.sin(math.radians(LABEL_ANGLE))
"""How far a slanted label reaches down (and across) per unit of its length."""
DIAGONAL = math.cos(math.radians(45))
"""The receding side runs at 45°: its horizontal and vertical reach per unit of length."""
LABEL_SIZE = 11.0
LABEL_LINE = 13.0


def min_slot(lines: int) -> float:
    """The narrowest slot that keeps neighbouring slanted labels of ``lines`` lines apart."""
    return (lines + 0.2) * LABEL_LINE / SLANT


MARGIN = 20.0
UNKNOWN_SIZE = 32
"""The size drawn for a dimension Keras leaves unknown (None)."""


def is_chain(analysis: Analysis) -> bool:
    """Each layer reads exactly the one before it (the first reads the input): no branches."""
    for index, row in enumerate(analysis.layers):
        expected = (analysis.layers[index - 1].name,) if index else None
        if index and row.inputs != expected:
            return False
        if not index and len(row.inputs) > 1:
            return False
    return True


def known(size: int | None) -> int:
    return UNKNOWN_SIZE if size is None else max(size, 1)


def spatial(shape: Shape) -> tuple[int, int, int] | None:
    """(height, width, depth) of a feature map; None for a vector (drawn as a bar)."""
    if len(shape) < 2:
        return None
    height = known(shape[-3]) if len(shape) >= 3 else known(shape[0])
    width = known(shape[-2]) if len(shape) >= 3 else 1
    return height, width, known(shape[-1])


def scaled(size: int, largest: int, power: float) -> float:
    return max(6.0, TALLEST * (size / largest) ** power)


def thickness(depth: int) -> float:
    """A box's thickness grows with the square root of its depth (3 → 3.5 px, 512 → 45 px)."""
    return min(max(2 * math.sqrt(depth), 3.0), 70.0)


class Stack:
    """One box or bar: its front face, receding offset and colour."""

    def __init__(
        self, name: str, kind: str, shape: Shape, tip: str, params: int, macs: int | None = None
    ) -> None:
        self.name, self.kind, self.shape, self.tip = name, kind, shape, tip
        self.params, self.macs = params, macs

    def geometry(self, largest_map: int, largest_vector: int) -> tuple[float, float, float]:
        """Front width, front height and receding depth, in pixels."""
        dims = spatial(self.shape)
        if dims is None:
            length = known(self.shape[0]) if self.shape else 1
            return 8.0, scaled(length, largest_vector, VECTOR_POWER), 6.0
        height, width, depth = dims
        front = scaled(height, largest_map, SPATIAL_POWER)
        recede = RECEDE * scaled(width, largest_map, SPATIAL_POWER) if width > 1 else 4.0
        return thickness(depth), front, recede


def box_svg(left: float, axis: float, width: float, height: float, recede: float, fill: str) -> str:
    """A cuboid: the front face, then the top and side faces slanting up and to the right."""
    dx = dy = recede * DIAGONAL
    top, bottom, right = axis - height / 2, axis + height / 2, left + width
    faces = [
        (
            f"{left:.1f},{top:.1f} {left + dx:.1f},{top - dy:.1f} {right + dx:.1f},{top - dy:.1f} "
            f"{right:.1f},{top:.1f}",
            "#ffffff",
            0.45,
        ),
        (
            f"{right:.1f},{top:.1f} {right + dx:.1f},{top - dy:.1f} {right + dx:.1f},"
            f"{bottom - dy:.1f} {right:.1f},{bottom:.1f}",
            "#000000",
            0.18,
        ),
    ]
    svg = (
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{fill}" stroke="#333" stroke-width="0.7"/>'
    )
    for points, shade, opacity in faces:
        svg += (
            f'<polygon points="{points}" fill="{fill}" stroke="#333" stroke-width="0.7"/>'
            f'<polygon points="{points}" fill="{shade}" fill-opacity="{opacity}"/>'
        )
    return svg


def stacks(analysis: Analysis) -> list[Stack]:
    drawn = [
        Stack(name, "input", shape, f"{name}: the declared input {compact_shape(shape)}", 0)
        for name, shape in implicit_inputs(analysis.layers, analysis.input_shape).items()
    ]
    drawn += [
        Stack(row.name, family(row.type), row.output_shape, tooltip(row), row.params, row.macs)
        for row in analysis.layers
    ]
    return drawn


def label_lines(stack: Stack, costs: bool) -> list[str]:
    """The slanted label under a box: name, shape and, with costs, its MACs."""
    lines = [stack.name, compact_shape(stack.shape)]
    if costs and stack.macs:
        lines.append(f"MACs {count_text(stack.macs)}")
    return lines


def layers_svg_parts(analysis: Analysis, costs: bool) -> tuple[list[str], float, float]:
    """The lecture's figure, left to right: params slanting above, name and shape below."""
    drawn = stacks(analysis)
    maps = [spatial(stack.shape) for stack in drawn]
    largest_map = max((max(dims[0], dims[1]) for dims in maps if dims), default=1)
    vectors = [known(s.shape[0]) if s.shape else 1 for s, d in zip(drawn, maps) if d is None]
    largest_vector = max(vectors, default=1)
    sizes = [stack.geometry(largest_map, largest_vector) for stack in drawn]
    rise = max(recede * DIAGONAL for _, _, recede in sizes)
    params_room = max(
        (text_width(f"{s.params:,}", LABEL_SIZE) * SLANT for s in drawn if s.params), default=0
    )
    families = list(dict.fromkeys(stack.kind for stack in drawn))
    axis = MARGIN + 64 + params_room + rise + TALLEST / 2
    label_top = axis + TALLEST / 2 + 14
    parts = [heading(analysis, families, MARGIN)]
    x = MARGIN + 10
    label_reach = 0.0
    all_lines = [label_lines(stack, costs) for stack in drawn]
    for index, (stack, lines, (width, height, recede)) in enumerate(zip(drawn, all_lines, sizes)):
        centre = x + width / 2
        labels = "".join(
            f'<text y="{i * LABEL_LINE:.1f}"{"" if i else BOLD}>{attr(line)}</text>'
            for i, line in enumerate(lines)
        )
        params = ""
        if stack.params:
            top = axis - height / 2 - recede * DIAGONAL - 6
            params = (
                f'<text transform="translate({centre:.1f},{top:.1f}) '
                f'rotate(-{LABEL_ANGLE})" font-size="{LABEL_SIZE}" fill="#333">'
                f"{stack.params:,}</text>"
            )
        parts.append(
            f'<g class="layer" data-layer="{attr(stack.name)}" data-family="{stack.kind}">'
            f"<title>{attr(stack.tip)}</title>"
            + box_svg(x, axis, width, height, recede, FAMILY_COLOURS[stack.kind])
            + params
            + f'<g transform="translate({centre - 3:.1f},{label_top:.1f}) rotate({LABEL_ANGLE})" '
            f'font-size="{LABEL_SIZE}">{labels}</g></g>'
        )
        label_reach = max(label_reach, max(text_width(line, LABEL_SIZE) for line in lines) * SLANT)
        # a label's later lines step back under the previous label: the slot before a stack
        # is sized by that stack's lines (a third MACs line needs more room than two)
        following = all_lines[index + 1] if index + 1 < len(drawn) else lines
        x += max(width + recede * DIAGONAL + 14, min_slot(len(following)))
    width = max(x + label_reach, legend_width(families) + 2 * MARGIN)
    height = label_top + label_reach + 2 * LABEL_LINE + MARGIN
    return parts, width, height


def draw(
    analysis: Analysis,
    style: str | None = None,
    costs: bool = False,
) -> Diagram:
    """The diagram of an analysis: ``layers`` for chains (the default), ``graph`` otherwise.
    A nested model (a row with ``nested`` rows) is drawn in the graph style as a framed group.
    """
    chain = is_chain(analysis)
    style = style or ("layers" if chain else "graph")
    if style not in STYLES:
        raise ValueError(f"unknown style '{style}'; choose from {', '.join(STYLES)}")
    note = None
    if style == "layers" and not chain:
        style = "graph"
        note = (
            f"{analysis.name or 'this network'} has branches: drawn in the graph style "
            "(the layers style would show them as a false chain)"
        )
    if style == "layers":
        body, width, height = layers_svg_parts(analysis, costs)
    else:
        body, width, height = graph_svg_parts(analysis, costs)
    name, totals = title_lines(analysis)
    svg = document(width, height, body, f"{name}: {totals}")
    return Diagram(svg, style, width, height, note)
