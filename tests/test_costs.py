"""Multiply-accumulates: published figures exactly, and every layer kind against counts made
independently of cnncalc (TensorFlow's own flop statistics of the built Keras graph, and
Keras's real weights times Keras's real output positions)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnncalc

PRESETS = Path(cnncalc.__file__).parent / "presets"


@pytest.mark.parametrize(
    ("preset", "macs", "source"),
    [
        # torchvision's VGG16_Weights meta: 15.47 GFLOPS (its FLOPS are MACs), fvcore/ptflops
        # count 15,470,264,320 for the same 224×224 network (conv + the three Dense layers).
        ("vgg16", 15_470_264_320, "torchvision vgg16"),
        # He et al. 2016: "3.8 × 10⁹ FLOPs (multiply-adds)"; Keras puts the stride in the 1×1.
        ("resnet50", 3_857_973_248, "ResNet paper, Keras's ResNet50"),
    ],
)
def test_published_totals_of_the_presets(preset: str, macs: int, source: str) -> None:
    assert cnncalc.analyze(preset).total_macs == macs, source


def test_torchvision_resnet50_puts_the_stride_in_the_3x3() -> None:
    """torchvision's ResNet-50 v1.5: 4.09 GFLOPS (4,089,184,256 MACs in fvcore/ptflops)."""
    spec = json.loads((PRESETS / "resnet50.json").read_text())
    for layer in spec["layers"]:
        name = layer.get("name", "")
        if name[:5] in ("conv3", "conv4", "conv5") and name[5:] == "_block1_1_conv":
            layer["strides"] = 1
        if name[:5] in ("conv3", "conv4", "conv5") and name[5:] == "_block1_2_conv":
            layer["strides"] = 2
    assert cnncalc.analyze(spec).total_macs == 4_089_184_256


@pytest.mark.parametrize(
    ("application", "macs"),
    [
        ("MobileNet", 568_740_352),  # Howard et al. 2017, Table 8: 569 million Mult-Adds
        ("MobileNetV2", 300_774_272),  # Sandler et al. 2018, Table 4: 300 million
    ],
)
def test_published_totals_of_keras_applications(keras: Any, application: str, macs: int) -> None:
    model = getattr(keras.applications, application)(weights=None)
    assert cnncalc.analyze(model).total_macs == macs


def test_flops_are_twice_the_macs_everywhere() -> None:
    result = cnncalc.analyze("mnist")
    assert result.total_flops == 2 * result.total_macs
    assert all(row.flops == 2 * row.macs for row in result)


def test_the_working_shows_the_arithmetic() -> None:
    row = cnncalc.analyze("mnist")["conv2d"]
    assert "macs = 26·26·32 · 3·3·1 = 194688" in row.cost_working
    assert "ops = 26·26·32 · 2 = 43264  (bias additions + relu)" in row.cost_working


