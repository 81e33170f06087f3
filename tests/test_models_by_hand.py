"""A model used as a layer, and Lambda, worked by hand.

Keras's summary shows a nested model as one row whose parameters are the sum of its layers'
(trainable and not), and whose output is its output layer's. A Dense layer of n inputs and u
units has n·u + u weights and n·u MACs; BatchNormalization 4·C weights of which 2·C (the
moving statistics) are not trained. A Lambda's code is never run, so only a declared
output_shape says what it makes. These run without Keras, so the mutation run counts them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .test_untested_paths import inputs_then


def dense(units: int, name: str, **more: Any) -> dict[str, Any]:
    return {"type": "Dense", "units": units, "name": name, **more}


def test_a_nested_sequential_is_one_row_summing_its_layers() -> None:
    """8 → 4 → 3 → 2: (8·4 + 4) + (4·3 + 3) + (3·2 + 2) = 36 + 15 + 8 = 59; MACs
    32 + 12 + 6 = 50; 4 + 3 + 2 = 9 bias additions; the output is the last layer's."""
    layers = [dense(4, "hidden"), dense(3, "middle"), dense(2, "out")]
    inner = {"type": "Sequential", "layers": layers}
    row = cnncalc.analyze({"input_shape": [8], "layers": [inner]})[0]
    assert (row.output_shape, row.params, row.non_trainable_params) == ((2,), 59, 0)
    assert row.working == (
        "hidden (Dense) → (None, 4), params 36",
        "middle (Dense) → (None, 3), params 15",
        "out (Dense) → (None, 2), params 8",
        "params = the sum over its 3 layers = 59",
    )
    assert (row.macs, row.ops) == (50, 9)
    assert row.cost_working[:2] == (
        "macs = the sum over its layers = 50",
        "ops = the sum over its layers = 9",
    )
    assert [inner_row.name for inner_row in row.nested] == ["hidden", "middle", "out"]
    assert row.receptive_field is None
    # on a vector there is nothing to trace: the line says that, not that the model is untraced
    assert "receptive field = the whole input  (the input (None, 8) has no spatial axis)" in (
        row.cost_working
    )


def test_a_nested_model_keeps_its_non_trainable_weights() -> None:
    """Dense 8 → 4 (36) then BatchNormalization over 4 channels: 4·4 = 16 weights, 2·4 = 8
    of them the moving mean and variance: 52 in all, 8 not trained."""
    inner = {
        "type": "Sequential",
        "layers": [
            {"type": "InputLayer", "shape": [99]},  # replaced by the shape it receives
            dense(4, "hidden"),
            {"type": "BatchNormalization", "name": "norm"},
        ],
    }
    row = cnncalc.analyze({"input_shape": [8], "layers": [inner]})[0]
    assert (row.params, row.non_trainable_params, row.trainable_params) == (52, 8, 44)


def test_a_nested_functional_model_reads_its_inputs_in_order_and_names_its_output() -> None:
    """Inputs (3,) and (5,) reach x and y in that order: a = Dense 2 of x (3·2 + 2 = 8),
    b = Dense 4 of y (5·4 + 4 = 24); the output is a, but every layer counts: 32."""
    layers = [
        {"type": "InputLayer", "name": "x", "shape": [1]},
        {"type": "InputLayer", "name": "y", "shape": [1]},
        dense(2, "a", inputs=["x"]),
        dense(4, "b", inputs=["y"]),
    ]
    spec = inputs_then("Functional", [[3], [5]], layers=layers, outputs=["a"])
    row = cnncalc.analyze(spec)[-1]
    assert (row.output_shape, row.params) == ((2,), 32)


def test_a_nested_functional_model_without_outputs_ends_at_its_last_layer() -> None:
    """4 → 3 → 2: (4·3 + 3) + (3·2 + 2) = 15 + 8 = 23, the output the last layer's (2,)."""
    inner = {
        "type": "Functional",
        "layers": [
            {"type": "InputLayer", "name": "x", "shape": [1]},
            dense(3, "first"),
            dense(2, "last"),
        ],
    }
    row = cnncalc.analyze({"input_shape": [4], "layers": [inner]})[0]
    assert (row.output_shape, row.params) == ((2,), 23)


# (spec, what the user reads) — the exact words.
REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        inputs_then("Sequential", [[3], [3]], layers=[dense(2, "d")]),
        "a nested Sequential takes one input, got 2",
    ),
    (
        {
            "input_shape": [3],
            "layers": [
                {
                    "type": "Functional",
                    "layers": [
                        {"type": "InputLayer", "name": "x", "shape": [3]},
                        {"type": "InputLayer", "name": "y", "shape": [3]},
                        {"type": "Add", "inputs": ["x", "y"]},
                    ],
                }
            ],
        },
        "the nested model has 2 inputs, got 1",
    ),
    (  # a 5×5 kernel on the 3×3 the nested model receives
        {
            "input_shape": [3, 3, 1],
            "layers": [
                {
                    "type": "Sequential",
                    "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 5}],
                }
            ],
        },
        "inside the nested model: layer 0 'conv2d' (Conv2D): a 5×5 kernel does not fit a 3×3 input",
    ),
    (
        {"input_shape": [3], "layers": [{"type": "Lambda"}]},
        "a Lambda layer's output comes from its code, which cnncalc never runs; declare its "
        "output_shape (without the batch dimension)",
    ),
]


@pytest.mark.parametrize(("spec", "message"), REFUSED)
def test_refusals_say_why(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        cnncalc.analyze(spec)


def test_a_lambda_makes_its_declared_shape() -> None:
    row = cnncalc.analyze(
        {"input_shape": [3], "layers": [{"type": "Lambda", "output_shape": [4, 2]}]}
    )[0]
    assert (row.output_shape, row.params) == ((4, 2), 0)
    assert row.working == ("declared output_shape (None, 4, 2)",)
