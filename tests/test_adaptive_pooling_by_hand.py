"""Adaptive pooling worked by hand: a fixed output size, Keras's uneven windows, their work.

Keras 3 (keras.layers.AdaptiveAveragePooling2D …, as PyTorch's AdaptiveAvgPool2d) places
window i of n over an axis of length L at ⌊i·L/n⌋ … ⌈(i + 1)·L/n⌉ − 1, so windows may differ
in size and overlap; the output's spatial axes are `output_size`, the channels kept, no
weights. Work as docs/costs.md counts it: a window of K values takes K − 1 comparisons (max)
or K values summed and divided (average, K per window); the windows' sizes multiply axis by
axis. Every window below is worked in its comment; none is copied from cnncalc's output.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import CnncalcError

from .conftest import one_layer, row_of

MAX_NOTE = "K − 1 comparisons per window of K"
AVERAGE_NOTE = "K per window of K"


# (input shape, layer, output shape, ops line) — every window by hand.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], str]] = [
    # L = 7, n = 3: 0…⌈7/3⌉−1 = 0…2, ⌊7/3⌋…⌈14/3⌉−1 = 2…4, ⌊14/3⌋…6 = 4…6: 3 + 3 + 3 = 9;
    # average: 2 channels · 9 = 18
    (
        [7, 2],
        {"type": "AdaptiveAveragePooling1D", "output_size": 3},
        (3, 2),
        f"ops = 2 · (3 + 3 + 3) = 18  ({AVERAGE_NOTE})",
    ),
    # L = 8, n = 3: 0…2, ⌊8/3⌋ = 2 … ⌈16/3⌉−1 = 5, ⌊16/3⌋ = 5 … 7: 3 + 4 + 3 = 10;
    # max: 2 · (9·10 − 3·3 windows) = 2 · 81 = 162
    (
        [7, 8, 2],
        {"type": "AdaptiveMaxPooling2D", "output_size": 3},
        (3, 3, 2),
        f"ops = 2 · ((3 + 3 + 3) · (3 + 4 + 3) − 3·3) = 162  ({MAX_NOTE})",
    ),
    # H = 5, n = 2: 0…⌈5/2⌉−1 = 0…2, ⌊5/2⌋ = 2 … 4: 3 + 3; W = 4, n = 3: 0…1, 1…2, 2…3:
    # 2 + 2 + 2; average: 6 · 6 · 6 = 216
    (
        [5, 4, 6],
        {"type": "AdaptiveAveragePooling2D", "output_size": [2, 3]},
        (2, 3, 6),
        f"ops = 6 · (3 + 3) · (2 + 2 + 2) = 216  ({AVERAGE_NOTE})",
    ),
    # more outputs than inputs, L = 2, n = 3: 0…⌈2/3⌉−1 = 0…0, ⌊2/3⌋ = 0 … ⌈4/3⌉−1 = 1,
    # ⌊4/3⌋ = 1 … 1: 1 + 2 + 1 = 4; max: 1 · (4 − 3) = 1
    (
        [2, 1],
        {"type": "AdaptiveMaxPooling1D", "output_size": 3},
        (3, 1),
        f"ops = 1 · ((1 + 2 + 1) − 3) = 1  ({MAX_NOTE})",
    ),
    # channels first, output 1 everywhere: one window per axis, 2·3·5 = 30 values; 4 · 30 = 120
    (
        [4, 2, 3, 5],
        {"type": "AdaptiveAveragePooling3D", "output_size": 1, "data_format": "channels_first"},
        (4, 1, 1, 1),
        f"ops = 4 · (2) · (3) · (5) = 120  ({AVERAGE_NOTE})",
    ),
    # 3D max, output (1, 2, 1): D = 2 → (2); H = 4, n = 2 → 0…1, 2…3: (2 + 2); W = 3 → (3);
    # 5 · (2·4·3 − 1·2·1) = 5 · 22 = 110
    (
        [2, 4, 3, 5],
        {"type": "AdaptiveMaxPooling3D", "output_size": [1, 2, 1]},
        (1, 2, 1, 5),
        f"ops = 5 · ((2) · (2 + 2) · (3) − 1·2·1) = 110  ({MAX_NOTE})",
    ),
    # an unknown length: the output size is still known, the work is not
    (
        [None, 3],
        {"type": "AdaptiveMaxPooling1D", "output_size": 2},
        (2, 3),
        f"ops = ? (a size is unknown)  ({MAX_NOTE})",
    ),
    (
        [5, None],
        {"type": "AdaptiveAveragePooling1D", "output_size": 2},
        (2, None),
        f"ops = ? (a size is unknown)  ({AVERAGE_NOTE})",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "line"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_adaptive_pooling_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[Any, ...], line: str
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params, row.macs) == (shape, 0, 0, 0)
    ops = line.split(" = ")[-1].split()[0]
    assert row.ops == (None if ops == "?" else int(ops))
    # uneven windows have no single (r, S, P): the field is the whole input
    whole = f"receptive field = the whole input  ({layer['type']} mixes every position)"
    assert row.cost_working == (line, whole)


def test_adaptive_pooling_working_by_hand() -> None:
    row = one_layer([5, 4, 6], "AdaptiveAveragePooling2D", output_size=[2, 3])
    assert row.working == (
        "output_height = output_size = 2",
        "output_width = output_size = 3",
        "output_depth = input_depth = 6",
        "params = 0",
    )


@given(
    windows=st.integers(1, 8),
    per_window=st.integers(1, 6),
    channels=st.integers(1, 5),
    averages=st.booleans(),
)
def test_even_adaptive_windows_tile_the_axis(
    windows: int, per_window: int, channels: int, averages: bool
) -> None:
    """When n divides L the windows are the L/n-wide tiles of plain pooling: L values read
    once each, K = L/n per window (average) or K − 1 comparisons (max)."""
    length = windows * per_window
    kind = "AdaptiveAveragePooling1D" if averages else "AdaptiveMaxPooling1D"
    row = one_layer([length, channels], kind, output_size=windows)
    assert row.output_shape == (windows, channels)
    expected = channels * length if averages else channels * windows * (per_window - 1)
    assert row.ops == expected


def test_adaptive_pooling_refuses_the_wrong_rank() -> None:
    message = (
        "layer 0 'adaptive_average_pooling2d' (AdaptiveAveragePooling2D): "
        "AdaptiveAveragePooling2D expects a 4-D input (batch, height, width, channels), "
        "got (None, 7, 3)"
    )
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer([7, 3], "AdaptiveAveragePooling2D", output_size=2)
