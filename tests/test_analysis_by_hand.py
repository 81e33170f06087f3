"""The result object a Python user holds: rows by name or position, totals, bytes per dtype,
unknown sizes, the memory defaults, every field of to_dict and the renderings Jupyter shows.

Every expected value is hand arithmetic written here (Keras's rules: (inputs + 1)·units for
Dense, 4 weights per feature for BatchNormalization of which the moving mean and variance do
not train; float16 2 bytes, float32 4, float64 8).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import cnncalc

SMALL = {  # 3 → 2 → 1, the second Dense frozen: (3 + 1)·2 = 8 trainable, (2 + 1)·1 = 3 not
    "name": "small",
    "input_shape": [3],
    "layers": [
        {"type": "Dense", "units": 2, "name": "hidden"},
        {"type": "Dense", "units": 1, "name": "out", "trainable": False},
    ],
}


def mixed_block(**block: Any) -> dict[str, Any]:
    """A nested model whose layers each keep their own dtype (the outer row is float32):
    dense (3 + 1)·2 = 8 float16; batch_normalization 4·2 = 8 float16, 4 of them moving
    statistics; dense_1 (2 + 1)·1 = 3 float64."""
    return {
        "input_shape": [3],
        "layers": [
            {
                "type": "Sequential",
                "name": "block",
                **block,
                "layers": [
                    {"type": "Dense", "units": 2, "dtype": "float16"},
                    {"type": "BatchNormalization", "dtype": "float16"},
                    {"type": "Dense", "units": 1, "dtype": "float64"},
                ],
            }
        ],
    }


@pytest.mark.parametrize(
    ("block", "params_bytes", "trainable_bytes", "non_trainable_bytes"),
    [
        ({}, 8 * 2 + 8 * 2 + 3 * 8, 8 * 2 + 4 * 2 + 3 * 8, 4 * 2),
        ({"trainable": False}, 8 * 2 + 8 * 2 + 3 * 8, 0, 8 * 2 + 8 * 2 + 3 * 8),
    ],
    ids=["trainable", "frozen"],
)
def test_a_nested_models_bytes_are_its_layers_each_in_its_dtype(
    block: dict[str, Any], params_bytes: int, trainable_bytes: int, non_trainable_bytes: int
) -> None:
    """As Keras's summary sizes them: a float32 count of the outer row would say 19·4 = 76."""
    result = cnncalc.analyze(mixed_block(**block))
    row = result["block"]
    assert (row.params_bytes, row.trainable_bytes, row.non_trainable_bytes) == (
        params_bytes,
        trainable_bytes,
        non_trainable_bytes,
    )
    assert (result.params_bytes, result.trainable_bytes, result.non_trainable_bytes) == (
        params_bytes,
        trainable_bytes,
        non_trainable_bytes,
    )


def test_a_half_precision_batch_normalization_sizes_its_statistics_in_float16() -> None:
    """4·3 = 12 weights, 2·3 = 6 of them moving statistics, 2 bytes each."""
    result = cnncalc.analyze(
        {"input_shape": [3], "layers": [{"type": "BatchNormalization", "dtype": "float16"}]}
    )
    assert (result.params_bytes, result.trainable_bytes, result.non_trainable_bytes) == (
        12 * 2,
        6 * 2,
        6 * 2,
    )


def test_totals_and_splits_of_a_frozen_layer() -> None:
    result = cnncalc.analyze(SMALL)
    assert [(r.params, r.trainable_params, r.non_trainable_params) for r in result] == [
        (8, 8, 0),
        (3, 0, 3),
    ]
    assert (result.total_params, result.trainable_params, result.non_trainable_params) == (
        11,
        8,
        3,
    )
    assert (result.params_bytes, result.trainable_bytes, result.non_trainable_bytes) == (
        11 * 4,
        8 * 4,
        3 * 4,
    )


def test_an_unknown_size_makes_the_totals_that_need_it_unknown() -> None:
    """A conv on an input of unknown height and width: its MACs and bias additions are unknown
    (None, printed '?'); the Dense after global pooling is known: MACs 2·2 = 4, 2 bias
    additions. One unknown row makes the total unknown, however many are known."""
    result = cnncalc.analyze(
        {
            "input_shape": [None, None, 3],
            "layers": [
                {"type": "Conv2D", "filters": 2, "kernel_size": 1},
                {"type": "GlobalMaxPooling2D"},
                {"type": "Dense", "units": 2},
            ],
        }
    )
    assert [(row.macs, row.flops) for row in result] == [(None, None), (0, 0), (4, 2 * 4)]
    assert result["dense"].ops == 2
    assert (result.total_macs, result.total_flops, result.total_ops) == (None, None, None)
    assert result.total_params == (3 + 1) * 2 + (2 + 1) * 2


