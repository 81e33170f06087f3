"""Preprocessing layers that sit inside models (keras.applications uses them)."""

from __future__ import annotations

from typing import Any, Literal

from ..errors import LayerError
from ..formulas import num, product, product_text
from .base import OneInput, Outcome, Shape, keras_axis, shape_text


class Normalization(OneInput):
    """Without a given mean and variance Keras keeps them as weights (plus a count), all
    non-trainable; with them given they are constants and the layer has no weights."""

    summary = "output = input; 2·C + 1 non-trainable params (mean, variance, count) unless given"

    type: Literal["Normalization"] = "Normalization"
    axis: int | list[int] | None = -1
    mean: Any = None
    variance: Any = None
    invert: bool = False

    def apply(self, shape: Shape) -> Outcome:
        if self.mean is not None:
            return Outcome(shape, working=("mean and variance given: constants, params = 0",))
        axes = [] if self.axis is None else [self.axis] if isinstance(self.axis, int) else self.axis
        sizes = tuple(shape[keras_axis(a, len(shape))] for a in axes)
        features = product(sizes)
        if features is None:
            raise LayerError(f"axis {self.axis} of {shape_text(shape)} must be known")
        params = 2 * features + 1
        working = (
            f"features = {product_text(sizes) or '1'} = {features}",
            f"params (mean, variance, count; non-trainable) = 2·{features} + 1 = {num(params)}",
        )
        return Outcome(shape, params, params, working)
