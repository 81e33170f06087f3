"""The custom layers of keras.applications models, worked by hand.

LayerScale is ConvNeXt's learned per-channel scale: one γ per channel, projection_dim weights
(Liu et al., "A ConvNet for the 2020s", 2022, §2.6; keras/src/applications/convnext.py), one
multiplication per value. CustomScaleLayer is InceptionResNetV2's residual
inputs[0] + inputs[1]·scale (keras/src/applications/inception_resnet_v2.py): no weights, a
multiplication and an addition per value. These run without Keras, so the mutation run counts
them.
"""

from __future__ import annotations

import re

import pytest

import cnncalc
from cnncalc import CnncalcError
from cnncalc.costs import ReceptiveField

from .conftest import one_layer
from .test_untested_paths import inputs_then


def test_layer_scale_by_hand() -> None:
    """ConvNeXt-T's first stage: 96 channels, 96 γ; 7·7·96 = 4704 multiplications."""
    row = one_layer([7, 7, 96], "LayerScale", projection_dim=96)
    assert (row.output_shape, row.params, row.non_trainable_params) == ((7, 7, 96), 96, 0)
    assert row.working == ("params (γ) = projection_dim = 96",)
    assert row.ops == 4704
    assert "ops = 7·7·96 = 4704  (multiplications by γ)" in row.cost_working


@pytest.mark.parametrize(
    ("shapes", "shape", "line", "ops_line"),
    [
        (  # 8·8·32 = 2048 values, 2 operations each
            [[8, 8, 32], [8, 8, 32]],
            (8, 8, 32),
            "(None, 8, 8, 32) + (None, 8, 8, 32)·0.17 → (None, 8, 8, 32)",
            "ops = 8·8·32 · 2 = 4096  (a multiplication and an addition)",
        ),
        (  # the 1s of the first input stretch to 3·4
            [[1, 1, 2], [3, 4, 2]],
            (3, 4, 2),
            "(None, 1, 1, 2) + (None, 3, 4, 2)·0.17 → (None, 3, 4, 2)",
            "ops = 3·4·2 · 2 = 48  (a multiplication and an addition)",
        ),
    ],
)
def test_custom_scale_layer_by_hand(
    shapes: list[list[int]], shape: tuple[int, ...], line: str, ops_line: str
) -> None:
    row = cnncalc.analyze(inputs_then("CustomScaleLayer", shapes, scale=0.17))[-1]
    assert (row.output_shape, row.params) == (shape, 0)
    assert row.working == (line,)
    assert ops_line in row.cost_working
    assert row.ops == int(ops_line.split(" = ")[-1].split()[0])


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ([[4]], "CustomScaleLayer needs 2 inputs, got 1"),
        ([[4], [4], [4]], "CustomScaleLayer needs 2 inputs, got 3"),
        ([[4], [5]], "the input shapes (None, 4) and (None, 5) do not match (4 ≠ 5)"),
    ],
)
def test_custom_scale_layer_refusals(shapes: list[list[int]], message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        cnncalc.analyze(inputs_then("CustomScaleLayer", shapes, scale=0.17))


def test_custom_scale_layer_keeps_each_position() -> None:
    """Value (i, j) of the sum reads value (i, j) of both inputs: each sees one position."""
    row = cnncalc.analyze(inputs_then("CustomScaleLayer", [[8, 8, 32]] * 2, scale=0.17))[-1]
    assert row.receptive_field == ReceptiveField((1, 1), (1, 1), (0, 0))
