"""Attention layers worked by hand (no Keras needed, so the mutation run counts them).

MultiHeadAttention's weights are Keras's four EinsumDense projections (Vaswani et al. 2017,
§3.2.2): query F_q·h·key_dim (+ h·key_dim), key F_k·h·key_dim (+ h·key_dim), value
F_v·h·value_dim (+ h·value_dim), output h·value_dim·F_out (+ F_out). GroupedQueryAttention
(Ainslie et al. 2023) projects the query to num_query_heads heads and key and value to
num_key_value_heads heads of head_dim. Attention (Luong) has a learned scalar with use_scale
and another with score_mode 'concat'; AdditiveAttention (Bahdanau) a scale per feature.
MACs: each projection is steps · heads·size · input features; QKᵀ and attention·V are
heads · Tq · Tk · features; one softmax operation per score.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

MHA_NOTE = "projections of query, key, value; QKᵀ; attention·V; the output projection"
GQA_NOTE = (
    "projections (key and value heads shared by groups); QKᵀ and attention·V per query head; "
    "the output projection"
)


def attend(layer: dict[str, Any], *shapes: list[Any]) -> cnncalc.LayerRow:
    """The row of `layer` reading the inputs q, v (and k) of these shapes, in that order."""
    names = ["q", "v", "k", "extra"][: len(shapes)]
    inputs = [{"type": "InputLayer", "shape": s, "name": n} for n, s in zip(names, shapes)]
    return cnncalc.analyze({"layers": [*inputs, {**layer, "inputs": names}]})[-1]


# (layer, input shapes, output shape, params, working, MACs line, ops) — by hand.
CASES: list[
    tuple[dict[str, Any], list[list[Any]], tuple[Any, ...], int, tuple[str, ...], str, int]
] = [
    # query 5·2·3 + 2·3 = 36; key and value 7·2·3 + 2·3 = 48 each; output 2·3·5 + 5 = 35.
    # MACs: 4·2·3·5 = 120, 6·2·3·7 = 252 twice, QKᵀ and attention·V 2·4·6·3 = 144 each,
    # output 4·5·2·3 = 120: 1032; softmax over 2·4·6 = 48 scores
    (
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3},
        [[4, 5], [6, 7]],
        (4, 5),
        167,
        (
            "output: the query's steps, output_shape 5 → (4, 5)",
            "query = 5·2·3 + 2·3 = 36",
            "key = 7·2·3 + 2·3 = 48",
            "value = 7·2·3 + 2·3 = 48",
            "output = 2·3·5 + 5 = 35",
            "params = 36 + 48 + 48 + 35 = 167",
        ),
        "macs = 4·2·3 · 5 + 6·2·3 · 7 + 6·2·3 · 7 + 2·4·6 · 3 + 2·4·6 · 3 + 4·5 · 2·3 = "
        f"120 + 252 + 252 + 144 + 144 + 120 = 1032  ({MHA_NOTE})",
        48,
    ),
    # a key of its own, value_dim 4, output_shape 8, no biases: 5·2·3 = 30, 3·2·3 = 18,
    # 7·2·4 = 56, 2·4·8 = 64: 168. MACs: 120 + 6·2·3·3 = 108 + 6·2·4·7 = 336 + 144
    # + 2·4·6·4 = 192 + 4·8·2·4 = 256: 1156
    (
        {
            "type": "MultiHeadAttention",
            "num_heads": 2,
            "key_dim": 3,
            "value_dim": 4,
            "output_shape": 8,
            "use_bias": False,
        },
        [[4, 5], [6, 7], [6, 3]],
        (4, 8),
        168,
        (
            "query = 5·2·3 = 30",
            "key = 3·2·3 = 18",
            "value = 7·2·4 = 56",
            "output = 2·4·8 = 64",
            "params = 30 + 18 + 56 + 64 = 168",
        ),
        "macs = 4·2·3 · 5 + 6·2·3 · 3 + 6·2·4 · 7 + 2·4·6 · 3 + 2·4·6 · 4 + 4·8 · 2·4 = "
        f"120 + 108 + 336 + 144 + 192 + 256 = 1156  ({MHA_NOTE})",
        48,
    ),
    # output_shape [2, 3]: the output kernel is 1·2·(2·3) + 2·3 = 18; three projections of
    # 5·1·2 + 1·2 = 12 each: 54. MACs: 3 · 4·1·2·5 = 120, QKᵀ and attention·V 1·4·4·2 = 32
    # each, output 4·6·1·2 = 48: 232
    (
        {"type": "MultiHeadAttention", "num_heads": 1, "key_dim": 2, "output_shape": [2, 3]},
        [[4, 5], [4, 5]],
        (4, 2, 3),
        54,
        ("output = 1·2·2·3 + 2·3 = 18", "params = 12 + 12 + 12 + 18 = 54"),
        "macs = 4·1·2 · 5 + 4·1·2 · 5 + 4·1·2 · 5 + 1·4·4 · 2 + 1·4·4 · 2 + 4·6 · 1·2 = "
        f"40 + 40 + 40 + 32 + 32 + 48 = 232  ({MHA_NOTE})",
        16,
    ),
    # GQA, 4 query heads sharing 2 key/value heads of 2: query 8·4·2 + 4·2 = 72, key and
    # value 8·2·2 + 2·2 = 36, output 4·2·8 + 8 = 72: 216. MACs: 3·4·2·8 = 192,
    # 5·2·2·8 = 160 twice, 4·3·5·2 = 120 twice, 3·8·4·2 = 192: 944; 4·3·5 = 60 scores
    (
        {
            "type": "GroupedQueryAttention",
            "head_dim": 2,
            "num_query_heads": 4,
            "num_key_value_heads": 2,
        },
        [[3, 8], [5, 8]],
        (3, 8),
        216,
        (
            "output: the query's shape (None, 3, 8)",
            "query = 8·4·2 + 4·2 = 72",
            "key = 8·2·2 + 2·2 = 36",
            "value = 8·2·2 + 2·2 = 36",
            "output = 4·2·8 + 8 = 72",
            "params = 72 + 36 + 36 + 72 = 216",
        ),
        "macs = 3·4·2 · 8 + 5·2·2 · 8 + 5·2·2 · 8 + 4·3·5 · 2 + 4·3·5 · 2 + 3·8 · 4·2 = "
        f"192 + 160 + 160 + 120 + 120 + 192 = 944  ({GQA_NOTE})",
        60,
    ),
    # no biases: 64 + 32 + 32 + 64 = 192
    (
        {
            "type": "GroupedQueryAttention",
            "head_dim": 2,
            "num_query_heads": 4,
            "num_key_value_heads": 2,
            "use_bias": False,
        },
        [[3, 8], [5, 8]],
        (3, 8),
        192,
        ("query = 8·4·2 = 64", "output = 4·2·8 = 64", "params = 64 + 32 + 32 + 64 = 192"),
        "macs = 3·4·2 · 8 + 5·2·2 · 8 + 5·2·2 · 8 + 4·3·5 · 2 + 4·3·5 · 2 + 3·8 · 4·2 = "
        f"192 + 160 + 160 + 120 + 120 + 192 = 944  ({GQA_NOTE})",
        60,
    ),
    # a 3-D query and key (after the batch): attention runs over both their axes jointly;
    # the projections are those of 2 steps above (36, 36, 48, 35 = 155). MACs: 2·3·2·3·5 =
    # 180, 2·4·2·3·5 = 240, 2·4·2·3·7 = 336, QKᵀ and attention·V 2·2·3·2·4·3 = 288 each,
    # output 2·3·5·2·3 = 180: 1512; 2·2·3·2·4 = 96 scores
    (
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3},
        [[2, 3, 5], [2, 4, 7], [2, 4, 5]],
        (2, 3, 5),
        155,
        (
            "output: the query's steps, output_shape 5 → (2, 3, 5)",
            "key = 5·2·3 + 2·3 = 36",
            "value = 7·2·3 + 2·3 = 48",
            "params = 36 + 36 + 48 + 35 = 155",
        ),
        "macs = 2·3·2·3 · 5 + 2·4·2·3 · 5 + 2·4·2·3 · 7 + 2·2·3·2·4 · 3 + 2·2·3·2·4 · 3 + "
        f"2·3·5 · 2·3 = 180 + 240 + 336 + 288 + 288 + 180 = 1512  ({MHA_NOTE})",
        96,
    ),
    # Attention's matmul batches the axes before the steps: (2, 3, F)·(2, 4, F)ᵀ is (2, 3, 4),
    # 24 scores (Keras's scores have that shape); QKᵀ 2·3·4·5 = 120, attention·V 2·3·4·7 = 168
    (
        {"type": "Attention"},
        [[2, 3, 5], [2, 4, 7], [2, 4, 5]],
        (2, 3, 7),
        0,
        ("output: query steps, value features → (2, 3, 7)",),
        "macs = 2·3·4 · 5 + 2·3·4 · 7 = 120 + 168 = 288  (QKᵀ + attention·V)",
        24,
    ),
    # AdditiveAttention without a scale, batched the same way: attention·V 2·3·4·5 = 120;
    # q + k, tanh and sum 2·3·4·5 = 120 and 24 softmaxes
    (
        {"type": "AdditiveAttention", "use_scale": False},
        [[2, 3, 5], [2, 4, 5]],
        (2, 3, 5),
        0,
        ("params = 0 (use_scale=False)",),
        "macs = 2·3·4 · 5 = 120  (attention·V; the scores only add)",
        144,
    ),
    # dot-product Attention: no weights; QKᵀ 4·6·5 = 120, attention·V 4·6·7 = 168; 24 scores
    (
        {"type": "Attention"},
        [[4, 5], [6, 7], [6, 5]],
        (4, 7),
        0,
        ("output: query steps, value features → (4, 7)", "params = 0 learned scalars: -"),
        "macs = 4·6 · 5 + 4·6 · 7 = 120 + 168 = 288  (QKᵀ + attention·V)",
        24,
    ),
    (
        {"type": "Attention", "use_scale": True},
        [[4, 5], [6, 5]],
        (4, 5),
        1,
        ("params = 1 learned scalars: scale",),
        "macs = 4·6 · 5 + 4·6 · 5 = 120 + 120 = 240  (QKᵀ + attention·V)",
        24,
    ),
    # concat scores add q + k: only attention·V multiplies, 4·6·5 = 120; the ops are
    # q + k, tanh and the sum per feature (4·6·5 = 120) plus the 24 softmaxes
    (
        {"type": "Attention", "use_scale": True, "score_mode": "concat"},
        [[4, 5], [6, 5]],
        (4, 5),
        2,
        ("params = 2 learned scalars: scale, concat_score_weight",),
        "macs = 4·6 · 5 = 120  (attention·V; the scores only add)",
        144,
    ),
    (
        {"type": "Attention", "score_mode": "concat"},
        [[4, 5], [6, 5]],
        (4, 5),
        1,
        ("params = 1 learned scalars: concat_score_weight",),
        "macs = 4·6 · 5 = 120  (attention·V; the scores only add)",
        144,
    ),
    # AdditiveAttention: a scale per query feature, 5
    (
        {"type": "AdditiveAttention"},
        [[4, 5], [6, 5]],
        (4, 5),
        5,
        ("params (scale, one per feature) = 5",),
        "macs = 4·6 · 5 + 4·6 · 5 = 120 + 120 = 240  (QKᵀ + attention·V)",
        24,
    ),
    (
        {"type": "AdditiveAttention", "use_scale": False},
        [[4, 5], [6, 3], [6, 5]],
        (4, 3),
        0,
        ("params = 0 (use_scale=False)",),
        "macs = 4·6 · 3 = 72  (attention·V; the scores only add)",
        144,
    ),
]


@pytest.mark.parametrize(
    ("layer", "shapes", "shape", "params", "working", "macs_line", "ops"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (layer, *_) in enumerate(CASES)],
)
def test_attention_by_hand(
    layer: dict[str, Any],
    shapes: list[list[Any]],
    shape: tuple[Any, ...],
    params: int,
    working: tuple[str, ...],
    macs_line: str,
    ops: int,
) -> None:
    row = attend(layer, *shapes)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    for line in working:
        assert line in row.working
    assert macs_line in row.cost_working
    assert row.macs == int(macs_line.split("  (")[0].rsplit(" = ", 1)[1])
    assert row.ops == ops


def test_the_softmax_and_score_ops_lines() -> None:
    """MHA: 2 heads · 4 · 6 scores; concat Attention: 4·6·5 sums + 4·6 softmaxes."""
    row = attend({"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3}, [4, 5], [6, 7])
    assert "ops = 2·4·6 = 48  (softmax over every score)" in row.cost_working
    row = attend({"type": "Attention"}, [4, 5], [6, 5])
    assert "ops = 4·6 = 24  (softmax over every score)" in row.cost_working
    row = attend({"type": "Attention", "score_mode": "concat"}, [4, 5], [6, 5])
    line = "ops = 4·6 · 5 + 4·6 = 120 + 24 = 144  (q + k, tanh and sum per feature; softmax)"
    assert line in row.cost_working


# (layer, input shapes, the message after "layer N 'name' (Kind): ")
REFUSED: list[tuple[dict[str, Any], list[list[Any]], str]] = [
    (
        {"type": "Attention"},
        [[4, 5]],
        "Attention reads [query, value] or [query, value, key], got 1 inputs",
    ),
    (
        {"type": "MultiHeadAttention", "num_heads": 1, "key_dim": 2},
        [[4, 5], [4, 5], [4, 5], [4, 5]],
        "MultiHeadAttention reads [query, value] or [query, value, key], got 4 inputs",
    ),
    (
        {"type": "Attention"},
        [[5], [6, 5]],
        "the query must be (batch, steps, features) with known features, got (None, 5)",
    ),
    (
        {"type": "Attention"},
        [[4, 5], [6, None]],
        "the value must be (batch, steps, features) with known features, got (None, 6, None)",
    ),
    (
        {"type": "Attention"},
        [[4, 5], [6, 5], [6]],
        "the key must be (batch, steps, features) with known features, got (None, 6)",
    ),
    (
        {"type": "Attention"},
        [[4, 5], [6, 7], [6, 3]],
        "the query's features (5) and the key's (3) must be equal to be scored against each other",
    ),
    (
        {"type": "AdditiveAttention"},
        [[4, 5], [6, 7], [5, 5]],
        "the value (None, 6, 7) and key (None, 5, 5) differ",
    ),
    (
        {
            "type": "GroupedQueryAttention",
            "head_dim": 2,
            "num_query_heads": 4,
            "num_key_value_heads": 2,
        },
        [[3, 8], [5, 6]],
        "the query's features (8) and the value's (6) must be equal",
    ),
    (
        {
            "type": "GroupedQueryAttention",
            "head_dim": 2,
            "num_query_heads": 3,
            "num_key_value_heads": 2,
        },
        [[3, 8], [5, 8]],
        "num_query_heads (3) must be a multiple of num_key_value_heads (2)",
    ),
]


@pytest.mark.parametrize(("layer", "shapes", "message"), REFUSED)
def test_attention_refusals_say_why(
    layer: dict[str, Any], shapes: list[list[Any]], message: str
) -> None:
    with pytest.raises(CnncalcError, match=f": {re.escape(message)}$") as caught:
        attend(layer, *shapes)
    assert caught.value.exit_code == 1


def test_unknown_steps_leave_the_weights_known() -> None:
    """Projections of 5 features to 1 head of 2: 5·1·2 + 1·2 = 12 each; 1·2·5 + 5 = 15."""
    row = attend(
        {"type": "MultiHeadAttention", "num_heads": 1, "key_dim": 2}, [2, None, 5], [2, None, 5]
    )
    assert (row.output_shape, row.params, row.macs, row.ops) == ((2, None, 5), 51, None, None)


def test_grouped_query_attention_reads_only_steps_and_features() -> None:
    """Keras's GroupQueryAttention projects with fixed 3-D einsums: a 4-D input fails there."""
    message = (
        "the query must be (batch, steps, features), the only rank Keras's projections read, "
        "got (None, 2, 3, 8)"
    )
    layer = {"type": "GroupedQueryAttention", "head_dim": 2}
    layer |= {"num_query_heads": 4, "num_key_value_heads": 2}
    with pytest.raises(CnncalcError, match=f": {re.escape(message)}$"):
        attend(layer, [2, 3, 8], [5, 8])
    with pytest.raises(CnncalcError, match=re.escape("the key must be (batch, steps, features)")):
        attend(layer, [3, 8], [5, 8], [2, 5, 8])


