"""Zero-padding, cropping, up-sampling, Permute and RepeatVector worked by hand.

Each row is a layer, its input shape (without the batch axis) and what a student would write:
padding adds before + after on its axis, cropping takes them away, up-sampling multiplies by
`size`, Permute reorders the axes (counted from 1). Several rows are the examples printed in
Keras's own docstrings (keras.io/api/layers/reshaping_layers/), cited beside them; the rest
are worked in the comments. These run without Keras, so the mutation run
(scripts/mutation.py) counts them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError
from cnncalc.costs import ReceptiveField

from .conftest import row_of

# (input shape, layer, output shape, working lines) — by hand or from the Keras docs.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], tuple[str, ...]]] = [
    (  # Keras docs: (2, 2, 3) with padding=2 → (2, 6, 3)
        [2, 3],
        {"type": "ZeroPadding1D", "padding": 2},
        (6, 3),
        ("output_length = 2 + 2 + 2 = 6",),
    ),
    (  # one pair [before, after] on the one axis: 10 + 2 + 3 = 15
        [10, 4],
        {"type": "ZeroPadding1D", "padding": [2, 3]},
        (15, 4),
        ("output_length = 10 + 2 + 3 = 15",),
    ),
    (  # Keras docs: (1, 1, 2, 2) with padding=1 → (1, 3, 4, 2)
        [1, 2, 2],
        {"type": "ZeroPadding2D", "padding": 1},
        (3, 4, 2),
        ("output_height = 1 + 1 + 1 = 3", "output_width = 2 + 1 + 1 = 4"),
    ),
    (  # one int per axis pads both sides: 5 + 1 + 1 = 7, 5 + 2 + 2 = 9
        [5, 5, 3],
        {"type": "ZeroPadding2D", "padding": [1, 2]},
        (7, 9, 3),
        ("output_height = 5 + 1 + 1 = 7", "output_width = 5 + 2 + 2 = 9"),
    ),
    (  # ((top, bottom), (left, right)): 5 + 1 + 2 = 8, 6 + 0 + 3 = 9
        [5, 6, 3],
        {"type": "ZeroPadding2D", "padding": [[1, 2], [0, 3]]},
        (8, 9, 3),
        ("output_height = 5 + 1 + 2 = 8", "output_width = 6 + 0 + 3 = 9"),
    ),
    (  # channels first: the 3 channels lead, 5 + 2 = 7 and 6 + 2 = 8 follow
        [3, 5, 6],
        {"type": "ZeroPadding2D", "padding": 1, "data_format": "channels_first"},
        (3, 7, 8),
        ("output_height = 5 + 1 + 1 = 7", "output_width = 6 + 1 + 1 = 8"),
    ),
    (  # Keras docs: (1, 1, 2, 2, 3) with padding=2 → (1, 5, 6, 6, 3)
        [1, 2, 2, 3],
        {"type": "ZeroPadding3D", "padding": 2},
        (5, 6, 6, 3),
        (
            "output_depth = 1 + 2 + 2 = 5",
            "output_height = 2 + 2 + 2 = 6",
            "output_width = 2 + 2 + 2 = 6",
        ),
    ),
    (  # an unknown length stays unknown
        [None, 4],
        {"type": "ZeroPadding1D", "padding": 2},
        (None, 4),
        ("output_length = ? + 2 + 2 = ?",),
    ),
    (  # Keras docs: (2, 3, 2) with cropping=1 → (2, 1, 2)
        [3, 2],
        {"type": "Cropping1D", "cropping": 1},
        (1, 2),
        ("output_length = 3 − 1 − 1 = 1",),
    ),
    (  # Cropping1D's default is 1 on each side: 6 − 1 − 1 = 4
        [6, 2],
        {"type": "Cropping1D"},
        (4, 2),
        ("output_length = 6 − 1 − 1 = 4",),
    ),
    (  # [before, after]: 9 − 2 − 3 = 4
        [9, 2],
        {"type": "Cropping1D", "cropping": [2, 3]},
        (4, 2),
        ("output_length = 9 − 2 − 3 = 4",),
    ),
    (  # Keras docs: (2, 28, 28, 3) with cropping=((2, 2), (4, 4)) → (2, 24, 20, 3)
        [28, 28, 3],
        {"type": "Cropping2D", "cropping": [[2, 2], [4, 4]]},
        (24, 20, 3),
        ("output_height = 28 − 2 − 2 = 24", "output_width = 28 − 4 − 4 = 20"),
    ),
    (  # Cropping2D crops nothing by default
        [5, 6, 1],
        {"type": "Cropping2D"},
        (5, 6, 1),
        ("output_height = 5 − 0 − 0 = 5", "output_width = 6 − 0 − 0 = 6"),
    ),
    (  # Keras docs: (2, 28, 28, 10, 3) with cropping=(2, 4, 2) → (2, 24, 20, 6, 3)
        [28, 28, 10, 3],
        {"type": "Cropping3D", "cropping": [2, 4, 2]},
        (24, 20, 6, 3),
        (
            "output_depth = 28 − 2 − 2 = 24",
            "output_height = 28 − 4 − 4 = 20",
            "output_width = 10 − 2 − 2 = 6",
        ),
    ),
    (  # Cropping3D's default is 1 on every side: 5 − 2 = 3, 6 − 2 = 4, 7 − 2 = 5
        [5, 6, 7, 2],
        {"type": "Cropping3D"},
        (3, 4, 5, 2),
        (
            "output_depth = 5 − 1 − 1 = 3",
            "output_height = 6 − 1 − 1 = 4",
            "output_width = 7 − 1 − 1 = 5",
        ),
    ),
    (  # Keras docs: (2, 2, 3) with size=2 → (2, 4, 3)
        [2, 3],
        {"type": "UpSampling1D", "size": 2},
        (4, 3),
        ("output_length = 2·2 = 4",),
    ),
    (  # UpSampling1D's default size is 2; unknown stays unknown
        [None, 3],
        {"type": "UpSampling1D"},
        (None, 3),
        ("output_length = ?·2 = ?",),
    ),
    (  # Keras docs: (2, 2, 1, 3) with size=(2, 2) → (2, 4, 2, 3)
        [2, 1, 3],
        {"type": "UpSampling2D", "size": [2, 2]},
        (4, 2, 3),
        ("output_height = 2·2 = 4", "output_width = 1·2 = 2"),
    ),
    (  # a size per axis: 2·3 = 6, 5·4 = 20
        [2, 5, 1],
        {"type": "UpSampling2D", "size": [3, 4]},
        (6, 20, 1),
        ("output_height = 2·3 = 6", "output_width = 5·4 = 20"),
    ),
    (  # channels first: (3 channels, 2, 4) doubled → (3, 4, 8)
        [3, 2, 4],
        {"type": "UpSampling2D", "data_format": "channels_first"},
        (3, 4, 8),
        ("output_height = 2·2 = 4", "output_width = 4·2 = 8"),
    ),
    (  # Keras docs: (2, 1, 2, 1, 3) with size=2 → (2, 2, 4, 2, 3)
        [1, 2, 1, 3],
        {"type": "UpSampling3D", "size": 2},
        (2, 4, 2, 3),
        ("output_depth = 1·2 = 2", "output_height = 2·2 = 4", "output_width = 1·2 = 2"),
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "lines"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_edges_and_upsampling_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[Any, ...], lines: tuple[str, ...]
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.macs, row.ops) == (shape, 0, 0, 0)
    assert row.working == (*lines, "params = 0")


# (input shape, layer, output shape, working line) — Permute's dims count from 1.
REORDERED: list[tuple[list[int], dict[str, Any], tuple[int, ...], str]] = [
    # Keras docs: Permute((2, 1)) of (None, 10, 64) → (None, 64, 10)
    ([10, 64], {"type": "Permute", "dims": [2, 1]}, (64, 10), "axes [2, 1] → (None, 64, 10)"),
    # axis 3 first, then 1, then 2: (4, 5, 6) → (6, 4, 5)
    (
        [4, 5, 6],
        {"type": "Permute", "dims": [3, 1, 2]},
        (6, 4, 5),
        "axes [3, 1, 2] → (None, 6, 4, 5)",
    ),
    # Keras docs: Dense(32) then RepeatVector(3) → (None, 3, 32)
    ([32], {"type": "RepeatVector", "n": 3}, (3, 32), "output = (n, features) = (None, 3, 32)"),
]


@pytest.mark.parametrize(("input_shape", "layer", "shape", "line"), REORDERED)
def test_permute_and_repeat_by_hand(
    input_shape: list[int], layer: dict[str, Any], shape: tuple[int, ...], line: str
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params) == (shape, 0)
    assert row.working == (f"{line}; params = 0",)


# (input shape, layer, what the user reads) — the exact words.
REFUSED: list[tuple[list[int], dict[str, Any], str]] = [
    # 3 − 2 − 1 = 0 rows left (Keras refuses it too)
    (
        [3, 4],
        {"type": "Cropping1D", "cropping": [2, 1]},
        "cropping leaves nothing: output_length = 3 − 2 − 1 = 0",
    ),
    (
        [6, 4, 1],
        {"type": "Cropping2D", "cropping": [[0, 0], [3, 2]]},
        "cropping leaves nothing: output_width = 4 − 3 − 2 = −1",
    ),
    (
        [10, 64],
        {"type": "Permute", "dims": [1, 3]},
        "dims [1, 3] must order the axes 1…2 of (None, 10, 64)",
    ),
    ([10, 64], {"type": "Permute", "dims": [1]}, "dims [1] must order the axes 1…2"),
    (
        [3, 4],
        {"type": "RepeatVector", "n": 2},
        "RepeatVector expects a 2-D input (batch, features), got (None, 3, 4)",
    ),
    # malformed padding and cropping arguments, refused when the spec is read
    (
        [6, 2],
        {"type": "Cropping1D", "cropping": [1, 2, 3]},
        "layers[0].cropping: a 1-D layer takes one int or a pair [before, after]",
    ),
    (
        [6, 2],
        {"type": "ZeroPadding1D", "padding": [[1, 2]]},
        "layers[0].padding: a 1-D layer takes one int or a pair [before, after]",
    ),
    (
        [6, 6, 2],
        {"type": "ZeroPadding2D", "padding": [1, 2, 3]},
        "layers[0].padding: needs one int, 2 ints, or 2 [before, after] pairs",
    ),
    (
        [6, 6, 6, 2],
        {"type": "Cropping3D", "cropping": [1, 2]},
        "layers[0].cropping: needs one int, 3 ints, or 3 [before, after] pairs",
    ),
    (
        [6, 6, 2],
        {"type": "Cropping2D", "cropping": [[1, 2, 3], 1]},
        "layers[0].cropping: a pair is [before, after], got [1, 2, 3]",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSED)
def test_refusals_say_why(input_shape: list[int], layer: dict[str, Any], message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        row_of(input_shape, layer)


def test_padding_and_cropping_shift_the_receptive_field() -> None:
    """Zeros before the input move where the field starts: a 3×3 convolution after 1 zero of
    padding sees r = 3 with P = 0 + 1 = 1; cropping 2 rows then moves it back by 2·1: P = −1."""
    spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            {"type": "ZeroPadding2D", "padding": 1},
            {"type": "Conv2D", "filters": 1, "kernel_size": 3, "name": "conv"},
            {"type": "Cropping2D", "cropping": [[2, 0], [0, 0]], "name": "crop"},
        ],
    }
    result = cnncalc.analyze(spec)
    assert result["conv"].receptive_field == ReceptiveField((3, 3), (1, 1), (1, 1))
    assert result["crop"].receptive_field == ReceptiveField((3, 3), (1, 1), (-1, 1))
