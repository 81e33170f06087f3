"""The engine: naming, wiring and impossible networks (exit code 1) with the layer named."""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc import NetworkError, SpecError

from .conftest import assert_matches_keras


def net(*layers: dict[str, Any], input_shape: list[int] | None = None) -> dict[str, Any]:
    return {"input_shape": input_shape, "layers": list(layers)}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            net(
                {"type": "Conv2D", "name": "too_big", "filters": 1, "kernel_size": 7},
                input_shape=[3, 3, 1],
            ),
            "layer 0 'too_big' (Conv2D): a 7×7 kernel does not fit a 3×3 input with padding "
            "'valid': ⌊(3 + 2·0 − 7)/1⌋ + 1 = −3",
        ),
        (
            net(
                {"type": "Conv2D", "filters": 1, "kernel_size": 3, "dilation_rate": 3},
                input_shape=[6, 6, 1],
            ),
            "layer 0 'conv2d' (Conv2D): a 3×3 (dilated to 7×7) kernel does not fit a 6×6 input "
            "with padding 'valid': ⌊(6 + 2·0 − 7)/1⌋ + 1 = 0",
        ),
        (
            net({"type": "MaxPooling2D", "pool_size": 3}, input_shape=[2, 5, 1]),
            "layer 0 'max_pooling2d' (MaxPooling2D): a 3×3 pool does not fit a 2×5 input with "
            "padding 'valid': ⌊(2 + 2·0 − 3)/3⌋ + 1 = 0",
        ),
        (
            net({"type": "Conv2D", "filters": 4, "kernel_size": 3}, input_shape=[28, 28]),
            "layer 0 'conv2d' (Conv2D): Conv2D expects a 4-D input (batch, height, width, "
            "channels), got (None, 28, 28): no channel axis? One channel makes it "
            "(None, 28, 28, 1)",
        ),
        (
            net(
                {"type": "Conv2D", "filters": 4, "kernel_size": 3, "groups": 4},
                input_shape=[8, 8, 6],
            ),
            "layer 0 'conv2d' (Conv2D): the input depth 6 does not divide into groups=4: 6/4 = 1.5",
        ),
        (
            net(
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Dense", "units": 5},
                {"type": "Add", "inputs": ["a", "dense"]},
                input_shape=[4],
            ),
            "layer 2 'add' (Add): the input shapes (None, 3) and (None, 5) do not match (3 ≠ 5)",
        ),
        (
            net({"type": "Add"}, input_shape=[4]),
            "layer 0 'add' (Add): Add needs at least 2 inputs, got 1; list them in `inputs`",
        ),
        (
            net({"type": "Reshape", "target_shape": [5, 3]}, input_shape=[4, 4]),
            "layer 0 'reshape' (Reshape): cannot reshape 4·4 = 16 values into (5, 3): 5·3 = 15",
        ),
        (
            net({"type": "Reshape", "target_shape": [-1, 3]}, input_shape=[4, 4]),
            "layer 0 'reshape' (Reshape): cannot reshape 4·4 = 16 values into (-1, 3): "
            "16 is not a multiple of 3",
        ),
        (
            net({"type": "Cropping1D", "cropping": [3, 3]}, input_shape=[6, 2]),
            "layer 0 'cropping1d' (Cropping1D): cropping leaves nothing: "
            "output_length = 6 − 3 − 3 = 0",
        ),
        (
            net({"type": "Concatenate", "inputs": ["input", "input"], "axis": 0}, input_shape=[4]),
            "layer 0 'concatenate' (Concatenate): axis=0 is the batch axis",
        ),
        (
            net({"type": "Conv2D", "filters": 2, "kernel_size": 3}, input_shape=[8, 8, None]),
            "layer 0 'conv2d' (Conv2D): the input depth (channels) must be known to count "
            "parameters",
        ),
        (
            net(
                {"type": "SeparableConv2D", "filters": 2, "kernel_size": 3},
                input_shape=[8, 8, None],
            ),
            "layer 0 'separable_conv2d' (SeparableConv2D): the input depth (channels) must be "
            "known to count parameters",
        ),
    ],
)
def test_impossible_networks_name_the_layer_and_show_the_formula(
    spec: dict[str, Any], message: str
) -> None:
    with pytest.raises(NetworkError) as caught:
        cnncalc.analyze(spec)
    assert str(caught.value) == message
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            net(
                {"type": "Dense", "units": 3, "name": "a", "inputs": ["b"]},
                {"type": "Dense", "units": 3, "name": "b", "inputs": ["a"]},
                input_shape=[4],
            ),
            "layers[0].inputs: the layers read each other in a cycle: 'a' → 'b' → 'a'",
        ),
        (
            net({"type": "Dense", "units": 3, "name": "a", "inputs": ["a"]}, input_shape=[4]),
            "layers[0].inputs: the layers read each other in a cycle: 'a' → 'a'",
        ),
        (
            net(
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Dense", "units": 3, "inputs": ["aa"]},
                input_shape=[4],
            ),
            "layers[1].inputs: no layer is named 'aa'; did you mean 'a'?",
        ),
        (
            net(
                {"type": "Dense", "units": 3, "name": "a"},
                {"type": "Dense", "units": 3, "name": "a"},
                input_shape=[4],
            ),
            "layers[1].name: 'a' is already the name of layers[0]",
        ),
        (
            net({"type": "Dense", "units": 3, "name": "input"}, input_shape=[4]),
            "layers[0].name: 'input' is already the name of the implicit input of input_shape",
        ),
        (
            net({"type": "Dense", "units": 3}),
            "layers[0] 'dense' (Dense) has no input: give the spec an input_shape, or start with "
            "an InputLayer",
        ),
    ],
)
def test_bad_wiring_is_a_spec_error(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as caught:
        cnncalc.analyze(spec)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_auto_names_skip_given_names() -> None:
    result = cnncalc.analyze(
        net(
            {"type": "Conv2D", "filters": 2, "kernel_size": 1, "name": "conv2d_1"},
            {"type": "Conv2D", "filters": 2, "kernel_size": 1},
            {"type": "Conv2D", "filters": 2, "kernel_size": 1},
            {"type": "BatchNormalization"},
            {"type": "ReLU"},
            {"type": "GlobalAveragePooling2D"},
            {"type": "LeakyReLU"},
            input_shape=[4, 4, 1],
        )
    )
    assert [row.name for row in result] == [
        "conv2d_1",
        "conv2d",
        "conv2d_2",
        "batch_normalization",
        "re_lu",
        "global_average_pooling2d",
        "leaky_re_lu",
    ]


def test_a_residual_graph_with_several_inputs_matches_keras() -> None:
    spec = {
        "name": "two_inputs",
        "layers": [
            {"type": "InputLayer", "shape": [16, 16, 3], "name": "image"},
            {"type": "InputLayer", "shape": [8], "name": "side"},
            {
                "type": "Conv2D",
                "filters": 8,
                "kernel_size": 3,
                "padding": "same",
                "inputs": ["image"],
                "name": "c1",
            },
            {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "name": "c2"},
            {"type": "Add", "inputs": ["c1", "c2"], "name": "residual"},
            {"type": "GlobalAveragePooling2D"},
            {"type": "Concatenate", "inputs": ["global_average_pooling2d", "side"]},
            {"type": "Dense", "units": 4},
        ],
    }
    result = assert_matches_keras(spec)
    assert result.is_graph
    assert result.output_shape == (None, 4)


def test_layers_may_be_listed_before_the_layers_they_read() -> None:
    spec = net(
        {"type": "Dense", "units": 2, "name": "late", "inputs": ["early"]},
        {"type": "Dense", "units": 3, "name": "early", "inputs": ["input"]},
        input_shape=[5],
    )
    result = cnncalc.analyze(spec)
    assert [row.name for row in result] == ["late", "early"]
    assert result["late"].params == (3 + 1) * 2


def test_trainable_false_makes_every_weight_non_trainable() -> None:
    result = assert_matches_keras(
        net({"type": "Dense", "units": 3, "trainable": False}, input_shape=[4])
    )
    assert (result.trainable_params, result.non_trainable_params) == (0, 15)


def test_huge_sizes_are_exact() -> None:
    result = cnncalc.analyze(
        net(
            {"type": "Conv2D", "filters": 64, "kernel_size": 3},
            {"type": "Flatten"},
            {"type": "Dense", "units": 1000},
            input_shape=[100_000, 100_000, 3],
        )
    )
    assert result["flatten"].output_shape == (99_998 * 99_998 * 64,)
    assert result["dense"].params == (99_998 * 99_998 * 64 + 1) * 1000


def test_unknown_sizes_propagate_like_keras() -> None:
    spec = net(
        {"type": "Conv2D", "filters": 4, "kernel_size": 3},
        {"type": "GlobalMaxPooling2D"},
        {"type": "Dense", "units": 2},
        input_shape=[None, None, 3],
    )
    result = assert_matches_keras(spec)
    assert result[0].output_shape == (None, None, 4)


def test_a_missing_layer_name_suggests_the_close_one() -> None:
    result = cnncalc.analyze("vgg16")
    with pytest.raises(KeyError, match="no layer named 'block1_conv'; did you mean 'block1_conv"):
        result["block1_conv"]
    assert result["block1_conv1"].params == (3 * 3 * 3 + 1) * 64


@pytest.mark.parametrize(
    ("spec", "text"),
    [  # VGG16's 138,357,544 is keras.applications' published count; (4 + 1)·2 = 10 by hand
        ("vgg16", "<Analysis vgg16: 22 layers, 138,357,544 params, output (None, 1000)>"),
        (
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]},
            "<Analysis unnamed: 1 layer, 10 params, output (None, 2)>",
        ),
    ],
)
def test_the_repl_shows_one_line(spec: Any, text: str) -> None:
    assert repr(cnncalc.analyze(spec)) == text
