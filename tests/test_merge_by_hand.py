"""Merges, Concatenate and Dot worked by hand: shapes, working lines, costs and refusals.

The rules are Keras 3's, read from its source and docs: element-wise merges align shapes
from the right, a 1 stretches and an unknown size stays unknown
(`Merge._compute_elemwise_op_output_shape`); Concatenate adds the sizes along `axis` and keeps
the first input's other sizes (`ops.concatenate`'s output spec); Dot drops each input's summed
axis and joins the rest, (1,) when nothing is left, and refuses summed sizes that differ, an
unknown one against a known one included (`Dot.build`, `Dot.compute_output_shape`). Costs:
n inputs make n − 1 operations per output element (Average one division more); Dot's MACs are
outputs × summed values. Every number is worked out in the comments, never copied from
cnncalc's output. These run without Keras, so the mutation run (scripts/mutation.py) counts them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError
from cnncalc.costs import ReceptiveField

from .conftest import needs_keras
from .test_untested_paths import inputs_then

Shapes = list[list[Any]]

# (kind, input shapes, arguments, output shape, working line, ops line) — worked by hand.
ELEMENTWISE: list[tuple[str, Shapes, dict[str, Any], tuple[Any, ...], str, str]] = [
    (  # two inputs: 1 addition for each of 4·4·2 = 32 elements
        "Add",
        [[4, 4, 2], [4, 4, 2]],
        {},
        (4, 4, 2),
        "(None, 4, 4, 2) and (None, 4, 4, 2) → (None, 4, 4, 2); params = 0",
        "ops = 4·4·2 = 32  (1 addition per element)",
    ),
    (  # three inputs: a + b + c is 2 additions per element, 3 · 2 = 6
        "Add",
        [[3], [3], [3]],
        {},
        (3,),
        "(None, 3) and (None, 3) and (None, 3) → (None, 3); params = 0",
        "ops = 3 · 2 = 6  (2 additions per element)",
    ),
    (  # the 1 in the second input stretches to 6: 6·4 = 24 subtractions
        "Subtract",
        [[6, 4], [1, 4]],
        {},
        (6, 4),
        "(None, 6, 4) and (None, 1, 4) → (None, 6, 4); params = 0",
        "ops = 6·4 = 24  (1 subtraction per element)",
    ),
    (
        "Multiply",
        [[2, 3], [2, 3], [2, 3]],
        {},
        (2, 3),
        "(None, 2, 3) and (None, 2, 3) and (None, 2, 3) → (None, 2, 3); params = 0",
        "ops = 2·3 · 2 = 12  (2 multiplications per element)",
    ),
    (  # (a + b)/2: 1 addition and 1 division for each of 6 elements
        "Average",
        [[2, 3], [2, 3]],
        {},
        (2, 3),
        "(None, 2, 3) and (None, 2, 3) → (None, 2, 3); params = 0",
        "ops = 2·3 · 2 = 12  (1 addition per element and 1 division)",
    ),
    (  # (a + b + c)/3: 2 additions and 1 division, 4 · 3 = 12
        "Average",
        [[4], [4], [4]],
        {},
        (4,),
        "(None, 4) and (None, 4) and (None, 4) → (None, 4); params = 0",
        "ops = 4 · 3 = 12  (2 additions per element and 1 division)",
    ),
    (
        "Maximum",
        [[2, 2], [2, 2]],
        {},
        (2, 2),
        "(None, 2, 2) and (None, 2, 2) → (None, 2, 2); params = 0",
        "ops = 2·2 = 4  (1 comparison per element)",
    ),
    (
        "Minimum",
        [[5], [5], [5]],
        {},
        (5,),
        "(None, 5) and (None, 5) and (None, 5) → (None, 5); params = 0",
        "ops = 5 · 2 = 10  (2 comparisons per element)",
    ),
    (  # x + 3.0: one tensor and a scalar are two operands, 6 additions
        "Add",
        [[6]],
        {"constant": 3.0},
        (6,),
        "(None, 6) and 3 → (None, 6); params = 0",
        "ops = 6 = 6  (1 addition per element)",
    ),
    (  # x · 0.5
        "Multiply",
        [[2, 2]],
        {"constant": 0.5},
        (2, 2),
        "(None, 2, 2) and 0.5 → (None, 2, 2); params = 0",
        "ops = 2·2 = 4  (1 multiplication per element)",
    ),
    (  # ? with 3 stays ?; 4 with 1 is 4: the count is unknown
        "Add",
        [[None, 4], [3, 1]],
        {},
        (None, 4),
        "(None, None, 4) and (None, 3, 1) → (None, None, 4); params = 0",
        "ops = ?·4 = ? (a size is unknown)  (1 addition per element)",
    ),
]


@pytest.mark.parametrize(
    ("kind", "shapes", "arguments", "shape", "line", "ops_line"),
    ELEMENTWISE,
    ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(ELEMENTWISE)],
)
def test_elementwise_merges_by_hand(
    kind: str,
    shapes: Shapes,
    arguments: dict[str, Any],
    shape: tuple[Any, ...],
    line: str,
    ops_line: str,
) -> None:
    row = cnncalc.analyze(inputs_then(kind, shapes, **arguments))[-1]
    assert (row.output_shape, row.params, row.macs) == (shape, 0, 0)
    assert row.working == (line,)
    assert ops_line in row.cost_working
    value = ops_line.split(" = ")[-1].split()[0]
    assert row.ops == (None if value == "?" else int(value))


# (kind, input shapes, arguments, what the user reads) — the exact words.
REFUSED: list[tuple[str, Shapes, dict[str, Any], str]] = [
    ("Add", [[3]], {}, "Add needs at least 2 inputs, got 1; list them in `inputs`"),
    ("Subtract", [[3], [3], [3]], {}, "Subtract needs exactly 2 inputs, got 3"),
    # two tensors and a scalar are three operands: Subtract takes two
    ("Subtract", [[3], [3]], {"constant": 1.0}, "Subtract needs exactly 2 inputs"),
    (
        "Multiply",
        [[2, 3], [2, 4]],
        {},
        "the input shapes (None, 2, 3) and (None, 2, 4) do not match (3 ≠ 4)",
    ),
    ("Concatenate", [[3]], {}, "Concatenate needs at least 2 inputs, got 1; list them in `inputs`"),
    ("Concatenate", [[2, 3], [4]], {}, "the inputs (None, 2, 3) and (None, 4) differ in rank"),
    (
        "Concatenate",
        [[2, 3], [4, 5]],
        {"axis": 1},
        "the inputs (None, 2, 3) and (None, 4, 5) differ off the concatenation axis 1 (3 ≠ 5)",
    ),
    (
        "Dot",
        [[3], [3], [3]],
        {"axes": 1},
        "Dot needs exactly 2 inputs, got 3; list them in `inputs`",
    ),
    (
        "Dot",
        [[3, 4], [3, 5]],
        {"axes": 2},
        "the summed axes differ: 4 ≠ 5 ((None, 3, 4) and (None, 3, 5))",
    ),
    (  # Keras's Dot.build refuses None ≠ 4 too
        "Dot",
        [[3, None], [5, 4]],
        {"axes": 2},
        "the summed axes differ: None ≠ 4 ((None, 3, None) and (None, 5, 4))",
    ),
    # a 3-D first input has axes 0..2 (or −3..−1); the second input's rank must not be used
    ("Dot", [[3, 4], [3, 4, 2]], {"axes": [3, 1]}, "axes=3 is out of range for a 3-D input"),
    ("Dot", [[3, 4, 2], [3, 4]], {"axes": [1, 3]}, "axes=3 is out of range for a 3-D input"),
    ("Dot", [[3, 4], [3, 4]], {"axes": [1, -4]}, "axes=-4 is out of range for a 3-D input"),
    ("Dot", [[3, 4], [3, 4]], {"axes": 0}, "axes=0 is the batch axis"),
]


@pytest.mark.parametrize(("kind", "shapes", "arguments", "message"), REFUSED)
def test_refusals_say_why(
    kind: str, shapes: Shapes, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        cnncalc.analyze(inputs_then(kind, shapes, **arguments))


@needs_keras
def test_keras_refuses_a_dot_over_an_unknown_and_a_known_size(keras: Any) -> None:
    """The refusal above is Keras's: Dot.build compares the summed sizes, None included."""
    with pytest.raises(ValueError, match="Incompatible input shapes"):
        keras.layers.Dot(axes=2)([keras.Input((3, None)), keras.Input((5, 4))])


