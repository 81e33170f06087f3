"""The table looks like Keras 3's summary of the same model: proven against models built by
hand in real Keras (not through cnncalc's bridge), cell by cell."""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc.render.tables import render_table, table_rows


def keras_rows(model: Any, expand_nested: bool = False) -> list[list[str]]:
    """The cells of Keras's own summary, one list per row (wide enough that nothing wraps)."""
    lines: list[str] = []
    model.summary(
        line_length=200,
        expand_nested=expand_nested,
        print_fn=lambda text, **_: lines.extend(text.splitlines()),
    )
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in lines if "│" in line]


def ours(spec: dict[str, Any], expand_nested: bool = False) -> list[list[str]]:
    return [
        [cell.strip() for cell in row]
        for row in table_rows(cnncalc.analyze(spec), expand_nested=expand_nested)
    ]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps Keras's table at the terminal width


GRAPH = {
    "name": "two_paths",
    "batch_size": 32,
    "input_shape": [28, 28, 1],
    "layers": [
        {"type": "Conv2D", "name": "a", "filters": 8, "kernel_size": 3, "inputs": ["input"]},
        {"type": "Conv2D", "name": "b", "filters": 8, "kernel_size": 3, "inputs": ["input"]},
        {"type": "Add", "name": "sum", "inputs": ["a", "b"]},
        {"type": "Flatten", "name": "flat"},
    ],
}


def test_a_graph_has_keras_input_row_and_connected_to_cells(keras: Any) -> None:
    layers = keras.layers
    x = keras.Input(shape=(28, 28, 1), batch_size=32, name="input")
    a = layers.Conv2D(8, 3, name="a")(x)
    b = layers.Conv2D(8, 3, name="b")(x)
    out = layers.Flatten(name="flat")(layers.Add(name="sum")([a, b]))
    expected = keras_rows(keras.Model(x, out, name="two_paths"))
    assert expected[0] == ["input (InputLayer)", "(32, 28, 28, 1)", "0", "-"]
    assert expected[3][3] == "a[0][0], b[0][0]"
    assert ours(GRAPH) == expected
    assert render_table(cnncalc.analyze(GRAPH), False).splitlines()[0] == 'Model: "two_paths"'


def test_a_chain_has_neither(keras: Any) -> None:
    """Keras prints a Sequential model without an input row or a Connected to column."""
    model = keras.Sequential(
        [
            keras.Input(shape=(8,)),
            keras.layers.Dense(4, name="d1"),
            keras.layers.Dense(2, name="d2"),
        ]
    )
    spec = {
        "input_shape": [8],
        "layers": [
            {"type": "Dense", "units": 4, "name": "d1"},
            {"type": "Dense", "units": 2, "name": "d2", "inputs": ["d1"]},  # still a chain
        ],
    }
    assert ours(spec) == keras_rows(model)
    assert render_table(cnncalc.analyze(spec), False).startswith('Model: "sequential"')


NESTED = {
    "name": "outer",
    "input_shape": [28, 28, 1],
    "layers": [
        {"type": "Conv2D", "name": "stem", "filters": 8, "kernel_size": 3},
        {
            "type": "Sequential",
            "name": "block",
            "layers": [
                {"type": "Conv2D", "name": "inner_conv", "filters": 4, "kernel_size": 3},
                {"type": "BatchNormalization", "name": "inner_bn"},
            ],
        },
        {
            "type": "Functional",
            "name": "fblock",
            "layers": [
                {"type": "InputLayer", "name": "fin", "shape": [24, 24, 4]},
                {"type": "Conv2D", "name": "p", "filters": 2, "kernel_size": 1, "inputs": ["fin"]},
                {"type": "Conv2D", "name": "q", "filters": 2, "kernel_size": 1, "inputs": ["fin"]},
                {"type": "Add", "name": "pq", "inputs": ["p", "q"]},
            ],
        },
        {"type": "Flatten", "name": "flat"},
    ],
}


