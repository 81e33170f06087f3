"""EinsumDense: a dense layer whose contraction an einsum equation names."""

import re
from typing import Literal

from ..errors import LayerError
from ..formulas import count, num, product, product_text
from .base import (
    DeclaredShape,
    OneInput,
    Outcome,
    PositiveInt,
    Shape,
    shape_text,
)


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
        # (without an ellipsis, elided is 0: nothing is inserted)
        out = [None, *reversed(full[1:elided]), *given]
        in_at = {c: elided + i for i, c in enumerate(in_spec)}
        out_at = {c: elided + i for i, c in enumerate(out_spec)}
        if len(out) != len(out_spec) + elided:
            raise LayerError(f"output_shape {given} does not fit the output '{out_spec}'")
        for c in in_spec:
            if c in out_at and out[out_at[c]] not in (None, full[in_at[c]]):
                raise LayerError(
                    f"axis '{c}' is {full[in_at[c]]} in the input but {out[out_at[c]]} in "
                    "output_shape"
                )
        for c in out_spec:
            if out_spec.count(c) > 1:  # einsum: "includes output subscript 'c' multiple times"
                raise LayerError(f"the output '{out_spec}' names axis '{c}' twice")
        orphans = [c for c in out_spec if c not in in_spec and c not in w_spec]
        if orphans:  # Keras: "Dimension 'd' was specified in the output ... but has no ..."
            raise LayerError(
                f"axis '{orphans[0]}' of the output '{out_spec}' is in neither the input "
                f"'{in_spec}' nor the kernel '{w_spec}'"
            )
        kernel = tuple(
            out[out_at[c]] if c in out_at else full[in_at[c]] if c in in_at else 0 for c in w_spec
        )
        if 0 in kernel or None in kernel:
            raise LayerError(f"the kernel '{w_spec}' = {kernel} must have every axis known")
        bias: tuple[int | None, ...] = ()
        if self.bias_axes:
            stray = [c for c in self.bias_axes if c not in out_spec]
            if stray:  # Keras: "Bias dimension 'z' was requested, but is not part of ..."
                raise LayerError(f"bias_axes '{stray[0]}' is not in the output '{out_spec}'")
            first = min(out_spec.index(c) for c in self.bias_axes)
            bias = tuple(out[out_at[c]] if c in self.bias_axes else 1 for c in out_spec[first:])
            if None in bias:  # Keras cannot create a weight of unknown size either
                raise LayerError(f"the bias '{self.bias_axes}' = {bias} must have every axis known")
        weights = product(kernel) or 0
        biases = (product(bias) or 0) if bias else 0
        reversed_note = " (Keras lists the elided axes reversed)" if elided > 2 else ""
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
        outputs = (*full[1:elided], *(sizes[c] for c in out_spec if c in sizes))
        summed = tuple(sizes[c] for c in dict.fromkeys(in_spec + w_spec) if c not in out_at)
        macs = count("macs", [[outputs, summed]], "output values · the summed axes")
        outcome = Outcome(tuple(out[1:]), weights + biases, 0, working)
        return outcome.costing(macs, self.output_ops(tuple(out[1:]), bool(bias)))
