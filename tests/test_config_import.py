"""Importing model configs written in the test, as Keras 3 and Keras 2 write them (issue 14's
untested paths: a top-level Sequential, Keras 2's batch_input_shape, frozen layers, shared
layers), with the expected network worked by hand. No TensorFlow: this file runs in the fast
selection (tests/test_keras_import.py builds the same kinds of config in real Keras).

The configs follow what `model.to_json()` writes (Keras 3.x; tf_keras 2.x), with the fields the
importer does not read (initializers, build_config, …) left out.
"""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cnncalc
from cnncalc import SpecError
from cnncalc.cli import app
from cnncalc.sources import parse_text
from cnncalc.sources.keras_config import (
    declared_h5_length,
    is_keras_model_json,
    read_h5_config,
    spec_from_keras_json,
)


def policy(name: str) -> dict[str, Any]:
    """Keras 3's serialized DTypePolicy."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": name}}


def layer(kind: str, name: str, **config: Any) -> dict[str, Any]:
    """A Keras 3 layer entry, as a Sequential lists it."""
    return {
        "module": "keras.layers",
        "class_name": kind,
        "config": {"name": name, "trainable": True, "dtype": policy("float32"), **config},
        "registered_name": None,
    }


def tensor(name: str) -> dict[str, Any]:
    """Keras 3's reference to a layer's output in inbound_nodes."""
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, 0, 0]}}


def called(entry: dict[str, Any], *args: Any) -> dict[str, Any]:
    """A functional layer entry called once on `args` (Keras 3)."""
    name = entry["config"]["name"]
    return {**entry, "name": name, "inbound_nodes": [{"args": list(args), "kwargs": {}}]}


def model(kind: str, layers: list[dict[str, Any]], **config: Any) -> dict[str, Any]:
    return {"class_name": kind, "config": {"name": "m", "layers": layers, **config}}


INPUT_8 = {
    "module": "keras.layers",
    "class_name": "InputLayer",
    "config": {"batch_shape": [8, 28, 28, 1], "dtype": "float32", "name": "input_layer"},
}

LECTURE_SEQUENTIAL = {
    "module": "keras",
    "class_name": "Sequential",
    "config": {
        "name": "sequential",
        "trainable": True,
        "dtype": policy("float32"),
        "layers": [
            INPUT_8,
            layer(
                "Conv2D", "conv2d", filters=4, kernel_size=[3, 3], padding="valid", trainable=False
            ),
            layer("Flatten", "flatten"),
            layer("Dense", "dense", units=2, activation="softmax"),
        ],
    },
}
"""keras.Sequential([keras.Input((28, 28, 1), batch_size=8), Conv2D(4, 3, trainable=False),
Flatten(), Dense(2)]): the lecture's kind of model, with a frozen convolution."""

CONV_PARAMS = (3 * 3 * 1 + 1) * 4  # 40, frozen
DENSE_PARAMS = (26 * 26 * 4 + 1) * 2  # 5410


def test_a_top_level_sequential_with_a_frozen_layer() -> None:
    spec = spec_from_keras_json(LECTURE_SEQUENTIAL)
    assert (spec["name"], spec["input_shape"], spec["batch_size"]) == ("sequential", [28, 28, 1], 8)
    conv, _, dense = spec["layers"]
    assert conv["trainable"] is False  # the frozen flag survives the import
    assert "trainable" not in dense and "dtype" not in dense  # Keras's defaults are left out
    assert dense["activation"] == "softmax"
    result = cnncalc.analyze(spec)
    assert [row.keras_output_shape for row in result] == [
        (8, 26, 26, 4),
        (8, 26 * 26 * 4),
        (8, 2),
    ]
    assert (result.trainable_params, result.non_trainable_params) == (DENSE_PARAMS, CONV_PARAMS)


