"""Costs of the layer kinds beyond convolution and Dense (recurrent, attention, EinsumDense,
ConvLSTM, wrappers, spectrograms, adaptive pooling, normalizations, augmentations), each
against a count made without cnncalc: TensorFlow's flop statistics of the built Keras graph
(halved), Keras's real weight shapes times the positions they are applied at, the published
formulas written out here, and Keras's own behaviour (which inputs move which outputs)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc.layers.base import Layer
from cnncalc.layers.registry import REGISTRY

from .test_costs import WEIGHT_OPS, tensorflow_flops


def row_of(layer: dict[str, Any], shape: list[int | None]) -> cnncalc.LayerRow:
    """The layer's row in cnncalc; attention reads the input as both query and value."""
    if layer["type"].endswith("Attention"):
        layer = {**layer, "inputs": ["input", "input"]}
    return cnncalc.analyze({"input_shape": shape, "layers": [layer]})[0]


def built(keras: Any, layer: dict[str, Any], shape: list[int]) -> Any:
    """The one-layer Keras model of a spec layer (built by Keras itself, not by cnncalc)."""
    arguments = {k: v for k, v in layer.items() if k != "type"}
    for field in ("layer", "cell"):
        if isinstance(arguments.get(field), dict):
            inner = dict(arguments[field])
            arguments[field] = getattr(keras.layers, inner.pop("type"))(**inner)
    inputs = keras.Input(tuple(shape))
    kind = {"GroupedQueryAttention": "GroupQueryAttention"}.get(layer["type"], layer["type"])
    made = getattr(keras.layers, kind)(**arguments)
    outputs = made(inputs, inputs) if layer["type"].endswith("Attention") else made(inputs)
    return keras.Model(inputs, outputs)


# (layer, input shape, MACs that TensorFlow's graph computes without statistics: einsums)
PROFILED: list[tuple[dict[str, Any], list[int], int]] = [
    # recurrent layers unrolled, so that every step's MatMul is in the graph
    ({"type": "LSTM", "units": 6, "unroll": True}, [5, 3], 0),
    ({"type": "GRU", "units": 6, "unroll": True}, [5, 3], 0),
    ({"type": "GRU", "units": 6, "unroll": True, "reset_after": False}, [5, 3], 0),
    ({"type": "SimpleRNN", "units": 6, "unroll": True, "return_sequences": True}, [5, 3], 0),
    (
        {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4, "unroll": True}},
        [5, 3],
        0,
    ),
    ({"type": "TimeDistributed", "layer": {"type": "Dense", "units": 5}}, [6, 3], 0),
    (
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 2, "kernel_size": 3}},
        [3, 6, 6, 2],
        0,
    ),
    ({"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3, "unroll": True}, [3, 6, 6, 2], 0),
    (
        {"type": "ConvLSTM1D", "filters": 3, "kernel_size": 2, "unroll": True, "padding": "same"},
        [4, 7, 2],
        0,
    ),
    ({"type": "EinsumDense", "equation": "abc,cde->abde", "output_shape": [4, 2, 6]}, [4, 8], 0),
    ({"type": "STFTSpectrogram", "frame_length": 64}, [1000, 2], 0),
    ({"type": "STFTSpectrogram", "frame_length": 32, "mode": "stft"}, [300, 1], 0),
    # TensorFlow has no statistics for Einsum: QKᵀ and attention·V are added by hand,
    # heads·Tq·Tk·key_dim + heads·Tq·Tk·value_dim (Vaswani et al. 2017, section 3.2)
    (
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 4},
        [5, 8],
        2 * 5 * 5 * 4 + 2 * 5 * 5 * 4,
    ),
    (
        {"type": "MultiHeadAttention", "num_heads": 3, "key_dim": 4, "value_dim": 2},
        [6, 5],
        3 * 6 * 6 * 4 + 3 * 6 * 6 * 2,
    ),
    (
        {
            "type": "GroupedQueryAttention",
            "head_dim": 4,
            "num_query_heads": 4,
            "num_key_value_heads": 2,
        },
        [5, 8],
        4 * 5 * 5 * 4 + 4 * 5 * 5 * 4,
    ),
]


