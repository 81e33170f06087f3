"""The graph style: a layered top-to-bottom drawing, one node per layer, an edge per connection.

The layout is grandalf's Sugiyama layout (ranks, crossing reduction, Brandes–Köpf placement,
dummy points for long edges), so residual additions and concatenations are drawn where they
join. A nested model is laid out on its own and drawn as a framed group inside its node.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .svg import (
    BOLD,
    FAMILY_COLOURS,
    attr,
    compact_shape,
    family,
    heading,
    legend_width,
    node_lines,
    text_width,
    title_lines,
    tooltip,
)

if TYPE_CHECKING:
    from ..analysis import Analysis, LayerRow

FONT_SIZE = 12.0
LINE_HEIGHT = 15.0
PADDING = 8.0
RANK_GAP = 26.0
COLUMN_GAP = 22.0
MARGIN = 20.0

Point = tuple[float, float]
Shape = tuple[int | None, ...]
Level = tuple["Sequence[LayerRow]", "Shape | None"]
"""One level of a drawing: its rows and the shape of the input they read by name."""


@dataclass
class Box:
    """A node's size and, after layout, its centre."""

    width: float
    height: float
    xy: Point = (0.0, 0.0)
    w: float = field(init=False)  # grandalf reads w and h
    h: float = field(init=False)

    def __post_init__(self) -> None:
        self.w, self.h = self.width, self.height


class Route:
    """Receives an edge's polyline from grandalf."""

    points: list[Point]

    def __init__(self) -> None:
        self.points = []

    def setpath(self, points: list[Point]) -> None:
        self.points = list(points)


@dataclass
class Layout:
    """Where every node and edge of one (sub)graph sits, relative to its top-left corner."""

    boxes: dict[str, Box]
    routes: list[tuple[str, str, list[Point]]]
    width: float
    height: float


def import_grandalf() -> tuple[Any, Any, Any, Any]:
    """grandalf's graph classes and Sugiyama layout, imported without numpy.

    grandalf.layouts imports numpy when it can, for a layout cnncalc does not use; that costs
    0.1–0.5 s and cnncalc never needs numpy, so numpy is hidden while grandalf loads (unless
    it was already imported) and grandalf falls back to its pure-Python code.
    """
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        from grandalf.graphs import Edge, Graph, Vertex
        from grandalf.layouts import SugiyamaLayout
    finally:
        if hide:
            del sys.modules["numpy"]
    return Edge, Graph, Vertex, SugiyamaLayout


def column(sizes: Mapping[str, tuple[float, float]]) -> Layout:
    """A chain needs no layout algorithm: one centred column (grandalf is quadratic in places,
    so a 10,000-layer chain drawn this way takes a moment rather than minutes)."""
    width = max(w for w, _ in sizes.values())
    boxes, top = {}, 0.0
    for name, (w, h) in sizes.items():
        boxes[name] = Box(w, h, (width / 2, top + h / 2))
        top += h + RANK_GAP
    names = list(sizes)
    routes = [(a, b, [boxes[a].xy, boxes[b].xy]) for a, b in pairwise(names)]
    return Layout(boxes, routes, width, top - RANK_GAP)


MAX_SUGIYAMA = 2_500
"""Layers plus connections in one level that grandalf lays out. Its Sugiyama layout is
quadratic in places (1,300 branches into one Concatenate took 5 s, an Add of 20,000 inputs or
10,000 layers in diamonds took minutes), so a larger level is drawn in plain ranks."""


def ranked(sizes: Mapping[str, tuple[float, float]], edges: list[tuple[str, str]]) -> Layout:
    """Plain ranks, in linear time, for a graph too large for grandalf: each node one rank
    below the deepest node it reads, each rank in the given order and centred, edges drawn
    straight from node to node (no crossing reduction, no routing around nodes)."""
    children: dict[str, list[str]] = {name: [] for name in sizes}
    waiting: Counter[str] = Counter()
    for source, target in edges:
        children[source].append(target)
        waiting[target] += 1
    rank = dict.fromkeys(sizes, 0)
    ready = [name for name in sizes if not waiting[name]]
    while ready:  # Kahn's order: every node after all it reads (the engine refused cycles)
        name = ready.pop()
        for child in children[name]:
            rank[child] = max(rank[child], rank[name] + 1)
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    ranks: dict[int, list[str]] = {}
    for name in sizes:
        ranks.setdefault(rank[name], []).append(name)
    spans = {
        r: sum(sizes[n][0] for n in names) + COLUMN_GAP * (len(names) - 1)
        for r, names in ranks.items()
    }
    width = max(spans.values())
    boxes, top = {}, 0.0
    for r in sorted(ranks):
        height = max(sizes[name][1] for name in ranks[r])
        left = (width - spans[r]) / 2
        for name in ranks[r]:
            w, h = sizes[name]
            boxes[name] = Box(w, h, (left + w / 2, top + height / 2))
            left += w + COLUMN_GAP
        top += height + RANK_GAP
    routes = [(a, b, [boxes[a].xy, boxes[b].xy]) for a, b in edges]
    return Layout(boxes, routes, width, top - RANK_GAP)


