"""Lookup tables: one learned vector per token id."""

from typing import Literal

from ..formulas import Step, num
from .base import (
    OneInput,
    Outcome,
    PositiveInt,
    Shape,
)


class Embedding(OneInput):
    """A lookup table: one output_dim vector per token id; its input_length (Keras 2) is
    accepted and ignored, the input shape says it."""

    summary = "(…) → (…, output_dim); params input_dim·output_dim"
    positions = "ids"  # each token's vector comes from that token alone: every axis a position

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
