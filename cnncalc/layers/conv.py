"""Convolutions: the lecture's two formulas, applied per spatial axis.

output_width = ⌊(input_width + 2·padding − kernel)/stride⌋ + 1
params       = (kernel·kernel·input_depth + 1)·filters
"""

import math
from typing import Any, Literal

from pydantic import model_validator

from ..errors import LayerError
from ..formulas import Step, count, num, product_text, transpose_output
from .base import (
    NonNegativeInt,
    Outcome,
    Padded,
    PerAxis,
    PositiveInt,
    Shape,
)


class Windowed(Padded):
    """A layer that slides a kernel: shared by every convolution."""

    window_name = "kernel"

    kernel_size: PerAxis
    strides: PerAxis = 1
    dilation_rate: PerAxis = 1

    @model_validator(mode="after")
    def _keras_restrictions(self) -> Any:
        if max(self.per_axis(self.strides)) > 1 and max(self.per_axis(self.dilation_rate)) > 1:
            raise ValueError(
                "strides > 1 cannot be combined with dilation_rate > 1 (Keras refuses it)"
            )
        return self

    def window(self) -> tuple[int, ...]:
        return self.kernel

    def dilations(self) -> tuple[int, ...]:
        return self.per_axis(self.dilation_rate)

    @property
    def kernel(self) -> tuple[int, ...]:
        return self.per_axis(self.kernel_size)

    def split_known(self, shape: Shape) -> tuple[Shape, int]:
        """(spatial sizes, input depth); the depth must be known to count weights."""
        spatial, depth = self.split(shape)
        if depth is None:
            raise LayerError("the input depth (channels) must be known to count parameters")
        return spatial, depth

    def outcome(
        self, steps: list[Step], depth: int, params: int, lines: list[str], macs: Step
    ) -> Outcome:
        """The output shape from the per-axis steps, with their working first, and its costs."""
        working = (*(step.line for step in steps), f"output_depth = {lines[0]}", *lines[1:])
        shape = self.join(sizes(steps), depth)
        ops = self.output_ops(shape, getattr(self, "use_bias", False))
        return Outcome(shape, params, 0, working).costing(macs, ops)


def sizes(steps: list[Step]) -> Shape:
    """The sizes the per-axis steps computed."""
    return tuple(step.value for step in steps)


class Conv(Windowed):
    summary = "per axis ⌊(W + 2p − k)/s⌋ + 1 (same: ⌈W/s⌉); params (k·k·d/g + 1)·n"

    filters: PositiveInt
    groups: PositiveInt = 1
    use_bias: bool = True

    @model_validator(mode="after")
    def _filters_split_into_groups(self) -> Any:
        if self.filters % self.groups:
            raise ValueError(
                f"filters ({self.filters}) must divide evenly into groups ({self.groups})"
            )
        return self

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split_known(shape)
        if depth % self.groups:
            raise LayerError(
                f"the input depth {depth} does not divide into groups={self.groups}: "
                f"{depth}/{self.groups} = {depth / self.groups:g}"
            )
        per_group = depth // self.groups
        lines = [f"filters = {self.filters}"]
        if self.groups > 1:
            lines.append(f"input_depth per group = {depth}/{self.groups} = {per_group}")
        params, line = conv_params(self.kernel, per_group, self.filters, self.use_bias)
        steps = self.slide(spatial)
        macs = count("macs", [[(*sizes(steps), self.filters), (*self.kernel, per_group)]])
        return self.outcome(steps, self.filters, params, [*lines, line], macs)


def conv_params(
    kernel: tuple[int, ...], depth: int, filters: int, use_bias: bool
) -> tuple[int, str]:
    """(k·k·d + 1)·n, the lecture's parameter formula, or k·k·d·n without a bias."""
    weights, k = math.prod(kernel) * depth, product_text(kernel)
    if use_bias:
        params = (weights + 1) * filters
        return params, f"params = ({k}·{depth} + 1)·{filters} = {num(params)}"
    params = weights * filters
    return params, f"params = {k}·{depth}·{filters} = {num(params)}  (no bias)"


class Conv1D(Conv):
    type: Literal["Conv1D"] = "Conv1D"
    rank = 1
    allows_causal = True


class Conv2D(Conv):
    type: Literal["Conv2D"] = "Conv2D"
    rank = 2


class Conv3D(Conv):
    type: Literal["Conv3D"] = "Conv3D"
    rank = 3


