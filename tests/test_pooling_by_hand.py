"""Pooling kinds worked by hand: shapes, the working, and the comparisons or additions counted.

The rules are Keras's (keras.io/api/layers/pooling_layers): a pooling layer slides its pool
like a convolution's kernel, ⌊(W + 2p − k)/s⌋ + 1 per axis ('same': ⌈W/s⌉), with `strides`
"If None, it will default to pool_size"; the channel axis is kept; no weights. A global
pooling layer's output is (batch, channels), or with keepdims (batch, 1, …, 1, channels)
(channels first: (batch, channels, 1, …, 1)). The work per output element: a window of K
values takes K − 1 comparisons (max), or K − 1 additions and one division (average). Every
expected value below is worked in its comment; none is copied from cnncalc's output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import CnncalcError

from .conftest import one_layer, row_of

# (input shape, layer, output shape, ops) — each worked by hand in its comment.
SHAPES: list[tuple[list[Any], dict[str, Any], tuple[int | None, ...], int | None]] = [
    # ⌊(28 − 2)/2⌋ + 1 = 14; 2·2 − 1 = 3 comparisons: 14·14·32 · 3 = 18816
    ([28, 28, 32], {"type": "MaxPooling2D"}, (14, 14, 32), 18816),
    # same: ⌈7/2⌉ = 4, ⌈8/2⌉ = 4; 3·3 = 9 (8 additions + 1 division): 4·4·4 · 9 = 576
    (
        [7, 8, 4],
        {"type": "AveragePooling2D", "pool_size": 3, "strides": 2, "padding": "same"},
        (4, 4, 4),
        576,
    ),
    # ⌊(10 − 3)/1⌋ + 1 = 8; 3 − 1 = 2: 8·5 · 2 = 80
    ([10, 5], {"type": "MaxPooling1D", "pool_size": 3, "strides": 1}, (8, 5), 80),
    # 4/2 = 2, 6/2 = 3, ⌊(9 − 2)/2⌋ + 1 = 4; 2·2·2 = 8: 2·3·4·3 · 8 = 576
    ([4, 6, 9, 3], {"type": "AveragePooling3D"}, (2, 3, 4, 3), 576),
    # channels first, strides = pool (2, 3): ⌊6/2⌋ + 1 = 4, ⌊6/3⌋ + 1 = 3; 2·3 − 1 = 5:
    # 3·4·3 · 5 = 180
    (
        [3, 8, 9],
        {"type": "MaxPooling2D", "pool_size": [2, 3], "data_format": "channels_first"},
        (3, 4, 3),
        180,
    ),
    # padding_size 1: ⌊(5 + 2 − 3)/1⌋ + 1 = 5; 3 per window: 5·2 · 3 = 30
    (
        [5, 2],
        {"type": "AveragePooling1D", "pool_size": 3, "strides": 1, "padding": 1},
        (5, 2),
        30,
    ),
    # unknown length stays unknown, and so does the count
    ([None, 4], {"type": "MaxPooling1D"}, (None, 4), None),
    # the 7·7 = 49 values of each of 512 channels: 48 additions + 1 division: 512 · 49 = 25088
    ([7, 7, 512], {"type": "GlobalAveragePooling2D"}, (512,), 25088),
    # 10 − 1 = 9 comparisons per channel: 8 · 9 = 72
    ([10, 8], {"type": "GlobalMaxPooling1D"}, (8,), 72),
    # keepdims: (1, 1, 3); 5·6 = 30 per channel: 3 · 30 = 90
    ([5, 6, 3], {"type": "GlobalAveragePooling2D", "keepdims": True}, (1, 1, 3), 90),
    # channels first, keepdims: (3, 1, 1, 1); 2·4·5 − 1 = 39: 3 · 39 = 117
    (
        [3, 2, 4, 5],
        {"type": "GlobalMaxPooling3D", "keepdims": True, "data_format": "channels_first"},
        (3, 1, 1, 1),
        117,
    ),
    # 2·3·4 = 24 per channel: 6 · 24 = 144
    ([2, 3, 4, 6], {"type": "GlobalAveragePooling3D"}, (6,), 144),
    # an unknown length leaves one value per channel, but the work unknown
    ([None, 4], {"type": "GlobalMaxPooling1D"}, (4,), None),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "ops"),
    SHAPES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(SHAPES)],
)
def test_pooling_shapes_and_ops_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[int | None, ...], ops: int | None
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, 0, 0)
    assert (row.macs, row.ops) == (0, ops)  # no weights to multiply by


# (input shape, layer, the whole working in the lecture's notation) — written by hand.
WORKING: list[tuple[list[Any], dict[str, Any], tuple[str, ...]]] = [
    (
        [28, 28, 32],
        {"type": "MaxPooling2D"},
        (
            "stride = pool_size (Keras's default)",
            "output_height = ⌊(28 + 2·0 − 2)/2⌋ + 1 = 14",
            "output_width = ⌊(28 + 2·0 − 2)/2⌋ + 1 = 14",
            "output_depth = input_depth = 32",
            "params = 0  (pooling has none)",
        ),
    ),
    (
        # total padding (4 − 1)·2 + 3 − 7 = 2 (1 and 1), (4 − 1)·2 + 3 − 8 = 1 (the odd one after)
        [7, 8, 4],
        {"type": "AveragePooling2D", "pool_size": 3, "strides": 2, "padding": "same"},
        (
            "output_height = ⌈7/2⌉ = 4  (same: pads 1 before, 1 after)",
            "output_width = ⌈8/2⌉ = 4  (same: pads 0 before, 1 after)",
            "output_depth = input_depth = 4",
            "params = 0  (pooling has none)",
        ),
    ),
    (
        [10, 5],
        {"type": "MaxPooling1D", "pool_size": 3, "strides": 1},
        (
            "output_length = ⌊(10 + 2·0 − 3)/1⌋ + 1 = 8",
            "output_depth = input_depth = 5",
            "params = 0  (pooling has none)",
        ),
    ),
    (
        [7, 7, 512],
        {"type": "GlobalAveragePooling2D"},
        (
            "the spatial axes are pooled away: one value per channel",
            "output_depth = input_depth = 512",
            "params = 0",
        ),
    ),
    (
        [3, 2, 4, 5],
        {"type": "GlobalMaxPooling3D", "keepdims": True, "data_format": "channels_first"},
        (
            "every spatial axis becomes 1 (keepdims): 3 axes",
            "output_depth = input_depth = 3",
            "params = 0",
        ),
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "working"), WORKING)
def test_pooling_working_by_hand(
    input_shape: list[Any], layer: dict[str, Any], working: tuple[str, ...]
) -> None:
    assert row_of(input_shape, layer).working == working


# (input shape, layer, its ops line) — the count and what a window costs, by hand.
OPS_LINES: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [28, 28, 32],
        {"type": "MaxPooling2D"},
        "ops = 14·14·32 · 3 = 18816  (2·2 − 1 comparisons per window)",
    ),
    (
        [7, 8, 4],
        {"type": "AveragePooling2D", "pool_size": 3, "strides": 2, "padding": "same"},
        "ops = 4·4·4 · 9 = 576  (3·3 − 1 additions and 1 division per window)",
    ),
    (
        [3, 8, 9],
        {"type": "MaxPooling2D", "pool_size": [2, 3], "data_format": "channels_first"},
        "ops = 3·4·3 · 5 = 180  (2·3 − 1 comparisons per window)",
    ),
    (
        [4, 6, 9, 3],
        {"type": "AveragePooling3D"},
        "ops = 2·3·4·3 · 8 = 576  (2·2·2 − 1 additions and 1 division per window)",
    ),
    (
        [None, 4],
        {"type": "MaxPooling1D"},
        "ops = ?·4 · 1 = ? (a size is unknown)  (2 − 1 comparisons per window)",
    ),
    (
        [7, 7, 512],
        {"type": "GlobalAveragePooling2D"},
        "ops = 512 · 49 = 25088  (7·7 − 1 additions and 1 division per window)",
    ),
    ([10, 8], {"type": "GlobalMaxPooling1D"}, "ops = 8 · 9 = 72  (10 − 1 comparisons per window)"),
]


@pytest.mark.parametrize(("input_shape", "layer", "line"), OPS_LINES)
def test_pooling_ops_working_by_hand(
    input_shape: list[Any], layer: dict[str, Any], line: str
) -> None:
    assert line in row_of(input_shape, layer).cost_working


@given(
    length=st.integers(1, 40),
    pool=st.integers(1, 6),
    stride=st.integers(1, 6),
    channels=st.integers(1, 9),
    averages=st.booleans(),
)
def test_a_valid_1d_pool_counts_its_windows(
    length: int, pool: int, stride: int, channels: int, averages: bool
) -> None:
    """⌊(L − k)/s⌋ + 1 windows per channel, each k − 1 comparisons or k − 1 additions + 1
    division; a pool longer than the input is refused."""
    kind = "AveragePooling1D" if averages else "MaxPooling1D"
    if pool > length:
        with pytest.raises(CnncalcError, match="does not fit"):
            one_layer([length, channels], kind, pool_size=pool, strides=stride)
        return
    windows = (length - pool) // stride + 1
    row = one_layer([length, channels], kind, pool_size=pool, strides=stride)
    assert row.output_shape == (windows, channels)
    assert row.ops == windows * channels * (pool if averages else pool - 1)


# (input shape, layer, the error a user sees) — the formula with its numbers, by hand.
REFUSALS: list[tuple[list[Any], dict[str, Any], str]] = [
    # ⌊(2 − 3)/3⌋ + 1 = ⌊−1/3⌋ + 1 = −1 + 1 = 0
    (
        [2, 2, 1],
        {"type": "MaxPooling2D", "pool_size": 3},
        "layer 0 'max_pooling2d' (MaxPooling2D): a 3×3 pool does not fit a 2×2 input with "
        "padding 'valid': ⌊(2 + 2·0 − 3)/3⌋ + 1 = 0",
    ),
    (
        [10, 3],
        {"type": "GlobalAveragePooling2D"},
        "layer 0 'global_average_pooling2d' (GlobalAveragePooling2D): GlobalAveragePooling2D "
        "expects a 4-D input (batch, height, width, channels), got (None, 10, 3)",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSALS)
def test_pooling_refusals_say_why(
    input_shape: list[Any], layer: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        row_of(input_shape, layer)