def place(sizes: Mapping[str, tuple[float, float]], edges: list[tuple[str, str]]) -> Layout:
    """Sugiyama layout of nodes with the given sizes; each connected piece side by side."""
    if edges == list(pairwise(sizes)):
        return column(sizes)
    if len(sizes) + len(edges) > MAX_SUGIYAMA:
        return ranked(sizes, edges)
    Edge, Graph, Vertex, SugiyamaLayout = import_grandalf()

    vertices = {name: Vertex(name) for name in sizes}
    for name, vertex in vertices.items():
        vertex.view = Box(*sizes[name])
    links = []
    for source, target in edges:
        link = Edge(vertices[source], vertices[target])
        link.view = Route()
        links.append((source, target, link))
    graph = Graph(list(vertices.values()), [link for _, _, link in links])
    boxes: dict[str, Box] = {}
    offset = 0.0
    height = 0.0
    for piece in graph.C:
        sugiyama = SugiyamaLayout(piece)
        sugiyama.xspace, sugiyama.yspace = COLUMN_GAP, RANK_GAP
        sugiyama.init_all(inverted_edges=[])  # the engine has checked: no cycles
        sugiyama.draw(3)
        views = [vertex.view for vertex in piece.sV]
        left = min(view.xy[0] - view.width / 2 for view in views)
        right = max(view.xy[0] + view.width / 2 for view in views)
        top = min(view.xy[1] - view.height / 2 for view in views)
        for vertex in piece.sV:
            view = vertex.view
            view.xy = (view.xy[0] - left + offset, view.xy[1] - top)
            boxes[vertex.data] = view
            height = max(height, view.xy[1] + view.height / 2)
        for edge in piece.sE:
            edge.view.points = [(x - left + offset, y - top) for x, y in edge.view.points]
        offset += right - left + COLUMN_GAP
    routes = [(source, target, link.view.points) for source, target, link in links]
    return Layout(boxes, routes, max(offset - COLUMN_GAP, 0.0), height)


def edge_path(points: list[Point], start: Box, end: Box) -> str:
    """A smooth curve from the bottom of ``start`` through the dummy points to ``end``'s top.

    A merge's inputs all arrive at its top centre: spreading them in the order the merge takes
    them would cross wherever the layout put the branches in another order (the edge's
    tooltip says which input it is)."""
    first = (start.xy[0], start.xy[1] + start.height / 2)
    last = (end.xy[0], end.xy[1] - end.height / 2 - 3)  # room for the arrowhead
    via = [first, *points[1:-1], last]
    path = f"M{via[0][0]:.1f},{via[0][1]:.1f}"
    for (x0, y0), (x1, y1) in pairwise(via):
        bend = (y1 - y0) / 2
        path += f" C{x0:.1f},{y0 + bend:.1f} {x1:.1f},{y1 - bend:.1f} {x1:.1f},{y1:.1f}"
    return path


