"""Receptive fields, carried forward through the graph as Araujo, Norris & Sim derive them.

("Computing Receptive Fields of Convolutional Neural Networks", Distill, 2019.) On every
spatial axis a tensor's field is (r, S, P): its feature i sees the input coordinates

    −P + i·S  …  −P + i·S + r − 1

A layer whose window spans k input features, with stride s and left padding p, maps the
field of its input to

    r' = r + (k − 1)·S,    S' = S·s,    P' = P + p·S

Keras's ``same`` padding puts ⌊total/2⌋ zeros before, which depends on the input size: when
that size is unknown, P is too (None). Up-sampling and transposed convolutions have the
fractional stride 1/s of the paper's appendix: their features see the integer coordinates
inside the interval above. Paths that meet in a merge keep their union when they are aligned
(equal S); otherwise the largest field is kept and the misalignment is a note.

Token ids have no channel axis: an Embedding on ids still one to one with an input makes each
of their axes a spatial axis (field 1). A field that is the whole input carries its cause, so
each later line names the layer that mixed or the input that has no spatial axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Union

from ..formulas import num, same_padding_split
from ..layers.base import AXIS_NAMES, IMPLICIT_INPUT, Layer, Padded, Shape, Spatial, shape_text

Number = Union[int, Fraction]


@dataclass(frozen=True)
class ReceptiveField:
    """Size r, effective stride S and effective padding P, one value per spatial axis."""

    size: tuple[Number, ...]
    stride: tuple[Number, ...]
    padding: tuple[Number | None, ...]

    @classmethod
    def of_input(cls, shape: Shape) -> ReceptiveField | None:
        """A feature of the input sees itself; a vector has no spatial axes (None)."""
        rank = len(shape) - 1
        if rank < 1:
            return None
        return cls((1,) * rank, (1,) * rank, (0,) * rank)

    @property
    def rank(self) -> int:
        return len(self.size)

    def region(self, index: tuple[int, ...]) -> list[tuple[Number, Number] | None]:
        """The input interval [first, last] that feature `index` sees, per axis."""
        return [
            None if p is None else (-p + i * s, -p + i * s + r - 1)
            for i, r, s, p in zip(index, self.size, self.stride, self.padding)
        ]

    def to_dict(self) -> dict[str, list[Any]]:
        return {
            "size": [plain(v) for v in self.size],
            "stride": [plain(v) for v in self.stride],
            "padding": [plain(v) for v in self.padding],
        }

    @cached_property
    def text(self) -> str:
        """'212×212 (S 32, P 90)'; per-axis values joined by × when they differ."""

        def axes(values: tuple[Number | None, ...]) -> str:
            if len(set(values)) == 1:
                return num_text(values[0])
            return "×".join(num_text(v) for v in values)

        size = "×".join(num_text(v) for v in self.size)
        return f"{size} (S {axes(self.stride)}, P {axes(self.padding)})"


def plain(value: Number | None) -> int | float | None:
    """A JSON number: an int, or a float for a fractional stride."""
    if value is None or isinstance(value, int) or value.denominator == 1:
        return None if value is None else int(value)
    return float(value)


def num_text(value: Number | None) -> str:
    """'3', '1/2' (a fractional stride), '?' (unknown)."""
    if isinstance(value, Fraction) and value.denominator != 1:
        return f"{value.numerator}/{value.denominator}"
    return num(None if value is None else int(value))


@dataclass(frozen=True)
class Window:
    """One layer's geometry on one axis: span k, stride s, left padding p (None: unknown)."""

    span: Number
    stride: Number
    padding: Number | None


@dataclass(frozen=True)
class Reach:
    """What the tracer carries along each edge of the graph: the field (None: the whole
    input), and when it is the whole input, why (`why`, quoted by the lines of the layers
    after, so that none of them guesses a cause). `ids`: every axis of the tensor, the last
    one too, still holds the input's own values one to one (an input, or token ids looked up
    from one): an Embedding on it turns each of those axes into a spatial axis."""

    field: ReceptiveField | None
    why: str = ""
    ids: bool = False

    @classmethod
    def of_input(cls, name: str, shape: Shape) -> Reach:
        """An input: each feature sees itself; a vector has no spatial axis to see along."""
        field = ReceptiveField.of_input(shape)
        called = "the input" if name == IMPLICIT_INPUT else f"the input '{name}'"
        why = "" if field else f"{called} {shape_text(shape)} has no spatial axis"
        return cls(field, why, ids=True)


Traced = tuple[Reach, tuple[str, ...]]
"""What a layer's output sees, and the lines that derive it."""