# (input shapes, axis, output shape, working line) — sizes along the axis added by hand.
CONCATENATIONS: list[tuple[Shapes, int, tuple[Any, ...], str]] = [
    ([[4, 4, 3], [4, 4, 5]], -1, (4, 4, 8), "axis -1: 3 + 5 = 8; params = 0"),
    ([[2, 3], [4, 3], [1, 3]], 1, (7, 3), "axis 1: 2 + 4 + 1 = 7; params = 0"),
    ([[2, 3, 4], [2, 5, 4]], 2, (2, 8, 4), "axis 2: 3 + 5 = 8; params = 0"),
    # an unknown size off the axis: the first input's is kept (Keras: (None, 5, None))
    ([[2, None], [3, 5]], 1, (5, None), "axis 1: 2 + 3 = 5; params = 0"),
    # an unknown size along the axis makes the total unknown (Keras: (None, None, 3))
    ([[None, 3], [4, 3]], 1, (None, 3), "axis 1: ? + 4 = ?; params = 0"),
]


@pytest.mark.parametrize(("shapes", "axis", "shape", "line"), CONCATENATIONS)
def test_concatenate_by_hand(shapes: Shapes, axis: int, shape: tuple[Any, ...], line: str) -> None:
    row = cnncalc.analyze(inputs_then("Concatenate", shapes, axis=axis))[-1]
    assert (row.output_shape, row.params, row.macs, row.ops) == (shape, 0, 0, 0)
    assert row.working == (line,)


