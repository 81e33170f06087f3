"""The lecture's formulas and the worked figures of Dumoulin & Visin's convolution guide."""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc.formulas import same_padding_split, transpose_output, window_output

from .conftest import assert_matches_keras, conv_width, transposed_width

# (figure, i, k, s, p, o) from Dumoulin & Visin, "A guide to convolution arithmetic" (2016).
CONVOLUTIONS = [
    ("2.1 no padding, unit strides", 4, 3, 1, 0, 2),
    ("2.2 arbitrary padding, unit strides", 5, 4, 1, 2, 6),
    ("2.3 half padding", 5, 3, 1, 1, 5),
    ("2.4 full padding", 5, 3, 1, 2, 7),
    ("2.5 no padding, strides", 5, 3, 2, 0, 2),
    ("2.6 padding, strides", 5, 3, 2, 1, 3),
    ("2.7 padding, strides (odd)", 6, 3, 2, 1, 3),
]


@pytest.mark.parametrize(("figure", "i", "k", "s", "p", "o"), CONVOLUTIONS)
def test_dumoulin_visin_convolutions(figure: str, i: int, k: int, s: int, p: int, o: int) -> None:
    assert conv_width(i, k, s, p) == o


def test_dumoulin_visin_full_padding_by_name() -> None:
    assert conv_width(5, 3, padding="full") == 7  # figure 2.4


def test_dumoulin_visin_dilated_convolution() -> None:
    assert conv_width(7, 3, d=2) == 3  # figure 5.1


def test_dumoulin_visin_pooling() -> None:
    spec = {
        "input_shape": [5, 5, 1],
        "layers": [{"type": "MaxPooling2D", "pool_size": 3, "strides": 1}],
    }
    assert cnncalc.analyze(spec)[0].output_shape == (3, 3, 1)  # relationship 7, figure 3.1


# (figure, i, k, s, p, a, o): the transposes of the convolutions above.
TRANSPOSED = [
    ("4.1 no padding, unit strides", 2, 3, 1, 0, 0, 4),
    ("4.2 padding, unit strides", 6, 4, 1, 2, 0, 5),
    ("4.3 half padding", 5, 3, 1, 1, 0, 5),
    ("4.4 full padding", 7, 3, 1, 2, 0, 5),
    ("4.5 no padding, strides", 2, 3, 2, 0, 0, 5),
    ("4.6 padding, strides", 3, 3, 2, 1, 0, 5),
    ("4.7 padding, strides, odd", 3, 3, 2, 1, 1, 6),
]


@pytest.mark.parametrize(("figure", "i", "k", "s", "p", "a", "o"), TRANSPOSED)
def test_dumoulin_visin_transposed(
    figure: str, i: int, k: int, s: int, p: int, a: int, o: int
) -> None:
    assert transposed_width(i, k, s, p, a) == o


@pytest.mark.parametrize(
    ("layer", "input_shape"),
    [
        ({"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": 1}, [8, 8, 1]),
        (
            {
                "type": "Conv2D",
                "filters": 2,
                "kernel_size": 4,
                "strides": 2,
                "padding": [[1, 2], 0],
            },
            [9, 8, 1],
        ),
        ({"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": "full"}, [5, 5, 1]),
        (
            {
                "type": "Conv1D",
                "filters": 2,
                "kernel_size": 3,
                "dilation_rate": 2,
                "padding": "full",
            },
            [9, 1],
        ),
        ({"type": "MaxPooling2D", "pool_size": 3, "strides": 2, "padding": 1}, [112, 112, 4]),
        ({"type": "DepthwiseConv2D", "kernel_size": 5, "padding": 2}, [7, 7, 3]),
    ],
)
def test_explicit_padding_equals_keras_zero_padding_then_valid(
    layer: dict[str, Any], input_shape: list[int]
) -> None:
    assert_matches_keras({"input_shape": input_shape, "layers": [{**layer, "name": "under_test"}]})


def test_working_uses_the_lectures_notation() -> None:
    working = cnncalc.analyze("mnist")[0].working
    assert "output_width = ⌊(28 + 2·0 − 3)/1⌋ + 1 = 26" in working
    assert "params = (3·3·1 + 1)·32 = 320" in working


def test_same_padding_shows_the_ceiling_rule_and_the_padding_it_implies() -> None:
    step = window_output("width", 7, 3, 2, "same")
    assert step.line == "output_width = ⌈7/2⌉ = 4  (same: pads 1 before, 1 after)"
    assert same_padding_split(8, 4, 3, 2) == (0, 1)  # the odd zero goes after, as in Keras


def test_explicit_asymmetric_padding_text() -> None:
    assert window_output("height", 9, 4, 2, (1, 2)).formula == "⌊(9 + 1 + 2 − 4)/2⌋ + 1 = 5"


def test_transposed_explicit_padding_text() -> None:
    step = transpose_output("width", 3, 3, 2, (1, 1), 1)
    assert step.formula == "2·(3 − 1) + 1 + 3 − 2·1 = 6"
