"""Every layer kind, several configurations each (the awkward ones too), against real Keras."""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.layers import REGISTRY

from .conftest import assert_matches_keras

CF = {"data_format": "channels_first"}

# (input_shape, layer arguments): each becomes a one-layer spec built in Keras and in cnncalc.
SINGLE: list[tuple[list[int], dict[str, Any]]] = [
    # Conv1D/2D/3D: valid, same with stride on odd sizes, dilation, groups, causal, no bias
    ([28, 28, 1], {"type": "Conv2D", "filters": 32, "kernel_size": 3}),
    ([13, 13, 32], {"type": "Conv2D", "filters": 64, "kernel_size": [3, 3]}),
    (
        [7, 9, 3],
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"},
    ),
    ([7, 9, 3], {"type": "Conv2D", "filters": 4, "kernel_size": [2, 4], "strides": [3, 2]}),
    ([15, 15, 2], {"type": "Conv2D", "filters": 3, "kernel_size": 3, "dilation_rate": 3}),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 6, "kernel_size": 3, "groups": 2, "padding": "same"},
    ),
    (
        [15, 15, 8],
        {"type": "Conv2D", "filters": 8, "kernel_size": 1, "groups": 8, "use_bias": False},
    ),
    (
        [11, 11, 3],
        {"type": "Conv2D", "filters": 5, "kernel_size": 5, "strides": 3, "padding": "same"},
    ),
    ([3, 16, 16], {"type": "Conv2D", "filters": 8, "kernel_size": 3, "strides": 2, **CF}),
    ([3, 17, 16], {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", **CF}),
    ([50, 4], {"type": "Conv1D", "filters": 8, "kernel_size": 5}),
    (
        [50, 4],
        {"type": "Conv1D", "filters": 8, "kernel_size": 5, "padding": "causal", "dilation_rate": 2},
    ),
    ([51, 4], {"type": "Conv1D", "filters": 8, "kernel_size": 4, "strides": 3, "padding": "same"}),
    ([4, 51], {"type": "Conv1D", "filters": 2, "kernel_size": 4, **CF}),
    ([9, 10, 11, 2], {"type": "Conv3D", "filters": 4, "kernel_size": 3}),
    (
        [9, 10, 11, 2],
        {"type": "Conv3D", "filters": 4, "kernel_size": [3, 2, 1], "strides": 2, "padding": "same"},
    ),
    ([9, 10, 11, 4], {"type": "Conv3D", "filters": 4, "kernel_size": 2, "groups": 2}),
    # Transposed convolutions, with and without output_padding
    ([7, 7, 16], {"type": "Conv2DTranspose", "filters": 8, "kernel_size": 3, "strides": 2}),
    (
        [7, 7, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
        },
    ),
    (
        [7, 7, 16],
        {
            "type": "Conv2DTranspose",
            "filters": 8,
            "kernel_size": 3,
            "strides": 2,
            "output_padding": 1,
        },
    ),
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
    ),
    ([7, 7, 4], {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 2, "strides": 4}),
    (
        [7, 7, 4],
        {
            "type": "Conv2DTranspose",
            "filters": 2,
            "kernel_size": 3,
            "dilation_rate": 2,
            "use_bias": False,
        },
    ),
    ([4, 7, 7], {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "strides": 2, **CF}),
    ([10, 3], {"type": "Conv1DTranspose", "filters": 5, "kernel_size": 4, "strides": 2}),
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
    ),
    ([3, 4, 5, 2], {"type": "Conv3DTranspose", "filters": 3, "kernel_size": 2, "strides": 2}),
    (
        [3, 4, 5, 2],
        {
            "type": "Conv3DTranspose",
            "filters": 3,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
        },
    ),
    # Depthwise and separable
    ([14, 14, 8], {"type": "DepthwiseConv2D", "kernel_size": 3}),
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
    ),
    ([8, 14, 14], {"type": "DepthwiseConv2D", "kernel_size": 5, **CF}),
    ([30, 6], {"type": "DepthwiseConv1D", "kernel_size": 4, "depth_multiplier": 2}),
    ([14, 14, 8], {"type": "SeparableConv2D", "filters": 16, "kernel_size": 3}),
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
    ),
    (
        [15, 14, 8],
        {
            "type": "SeparableConv2D",
            "filters": 4,
            "kernel_size": 3,
            "use_bias": False,
            "dilation_rate": 2,
        },
    ),
    ([30, 6], {"type": "SeparableConv1D", "filters": 7, "kernel_size": 3, "padding": "same"}),
    # Pooling: strides default to the pool size; same on odd sizes
    ([26, 26, 32], {"type": "MaxPooling2D", "pool_size": [2, 2]}),
    ([11, 11, 64], {"type": "MaxPooling2D", "pool_size": 2}),
    ([11, 13, 3], {"type": "MaxPooling2D", "pool_size": 3, "strides": 2}),
    ([11, 13, 3], {"type": "MaxPooling2D", "pool_size": 2, "padding": "same"}),
    ([3, 11, 13], {"type": "MaxPooling2D", "pool_size": 2, **CF}),
    ([11, 13, 3], {"type": "AveragePooling2D", "pool_size": [3, 2], "strides": [1, 2]}),
    ([11, 13, 3], {"type": "AveragePooling2D", "pool_size": 3, "strides": 2, "padding": "same"}),
    ([25, 3], {"type": "MaxPooling1D"}),
    ([25, 3], {"type": "MaxPooling1D", "pool_size": 4, "strides": 3, "padding": "same"}),
    ([25, 3], {"type": "AveragePooling1D", "pool_size": 3}),
    ([7, 9, 11, 2], {"type": "MaxPooling3D"}),
    ([7, 9, 11, 2], {"type": "AveragePooling3D", "pool_size": [3, 2, 2], "padding": "same"}),
    ([9, 9, 5], {"type": "GlobalAveragePooling2D"}),
    ([9, 9, 5], {"type": "GlobalMaxPooling2D", "keepdims": True}),
    ([5, 9, 9], {"type": "GlobalAveragePooling2D", "keepdims": True, **CF}),
    ([9, 5], {"type": "GlobalAveragePooling1D"}),
    ([9, 5], {"type": "GlobalMaxPooling1D", "keepdims": True}),
    ([4, 5, 6, 3], {"type": "GlobalAveragePooling3D"}),
    ([4, 5, 6, 3], {"type": "GlobalMaxPooling3D", "keepdims": True}),
    # Core
    ([1600], {"type": "Dense", "units": 10}),
    ([5, 5, 64], {"type": "Dense", "units": 7}),
    ([3, 4], {"type": "Dense", "units": 2, "use_bias": False}),
    ([5, 5, 64], {"type": "Flatten"}),
    ([64, 5, 5], {"type": "Flatten", **CF}),
    ([1600], {"type": "Dropout", "rate": 0.5}),
    ([12, 12, 3], {"type": "Reshape", "target_shape": [144, 3]}),
    ([12, 12, 3], {"type": "Reshape", "target_shape": [-1, 6]}),
    ([20, 8], {"type": "SpatialDropout1D", "rate": 0.2}),
    ([9, 9, 8], {"type": "SpatialDropout2D", "rate": 0.2}),
    ([4, 5, 6, 8], {"type": "SpatialDropout3D", "rate": 0.2}),
    ([9, 9, 8], {"type": "Activation", "activation": "relu"}),
    ([9, 9, 8], {"type": "ReLU", "max_value": 6.0}),
    ([9, 9, 8], {"type": "LeakyReLU", "negative_slope": 0.1}),
    ([10], {"type": "Softmax"}),
    ([32, 32, 3], {"type": "Rescaling", "scale": 0.00392156862745098}),
    # Normalization
    ([9, 9, 8], {"type": "BatchNormalization"}),
    ([8, 9, 9], {"type": "BatchNormalization", "axis": 1}),
    ([9, 9, 8], {"type": "BatchNormalization", "center": False}),
    ([9, 9, 8], {"type": "BatchNormalization", "scale": False, "trainable": False}),
    ([10, 16], {"type": "LayerNormalization"}),
    ([10, 16], {"type": "LayerNormalization", "axis": [1, 2]}),
    ([10, 16], {"type": "LayerNormalization", "center": False}),
    ([10, 16], {"type": "LayerNormalization", "rms_scaling": True}),
    ([9, 9, 3], {"type": "Normalization"}),
    ([9, 9, 3], {"type": "Normalization", "axis": None}),
    ([4, 9, 3], {"type": "Normalization", "axis": [1, 2]}),
    ([9, 9, 3], {"type": "Normalization", "mean": [1, 2, 3], "variance": [1, 1, 1]}),
    # Zero-padding, cropping, up-sampling
    ([28, 28, 1], {"type": "ZeroPadding2D"}),
    ([28, 28, 1], {"type": "ZeroPadding2D", "padding": [[1, 2], [3, 0]]}),
    ([1, 28, 27], {"type": "ZeroPadding2D", "padding": [2, 1], **CF}),
    ([20, 3], {"type": "ZeroPadding1D", "padding": [2, 5]}),
    ([4, 5, 6, 1], {"type": "ZeroPadding3D", "padding": [1, 0, 2]}),
    ([28, 28, 1], {"type": "Cropping2D", "cropping": [[1, 2], [3, 0]]}),
    ([28, 28, 1], {"type": "Cropping2D", "cropping": 4}),
    ([20, 3], {"type": "Cropping1D"}),
    ([20, 3], {"type": "Cropping1D", "cropping": [0, 5]}),
    ([6, 7, 8, 1], {"type": "Cropping3D"}),
    ([6, 7, 8, 1], {"type": "Cropping3D", "cropping": [[0, 1], [2, 2], [1, 0]]}),
    ([10, 3], {"type": "UpSampling1D", "size": 3}),
    ([7, 5, 3], {"type": "UpSampling2D"}),
    ([7, 5, 3], {"type": "UpSampling2D", "size": [3, 1], "interpolation": "bilinear"}),
    ([3, 7, 5], {"type": "UpSampling2D", "size": 2, **CF}),
    ([2, 3, 4, 1], {"type": "UpSampling3D", "size": [1, 2, 3]}),
]