class GraphDrawing:
    """Nodes and edges of one level of rows (nested models recursively), as SVG elements."""

    def __init__(self, costs: bool) -> None:
        self.costs = costs
        self.families: list[str] = []

    def use(self, kind: str) -> None:
        """Remember a family for the legend, in the order the drawing meets them."""
        if kind not in self.families:
            self.families.append(kind)

    def node_size(self, lines: list[str]) -> tuple[float, float]:
        width = max(text_width(line, FONT_SIZE) for line in lines) + 2 * PADDING
        return width, len(lines) * LINE_HEIGHT + PADDING

    def lay_out(self, level: Level) -> tuple[Layout, dict[str, Layout]]:
        """The layout of this level, and each nested model's own layout (drawn in its frame)."""
        inner: dict[str, Layout] = {}
        sizes: dict[str, tuple[float, float]] = {}
        for name, shape in implicit_inputs(*level).items():
            sizes[name] = self.node_size([name, f"Input · {compact_shape(shape)}"])
        for row in level[0]:
            width, height = self.node_size(node_lines(row, self.costs))
            if row.nested:
                inner[row.name] = self.lay_out(inside(row))[0]
                width = max(width, inner[row.name].width + 2 * PADDING)
                height = frame_header(row, self.costs) + inner[row.name].height + PADDING
            sizes[row.name] = (width, height)
        edges = [(source, row.name) for row in level[0] for source in row.inputs]
        return place(sizes, edges), inner

    def draw(self, level: Level, parent: str | None = None) -> tuple[list[str], Layout]:
        layout, inner = self.lay_out(level)
        return self.elements(level, layout, inner, parent), layout

    def elements(
        self, level: Level, layout: Layout, inner: Mapping[str, Layout], parent: str | None
    ) -> list[str]:
        scope = f' data-parent="{attr(parent)}"' if parent is not None else ""
        parts = []
        slots = Counter(target for _, target, _ in layout.routes)
        arrived: Counter[str] = Counter()
        for source, target, points in layout.routes:
            slot = arrived[target]
            arrived[target] += 1
            path = edge_path(points, layout.boxes[source], layout.boxes[target])
            order = f" (input {slot + 1} of {slots[target]})" if slots[target] > 1 else ""
            parts.append(
                f'<path class="edge" data-from="{attr(source)}" data-to="{attr(target)}"{scope} '
                f'd="{path}" fill="none" stroke="#555" stroke-width="1.2" '
                f'marker-end="url(#arrow)"><title>{attr(source)} → {attr(target)}{order}</title>'
                "</path>"
            )
        for name, shape in implicit_inputs(*level).items():
            lines = [name, f"Input · {compact_shape(shape)}"]
            tip = f"{name}: the declared input {compact_shape(shape)}"
            parts.append(self.node(name, "input", lines, tip, layout.boxes[name], scope))
        for row in level[0]:
            box = layout.boxes[row.name]
            if row.name in inner:
                parts.append(self.frame(row, box, inner[row.name], scope))
                continue
            lines = node_lines(row, self.costs)
            parts.append(self.node(row.name, family(row.type), lines, tooltip(row), box, scope))
        return parts

    def node(self, name: str, kind: str, lines: list[str], tip: str, box: Box, scope: str) -> str:
        self.use(kind)
        left, top = box.xy[0] - box.width / 2, box.xy[1] - box.height / 2
        text = label(lines, left, top)
        return (
            f'<g class="layer" data-layer="{attr(name)}" data-family="{kind}"{scope}>'
            f"<title>{attr(tip)}</title>"
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{box.width:.1f}" '
            f'height="{box.height:.1f}" rx="5" fill="{FAMILY_COLOURS[kind]}" '
            f'stroke="#333" stroke-width="0.8"/>{text}</g>'
        )

    def frame(self, row: LayerRow, box: Box, inner: Layout, scope: str) -> str:
        """A nested model: a framed group with its header and its own drawing inside."""
        self.use("model")
        left, top = box.xy[0] - box.width / 2, box.xy[1] - box.height / 2
        text = label(node_lines(row, self.costs), left, top)
        drawn, _ = self.draw(inside(row), parent=row.name)
        dx, dy = left + (box.width - inner.width) / 2, top + frame_header(row, self.costs)
        return (
            f'<g class="layer nested" data-layer="{attr(row.name)}" data-family="model"{scope}>'
            f"<title>{attr(tooltip(row))}</title>"
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{box.width:.1f}" '
            f'height="{box.height:.1f}" rx="8" fill="#faf6f0" stroke="#8a6d3b" '
            f'stroke-width="1.2" stroke-dasharray="6 3"/>{text}'
            f'<g transform="translate({dx:.1f},{dy:.1f})">{"".join(drawn)}</g></g>'
        )


def inside(row: LayerRow) -> Level:
    """A nested model's own rows; what they read from outside arrives as its first input."""
    return row.nested, row.input_shapes[0] if row.input_shapes else None


def frame_header(row: LayerRow, costs: bool) -> float:
    """The height of a nested model's heading, above its own drawing."""
    return len(node_lines(row, costs)) * LINE_HEIGHT + PADDING


def label(lines: list[str], left: float, top: float) -> str:
    """A node's text lines, the first (its name) in bold."""
    return "".join(
        f'<text x="{left + PADDING:.1f}" y="{top + PADDING / 2 + (i + 0.8) * LINE_HEIGHT:.1f}"'
        + ("" if i else BOLD)
        + f">{attr(line)}</text>"
        for i, line in enumerate(lines)
    )


def implicit_inputs(rows: Sequence[LayerRow], input_shape: Shape | None) -> dict[str, Shape]:
    """Sources that are not rows: the input ``input_shape`` declares (named 'input')."""
    names = {row.name for row in rows}
    sources = {source for row in rows for source in row.inputs} - names
    shape = input_shape or ()
    return {source: tuple(shape) for source in sorted(sources)}


ARROW = (
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
    'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/>'
    "</marker></defs>"
)


def graph_svg_parts(analysis: Analysis, costs: bool) -> tuple[list[str], float, float]:
    """The graph drawing with its title and legend: SVG elements, width, height."""
    drawing = GraphDrawing(costs)
    parts, layout = drawing.draw((analysis.layers, analysis.input_shape))
    top = MARGIN + 2 * 20 + 14
    totals = title_lines(analysis)[1]
    width = max(layout.width, legend_width(drawing.families), text_width(totals, 12))
    body = [
        ARROW,
        heading(analysis, drawing.families, MARGIN),
        f'<g class="graph" transform="translate({MARGIN + (width - layout.width) / 2:.1f},'
        f'{top + 10:.1f})" font-size="{FONT_SIZE}">{"".join(parts)}</g>',
    ]
    return body, width + 2 * MARGIN, top + 10 + layout.height + MARGIN
