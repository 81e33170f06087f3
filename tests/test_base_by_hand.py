"""What every layer shares (cnncalc/layers/base.py), worked by hand through what a user sees.

Keras's axis arguments count the batch dimension: on a (batch, 4, 5) input the axes are 0
(the batch, refused), 1 and 2, or −1 and −2; −3 is the batch again. A window that leaves no
output is refused with the lecture's ⌊(i + 2p − k)/s⌋ + 1; one that leaves exactly one is
fine. Channels-first puts C before the spatial axes. The bias and a fused activation each
cost one operation per output element. A spec written back (`cnncalc import`, presets) keeps
every argument not at its Keras default, so reading it again gives the same network.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of


def refusal(spec: dict[str, Any]) -> str:
    """The message a user sees for a network cnncalc refuses (exit code 1)."""
    with pytest.raises(CnncalcError) as caught:
        cnncalc.analyze(spec)
    assert caught.value.exit_code == 1
    return str(caught.value)


def net(input_shape: list[Any], *layers: dict[str, Any]) -> dict[str, Any]:
    return {"input_shape": input_shape, "layers": list(layers)}


# (input shape, layer, the message) — the arithmetic in each worked by hand.
REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    # (batch, 4, 5): −3 is −3 mod 3 = 0, the batch axis; −4 and 3 are outside −3…2
    (
        [4, 5],
        {"type": "BatchNormalization", "axis": -3},
        "layer 0 'batch_normalization' (BatchNormalization): axis=-3 is the batch axis",
    ),
    (
        [4, 5],
        {"type": "BatchNormalization", "axis": 3},
        "layer 0 'batch_normalization' (BatchNormalization): axis=3 is out of range for a 3-D "
        "input",
    ),
    # PReLU names its argument: shared_axes
    (
        [4, 5, 3],
        {"type": "PReLU", "shared_axes": [4]},
        "layer 0 'p_re_lu' (PReLU): shared_axes=4 is out of range for a 4-D input",
    ),
    # 5 + 2·1 − 9 = −2; ⌊−2/1⌋ + 1 = −1
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 9, "padding": 1},
        "layer 0 'conv2d' (Conv2D): a 9×9 kernel does not fit a 5×5 input with padding "
        "padding_size 1: ⌊(5 + 2·1 − 9)/1⌋ + 1 = −1",
    ),
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 9},
        "layer 0 'conv2d' (Conv2D): a 9×9 kernel does not fit a 5×5 input with padding "
        "'valid': ⌊(5 + 2·0 − 9)/1⌋ + 1 = −3",
    ),
    # dilation 2 spreads a 3×3 kernel over (3 − 1)·2 + 1 = 5: ⌊(4 − 5)/1⌋ + 1 = 0
    (
        [4, 4, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "dilation_rate": 2},
        "layer 0 'conv2d' (Conv2D): a 3×3 (dilated to 5×5) kernel does not fit a 4×4 input "
        "with padding 'valid': ⌊(4 + 2·0 − 5)/1⌋ + 1 = 0",
    ),
    # a 3×3 pool on 2×2: ⌊(2 − 3)/3⌋ + 1 = −1 + 1 = 0 (the pool's stride is its size)
    (
        [2, 2, 1],
        {"type": "MaxPooling2D", "pool_size": 3},
        "layer 0 'max_pooling2d' (MaxPooling2D): a 3×3 pool does not fit a 2×2 input with "
        "padding 'valid': ⌊(2 + 2·0 − 3)/3⌋ + 1 = 0",
    ),
    # the wrong number of axes, in each layout; one short is an image without its channel
    # axis (the lecture's MNIST is (28, 28) until np.expand_dims), and says where one goes
    (
        [8, 6],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3},
        "layer 0 'conv2d' (Conv2D): Conv2D expects a 4-D input (batch, height, width, "
        "channels), got (None, 8, 6): no channel axis? One channel makes it (None, 8, 6, 1)",
    ),
    (
        [8, 6],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "data_format": "channels_first"},
        "layer 0 'conv2d' (Conv2D): Conv2D expects a 4-D input (batch, channels, height, "
        "width), got (None, 8, 6): no channel axis? One channel makes it (None, 1, 8, 6)",
    ),
    (
        [784],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3},
        "layer 0 'conv2d' (Conv2D): Conv2D expects a 4-D input (batch, height, width, "
        "channels), got (None, 784)",
    ),
    (
        [8, 6, 2],
        {"type": "Conv1D", "filters": 1, "kernel_size": 3},
        "layer 0 'conv1d' (Conv1D): Conv1D expects a 3-D input (batch, length, channels), "
        "got (None, 8, 6, 2)",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSED)
def test_refusals_word_for_word(
    input_shape: list[Any], layer: dict[str, Any], message: str
) -> None:
    assert refusal(net(input_shape, layer)) == message


def test_a_one_input_layer_given_two_says_so() -> None:
    spec = {
        "layers": [
            {"type": "InputLayer", "shape": [4], "name": "a"},
            {"type": "InputLayer", "shape": [4], "name": "b"},
            {"type": "Dense", "units": 2, "inputs": ["a", "b"]},
        ]
    }
    assert refusal(spec) == "layer 2 'dense' (Dense): Dense takes one input, got 2"


# (input shape, layer, output shape, params, a working line) — by hand.
SHAPES: list[tuple[list[Any], dict[str, Any], tuple[int, ...], int, str]] = [
    # a window that leaves exactly one output is fine: ⌊(5 − 5)/1⌋ + 1 = 1; (5·5·1 + 1)·2
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 2, "kernel_size": 5},
        (1, 1, 2),
        52,
        "output_height = ⌊(5 + 2·0 − 5)/1⌋ + 1 = 1",
    ),
    ([2, 2, 3], {"type": "MaxPooling2D"}, (1, 1, 3), 0, "output_width = ⌊(2 + 2·0 − 2)/2⌋ + 1 = 1"),
    # channels first: C = 3 comes first, 8×6 → 6×4; (3·3·3 + 1)·4 = 112
    (
        [3, 8, 6],
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "data_format": "channels_first"},
        (4, 6, 4),
        112,
        "output_width = ⌊(6 + 2·0 − 3)/1⌋ + 1 = 4",
    ),
    # a [before, after] pair on the height, an int on the width: 5 + 1 + 2 − 3 + 1 = 6,
    # 5 + 0 − 3 + 1 = 3; (3·3·1 + 1)·2 = 20
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": [[1, 2], 0]},
        (6, 3, 2),
        20,
        "output_height = ⌊(5 + 1 + 2 − 3)/1⌋ + 1 = 6",
    ),
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": [[1, 2], 0]},
        (6, 3, 2),
        20,
        "output_width = ⌊(5 + 2·0 − 3)/1⌋ + 1 = 3",
    ),
    # 'full' pads k − 1 = 2 each side: 5 + 4 − 3 + 1 = 7
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": "full"},
        (7, 7, 1),
        10,
        "output_height = ⌊(5 + 2·2 − 3)/1⌋ + 1 = 7",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "shape", "params", "line"), SHAPES)
def test_shapes_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[int, ...], params: int, line: str
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params) == (shape, params)
    assert line in row.working


# (input shape, layer, ops, the ops line or None when nothing is counted) — by hand:
# one operation per output element for the bias and one for a fused activation.
OUTPUT_OPS: list[tuple[list[int], dict[str, Any], int, str | None]] = [
    (
        [3],
        {"type": "Dense", "units": 4, "activation": "relu"},
        8,
        "ops = 4 · 2 = 8  (bias additions + relu)",
    ),
    (
        [3],
        {"type": "Dense", "units": 4, "use_bias": False, "activation": "relu"},
        4,
        "ops = 4 = 4  (relu)",
    ),
    (
        [3],
        {"type": "Dense", "units": 4, "activation": "linear"},
        4,
        "ops = 4 = 4  (bias additions)",
    ),
    ([3], {"type": "Dense", "units": 4, "activation": "None"}, 4, "ops = 4 = 4  (bias additions)"),
    ([3], {"type": "Dense", "units": 4, "use_bias": False}, 0, None),
    ([3], {"type": "Dense", "units": 4, "use_bias": False, "activation": "linear"}, 0, None),
    # 3×3 positions · 2 filters = 18 outputs, each a bias and a sigmoid
    (
        [5, 5, 1],
        {"type": "Conv2D", "filters": 2, "kernel_size": 3, "activation": "sigmoid"},
        36,
        "ops = 3·3·2 · 2 = 36  (bias additions + sigmoid)",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "ops", "line"), OUTPUT_OPS)
def test_bias_and_activation_ops_by_hand(
    input_shape: list[int], layer: dict[str, Any], ops: int, line: str | None
) -> None:
    row = row_of(input_shape, layer)
    assert row.ops == ops
    ops_lines = [text for text in row.cost_working if text.startswith("ops")]
    assert ops_lines == ([] if line is None else [line])


def test_a_layer_without_weights_costs_nothing_and_says_nothing_of_costs() -> None:
    row = one_layer([4, 3], "Flatten")
    assert (row.macs, row.ops) == (0, 0)
    assert not [text for text in row.cost_working if text.startswith(("macs", "ops"))]


def test_a_wrapper_adds_its_layers_costs_with_their_working() -> None:
    """Dense 4 → 3: 3·4 = 12 MACs, 3 biases; Dense 3 → 2: 2·3 = 6 MACs, 2 biases."""
    row = one_layer(
        [4], "Pipeline", layers=[{"type": "Dense", "units": 3}, {"type": "Dense", "units": 2}]
    )
    assert (row.output_shape, row.params, row.macs, row.ops) == ((2,), 15 + 8, 18, 5)
    assert row.cost_working[:8] == (
        "layers[0]:",
        "  macs = 3 · 4 = 12",
        "  ops = 3 = 3  (bias additions)",
        "layers[1]:",
        "  macs = 2 · 3 = 6",
        "  ops = 2 = 2  (bias additions)",
        "macs = 12 (layers[0]) + 6 (layers[1]) = 18  (its layers in order)",
        "ops = 3 (layers[0]) + 2 (layers[1]) = 5  (its layers in order)",
    )


def test_a_wrapper_of_unknown_costs_says_so() -> None:
    """An unknown step count leaves every MAC count unknown; the weights stay known."""
    row = one_layer(
        [None, 4],
        "Pipeline",
        layers=[{"type": "Dense", "units": 3}, {"type": "Dense", "units": 2, "use_bias": False}],
    )
    assert (row.params, row.non_trainable_params, row.macs, row.ops) == (15 + 6, 0, None, None)
    assert "macs = ? (layers[0]) + ? (layers[1]) = ?  (its layers in order)" in row.cost_working
    assert "ops = ? (layers[0]) + 0 (layers[1]) = ?  (its layers in order)" in row.cost_working


def test_a_time_distributed_layer_costs_its_layer_at_every_step() -> None:
    """6 steps of Dense 3 → 5: 6 · 5·3 = 90 MACs, 6 · 5 = 30 bias additions."""
    row = one_layer([6, 3], "TimeDistributed", layer={"type": "Dense", "units": 5})
    assert (row.output_shape, row.params, row.macs, row.ops) == ((6, 5), (3 + 1) * 5, 90, 30)
    assert row.cost_working[:5] == (
        "each step:",
        "  macs = 5 · 3 = 15",
        "  ops = 5 = 5  (bias additions)",
        "macs = 6 · 15 = 90  (the layer's, at every step)",
        "ops = 6 · 5 = 30  (the layer's, at every step)",
    )


def test_a_wrapper_keeps_its_layers_frozen_weights() -> None:
    """BatchNormalization of 4 features in a Pipeline: its 2·4 statistics stay non-trainable."""
    row = one_layer([3, 4], "Pipeline", layers=[{"type": "BatchNormalization"}])
    assert (row.params, row.non_trainable_params) == (16, 8)
    assert row.working[-1] == "params = the sum over its 1 layers = 16"


# (a layer as given, the layer as a spec writes it back) — by hand: Keras's defaults and
# objects (an initializer's config) are left out, everything else is kept, nested layers too.
WRITTEN: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {
            "type": "Conv2D",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "use_bias": True,
            "activation": "relu",
            "kernel_initializer": {"class_name": "HeNormal", "config": {}},
        },
        {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "activation": "relu"},
    ),
    (
        {"type": "Dense", "units": 2, "name": "out", "trainable": False, "use_bias": False},
        {"type": "Dense", "units": 2, "name": "out", "trainable": False, "use_bias": False},
    ),
    # None given for an argument whose default is not None is kept: axis None is one mean
    # and one variance for the whole tensor, -1 (the default) one per feature
    ({"type": "Normalization", "axis": None}, {"type": "Normalization", "axis": None}),
    (
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 5, "use_bias": True}},
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 5}},
    ),
    (
        {"type": "Pipeline", "layers": [{"type": "Dense", "units": 3}, {"type": "ReLU"}]},
        {"type": "Pipeline", "layers": [{"type": "Dense", "units": 3}, {"type": "ReLU"}]},
    ),
]


@pytest.mark.parametrize(("given", "written"), WRITTEN)
def test_a_spec_is_written_back_with_what_differs_from_the_defaults(
    given: dict[str, Any], written: dict[str, Any]
) -> None:
    spec = cnncalc.parse_spec(net([5, 5, 3], given))
    assert spec.to_dict()["layers"] == [written]
    assert next(iter(spec.to_dict()["layers"][0])) == "type"  # a spec reads type first
    again = cnncalc.analyze(cnncalc.parse_spec(spec.to_dict()))
    assert again.layers == cnncalc.analyze(spec).layers


def test_normalization_with_axis_none_survives_being_written_back() -> None:
    """axis None: one mean, one variance and the count, 2·1 + 1 = 3 weights, not 2·4 + 1."""
    spec = cnncalc.parse_spec(net([3, 4], {"type": "Normalization", "axis": None}))
    assert cnncalc.analyze(cnncalc.parse_spec(spec.to_dict()))[0].params == 3


# (layer, its explicit (before, after) padding per axis, or None for a Keras mode) — by hand;
# the Keras bridge builds these as ZeroPadding layers and the grader reads them.
EXPLICIT: list[tuple[dict[str, Any], list[tuple[int, int]] | None]] = [
    ({"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": 1}, [(1, 1), (1, 1)]),
    ({"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": [[1, 2], 0]}, [(1, 2), (0, 0)]),
    # 'full': span − 1 each side; dilation 2 spans (3 − 1)·2 + 1 = 5, so 4
    (
        {"type": "Conv2D", "filters": 1, "kernel_size": 3, "dilation_rate": 2, "padding": "full"},
        [(4, 4), (4, 4)],
    ),
    ({"type": "MaxPooling1D", "pool_size": 2, "padding": 3}, [(3, 3)]),
    ({"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": "valid"}, None),
    ({"type": "Conv2D", "filters": 1, "kernel_size": 3, "padding": "same"}, None),
    ({"type": "Conv1D", "filters": 1, "kernel_size": 3, "padding": "causal"}, None),
]


@pytest.mark.parametrize(("layer", "pads"), EXPLICIT)
def test_explicit_padding_by_hand(
    layer: dict[str, Any], pads: list[tuple[int, int]] | None
) -> None:
    parsed = cnncalc.parse_spec(net([9, 9, 1], layer)).layers[0]
    assert parsed.explicit_padding() == pads


def test_messages_name_the_layer_and_its_kind_even_unnamed() -> None:
    """A refusal inside a network names the layer by its index and Keras's auto-name."""
    message = refusal(
        net([3], {"type": "Dense", "units": 2}, {"type": "BatchNormalization", "axis": 2})
    )
    assert re.fullmatch(
        r"layer 1 'batch_normalization' \(BatchNormalization\): axis=2 is out of range for a "
        r"2-D input",
        message,
    )
