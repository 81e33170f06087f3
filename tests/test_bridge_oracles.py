"""cnncalc against Keras models it did not build: Keras's names, literal padding, own wiring.

The oracle (tests/keras_oracle.py) builds each spec with keras.layers directly, without
cnncalc's auto-names, padding resolution or wiring. Explicit padding — which Keras lacks — is
compared with Keras models whose ZeroPadding/Cropping layers are written out below by hand,
and with the sizes worked by hand from the lecture and Dumoulin & Visin.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest

import cnncalc

from .conftest import needs_keras
from .keras_oracle import assert_same_network

pytestmark = needs_keras

# Unnamed layers of many kinds, several twice: Keras counts conv2d, conv2d_1, … itself.
IMAGE_NETWORK = {
    "input_shape": [16, 16, 3],
    "layers": [
        {"type": "ZeroPadding2D", "padding": 1},
        {"type": "Conv2D", "filters": 4, "kernel_size": 3},
        {"type": "BatchNormalization"},
        {"type": "ReLU"},
        {"type": "DepthwiseConv2D", "kernel_size": 3, "padding": "same"},
        {"type": "SeparableConv2D", "filters": 6, "kernel_size": 3},
        {"type": "Conv2DTranspose", "filters": 4, "kernel_size": 3, "strides": 2},
        {"type": "Conv2DTranspose", "filters": 4, "kernel_size": 2},
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "strides": 2},
        {"type": "LeakyReLU"},
        {"type": "MaxPooling2D"},
        {"type": "AveragePooling2D", "pool_size": 1},
        {"type": "UpSampling2D"},
        {"type": "Cropping2D", "cropping": 1},
        {"type": "SpatialDropout2D", "rate": 0.1},
        {"type": "BatchNormalization", "trainable": False},
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 5},
        {"type": "Dropout", "rate": 0.5},
        {"type": "Dense", "units": 2},
        {"type": "Softmax"},
    ],
}
SEQUENCE_NETWORK = {
    "input_shape": [40, 3],
    "layers": [
        {"type": "Conv1D", "filters": 4, "kernel_size": 3},
        {"type": "SeparableConv1D", "filters": 6, "kernel_size": 3},
        {"type": "DepthwiseConv1D", "kernel_size": 3},
        {"type": "Conv1DTranspose", "filters": 2, "kernel_size": 3},
        {"type": "MaxPooling1D"},
        {"type": "ZeroPadding1D"},
        {"type": "LayerNormalization"},
        {"type": "SeparableConv1D", "filters": 3, "kernel_size": 2},
        {"type": "GlobalMaxPooling1D"},
    ],
}
# A residual block and a concatenation wired by Keras's auto-names.
WIRED_NETWORK = {
    "input_shape": [8, 8, 4],
    "layers": [
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same"},
        {"type": "Conv2D", "filters": 4, "kernel_size": 1, "inputs": ["input"]},
        {"type": "Add", "inputs": ["conv2d", "conv2d_1"]},
        {"type": "Conv2D", "filters": 2, "kernel_size": 1, "inputs": ["conv2d"]},
        {"type": "Concatenate", "inputs": ["add", "conv2d_2", "input"]},
        {"type": "Subtract", "inputs": ["conv2d_1", "add"]},
        {"type": "Multiply", "inputs": ["subtract", "conv2d"]},
    ],
}


@pytest.mark.parametrize(
    "spec", [IMAGE_NETWORK, SEQUENCE_NETWORK, WIRED_NETWORK], ids=["image", "sequence", "wired"]
)
def test_names_order_wiring_and_counts_match_a_keras_built_model(
    keras: Any, spec: dict[str, Any]
) -> None:
    assert_same_network(keras, spec)


def test_the_auto_names_are_keras_own() -> None:
    """Spelled out, so that a wrong snake-casing shows as itself."""
    names = [row.name for row in cnncalc.analyze(IMAGE_NETWORK)]
    assert names[6:8] == ["conv2d_transpose", "conv2d_transpose_1"]
    assert names[:5] == [
        "zero_padding2d",
        "conv2d",
        "batch_normalization",
        "re_lu",
        "depthwise_conv2d",
    ]
    assert "global_average_pooling2d" in names
    assert "separable_conv2d" in names
    assert [row.name for row in cnncalc.analyze(SEQUENCE_NETWORK)][1] == "separable_conv1d"


Literal = Callable[[Any], list[Any]]
PAIRS = [[1, 2], [0, 3]]  # [before, after] per axis

# (input shape, cnncalc layer, the Keras layers that mean the same written by hand, the
#  output size per spatial axis worked by hand)
EXPLICIT: list[tuple[list[int], dict[str, Any], Literal, tuple[int, ...]]] = [
    (  # lecture: ⌊(5 + 2·1 − 3)/1⌋ + 1 = 5
        [5, 5, 1],
        {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": 1},
        lambda k: [k.layers.ZeroPadding2D(1), k.layers.Conv2D(2, 3)],
        (5, 5),
    ),
    (  # per-axis pairs: height ⌊(8 + 1 + 2 − 3)/2⌋ + 1 = 5, width ⌊(8 + 0 + 3 − 3)/2⌋ + 1 = 5
        [8, 8, 3],
        {
            "type": "Conv2D",
            "filters": 2,
            "kernel_size": 3,
            "strides": 2,
            "padding": [[1, 2], [0, 3]],
        },
        lambda k: [k.layers.ZeroPadding2D(((1, 2), (0, 3))), k.layers.Conv2D(2, 3, strides=2)],
        (5, 5),
    ),
    (  # one int per axis: height ⌊(6 + 2·2 − 3)/1⌋ + 1 = 8, width ⌊(6 + 0 − 3)/1⌋ + 1 = 4
        [6, 6, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": [2, 0]},
        lambda k: [k.layers.ZeroPadding2D((2, 0)), k.layers.Conv2D(1, 3)],
        (8, 4),
    ),
    (  # 'full' with dilation 2: the dilated span is 5, so 4 zeros each side: 7 + 8 − 5 + 1 = 11
        [7, 7, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "dilation_rate": 2, "padding": "full"},
        lambda k: [k.layers.ZeroPadding2D(4), k.layers.Conv2D(1, 3, dilation_rate=2)],
        (11, 11),
    ),
    (  # Dumoulin & Visin fig. 2.4, full padding: 5 + 2·2 − 3 + 1 = 7
        [5, 5, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": "full"},
        lambda k: [k.layers.ZeroPadding2D(2), k.layers.Conv2D(1, 3)],
        (7, 7),
    ),
    (  # pooling with padding 1: ⌊(7 + 2 − 2)/2⌋ + 1 = 4
        [7, 7, 2],
        {"type": "MaxPooling2D", "pool_size": 2, "padding": 1},
        lambda k: [k.layers.ZeroPadding2D(1), k.layers.MaxPooling2D(2)],
        (4, 4),
    ),
    (  # Conv1D [before, after] = [0, 2]: ⌊(10 + 0 + 2 − 4)/1⌋ + 1 = 9
        [10, 2],
        {"type": "Conv1D", "filters": 3, "kernel_size": 4, "padding": [[0, 2]]},
        lambda k: [k.layers.ZeroPadding1D((0, 2)), k.layers.Conv1D(3, 4)],
        (9,),
    ),
    (  # D&V fig. 4.7: 2·(3 − 1) + 1 + 3 − 2·1 = 6 (Keras: valid gives 8, cropped 1 each side)
        [3, 3, 1],
        {
            "type": "Conv2DTranspose",
            "filters": 1,
            "kernel_size": 3,
            "strides": 2,
            "padding": 1,
            "output_padding": 1,
        },
        lambda k: [
            k.layers.Conv2DTranspose(1, 3, strides=2, output_padding=1),
            k.layers.Cropping2D(1),
        ],
        (6, 6),
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "literal", "by_hand"),
    EXPLICIT,
    ids=[f"{layer['type']}-{layer['padding']}" for _, layer, _, _ in EXPLICIT],
)
def test_explicit_padding_equals_keras_written_by_hand(
    keras: Any,
    input_shape: list[int],
    layer: dict[str, Any],
    literal: Literal,
    by_hand: tuple[int, ...],
) -> None:
    row = cnncalc.analyze({"input_shape": input_shape, "layers": [layer]})[0]
    assert row.output_shape[:-1] == by_hand
    x = inputs = keras.Input(shape=tuple(input_shape))
    layers = literal(keras)
    for keras_layer in layers:
        x = keras_layer(x)
    keras.Model(inputs, x)
    assert row.output_shape == tuple(x.shape[1:])
    assert row.params == sum(k.count_params() for k in layers if k.weights)
    assert row.params == sum(math.prod(w.shape) for k in layers for w in k.weights)