def test_the_cli_reads_a_sequential_json_file(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps(LECTURE_SEQUENTIAL), encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["layers"][0]["non_trainable_params"] == CONV_PARAMS
    assert data["total_params"] == CONV_PARAMS + DENSE_PARAMS


def first_layer_declares(batch_input_shape: list[Any] | None) -> dict[str, Any]:
    """A Keras 2 (TF ≤ 2.8) Sequential: no InputLayer, the input on the first layer."""
    conv = layer("Conv2D", "conv2d", filters=4, kernel_size=[3, 3], dtype="float32")
    if batch_input_shape is not None:
        conv["config"]["batch_input_shape"] = batch_input_shape
    return {"class_name": "Sequential", "config": {"name": "s", "layers": [conv]}}


@pytest.mark.parametrize(
    ("config", "input_shape", "batch"),
    [
        (first_layer_declares([16, 28, 28, 1]), [28, 28, 1], 16),
        (first_layer_declares([None, 28, 28, 1]), [28, 28, 1], None),
        (  # tf_keras 2.9+: an InputLayer with Keras 2's batch_input_shape
            model(
                "Sequential",
                [
                    {"class_name": "InputLayer", "config": {"batch_input_shape": [16, 28, 28, 1]}},
                    layer("Conv2D", "conv2d", filters=4, kernel_size=[3, 3]),
                ],
            ),
            [28, 28, 1],
            16,
        ),
    ],
    ids=["first-layer", "first-layer-any-batch", "input-layer"],
)
def test_batch_input_shape_of_old_configs(
    config: dict[str, Any], input_shape: list[int], batch: Any
) -> None:
    spec = spec_from_keras_json(config)
    assert spec["input_shape"] == input_shape
    assert spec.get("batch_size") == batch
    assert cnncalc.analyze(spec)[-1].keras_output_shape == (batch, 26, 26, 4)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (first_layer_declares(None), "m: the Sequential model declares no input shape"),
        (first_layer_declares([]), "m: the Sequential model declares no input shape"),
        (model("Sequential", []), "m: the Sequential model declares no input shape"),
        (
            model("Sequential", [{"class_name": "Dense", "config": {"batch_input_shape": 5}}]),
            "m: config.layers[0].config.batch_input_shape: should be a list of sizes, got 5",
        ),
    ],
)
def test_a_sequential_without_an_input_says_so(config: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as error:
        spec_from_keras_json(config, "m")
    assert str(error.value).startswith(message)


DENSE = layer("Dense", "shared", units=4)


@pytest.mark.parametrize(
    "nodes",
    [
        [{"args": [tensor("x")]}, {"args": [tensor("shared")]}],  # Keras 3
        [[["x", 0, 0, {}]], [["shared", 0, 0, {}]]],  # Keras 2
    ],
    ids=["3", "2"],
)
def test_a_shared_layer_is_refused_with_its_name(nodes: list[Any], tmp_path: Path) -> None:
    """y = dense(dense(x)): one layer, two calls; cnncalc has one row per layer."""
    inputs = {"class_name": "InputLayer", "config": {"name": "x", "batch_shape": [None, 4]}}
    config = model("Functional", [inputs, {**DENSE, "inbound_nodes": nodes}])
    message = "layer 'shared' is called 2 times (a shared layer); cnncalc analyzes each layer once"
    with pytest.raises(SpecError) as error:
        spec_from_keras_json(config)
    assert str(error.value) == message
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"


RESIDUAL_3 = model(
    "Functional",
    [
        {
            "class_name": "InputLayer",
            "name": "img",
            "config": {"name": "img", "batch_shape": [None, 8, 8, 3]},
        },
        called(
            layer("Convolution2D", "conv", filters=3, kernel_size=3, padding="same"), tensor("img")
        ),
        called(layer("Add", "add"), [tensor("img"), tensor("conv")]),
        {
            "module": "keras.src.ops.numpy",
            "class_name": "Multiply",
            "config": {"name": "multiply"},
            "name": "multiply",
            "inbound_nodes": [{"args": [tensor("add"), 0.5], "kwargs": {}}],
        },
    ],
    input_layers=["img", 0, 0],
    output_layers=["multiply", 0, 0],
)
"""x = Input((8, 8, 3)); y = Add()([x, Conv2D(3, 3, padding='same')(x)]) * 0.5, as Keras 3
writes it (Convolution2D: Keras's alias of Conv2D; the op's scalar operand in its args)."""

RESIDUAL_2 = model(
    "Functional",
    [
        {
            "class_name": "InputLayer",
            "name": "img",
            "config": {"name": "img", "batch_input_shape": [None, 8, 8, 3]},
        },
        {
            **layer("Conv2D", "conv", filters=3, kernel_size=3, padding="same"),
            "name": "conv",
            "inbound_nodes": [[["img", 0, 0, {}]]],
        },
        {
            **layer("Add", "add"),
            "name": "add",
            "inbound_nodes": [[["img", 0, 0, {}], ["conv", 0, 0, {}]]],
        },
    ],
)
"""The same residual as tf_keras writes it: inbound nodes as [name, node, tensor, kwargs]."""


@pytest.mark.parametrize("config", [RESIDUAL_3, RESIDUAL_2], ids=["3", "2"])
def test_functional_wiring_in_both_formats(config: dict[str, Any]) -> None:
    spec = spec_from_keras_json(config)
    wiring = {entry["name"]: (entry["type"], entry.get("inputs")) for entry in spec["layers"]}
    assert wiring["conv"] == ("Conv2D", ["img"])
    assert wiring["add"] == ("Add", ["img", "conv"])
    result = cnncalc.analyze(spec)
    assert result["conv"].params == (3 * 3 * 3 + 1) * 3
    assert result["add"].keras_output_shape == (None, 8, 8, 3)


def test_an_ops_scalar_operand_is_kept() -> None:
    """x * 0.5: Multiply with one tensor and a constant, 1 multiplication per element."""
    spec = spec_from_keras_json(RESIDUAL_3)
    assert spec["layers"][-1] == {
        "type": "Multiply",
        "name": "multiply",
        "inputs": ["add"],
        "constant": 0.5,
    }
    assert cnncalc.analyze(spec)["multiply"].ops == 8 * 8 * 3


def nested(kind: str, **config: Any) -> dict[str, Any]:
    """A model used as a layer of a functional model, on its input 'img'."""
    shape = [None, 8, 8, 3]
    inner_input = {"class_name": "InputLayer", "config": {"name": "inner_in", "batch_shape": shape}}
    conv = layer("Conv2D", "inner_conv", filters=2, kernel_size=3, strides=[1, 1], padding="valid")
    if kind == "Functional":
        conv = called(conv, tensor("inner_in"))
        inner_input = {**inner_input, "name": "inner_in", "inbound_nodes": []}
    inner = {
        "class_name": kind,
        "config": {"name": "block", "layers": [inner_input, conv], **config},
    }
    outer_input = {"class_name": "InputLayer", "name": "img", "config": {"batch_shape": shape}}
    return model("Functional", [outer_input, called(inner, tensor("img"))])


def dense_calling(*nodes: Any) -> dict[str, Any]:
    """A model of one Dense layer whose inbound nodes are `nodes`."""
    return model(
        "Functional",
        [{"class_name": "Dense", "config": {"name": "d"}, "inbound_nodes": list(nodes)}],
    )


def tensor_with(config: Any) -> dict[str, Any]:
    """A call on one tensor reference whose config is `config`."""
    return {"args": [{"class_name": "__keras_tensor__", "config": config}]}


NODE = "m: config.layers[0].inbound_nodes[0]"
OUTPUTS = "m: config.layers[1].config.output_layers"
LIKE = 'should be a list like ["name", 0, 0], got'


@pytest.mark.parametrize(
    ("config", "written"),
    [
        (nested("Sequential"), {"type": "Sequential", "name": "block"}),
        (
            nested("Functional", output_layers=[["inner_conv", 0, 0]]),
            {"type": "Functional", "name": "block", "outputs": ["inner_conv"]},
        ),
        (
            nested("Functional", output_layers=["inner_conv", 0, 0]),  # one output, unwrapped
            {"type": "Functional", "name": "block", "outputs": ["inner_conv"]},
        ),
    ],
    ids=["sequential", "functional", "one-output"],
)
def test_a_nested_model_is_one_row(config: dict[str, Any], written: dict[str, Any]) -> None:
    block = spec_from_keras_json(config)["layers"][1]
    assert {key: block[key] for key in written} == written
    conv = block["layers"][-1]
    # written as a spec: an argument at its default ('valid') is left out
    assert conv["filters"] == 2 and "padding" not in conv
    assert cnncalc.analyze(spec_from_keras_json(config))["block"].params == (3 * 3 * 3 + 1) * 2


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ([1], "m: should be a Keras model config (an object), got [1]"),
        ({"class_name": "Functional", "config": True}, "m: config: should be an object, got true"),
        (
            model("Functional", [1]),
            "m: config.layers[0]: should be a layer (an object with class_name and config), got 1",
        ),
        (
            model("Functional", [{"config": {}}]),
            "m: config.layers[0].class_name: should be the layer's class name, got null",
        ),
        (
            dense_calling(tensor_with({"keras_history": 5})),
            f"{NODE}.args[0].config.keras_history: should be [layer, node, tensor], got 5",
        ),
        (  # 38 x's: 40 characters of JSON, shown whole
            {"class_name": "Functional", "config": {"layers": "x" * 38}},
            'm: config.layers: should be a list of layers, got "' + "x" * 38 + '"',
        ),
        (
            model("Sequential", [{"class_name": "InputLayer", "config": {"name": "x"}}]),
            "layers[0]: an InputLayer needs its `shape`",
        ),
        (  # a nested model's path inside a Sequential
            model(
                "Sequential",
                [INPUT_8, nested("Functional", output_layers=[5])["config"]["layers"][1]],
            ),
            'm: config.layers[1].config.output_layers[0]: should be a list like ["name", 0, 0]',
        ),
        (
            model("Functional", [{"class_name": "InputLayer", "config": 3}]),
            "m: config.layers[0].config: should be an object, got 3",
        ),
        (
            model("Functional", [{"class_name": "InputLayer", "config": {"name": 3}}]),
            "m: config.layers[0].config.name: should be a string, got 3",
        ),
        (
            model("Functional", [{"class_name": "InputLayer", "name": ["x"], "config": {}}]),
            'm: config.layers[0].name: should be a string, got ["x"]',
        ),
        (
            {"class_name": "Functional", "config": {"name": 7, "layers": []}},
            "m: config.name: should be a string, got 7",
        ),
        (
            {"class_name": 5, "config": {}},
            "m: class_name: should be the model's class, got 5",
        ),
        (
            {"class_name": "Functional", "config": {"layers": "x" * 60}},
            'm: config.layers: should be a list of layers, got "' + "x" * 38 + "…",
        ),
        (
            {"class_name": "MyModel", "config": {"name": "mine"}},
            "m: 'MyModel' is a subclassed model: subclassed models have no config to read",
        ),
        (
            dense_calling(tensor_with({"keras_history": []})),
            f"{NODE}.args[0].config.keras_history: names no layer",
        ),
        (
            dense_calling(tensor_with({"keras_history": [1, 0, 0]})),
            f"{NODE}.args[0].config.keras_history[0]: should be a name, got 1",
        ),
        (dense_calling(5), f"{NODE}: should be a call (an object or a list), got 5"),
        (dense_calling({"args": 5}), f"{NODE}.args: should be a list, got 5"),
        (
            dense_calling(tensor_with(5)),
            f"{NODE}.args[0].config: should be a tensor's config, got 5",
        ),
        (  # a bad layer inside a nested model: the path goes through the outer layer's config
            model("Sequential", [INPUT_8, model("Sequential", [1])]),
            "m: config.layers[1].config: config.layers[0]: should be a layer (an object",
        ),
        (  # a wrapper's layer and an RNN's cells are checked as a model's layers are
            model(
                "Sequential", [INPUT_8, layer("TimeDistributed", "t", layer={"class_name": [1]})]
            ),
            "m: config.layers[1].config.layer.class_name: should be the layer's class name",
        ),
        (
            model(
                "Sequential", [INPUT_8, layer("RNN", "r", cell={"class_name": "X", "config": 2})]
            ),
            "m: config.layers[1].config.cell.config: should be an object, got 2",
        ),
        (
            model("Sequential", [INPUT_8, layer("StackedRNNCells", "s", cells=[5])]),
            "m: config.layers[1].config.cells[0]: should be a layer (an object with class_name",
        ),
        (  # a model held by a wrapper: the path goes through the wrapper's layer
            model(
                "Sequential",
                [INPUT_8, layer("TimeDistributed", "t", layer=model("Sequential", [1]))],
            ),
            "m: config.layers[1].config.layer.config: config.layers[0]: should be a layer (an",
        ),
        (nested("Functional", output_layers=[[]]), f"{OUTPUTS}[0]: names no layer"),
        (nested("Functional", output_layers=[5]), f"{OUTPUTS}[0]: {LIKE} 5"),
        (nested("Functional", output_layers="x"), f'{OUTPUTS}: {LIKE} "x"'),
        (
            nested("Functional", output_layers=[[5, 0, 0]]),
            f"{OUTPUTS}[0][0]: should be a layer name",
        ),
        (
            dense_calling({"args": [{"first": tensor_with(5)["args"][0]}]}),
            f"{NODE}.args[0].first.config: should be a tensor's config, got 5",
        ),
        (
            dense_calling({"args": [[{"x": 1}, tensor_with(5)["args"][0]]]}),
            f"{NODE}.args[0][1].config: should be a tensor's config, got 5",
        ),
        (  # a Keras 2 call is a list: the path goes through its items
            dense_calling([tensor_with(5)["args"][0]]),
            f"{NODE}[0].config: should be a tensor's config, got 5",
        ),
        (
            model("Functional", [{"class_name": "Dense", "config": {}, "inbound_nodes": "x"}]),
            'm: config.layers[0].inbound_nodes: should be a list of calls, got "x"',
        ),
        (  # 39 x's: 41 characters of JSON, cut to 39 and an ellipsis
            {"class_name": "Functional", "config": {"layers": "x" * 39}},
            'm: config.layers: should be a list of layers, got "' + "x" * 38 + "…",
        ),
    ],
    ids=lambda value: "message" if isinstance(value, str) else None,
)
def test_a_malformed_config_names_the_field(config: dict[str, Any], message: str) -> None:
    """One line naming the path of the bad field (the CLI exits 2 with it), never a traceback."""
    with pytest.raises(SpecError) as error:
        spec_from_keras_json(config, "m")
    assert str(error.value).startswith(message)


