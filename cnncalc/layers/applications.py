"""Custom layers of keras.applications models, so that their configs can be analyzed."""

from typing import Literal

from ..errors import LayerError
from ..formulas import num
from .base import Layer, OneInput, Outcome, PositiveInt, Shape, elementwise, shape_text
from .merge import broadcast


class LayerScale(OneInput):
    """ConvNeXt's learned per-channel scale γ (projection_dim weights)."""

    summary = "output = input; projection_dim params"
    positions = "own"

    type: Literal["LayerScale"] = "LayerScale"
    projection_dim: PositiveInt
    init_values: float = 1e-6

    def apply(self, shape: Shape) -> Outcome:
        working = (f"params (γ) = projection_dim = {num(self.projection_dim)}",)
        ops = elementwise(shape, 1, "multiplications by γ")
        return Outcome(shape, self.projection_dim, 0, working).costing(ops=ops)


class CustomScaleLayer(Layer):
    """InceptionResNetV2's residual: inputs[0] + inputs[1]·scale (element-wise)."""

    summary = "inputs[0] + inputs[1]·scale, broadcast; no params"
    positions = "merge"

    type: Literal["CustomScaleLayer"] = "CustomScaleLayer"
    scale: float

    def compute(self, inputs: list[Shape]) -> Outcome:
        if len(inputs) != 2:
            raise LayerError(f"CustomScaleLayer needs 2 inputs, got {len(inputs)}")
        out = broadcast(inputs[0], inputs[1], inputs)
        line = f"{shape_text(inputs[0])} + {shape_text(inputs[1])}·{self.scale} → {shape_text(out)}"
        ops = elementwise(out, 2, "a multiplication and an addition")
        return Outcome(out, working=(line,)).costing(ops=ops)