def test_expand_nested_lists_the_inner_layers_as_keras_does(keras: Any) -> None:
    layers = keras.layers
    block = keras.Sequential(
        [
            keras.Input((26, 26, 8)),
            layers.Conv2D(4, 3, name="inner_conv"),
            layers.BatchNormalization(name="inner_bn"),
        ],
        name="block",
    )
    fin = keras.Input((24, 24, 4), name="fin")
    pq = layers.Add(name="pq")(
        [layers.Conv2D(2, 1, name="p")(fin), layers.Conv2D(2, 1, name="q")(fin)]
    )
    fblock = keras.Model(fin, pq, name="fblock")
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, name="stem"),
            block,
            fblock,
            layers.Flatten(name="flat"),
        ],
        name="outer",
    )
    expected = keras_rows(model, expand_nested=True)
    assert expected[2][0] == "└ inner_conv (Conv2D)"  # Keras indents: "   └ " (stripped here)
    assert ours(NESTED, expand_nested=True) == expected
    assert ours(NESTED) == keras_rows(model)
    keras_text: list[str] = []
    model.summary(expand_nested=True, print_fn=lambda text, **_: keras_text.append(text))
    indented = render_table(cnncalc.analyze(NESTED), False, expand_nested=True)
    for text in (keras_text[0], indented):  # Keras's indent, "   └ ", kept by the table
        assert "│    └ inner_conv (Conv2D)" in text


BATCH_SPECS = {
    "batch_size": {"batch_size": 32, "input_shape": [28, 28, 1]},
    "batch_shape": {"batch_shape": [32, 28, 28, 1]},
    "InputLayer batch_shape": {
        "input_layer": {"type": "InputLayer", "batch_shape": [32, 28, 28, 1]}
    },
    "InputLayer batch_size": {
        "input_layer": {"type": "InputLayer", "shape": [28, 28, 1], "batch_size": 32}
    },
}
LENET = [
    {"type": "Conv2D", "filters": 8, "kernel_size": 3},
    {"type": "MaxPooling2D", "pool_size": 2},
    {"type": "Flatten"},
    {"type": "Dense", "units": 10},
]


@pytest.mark.parametrize("declared", BATCH_SPECS.values(), ids=BATCH_SPECS)
def test_a_fixed_batch_is_in_every_shape_as_keras_prints_it(keras: Any, declared: dict) -> None:
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1), batch_size=32),
            layers.Conv2D(8, 3),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10),
        ]
    )
    first = [declared["input_layer"]] if "input_layer" in declared else []
    head = {k: v for k, v in declared.items() if k != "input_layer"}
    result = cnncalc.analyze({**head, "layers": [*first, *LENET]})
    rows = [row for row in result if row.type != "InputLayer"]
    assert [row.keras_output_shape for row in rows] == [
        tuple(layer.output.shape) for layer in model.layers
    ]
    assert [cells[1] for cells in keras_rows(model)] == [
        "(32, 26, 26, 8)",
        "(32, 13, 13, 8)",
        "(32, 1352)",
        "(32, 10)",
    ]
    assert result.to_dict()["layers"][-1]["output_shape"] == [32, 10]


def test_keras2_batch_input_shape(keras: Any) -> None:
    tf_keras = pytest.importorskip("tf_keras")
    model = tf_keras.Sequential(
        [
            tf_keras.layers.InputLayer(batch_input_shape=(16, 28, 28, 1)),
            tf_keras.layers.Conv2D(8, 3),
        ]
    )
    spec = {
        "layers": [
            {"type": "InputLayer", "batch_input_shape": [16, 28, 28, 1]},
            {"type": "Conv2D", "filters": 8, "kernel_size": 3},
        ]
    }
    assert cnncalc.analyze(spec)[-1].keras_output_shape == tuple(model.layers[-1].output.shape)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"batch_shape": [32], "layers": [{"type": "Flatten"}]},
            "batch_shape: the batch size and the input shape, e.g. [32, 28, 28, 1], got [32]",
        ),
        (
            {"batch_shape": [32, 4], "batch_size": 8, "layers": [{"type": "Flatten"}]},
            "batch_size 8 disagrees with batch_shape [32, 4]",
        ),
        (
            {"layers": [{"type": "InputLayer", "batch_shape": [32, 4], "batch_size": 8}]},
            "layers[0]: batch_size 8 disagrees with the batch 32 of its batch_shape",
        ),
    ],
)
def test_a_contradictory_batch_says_which(spec: dict, message: str) -> None:
    with pytest.raises(cnncalc.SpecError) as error:
        cnncalc.analyze(spec)
    assert message in str(error.value)


