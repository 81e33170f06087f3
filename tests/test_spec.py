"""Reading specs: every kind of bad input gets one clear line naming where it is wrong."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnncalc
from cnncalc import Spec, SpecError, load_spec
from cnncalc.layers import Conv2D, Dense, Flatten, MaxPooling2D

ALIAS_BOMB = (
    b"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
    + b"".join(
        f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]\n".encode()
        for previous, name in zip("abcde", "bcdef")
    )
    + b"layers: [*f, *f]\n"
)  # ten to the sixth power of ones, in a few lines


def message_id(value: Any) -> str | None:
    """A case's id: its message without the word Keras, which the mutation run's
    `-k "not keras"` (scripts/mutation.py) would read as a test that builds Keras."""
    return re.sub("(?i)keras", "K.", value) if isinstance(value, str) else None


def conv_spec(**layer: Any) -> dict[str, Any]:
    return {"input_shape": [28, 28, 1], "layers": [{"type": "Conv2D", **layer}]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (  # the typo explains the missing argument: one line, not two
            conv_spec(filters=32, kernal_size=3),
            "layers[0].kernal_size: unknown argument for Conv2D; did you mean 'kernel_size'?",
        ),
        (  # an unknown argument that explains nothing leaves the missing one said
            conv_spec(filters=32, zzz=3),
            "layers[0].kernel_size: missing (Conv2D needs it)\n"
            "layers[0].zzz: unknown argument for Conv2D",
        ),
        (conv_spec(kernel_size=3), "layers[0].filters: missing (Conv2D needs it)"),
        (
            conv_spec(filters=32, kernel_size=-1),
            "layers[0].kernel_size: Input should be greater than or equal to 1 (got -1)",
        ),
        (
            conv_spec(filters=32, kernel_size=[3, 3, 3]),
            "layers[0].kernel_size: Conv2D needs one int or a list of 2, got 3 (got [3, 3, 3])",
        ),
        (
            conv_spec(filters=32, kernel_size=3, padding="foo"),
            "layers[0].padding: Input should be 'valid', 'same', 'causal' or 'full' (got \"foo\")",
        ),
        (
            conv_spec(filters=32, kernel_size=3, padding="causal"),
            "layers[0].padding: padding 'causal' is only for Conv1D, not Conv2D (got \"causal\")",
        ),
        (
            conv_spec(filters=32, kernel_size=3, strides=2, dilation_rate=2),
            "layers[0]: strides > 1 cannot be combined with dilation_rate > 1 (Keras refuses it)",
        ),
        (
            conv_spec(filters=6, kernel_size=3, groups=4),
            "layers[0]: filters (6) must divide evenly into groups (4)",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Conv2d"}]},
            "layers[0].type: unknown layer type 'Conv2d'; did you mean 'Conv2D'?",
        ),
        (
            {"input_shape": [4], "layers": [{"units": 3}]},
            "layers[0].type: missing; every layer names its Keras class, e.g. 'Conv2D'",
        ),
        (
            {"input_shape": [4], "layers": [3]},
            'layers[0]: a layer is an object like {"type": "Conv2D", ...}, got 3',
        ),
        ({"input_shape": [4]}, "layers: missing (a spec needs it)"),
        (
            {"inputshape": [4], "layers": [{"type": "Flatten"}]},
            "inputshape: unknown key in a spec; did you mean 'input_shape'?",
        ),
        (
            {"input_shape": [28, -28], "layers": [{"type": "Flatten"}]},
            "input_shape[1]: Input should be greater than or equal to 1 (got -28)",
        ),
        ([1, 2], "a spec is an object with 'input_shape' and 'layers', got list"),
        (
            conv_spec(filters="32", kernel_size=3),
            'layers[0].filters: Input should be a valid integer (got "32"); a number is '
            "written without quotes: 32",
        ),
        (
            conv_spec(filters=32, kernel_size=True),
            "layers[0].kernel_size: Input should be a valid integer (got true)",
        ),
        (
            {"input_shape": [], "layers": [{"type": "Flatten"}]},
            "input_shape: List should have at least 1 item after validation, not 0 (got [])",
        ),
        (
            {"batch_shape": "x", "layers": [{"type": "Flatten"}]},
            'batch_shape: the batch size and the input shape, e.g. [32, 28, 28, 1], got "x"',
        ),
        (
            {"batch_shape": [8, 4], "input_shape": [5], "layers": [{"type": "Flatten"}]},
            "input_shape [5] disagrees with batch_shape [8, 4]",
        ),
        (
            {"input_shape": [4], "layers": {"type": "Flatten"}},
            'layers: Input should be a valid list (got {"type": "Flatten"})',
        ),
        (
            {"input_shape": [4], "layers": []},
            "layers: List should have at least 1 item after validation, not 0 (got [])",
        ),
        (
            {"input_shape": [4], "layers": [{"type": 3}]},
            "layers[0].type: should be a Keras class name, got 3",
        ),
        (  # nothing close: say where the known types are listed
            {"input_shape": [4], "layers": [{"type": "Zorglub"}]},
            "layers[0].type: unknown layer type 'Zorglub'; `cnncalc schema` lists the known types",
        ),
        (  # Keras's other name for MaxPooling2D is checked as MaxPooling2D
            {"input_shape": [4], "layers": [{"type": "MaxPool2D", "pool_sise": 2}]},
            "layers[0].pool_sise: unknown argument for MaxPooling2D; did you mean 'pool_size'?",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2, "kernel_size": 3}]},
            "layers[0].kernel_size: unknown argument for Dense",
        ),
        (  # two typos, each its own line, each explaining a missing argument
            conv_spec(filter=2, kernel_sise=3),
            "layers[0].filter: unknown argument for Conv2D; did you mean 'filters'?\n"
            "layers[0].kernel_sise: unknown argument for Conv2D; did you mean 'kernel_size'?",
        ),
        (  # an unknown key that looks like pydantic's branch names is still the user's
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2, "[weird]": 1}]},
            "layers[0].[weird]: unknown argument for Dense",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2}], "str": 1},
            "str: unknown key in a spec; a spec has the keys name, description, input_shape, "
            "batch_size, batch_shape, dtype, layers",
        ),
        (  # the wrong item of a list is named, not the list
            conv_spec(filters=2, kernel_size=3, strides=[1, -1]),
            "layers[0].strides[1]: Input should be greater than or equal to 1 (got -1)",
        ),
        (
            conv_spec(filters=2, kernel_size=[3, "a"]),
            'layers[0].kernel_size[1]: Input should be a valid integer (got "a")',
        ),
        (
            {"input_shape": [4, "a"], "layers": [{"type": "Flatten"}]},
            'input_shape[1]: Input should be a valid integer (got "a")',
        ),
        (
            {"input_shape": [4], "batch_size": 0, "layers": [{"type": "Flatten"}]},
            "batch_size: Input should be greater than or equal to 1 (got 0)",
        ),
        (
            {"input_shape": [4], "dtype": "float17", "layers": [{"type": "Flatten"}]},
            "dtype: unknown dtype 'float17'; did you mean 'float16'? (got \"float17\")",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2, "name": 5}]},
            "layers[0].name: Input should be a valid string (got 5)",
        ),
        (  # a number or one per channel: pydantic's branch names are not in the path
            {"input_shape": [4], "layers": [{"type": "Rescaling", "scale": {"x": 1}}]},
            'layers[0].scale: Input should be a valid number (got {"x": 1})',
        ),
        (  # a file's path or the list itself
            {"input_shape": [4], "layers": [{"type": "StringLookup", "vocabulary": {"x": 1}}]},
            'layers[0].vocabulary: Input should be a valid list (got {"x": 1})',
        ),
    ],
    ids=message_id,
)
def test_invalid_specs_get_one_clear_line(data: Any, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    assert str(caught.value) == message


def test_every_problem_is_reported_at_once() -> None:
    data = {"input_shape": [4], "layers": [{"type": "Dense"}, {"type": "Dense", "unit": 3}]}
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    assert caught.value.lines == [
        "layers[0].units: missing (Dense needs it)",
        "layers[1].unit: unknown argument for Dense; did you mean 'units'?",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty; a spec is a JSON or YAML object with 'layers'"),
        (b"  \n", "is empty; a spec is a JSON or YAML object with 'layers'"),
        (b'{"layers": [}', "invalid JSON at line 1, column 13: Expecting value"),
        (b"\x00\x01\x02binary", "is a binary file, not a JSON or YAML spec"),
        (b"\xff\xfe\xfa text", "is not UTF-8 text (byte 0), so not a JSON or YAML spec"),
        (b"[" * 100_000, "is nested too deeply to read"),
        (b"layers: [\n  - {", "invalid YAML at line 2, column 3"),
        (
            ALIAS_BOMB,
            "expands to more than 1,000,000 values (YAML aliases?)",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / ("spec.yaml" if b"&a" in content else "spec.json")
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value).startswith(f"{path}: {message}")


# A newcomer's spec, written from Keras code (keras.io examples, Keras 2 tutorials): Python's
# notations where JSON and YAML have others, and Keras 2's input on the first layer. Each
# message says how the spec writes it, with the user's own value.


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"layers": [{"type": "Conv2D", "filters": 8, "kernel_size": 3,
                         "input_shape": [32, 32, 3]}]},
            "layers[0].input_shape: unknown argument for Conv2D; Keras 2's input_shape of a "
            'first layer is the spec\'s input here: "input_shape": [32, 32, 3] at the top '
            'level, beside "layers"',
        ),
        (
            {"layers": [{"type": "Dense", "units": 64, "input_dim": 784}]},
            "layers[0].input_dim: unknown argument for Dense; Keras 2's input_dim of a first "
            'layer is the spec\'s input here: "input_shape": [784] at the top level, beside '
            '"layers"',
        ),
        (
            {"layers": [{"type": "Dense", "units": 64, "batch_input_shape": [None, 784]}]},
            "layers[0].batch_input_shape: unknown argument for Dense; Keras 2's "
            "batch_input_shape of a first layer is the spec's input here: "
            '"input_shape": [784] at the top level, beside "layers"',
        ),
        (
            {"input_shape": [8, 8, 1], "layers": [{"type": "Conv2D", "filters": 4,
                                                   "kernel_size": "(3, 3)"}]},
            'layers[0].kernel_size: Input should be a valid integer (got "(3, 3)"); JSON and '
            "YAML have no tuples: write [3, 3]",
        ),
        (
            {"input_shape": "(28, 28, 1)", "layers": [{"type": "Flatten"}]},
            'input_shape: Input should be a valid list (got "(28, 28, 1)"); JSON and YAML '
            "have no tuples: write [28, 28, 1]",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Reshape", "target_shape": "(None, 2,)"}]},
            'layers[0].target_shape: Input should be a valid list (got "(None, 2,)"); JSON '
            "and YAML have no tuples: write [null, 2]",
        ),
        (
            {"input_shape": ["None"], "layers": [{"type": "Flatten"}]},
            'input_shape[0]: Input should be a valid integer (got "None"); an unknown size '
            "is null in JSON and YAML (None is Python's)",
        ),
        (
            {"input_shape": 784, "layers": [{"type": "Dense", "units": 10}]},
            "input_shape: Input should be a valid list (got 784); a list, even of one size: "
            "[784]",
        ),
        (
            {"input_shape": [4], "layers": [{"type": "Flatten"}], "loss": "mse"},
            "loss: unknown key in a spec; a spec has the keys name, description, input_shape, "
            "batch_size, batch_shape, dtype, layers",
        ),
        (  # a near-miss still gets its suggestion, not the list
            {"input_shape": [4], "layers": [{"type": "Flatten"}], "input_shap": [4]},
            "input_shap: unknown key in a spec; did you mean 'input_shape'?",
        ),
        (  # Python's (3) is 3: no tuple to suggest
            {"input_shape": [8, 8, 1], "layers": [{"type": "Conv2D", "filters": 4,
                                                   "kernel_size": [3, "(3)"]}]},
            'layers[0].kernel_size[1]: Input should be a valid integer (got "(3)")',
        ),
        # sizes written with x, X or ×: the list to write
        ({"input_shape": "28x28x1", "layers": [{"type": "Flatten"}]}, 'input_shape: Input '
         'should be a valid list (got "28x28x1"); a list of sizes: [28, 28, 1]'),
        ({"input_shape": [8, 8, 1], "layers": [{"type": "Conv2D", "filters": 4,
          "kernel_size": "3 x 3"}]}, 'layers[0].kernel_size: Input should be a valid integer '
         '(got "3 x 3"); a list of sizes: [3, 3]'),
        ({"input_shape": "32X32X3", "layers": [{"type": "Flatten"}]}, 'input_shape: Input '
         'should be a valid list (got "32X32X3"); a list of sizes: [32, 32, 3]'),
    ],
)  # fmt: skip
def test_a_newcomers_python_notation_gets_the_specs_own(data: Any, message: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"input_shape": [4, 4, 1,], "layers": []}', "invalid JSON at line 1, column 26: "
         "Expecting value (a comma before ']': JSON allows none after the last item)"),
        (b'{"layers": [{"type": "Flatten"},\n]}', "invalid JSON at line 2, column 1: "
         "Expecting value (a comma before ']': JSON allows none after the last item)"),
        (b'{"input_shape": [4], "layers": [{"type": "Flatten",}]}', "invalid JSON at line 1, "
         "column 52: Expecting property name enclosed in double quotes (a comma before '}': "
         "JSON allows none after the last item)"),
        (b'{"layers": [1,,2]}', "invalid JSON at line 1, column 15: Expecting value"),
        (b'{"input_shape": (28, 28, 1), "layers": []}', "invalid JSON at line 1, column 17: "
         "Expecting value (JSON has no tuples: write [28, 28, 1])"),
        (b'{"input_shape": (None, 3,), "layers": []}', "invalid JSON at line 1, column 17: "
         "Expecting value (JSON has no tuples: write [null, 3])"),
        (b'{"input_shape": [None], "layers": []}', "invalid JSON at line 1, column 18: "
         "Expecting value (None is Python's; JSON writes null)"),
        (b'{"layers": [{"type": "Dense", "units": 2, "use_bias": False}]}', "invalid JSON at "
         "line 1, column 55: Expecting value (False is Python's; JSON writes false)"),
        (b'{"input_shape": [4],\n # the input\n "layers": []}', "invalid JSON at line 2, "
         "column 2: Expecting property name enclosed in double quotes (JSON has no comments; "
         "YAML has: # \u2026)"),
        (b'{"input_shape": ((1, 2), 3)}', "invalid JSON at line 1, column 17: Expecting value"),
    ],
)  # fmt: skip
def test_python_notation_in_json_is_named(tmp_path: Path, content: bytes, message: str) -> None:
    """Python and JavaScript allow a comma after the last item; JSON does not, nor tuples,
    None, False or comments, and its own 'Expecting value' does not say so."""
    path = tmp_path / "spec.json"
    path.write_bytes(content)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("input_shape: [28, 28, 1]\nlayers:\n\t- {type: Flatten}\n", "invalid YAML at line 3, "
         "column 1: found character '\\t' that cannot start any token (line 3 is indented "
         "with a tab: YAML indents with spaces only)"),
        ("input_shape: [28, 28, 1]\nlayers:\n  - type: Conv2D\n    filters:32\n"
         "    kernel_size: 3\n", "invalid YAML at line 5, column 5: could not find expected "
         "':' (line 4: a key takes a space after its ':', as in 'filters: 32')"),
        ("input_shape: [28, 28, 1]\nlayers:\n  - type: Conv2D\n    filters: 32\n"
         "    kernel_size: 3\n  -type: Flatten\n", "invalid YAML at line 6, column 3: "
         "expected <block end>, but found '?' (line 6: a list item is '- ' with a space "
         "after the dash)"),
        ("input_shape: [28, 28, 1]\nlayers:\n  - type: Conv2D\n     filters: 32\n",
         "invalid YAML at line 4, column 13: mapping values are not allowed here"),
    ],
)  # fmt: skip
def test_a_yaml_typing_slip_is_named(tmp_path: Path, content: str, message: str) -> None:
    """PyYAML's words name what it expected; the line says what was typed."""
    path = tmp_path / "spec.yaml"
    path.write_text(content)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("model.py", "import keras\nmodel = keras.Sequential([keras.Input((28, 28, 1))])\n"),
        ("train.IPYNB", '{"cells": [], "metadata": {}, "nbformat": 4}'),
    ],
)
def test_a_models_python_code_is_named_as_code(tmp_path: Path, name: str, content: str) -> None:
    """A newcomer gives the script that builds the model: not read as YAML ('mapping values
    are not allowed here', or 'cells: unknown key'), but named, with what to give instead."""
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == (
        f"{path}: is Python code, which cnncalc never runs: write the network as a spec "
        "(docs/spec.md), or save the model from your code (model.save('net.keras'), or "
        "model.to_json() into a file) and give that"
    )


