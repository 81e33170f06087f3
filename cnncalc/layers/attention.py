"""Attention layers. Inputs come in Keras's call order: [query, value] or [query, value, key]
(the key defaults to the value). The output has the query's steps and the value's (or the
output projection's) features.

Their MACs: the projections are Dense kernels at every step; the scores multiply every query
step by every key step over the key features (QKᵀ), and the weighted sum multiplies every
score by the value's features (attention·V), per head. Every query step attends to every key
step, so no position keeps its own field ('mixed')."""

import math
from typing import Literal

from pydantic import Field

from ..errors import LayerError
from ..formulas import Step, count, num, product_text
from .base import Layer, Outcome, PositiveInt, Shape, elementwise, shape_text


def attention_products(
    heads: tuple[int, ...], query: Shape, key: Shape, key_features: int, value_features: int
) -> list[list[tuple[int | None, ...]]]:
    """QKᵀ: heads·Tq·Tk·key_features; attention·V: heads·Tq·Tk·value_features."""
    pairs = (*heads, *query[:-1], *key[:-1])
    return [[pairs, (key_features,)], [pairs, (value_features,)]]


def scores_softmax(heads: int, query: Shape, key: Shape) -> Step:
    """One softmax operation per score."""
    return elementwise((heads, *query[:-1], *key[:-1]), 1, "softmax over every score")


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

    positions = "mixed"

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
        outcome = Outcome(out, params, 0, (f"output: query steps, value features → {out}", line))
        assert query[-1] is not None and value[-1] is not None  # checked by query_value_key
        # Keras's matmul scores the last-but-one axes and batches the axes before them:
        # (…, Tq, F)·(…, Tk, F)ᵀ is (…, Tq, Tk)
        scores = (*query[:-1], key[-2])
        products = [[scores, (query[-1],)], [scores, (value[-1],)]]
        softmax = [scores]
        if self.multiplies_scores():
            ops = count("ops", [softmax], "softmax over every score")
            return outcome.costing(count("macs", products, "QKᵀ + attention·V"), ops)
        macs = count("macs", products[1:], "attention·V; the scores only add")
        ops = count("ops", [products[0], softmax], "q + k, tanh and sum per feature; softmax")
        return outcome.costing(macs, ops)

    def weights(self, features: int) -> tuple[int, str]:
        raise NotImplementedError

    def multiplies_scores(self) -> bool:
        """Whether a score is a sum of products (dot, or a learned scale times tanh(q + k))."""
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

    def multiplies_scores(self) -> bool:
        return self.score_mode == "dot"


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

    def multiplies_scores(self) -> bool:
        return self.use_scale


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
    positions = "mixed"
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
        macs = count(
            "macs",
            [
                [(*query[:-1], h, kd), (query[-1],)],
                [(*key[:-1], h, kd), (key[-1],)],
                [(*value[:-1], h, vd), (value[-1],)],
                *attention_products((h,), query, key, kd, vd),
                [(*query[:-1], width), (h, vd)],
            ],
            "projections of query, key, value; QKᵀ; attention·V; the output projection",
        )
        return Outcome(out, params, 0, working).costing(macs, scores_softmax(h, query, key))


class GroupedQueryAttention(Layer):
    """num_query_heads query heads share num_key_value_heads key/value heads."""

    summary = "the query's shape; params = query, key, value and output projections of head_dim"

    type: Literal["GroupedQueryAttention"] = "GroupedQueryAttention"
    positions = "mixed"
    inputs_as_arguments = True
    passed_arguments = frozenset({"flash_attention", "seed"})
    head_dim: PositiveInt
    num_query_heads: PositiveInt
    num_key_value_heads: PositiveInt
    dropout: float = 0.0
    use_bias: bool = True

    def compute(self, inputs: list[Shape]) -> Outcome:
        query, value, key = query_value_key(self, inputs)
        for role, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) != 2:
                raise LayerError(
                    f"the {role} must be (batch, steps, features), the only rank Keras's "
                    f"projections read, got {shape_text(shape)}"
                )
        (tq, fq), (tv, fv), (tk, fk) = query, value, key
        if fq != fv:
            raise LayerError(f"the query's features ({fq}) and the value's ({fv}) must be equal")
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
        assert fq is not None and fk is not None and fv is not None  # by query_value_key
        parts = [
            projection("query", fq, hq, d, bias),
            projection("key", fk, hkv, d, bias),
            projection("value", fv, hkv, d, bias),
        ]
        out_params = hq * d * fq + (fq if bias else 0)
        plus = f" + {fq}" if bias else ""
        parts.append((out_params, f"output = {hq}·{d}·{fq}{plus} = {num(out_params)}"))
        params = sum(p for p, _ in parts)
        working = (
            f"output: the query's shape {shape_text(query)}",
            *(line for _, line in parts),
            f"params = {' + '.join(num(p) for p, _ in parts)} = {num(params)}",
        )
        macs = count(
            "macs",
            [
                [(tq, hq, d), (fq,)],
                [(tk, hkv, d), (fk,)],
                [(tv, hkv, d), (fv,)],
                *attention_products((hq,), query, key, d, d),
                [(tq, fq), (hq, d)],
            ],
            "projections (key and value heads shared by groups); QKᵀ and attention·V per "
            "query head; the output projection",
        )
        return Outcome(query, params, 0, working).costing(macs, scores_softmax(hq, query, key))
