"""Inputs, Dense, reshaping of the whole tensor, and the layers that keep the shape."""

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..errors import LayerError
from ..formulas import count, num, product, product_text
from .base import (
    MAX_RANK,
    MAX_SIZE,
    Axes,
    DeclaredShape,
    Layer,
    OneInput,
    Outcome,
    PositiveInt,
    Shape,
    Spatial,
    elementwise,
    last_axis,
    shape_text,
)


class InputLayer(Layer):
    """A declared input (for specs with several inputs); Keras's `shape` excludes the batch."""

    summary = "the declared shape"

    type: Literal["InputLayer"] = "InputLayer"
    positions = "input"
    shape: DeclaredShape | None = None
    batch_size: PositiveInt | None = Field(
        default=None, description="A fixed batch size, shown first in every shape."
    )
    batch_shape: DeclaredShape | None = None
    batch_input_shape: DeclaredShape | None = Field(
        default=None, description="Keras 2's name for batch_shape."
    )

    @model_validator(mode="after")
    def _one_shape(self) -> Any:
        if self.shape is None and self.batch_shape is None and self.batch_input_shape is None:
            raise ValueError("an InputLayer needs its `shape` (without the batch dimension)")
        declared = (self.batch_shape or self.batch_input_shape or [None])[0]
        if None not in (declared, self.batch_size) and declared != self.batch_size:
            raise ValueError(
                f"batch_size {self.batch_size} disagrees with the batch {declared} of its "
                "batch_shape; give one of them"
            )
        return self

    @property
    def input_shape(self) -> Shape:
        if self.shape is not None:
            return tuple(self.shape)
        return tuple((self.batch_shape or self.batch_input_shape or [])[1:])

    @property
    def batch(self) -> int | None:
        """The fixed batch size it declares, if any (Keras: None, any batch)."""
        return self.batch_size or (self.batch_shape or self.batch_input_shape or [None])[0]

    def compute(self, inputs: list[Shape]) -> Outcome:
        if inputs:
            raise LayerError("an InputLayer reads no other layer; remove its `inputs`")
        return Outcome(
            self.input_shape, working=(f"output = the declared shape {self.input_shape}",)
        )


class Dense(OneInput):
    """Applies to the last axis of an input of any rank."""

    summary = "the last axis becomes units; params (inputs + 1)·units"

    def reads_positions(self, inputs: list[Shape]) -> str:
        """On the channel axis of a feature map each position keeps its own features."""
        return "own" if len(inputs[0]) > 1 else "mixed"

    type: Literal["Dense"] = "Dense"
    units: PositiveInt
    use_bias: bool = True

    def apply(self, shape: Shape) -> Outcome:
        if not shape:
            raise LayerError("Dense needs an input with at least one axis besides the batch")
        n_in = shape[-1]
        if n_in is None:
            raise LayerError(f"the last axis of {shape_text(shape)} must be known to count weights")
        working = [f"output: the last axis {n_in} becomes units = {self.units}"]
        if self.use_bias:
            params = (n_in + 1) * self.units
            working.append(f"params = ({n_in} + 1)·{self.units} = {num(params)}")
        else:
            params = n_in * self.units
            working.append(f"params = {n_in}·{self.units} = {num(params)}  (no bias)")
        out = (*shape[:-1], self.units)
        macs = count("macs", [[out, (n_in,)]])
        return Outcome(out, params, working=tuple(working)).costing(
            macs, self.output_ops(out, self.use_bias)
        )


class Flatten(OneInput):
    summary = "the product of all axes; no params"

    type: Literal["Flatten"] = "Flatten"
    positions = "mixed"
    data_format: Literal["channels_last", "channels_first"] | None = None

    def apply(self, shape: Shape) -> Outcome:
        size = product(shape)
        return Outcome((size,), working=(f"output = {product_text(shape) or '1'} = {num(size)}",))