def test_the_default_place_named_is_the_model() -> None:
    """Called without `where`, a message starts with "model:"."""
    with pytest.raises(SpecError) as error:
        spec_from_keras_json([1])
    assert str(error.value) == "model: should be a Keras model config (an object), got [1]"


def test_an_unnamed_layer_is_named_by_its_index() -> None:
    """Old configs may omit a layer's name: cnncalc names it layer_<index>."""
    unnamed = {"class_name": "Dense", "config": {"units": 2}}
    config = model(
        "Sequential", [{"class_name": "InputLayer", "config": {"batch_shape": [4, 4]}}, unnamed]
    )
    assert spec_from_keras_json(config)["layers"][0]["name"] == "layer_1"


def test_a_lambdas_code_is_dropped_and_an_unknown_class_is_named() -> None:
    lam = {
        "class_name": "Lambda",
        "config": {"name": "f", "function": ["4wEAAAAA", None, None], "output_shape": [4]},
    }
    (written,) = spec_from_keras_json(model("Sequential", [INPUT_8, lam]))["layers"]
    assert "function" not in written and written["output_shape"] == [4]
    as_text = {"class_name": "Lambda", "config": {"name": "g", "function": "lambda x: x"}}
    (written,) = spec_from_keras_json(model("Sequential", [INPUT_8, as_text]))["layers"]
    assert "function" not in written  # code, even as plain text, never reaches the spec
    unknown = {"class_name": "MyFancyLayer", "config": {"name": "fancy"}}
    with pytest.raises(SpecError) as error:
        spec_from_keras_json(model("Sequential", [INPUT_8, unknown]))
    assert str(error.value) == (
        "layer 1 'fancy' (MyFancyLayer): cnncalc has no rule for the layer class 'MyFancyLayer'; "
        "`cnncalc schema` lists the ones it knows"
    )


def test_objects_in_a_config_are_left_out_and_plain_values_kept() -> None:
    """Initializers and regularizers are objects that change no shape; a value_range list and
    an activation's name are plain values the bridge passes back to Keras."""
    dense = layer(
        "Dense",
        "d",
        units=2,
        activation="relu",
        kernel_initializer={"class_name": "GlorotUniform", "config": {"seed": None}},
        kernel_regularizer=None,
    )
    (written,) = spec_from_keras_json(model("Sequential", [INPUT_8, layer("Flatten", "f"), dense]))[
        "layers"
    ][1:]
    assert written == {"type": "Dense", "name": "d", "units": 2, "activation": "relu"}


def test_a_mixed_policy_is_kept_and_float16_weights_take_two_bytes() -> None:
    half = layer("Dense", "d", units=2, dtype=policy("float16"))
    mixed = layer("Dense", "m", units=2, dtype=policy("mixed_float16"))
    flat = layer("Flatten", "f")
    spec = spec_from_keras_json(model("Sequential", [INPUT_8, flat, half, mixed]))
    assert [entry.get("dtype") for entry in spec["layers"]] == [None, "float16", "mixed_float16"]


@pytest.mark.parametrize(
    ("data", "is_model"),
    [
        (LECTURE_SEQUENTIAL, True),
        ({"class_name": "MyModel", "config": {}}, True),  # subclassed: refused later, by name
        ({"class_name": "Sequential", "config": {}, "layers": []}, False),  # a spec's layers
        ({"class_name": 3, "config": {}}, False),
        ({"class_name": "Sequential"}, False),
        ([LECTURE_SEQUENTIAL], False),
    ],
)
def test_what_counts_as_a_model_config(data: Any, is_model: bool) -> None:
    assert is_keras_model_json(data) is is_model


# ---- legacy .h5 files, written here with h5py (as Keras 2's model.save(x.h5) stores its config:
# the model's JSON in the root's model_config attribute) ---------------------------------------