def test_every_query_step_sees_every_key_step() -> None:
    row = attend({"type": "Attention"}, [4, 5], [6, 5])
    assert row.receptive_field is None


def test_unknown_steps_of_every_rank_are_carried() -> None:
    """Only the features must be known: unknown steps leave the MACs unknown, nothing else."""
    row = attend({"type": "Attention"}, [None, 5], [None, 5])
    assert (row.output_shape, row.params, row.macs) == ((None, 5), 0, None)
    row = attend({"type": "Attention"}, [2, None, 5], [2, None, 7], [2, None, 5])
    assert (row.output_shape, row.params, row.macs) == ((2, None, 7), 0, None)


def test_a_scale_per_feature_on_a_3d_query() -> None:
    """AdditiveAttention's scale has the query's last axis, 5 (not a step axis)."""
    assert attend({"type": "AdditiveAttention"}, [2, 3, 5], [2, 4, 5]).params == 5


GQA = {"type": "GroupedQueryAttention", "head_dim": 2, "num_query_heads": 4}


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (
            [[2, 3, 5], [2, 4, 7], [2, 4, 3]],
            "the query's features (5) and the key's (3) must be equal to be scored against each "
            "other",
        ),
    ],
)
def test_3d_attention_refusals_name_the_features(shapes: list[list[int]], message: str) -> None:
    with pytest.raises(CnncalcError, match=f": {re.escape(message)}$"):
        attend({"type": "Attention"}, *shapes)


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        (
            [[3, 8]],
            "GroupedQueryAttention reads [query, value] or [query, value, key], got 1 inputs",
        ),
        (
            [[3, 8], [2, 5, 8]],
            "the value must be (batch, steps, features), the only rank Keras's projections read, "
            "got (None, 2, 5, 8)",
        ),
    ],
    ids=["one input", "a 4-D value"],  # no 'keras' in an id: the mutation run deselects it
)
def test_grouped_query_attention_refusals(shapes: list[list[int]], message: str) -> None:
    with pytest.raises(CnncalcError, match=f": {re.escape(message)}$"):
        attend({**GQA, "num_key_value_heads": 2}, *shapes)
