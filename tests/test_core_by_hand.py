"""The core layers worked by hand: Dense, Flatten, Reshape, InputLayer and the shape keepers.

The rules are Keras's (keras.io/api/layers/core_layers, reshaping_layers): Dense maps the last
axis of an input of any rank to `units`, with a kernel of input_dim·units weights and `units`
biases; Flatten's output is the product of the axes (1 for a scalar per sample, as Keras 3's
`Flatten.compute_output_shape` sets it); Reshape infers its one -1 as the total over the
known sizes, and keeps it unknown when the input size is unknown; Dropout, activations,
Rescaling and friends keep the shape and have no weights. Costs as docs/costs.md states them:
a Dense layer multiplies every output value by input_dim weights, adds one bias each (and one
operation each for a fused activation); an activation layer does 1 operation per element,
Rescaling 2 (scale and offset), Dropout none at inference. Every number is worked in its
comment; none is copied from cnncalc's output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of

Row = Any


def after_input(shape: list[Any], layer: dict[str, Any]) -> Row:
    """The row of a layer reading an InputLayer (whose shape may be a scalar, [])."""
    spec = {"layers": [{"type": "InputLayer", "shape": shape}, layer]}
    return cnncalc.analyze(spec)[1]


# (input shape, layer, output shape, params, MACs, ops) — each worked by hand.
SHAPES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, int | None, int]] = [
    # the lecture's MNIST head: (784 + 1)·128 = 100480; 128 · 784 = 100352; 128 bias additions
    ([784], {"type": "Dense", "units": 128}, (128,), 100480, 100352, 128),
    # on a sequence, per position: 5·3 = 15; 4·3 · 5 = 60; no bias, nothing to add
    ([4, 5], {"type": "Dense", "units": 3, "use_bias": False}, (4, 3), 15, 60, 0),
    # (5 + 1)·3 = 18; 4·3 · 5 = 60; bias + relu: 4·3 · 2 = 24
    ([4, 5], {"type": "Dense", "units": 3, "activation": "relu"}, (4, 3), 18, 60, 24),
    # on a feature map: (3 + 1)·2 = 8; 7·7·2 · 3 = 294; 7·7·2 = 98 bias additions
    ([7, 7, 3], {"type": "Dense", "units": 2}, (7, 7, 2), 8, 294, 98),
    # unknown length: the weights are still (6 + 1)·2 = 14; the work is unknown
    ([None, 6], {"type": "Dense", "units": 2}, (None, 2), 14, None, None),
    # 5·5·64 = 1600
    ([5, 5, 64], {"type": "Flatten"}, (1600,), 0, 0, 0),
    # an unknown axis leaves the product unknown
    ([None, 3], {"type": "Flatten"}, (None,), 0, 0, 0),
    # 4·6 = 24 = 3·8
    ([4, 6], {"type": "Reshape", "target_shape": [3, -1]}, (3, 8), 0, 0, 0),
    # 24/(2·3) = 4, the -1 first
    ([4, 6], {"type": "Reshape", "target_shape": [-1, 2, 3]}, (4, 2, 3), 0, 0, 0),
    # 24/(1·4) = 6: a 1 beside the -1 stays a 1
    ([4, 6], {"type": "Reshape", "target_shape": [1, -1, 4]}, (1, 6, 4), 0, 0, 0),
    # 2·3·4 = 24 = 4·6, no -1
    ([2, 3, 4], {"type": "Reshape", "target_shape": [4, 6]}, (4, 6), 0, 0, 0),
    # unknown input size: the -1 stays unknown, the given sizes stay (Keras: (None, None, 3))
    ([None, 6], {"type": "Reshape", "target_shape": [-1, 3]}, (None, 3), 0, 0, 0),
    ([None, 6], {"type": "Reshape", "target_shape": [2, 3]}, (2, 3), 0, 0, 0),
    # nothing at inference
    ([10], {"type": "Dropout", "rate": 0.5}, (10,), 0, 0, 0),
    ([8, 8, 3], {"type": "SpatialDropout2D", "rate": 0.2}, (8, 8, 3), 0, 0, 0),
    ([9, 4], {"type": "SpatialDropout1D", "rate": 0.2}, (9, 4), 0, 0, 0),
    ([2, 8, 8, 3], {"type": "SpatialDropout3D", "rate": 0.2}, (2, 8, 8, 3), 0, 0, 0),
    ([4, 5], {"type": "Identity"}, (4, 5), 0, 0, 0),
    ([4, 5], {"type": "Masking"}, (4, 5), 0, 0, 0),
    # an activation layer: 1 per element, 4·5 = 20
    ([4, 5], {"type": "ReLU"}, (4, 5), 0, 0, 20),
    ([4, 5], {"type": "LeakyReLU"}, (4, 5), 0, 0, 20),
    ([4, 5], {"type": "Softmax"}, (4, 5), 0, 0, 20),
    ([4, 5], {"type": "Activation", "activation": "relu"}, (4, 5), 0, 0, 20),
    # linear (the default, or None) is the identity: nothing to do
    ([4, 5], {"type": "Activation"}, (4, 5), 0, 0, 0),
    ([4, 5], {"type": "Activation", "activation": None}, (4, 5), 0, 0, 0),
    ([4, 5], {"type": "Activation", "activation": "linear"}, (4, 5), 0, 0, 0),
    # scale and offset: 8·8·3 · 2 = 384
    ([8, 8, 3], {"type": "Rescaling", "scale": 1 / 255}, (8, 8, 3), 0, 0, 384),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "params", "macs", "ops"),
    SHAPES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(SHAPES)],
)
def test_core_shapes_params_and_costs_by_hand(
    input_shape: list[Any],
    layer: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    macs: int | None,
    ops: int | None,
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    assert (row.macs, row.ops) == (macs, ops)


def test_a_frozen_dense_layer_keeps_its_weights_untrainable() -> None:
    """(784 + 1)·128 = 100480 weights, none of them trainable."""
    row = one_layer([784], "Dense", units=128, trainable=False)
    assert (row.params, row.trainable_params, row.non_trainable_params) == (100480, 0, 100480)


# (input shape, layer, its whole working) — in the lecture's notation, written by hand.
WORKING: list[tuple[list[Any], dict[str, Any], tuple[str, ...]]] = [
    (
        [784],
        {"type": "Dense", "units": 128},
        ("output: the last axis 784 becomes units = 128", "params = (784 + 1)·128 = 100480"),
    ),
    (
        [4, 5],
        {"type": "Dense", "units": 3, "use_bias": False},
        ("output: the last axis 5 becomes units = 3", "params = 5·3 = 15  (no bias)"),
    ),
    ([5, 5, 64], {"type": "Flatten"}, ("output = 5·5·64 = 1600",)),
    ([None, 3], {"type": "Flatten"}, ("output = ?·3 = ?",)),
    ([4, 6], {"type": "Reshape", "target_shape": [3, -1]}, ("output = (3, 8): 3·8 = 24 values",)),
    (
        [4, 6],
        {"type": "Reshape", "target_shape": [-1, 2, 3]},
        ("output = (4, 2, 3): 4·2·3 = 24 values",),
    ),
    ([None, 6], {"type": "Reshape", "target_shape": [-1, 3]}, ("the input size is unknown",)),
    ([10], {"type": "Dropout", "rate": 0.5}, ("output shape = input shape; params = 0",)),
    ([4, 5], {"type": "ReLU"}, ("output shape = input shape; params = 0",)),
    (
        [8, 8, 3],
        {"type": "SpatialDropout2D", "rate": 0.2},
        ("output shape = input shape; params = 0",),
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "working"), WORKING)
def test_core_working_by_hand(
    input_shape: list[Any], layer: dict[str, Any], working: tuple[str, ...]
) -> None:
    assert row_of(input_shape, layer).working == working


# (input shape, layer, the cost lines a user reads, in order) — by hand.
COST_LINES: list[tuple[list[Any], dict[str, Any], tuple[str, ...]]] = [
    (
        [784],
        {"type": "Dense", "units": 128},
        (
            "macs = 128 · 784 = 100352",
            "ops = 128 = 128  (bias additions)",
            # a vector has no positions to keep apart: the line says so, not that Dense mixed
            "receptive field = the whole input  (the input (None, 784) has no spatial axis)",
        ),
    ),
    (
        [4, 5],
        {"type": "Dense", "units": 3, "activation": "relu"},
        (
            "macs = 4·3 · 5 = 60",
            "ops = 4·3 · 2 = 24  (bias additions + relu)",
            # on a sequence each position keeps its own features: a 1-wide field
            "receptive field unchanged: 1 (S 1, P 0)",
        ),
    ),
    (
        [4, 5],
        {"type": "Activation", "activation": "tanh"},
        ("ops = 4·5 = 20  (tanh)", "receptive field unchanged: 1 (S 1, P 0)"),
    ),
    (
        [4, 5],
        {"type": "ReLU"},
        ("ops = 4·5 = 20  (ReLU)", "receptive field unchanged: 1 (S 1, P 0)"),
    ),
    (
        [8, 8, 3],
        {"type": "Rescaling", "scale": 1 / 255},
        ("ops = 8·8·3 · 2 = 384  (scale and offset)", "receptive field unchanged: 1×1 (S 1, P 0)"),
    ),
    # softmax over the channels: each position alone; over an image axis: every position
    (
        [8, 8, 3],
        {"type": "Softmax"},
        ("ops = 8·8·3 = 192  (Softmax)", "receptive field unchanged: 1×1 (S 1, P 0)"),
    ),
    (
        [8, 8, 3],
        {"type": "Softmax", "axis": 3},
        ("ops = 8·8·3 = 192  (Softmax)", "receptive field unchanged: 1×1 (S 1, P 0)"),
    ),
    (
        [8, 8, 3],
        {"type": "Softmax", "axis": 1},
        (
            "ops = 8·8·3 = 192  (Softmax)",
            "receptive field = the whole input  (Softmax mixes every position)",
        ),
    ),
    (
        [8, 8, 3],
        {"type": "Softmax", "axis": [1, 2]},
        (
            "ops = 8·8·3 = 192  (Softmax)",
            "receptive field = the whole input  (Softmax mixes every position)",
        ),
    ),
    ([4, 5], {"type": "Activation"}, ("receptive field unchanged: 1 (S 1, P 0)",)),
    (
        [8, 8, 3],
        {"type": "SpatialDropout2D", "rate": 0.2},
        ("receptive field unchanged: 1×1 (S 1, P 0)",),
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "lines"), COST_LINES)
def test_core_cost_working_by_hand(
    input_shape: list[Any], layer: dict[str, Any], lines: tuple[str, ...]
) -> None:
    assert row_of(input_shape, layer).cost_working == lines


def test_an_input_layer_declares_its_shape() -> None:
    row = cnncalc.analyze({"layers": [{"type": "InputLayer", "shape": [28, 28, 1]}]})[0]
    assert row.output_shape == (28, 28, 1)
    assert row.working == ("output = the declared shape (28, 28, 1)",)


def test_flatten_of_a_scalar_per_sample_is_one_value() -> None:
    """Keras 3: Input(shape=()) flattens to (batch, 1)."""
    row = after_input([], {"type": "Flatten"})
    assert (row.output_shape, row.working) == ((1,), ("output = 1 = 1",))


# (spec, the error a user sees) — exact words, with the numbers worked by hand.
REFUSALS: list[tuple[dict[str, Any], str]] = [
    (
        {"input_shape": [7, None], "layers": [{"type": "Dense", "units": 2}]},
        "layer 0 'dense' (Dense): the last axis of (None, 7, None) must be known to count weights",
    ),
    (
        {"layers": [{"type": "InputLayer", "shape": []}, {"type": "Dense", "units": 2}]},
        "layer 1 'dense' (Dense): Dense needs an input with at least one axis besides the batch",
    ),
    # 4·6 = 24 and 24 mod 5 = 4
    (
        {"input_shape": [4, 6], "layers": [{"type": "Reshape", "target_shape": [5, -1]}]},
        "layer 0 'reshape' (Reshape): cannot reshape 4·6 = 24 values into (5, -1): 24 is not a "
        "multiple of 5",
    ),
    # 5·5 = 25 ≠ 24
    (
        {"input_shape": [4, 6], "layers": [{"type": "Reshape", "target_shape": [5, 5]}]},
        "layer 0 'reshape' (Reshape): cannot reshape 4·6 = 24 values into (5, 5): 5·5 = 25",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "shape": [3], "name": "a"},
                {"type": "InputLayer", "shape": [3], "inputs": ["a"]},
            ]
        },
        "layer 1 'input_layer' (InputLayer): an InputLayer reads no other layer; remove its "
        "`inputs`",
    ),
    (
        {"input_shape": [8, 3], "layers": [{"type": "SpatialDropout2D", "rate": 0.5}]},
        "layer 0 'spatial_dropout2d' (SpatialDropout2D): SpatialDropout2D expects a 4-D input "
        "(batch, height, width, channels), got (None, 8, 3)",
    ),
]


@pytest.mark.parametrize(("spec", "message"), REFUSALS)
def test_core_refusals_say_why(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        cnncalc.analyze(spec)
