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
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Union

from ..formulas import num, same_padding_split
from ..layers.base import AXIS_NAMES, Layer, Padded, Shape, Spatial

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


Traced = tuple[ReceptiveField | None, tuple[str, ...]]
"""A field (None: the whole input) and the lines that derive it."""

WHOLE_INPUT = "receptive field = the whole input"


def trace(
    layer: Layer,
    fields: list[ReceptiveField | None],
    inputs: list[Shape],
    output: Shape,
) -> Traced:
    """The receptive field of a layer's output, from its inputs' fields."""
    positions = layer.reads_positions(inputs)  # an InputLayer (no inputs) reads none
    if positions == "input":
        field = ReceptiveField.of_input(output)
        return field, (() if field is None else ("receptive field: an input feature sees itself",))
    if positions == "merge":
        return merge(fields)
    if positions == "untraced":
        return None, (f"{WHOLE_INPUT}  ({layer.type} is not traced inside: assumed)",)
    if positions == "mixed" or len(fields) != 1:
        return None, (f"{WHOLE_INPUT}  ({layer.type} mixes every position)",)
    field = fields[0]
    if field is None:
        return None, (f"{WHOLE_INPUT}  (an earlier layer mixed every position)",)
    if positions == "own":
        return field, (f"receptive field unchanged: {field.text}",)
    assert isinstance(layer, Spatial)
    if layer.rank != field.rank:
        return None, (f"{WHOLE_INPUT}  ({layer.rank} spatial axes after a reshape)",)
    return advance(layer, field, windows(layer, positions, inputs[0], output))


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


def advance(layer: Spatial, field: ReceptiveField, windows: list[Window]) -> Traced:
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


def merge(fields: list[ReceptiveField | None]) -> Traced:
    """Aligned paths (equal S) keep their union; otherwise the largest, with a note."""
    if any(f is None for f in fields):
        return None, (f"{WHOLE_INPUT}  (a path into this merge sees the whole input)",)
    known = [f for f in fields if f is not None]
    ranks = {f.rank for f in known}
    if len(ranks) > 1:
        return None, (f"{WHOLE_INPUT}  (the paths differ in spatial rank)",)
    (rank,) = ranks
    sizes, strides, paddings, lines = [], [], [], []
    for axis, name in enumerate(AXIS_NAMES[rank]):
        paths = [(f.size[axis], f.stride[axis], f.padding[axis]) for f in known]
        r, S, P, working = union(paths)
        sizes.append(r)
        strides.append(S)
        paddings.append(P)
        lines.append(f"receptive_field_{name}: {working}")
    return ReceptiveField(tuple(sizes), tuple(strides), tuple(paddings)), tuple(lines)


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
