"""Zero-padding, cropping and up-sampling: sizes change per axis, no parameters."""

from typing import Any, ClassVar, Literal, Union

from pydantic import field_validator

from ..errors import LayerError
from ..formulas import num
from .base import (
    NonNegativeInt,
    OneInput,
    Outcome,
    PerAxis,
    PositiveInt,
    Shape,
    Spatial,
    shape_text,
)

Edges = Union[NonNegativeInt, list[NonNegativeInt | list[NonNegativeInt]]]
"""An int for every side, one int per axis, or per-axis [before, after] pairs (1-D: a pair)."""


def edge_pairs(value: Any, rank: int) -> list[tuple[int, int]]:
    """Keras's padding/cropping argument as one (before, after) pair per axis."""
    if isinstance(value, int):
        return [(value, value)] * rank
    if rank == 1 and all(isinstance(v, int) for v in value):
        return [(value[0], value[1])]
    return [(v, v) if isinstance(v, int) else (v[0], v[1]) for v in value]


def check_edges(value: Any, rank: int) -> Any:
    """Validate the shape of a padding/cropping argument (a ValueError for pydantic)."""
    if isinstance(value, int):
        return value
    if rank == 1:
        if len(value) != 2 or not all(isinstance(v, int) for v in value):
            raise ValueError("a 1-D layer takes one int or a pair [before, after]")
        return value
    if len(value) != rank:
        raise ValueError(f"needs one int, {rank} ints, or {rank} [before, after] pairs")
    for v in value:
        if isinstance(v, list) and len(v) != 2:
            raise ValueError(f"a pair is [before, after], got {v}")
    return value


class Edged(Spatial):
    """Adds or removes rows at the edges of every spatial axis."""

    sign: ClassVar[int] = 1
    positions = "edges"

    edges_argument: ClassVar[str]
    """The Keras argument holding the edges: 'padding' or 'cropping'."""

    @field_validator("padding", "cropping", check_fields=False)
    @classmethod
    def _valid_edges(cls, value: Any) -> Any:
        return check_edges(value, cls.rank)

    def edges(self) -> list[tuple[int, int]]:
        return edge_pairs(getattr(self, self.edges_argument), self.rank)

    def edges_of(self, shape: Shape) -> list[tuple[int, int]]:
        """(before, after) per axis for this input (the receptive-field tracer asks)."""
        return self.edges()

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split(shape)
        out: list[int | None] = []
        working = []
        op = "+" if self.sign > 0 else "−"
        for axis, size, (before, after) in zip(self.axis_names, spatial, self.edges()):
            value = None if size is None else size + self.sign * (before + after)
            line = f"output_{axis} = {num(size)} {op} {before} {op} {after} = {num(value)}"
            if value is not None and value < 1:
                raise LayerError(f"cropping leaves nothing: {line}")
            out.append(value)
            working.append(line)
        working.append("params = 0")
        return Outcome(self.join(tuple(out), depth), working=tuple(working))


class ZeroPadding(Edged):
    summary = "per axis W + before + after; no params"

    edges_argument = "padding"
    padding: Edges = 1


class ZeroPadding1D(ZeroPadding):
    type: Literal["ZeroPadding1D"] = "ZeroPadding1D"
    rank = 1


class ZeroPadding2D(ZeroPadding):
    type: Literal["ZeroPadding2D"] = "ZeroPadding2D"
    rank = 2


class ZeroPadding3D(ZeroPadding):
    type: Literal["ZeroPadding3D"] = "ZeroPadding3D"
    rank = 3


class Cropping(Edged):
    summary = "per axis W − before − after; no params"

    sign: ClassVar[int] = -1
    edges_argument = "cropping"
    cropping: Edges = 0


class Cropping1D(Cropping):
    type: Literal["Cropping1D"] = "Cropping1D"
    rank = 1
    takes_data_format = False
    cropping: Edges = 1


class Cropping2D(Cropping):
    type: Literal["Cropping2D"] = "Cropping2D"
    rank = 2


class Cropping3D(Cropping):
    type: Literal["Cropping3D"] = "Cropping3D"
    rank = 3
    cropping: Edges = 1


class UpSampling(Spatial):
    """Repeats every row size times along each spatial axis."""

    summary = "per axis W·size; no params"
    positions = "upsampling"

    size: PerAxis = 2

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split(shape)
        out = []
        working = []
        for axis, n, factor in zip(self.axis_names, spatial, self.per_axis(self.size)):
            value = None if n is None else n * factor
            out.append(value)
            working.append(f"output_{axis} = {num(n)}·{factor} = {num(value)}")
        working.append("params = 0")
        return Outcome(self.join(tuple(out), depth), working=tuple(working))


class UpSampling1D(UpSampling):
    type: Literal["UpSampling1D"] = "UpSampling1D"
    rank = 1
    takes_data_format = False
    size: PositiveInt = 2  # Keras takes one int here, not a list


class UpSampling2D(UpSampling):
    type: Literal["UpSampling2D"] = "UpSampling2D"
    rank = 2


class UpSampling3D(UpSampling):
    type: Literal["UpSampling3D"] = "UpSampling3D"
    rank = 3


class Permute(OneInput):
    """Reorders the axes; dims counts from 1 (the batch axis stays first)."""

    summary = "the axes in the order of dims (from 1); no params"

    type: Literal["Permute"] = "Permute"
    positions = "mixed"
    dims: list[PositiveInt]

    def apply(self, shape: Shape) -> Outcome:
        if sorted(self.dims) != list(range(1, len(shape) + 1)):
            raise LayerError(
                f"dims {self.dims} must order the axes 1…{len(shape)} of {shape_text(shape)}"
            )
        out = tuple(shape[d - 1] for d in self.dims)
        return Outcome(out, working=(f"axes {self.dims} → {shape_text(out)}; params = 0",))


class RepeatVector(OneInput):
    """Repeats a vector n times: (F,) → (n, F)."""

    summary = "(F,) → (n, F); no params"

    type: Literal["RepeatVector"] = "RepeatVector"
    positions = "mixed"
    n: PositiveInt

    def apply(self, shape: Shape) -> Outcome:
        self.expect_rank(shape, 1, "(batch, features)")
        out = (self.n, *shape)
        return Outcome(out, working=(f"output = (n, features) = {shape_text(out)}; params = 0",))
