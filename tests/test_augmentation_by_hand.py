"""Image augmentation, crop and resize layers worked by hand (no Keras needed).

The rules come from Keras 3's own source (keras/src/layers/preprocessing/image_preprocessing):
an augmentation returns its input unchanged at inference (``training=False``), so its output
shape is the input's and it has no weights; Resizing, RandomCrop and CenterCrop set the height
and width and keep the channels, in either data format (``compute_output_shape``); CenterCrop
starts its crop at ``h_start = (H − height) // 2`` (``center_crop.py``); and
RandomColorDegeneration refuses any number of channels but 3 ("Input images must have 3
channels", ``random_color_degeneration.py``). The mutation run (scripts/mutation.py) counts
these.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError
from cnncalc.costs.receptive import ReceptiveField

from .conftest import one_layer, row_of

PASS_THROUGH = "output shape = input shape; params = 0"

# (input shape, layer): each returns its input's shape with no weights and no operations.
SHAPE_KEEPING: list[tuple[list[Any], dict[str, Any]]] = [
    ([8, 9, 3], {"type": "RandomFlip"}),
    ([8, 9, 1], {"type": "RandomFlip", "mode": "horizontal"}),  # grayscale is fine
    ([8, 9, 1], {"type": "RandomRotation", "factor": 0.1}),
    ([8, 9, 4], {"type": "RandomContrast", "factor": 0.2}),
    ([8, 9, 3], {"type": "RandomColorDegeneration", "factor": 0.5}),  # RGB
    ([8, 9, None], {"type": "RandomColorDegeneration", "factor": 0.5}),  # unknown: accepted
    (
        [3, 8, 9],
        {"type": "RandomColorDegeneration", "factor": 0.5, "data_format": "channels_first"},
    ),
    ([16, 16, 3], {"type": "RandomZoom", "height_factor": 0.2}),
]


@pytest.mark.parametrize(
    ("input_shape", "layer"),
    SHAPE_KEEPING,
    ids=[f"{layer['type']}-{i}" for i, (_, layer) in enumerate(SHAPE_KEEPING)],
)
def test_augmentations_keep_the_shape_by_hand(
    input_shape: list[Any], layer: dict[str, Any]
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.macs, row.ops) == (tuple(input_shape), 0, 0, 0)
    assert row.working == (PASS_THROUGH,)
    assert row.cost_working == ("receptive field unchanged: 1×1 (S 1, P 0)",)  # own pixel


@pytest.mark.parametrize(
    ("input_shape", "layer", "channels"),
    [
        ([8, 9, 1], {"data_format": "channels_last"}, 1),
        ([8, 9, 4], {}, 4),  # RGBA: Keras checks channels != 3, not < 3
        ([4, 8, 9], {"data_format": "channels_first"}, 4),
    ],
)
def test_color_degeneration_refuses_anything_but_rgb(
    input_shape: list[int], layer: dict[str, Any], channels: int
) -> None:
    message = f"RandomColorDegeneration works on RGB images: 3 channels, got {channels}"
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer(input_shape, "RandomColorDegeneration", factor=0.5, **layer)


def test_auto_contrast_costs_two_operations_per_element() -> None:
    """It runs at inference: subtract the minimum and scale, 8·9·3 · 2 = 432 operations."""
    row = one_layer([8, 9, 3], "AutoContrast")
    assert (row.output_shape, row.params, row.macs, row.ops) == ((8, 9, 3), 0, 0, 432)
    note = "subtract the minimum, scale; the extremes not counted"
    assert f"ops = 8·9·3 · 2 = 432  ({note})" in row.cost_working
    assert row.receptive_field is None  # each channel's extremes come from the whole image


# (input shape, layer, output shape, working line), each worked by hand from Keras's
# compute_output_shape: height and width replaced, channels kept where the data format says.
RESIZED: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], str]] = [
    (
        [32, 48, 3],
        {"type": "Resizing", "height": 16, "width": 20},
        (16, 20, 3),
        "output = (height, width) = (16, 20), channels 3",
    ),
    (
        [3, 32, 48],
        {"type": "Resizing", "height": 64, "width": 8, "data_format": "channels_first"},
        (3, 64, 8),
        "output = (height, width) = (64, 8), channels 3",
    ),
    (
        [None, None, 1],
        {"type": "Resizing", "height": 28, "width": 28, "crop_to_aspect_ratio": True},
        (28, 28, 1),
        "output = (height, width) = (28, 28), channels 1",
    ),
    (
        [256, 256, 3],
        {"type": "CenterCrop", "height": 224, "width": 200},
        (224, 200, 3),
        "output = (height, width) = (224, 200), channels 3",
    ),
    (
        [8, 9, 3],
        {"type": "CenterCrop", "height": 12, "width": 4},  # smaller: resized, then cropped
        (12, 4, 3),
        "output = (height, width) = (12, 4), channels 3",
    ),
    (
        [40, 30, 5],
        {"type": "RandomCrop", "height": 24, "width": 24},
        (24, 24, 5),
        "output = (height, width) = (24, 24), channels 5",
    ),
    (
        [5, 40, 30],
        {"type": "RandomCrop", "height": 24, "width": 10, "data_format": "channels_first"},
        (5, 24, 10),
        "output = (height, width) = (24, 10), channels 5",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "line"),
    RESIZED,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(RESIZED)],
)
def test_crops_and_resizing_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[Any, ...], line: str
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, 0, 0)
    assert row.working == (line, "params = 0")


# (input height and width, crop height and width, the field's padding P or None) — a crop
# that fits starts at ((H − height) // 2, (W − width) // 2), so output (0, 0) sees that input
# pixel: P = −start (Araujo et al.'s convention, size 1 and stride 1). A smaller image is
# resized first and an unknown size cannot be placed: the whole input (None).
CROP_FIELDS: list[tuple[list[Any], tuple[int, int], tuple[int, int] | None]] = [
    ([8, 9], (5, 4), (-((8 - 5) // 2), -((9 - 4) // 2))),  # starts at (1, 2)
    ([9, 8], (4, 5), (-((9 - 4) // 2), -((8 - 5) // 2))),  # starts at (2, 1)
    ([10, 16], (3, 3), (-((10 - 3) // 2), -((16 - 3) // 2))),  # ⌊7/2⌋ = 3, ⌊13/2⌋ = 6
    ([8, 9], (8, 9), (0, 0)),  # the whole image: no crop
    ([8, 9], (9, 9), None),  # taller than the image: resized
    ([8, 9], (8, 10), None),  # wider than the image: resized
    ([None, 9], (5, 4), None),  # unknown height
]


@pytest.mark.parametrize(("size", "crop", "padding"), CROP_FIELDS)
def test_center_crop_receptive_field_by_hand(
    size: list[Any], crop: tuple[int, int], padding: tuple[int, int] | None
) -> None:
    row = one_layer([*size, 3], "CenterCrop", height=crop[0], width=crop[1])
    expected = None if padding is None else ReceptiveField((1, 1), (1, 1), padding)
    assert row.receptive_field == expected


def test_center_crop_field_follows_a_strided_layer() -> None:
    """After a 2×2 stride-2 pooling (S 2), a crop starting at 1 moves P by 1·S = 2."""
    spec = {
        "input_shape": [16, 16, 1],
        "layers": [
            {"type": "MaxPooling2D", "pool_size": 2},
            {"type": "CenterCrop", "height": 6, "width": 8},  # 8 − 6 = 2 → start 1; 0
        ],
    }
    field = cnncalc.analyze(spec)[1].receptive_field
    assert field == ReceptiveField((2, 2), (2, 2), (-1 * 2, 0))