def h5_file(path: Path, model_config: Any = None) -> Path:
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as file:
        file.create_group("model_weights")
        if isinstance(model_config, bytes):  # a fixed-length string, read back as bytes
            file.attrs.create("model_config", data=model_config, dtype=f"S{len(model_config)}")
        elif model_config is not None:
            file.attrs["model_config"] = model_config
    return path


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_an_h5_models_config_is_read(tmp_path: Path, as_bytes: bool) -> None:
    text = json.dumps(LECTURE_SEQUENTIAL)
    path = h5_file(tmp_path / "model.h5", text.encode() if as_bytes else text)
    assert read_h5_config(path, "model.h5") == LECTURE_SEQUENTIAL
    assert cnncalc.analyze(path).total_params == CONV_PARAMS + DENSE_PARAMS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "m.h5: the HDF5 file has no model_config attribute: it holds weights only "
         "(model.save_weights), not a model"),
        (b"\xff{}", "m.h5: its model_config attribute is not UTF-8 ("),
        ("{", "m.h5: model_config: "),
    ],
    ids=["weights-only", "not-utf8", "not-json"],
)  # fmt: skip
def test_an_unreadable_h5_config_says_which_part(
    tmp_path: Path, content: Any, message: str
) -> None:
    path = h5_file(tmp_path / "model.h5", content)
    with pytest.raises(SpecError) as error:
        read_h5_config(path, "m.h5")
    assert str(error.value).startswith(message)


def test_a_damaged_h5_file_is_one_line(tmp_path: Path) -> None:
    path = h5_file(tmp_path / "model.h5", json.dumps(LECTURE_SEQUENTIAL))
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(SpecError) as error:
        read_h5_config(path, "m.h5")
    h5py = pytest.importorskip("h5py")
    with pytest.raises(OSError) as raised:  # h5py's own words for the same file
        h5py.File(path, "r")
    detail = str(raised.value).strip().splitlines()[0]
    assert str(error.value) == f"m.h5: not a readable HDF5 file ({detail})"
    assert "\n" not in str(error.value)


def test_without_h5py_an_h5_file_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "h5py", None)  # as if the h5 extra were not installed
    with pytest.raises(SpecError) as error:
        read_h5_config(tmp_path / "model.h5", "m.h5")
    assert (
        str(error.value) == "m.h5: reading a legacy .h5 model needs h5py: pip install 'cnncalc[h5]'"
    )


# ---- the model_config attribute is bounded before it is read: its dataspace, its type and
# the length its string declares are looked at first (docs/security.md) -------------------------


def replaced_once(path: Path, old: bytes, new: bytes) -> Path:
    """The file with one run of bytes overwritten, as an attacker edits a file h5py wrote
    (``old`` a regular expression: found once)."""
    raw = path.read_bytes()
    found = [match.start() for match in re.finditer(old, raw, re.DOTALL)]
    assert len(found) == 1, (old, found)
    path.write_bytes(raw[: found[0]] + new + raw[found[0] + len(new) :])
    return path


def h5_attribute(path: Path, value: Any, **options: Any) -> Path:
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w") as file:
        file.attrs.create("model_config", value, **options)
    return path


def huge_dataspace(path: Path) -> Path:
    """A (2^32, 2^32) array of bytes: 2^64 elements, which HDF5 counts (modulo 2^64) as 0, so
    the file holds no data for it and HDF5 opens it; a (3, 5) array's sizes (then maximum sizes,
    8 bytes each) are rewritten."""
    np = pytest.importorskip("numpy")
    h5_attribute(path, np.zeros((3, 5), dtype="u1"))
    sizes = b"".join(n.to_bytes(8, "little") for n in (3, 5, 3, 5))
    return replaced_once(path, re.escape(sizes), (2**32).to_bytes(8, "little") * 4)


def many_strings(path: Path) -> Path:
    h5py = pytest.importorskip("h5py")
    return h5_attribute(path, ["{}"] * 1000, dtype=h5py.string_dtype())


def empty(path: Path) -> Path:
    h5py = pytest.importorskip("h5py")
    return h5_attribute(path, h5py.Empty("S10"))


LIMIT = "cnncalc reads one string of at most 256 MB, as Keras writes it"


@pytest.mark.parametrize(
    ("write", "found"),
    [
        (huge_dataspace, "an array of shape (4294967296, 4294967296)"),
        (many_strings, "an array of shape (1000,)"),
        (lambda path: h5_attribute(path, 3.5), "a value of type float"),
        (lambda path: h5_attribute(path, 7), "a value of type integer"),
        (empty, "empty (no value)"),
    ],
    ids=["2^64-elements", "1000-strings", "float", "integer", "empty"],
)
def test_an_h5_config_that_is_no_string_is_refused_unread(
    tmp_path: Path, write: Any, found: str
) -> None:
    path = write(tmp_path / "model.h5")
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: {path}: its model_config attribute is {found}; {LIMIT}\n"
    assert result.stdout == ""


def config_of_length(length: int) -> str:
    """The lecture network's JSON, padded with spaces to exactly ``length`` bytes."""
    text = json.dumps(LECTURE_SEQUENTIAL)
    return text + " " * (length - len(text))


LENGTH = 54_321
REFERENCE = re.escape(LENGTH.to_bytes(4, "little")) + b"(?!\\x00{4})"
"""A string's length in the attribute's reference to it: 4 bytes, then the address of the heap
holding the string (the heap repeats the length in 8 bytes: 4 zero bytes follow it there)."""


LAYOUTS = {
    "header-v1": {},
    "header-v2": {"libver": "latest"},
    "v2-ordered": {"libver": "latest", "track_order": True},
    "v1-continued": {"before": 40},
    "v2-continued": {"libver": "latest", "before": 3},
}
"""The object header layouts h5py writes: version 1 (its default, and Keras's), version 2 (with
libver='latest'; with track_order=True its messages carry their creation order), each also
with 4 KB attributes before model_config, so that it sits in a continuation block."""


def h5_layout(path: Path, config: str, before: int = 0, **options: Any) -> Path:
    """model_config after the backend's name (as Keras writes them) and ``before`` others,
    written through a Python file object (h5py's driver for those never grows a version 2
    header's first chunk in place: later attributes go to a continuation block)."""
    h5py = pytest.importorskip("h5py")
    np = pytest.importorskip("numpy")
    written = io.BytesIO()
    with h5py.File(written, "w", **options) as file:
        file.attrs["backend"] = "tensorflow"
        for number in range(before):
            file.attrs[f"other{number}"] = np.zeros(500)
        file.attrs["model_config"] = config
    path.write_bytes(written.getvalue())
    return path


@pytest.mark.parametrize("layout", ["header-v1", "v1-continued"])
def test_an_h5_string_declaring_more_than_the_limit_is_refused_unread(
    tmp_path: Path, layout: str
) -> None:
    """HDF5 zeroes a buffer of the length a string declares (up to 4 GiB) before it checks the
    file holds that much: the length is read from the attribute's message first. A file h5py
    wrote, its string's length then raised to one byte over 256 MB (2^28 + 1 = 268,435,457).
    (A version 2 header has a checksum HDF5 checks: the lowered limit below covers it.)"""
    path = h5_layout(tmp_path / "model.h5", config_of_length(LENGTH), **LAYOUTS[layout])
    assert cnncalc.analyze(path).total_params == CONV_PARAMS + DENSE_PARAMS  # read as written
    replaced_once(path, REFERENCE, (2**28 + 1).to_bytes(4, "little"))
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2, result.output
    found = "a string that declares 268,435,457 bytes"
    assert result.stderr == f"error: {path}: its model_config attribute is {found}; {LIMIT}\n"
    with pytest.raises(SpecError) as error:  # the web API's door: the bytes of a request body
        parse_text(path.read_bytes(), "body")
    assert str(error.value) == f"body: its model_config attribute is {found}; {LIMIT}"