# One layer each: (kind, arguments, input shape). The bias stays on: MACs must ignore it.
KINDS: list[tuple[str, dict[str, Any], list[int]]] = [
    ("Conv1D", {"filters": 8, "kernel_size": 3}, [12, 4]),
    ("Conv1D", {"filters": 8, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, [12, 4]),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}, [9, 9, 4]),
    ("Conv2D", {"filters": 8, "kernel_size": [3, 5], "use_bias": False}, [9, 11, 4]),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "groups": 2}, [9, 9, 4]),
    ("Conv2D", {"filters": 8, "kernel_size": 3, "dilation_rate": 2}, [9, 9, 4]),
    ("Conv3D", {"filters": 4, "kernel_size": 2}, [5, 5, 5, 2]),
    ("DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2}, [9, 4]),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, [9, 9, 4]),
    ("SeparableConv1D", {"filters": 8, "kernel_size": 3}, [9, 4]),
    ("SeparableConv2D", {"filters": 8, "kernel_size": 3, "depth_multiplier": 2}, [9, 9, 4]),
    (
        "Conv2DTranspose",
        {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"},
        [5, 5, 4],
    ),
    ("Conv2DTranspose", {"filters": 8, "kernel_size": 3, "strides": 2}, [5, 5, 4]),
    ("Conv1DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2}, [6, 3]),
    ("Conv3DTranspose", {"filters": 4, "kernel_size": 2, "strides": 2}, [3, 3, 3, 2]),
    ("Dense", {"units": 7}, [5]),
    ("Dense", {"units": 7}, [3, 5]),
]

WEIGHT_OPS = {
    "Conv2D",
    "Conv3D",
    "DepthwiseConv2dNative",
    "MatMul",
    "BatchMatMulV2",
    "Conv2DBackpropInput",
}
"""TensorFlow ops that multiply by weights (their flop statistics are 2 per multiply-add)."""


def one_layer_model(keras: Any, kind: str, arguments: dict[str, Any], shape: list[int]) -> Any:
    inputs = keras.Input(tuple(shape))
    return keras.Model(inputs, getattr(keras.layers, kind)(**arguments)(inputs))


def tensorflow_flops(model: Any, shape: list[int]) -> dict[str, int]:
    """Flops per TensorFlow op type, from TensorFlow's registered statistics (what its
    profiler sums), for one sample of the model's inference graph."""
    import tensorflow as tf
    from tensorflow.python.framework import ops as tf_ops

    function = tf.function(lambda x: model(x, training=False))
    graph = function.get_concrete_function(tf.TensorSpec((1, *shape), tf.float32)).graph
    flops: dict[str, int] = {}
    for op in graph.get_operations():
        try:
            value = tf_ops.get_stats_for_node_def(graph, op.node_def, "flops").value
        except ValueError:
            continue
        if value:
            flops[op.type] = flops.get(op.type, 0) + int(value)
    return flops


def profiled(kind: str, arguments: dict[str, Any]) -> bool:
    """TensorFlow counts the graph it runs: grouped convolutions have no statistics,
    dilated ones run on a padded space-to-batch tensor, and 'valid' transposed convolutions
    are counted over the output, so those are checked by the weights oracle only."""
    transposed = kind.endswith("Transpose")
    return not (
        arguments.get("groups", 1) > 1
        or arguments.get("dilation_rate", 1) > 1
        or (transposed and (arguments.get("padding") != "same" or kind != "Conv2DTranspose"))
    )


@pytest.mark.parametrize(("kind", "arguments", "shape"), KINDS)
def test_macs_are_half_tensorflows_flops(
    keras: Any, kind: str, arguments: dict[str, Any], shape: list[int]
) -> None:
    if not profiled(kind, arguments):
        pytest.skip("TensorFlow's statistics count another graph (see profiled)")
    model = one_layer_model(keras, kind, arguments, shape)
    flops = tensorflow_flops(model, shape)
    row = cnncalc.analyze({"input_shape": shape, "layers": [{"type": kind, **arguments}]})[0]
    assert row.macs == sum(v for k, v in flops.items() if k in WEIGHT_OPS) // 2
    if arguments.get("use_bias", True) and "BiasAdd" in flops:
        assert row.ops == flops["BiasAdd"]  # one addition per output element


def weights_oracle(model: Any) -> int:
    """Keras's real kernels times the positions they are applied at: a convolution's kernel
    at every output position (a transposed one's at every input position), a depthwise and a
    pointwise kernel each at every output position, a Dense kernel at every leading index."""
    layer = model.layers[-1]
    inputs, outputs = tuple(layer.input.shape[1:]), tuple(layer.output.shape[1:])
    kernels = {w.path.rsplit("/", 1)[-1]: math.prod(w.shape) for w in layer.weights}
    name = type(layer).__name__
    if name.endswith("Transpose"):
        return math.prod(inputs[:-1]) * kernels["kernel"]
    positions = math.prod(outputs[:-1])
    if name.startswith("Separable"):
        return positions * (kernels["depthwise_kernel"] + kernels["pointwise_kernel"])
    if name.startswith("Depthwise"):
        return positions * kernels["kernel"]
    return positions * kernels["kernel"]


@pytest.mark.parametrize(("kind", "arguments", "shape"), KINDS)
def test_macs_are_keras_weights_times_positions(
    keras: Any, kind: str, arguments: dict[str, Any], shape: list[int]
) -> None:
    model = one_layer_model(keras, kind, arguments, shape)
    row = cnncalc.analyze({"input_shape": shape, "layers": [{"type": kind, **arguments}]})[0]
    assert row.macs == weights_oracle(model)


@pytest.mark.parametrize(
    ("layer", "shape", "ops"),
    [
        # hand counts: K − 1 comparisons per 2×2 window; K − 1 additions + 1 division
        ({"type": "MaxPooling2D"}, [8, 8, 3], 4 * 4 * 3 * (2 * 2 - 1)),
        ({"type": "AveragePooling2D"}, [8, 8, 3], 4 * 4 * 3 * (2 * 2)),
        ({"type": "GlobalMaxPooling2D"}, [8, 8, 3], 3 * (8 * 8 - 1)),
        ({"type": "GlobalAveragePooling2D"}, [8, 8, 3], 3 * 8 * 8),
        ({"type": "BatchNormalization"}, [4, 4, 3], 2 * 4 * 4 * 3),  # scale and shift
        ({"type": "ReLU"}, [4, 4, 3], 4 * 4 * 3),
        ({"type": "Dropout", "rate": 0.5}, [4, 4, 3], 0),  # nothing at inference
        ({"type": "Flatten"}, [4, 4, 3], 0),
    ],
)
def test_elementwise_ops_by_hand(layer: dict[str, Any], shape: list[int], ops: int) -> None:
    row = cnncalc.analyze({"input_shape": shape, "layers": [layer]})[0]
    assert (row.macs, row.ops) == (0, ops)


def test_merges_count_one_operation_per_extra_operand() -> None:
    spec = {
        "input_shape": [4, 4, 3],
        "layers": [
            {"type": "ReLU", "name": "a"},
            {"type": "ReLU", "name": "b", "inputs": ["input"]},
            {"type": "Add", "name": "sum", "inputs": ["a", "b", "input"]},
            {"type": "Average", "name": "mean", "inputs": ["a", "b"]},
            {"type": "Concatenate", "name": "joined", "inputs": ["a", "b"]},
        ],
    }
    result = cnncalc.analyze(spec)
    assert result["sum"].ops == 2 * 4 * 4 * 3
    assert result["mean"].ops == 2 * 4 * 4 * 3  # one addition and one division
    assert result["joined"].ops == 0


def test_unknown_sizes_give_unknown_costs() -> None:
    spec = {
        "input_shape": [None, None, 3],
        "layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3}],
    }
    result = cnncalc.analyze(spec)
    assert result[0].macs is None and result.total_macs is None
    assert "macs = ?·?·4 · 3·3·3 = ? (a size is unknown)" in result[0].cost_working


@given(
    size=st.integers(4, 12),
    kernel=st.integers(1, 4),
    filters=st.integers(1, 5),
    depth=st.integers(1, 4),
)
def test_the_bias_changes_ops_never_macs(size: int, kernel: int, filters: int, depth: int) -> None:
    def row(use_bias: bool) -> cnncalc.LayerRow:
        layer = {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "use_bias": use_bias}
        return cnncalc.analyze({"input_shape": [size, size, depth], "layers": [layer]})[0]

    with_bias, without = row(True), row(False)
    assert with_bias.macs == without.macs
    assert with_bias.ops - without.ops == with_bias.activations
