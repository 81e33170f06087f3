"""Convolution kinds the fast suite left to Keras alone, worked by hand (no Keras needed).

Parameters follow the published counts: a depthwise convolution has k·k·M·m weights (+ M·m
biases), a depthwise separable one k·k·M·m + M·m·N (+ N) (Howard et al., MobileNets, 2017,
§3.1), a grouped one k·k·(M/g)·N (+ N), a transposed one k·k·M·N (+ N). MACs are output
positions × weights per position. The mutation run (scripts/mutation.py) counts these.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cnncalc import CnncalcError

from .conftest import one_layer, row_of

# (input shape, layer, output shape, params, MACs) — each worked by hand in its comment.
CASES: list[tuple[list[int], dict[str, Any], tuple[int, ...], int, int]] = [
    # 14−3+1 = 12; 3·3·8 + 8 = 80; 12·12·8 · 3·3 = 10368
    ([14, 14, 8], {"type": "DepthwiseConv2D", "kernel_size": 3}, (12, 12, 8), 80, 10368),
    # same, stride 2: ⌈14/2⌉ = 7, ⌈15/2⌉ = 8; 3·3·8·3 = 216, no bias; 7·8·24 · 9 = 12096
    (
        [14, 15, 8],
        {
            "type": "DepthwiseConv2D",
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 3,
            "use_bias": False,
        },
        (7, 8, 24),
        216,
        12096,
    ),
    # 30−4+1 = 27; 4·6·2 + 12 = 60; 27·12 · 4 = 1296
    (
        [30, 6],
        {"type": "DepthwiseConv1D", "kernel_size": 4, "depth_multiplier": 2},
        (27, 12),
        60,
        1296,
    ),
    # 3·3·8 + 8·16 + 16 = 216; 12·12·8 · 9 + 12·12·16 · 8 = 10368 + 18432 = 28800
    (
        [14, 14, 8],
        {"type": "SeparableConv2D", "filters": 16, "kernel_size": 3},
        (12, 12, 16),
        216,
        28800,
    ),
    # ⌈15/2⌉ = 8, ⌈14/2⌉ = 7; 3·3·8·2 + 16·16 + 16 = 416; 8·7·16 · 9 + 8·7·16 · 16 = 22400
    (
        [15, 14, 8],
        {
            "type": "SeparableConv2D",
            "filters": 16,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "depth_multiplier": 2,
        },
        (8, 7, 16),
        416,
        22400,
    ),
    # dilation 2: span 5, 15−5+1 = 11, 14−5+1 = 10; 3·3·8 + 8·4 = 104, no bias;
    # 11·10·8 · 9 + 11·10·4 · 8 = 7920 + 3520 = 11440
    (
        [15, 14, 8],
        {
            "type": "SeparableConv2D",
            "filters": 4,
            "kernel_size": 3,
            "use_bias": False,
            "dilation_rate": 2,
        },
        (11, 10, 4),
        104,
        11440,
    ),
    # same: 30; 3·6 + 6·7 + 7 = 67; 30·6 · 3 + 30·7 · 6 = 540 + 1260 = 1800
    (
        [30, 6],
        {"type": "SeparableConv1D", "filters": 7, "kernel_size": 3, "padding": "same"},
        (30, 7),
        67,
        1800,
    ),
    # grouped: 3·3·(8/2)·6 + 6 = 222; same keeps 15; 15·15·6 · 3·3·4 = 48600
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 6, "kernel_size": 3, "groups": 2, "padding": "same"},
        (15, 15, 6),
        222,
        48600,
    ),
    # transposed valid: (7 − 1)·2 + max(3, 2) = 15; 3·3·16·8 + 8 = 1160
    (
        [7, 7, 16],
        {"type": "Conv2DTranspose", "filters": 8, "kernel_size": 3, "strides": 2},
        (15, 15, 8),
        1160,
        None,
    ),
    # transposed same, output_padding [2, 0]: (7 − 1)·3 + 4 mod 2 + 2 = 20, (8 − 1)·3 + 0 + 0 = 21
    (
        [7, 8, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 4,
            "strides": 3,
            "padding": "same",
            "output_padding": [2, 0],
        },
        (20, 21, 8),
        4 * 4 * 16 * 8 + 8,
        None,
    ),
    # Conv1DTranspose same, output_padding 1: (10 − 1)·2 + 3 mod 2 + 1 = 20; 3·3·5 + 5 = 50
    (
        [10, 3],
        {
            "type": "Conv1DTranspose",
            "filters": 5,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
            "output_padding": 1,
        },
        (20, 5),
        50,
        None,
    ),
    # Conv3DTranspose valid s2 k2: (3−1)·2 + 2 = 6, 8, 10; 2·2·2 · 2 · 3 + 3 = 51
    (
        [3, 4, 5, 2],
        {"type": "Conv3DTranspose", "filters": 3, "kernel_size": 2, "strides": 2},
        (6, 8, 10, 3),
        51,
        None,
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "params", "macs"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_conv_kinds_by_hand(
    input_shape: list[int],
    layer: dict[str, Any],
    shape: tuple[int, ...],
    params: int,
    macs: int | None,
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    if macs is not None:
        assert row.macs == macs


def test_a_frozen_separable_convolution_has_no_trainable_weight() -> None:
    row = one_layer([14, 14, 8], "SeparableConv2D", filters=16, kernel_size=3, trainable=False)
    assert (row.params, row.trainable_params, row.non_trainable_params) == (216, 0, 216)


# (input shape, layer, a working line in the lecture's notation, ops) — written by hand;
# ops are the bias additions, one per output element (none without a bias).
WORKING: list[tuple[list[int], dict[str, Any], str, int]] = [
    (
        [14, 14, 8],
        {"type": "DepthwiseConv2D", "kernel_size": 3},
        "params = (3·3 + 1)·8·1 = 80",
        12 * 12 * 8,
    ),
    (
        [14, 14, 8],
        {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": 3, "use_bias": False},
        "params = 3·3·8·3 = 216  (no bias)",
        0,
    ),
    (
        [14, 14, 8],
        {"type": "SeparableConv2D", "filters": 16, "kernel_size": 3},
        "params = 3·3·8·1 + (8·1 + 1)·16 = 72 + 144 = 216",
        12 * 12 * 16,
    ),
    (
        [14, 14, 8],
        {"type": "SeparableConv2D", "filters": 4, "kernel_size": 3, "use_bias": False},
        "params = 3·3·8·1 + (8·1)·4 = 72 + 32 = 104",
        0,
    ),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 6, "kernel_size": 3, "groups": 2},
        "input_depth per group = 8/2 = 4",
        13 * 13 * 6,
    ),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 8, "kernel_size": 1, "use_bias": False},
        "params = 1·1·8·8 = 64  (no bias)",
        0,
    ),
    (
        [7, 7, 16],
        {"type": "Conv2DTranspose", "filters": 8, "kernel_size": 3, "strides": 2},
        "output_depth = filters = 8",
        15 * 15 * 8,
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "line", "ops"), WORKING)
def test_conv_working_and_ops_by_hand(
    input_shape: list[int], layer: dict[str, Any], line: str, ops: int
) -> None:
    row = row_of(input_shape, layer)
    assert line in row.working
    assert row.ops == ops


def test_transposed_macs_count_per_input_position() -> None:
    """7·7 input positions × 8 filters × 3·3·16 weights = 392 · 144 = 56448."""
    row = one_layer([7, 7, 16], "Conv2DTranspose", filters=8, kernel_size=3, strides=2)
    assert row.macs == 56448
    note = "per input position, as fvcore and the TensorFlow profiler count it"
    assert f"macs = 7·7·8 · 3·3·16 = 56448  ({note})" in row.cost_working
    assert "output_height = (7 − 1)·2 + max(3, 2) = 15" in row.working


# (input shape, layer, its MACs line written by hand)
MACS_LINES: list[tuple[list[int], dict[str, Any], str]] = [
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 6, "kernel_size": 3, "groups": 2},
        "macs = 13·13·6 · 3·3·4 = 36504",
    ),
    ([14, 14, 8], {"type": "DepthwiseConv2D", "kernel_size": 3}, "macs = 12·12·8 · 3·3 = 10368"),
    (
        [14, 14, 8],
        {"type": "SeparableConv2D", "filters": 16, "kernel_size": 3},
        "macs = 12·12·8 · 3·3 + 12·12·16 · 8 = 10368 + 18432 = 28800",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "line"), MACS_LINES)
def test_conv_macs_working_by_hand(
    input_shape: list[int], layer: dict[str, Any], line: str
) -> None:
    assert line in row_of(input_shape, layer).cost_working


def test_an_ungrouped_convolution_shows_no_group_line() -> None:
    row = one_layer([15, 15, 8], "Conv2D", filters=6, kernel_size=3)
    assert not [line for line in row.working if "per group" in line]


def test_a_dilated_transposed_convolution_by_hand() -> None:
    """Span (3 − 1)·2 + 1 = 5: (7 − 1)·1 + max(5, 1) = 11; 3·3·4·2 = 72 weights, no bias."""
    row = one_layer(
        [7, 7, 4], "Conv2DTranspose", filters=2, kernel_size=3, dilation_rate=2, use_bias=False
    )
    assert (row.output_shape, row.params) == ((11, 11, 2), 72)


def test_a_transposed_convolution_leaving_no_output_is_refused_with_its_working() -> None:
    """same, output_padding 0: (1 − 1)·1 + 2 − 2·(2 // 2) + 0 = 0 (Keras would build it empty)."""
    message = "the padding leaves no output: output_length = (1 − 1)·1 + 2 mod 2 + 0 = 0  (same)"
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer(
            [1, 1], "Conv1DTranspose", filters=1, kernel_size=2, padding="same", output_padding=0
        )