@pytest.mark.parametrize(("layer", "shape", "einsums"), PROFILED)
def test_macs_are_half_tensorflows_flops(
    keras: Any, layer: dict[str, Any], shape: list[int], einsums: int
) -> None:
    flops = tensorflow_flops(built(keras, layer, shape), shape)
    weighted = sum(v for k, v in flops.items() if k in WEIGHT_OPS)
    assert row_of(layer, shape).macs == weighted // 2 + einsums


# The published formulas, per time step (Hochreiter & Schmidhuber; Cho et al.; Elman), and
# Vaswani et al.'s projections, written out with the numbers of each case.
HAND: list[tuple[dict[str, Any], list[int | None], int | None]] = [
    ({"type": "LSTM", "units": 16}, [10, 8], 10 * 4 * (8 * 16 + 16 * 16)),
    ({"type": "GRU", "units": 16}, [10, 8], 10 * 3 * (8 * 16 + 16 * 16)),
    ({"type": "SimpleRNN", "units": 16}, [10, 8], 10 * (8 * 16 + 16 * 16)),
    ({"type": "SimpleRNN", "units": 16}, [None, 8], None),  # unknown steps: unknown cost
    (
        {
            "type": "RNN",
            "cell": [{"type": "LSTMCell", "units": 4}, {"type": "GRUCell", "units": 3}],
        },
        [5, 2],
        5 * (4 * (2 * 4 + 4 * 4) + 3 * (4 * 3 + 3 * 3)),
    ),
    (
        {
            "type": "Bidirectional",
            "layer": {"type": "GRU", "units": 4},
            "backward_layer": {"type": "GRU", "units": 4, "go_backwards": True},
        },
        [7, 3],
        2 * 7 * 3 * (3 * 4 + 4 * 4),
    ),
    # ConvLSTM: 4 gates, each a k×k convolution of the input and one of the state
    ({"type": "ConvLSTM2D", "filters": 4, "kernel_size": 3}, [3, 6, 6, 2], 3 * 16 * 16 * 9 * 6),
    # a Transformer block's attention, d_model 64, 8 heads of 8, 10 tokens: 4·T·d² + 2·T²·d
    (
        {"type": "MultiHeadAttention", "num_heads": 8, "key_dim": 8},
        [10, 64],
        4 * 10 * 64 * 64 + 2 * 10 * 10 * 64,
    ),
    ({"type": "Attention"}, [5, 8], 5 * 5 * 8 + 5 * 5 * 8),  # Luong: QKᵀ and weights·V
    ({"type": "Attention", "score_mode": "concat"}, [5, 8], 5 * 5 * 8),  # scores only add
    ({"type": "AdditiveAttention"}, [5, 8], 5 * 5 * 8 + 5 * 5 * 8),  # scale·tanh(q + k)
    ({"type": "AdditiveAttention", "use_scale": False}, [5, 8], 5 * 5 * 8),
    # EinsumDense: every output value sums over the contracted axis (TensorFlow runs this
    # elided equation as an Einsum, without statistics)
    (
        {"type": "EinsumDense", "equation": "...b,bc->...c", "output_shape": 7},
        [3, 2, 5],
        3 * 2 * 7 * 5,
    ),
    ({"type": "Embedding", "input_dim": 100, "output_dim": 16}, [12], 0),  # a lookup
    ({"type": "MelSpectrogram"}, [16000], 0),  # no weights
]


@pytest.mark.parametrize(("layer", "shape", "macs"), HAND)
def test_macs_by_the_published_formulas(
    layer: dict[str, Any], shape: list[int | None], macs: int | None
) -> None:
    assert row_of(layer, shape).macs == macs