WHOLE_INPUT = "receptive field = the whole input"


def whole(why: str, line: str | None = None, ids: bool = False) -> Traced:
    """The whole input, the cause carried on, and the layer's line (the cause by default)."""
    return Reach(None, why, ids), (f"{WHOLE_INPUT}  ({line or why})",)


def trace(
    layer: Layer, name: str, reaches: list[Reach], inputs: list[Shape], output: Shape
) -> Traced:
    """The receptive field of a layer's output, from what its inputs see."""
    positions = layer.reads_positions(inputs)  # an InputLayer (no inputs) reads none
    if positions == "input":
        reach = Reach.of_input(name, output)
        return reach, (
            () if reach.field is None else ("receptive field: an input feature sees itself",)
        )
    if positions == "merge":
        return merge(layer, name, reaches)
    if positions == "ids":
        return looked_up(layer, name, reaches[0], output)
    ids = positions == "own" and layer.maps_values and all(r.ids for r in reaches)
    earlier = next((r.why for r in reaches if r.field is None), None)
    if earlier is not None and all(len(shape) <= 1 for shape in inputs):
        return whole(earlier, ids=ids)  # a vector: no position to keep or to mix, say why
    mixer = f"an earlier layer, '{name}' ({layer.type}),"
    if positions == "untraced":
        return whole(
            earlier or f"{mixer} is not traced inside",
            f"{layer.type} is not traced inside: assumed",
        )
    if positions == "mixed" or len(reaches) != 1:
        return whole(
            earlier or f"{mixer} mixed every position", f"{layer.type} mixes every position"
        )
    field = reaches[0].field
    if field is None:
        return whole(reaches[0].why, ids=ids)
    if positions == "own":
        return Reach(field, ids=ids), (f"receptive field unchanged: {field.text}",)
    assert isinstance(layer, Spatial)
    if layer.rank != field.rank:
        return whole(
            f"{mixer} slid over axes that are not traced",
            f"{layer.type} slides over {layer.rank} spatial axes; its input is traced along "
            f"{field.rank}",
        )
    field, lines = advance(layer, field, windows(layer, positions, inputs[0], output))
    return Reach(field), lines


def looked_up(layer: Layer, name: str, ids: Reach, output: Shape) -> Traced:
    """An Embedding: output position i holds the vector of id i alone. On ids that are still
    an input's own values every axis of the ids is a position, the last one too: field 1."""
    if ids.ids:
        field = ReceptiveField.of_input(output)  # the ids' axes, then the vector's
        if field is None:  # a single id: its vector has no spatial axis either
            return whole(ids.why)
        return Reach(field), (
            f"receptive field: each position's vector is its own id's: {field.text}",
        )
    if ids.field is None:
        return whole(ids.why)
    return whole(
        f"an earlier layer, '{name}' ({layer.type}), looked up channels as positions",
        "the last axis of its ids holds the channels of the layers before, not input positions",
    )


def windows(layer: Spatial, positions: str, shape: Shape, output: Shape) -> list[Window]:
    """The layer's window on each axis, read from its own rule's geometry."""
    if positions == "transposed":
        assert isinstance(layer, Padded)
        return transposed_windows(layer, shape, output)
    if positions == "edges":
        sign = layer.sign
        return [Window(1, 1, sign * before) for before, _ in layer.edges_of(shape)]
    if positions == "upsampling":
        # nearest neighbour: output i reads input ⌊i/u⌋, the one integer in [(i − u + 1)/u, i/u]
        return [
            Window(1 + Fraction(u - 1, u), Fraction(1, u), Fraction(u - 1, u))
            for u in layer.per_axis(layer.size)
        ]
    assert isinstance(layer, Padded)
    spatial, out = layer.split(shape)[0], layer.split(output)[0]
    return [
        Window(span, stride, left_padding(padding, size, size_out, span, stride))
        for span, stride, padding, size, size_out in zip(
            layer.spans(), layer.window_strides(), layer.paddings(), spatial, out
        )
    ]


def left_padding(
    padding: Any, size: int | None, size_out: int | None, span: int, stride: int
) -> int | None:
    """The zeros before the first input feature: Keras's real split for 'same'."""
    if padding == "valid":
        return 0
    if padding == "causal":
        return span - 1
    if padding == "same":
        if size is None or size_out is None:
            return None
        return same_padding_split(size, size_out, span, stride)[0]
    return int(padding[0])


