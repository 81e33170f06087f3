"""ELU and PReLU worked by hand: shapes, PReLU's learned slopes, their work, the refusals.

PReLU learns one slope α per input value (keras.io/api/layers/activation_layers/prelu):
Keras's `build` gives α the input's shape without the batch, with a 1 on each of
`shared_axes` (`param_shape[i - 1] = 1`, a Python index: axis 1 is the first after the batch,
-1 the one before the last, and an index outside the shape is an IndexError). The docs' own
example: feature maps (batch, height, width, channels) with shared_axes=[1, 2] keep one α per
channel. Both layers keep the shape and do one operation per element (docs/costs.md).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of

SAME = "output shape = input shape"

# (input shape, shared_axes, params, the α line) — by hand.
PRELU: list[tuple[list[Any], Any, int, str]] = [
    ([8, 8, 3], None, 8 * 8 * 3, "params (α) = 8·8·3 = 192"),
    # the docs' example: one α per channel
    ([8, 8, 3], [1, 2], 3, "params (α) = 1·1·3 (shared_axes [1, 2] → 1) = 3"),
    # an int is one axis
    ([4, 5], 1, 5, "params (α) = 1·5 (shared_axes [1] → 1) = 5"),
    ([4, 5], [2], 4, "params (α) = 4·1 (shared_axes [2] → 1) = 4"),
    # -1: Keras's param_shape[-1 − 1] = param_shape[-2], the first of the two axes
    ([4, 5], [-1], 5, "params (α) = 1·5 (shared_axes [-1] → 1) = 5"),
    # 0: param_shape[0 − 1], the last axis (as Keras builds it)
    ([4, 5], [0], 4, "params (α) = 4·1 (shared_axes [0] → 1) = 4"),
    # every axis shared: a single α
    ([4, 5], [1, 2], 1, "params (α) = 1·1 (shared_axes [1, 2] → 1) = 1"),
    # an unknown length is fine when it is shared (a sequence of any length)
    ([None, 3], [1], 3, "params (α) = 1·3 (shared_axes [1] → 1) = 3"),
]


@pytest.mark.parametrize(("input_shape", "shared_axes", "params", "line"), PRELU)
def test_prelu_slopes_by_hand(
    input_shape: list[Any], shared_axes: Any, params: int, line: str
) -> None:
    row = one_layer(input_shape, "PReLU", shared_axes=shared_axes)
    assert (row.output_shape, row.params, row.non_trainable_params) == (
        tuple(input_shape),
        params,
        0,
    )
    assert row.working == (SAME, line)


def test_prelu_of_a_scalar_per_sample_has_one_slope() -> None:
    """Keras: Input(shape=()) gives α the shape (), one weight."""
    spec = {"layers": [{"type": "InputLayer", "shape": []}, {"type": "PReLU"}]}
    row = cnncalc.analyze(spec)[1]
    assert (row.output_shape, row.params, row.working) == ((), 1, (SAME, "params (α) = 1 = 1"))


# (input shape, layer, the cost lines) — one activation per element: 8·8·3 = 192.
COSTS: list[tuple[list[Any], dict[str, Any], tuple[str, ...]]] = [
    (
        [8, 8, 3],
        {"type": "ELU"},
        (
            "ops = 8·8·3 = 192  (ELU, one activation per element as ReLU counts)",
            "receptive field unchanged: 1×1 (S 1, P 0)",
        ),
    ),
    (
        [8, 8, 3],
        {"type": "PReLU", "shared_axes": [1, 2]},
        (
            "ops = 8·8·3 = 192  (PReLU, one activation per element as LeakyReLU counts)",
            "receptive field unchanged: 1×1 (S 1, P 0)",
        ),
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "lines"), COSTS)
def test_activation_costs_by_hand(
    input_shape: list[Any], layer: dict[str, Any], lines: tuple[str, ...]
) -> None:
    row = row_of(input_shape, layer)
    assert (row.macs, row.ops, row.cost_working) == (0, 192, lines)


def test_elu_keeps_the_shape_and_has_no_weights() -> None:
    row = one_layer([4, 5], "ELU", alpha=0.5)
    assert (row.output_shape, row.params, row.ops) == ((4, 5), 0, 4 * 5)
    assert row.working == ("output shape = input shape; params = 0",)


# (input shape, shared_axes, the error a user sees)
REFUSALS: list[tuple[list[Any], Any, str]] = [
    (
        [None, 3],
        None,
        "every axis of (None, None, 3) that is not shared must be known to count α",
    ),
    # Keras: param_shape[3 − 1] of a 2-long list, and param_shape[-2 − 1]: IndexErrors
    ([4, 5], [3], "shared_axes=3 is out of range for a 3-D input"),
    ([4, 5], [-2], "shared_axes=-2 is out of range for a 3-D input"),
]


@pytest.mark.parametrize(("input_shape", "shared_axes", "message"), REFUSALS)
def test_prelu_refusals_say_why(input_shape: list[Any], shared_axes: Any, message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(f"layer 0 'p_re_lu' (PReLU): {message}")):
        one_layer(input_shape, "PReLU", shared_axes=shared_axes)
