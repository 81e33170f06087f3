"""Attention layers. Inputs come in Keras's call order: [query, value] or [query, value, key]
(the key defaults to the value). The output has the query's steps and the value's (or the
output projection's) features."""

import math
from typing import Literal

from pydantic import Field

from ..errors import LayerError
from ..formulas import num, product_text
from .base import Layer, Outcome, PositiveInt, Shape, shape_text


def query_value_key(layer: Layer, inputs: list[Shape]) -> tuple[Shape, Shape, Shape]:
    """The inputs in Keras's call order; the key defaults to the value."""
    if len(inputs) not in (2, 3):
        raise LayerError(
            f"{layer.type} reads [query, value] or [query, value, key], got {len(inputs)} inputs"
        )
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) == 3 else value
    for role, shape in (("query", query), ("value", value), ("key", key)):
        if len(shape) < 2 or shape[-1] is None:
            raise LayerError(
                f"the {role} must be (batch, steps, features) with known features, "
                f"got {shape_text(shape)}"
            )
    return query, value, key


class ScoreAttention(Layer):
    """Scores query·key (or their sum), softmax over the value's steps, weighted values."""

    def compute(self, inputs: list[Shape]) -> Outcome:
        query, value, key = query_value_key(self, inputs)
        if query[-1] != key[-1]:
            raise LayerError(
                f"the query's features ({query[-1]}) and the key's ({key[-1]}) must be equal "
                "to be scored against each other"
            )
        if value[:-1] != key[:-1]:
            raise LayerError(f"the value {shape_text(value)} and key {shape_text(key)} differ")
        out = (*query[:-1], value[-1])
        params, line = self.weights(query[-1])
        return Outcome(out, params, 0, (f"output: query steps, value features → {out}", line))

    def weights(self, features: int) -> tuple[int, str]:
        raise NotImplementedError


class Attention(ScoreAttention):
    """Luong-style: a learned scalar scale with use_scale, another with score_mode 'concat'."""

    summary = "(Tq, value features); params 1 per use_scale and 1 for score_mode 'concat'"

    type: Literal["Attention"] = "Attention"
    use_scale: bool = False
    score_mode: Literal["dot", "concat"] = "dot"
    dropout: float = 0.0

    def weights(self, features: int) -> tuple[int, str]:
        concat = self.score_mode == "concat"
        scalars = [
            n for n, on in (("scale", self.use_scale), ("concat_score_weight", concat)) if on
        ]
        return len(scalars), f"params = {len(scalars)} learned scalars: {', '.join(scalars) or '-'}"


class AdditiveAttention(ScoreAttention):
    """Bahdanau-style: with use_scale, a learned scale per feature."""

    summary = "(Tq, value features); params = the query's features with use_scale"

    type: Literal["AdditiveAttention"] = "AdditiveAttention"
    use_scale: bool = True
    dropout: float = 0.0

    def weights(self, features: int) -> tuple[int, str]:
        if not self.use_scale:
            return 0, "params = 0 (use_scale=False)"
        return features, f"params (scale, one per feature) = {features}"


def projection(role: str, inputs: int, heads: int, size: int, bias: bool) -> tuple[int, str]:
    """A dense projection of `inputs` features to heads·size, with heads·size biases."""
    weights = inputs * heads * size
    params = weights + (heads * size if bias else 0)
    plus = f" + {heads}·{size}" if bias else ""
    return params, f"{role} = {inputs}·{heads}·{size}{plus} = {num(params)}"


class MultiHeadAttention(Layer):
    """Projects query, key and value to num_heads heads, attends, projects back."""

    summary = (
        "query's steps × output_shape (default query features); params = the query, key, value "
        "and output projections"
    )

    type: Literal["MultiHeadAttention"] = "MultiHeadAttention"
    inputs_as_arguments = True
    passed_arguments = frozenset({"attention_axes", "flash_attention"})
    num_heads: PositiveInt
    key_dim: PositiveInt
    value_dim: PositiveInt | None = Field(default=None, description="Defaults to key_dim.")
    dropout: float = 0.0
    use_bias: bool = True
    output_shape: PositiveInt | list[PositiveInt] | None = Field(
        default=None, description="Defaults to the query's features."
    )

    def compute(self, inputs: list[Shape]) -> Outcome:
        query, value, key = query_value_key(self, inputs)
        h, kd = self.num_heads, self.key_dim
        vd = self.value_dim or kd
        assert query[-1] is not None and key[-1] is not None and value[-1] is not None
        if self.output_shape is None:
            out_dims: tuple[int, ...] = (query[-1],)
        elif isinstance(self.output_shape, int):
            out_dims = (self.output_shape,)
        else:
            out_dims = tuple(self.output_shape)
        parts = [
            projection("query", query[-1], h, kd, self.use_bias),
            projection("key", key[-1], h, kd, self.use_bias),
            projection("value", value[-1], h, vd, self.use_bias),
        ]
        width = math.prod(out_dims)
        out_params = h * vd * width + (width if self.use_bias else 0)
        plus = f" + {product_text(out_dims)}" if self.use_bias else ""
        parts.append(
            (out_params, f"output = {h}·{vd}·{product_text(out_dims)}{plus} = {num(out_params)}")
        )
        params = sum(p for p, _ in parts)
        out = (*query[:-1], *out_dims)
        working = (
            f"output: the query's steps, output_shape {product_text(out_dims)} → {out}",
            *(line for _, line in parts),
            f"params = {' + '.join(num(p) for p, _ in parts)} = {num(params)}",
        )
        return Outcome(out, params, 0, working)


class GroupedQueryAttention(Layer):
    """num_query_heads query heads share num_key_value_heads key/value heads."""

    summary = "the query's shape; params = query, key, value and output projections of head_dim"

    type: Literal["GroupedQueryAttention"] = "GroupedQueryAttention"
    inputs_as_arguments = True
    passed_arguments = frozenset({"flash_attention", "seed"})
    head_dim: PositiveInt
    num_query_heads: PositiveInt
    num_key_value_heads: PositiveInt
    dropout: float = 0.0
    use_bias: bool = True

    def compute(self, inputs: list[Shape]) -> Outcome:
        query, value, key = query_value_key(self, inputs)
        if query[-1] != value[-1]:
            raise LayerError(
                f"the query's features ({query[-1]}) and the value's ({value[-1]}) must be equal"
            )
        if self.num_query_heads % self.num_key_value_heads:
            raise LayerError(
                f"num_query_heads ({self.num_query_heads}) must be a multiple of "
                f"num_key_value_heads ({self.num_key_value_heads})"
            )
        hq, hkv, d, bias = (
            self.num_query_heads,
            self.num_key_value_heads,
            self.head_dim,
            self.use_bias,
        )
        assert query[-1] is not None and key[-1] is not None and value[-1] is not None
        parts = [
            projection("query", query[-1], hq, d, bias),
            projection("key", key[-1], hkv, d, bias),
            projection("value", value[-1], hkv, d, bias),
        ]
        out_params = hq * d * query[-1] + (query[-1] if bias else 0)
        plus = f" + {query[-1]}" if bias else ""
        parts.append((out_params, f"output = {hq}·{d}·{query[-1]}{plus} = {num(out_params)}"))
        params = sum(p for p, _ in parts)
        working = (
            f"output: the query's shape {shape_text(query)}",
            *(line for _, line in parts),
            f"params = {' + '.join(num(p) for p, _ in parts)} = {num(params)}",
        )
        return Outcome(query, params, 0, working)
