"""Normalization layers: weights per feature, some of them non-trainable statistics."""

from typing import Literal

from ..errors import LayerError
from ..formulas import num, product, product_text
from .base import (
    Axes,
    Axis,
    OneInput,
    Outcome,
    PositiveInt,
    Shape,
    elementwise,
    keras_axis,
    last_axis,
    shape_text,
)


def feature_count(shape: Shape, axis: int | list[int] | None) -> tuple[int, str]:
    """How many features the normalized axes hold, and the line that says so."""
    axes = [] if axis is None else [axis] if isinstance(axis, int) else axis
    sizes = tuple(shape[keras_axis(a, len(shape))] for a in axes)
    features = product(sizes)
    if features is None:
        raise LayerError(f"axis {axis} of {shape_text(shape)} must be known")
    return features, f"features = {product_text(sizes) or '1'} = {features} (axis {axis})"


NORMALIZE_OPS = (
    "subtract the mean, divide by the deviation, scale, shift; computing the statistics is "
    "not counted"
)


class BatchNormalization(OneInput):
    """γ and β are trained; the moving mean and variance are not: 4·C weights, 2·C trainable."""

    summary = "output = input; 4·C params, 2·C non-trainable"
    positions = "own"

    type: Literal["BatchNormalization"] = "BatchNormalization"
    axis: Axes = -1
    center: bool = True
    scale: bool = True

    def apply(self, shape: Shape) -> Outcome:
        features, line = feature_count(shape, self.axis)
        learned = int(self.center) + int(self.scale)
        trainable, statistics = learned * features, 2 * features
        names = " + ".join(n for n, on in (("γ", self.scale), ("β", self.center)) if on) or "none"
        working = (
            line,
            f"trainable ({names}) = {learned}·{features} = {num(trainable)}",
            f"non-trainable (moving mean + moving variance) = 2·{features} = {num(statistics)}",
            f"params = {num(trainable)} + {num(statistics)} = {num(trainable + statistics)}",
        )
        ops = elementwise(shape, 2, "scale and shift; the statistics fold into them at inference")
        return Outcome(shape, trainable + statistics, statistics, working).costing(ops=ops)


class OnLastAxis(OneInput):
    """A normalization whose statistics are over `axis`: on the channels each position keeps
    its own field, over spatial axes every position is mixed."""

    axis: Axes = -1

    def reads_positions(self, inputs: list[Shape]) -> str:
        return "own" if last_axis(self.axis, inputs[0]) else "mixed"


class LayerNormalization(OnLastAxis):
    """γ and β over the normalized axes (their product of sizes each)."""

    summary = "output = input; 2·C params over the normalized axes"

    type: Literal["LayerNormalization"] = "LayerNormalization"
    center: bool = True
    scale: bool = True
    rms_scaling: bool = False

    def apply(self, shape: Shape) -> Outcome:
        features, line = feature_count(shape, self.axis)
        gamma = self.scale or self.rms_scaling
        beta = self.center and not self.rms_scaling
        learned = int(gamma) + int(beta)
        params = learned * features
        working = (
            line,
            f"params (γ, β) = {learned}·{features} = {num(params)}",
        )
        ops = elementwise(shape, 4, NORMALIZE_OPS)
        return Outcome(shape, params, 0, working).costing(ops=ops)


class GroupNormalization(OneInput):
    """Normalizes groups of channels; γ and β per channel, the channels split into groups."""

    summary = "output = input; 2·C params (γ, β); C must divide into groups"

    type: Literal["GroupNormalization"] = "GroupNormalization"
    positions = "mixed"  # a group's statistics are over every spatial position
    groups: PositiveInt = 32
    axis: Axis = -1
    center: bool = True
    scale: bool = True

    def apply(self, shape: Shape) -> Outcome:
        features, line = feature_count(shape, self.axis)
        if features % self.groups:
            raise LayerError(
                f"{features} channels do not split into groups={self.groups}: "
                f"{features}/{self.groups} = {features / self.groups:g}"
            )
        learned = int(self.center) + int(self.scale)
        params = learned * features
        working = (line, f"params (γ, β) = {learned}·{features} = {num(params)}")
        ops = elementwise(shape, 4, NORMALIZE_OPS)
        return Outcome(shape, params, 0, working).costing(ops=ops)


class RMSNormalization(OnLastAxis):
    """Scales by the root mean square: one learned scale per feature."""

    summary = "output = input; C params (scale)"

    type: Literal["RMSNormalization"] = "RMSNormalization"

    def apply(self, shape: Shape) -> Outcome:
        features, line = feature_count(shape, self.axis)
        ops = elementwise(
            shape, 2, "divide by the root mean square, scale; computing it is not counted"
        )
        outcome = Outcome(shape, features, 0, (line, f"params (scale) = {num(features)}"))
        return outcome.costing(ops=ops)


class UnitNormalization(OnLastAxis):
    summary = "output = input; no params"

    type: Literal["UnitNormalization"] = "UnitNormalization"

    def apply(self, shape: Shape) -> Outcome:
        feature_count(shape, self.axis)  # the axis must exist
        ops = elementwise(shape, 1, "divide by the norm; computing it is not counted")
        outcome = Outcome(shape, working=("output shape = input shape; params = 0",))
        return outcome.costing(ops=ops)