def test_yaml_specs_and_ignored_arguments(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(
        "input_shape: [28, 28, 1]\nlayers:\n"
        "  - {type: Conv2D, filters: 8, kernel_size: 3, activation: relu,"
        " kernel_initializer: he_normal}\n  - type: Flatten\n"
    )
    assert cnncalc.analyze(path).total_params == (3 * 3 * 1 + 1) * 8


def test_unknown_source_suggests_a_preset() -> None:
    with pytest.raises(SpecError, match="resnet5: no such file or preset; did you mean 'resnet50'"):
        load_spec("resnet5")


def test_a_spec_written_in_python() -> None:
    spec = Spec(
        input_shape=[28, 28, 1],
        layers=[
            Conv2D(filters=32, kernel_size=3, activation="relu"),
            MaxPooling2D(),
            Flatten(),
            Dense(units=10),
        ],
    )
    result = cnncalc.analyze(spec)
    assert [row.name for row in result] == ["conv2d", "max_pooling2d", "flatten", "dense"]
    assert result.total_params == 320 + (13 * 13 * 32 + 1) * 10


def test_python_spec_accepts_layer_dicts_too() -> None:
    spec = Spec(input_shape=[4], layers=[{"type": "Dense", "units": 2}])
    assert cnncalc.analyze(spec).total_params == 10


def test_every_preset_file_is_valid_json_with_a_description() -> None:
    for name in cnncalc.preset_names():
        spec = load_spec(name)
        assert spec.name == name and spec.description


def test_schema_lists_every_layer_kind() -> None:
    from cnncalc.layers import REGISTRY
    from cnncalc.spec.schema import spec_json_schema

    schema = spec_json_schema()
    assert set(REGISTRY) <= set(schema["$defs"])
    json.dumps(schema)  # serializable


def test_schema_accepts_nested_layers_and_aliases_and_rejects_nested_typos() -> None:
    import jsonschema

    from cnncalc.spec.schema import spec_json_schema

    validator = jsonschema.Draft202012Validator(spec_json_schema())
    good = {
        "input_shape": [10, 8],
        "layers": [
            {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4}},
            {"type": "RNN", "cell": [{"type": "GRUCell", "units": 2}]},
            {"type": "MaxPool1D"},
        ],
    }
    assert list(validator.iter_errors(good)) == []
    typo = {
        "input_shape": [10, 8],
        "layers": [{"type": "Bidirectional", "layer": {"type": "LSTM", "unit": 4}}],
    }
    assert list(validator.iter_errors(typo))


