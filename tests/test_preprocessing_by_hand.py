"""Normalization worked by hand: its weights, its working and its operations.

Keras 3's Normalization (keras/src/layers/preprocessing/normalization.py) keeps, when it is
to be adapted, a mean and a variance over the kept axes plus a scalar count, all
non-trainable: 2·F + 1 weights for F features; given a mean and a variance it holds them as
constants and has no weights. Each value is then centred and scaled: 2 operations. Every
number is worked in the comments. These run without Keras, so the mutation run counts them.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import one_layer

# (input shape, arguments, params, working lines, ops line)
CASES: list[tuple[list[int], dict[str, Any], int, tuple[str, ...], str]] = [
    (  # the last axis: 5 features, 2·5 + 1 = 11; 5 values · 2
        [5],
        {},
        11,
        (
            "features = 5 = 5 (axis -1)",
            "params (mean, variance, count; non-trainable) = 2·5 + 1 = 11",
        ),
        "ops = 5 · 2 = 10  (subtract the mean, divide by the deviation)",
    ),
    (  # axes 1 and 2 of (4, 5, 3) are kept: 4·5 = 20 features, 41 weights; 60 values · 2
        [4, 5, 3],
        {"axis": [1, 2]},
        41,
        (
            "features = 4·5 = 20 (axis [1, 2])",
            "params (mean, variance, count; non-trainable) = 2·20 + 1 = 41",
        ),
        "ops = 4·5·3 · 2 = 120  (subtract the mean, divide by the deviation)",
    ),
    (  # axis None: one mean and one variance for everything, 2·1 + 1 = 3
        [2, 3],
        {"axis": None},
        3,
        (
            "features = 1 = 1 (axis None)",
            "params (mean, variance, count; non-trainable) = 2·1 + 1 = 3",
        ),
        "ops = 2·3 · 2 = 12  (subtract the mean, divide by the deviation)",
    ),
    (  # mean and variance given: constants, no weights; still 2 operations per value
        [3],
        {"mean": [0.5, 1.0, 2.0], "variance": [1.0, 4.0, 9.0]},
        0,
        ("mean and variance given: constants, params = 0",),
        "ops = 3 · 2 = 6  (subtract the mean, divide by the deviation)",
    ),
]


@pytest.mark.parametrize(("input_shape", "arguments", "params", "lines", "ops_line"), CASES)
def test_normalization_by_hand(
    input_shape: list[int],
    arguments: dict[str, Any],
    params: int,
    lines: tuple[str, ...],
    ops_line: str,
) -> None:
    row = one_layer(input_shape, "Normalization", **arguments)
    assert row.output_shape == tuple(input_shape)
    assert (row.params, row.non_trainable_params, row.macs) == (params, params, 0)
    assert row.working == lines
    assert row.cost_working[0] == ops_line
    assert row.ops == int(ops_line.split(" = ")[-1].split()[0])