def test_known_totals_add_up() -> None:
    """MACs: 3·2 + 2·1 = 8; bias additions 2 + 1 = 3."""
    result = cnncalc.analyze(SMALL)
    assert (result.total_macs, result.total_flops, result.total_ops) == (8, 16, 3)


@pytest.mark.parametrize(
    ("spec_batch", "arguments", "batch", "optimizer", "dtype"),
    [
        (None, {}, 1, "rmsprop", "float32"),  # compile()'s default optimizer, a batch of 1
        (16, {}, 16, "rmsprop", "float32"),  # the spec's fixed batch
        (16, {"batch_size": 4, "optimizer": "adam", "dtype": "float16"}, 4, "adam", "float16"),
    ],
)
def test_memory_defaults(
    spec_batch: int | None, arguments: dict[str, Any], batch: int, optimizer: str, dtype: str
) -> None:
    head = {} if spec_batch is None else {"batch_size": spec_batch}
    memory = cnncalc.analyze({**SMALL, **head}).memory(**arguments)
    assert (memory.batch_size, memory.optimizer, memory.dtype) == (batch, optimizer, dtype)


def test_rows_by_position_and_by_name() -> None:
    result = cnncalc.analyze(SMALL)
    assert result[1].name == "out"
    assert result["hidden"].output_shape == (2,)
    assert [row.name for row in result] == ["hidden", "out"]
    assert len(result) == 2
    assert result.output_shape == (None, 1)
    with pytest.raises(KeyError) as caught:
        result["outt"]
    assert caught.value.args[0] == "no layer named 'outt'; did you mean 'out'?"
    with pytest.raises(KeyError) as caught:
        result["zzz"]
    assert caught.value.args[0] == "no layer named 'zzz'"


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        (SMALL, "<Analysis small: 2 layers, 11 params, output (None, 1)>"),
        (
            {"input_shape": [3], "batch_size": 8, "layers": [{"type": "Dense", "units": 4}]},
            "<Analysis unnamed: 1 layer, 16 params, output (8, 4)>",  # (3 + 1)·4
        ),
        (  # (1000 + 1)·1000 = 1,001,000 with thousands separators
            {"input_shape": [1000], "layers": [{"type": "Dense", "units": 1000}] * 3},
            "<Analysis unnamed: 3 layers, 3,003,000 params, output (None, 1000)>",
        ),
    ],
)
def test_the_repl_line(spec: dict[str, Any], line: str) -> None:
    assert repr(cnncalc.analyze(spec)) == line


def test_to_dict_every_field_of_a_row_and_of_the_whole() -> None:
    """hidden: MACs 3·2 = 6, 2 bias additions; out: MACs 2·1 = 2, 1 addition. Memory of a
    batch of 1, float32, rmsprop (one velocity per trainable weight, plus Keras's int64
    iteration and float32 learning rate): activations (3 + 2 + 1)·4 = 24 bytes."""
    data = cnncalc.analyze(SMALL).to_dict()
    hidden = {
        "name": "hidden",
        "type": "Dense",
        "output_shape": [None, 2],
        "params": 8,
        "trainable_params": 8,
        "non_trainable_params": 0,
        "inputs": ["input"],
        "macs": 6,
        "flops": 12,
        "ops": 2,
        "activations": 2,
        "receptive_field": None,
        "dtype": "float32",
    }
    out = {
        **hidden,
        "name": "out",
        "output_shape": [None, 1],
        "params": 3,
        "trainable_params": 0,
        "non_trainable_params": 3,
        "inputs": ["hidden"],
        "macs": 2,
        "flops": 4,
        "ops": 1,
        "activations": 1,
    }
    memory = {
        "batch_size": 1,
        "dtype": "float32",
        "optimizer": "rmsprop",
        "params_bytes": 11 * 4,
        "gradients_bytes": 8 * 4,
        "optimizer_params": 8 + 2,
        "optimizer_bytes": 8 * 4 + 8 + 4,
        "activations_bytes": (3 + 2 + 1) * 4,
        "training_bytes": 44 + 32 + 44 + 24,
        "inference_peak_bytes": 44 + (3 + 2) * 4,
    }
    assert data == {
        "name": "small",
        "input_shape": [3],
        "layers": [hidden, out],
        "total_params": 11,
        "trainable_params": 8,
        "non_trainable_params": 3,
        "total_macs": 8,
        "total_flops": 16,
        "total_ops": 3,
        "memory": memory,
        "batch_size": None,
        "dtype": "float32",
    }


def test_to_dict_explain_adds_the_working_and_the_memory_working() -> None:
    result = cnncalc.analyze(SMALL)
    data = result.to_dict(explain=True, memory=result.memory(batch_size=2))
    hidden = data["layers"][0]
    assert "params = (3 + 1)·2 = 8" in hidden["working"]
    assert "macs = 2 · 3 = 6" in hidden["cost_working"]
    assert data["memory"]["batch_size"] == 2
    assert (
        "activations_bytes = 2·6·4 = 48  (the input and every layer's output)"
        in (data["memory_working"])
    )
    assert "working" not in result.to_dict()["layers"][0]
    assert "memory_working" not in result.to_dict()


