"""EinsumDense worked by hand: output shape, kernel and bias sizes, MACs and refusals.

The rule is Keras 3's `_analyze_split_string` (keras/src/layers/core/einsum_dense.py): the
output is the batch axis, then the elided axes (each inserted at position 1, so they come out
reversed), then `output_shape` as written (a None stays None); a kernel letter takes its size
from the output if it is there, else from the input; the bias spans the output from the first
bias axis on, with 1 for the axes it does not name. The first three rows are the examples in
EinsumDense's docstring (keras.io/api/layers/core_layers/einsum_dense/). MACs are output
values × the sizes summed over. These run without Keras, so the mutation run
(scripts/mutation.py) counts them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cnncalc import CnncalcError

from .conftest import one_layer

# (input shape, arguments, output shape, params, working, MACs line, ops line or None)
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, tuple[str, ...], str, Any]] = [
    (  # docs, "a biased dense layer": 32·64 weights + 64 biases = 2112
        [32],
        {"equation": "ab,bc->ac", "output_shape": 64, "bias_axes": "c"},
        (64,),
        32 * 64 + 64,
        (
            "output = (None, 64)",
            "kernel 'bc' = 32·64 = 2048",
            "bias 'c' = 64 = 64",
            "params = 2048 + 64 = 2112",
        ),
        "macs = 64 · 32 = 2048  (output values · the summed axes)",
        "ops = 64 = 64  (bias additions)",
    ),
    (  # docs, "a dense layer on a sequence": output_shape (None, 64) keeps its None;
        # 128·64 + 64 = 8256; each of 32·64 outputs sums 128 products
        [32, 128],
        {"equation": "abc,cd->abd", "output_shape": [None, 64], "bias_axes": "d"},
        (None, 64),
        128 * 64 + 64,
        (
            "output = (None, None, 64)",
            "kernel 'cd' = 128·64 = 8192",
            "bias 'd' = 64 = 64",
            "params = 8192 + 64 = 8256",
        ),
        "macs = 32·64 · 128 = 262144  (output values · the summed axes)",
        "ops = ?·64 = ? (a size is unknown)  (bias additions)",
    ),
    (  # docs, "with ellipses": the elided 32 comes first; 32·64 bias additions
        [32, 128],
        {"equation": "...x,xy->...y", "output_shape": 64, "bias_axes": "y"},
        (32, 64),
        128 * 64 + 64,
        (
            "output = (None, 32, 64)",
            "kernel 'xy' = 128·64 = 8192",
            "bias 'y' = 64 = 64",
            "params = 8192 + 64 = 8256",
        ),
        "macs = 32·64 · 128 = 262144  (output values · the summed axes)",
        "ops = 32·64 = 2048  (bias additions)",
    ),
    (  # no bias_axes: 32·10 = 320 weights and no bias additions
        [32],
        {"equation": "ab,bc->ac", "output_shape": 10},
        (10,),
        320,
        (
            "output = (None, 10)",
            "kernel 'bc' = 32·10 = 320",
            "no bias_axes: no bias",
            "params = 320 + 0 = 320",
        ),
        "macs = 10 · 32 = 320  (output values · the summed axes)",
        None,
    ),
    (  # three elided axes 3, 4, 5 are inserted at 1 one by one: 5, 4, 3; 6·64 = 384
        [3, 4, 5, 6],
        {"equation": "...b,bc->...c", "output_shape": 64},
        (5, 4, 3, 64),
        384,
        (
            "output = (None, 5, 4, 3, 64) (Keras lists the elided axes reversed)",
            "kernel 'bc' = 6·64 = 384",
            "no bias_axes: no bias",
            "params = 384 + 0 = 384",
        ),
        "macs = 3·4·5·64 · 6 = 23040  (output values · the summed axes)",
        None,
    ),
    (  # two elided axes 3, 4: 3 goes to position 1, then 4 before it; 6·5 = 30
        [3, 4, 6],
        {"equation": "...b,bc->...c", "output_shape": 5},
        (4, 3, 5),
        30,
        (
            "output = (None, 4, 3, 5) (Keras lists the elided axes reversed)",
            "kernel 'bc' = 6·5 = 30",
            "no bias_axes: no bias",
            "params = 30 + 0 = 30",
        ),
        "macs = 3·4·5 · 6 = 360  (output values · the summed axes)",
        None,
    ),
    (  # capital letters are letters too (Keras's pattern is [a-zA-Z]): 7·3 + 3 = 24
        [7],
        {"equation": "aB,BC->aC", "output_shape": 3, "bias_axes": "C"},
        (3,),
        24,
        (
            "output = (None, 3)",
            "kernel 'BC' = 7·3 = 21",
            "bias 'C' = 3 = 3",
            "params = 21 + 3 = 24",
        ),
        "macs = 3 · 7 = 21  (output values · the summed axes)",
        "ops = 3 = 3  (bias additions)",
    ),
    (  # one elided axis: nothing to reverse; 4·5 = 20
        [3, 4],
        {"equation": "...b,bc->...c", "output_shape": 5},
        (3, 5),
        20,
        (
            "output = (None, 3, 5)",
            "kernel 'bc' = 4·5 = 20",
            "no bias_axes: no bias",
            "params = 20 + 0 = 20",
        ),
        "macs = 3·5 · 4 = 60  (output values · the summed axes)",
        None,
    ),
    (  # kernel c·d·e = 6·3·2 = 36; bias over 'de' = 3·2 = 6; 4·3·2 outputs sum 6 products
        [4, 6],
        {"equation": "abc,cde->abde", "output_shape": [4, 3, 2], "bias_axes": "de"},
        (4, 3, 2),
        42,
        (
            "output = (None, 4, 3, 2)",
            "kernel 'cde' = 6·3·2 = 36",
            "bias 'de' = 3·2 = 6",
            "params = 36 + 6 = 42",
        ),
        "macs = 4·3·2 · 6 = 144  (output values · the summed axes)",
        "ops = 4·3·2 = 24  (bias additions)",
    ),
    (  # a bias on 'b' spans 'bd' with a 1 for d: (5, 1), 5 biases; kernel 8·3 = 24
        [5, 8],
        {"equation": "abc,cd->abd", "output_shape": [5, 3], "bias_axes": "b"},
        (5, 3),
        29,
        (
            "output = (None, 5, 3)",
            "kernel 'cd' = 8·3 = 24",
            "bias 'b' = 5·1 = 5",
            "params = 24 + 5 = 29",
        ),
        "macs = 5·3 · 8 = 120  (output values · the summed axes)",
        "ops = 5·3 = 15  (bias additions)",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "arguments", "shape", "params", "lines", "macs_line", "ops_line"), CASES
)
def test_einsum_dense_by_hand(
    input_shape: list[Any],
    arguments: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    lines: tuple[str, ...],
    macs_line: str,
    ops_line: str | None,
) -> None:
    row = one_layer(input_shape, "EinsumDense", **arguments)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    assert row.working == lines
    assert row.cost_working[0] == macs_line
    assert row.macs == int(macs_line.split(" = ")[-1].split()[0])
    if ops_line is None:
        assert row.ops == 0
        assert not [line for line in row.cost_working if line.startswith("ops")]
    else:
        assert row.cost_working[1] == ops_line
        value = ops_line.split(" = ")[-1].split()[0]
        assert row.ops == (None if value == "?" else int(value))


def test_an_activation_is_one_more_operation_per_output() -> None:
    """relu after the 64 bias additions: 64 · 2 = 128 operations."""
    row = one_layer(
        [32], "EinsumDense", equation="ab,bc->ac", output_shape=64, bias_axes="c", activation="relu"
    )
    assert row.ops == 128
    assert "ops = 64 · 2 = 128  (bias additions + relu)" in row.cost_working


# (input shape, arguments, what the user reads) — the exact words.
REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [32],
        {"equation": "ab->b", "output_shape": 4},
        "the equation 'ab->b' is not of the forms 'ab,bc->ac' or '...b,bc->...c'",
    ),
    (  # an ellipsis on one side only
        [3, 32],
        {"equation": "...b,bc->c", "output_shape": 4},
        "the equation '...b,bc->c' is not of the forms",
    ),
    ([32], {"equation": "abc,cd->abd", "output_shape": 4}, "'abc' names 3 axes, the input has 2"),
    (  # more input axes than letters, and no ellipsis to take them
        [3, 4],
        {"equation": "ab,bc->ac", "output_shape": 4},
        "'ab' names 2 axes, the input has 3",
    ),
    (
        [32],
        {"equation": "ab,bc->ac", "output_shape": [4, 5]},
        "output_shape [4, 5] does not fit the output 'ac'",
    ),
    (
        [5, 8],
        {"equation": "abc,cd->abd", "output_shape": [6, 3]},
        "axis 'b' is 5 in the input but 6 in output_shape",
    ),
    (
        [None],
        {"equation": "ab,bc->ac", "output_shape": 4},
        "the kernel 'bc' = (None, 4) must have every axis known",
    ),
    (  # 'z' is in neither the input nor the output: Keras cannot size it either
        [32],
        {"equation": "ab,bzc->ac", "output_shape": 4},
        "the kernel 'bzc' = (32, 0, 4) must have every axis known",
    ),
    (  # einsum: "includes output subscript 'c' multiple times"
        [32],
        {"equation": "ab,bc->acc", "output_shape": [4, 4]},
        "the output 'acc' names axis 'c' twice",
    ),
    (  # Keras: "Dimension 'd' was specified in the output 'acd' but has no corresponding dim"
        [32],
        {"equation": "ab,bc->acd", "output_shape": [4, 5]},
        "axis 'd' of the output 'acd' is in neither the input 'ab' nor the kernel 'bc'",
    ),
    (  # Keras: "Bias dimension 'z' was requested, but is not part of the output spec"
        [32],
        {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "cz"},
        "bias_axes 'z' is not in the output 'ac'",
    ),
    (  # Keras: "Shapes used to initialize variables must be fully-defined"
        [3, 4, 5],
        {"equation": "abcd,de->abce", "output_shape": [None, None, 7], "bias_axes": "ce"},
        "the bias 'ce' = (None, 7) must have every axis known",
    ),
]


@pytest.mark.parametrize(("input_shape", "arguments", "message"), REFUSED)
def test_refusals_say_why(input_shape: list[Any], arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer(input_shape, "EinsumDense", **arguments)
