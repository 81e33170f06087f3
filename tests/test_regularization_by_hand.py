"""Layers that act only while training, worked by hand: at inference, output = input.

keras.io/api/layers/regularization_layers: GaussianNoise, GaussianDropout, AlphaDropout and
ActivityRegularization are "only active at training time" (or only add a loss); they keep
the shape and hold no weights, so a summary shows the input's shape and 0 params, and
inference does no work on them (docs/costs.md: Dropout does nothing at inference).
"""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc import CnncalcError

from .conftest import one_layer, row_of

LAYERS: list[dict[str, Any]] = [
    {"type": "ActivityRegularization", "l1": 0.01},
    {"type": "GaussianNoise", "stddev": 0.1},
    {"type": "GaussianDropout", "rate": 0.3},
    {"type": "AlphaDropout", "rate": 0.3},
]


@pytest.mark.parametrize("layer", LAYERS, ids=[layer["type"] for layer in LAYERS])
@pytest.mark.parametrize("input_shape", [[10], [6, 4], [5, 5, 3]])
def test_training_only_layers_pass_their_input_through(
    layer: dict[str, Any], input_shape: list[int]
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.macs, row.ops) == (tuple(input_shape), 0, 0, 0)
    assert row.working == ("output shape = input shape; params = 0",)


@pytest.mark.parametrize("kind", ["GaussianDropout", "AlphaDropout"])
def test_a_rate_is_a_fraction(kind: str) -> None:
    """Keras's rate is a drop probability: 1.5 is no probability."""
    with pytest.raises(CnncalcError, match=r"rate: Input should be less than or equal to 1"):
        one_layer([10], kind, rate=1.5)