def test_a_nested_rows_dict_carries_its_layers() -> None:
    data = cnncalc.analyze(mixed_block()).to_dict()
    block = data["layers"][0]
    assert [(inner["name"], inner["params"], inner["dtype"]) for inner in block["nested"]] == [
        ("dense", 8, "float16"),
        ("batch_normalization", 8, "float16"),
        ("dense_1", 3, "float64"),
    ]
    assert block["params"] == 8 + 8 + 3
    assert "nested" not in block["nested"][0]


def test_to_json_keeps_unicode_and_indents_by_default() -> None:
    result = cnncalc.analyze(
        {"name": "café", "input_shape": [3], "layers": [{"type": "Dense", "units": 2}]}
    )
    text = result.to_json()
    assert '"name": "café"' in text
    assert text.splitlines()[1] == '  "name": "café",'
    one_line = result.to_json(indent=None)
    assert "\n" not in one_line and json.loads(one_line) == json.loads(text)


def test_the_renderings_jupyter_and_print_show() -> None:
    result = cnncalc.analyze(SMALL)
    assert str(result).startswith('Model: "small"\n')
    assert "Working" not in str(result)
    assert result._repr_html_().startswith("<p><b>Model: small</b></p>\n<table>")
    assert result._repr_markdown_().startswith("**Model: small**\n\n| Layer (type)")
    explained = result.explain()
    assert explained.startswith("hidden (Dense): (None, 3) → (None, 2)\n")
    assert "    params = (2 + 1)·1 = 3" in explained
    assert result.to_table("csv", explain=True).splitlines()[0].endswith(",inputs,working")
    costs = result.to_table("csv", costs=result.memory())
    assert costs.splitlines()[0].endswith(",inputs,macs,flops,ops,activations,receptive_field")


def test_to_table_expands_nested_models_on_request() -> None:
    result = cnncalc.analyze(mixed_block())
    assert "└ dense (Dense)" not in result.to_table()
    assert "│    └ dense (Dense) " in result.to_table(expand_nested=True)


def test_draw_gives_the_diagram_in_the_style_and_with_the_costs_asked_for() -> None:
    """A chain is drawn as the lecture's boxes unless the graph style is asked for; with
    costs each box carries its MACs (hidden: 3·2 = 6)."""
    result = cnncalc.analyze(SMALL)
    plain = result.draw()
    assert plain.svg.startswith("<svg") and "hidden" in plain.svg and "out" in plain.svg
    assert (plain.style, result.draw(style="graph").style) == ("layers", "graph")
    assert "MACs 6" in result.draw(costs=True).svg
    assert "MACs 6" not in plain.svg


def test_a_rows_dict_alone_and_with_its_receptive_field() -> None:
    """A 3×3 conv at stride 1 sees 3×3 input positions (r = 1 + (3 − 1)·1 = 3), no padding;
    a row's dict leaves the working out unless asked."""
    result = cnncalc.analyze(
        {"input_shape": [5, 5, 1], "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 3}]}
    )
    row = result[0].to_dict()
    assert row["receptive_field"] == {"size": [3, 3], "stride": [1, 1], "padding": [0, 0]}
    assert "working" not in row and "cost_working" not in row
    assert "params = (3·3·1 + 1)·1 = 10" in result[0].to_dict(explain=True)["working"]


def test_a_spec_without_input_shape_has_none_in_its_dict() -> None:
    result = cnncalc.analyze({"layers": [{"type": "InputLayer", "shape": [3], "name": "x"}]})
    assert result.to_dict()["input_shape"] is None
    assert json.loads(result.to_json())["input_shape"] is None


def test_json_leaves_the_working_out_unless_asked() -> None:
    result = cnncalc.analyze(SMALL)
    assert "working" not in json.loads(result.to_json())["layers"][0]
    assert "params = (3 + 1)·2 = 8" in json.loads(result.to_json(True))["layers"][0]["working"]


def test_a_nested_models_layers_carry_their_working_when_asked() -> None:
    """Inside the block: dense (3 + 1)·2 = 8."""
    block = cnncalc.analyze(mixed_block()).to_dict(explain=True)["layers"][0]
    assert "params = (3 + 1)·2 = 8" in block["nested"][0]["working"]


def test_the_output_is_the_layer_nothing_reads_not_the_last_listed() -> None:
    """A head listed before the trunk it reads: Keras's model outputs the head, (None, 2)."""
    result = cnncalc.analyze(
        {
            "input_shape": [4],
            "layers": [
                {"type": "Dense", "units": 2, "name": "head", "inputs": ["trunk"]},
                {"type": "Dense", "units": 6, "name": "trunk", "inputs": ["input"]},
            ],
        }
    )
    assert result.output_shape == (None, 2)
    assert "(None, 2)" in repr(result)