def transposed_windows(layer: Padded, shape: Shape, output: Shape) -> list[Window]:
    """Output y of a transposed convolution gets input x through tap j when
    x·s + j − c = y (c: the zeros cropped before): x lies in [(y + c − k + 1)/s, (y + c)/s]."""
    spatial, out = layer.split(shape)[0], layer.split(output)[0]
    windows = []
    for span, stride, padding, size, size_out in zip(
        layer.spans(), layer.window_strides(), layer.paddings(), spatial, out
    ):
        if padding == "valid":
            cropped: int | None = 0
        elif padding == "same":
            known = size is not None and size_out is not None
            cropped = same_padding_split(size_out, size, span, stride)[0] if known else None
        else:
            cropped = int(padding[0])
        s = Fraction(1, stride)
        left = None if cropped is None else (span - 1 - cropped) * s
        windows.append(Window(1 + (span - 1) * s, s, left))
    return windows


def advance(
    layer: Spatial, field: ReceptiveField, windows: list[Window]
) -> tuple[ReceptiveField, tuple[str, ...]]:
    """r' = r + (k − 1)·S, S' = S·s, P' = P + p·S on every axis, with the working."""
    sizes, strides, paddings, lines = [], [], [], []
    for axis, r, S, P, w in zip(layer.axis_names, field.size, field.stride, field.padding, windows):
        size = r + (w.span - 1) * S
        stride = S * w.stride
        padding = None if P is None or w.padding is None else P + w.padding * S
        sizes.append(size)
        strides.append(stride)
        paddings.append(padding)
        t = num_text
        lines.append(
            f"receptive_field_{axis}: r = {t(r)} + ({t(w.span)} − 1)·{t(S)} = {t(size)}, "
            f"S = {t(S)}·{t(w.stride)} = {t(stride)}, "
            f"P = {t(P)} + {t(w.padding)}·{t(S)} = {t(padding)}"
        )
    return ReceptiveField(tuple(sizes), tuple(strides), tuple(paddings)), tuple(lines)


def merge(layer: Layer, name: str, reaches: list[Reach]) -> Traced:
    """Aligned paths (equal S) keep their union; otherwise the largest, with a note."""
    earlier = next((r.why for r in reaches if r.field is None), None)
    if earlier is not None:
        return whole(earlier)
    known = [r.field for r in reaches if r.field is not None]
    ranks = {f.rank for f in known}
    if len(ranks) > 1:
        return whole(
            f"an earlier layer, '{name}' ({layer.type}), merged paths of different spatial rank",
            "the paths differ in spatial rank",
        )
    (rank,) = ranks
    sizes, strides, paddings, lines = [], [], [], []
    for axis, name in enumerate(AXIS_NAMES[rank]):
        paths = [(f.size[axis], f.stride[axis], f.padding[axis]) for f in known]
        r, S, P, working = union(paths)
        sizes.append(r)
        strides.append(S)
        paddings.append(P)
        lines.append(f"receptive_field_{name}: {working}")
    return Reach(ReceptiveField(tuple(sizes), tuple(strides), tuple(paddings))), tuple(lines)


def union(paths: list[tuple[Number, Number, Number | None]]) -> tuple[Any, Any, Any, str]:
    """One axis of a merge: the union of the paths' intervals when they are aligned, with
    its working: P = max(Pᵢ), r = max(rᵢ − Pᵢ) + P."""
    largest = max(paths, key=lambda path: path[0])
    r, S, P = (num_text(v) for v in largest)
    kept = f"r = {r}, S = {S}, P = {P}"
    strides = {path[1] for path in paths}
    if len(strides) > 1:
        shown = ", ".join(num_text(path[1]) for path in paths)
        return (
            *largest,
            f"{kept}  (misaligned: the paths' strides differ: {shown}; the largest field kept)",
        )
    (stride,) = strides
    if any(path[2] is None for path in paths):
        return (*largest, f"{kept}  (the paths' paddings are unknown; the largest field kept)")
    padding = max(path[2] for path in paths if path[2] is not None)
    end = max(r - p for r, _, p in paths if p is not None)
    pads = ", ".join(num_text(p) for _, _, p in paths)
    reach = ", ".join(f"{num_text(r)} − {num_text(p)}" for r, _, p in paths)
    working = (
        f"P = max({pads}) = {num_text(padding)}, r = max({reach}) + {num_text(padding)} = "
        f"{num_text(end + padding)}, S = {num_text(stride)}"
    )
    centres = {Fraction(r - 1, 2) - p for r, _, p in paths if p is not None}
    note = "the union of aligned paths"
    if len(centres) > 1:
        shown = ", ".join(num_text(c) for c in sorted(centres))
        note = f"the union of paths whose centres differ ({shown}): misaligned"
    return end + padding, stride, padding, f"{working}  ({note})"