def kernel_weights(model: Any, *names: str) -> int:
    """The number of weights in the named Keras kernels of the model's last layer."""
    weights = model.layers[-1].weights
    return sum(math.prod(w.shape) for w in weights if w.path.rsplit("/", 1)[-1] in names)


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "SimpleRNN"])
@pytest.mark.parametrize(("steps", "features", "units"), [(4, 3, 5), (9, 1, 2)])
def test_recurrent_macs_are_keras_kernels_times_steps(
    keras: Any, kind: str, steps: int, features: int, units: int
) -> None:
    """Every step applies the input kernel to the step's input and the recurrent kernel to
    the state: Keras's two kernels, times the steps."""
    layer = {"type": kind, "units": units}
    model = built(keras, layer, [steps, features])
    weights = kernel_weights(model, "kernel", "recurrent_kernel")
    assert row_of(layer, [steps, features]).macs == steps * weights


def test_convlstm_macs_are_keras_kernels_at_every_output_position(keras: Any) -> None:
    layer = {"type": "ConvLSTM2D", "filters": 3, "kernel_size": 3, "strides": 2}
    model = built(keras, layer, [4, 9, 9, 2])
    positions = math.prod(model.output.shape[1:-1])
    weights = kernel_weights(model, "kernel", "recurrent_kernel")
    assert row_of(layer, [4, 9, 9, 2]).macs == 4 * positions * weights


@settings(max_examples=25, deadline=None)
@given(
    steps=st.integers(1, 6),
    features=st.integers(1, 6),
    units=st.integers(1, 6),
    kind=st.sampled_from(["LSTM", "GRU", "SimpleRNN"]),
)
def test_bidirectional_and_time_distributed_scale_the_inner_cost(
    steps: int, features: int, units: int, kind: str
) -> None:
    inner = {"type": kind, "units": units}
    single = row_of(inner, [steps, features]).macs
    assert row_of({"type": "Bidirectional", "layer": inner}, [steps, features]).macs == 2 * single
    dense = {"type": "Dense", "units": units}
    wrapped = row_of({"type": "TimeDistributed", "layer": dense}, [steps, features])
    assert wrapped.macs == steps * features * units


# ops by hand: elements · operations per element, as docs/costs.md states them
OPS: list[tuple[dict[str, Any], list[int], int]] = [
    ({"type": "ELU"}, [4, 4, 3], 4 * 4 * 3),
    ({"type": "PReLU"}, [4, 4, 3], 4 * 4 * 3),
    ({"type": "GroupNormalization", "groups": 3}, [4, 4, 6], 4 * 4 * 6 * 4),
    ({"type": "RMSNormalization"}, [4, 4, 6], 4 * 4 * 6 * 2),
    ({"type": "UnitNormalization"}, [4, 4, 6], 4 * 4 * 6),
    ({"type": "AutoContrast"}, [4, 4, 3], 4 * 4 * 3 * 2),
    ({"type": "RandomFlip"}, [4, 4, 3], 0),  # passes through at inference
    ({"type": "EinsumDense", "equation": "ab,bc->ac", "output_shape": 7, "bias_axes": "c"}, [5], 7),
    ({"type": "TimeDistributed", "layer": {"type": "Dense", "units": 5}}, [6, 3], 6 * 5),
]


@pytest.mark.parametrize(("layer", "shape", "ops"), OPS)
def test_elementwise_ops_by_hand(layer: dict[str, Any], shape: list[int], ops: int) -> None:
    assert row_of(layer, shape).ops == ops


def keras_windows(keras: Any, kind: str, length: int, size: int) -> list[int]:
    """Which inputs each output of Keras's adaptive max pooling reads, found by raising one
    input at a time and seeing which outputs take its value."""
    import numpy as np

    layer = getattr(keras.layers, kind)(size)
    counts = [0] * size
    for j in range(length):
        x = np.zeros((1, length, 1), dtype="float32")
        x[0, j, 0] = 1.0
        y = np.asarray(layer(x))[0, :, 0]
        for i in range(size):
            counts[i] += int(y[i] == 1.0)
    return counts


@pytest.mark.parametrize(("length", "size"), [(7, 3), (8, 3), (10, 4), (5, 5), (9, 2)])
def test_adaptive_pooling_ops_over_keras_windows(keras: Any, length: int, size: int) -> None:
    windows = keras_windows(keras, "AdaptiveMaxPooling1D", length, size)
    channels = 2
    max_row = row_of({"type": "AdaptiveMaxPooling1D", "output_size": size}, [length, channels])
    assert max_row.ops == channels * sum(k - 1 for k in windows)
    mean = row_of({"type": "AdaptiveAveragePooling1D", "output_size": size}, [length, channels])
    assert mean.ops == channels * sum(windows)