@pytest.mark.parametrize(
    ("value", "preview"),
    [
        ([1, 2, 3, 4, 5, 6], "[1, 2, 3, 4, …]"),  # the first four items
        ([1, 2, 3, 4], "[1, 2, 3, 4]"),
        ({"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}, '{"a": 1, "b": 2, "c": 3, "d": 4, …}'),
        ({"a": {"b": {"c": 1}}, "x": [1, [2, [3]]]}, '{"a": {"b": {…}}, "x": [1, […]]}'),
        ("x" * 100, '"' + "x" * 58 + "…"),  # 60 characters at most
        ("x" * 58, '"' + "x" * 58 + '"'),
        (None, "null"),
        (2.5, "2.5"),
        ([[[1]]], "[[[…]]]"),  # two levels shown, deeper ones elided
        ({"a": "x" * 19}, '{"a": "' + "x" * 18 + "…}"),  # an item at most 20 characters
        (["x" * 19], '["' + "x" * 18 + "…]"),
    ],
    ids=[
        "long list",
        "list",
        "wide dict",
        "deep",
        "long text",
        "text",
        "null",
        "float",
        "deep list",
        "long dict item",
        "long list item",
    ],
)
def test_a_wrong_value_is_previewed_briefly(value: Any, preview: str) -> None:
    """What the user gave, as JSON, cut short however large or deep it is."""
    with pytest.raises(SpecError) as caught:
        load_spec({"input_shape": [4], "layers": [{"type": "Dense", "units": value}]})
    assert str(caught.value) == f"layers[0].units: Input should be a valid integer (got {preview})"


def test_a_huge_count_is_described_not_printed() -> None:
    with pytest.raises(SpecError) as caught:
        load_spec({"input_shape": [4], "layers": [{"type": "Dense", "units": 10**5000}]})
    assert str(caught.value) == (
        "layers[0].units: Input should be less than or equal to 9223372036854775807 "
        "(got an integer of 5001 digits)"
    )


@given(st.integers(min_value=1, max_value=10**4000))
def test_digit_count_is_the_length_of_the_decimal_text(value: int) -> None:
    from cnncalc.spec.model import digit_count

    assert digit_count(value) == len(str(value))


@pytest.mark.parametrize("digits", [1, 2, 16, 17, 100, 1204, 1205, 4000])
def test_digit_count_at_each_power_of_ten(digits: int) -> None:
    """The edges where a float estimate of log10 slips: 10^k has k + 1 digits, 10^k − 1 has k."""
    from cnncalc.spec.model import digit_count

    assert digit_count(10**digits) == digits + 1
    assert digit_count(10**digits - 1) == digits


def test_batch_shape_gives_the_batch_size_and_the_input_shape() -> None:
    spec = load_spec({"batch_shape": [8, 28, 28, 1], "layers": [{"type": "Flatten"}]})
    assert (spec.batch_size, spec.input_shape) == (8, [28, 28, 1])
    agreeing = {"batch_shape": [8, 4], "input_shape": [4], "batch_size": 8}
    spec = load_spec({**agreeing, "layers": [{"type": "Flatten"}]})
    assert (spec.batch_size, spec.input_shape) == (8, [4])


def test_a_dtype_policy_object_is_read_by_its_name() -> None:
    policy = {"class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}
    spec = load_spec({"input_shape": [4], "dtype": policy, "layers": [{"type": "Flatten"}]})
    assert spec.dtype == "mixed_float16"


def test_a_python_spec_changed_after_it_was_built_is_checked_again() -> None:
    """The same line as in a spec file, wherever the change is."""
    spec = Spec(input_shape=[28, 28, 1], layers=[Conv2D(filters=4, kernel_size=3), Flatten()])
    spec.layers[0].filters = -3
    spec.layers.append({"type": "Dense"})
    with pytest.raises(SpecError) as caught:
        cnncalc.analyze(spec)
    assert caught.value.lines == [
        "layers[0].filters: Input should be greater than or equal to 1 (got -3)",
        "layers[2].units: missing (Dense needs it)",
    ]
    spec = Spec(input_shape=[28, 28, 1], layers=[Flatten()])
    spec.input_shape = [28, -1, 1]
    with pytest.raises(SpecError) as caught:
        cnncalc.analyze(spec)
    assert (
        str(caught.value) == "input_shape[1]: Input should be greater than or equal to 1 (got -1)"
    )


def test_a_python_spec_keeps_what_it_was_given() -> None:
    """Rechecking changes nothing: (3·3·1 + 1)·4 = 40 params, the name kept."""
    spec = Spec(name="mine", input_shape=[28, 28, 1], layers=[Conv2D(filters=4, kernel_size=3)])
    result = cnncalc.analyze(spec)
    assert (result.name, result.total_params, result[0].name) == ("mine", 40, "conv2d")


def test_to_json_writes_one_layer_per_line() -> None:
    spec = Spec(
        name="né",
        input_shape=[28, 28, 1],
        layers=[Conv2D(filters=4, kernel_size=3, activation="relü"), {"type": "Flatten"}],
    )
    assert spec.to_json() == (
        '{"name": "né", "input_shape": [28, 28, 1], "layers": [\n'
        '    {"type": "Conv2D", "kernel_size": 3, "filters": 4, "activation": "relü"},\n'
        '    {"type": "Flatten"}\n'
        "]}"
    )
    assert load_spec(json.loads(spec.to_json())).to_dict() == spec.to_dict()
    bare = Spec(layers=[{"type": "InputLayer", "shape": [3]}])
    assert bare.to_json() == '{"layers": [\n    {"type": "InputLayer", "shape": [3]}\n]}'


def test_a_python_spec_with_wrong_types_gets_the_file_message_and_no_warning() -> None:
    """Values of the wrong type set after building reach the user as the usual one line, not
    as pydantic serializer warnings."""
    spec = Spec(input_shape=[28, 28, 1], layers=[Conv2D(filters=4, kernel_size=3), Flatten()])
    spec.layers[0].filters = "x"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SpecError) as caught:
            cnncalc.analyze(spec)
    assert str(caught.value) == 'layers[0].filters: Input should be a valid integer (got "x")'
    spec = Spec(input_shape=[28, 28, 1], layers=[Flatten()])
    spec.input_shape = "abc"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(SpecError) as caught:
            cnncalc.analyze(spec)
    assert str(caught.value) == 'input_shape: Input should be a valid list (got "abc")'


def test_a_layer_dict_put_into_a_python_spec_is_read_where_it_is() -> None:
    """(28·28·1 + 1)·1 = 785 params for the Dense put first; nothing after it is lost."""
    spec = Spec(input_shape=[28, 28, 1], layers=[Flatten(), Dense(units=2)])
    spec.layers.insert(0, {"type": "Dense", "units": 1})
    result = cnncalc.analyze(spec)
    assert [row.name for row in result] == ["dense", "flatten", "dense_1"]
    assert result.total_params == (1 + 1) * 1 + (28 * 28 * 1 + 1) * 2


def test_a_typo_of_an_argument_cnncalc_passes_through_is_suggested() -> None:
    """Keras's flash_attention is accepted (it changes no shape); its typo is named."""
    layer = {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 2, "flash_atention": True}
    with pytest.raises(SpecError) as caught:
        load_spec({"input_shape": [4, 4], "layers": [layer]})
    assert str(caught.value) == (
        "layers[0].flash_atention: unknown argument for MultiHeadAttention; "
        "did you mean 'flash_attention'?"
    )


@pytest.mark.parametrize(
    ("value", "preview"),
    [  # Python prints integers up to 4,300 digits; past 4,000 bits cnncalc counts the digits
        (2**3999, str(2**3999)[:59] + "…"),  # 4,000 bits: printed, cut to 60 characters
        (2**4000, f"an integer of {len(str(2**4000))} digits"),  # 4,001 bits
    ],
    ids=["4000 bits", "4001 bits"],
)
def test_a_long_integer_is_printed_until_it_is_too_long(value: int, preview: str) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec({"input_shape": [4], "layers": [{"type": "Dense", "units": value}]})
    assert str(caught.value) == (
        f"layers[0].units: Input should be less than or equal to 9223372036854775807 "
        f"(got {preview})"
    )


def test_a_yaml_value_json_cannot_write_is_previewed_as_text(tmp_path: Path) -> None:
    """YAML reads 2020-01-01 as a date; the message shows it as the user wrote it."""
    path = tmp_path / "net.yaml"
    path.write_text("input_shape: [4]\nlayers:\n  - {type: Dense, units: 2020-01-01}\n")
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    assert str(caught.value) == (
        'layers[0].units: Input should be a valid integer (got "2020-01-01")'
    )