@pytest.mark.parametrize("layout", ["fixed-length", *LAYOUTS])
def test_an_h5_string_over_a_lowered_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str
) -> None:
    """A string really that long (256 MB is too much to write here): the limit lowered to 2 KB,
    a 2,049-byte config refused, the same config of 2,048 bytes read, in every layout."""
    monkeypatch.setattr("cnncalc.sources.keras_config.MAX_MODEL_BYTES", 2048)
    for length, refused in ((2049, True), (2048, False)):
        text, path = config_of_length(length), tmp_path / f"{length}.h5"
        if layout == "fixed-length":
            h5_file(path, text.encode())
            found = f"a string of {length:,} bytes"
        else:
            h5_layout(path, text, **LAYOUTS[layout])
            found = f"a string that declares {length:,} bytes"
        result = CliRunner().invoke(app, ["analyze", str(path)])
        if not refused:
            assert result.exit_code == 0, result.output
            continue
        assert result.exit_code == 2, result.output
        assert result.stderr == (
            f"error: {path}: its model_config attribute is {found}; cnncalc reads one string "
            "of at most 2,048 bytes, as Keras writes it\n"
        )


def test_an_h5_fixed_length_string_declaring_1_gib_is_refused_unread(tmp_path: Path) -> None:
    """A 10-byte string's type rewritten to 2^30 bytes: the file holds no gigabyte, and HDF5
    refuses to open the attribute (before cnncalc sees its type, and before it allocates);
    one line, not 'no model_config attribute' (h5py's attrs.get took the error for a miss)."""
    path = h5_attribute(tmp_path / "model.h5", b"QWERTYUIOP", dtype="S10")
    # the type as h5py writes S10: version 1 and class 3 (a string), flags (null-padded), size
    string_type = b"\x13\x01\x00\x00" + (10).to_bytes(4, "little")
    replaced_once(path, re.escape(string_type), string_type[:4] + (2**30).to_bytes(4, "little"))
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {path}: not a readable HDF5 file (")
    assert len(result.stderr.splitlines()) == 1


def test_an_h5_config_out_of_the_root_header_is_refused(tmp_path: Path) -> None:
    """Dense attribute storage (libver='latest' with more than 8 attributes, which Keras never
    writes) keeps attributes out of the object header, where their length cannot be read."""
    h5py = pytest.importorskip("h5py")
    np = pytest.importorskip("numpy")
    path = tmp_path / "model.h5"
    with h5py.File(path, "w", libver="latest") as file:
        for number in range(20):
            file.attrs[f"other{number}"] = np.zeros(500)
        file.attrs["model_config"] = json.dumps(LECTURE_SEQUENTIAL)
    assert h5py.h5o.get_info(h5py.File(path, "r").id).meta_size.attr.heap_size > 0  # dense
    result = CliRunner().invoke(app, ["analyze", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {path}: its model_config attribute is stored in a way cnncalc does not read "
        "(attributes in dense storage); Keras writes it in the file's root object header\n"
    )


def test_an_h5_file_after_a_user_block_is_refused(tmp_path: Path) -> None:
    """h5py opens a file whose HDF5 signature is after a 512-byte user block; Keras writes
    none, and the bound reads addresses from the start of the file."""
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "model.h5"
    with h5py.File(path, "w", userblock_size=512) as file:
        file.attrs["model_config"] = json.dumps(LECTURE_SEQUENTIAL)
    with pytest.raises(SpecError) as error:
        read_h5_config(path, "m.h5")
    assert str(error.value) == (
        "m.h5: its model_config attribute is stored in a way cnncalc does not read (the HDF5 "
        "signature is not at the start of the file); Keras writes it in the file's root object "
        "header"
    )


def test_no_object_header_address_from_h5py_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An h5py whose object info carries no header address (HDF5 1.12 replaced addresses by
    tokens in its own info structure): the bound has nowhere to read from, one line, not an
    AttributeError."""
    h5py = pytest.importorskip("h5py")
    path = h5_layout(tmp_path / "model.h5", json.dumps(LECTURE_SEQUENTIAL))
    monkeypatch.setattr(h5py.h5o, "get_info", lambda _object: object())  # no addr
    with pytest.raises(SpecError) as error:
        read_h5_config(path, "m.h5")
    assert str(error.value) == (
        "m.h5: its model_config attribute is stored in a way cnncalc does not read (h5py gives "
        "no object header address); Keras writes it in the file's root object header"
    )


def test_a_root_header_without_model_config_is_refused(tmp_path: Path) -> None:
    """h5py finds model_config, but the bytes the bound reads hold no such attribute in the
    root object header (a file replaced between the two reads: h5py itself never finds one
    there that the reader misses): refused, not max() of no lengths. The two files differ only
    in the attribute's name (model_confiq), so their root headers are at the same address."""
    h5py = pytest.importorskip("h5py")
    text = json.dumps(LECTURE_SEQUENTIAL)
    path = h5_layout(tmp_path / "model.h5", text)
    other = h5_layout(tmp_path / "other.h5", text)
    replaced_once(other, b"model_config", b"model_confiq")
    with h5py.File(path, "r") as file, pytest.raises(SpecError) as error:
        declared_h5_length(file, io.BytesIO(other.read_bytes()), "m.h5")
    assert str(error.value) == (
        "m.h5: its model_config attribute is not in the root group's object header, where "
        "Keras writes it: cnncalc cannot bound its size"
    )
    with h5py.File(path, "r") as file:  # the file's own bytes: the string's length
        assert declared_h5_length(file, io.BytesIO(path.read_bytes()), "m.h5") == len(text)


# ---- the layout reader on files built byte by byte, as the HDF5 File Format Specification
# (version 3.0) lays them out; every address and size below is counted by hand ----------------


def superblock(version: int = 2, sizes: bytes = b"\x08\x08", base: int = 0) -> bytes:
    """A superblock (spec II.A). Versions 0 and 1: signature, 5 version bytes, the sizes of
    offsets and lengths at 13 and 14, a reserved byte, 2+2 bytes of B-tree K values, 4 bytes of
    consistency flags (24 bytes), version 1's indexed-storage K and 2 reserved bytes, then the
    base address (at 24 or 28), free-space, end-of-file and driver addresses and the root's
    symbol table entry (40 bytes). Versions 2 and 3 (48 bytes): signature, version, the sizes at
    9 and 10, flags, the base address at 12, then extension, end-of-file and root addresses and
    a checksum."""
    undefined, end = b"\xff" * 8, (4096).to_bytes(8, "little")
    if version >= 2:
        return (
            b"\x89HDF\r\n\x1a\n"
            + bytes([version])
            + sizes
            + b"\0"
            + base.to_bytes(8, "little")
            + undefined
            + end
            + (48).to_bytes(8, "little")
            + b"\0" * 4
        )
    head = b"\x89HDF\r\n\x1a\n" + bytes([version, 0, 0, 0, 0]) + sizes + b"\0"
    head += b"\x04\x00\x10\x00" + b"\0" * 4 + (b"\x20\x00\x00\x00" if version == 1 else b"")
    return head + base.to_bytes(8, "little") + undefined + end + undefined + b"\0" * 40


def u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def u32(value: int) -> bytes:
    return value.to_bytes(4, "little")


def u64(value: int) -> bytes:
    return value.to_bytes(8, "little")


def v1_message(kind: int, body: bytes, flags: int = 0) -> bytes:
    """A version 1 header message (spec IV.A.1.a): type (2), size (2), flags, 3 reserved."""
    return u16(kind) + u16(len(body)) + bytes([flags, 0, 0, 0]) + body


def v1_header(messages: bytes, reserved: bytes = b"\0" * 4) -> bytes:
    """A version 1 object header's 16-byte prefix: version 1, reserved, message count (2),
    reference count (4), the first chunk's size (4), 4 bytes to align to 8; then its chunk."""
    return b"\x01\x00" + u16(1) + u32(1) + u32(len(messages)) + reserved + messages


def v2_message(kind: int, body: bytes, flags: int = 0, order: bool = False) -> bytes:
    """A version 2 header message (spec IV.A.1.b): type (1), size (2), flags, and the creation
    order (2) when the header's flags have bit 2."""
    return bytes([kind]) + u16(len(body)) + bytes([flags]) + (u16(0) if order else b"") + body


def v2_header(messages: bytes, flags: int = 0) -> bytes:
    """'OHDR', version 2, flags; 4 times (16) if bit 5, 2+2 attribute phase values if bit 4;
    the first chunk's size in 1, 2, 4 or 8 bytes (bits 0-1); the messages; a checksum (not
    checked here: the reader does not check it)."""
    width = 1 << (flags & 0x03)
    times = b"\0" * 16 if flags & 0x20 else b""
    phase = b"\0" * 4 if flags & 0x10 else b""
    return (
        b"OHDR\x02"
        + bytes([flags])
        + times
        + phase
        + len(messages).to_bytes(width, "little")
        + (messages + b"\0" * 4)
    )


def continuation(address: int, size: int) -> bytes:
    """A continuation message's body (spec IV.A.2.q): the block's address, then its size."""
    return u64(address) + u64(size)


def attribute(
    version: int = 1,
    name: bytes = b"attribute\0",
    type_size: int = 16,
    space_size: int = 8,
    length: int = 54_321,
    data: int = 16,
) -> bytes:
    """An attribute message's body (spec IV.A.2.m): version, reserved (flags in version 2 and
    3), the sizes of the name, type and space (2 each), version 3's name encoding, the name,
    type and space (version 1 pads each to 8 bytes), then the value: a variable-length string
    starts with its length (4), then the heap's address (8) and the string's index (4)."""

    def pad(size: int) -> int:
        return -(-size // 8) * 8 if version == 1 else size

    head = bytes([version, 0]) + u16(len(name)) + u16(type_size) + u16(space_size)
    fields = (
        name.ljust(pad(len(name)), b"\0") + b"\x01" * pad(type_size) + b"\x02" * pad(space_size)
    )
    return head + (b"\0" if version == 3 else b"") + fields + (u32(length) + b"\x03" * 12)[:data]


def layout_file(header: bytes, *blocks: bytes) -> io.BytesIO:
    """A 48-byte version 2 superblock, the object header at 48, then the blocks."""
    return io.BytesIO(superblock() + header + b"".join(blocks))


def layout_error(read: Any) -> str:
    from cnncalc.sources.hdf5_layout import LayoutError

    with pytest.raises(LayoutError) as error:
        read()
    return str(error.value)


@pytest.mark.parametrize(
    ("head", "refusal"),
    [
        (superblock(0), None),
        (superblock(1), None),  # base at 28: 20..28 hold K=32, 29..36 reach the driver's FFs
        (superblock(2), None),
        (superblock(3), None),
        (superblock(1, base=1), "addresses that are not 8 bytes from the start of the file"),
        (superblock(2, base=1), "addresses that are not 8 bytes from the start of the file"),
        (superblock(2, sizes=b"\x04\x04"), "addresses that are not 8 bytes from the start of "
         "the file"),
        (superblock(0, sizes=b"\x08\x04"), "addresses that are not 8 bytes from the start of "
         "the file"),
        (superblock(4), "superblock version 4"),
        (b"\x89HDF\r\n\x1a\x0b" + superblock(2)[8:],
         "the HDF5 signature is not at the start of the file"),
        (superblock(2)[:30], "36 bytes at 0 are past the end of the file"),
    ],
    ids=["v0", "v1", "v2", "v3", "v1-base-1", "v2-base-1", "v2-4-byte", "v0-4-byte-lengths",
         "v4", "no-signature", "truncated"],
)  # fmt: skip
def test_the_superblock_fields_are_read_where_the_spec_puts_them(
    head: bytes, refusal: str | None
) -> None:
    from cnncalc.sources.hdf5_layout import check_superblock

    stream = io.BytesIO(head)
    if refusal is None:
        check_superblock(stream)
    else:
        assert layout_error(lambda: check_superblock(stream)) == refusal


BODY = b"\x07" * 5  # a 5-byte message body: messages() does not read bodies


@pytest.mark.parametrize(
    ("flags", "body_at"),
    [
        (0x00, 48 + 6 + 1 + 4),  # prefix, a 1-byte size, the message's 4-byte head
        (0x01, 48 + 6 + 2 + 4),  # a 2-byte size
        (0x02, 48 + 6 + 4 + 4),  # 4 bytes
        (0x03, 48 + 6 + 8 + 4),  # 8 bytes
        (0x04, 48 + 6 + 1 + 6),  # messages carry their creation order: 6-byte heads
        (0x10, 48 + 6 + 4 + 1 + 4),  # attribute phase change values
        (0x20, 48 + 6 + 16 + 1 + 4),  # 4 times
        (0x31, 48 + 6 + 16 + 4 + 2 + 4),  # both, and a 2-byte size
    ],
)
def test_a_version_2_header_prefix_is_skipped_by_its_flags(flags: int, body_at: int) -> None:
    from cnncalc.sources.hdf5_layout import messages

    header = v2_header(v2_message(0x0C, BODY, order=bool(flags & 0x04)), flags)
    assert messages(layout_file(header), 48) == [(0x0C, 0, body_at, 5)]


def test_a_version_1_header_reads_each_message_head() -> None:
    """At 48: the 16-byte prefix (its 4 alignment bytes not zero: nothing reads them), then
    8-byte heads: a datatype message (3) flagged constant (1), head at 64, 8-byte body at 72;
    the attribute, head at 80, 24-byte body at 88; a continuation, head at 112, body at 120,
    to a block at 136 holding a null message whose head ends the block (body at 144, size 0)."""
    from cnncalc.sources.hdf5_layout import messages

    chunk = (
        v1_message(3, b"\0" * 8, flags=0x01)
        + v1_message(0x0C, b"\0" * 24)
        + v1_message(0x10, continuation(136, 8))
    )
    header = v1_header(chunk, reserved=b"\xff" * 4)
    assert 48 + len(header) == 136
    found = messages(layout_file(header, v1_message(0, b"")), 48)
    assert found == [(3, 1, 72, 8), (0x0C, 0, 88, 24), (0x10, 0, 120, 16), (0, 0, 144, 0)]


def test_a_version_2_continuation_block_is_read_between_signature_and_checksum() -> None:
    """A version 2 header at 48 (6 + 1 + 20 + 4 = 31 bytes: a continuation, body at 54 + 1 + 4
    = 59) naming a 21-byte block at 79: 'OCHK', the attribute (head at 83, body at 87), a null
    message whose head ends where the checksum starts (body at 96 + 0), the checksum."""
    from cnncalc.sources.hdf5_layout import messages

    header = v2_header(v2_message(0x10, continuation(79, 21)))
    block = b"OCHK" + v2_message(0x0C, BODY) + v2_message(0, b"") + b"\0" * 4
    assert (48 + len(header), len(block)) == (79, 21)
    found = messages(layout_file(header, block), 48)
    assert found == [(0x10, 0, 59, 16), (0x0C, 0, 87, 5), (0, 0, 96, 0)]


def chained(chunks: int) -> io.BytesIO:
    """A version 1 header at 48 whose chunk (at 64) names a block at 88, each block naming the
    next (24 bytes each: a continuation's 8-byte head and 16-byte body), the last holding a null
    message: ``chunks`` chunks in all."""
    blocks = [
        v1_message(0x10, continuation(88 + 24 * n, 24 if n < chunks - 2 else 8))
        for n in range(1, chunks - 1)
    ]
    header = v1_header(v1_message(0x10, continuation(88, 24 if chunks > 2 else 8)))
    return layout_file(header, *blocks, v1_message(0, b""))


def test_at_most_1024_chunks_are_read() -> None:
    from cnncalc.sources.hdf5_layout import messages

    found = messages(chained(1024), 48)
    assert len(found) == 1024 and found[-1] == (0, 0, 88 + 24 * 1022 + 8, 0)
    assert layout_error(lambda: messages(chained(1025), 48)) == "object header chunks that loop"


def test_at_most_65536_messages_are_read() -> None:
    """Null messages of 8 bytes (a head, no body) in one version 1 chunk."""
    from cnncalc.sources.hdf5_layout import messages

    most = layout_file(v1_header(v1_message(0, b"") * 65_536))
    assert len(messages(most, 48)) == 65_536
    more = layout_file(v1_header(v1_message(0, b"") * 65_537))
    assert layout_error(lambda: messages(more, 48)) == "more than 65,536 header messages"


@pytest.mark.parametrize(
    ("header", "refusal"),
    [
        (b"OHDR\x03\x02" + b"\0" * 10, "object header version 3"),
        (b"\x05\x01" + b"\0" * 14, "object header version 5"),
        (v2_header(v2_message(0x10, continuation(79, 21))) + b"OCHX" + b"\0" * 17,
         "a continuation block without its signature"),
        (v1_header(v1_message(0x10, continuation(64, 24))), "object header chunks that loop"),
        (v1_header(b"\0" * 16)[:-8],
         "8 bytes at 72 are past the end of the file"),
    ],
    ids=["v3-header", "v5-header", "no-OCHK", "loop", "truncated"],
)  # fmt: skip
def test_a_header_the_reader_cannot_follow_is_refused(header: bytes, refusal: str) -> None:
    from cnncalc.sources.hdf5_layout import messages

    assert layout_error(lambda: messages(layout_file(header), 48)) == refusal


def attribute_info(flags: int, heap: bytes) -> bytes:
    """An attribute info message's body (spec IV.A.2.v): version 0, flags, the maximum
    creation index (2) if bit 0, the fractal heap's address, the name index's B-tree address
    (defined here, so that a reader off by a few bytes reads it), the creation order index's
    address if bit 1."""
    order = u16(7) if flags & 0x01 else b""
    index = u64(0x0300) if flags & 0x02 else b""
    return bytes([0, flags]) + order + heap + u64(0x0200) + index


UNDEFINED_HEAP = b"\xff" * 8


@pytest.mark.parametrize(
    ("chunk", "found"),
    [
        (v1_message(0x0C, attribute(1)), [54_321]),
        (v1_message(0x0C, attribute(2)), [54_321]),
        (v1_message(0x0C, attribute(3)), [54_321]),
        # the 10-byte name padded to 16 (version 1), a 4-byte space (a version 2 dataspace)
        # padded to 8:
        (v1_message(0x0C, attribute(1, space_size=4)), [54_321]),
        (v1_message(0x0C, attribute(2, space_size=4)), [54_321]),
        # the body ends with the length: 8 + 16 + 16 + 8 + 4 = 52 bytes, or a byte before
        (v1_message(0x0C, attribute(1, data=4)), [54_321]),
        (v1_message(0x0C, attribute(1, data=3)),
         "attribute 'attribute' holds no string reference"),
        (v1_message(0x0C, attribute(4)), "attribute message version 4"),
        (v1_message(0x0C, attribute(1), flags=0x02), "a shared attribute message"),
        (v1_message(0x0C, attribute(1, name=b"attribute\0\0other\0")) + v1_message(
            0x0C, attribute(3, name=b"attribute", length=7)), [54_321, 7]),
        (v1_message(0x15, attribute_info(0x00, UNDEFINED_HEAP)), []),
        (v1_message(0x15, attribute_info(0x01, UNDEFINED_HEAP)), []),
        (v1_message(0x15, attribute_info(0x03, UNDEFINED_HEAP)), []),
        (v1_message(0x15, attribute_info(0x00, u64(4096))), "attributes in dense storage"),
        (v1_message(0x15, attribute_info(0x01, u64(4096))), "attributes in dense storage"),
    ],
    ids=["v1", "v2", "v3", "v1-padded", "v2-unpadded", "length-last", "no-length", "v4",
         "shared", "name-to-nul", "info", "info-ordered", "info-indexed", "dense",
         "dense-ordered"],
)  # fmt: skip
def test_an_attributes_declared_length_is_read_by_hand(chunk: bytes, found: Any) -> None:
    """Version 1 attributes pad name, type and space to 8 bytes, versions 2 and 3 do not;
    version 3 has the name's encoding before it (spec IV.A.2.m)."""
    from cnncalc.sources.hdf5_layout import declared_lengths

    stream = layout_file(v1_header(chunk.ljust(-(-len(chunk) // 8) * 8, b"\0")))
    if isinstance(found, list):
        assert declared_lengths(stream, 48, "attribute") == found
    else:
        assert layout_error(lambda: declared_lengths(stream, 48, "attribute")) == found


def test_tensors_in_a_dict_argument_are_inputs_in_order() -> None:
    """Keras 3 writes a layer called on a dict of tensors with the dict in its args."""
    inputs = [
        {"class_name": "InputLayer", "name": n, "config": {"name": n, "batch_shape": [None, 4]}}
        for n in ("a", "b")
    ]
    add = called(layer("Add", "sum"), {"first": tensor("a"), "second": tensor("b")})
    (_, _, written) = spec_from_keras_json(model("Functional", [*inputs, add]))["layers"]
    assert written["inputs"] == ["a", "b"]


def test_an_unnamed_functional_layer_is_named_by_its_index() -> None:
    inputs = {
        "class_name": "InputLayer",
        "name": "x",
        "config": {"name": "x", "batch_shape": [None, 4]},
    }
    dense = {"class_name": "Dense", "config": {"units": 2}, "inbound_nodes": [[["x", 0, 0, {}]]]}
    assert (
        spec_from_keras_json(model("Functional", [inputs, dense]))["layers"][1]["name"] == "layer_1"
    )


def test_an_op_called_the_old_way_has_no_constant() -> None:
    """An op entry whose call is a Keras 2 list (not a dict with args) carries no scalar."""
    inputs = {
        "class_name": "InputLayer",
        "name": "x",
        "config": {"name": "x", "batch_shape": [None, 4]},
    }
    op = {
        "module": "keras.src.ops.numpy",
        "class_name": "Multiply",
        "config": {"name": "twice"},
        "inbound_nodes": [[["x", 0, 0, {}], ["x", 0, 0, {}]]],
    }
    written = spec_from_keras_json(model("Functional", [inputs, op]))["layers"][1]
    assert written == {"type": "Multiply", "name": "twice", "inputs": ["x", "x"]}


# ---- wrappers and RNN cells: layer configs nested in a layer's config. Keras 3 writes them with
# serialize_keras_object: Wrapper.get_config's "layer" (keras/src/layers/core/wrapper.py),
# Bidirectional.get_config's "layer" and "backward_layer" (keras/src/layers/rnn/bidirectional.py),
# RNN.get_config's "cell" (keras/src/layers/rnn/rnn.py; a list of cells is wrapped in
# StackedRNNCells first, whose get_config writes "cells", keras/src/layers/rnn/stacked_rnn_cells.py)


def sequence_input(steps: int, features: int) -> dict[str, Any]:
    """Keras 3's InputLayer of a (steps, features) sequence, any batch."""
    return {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": {"batch_shape": [None, steps, features], "dtype": "float32", "name": "seq"},
    }


def lstm(name: str, units: int, **config: Any) -> dict[str, Any]:
    """An LSTM entry as Keras 3 nests it, initializers included (they are left out)."""
    glorot = {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {}}
    return layer("LSTM", name, units=units, kernel_initializer=glorot, **config)


def test_a_bidirectional_holds_both_directions_as_specs() -> None:
    """Bidirectional(LSTM(4, return_sequences=True), backward_layer=LSTM(4, go_backwards=True))
    on (5, 3): each LSTM has 4·(4·(3 + 4) + 4) = 128 weights, 256 in all; concat gives 2·4."""
    both = layer(
        "Bidirectional",
        "bidirectional",
        merge_mode="concat",
        layer=lstm("forward_lstm", 4, return_sequences=True),
        backward_layer=lstm("backward_lstm", 4, return_sequences=True, go_backwards=True),
    )
    config = model("Sequential", [sequence_input(5, 3), both])
    (written,) = spec_from_keras_json(config)["layers"]
    assert written["layer"] == {
        "type": "LSTM",
        "name": "forward_lstm",
        "units": 4,
        "return_sequences": True,
    }
    assert written["backward_layer"] == {
        "type": "LSTM",
        "name": "backward_lstm",
        "units": 4,
        "return_sequences": True,
        "go_backwards": True,
    }
    row = cnncalc.analyze(spec_from_keras_json(config))["bidirectional"]
    assert (row.output_shape, row.params) == ((5, 2 * 4), 2 * 4 * (4 * (3 + 4) + 4))


def test_an_rnns_stacked_cells_are_specs() -> None:
    """RNN([SimpleRNNCell(3), LSTMCell(4)]) on (5, 2), as Keras 3 writes it (the list becomes a
    StackedRNNCells): 3·(2 + 3) + 3 = 18 and 4·(4·(3 + 4) + 4) = 128 weights."""
    cells = layer(
        "StackedRNNCells",
        "stacked_rnn_cells",
        cells=[layer("SimpleRNNCell", "simple_rnn_cell", units=3), lstm("lstm_cell", 4)],
    )
    cells["config"]["cells"][1]["class_name"] = "LSTMCell"
    config = model("Sequential", [sequence_input(5, 2), layer("RNN", "rnn", cell=cells)])
    (written,) = spec_from_keras_json(config)["layers"]
    assert written["cell"] == {
        "type": "StackedRNNCells",
        "name": "stacked_rnn_cells",
        "cells": [
            {"type": "SimpleRNNCell", "name": "simple_rnn_cell", "units": 3},
            {"type": "LSTMCell", "name": "lstm_cell", "units": 4},
        ],
    }
    row = cnncalc.analyze(spec_from_keras_json(config))["rnn"]
    assert (row.output_shape, row.params) == ((4,), 3 * (2 + 3) + 3 + 4 * (4 * (3 + 4) + 4))


def test_a_frozen_layer_inside_a_wrapper_stays_frozen() -> None:
    """TimeDistributed(Dense(3, trainable=False)) on (5, 4): (4 + 1)·3 = 15 weights, all frozen;
    Dense's float16 policy is kept, its default float32 one left out."""
    dense = layer("Dense", "dense", units=3, trainable=False, dtype=policy("float16"))
    wrapper = layer("TimeDistributed", "time_distributed", layer=dense)
    config = model("Sequential", [sequence_input(5, 4), wrapper])
    (written,) = spec_from_keras_json(config)["layers"]
    assert written == {
        "type": "TimeDistributed",
        "name": "time_distributed",
        "layer": {
            "type": "Dense",
            "name": "dense",
            "units": 3,
            "trainable": False,
            "dtype": "float16",
        },
    }
    row = cnncalc.analyze(spec_from_keras_json(config))["time_distributed"]
    assert (row.output_shape, row.params, row.non_trainable_params) == ((5, 3), 15, 15)


def test_three_item_inbound_entries_of_older_configs() -> None:
    """Keras 1.2.2's JSON writes a call's inputs as [name, node, tensor] with no kwargs dict
    (e.g. `"inbound_nodes": [[["input_1", 0, 0]]]` in a published keras_version 1.2.2
    model_from_json script); the layer still reads input_1. Dense(4) on 6 features:
    (6 + 1)·4 = 28 weights."""
    inputs = {
        "class_name": "InputLayer",
        "name": "input_1",
        "config": {"batch_input_shape": [None, 6], "name": "input_1"},
        "inbound_nodes": [],
    }
    dense = {
        "class_name": "Dense",
        "name": "dense_1",
        "config": {"name": "dense_1", "units": 4},
        "inbound_nodes": [[["input_1", 0, 0]]],
    }
    spec = spec_from_keras_json(model("Model", [inputs, dense]))
    assert spec["layers"][1]["inputs"] == ["input_1"]
    assert cnncalc.analyze(spec)["dense_1"].params == (6 + 1) * 4


def test_a_merge_of_three_tensors_reads_all_three() -> None:
    """Keras 3 writes Concatenate()([a, b, c]) with one argument, the list of three tensors
    (three items, like an old [name, node, tensor] entry, but of tensors): it reads a, b, c.
    Three (4,) vectors give (4 + 4 + 4,)."""
    inputs = [
        {"class_name": "InputLayer", "name": n, "config": {"name": n, "batch_shape": [None, 4]}}
        for n in ("a", "b", "c")
    ]
    joined = called(layer("Concatenate", "joined", axis=-1), [tensor(n) for n in "abc"])
    spec = spec_from_keras_json(model("Functional", [*inputs, joined]))
    assert spec["layers"][3]["inputs"] == ["a", "b", "c"]
    assert cnncalc.analyze(spec)["joined"].output_shape == (4 + 4 + 4,)


def test_a_value_range_list_is_passed_and_an_object_in_a_list_is_not() -> None:
    """RandomBrightness(0.2, value_range=(0, 255)): Keras 3 writes the range as a list, which the
    spec keeps (the bridge passes it back to Keras); a list holding an object is left out."""
    bright = layer("RandomBrightness", "bright", factor=0.2, value_range=[0, 255])
    odd = layer("RandomContrast", "odd", factor=0.1, value_range=[{"class_name": "X"}, 1])
    spec = spec_from_keras_json(model("Sequential", [INPUT_8, bright, odd]))
    assert spec["layers"][0] == {
        "type": "RandomBrightness",
        "name": "bright",
        "factor": 0.2,
        "value_range": [0, 255],
    }
    assert "value_range" not in spec["layers"][1]
