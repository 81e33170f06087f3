"""Normalization layers: weights per feature, some of them non-trainable statistics."""

from __future__ import annotations

from typing import Literal

from ..errors import LayerError
from ..formulas import num, product, product_text
from .base import OneInput, Outcome, Shape, keras_axis, shape_text


class BatchNormalization(OneInput):
    """γ and β are trained; the moving mean and variance are not: 4·C weights, 2·C trainable."""

    summary = "output = input; 4·C params, 2·C non-trainable"

    type: Literal["BatchNormalization"] = "BatchNormalization"
    axis: int = -1
    center: bool = True
    scale: bool = True

    def apply(self, shape: Shape) -> Outcome:
        features = shape[keras_axis(self.axis, len(shape))]
        if features is None:
            raise LayerError(f"axis {self.axis} of {shape_text(shape)} must be known")
        learned = int(self.center) + int(self.scale)
        trainable, statistics = learned * features, 2 * features
        names = " + ".join(n for n, on in (("γ", self.scale), ("β", self.center)) if on) or "none"
        working = (
            f"features = {features} (axis {self.axis})",
            f"trainable ({names}) = {learned}·{features} = {num(trainable)}",
            f"non-trainable (moving mean + moving variance) = 2·{features} = {num(statistics)}",
            f"params = {num(trainable)} + {num(statistics)} = {num(trainable + statistics)}",
        )
        return Outcome(shape, trainable + statistics, statistics, working)


class LayerNormalization(OneInput):
    """γ and β over the normalized axes (their product of sizes each)."""

    summary = "output = input; 2·C params over the normalized axes"

    type: Literal["LayerNormalization"] = "LayerNormalization"
    axis: int | list[int] = -1
    center: bool = True
    scale: bool = True
    rms_scaling: bool = False

    def apply(self, shape: Shape) -> Outcome:
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        sizes = tuple(shape[keras_axis(a, len(shape))] for a in axes)
        features = product(sizes)
        if features is None:
            raise LayerError(f"axis {self.axis} of {shape_text(shape)} must be known")
        gamma = self.scale or self.rms_scaling
        beta = self.center and not self.rms_scaling
        learned = int(gamma) + int(beta)
        params = learned * features
        working = (
            f"features = {product_text(sizes)} = {features} (axis {self.axis})",
            f"params (γ, β) = {learned}·{features} = {num(params)}",
        )
        return Outcome(shape, params, 0, working)
