"""Embedding tables worked by hand, from Keras's own documentation.

keras.io/api/layers/core_layers/embedding: `Embedding(1000, 64)` on integer input of shape
(batch, 10) outputs (batch, 10, 64): one output_dim vector per token id, a table of
input_dim·output_dim = 1000·64 = 64000 weights. keras_hub's ReversibleEmbedding reuses that
table to map back to logits when tie_weights (the default); untied it holds a second,
reverse table of output_dim·input_dim. A lookup multiplies nothing (docs/costs.md: 0 MACs).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import one_layer, row_of

LOOKUP = "macs = 0  (a lookup: each id selects a row, nothing is multiplied)"

# (input shape, layer, output shape, params, working) — by hand.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, tuple[str, ...]]] = [
    (
        [10],
        {"type": "Embedding", "input_dim": 1000, "output_dim": 64},
        (10, 64),
        1000 * 64,
        (
            "output: each token id → 64 values",
            "params = input_dim·output_dim = 1000·64 = 64000",
        ),
    ),
    # any rank: (4, 6) ids → (4, 6, 3); 50·3 = 150
    (
        [4, 6],
        {"type": "Embedding", "input_dim": 50, "output_dim": 3},
        (4, 6, 3),
        150,
        ("output: each token id → 3 values", "params = input_dim·output_dim = 50·3 = 150"),
    ),
    # an unknown length stays unknown; the table does not depend on it
    (
        [None],
        {"type": "Embedding", "input_dim": 7, "output_dim": 2},
        (None, 2),
        14,
        ("output: each token id → 2 values", "params = input_dim·output_dim = 7·2 = 14"),
    ),
    (
        [10],
        {"type": "ReversibleEmbedding", "input_dim": 1000, "output_dim": 64},
        (10, 64),
        64000,
        (
            "output: each token id → 64 values",
            "params = input_dim·output_dim = 1000·64 = 64000",
        ),
    ),
    # untied: 1000·64 + 64·1000 = 128000
    (
        [10],
        {"type": "ReversibleEmbedding", "input_dim": 1000, "output_dim": 64, "tie_weights": False},
        (10, 64),
        128000,
        (
            "output: each token id → 64 values",
            "params = 2·input_dim·output_dim = 2·1000·64 = 128000",
        ),
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "params", "working"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_embedding_by_hand(
    input_shape: list[Any],
    layer: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    working: tuple[str, ...],
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    assert (row.working, row.macs, row.ops) == (working, 0, 0)
    assert row.cost_working[0] == LOOKUP


def test_a_frozen_table_is_all_non_trainable() -> None:
    """1000·64 = 64000 weights, none of them trained (a pretrained, frozen embedding)."""
    row = one_layer([10], "Embedding", input_dim=1000, output_dim=64, trainable=False)
    assert (row.params, row.trainable_params, row.non_trainable_params) == (64000, 0, 64000)