def test_adaptive_pooling_2d_windows_multiply_axis_by_axis(keras: Any) -> None:
    rows, columns = keras_windows(keras, "AdaptiveMaxPooling1D", 7, 3), [3, 4, 3]
    expected = 2 * sum(r * c - 1 for r in rows for c in columns)
    assert row_of({"type": "AdaptiveMaxPooling2D", "output_size": 3}, [7, 8, 2]).ops == expected


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "RandomFlip"},
        {"type": "RandomRotation", "factor": 0.1},
        {"type": "RandomContrast", "factor": 0.2},
        {"type": "RandomZoom", "height_factor": 0.2},
        {"type": "RandomTranslation", "height_factor": 0.1, "width_factor": 0.1},
        {"type": "Solarization"},
        {"type": "MixUp"},
        {"type": "RandAugment"},
        {"type": "RandomErasing"},
    ],
)
def test_augmentations_pass_through_at_inference(keras: Any, layer: dict[str, Any]) -> None:
    """What makes their positions 'own' and their ops 0: Keras leaves the input unchanged."""
    import numpy as np

    image = np.random.default_rng(0).uniform(0, 255, (1, 8, 9, 3)).astype("float32")
    made = getattr(keras.layers, layer["type"])(**{k: v for k, v in layer.items() if k != "type"})
    assert np.allclose(np.asarray(made(image, training=False)), image)
    row = row_of(layer, [8, 9, 3])
    assert (row.ops, row.receptive_field.size) == (0, (1, 1))


@pytest.mark.parametrize(("height", "width"), [(5, 4), (8, 9), (3, 6)])
def test_center_crop_field_is_keras_crop(keras: Any, height: int, width: int) -> None:
    """Output (0, 0) of Keras's CenterCrop holds input (P_h, P_w) negated: read it back from
    an image whose pixels are their own coordinates."""
    import numpy as np

    grid = np.stack(np.meshgrid(np.arange(8), np.arange(9), indexing="ij"), -1)
    image = np.concatenate([grid, np.zeros((8, 9, 1))], -1)[None].astype("float32")
    out = np.asarray(keras.layers.CenterCrop(height, width)(image))
    first = (int(out[0, 0, 0, 0]), int(out[0, 0, 0, 1]))
    field = row_of({"type": "CenterCrop", "height": height, "width": width}, [8, 9, 3])
    assert field.receptive_field.padding == (-first[0], -first[1])
    assert field.receptive_field.size == (1, 1)


def own_positions(kind: type[Layer]) -> bool:
    """The kind (or a family class of cnncalc's between it and Layer) says its positions."""
    for cls in kind.__mro__:
        if cls is Layer:
            return False
        if "positions" in vars(cls) or "reads_positions" in vars(cls):
            return True
    return False


def test_every_kind_sets_its_positions() -> None:
    """No kind falls back on Layer's default silently: each says how it reads positions."""
    assert [kind for kind in sorted(REGISTRY) if not own_positions(REGISTRY[kind])] == []


@pytest.mark.parametrize(
    ("layer", "steps"),
    [
        ({"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 4}, 5),
        ({"type": "MultiHeadAttention", "num_heads": 3, "key_dim": 2, "value_dim": 5}, 7),
    ],
)
def test_attention_projections_are_keras_kernels_at_every_step(
    keras: Any, layer: dict[str, Any], steps: int
) -> None:
    """Keras's four projection kernels at every step, plus QKᵀ and attention·V by hand."""
    model = built(keras, layer, [steps, 6])
    kernels = sum(math.prod(w.shape) for w in model.layers[-1].weights if len(w.shape) == 3)
    heads, key_dim = layer["num_heads"], layer["key_dim"]
    value_dim = layer.get("value_dim", key_dim)
    products = heads * steps * steps * (key_dim + value_dim)
    assert row_of(layer, [steps, 6]).macs == steps * kernels + products
