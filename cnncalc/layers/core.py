"""Inputs, Dense, reshaping of the whole tensor, and the layers that keep the shape."""

import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..errors import LayerError
from ..formulas import Step, count, num, product, product_text
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
    type: Literal["Identity"] = "Identity"


class Masking(SameShape):
    type: Literal["Masking"] = "Masking"


class ActivityRegularization(SameShape):
    type: Literal["ActivityRegularization"] = "ActivityRegularization"


class GaussianNoise(SameShape):
    type: Literal["GaussianNoise"] = "GaussianNoise"


class GaussianDropout(SameShape):
    type: Literal["GaussianDropout"] = "GaussianDropout"
    rate: Annotated[float, Field(ge=0, le=1)]


class AlphaDropout(SameShape):
    type: Literal["AlphaDropout"] = "AlphaDropout"
    rate: Annotated[float, Field(ge=0, le=1)]


class Embedding(OneInput):
    """A lookup table: one output_dim vector per token id; its input_length (Keras 2) is
    accepted and ignored, the input shape says it."""

    summary = "(…) → (…, output_dim); params input_dim·output_dim"
    positions = "own"  # each token's vector comes from that token alone

    type: Literal["Embedding"] = "Embedding"
    input_dim: PositiveInt
    output_dim: PositiveInt
    input_dtype = "int32"

    def table(self) -> tuple[int, str]:
        params = self.input_dim * self.output_dim
        return params, f"params = input_dim·output_dim = {self.input_dim}·{self.output_dim}"

    def apply(self, shape: Shape) -> Outcome:
        params, line = self.table()
        out = (*shape, self.output_dim)
        working = (f"output: each token id → {self.output_dim} values", f"{line} = {num(params)}")
        lookup = Step(0, "macs", "0  (a lookup: each id selects a row, nothing is multiplied)")
        return Outcome(out, params, 0, working).costing(lookup)


class ReversibleEmbedding(Embedding):
    """An Embedding whose table also maps back to logits; untied, it has a second table."""

    summary = "(…) → (…, output_dim); params input_dim·output_dim, twice untied"

    type: Literal["ReversibleEmbedding"] = "ReversibleEmbedding"
    passed_arguments = frozenset({"reverse_dtype", "logit_soft_cap"})
    tie_weights: bool = True

    def table(self) -> tuple[int, str]:
        params, line = super().table()
        if self.tie_weights:
            return params, line
        return 2 * params, f"params = 2·input_dim·output_dim = 2·{self.input_dim}·{self.output_dim}"


class EinsumDense(OneInput):
    """Dense with an einsum equation: the kernel's axes are named by its middle term and sized
    from the input (letters it shares) or output_shape (letters of the output)."""

    summary = "output_shape (with the batch and elided axes); params = kernel + bias axes"

    type: Literal["EinsumDense"] = "EinsumDense"
    positions = "mixed"
    """Its equation may sum over any axis; which positions stay apart is not traced."""
    equation: str
    output_shape: PositiveInt | DeclaredShape | None
    bias_axes: str | None = None

    def apply(self, shape: Shape) -> Outcome:
        full = (None, *shape)
        match = re.fullmatch(
            r"(\.\.\.)?([a-zA-Z]+),([a-zA-Z]+)->(\.\.\.)?([a-zA-Z]+)", self.equation
        )
        if not match or bool(match.group(1)) != bool(match.group(4)):
            raise LayerError(
                f"the equation '{self.equation}' is not of the forms 'ab,bc->ac' or '...b,bc->...c'"
            )
        left, in_spec, w_spec, _, out_spec = match.groups()
        elided = len(full) - len(in_spec)
        if elided < 0 or (elided and not left):
            raise LayerError(f"'{in_spec}' names {len(in_spec)} axes, the input has {len(full)}")
        given = (
            [self.output_shape] if not isinstance(self.output_shape, list) else self.output_shape
        )
        # Keras inserts the elided axes one by one at position 1, so they come out reversed
        out = [None, *reversed(full[1:elided]), *given] if left else [None, *given]
        in_at = {c: elided + i for i, c in enumerate(in_spec)}
        out_at = {c: (elided if left else 0) + i for i, c in enumerate(out_spec)}
        if len(out) != len(out_spec) + (elided if left else 0):
            raise LayerError(f"output_shape {given} does not fit the output '{out_spec}'")
        for c in in_spec:
            if c in out_at and out[out_at[c]] not in (None, full[in_at[c]]):
                raise LayerError(
                    f"axis '{c}' is {full[in_at[c]]} in the input but {out[out_at[c]]} in "
                    "output_shape"
                )
        kernel = tuple(
            out[out_at[c]] if c in out_at else full[in_at[c]] if c in in_at else 0 for c in w_spec
        )
        if 0 in kernel or None in kernel:
            raise LayerError(f"the kernel '{w_spec}' = {kernel} must have every axis known")
        bias: tuple[int | None, ...] = ()
        if self.bias_axes:
            first = min(out_spec.index(c) for c in self.bias_axes)
            bias = tuple(out[out_at[c]] if c in self.bias_axes else 1 for c in out_spec[first:])
        weights = product(kernel) or 0
        biases = (product(bias) or 0) if bias else 0
        reversed_note = " (Keras lists the elided axes reversed)" if left and elided > 2 else ""
        working = (
            f"output = {shape_text(tuple(out[1:]))}{reversed_note}",
            f"kernel '{w_spec}' = {product_text(kernel)} = {num(weights)}",
            f"bias '{self.bias_axes}' = {product_text(bias)} = {num(biases)}"
            if bias
            else "no bias_axes: no bias",
            f"params = {num(weights)} + {num(biases)} = {num(weights + biases)}",
        )
        sizes = {c: full[i] for c, i in in_at.items() if i > 0}
        sizes.update(zip(w_spec, kernel))
        sizes.update({c: out[i] for c, i in out_at.items() if i > 0 and c not in sizes})
        outputs = (*full[1:elided], *(sizes[c] for c in out_spec if c in sizes))
        summed = tuple(sizes[c] for c in dict.fromkeys(in_spec + w_spec) if c not in out_at)
        macs = count("macs", [[outputs, summed]], "output values · the summed axes")
        outcome = Outcome(tuple(out[1:]), weights + biases, 0, working)
        return outcome.costing(macs, self.output_ops(tuple(out[1:]), bool(bias)))