def single_spec(input_shape: list[int], layer: dict[str, Any]) -> dict[str, Any]:
    return {"input_shape": input_shape, "layers": [{**layer, "name": "under_test"}]}


@pytest.mark.parametrize(
    ("input_shape", "layer"),
    SINGLE,
    ids=[f"{layer['type']}-{i}" for i, (_, layer) in enumerate(SINGLE)],
)
def test_single_layer_matches_keras(input_shape: list[int], layer: dict[str, Any]) -> None:
    assert_matches_keras(single_spec(input_shape, layer))


def merge_spec(kind: str, shapes: list[list[int]], **arguments: Any) -> dict[str, Any]:
    inputs = [{"type": "InputLayer", "shape": s, "name": f"in{i}"} for i, s in enumerate(shapes)]
    names = [layer["name"] for layer in inputs]
    return {"layers": [*inputs, {"type": kind, "inputs": names, "name": "under_test", **arguments}]}


MERGES = [
    ("Add", [[8, 8, 4], [8, 8, 4]], {}),
    ("Add", [[8, 8, 4], [8, 8, 4], [8, 8, 4]], {}),
    ("Add", [[8, 8, 4], [1, 1, 4]], {}),
    ("Subtract", [[5, 3], [5, 3]], {}),
    ("Multiply", [[8, 8, 4], [1, 1, 4]], {}),
    ("Multiply", [[8, 8, 4], [4]], {}),
    ("Average", [[6], [6]], {}),
    ("Maximum", [[2, 6], [2, 6]], {}),
    ("Minimum", [[2, 6], [1, 6]], {}),
    ("Concatenate", [[8, 8, 4], [8, 8, 6]], {}),
    ("Concatenate", [[8, 8, 4], [8, 3, 4], [8, 1, 4]], {"axis": 2}),
    ("Concatenate", [[2, 8, 8], [5, 8, 8]], {"axis": 1}),
    ("Concatenate", [[7, 3], [7, 3]], {"axis": -2}),
]


@pytest.mark.parametrize(("kind", "shapes", "arguments"), MERGES)
def test_merge_matches_keras(kind: str, shapes: list[list[int]], arguments: dict[str, Any]) -> None:
    assert_matches_keras(merge_spec(kind, shapes, **arguments))


def test_every_layer_kind_is_compared_with_keras() -> None:
    compared = {layer["type"] for _, layer in SINGLE} | {kind for kind, _, _ in MERGES}
    compared.add("InputLayer")  # every merge case declares its inputs with InputLayer
    # Compared in tests/test_keras_import.py, on models Keras builds (applications, nesting):
    compared |= {"LayerScale", "CustomScaleLayer", "Sequential", "Functional", "Lambda"}
    assert set(REGISTRY) - compared == set()


def test_dense_on_a_4d_input_applies_to_the_last_axis() -> None:
    analysis = assert_matches_keras(single_spec([5, 5, 64], {"type": "Dense", "units": 7}))
    assert analysis[0].output_shape == (5, 5, 7)
    assert analysis[0].params == (64 + 1) * 7