class ConvTranspose(Windowed):
    """Transposed convolution; explicit padding follows o = s·(i − 1) + a + k − 2p."""

    summary = (
        "per axis (i − 1)·s + max(k, s), i·s (same), or s·(i − 1) + a + k − 2p; "
        "params (k·k·d + 1)·n"
    )
    positions = "transposed"

    filters: PositiveInt
    output_padding: NonNegativeInt | list[NonNegativeInt] | None = None
    use_bias: bool = True

    @model_validator(mode="after")
    def _output_padding_below_stride(self) -> Any:
        if self.output_padding is not None:
            for a, s in zip(self.per_axis(self.output_padding), self.per_axis(self.strides)):
                if a >= s:
                    raise ValueError(
                        f"output_padding ({a}) must be smaller than strides ({s}) on every axis"
                    )
        return self

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split_known(shape)
        output_padding: tuple[int | None, ...] = (
            (None,) * self.rank
            if self.output_padding is None
            else self.per_axis(self.output_padding)
        )
        steps = [
            transpose_output(axis, size, k, s, p, a, d)
            for axis, size, k, s, p, a, d in zip(
                self.axis_names,
                spatial,
                self.kernel,
                self.window_strides(),
                self.paddings(),
                output_padding,
                self.dilations(),
            )
        ]
        for step in steps:
            if step.value is not None and step.value < 1:
                raise LayerError(f"the padding leaves no output: {step.line}")
        params, line = conv_params(self.kernel, depth, self.filters, self.use_bias)
        macs = count(
            "macs",
            [[(*spatial, self.filters), (*self.kernel, depth)]],
            "per input position, as fvcore and the TensorFlow profiler count it",
        )
        lines = [f"filters = {self.filters}", line]
        return self.outcome(steps, self.filters, params, lines, macs)


class Conv1DTranspose(ConvTranspose):
    type: Literal["Conv1DTranspose"] = "Conv1DTranspose"
    rank = 1


class Conv2DTranspose(ConvTranspose):
    type: Literal["Conv2DTranspose"] = "Conv2DTranspose"
    rank = 2


class Conv3DTranspose(ConvTranspose):
    type: Literal["Conv3DTranspose"] = "Conv3DTranspose"
    rank = 3


class DepthwiseConv(Windowed):
    """One k×k filter per input channel (times depth_multiplier): no mixing across depth."""

    summary = "per axis as a convolution; depth d·m; params (k·k + 1)·d·m"

    depth_multiplier: PositiveInt = 1
    use_bias: bool = True

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split_known(shape)
        m, out_depth = self.depth_multiplier, depth * self.depth_multiplier
        k = product_text(self.kernel)
        if self.use_bias:
            params = (math.prod(self.kernel) + 1) * out_depth
            line = f"params = ({k} + 1)·{depth}·{m} = {num(params)}"
        else:
            params = math.prod(self.kernel) * out_depth
            line = f"params = {k}·{depth}·{m} = {num(params)}  (no bias)"
        lines = [f"input_depth·depth_multiplier = {depth}·{m} = {out_depth}", line]
        steps = self.slide(spatial)
        macs = count("macs", [[(*sizes(steps), out_depth), self.kernel]])
        return self.outcome(steps, out_depth, params, lines, macs)


class DepthwiseConv1D(DepthwiseConv):
    type: Literal["DepthwiseConv1D"] = "DepthwiseConv1D"
    rank = 1


class DepthwiseConv2D(DepthwiseConv):
    type: Literal["DepthwiseConv2D"] = "DepthwiseConv2D"
    rank = 2


class SeparableConv(Windowed):
    """A depthwise convolution followed by a 1×1 (pointwise) one; the bias is pointwise."""

    summary = "per axis as a convolution; params k·k·d·m + (d·m + 1)·n"

    filters: PositiveInt
    depth_multiplier: PositiveInt = 1
    use_bias: bool = True

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split_known(shape)
        m, n, k = self.depth_multiplier, self.filters, product_text(self.kernel)
        depthwise = math.prod(self.kernel) * depth * m
        pointwise = (depth * m + (1 if self.use_bias else 0)) * n
        bias = " + 1" if self.use_bias else ""
        line = (
            f"params = {k}·{depth}·{m} + ({depth}·{m}{bias})·{n} = "
            f"{num(depthwise)} + {num(pointwise)} = {num(depthwise + pointwise)}"
        )
        steps = self.slide(spatial)
        out = sizes(steps)
        macs = count("macs", [[(*out, depth * m), self.kernel], [(*out, n), (depth * m,)]])
        return self.outcome(steps, n, depthwise + pointwise, [f"filters = {n}", line], macs)


class SeparableConv1D(SeparableConv):
    type: Literal["SeparableConv1D"] = "SeparableConv1D"
    rank = 1


class SeparableConv2D(SeparableConv):
    type: Literal["SeparableConv2D"] = "SeparableConv2D"
    rank = 2