class Reshape(OneInput):
    summary = "target_shape (one -1 is inferred); the total must not change"

    type: Literal["Reshape"] = "Reshape"
    positions = "mixed"
    target_shape: Annotated[
        list[Annotated[int, Field(ge=-1, le=MAX_SIZE, strict=True)]], Field(max_length=MAX_RANK)
    ]

    @model_validator(mode="after")
    def _at_most_one_unknown(self) -> Any:
        if self.target_shape.count(-1) > 1:
            raise ValueError("target_shape may hold at most one -1")
        if 0 in self.target_shape:
            raise ValueError("target_shape sizes must be positive (or one -1)")
        return self

    def apply(self, shape: Shape) -> Outcome:
        size = product(shape)
        target = list(self.target_shape)
        known = product([t for t in target if t != -1])
        if size is None:
            out = tuple(None if t == -1 else t for t in target)
            return Outcome(out, working=("the input size is unknown",))
        assert known is not None
        if -1 in target:
            if size % known:
                raise LayerError(
                    f"cannot reshape {product_text(shape)} = {size} values into {tuple(target)}: "
                    f"{size} is not a multiple of {known}"
                )
            target[target.index(-1)] = size // known
        elif known != size:
            raise LayerError(
                f"cannot reshape {product_text(shape)} = {size} values into {tuple(target)}: "
                f"{product_text(tuple(target))} = {known}"
            )
        line = f"output = {tuple(target)}: {product_text(tuple(target))} = {size} values"
        return Outcome(tuple(target), working=(line,))


SAME_SHAPE = "output shape = input shape; params = 0"


class SameShape(OneInput):
    """A layer whose output has its input's shape and which has no weights."""

    summary = "output = input; no params"
    positions = "own"
    ops_per_element: ClassVar[int] = 0
    """Elementwise operations at inference (Dropout does nothing then)."""

    def apply(self, shape: Shape) -> Outcome:
        outcome = Outcome(shape, working=(SAME_SHAPE,))
        per_element, note = self.operations()
        if not per_element:
            return outcome
        return outcome.costing(ops=elementwise(shape, per_element, note))

    def operations(self) -> tuple[int, str]:
        """Operations per element and what they are."""
        return self.ops_per_element, self.type


class Dropout(SameShape):
    type: Literal["Dropout"] = "Dropout"
    rate: Annotated[float, Field(ge=0, le=1)]


class SpatialDropout(Spatial):
    """Drops whole feature maps; checks the input has the spatial axes it expects."""

    summary = "output = input; no params"
    positions = "own"

    rate: Annotated[float, Field(ge=0, le=1)]

    def apply(self, shape: Shape) -> Outcome:
        self.split(shape)
        return Outcome(shape, working=(SAME_SHAPE,))


class SpatialDropout1D(SpatialDropout):
    type: Literal["SpatialDropout1D"] = "SpatialDropout1D"
    rank = 1
    takes_data_format = False


class SpatialDropout2D(SpatialDropout):
    type: Literal["SpatialDropout2D"] = "SpatialDropout2D"
    rank = 2


class SpatialDropout3D(SpatialDropout):
    type: Literal["SpatialDropout3D"] = "SpatialDropout3D"
    rank = 3


class Activation(SameShape):
    type: Literal["Activation"] = "Activation"
    activation: Any = "linear"

    def operations(self) -> tuple[int, str]:
        linear = self.activation in (None, "linear")
        return (0 if linear else 1), str(self.activation)


class ReLU(SameShape):
    type: Literal["ReLU"] = "ReLU"
    ops_per_element = 1


class LeakyReLU(SameShape):
    type: Literal["LeakyReLU"] = "LeakyReLU"
    ops_per_element = 1


class Softmax(SameShape):
    type: Literal["Softmax"] = "Softmax"
    axis: Axes = -1
    ops_per_element = 1

    def reads_positions(self, inputs: list[Shape]) -> str:
        return "own" if last_axis(self.axis, inputs[0]) else "mixed"


class Rescaling(SameShape):
    type: Literal["Rescaling"] = "Rescaling"
    scale: float | list[float] = 1.0
    offset: float | list[float] = 0.0
    ops_per_element = 2

    def operations(self) -> tuple[int, str]:
        return self.ops_per_element, "scale and offset"


class Identity(SameShape):
    maps_values = True
    type: Literal["Identity"] = "Identity"


class Masking(SameShape):
    type: Literal["Masking"] = "Masking"
