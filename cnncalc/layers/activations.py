"""Activation layers with their own arguments (ReLU, LeakyReLU and Softmax live in core)."""

from typing import Literal

from ..errors import LayerError
from ..formulas import num, product, product_text
from .base import Axes, OneInput, Outcome, Shape, elementwise, shape_text
from .core import SAME_SHAPE


class ELU(OneInput):
    summary = "output = input; no params"

    type: Literal["ELU"] = "ELU"
    positions = "own"
    alpha: float = 1.0

    def apply(self, shape: Shape) -> Outcome:
        ops = elementwise(shape, 1, "ELU, one activation per element as ReLU counts")
        return Outcome(shape, working=(SAME_SHAPE,)).costing(ops=ops)


class PReLU(OneInput):
    """A learned slope α for every input value, except along shared_axes (one α shared)."""

    summary = "output = input; params = the input's sizes, 1 on shared_axes"

    type: Literal["PReLU"] = "PReLU"
    positions = "own"  # α is shared across positions, but each output reads its own input
    shared_axes: Axes | None = None

    def apply(self, shape: Shape) -> Outcome:
        shared = [] if self.shared_axes is None else self.shared_axes
        shared = [shared] if isinstance(shared, int) else shared
        # Keras's build sets alpha's shape[axis − 1] = 1, a Python index into the shape
        # without the batch: 0 and negative axes count from the end, one place early
        rank = len(shape)
        outside = [axis for axis in shared if not -rank <= axis - 1 < rank]
        if outside:
            raise LayerError(f"shared_axes={outside[0]} is out of range for a {rank + 1}-D input")
        indices = {(axis - 1) % rank for axis in shared}
        alpha = tuple(1 if i in indices else size for i, size in enumerate(shape))
        if None in alpha:
            raise LayerError(
                f"every axis of {shape_text(shape)} that is not shared must be known to count α"
            )
        params = product(alpha) or 1
        note = f" (shared_axes {shared} → 1)" if shared else ""
        line = f"params (α) = {product_text(alpha) or '1'}{note} = {num(params)}"
        # α multiplies only the negative part, so it is an activation, not a weight product
        ops = elementwise(shape, 1, "PReLU, one activation per element as LeakyReLU counts")
        return Outcome(shape, params, 0, ("output shape = input shape", line)).costing(ops=ops)
