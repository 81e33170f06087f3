"""Preprocessing layers that sit inside models (keras.applications uses them)."""

from typing import Any, Literal

from ..formulas import num
from .base import Axes, OneInput, Outcome, Shape, elementwise
from .normalization import feature_count


class Normalization(OneInput):
    """Without a given mean and variance Keras keeps them as weights (plus a count), all
    non-trainable; with them given they are constants and the layer has no weights."""

    summary = "output = input; 2·C + 1 non-trainable params (mean, variance, count) unless given"
    positions = "own"

    type: Literal["Normalization"] = "Normalization"
    axis: Axes | None = -1
    mean: Any = None
    variance: Any = None
    invert: bool = False

    def apply(self, shape: Shape) -> Outcome:
        ops = elementwise(shape, 2, "subtract the mean, divide by the deviation")
        if self.mean is not None:
            working = ("mean and variance given: constants, params = 0",)
            return Outcome(shape, working=working).costing(ops=ops)
        features, line = feature_count(shape, self.axis)
        params = 2 * features + 1
        working = (
            line,
            f"params (mean, variance, count; non-trainable) = 2·{features} + 1 = {num(params)}",
        )
        return Outcome(shape, params, params, working).costing(ops=ops)