def test_a_nested_model_in_a_graph_has_no_connections_inside(keras: Any) -> None:
    layers = keras.layers
    block = keras.Sequential(
        [keras.Input((26, 26, 8)), layers.Conv2D(4, 3, name="inner_conv")], name="block"
    )
    x = keras.Input(shape=(28, 28, 1), batch_size=32, name="input")
    a = layers.Conv2D(8, 3, name="a")(x)
    b = layers.Conv2D(8, 3, name="b")(x)
    model = keras.Model(x, block(layers.Add(name="sum")([a, b])), name="two_paths")
    spec = {
        **GRAPH,
        "layers": [
            *GRAPH["layers"][:3],
            {"type": "Sequential", "name": "block", "layers": [NESTED["layers"][1]["layers"][0]]},
        ],
    }
    expected = keras_rows(model, expand_nested=True)
    assert expected[-1] == ["└ inner_conv (Conv2D)", "(None, 24, 24, 4)", "292", "-"]
    assert ours(spec, expand_nested=True) == expected


# Fast checks of the same rules, without building Keras (the mutation run leaves the Keras
# tests out): Keras 3 names an unnamed Sequential "sequential" and a functional model
# "functional"; a graph's rows end with "Connected to", the input's "-"; a nested model's
# layers print "-" there (summary_utils.get_connections skips nodes outside the printed model).
BRANCHED = {
    "input_shape": [8, 8, 3],
    "layers": [
        {"type": "Conv2D", "name": "a", "filters": 4, "kernel_size": 3, "padding": "same"},
        {"type": "Conv2D", "name": "b", "filters": 4, "kernel_size": 1, "inputs": ["input"]},
        {"type": "Add", "name": "sum", "inputs": ["a", "b"]},
        {"type": "Sequential", "name": "head", "layers": [
            {"type": "Flatten", "name": "flat"}, {"type": "Dense", "name": "out", "units": 2}]},
    ],
}  # fmt: skip


def test_unnamed_models_take_keras_default_names() -> None:
    chain = {"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}
    assert render_table(cnncalc.analyze(chain), False).splitlines()[0] == 'Model: "sequential"'
    assert render_table(cnncalc.analyze(BRANCHED), False).splitlines()[0] == 'Model: "functional"'


def test_a_graphs_rows_by_hand() -> None:
    # 'same' keeps 8×8; 3·3·3·4 + 4 = 112 and 1·1·3·4 + 4 = 16; Flatten 8·8·4 = 256,
    # (256 + 1)·2 = 514
    assert ours(BRANCHED, expand_nested=True) == [
        ["input (InputLayer)", "(None, 8, 8, 3)", "0", "-"],
        ["a (Conv2D)", "(None, 8, 8, 4)", "112", "input[0][0]"],
        ["b (Conv2D)", "(None, 8, 8, 4)", "16", "input[0][0]"],
        ["sum (Add)", "(None, 8, 8, 4)", "0", "a[0][0], b[0][0]"],
        ["head (Sequential)", "(None, 2)", "514", "sum[0][0]"],
        ["└ flat (Flatten)", "(None, 256)", "0", "-"],
        ["└ out (Dense)", "(None, 2)", "514", "-"],
    ]