# (input shapes, axes, output shape, working line, MACs line): outputs · summed values.
DOTS: list[tuple[Shapes, Any, tuple[Any, ...], str, str]] = [
    (  # nothing left of (4,)·(4,): Keras gives (None, 1)
        [[4], [4]],
        1,
        (1,),
        "sum over 4 values: (None, 4) and (None, 4) → (None, 1); params = 0",
        "macs = 1 · 4 = 4  (outputs · summed)",
    ),
    (  # (2, 4)·(2, 5) over axis 1: (4) and (5) joined, 4·5 outputs of 2 products each
        [[2, 4], [2, 5]],
        1,
        (4, 5),
        "sum over 2 values: (None, 2, 4) and (None, 2, 5) → (None, 4, 5); params = 0",
        "macs = 4·5 · 2 = 40  (outputs · summed)",
    ),
    (  # axes [1, 2]: the 3 of (3, 4) with the 3 of (5, 3)
        [[3, 4], [5, 3]],
        [1, 2],
        (4, 5),
        "sum over 3 values: (None, 3, 4) and (None, 5, 3) → (None, 4, 5); params = 0",
        "macs = 4·5 · 3 = 60  (outputs · summed)",
    ),
    (  # −1 is each input's last axis
        [[3, 4], [5, 4]],
        -1,
        (3, 5),
        "sum over 4 values: (None, 3, 4) and (None, 5, 4) → (None, 3, 5); params = 0",
        "macs = 3·5 · 4 = 60  (outputs · summed)",
    ),
    (  # axes [3, 1]: (2, 6) of the first, (5) of the second
        [[2, 6, 3], [3, 5]],
        [3, 1],
        (2, 6, 5),
        "sum over 3 values: (None, 2, 6, 3) and (None, 3, 5) → (None, 2, 6, 5); params = 0",
        "macs = 2·6·5 · 3 = 180  (outputs · summed)",
    ),
    (  # both summed sizes unknown: Keras builds it (None = None), the count is unknown
        [[3, None], [5, None]],
        2,
        (3, 5),
        "sum over ? values: (None, 3, None) and (None, 5, None) → (None, 3, 5); params = 0",
        "macs = 3·5 · ? = ? (a size is unknown)  (outputs · summed)",
    ),
]


@pytest.mark.parametrize(("shapes", "axes", "shape", "line", "macs_line"), DOTS)
def test_dot_by_hand(
    shapes: Shapes, axes: Any, shape: tuple[Any, ...], line: str, macs_line: str
) -> None:
    row = cnncalc.analyze(inputs_then("Dot", shapes, axes=axes))[-1]
    assert (row.output_shape, row.params, row.ops) == (shape, 0, 0)
    assert row.working == (line,)
    assert macs_line in row.cost_working
    value = macs_line.split(" = ")[-1].split()[0]
    assert row.macs == (None if value == "?" else int(value))


def two_convolutions_joined(axis: int) -> dict[str, Any]:
    """Two 3×3 valid convolutions of one 8×8 input, concatenated along `axis`."""
    conv = {"type": "Conv2D", "filters": 2, "kernel_size": 3, "inputs": ["input"]}
    return {
        "input_shape": [8, 8, 1],
        "layers": [
            {**conv, "name": "a"},
            {**conv, "name": "b"},
            {"type": "Concatenate", "name": "joined", "inputs": ["a", "b"], "axis": axis},
        ],
    }


@pytest.mark.parametrize("axis", [-1, 3])
def test_joining_channels_keeps_the_receptive_field(axis: int) -> None:
    """Each output position holds the channels of both paths at that position: a 3×3
    valid convolution sees r = 3, S = 1, P = 0 on each axis, and so does their join."""
    row = cnncalc.analyze(two_convolutions_joined(axis))["joined"]
    assert row.output_shape == (6, 6, 4)  # 6 = 8 − 3 + 1; 2 + 2 channels
    assert row.receptive_field == ReceptiveField((3, 3), (1, 1), (0, 0))


def test_joining_along_the_height_mixes_positions() -> None:
    """Rows 6..11 of the join are the second path's rows 0..5: positions no longer line up."""
    row = cnncalc.analyze(two_convolutions_joined(1))["joined"]
    assert row.output_shape == (12, 6, 2)  # 6 + 6 rows
    assert row.receptive_field is None
    assert "receptive field = the whole input  (Concatenate mixes every position)" in (
        row.cost_working
    )
