"""Importing Keras models from their configuration: the keras.applications zoo, archives,
nested models, Keras 2 configs, and Lambda layers whose code never runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cnncalc
from cnncalc import NetworkError, SpecError
from cnncalc.cli import app
from cnncalc.sources.keras_config import spec_from_keras_json

from .conftest import engine_table, keras_table

ZOO = [
    "VGG16",
    "VGG19",
    "ResNet50",
    "ResNet50V2",
    "MobileNet",
    "MobileNetV2",
    "MobileNetV3Small",
    "DenseNet121",
    "InceptionV3",
    "Xception",
    "EfficientNetB0",
    "EfficientNetV2B0",
    "ConvNeXtTiny",
    "NASNetMobile",
    "InceptionResNetV2",
]


def without_shape_hints(value: Any) -> Any:
    """A Keras config with every shape hint removed: build_config, tensor shapes."""
    if isinstance(value, dict):
        return {
            key: without_shape_hints(item)
            for key, item in value.items()
            if key not in ("build_config", "build_input_shape")
            and not (key == "shape" and value.get("keras_history") is not None)
        }
    if isinstance(value, list):
        return [without_shape_hints(item) for item in value]
    return value


def hint_count(value: Any) -> int:
    text = json.dumps(value)
    return text.count('"build_config"') + text.count('"keras_history"')


@pytest.mark.parametrize("name", ZOO)
def test_the_keras_applications_zoo_is_reproduced(keras: Any, name: str, tmp_path: Path) -> None:
    model = getattr(keras.applications, name)(weights=None)
    config = json.loads(model.to_json())
    stripped = without_shape_hints(config)
    assert hint_count(config) > 0 and '"build_config"' not in json.dumps(stripped)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(stripped), encoding="utf-8")
    analysis = cnncalc.analyze(path)
    assert engine_table(analysis) == keras_table(model)  # every layer and op, in order
    assert [row.name for row in analysis] == [op.name for op in model._operations]
    assert analysis.total_params == model.count_params()
    with_hints = cnncalc.analyze(cnncalc.from_keras(model))
    assert engine_table(with_hints) == engine_table(analysis)
    written = json.loads(cnncalc.load_spec(path).to_json())  # what `cnncalc import` writes
    assert engine_table(cnncalc.analyze(written)) == engine_table(analysis)


def test_a_keras_archive_is_read_without_loading_it(keras: Any, tmp_path: Path) -> None:
    from cnncalc.keras.bridge import to_keras

    path = tmp_path / "mnist.keras"
    to_keras("mnist").save(path)
    imported = engine_table(cnncalc.analyze(path))
    assert imported.pop("input") == ((None, 28, 28, 1), 0, 0, 0)  # the model's InputLayer
    assert imported == engine_table(cnncalc.analyze("mnist"))


def test_a_nested_sequential_is_one_row(keras: Any) -> None:
    inner = keras.Sequential(
        [keras.layers.Conv2D(8, 3), keras.layers.BatchNormalization(), keras.layers.ReLU()],
        name="block",
    )
    inputs = keras.Input((32, 32, 3))
    x = inner(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    analysis = cnncalc.analyze(model)
    assert engine_table(analysis) == keras_table(model)
    assert analysis["block"].type == "Sequential"


def test_a_nested_functional_model_is_one_row(keras: Any) -> None:
    a, b = keras.Input((8,)), keras.Input((8,))
    inner = keras.Model(
        [a, b], keras.layers.Dense(3)(keras.layers.Concatenate()([a, b])), name="pair"
    )
    x, y = keras.Input((8,)), keras.Input((8,))
    model = keras.Model([x, y], keras.layers.Dense(1)(inner([x, y])))
    assert engine_table(cnncalc.analyze(model)) == keras_table(model)


def test_lambda_uses_its_declared_output_shape_and_its_code_never_runs(
    keras: Any, tmp_path: Path
) -> None:
    sentinel = tmp_path / "ran.txt"

    def touch(x: Any, path: str = str(sentinel)) -> Any:
        open(path, "w").close()
        return x[:, :4]

    inputs = keras.Input((10,))
    x = keras.layers.Lambda(touch, output_shape=(4,), name="first_four")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(x))
    sentinel.unlink(missing_ok=True)  # in case Keras ran it to build the model
    saved = tmp_path / "model.json"
    saved.write_text(model.to_json(), encoding="utf-8")
    assert engine_table(cnncalc.analyze(saved)) == keras_table(model)
    runner = CliRunner()
    assert runner.invoke(app, ["analyze", str(saved)]).exit_code == 0
    assert not sentinel.exists()


def test_lambda_without_output_shape_is_a_clear_error(keras: Any, tmp_path: Path) -> None:
    inputs = keras.Input((10,))
    model = keras.Model(inputs, keras.layers.Lambda(lambda x: x * 2, name="doubler")(inputs))
    saved = tmp_path / "model.json"
    saved.write_text(model.to_json(), encoding="utf-8")
    with pytest.raises(NetworkError, match=r"layer 1 'doubler' \(Lambda\): .* never runs"):
        cnncalc.analyze(saved)


def test_an_unsupported_layer_class_names_the_class_and_the_layer() -> None:
    config = {
        "class_name": "Functional",
        "config": {
            "name": "m",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"name": "x", "batch_shape": [None, 4]},
                    "inbound_nodes": [],
                },
                {"class_name": "MyFancyLayer", "config": {"name": "fancy"}, "inbound_nodes": []},
            ],
        },
    }
    with pytest.raises(SpecError, match="layer 1 'fancy' \\(MyFancyLayer\\): cnncalc has no rule"):
        spec_from_keras_json(config)


def test_keras2_configs_import(tmp_path: Path) -> None:
    tf_keras = pytest.importorskip("tf_keras")
    from cnncalc.keras.bridge import to_keras

    for spec in ("mnist", "resnet50"):
        model = to_keras(spec, keras=tf_keras)
        saved = tmp_path / "model.json"
        saved.write_text(model.to_json(), encoding="utf-8")
        assert engine_table(cnncalc.analyze(saved)) == keras_table(model)


def test_import_command_writes_a_spec_and_never_overwrites(keras: Any, tmp_path: Path) -> None:
    model_path = tmp_path / "model.json"
    model_path.write_text(keras.applications.MobileNetV2(weights=None).to_json())
    out = tmp_path / "spec.json"
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(model_path), "-o", str(out)]).exit_code == 0
    spec = json.loads(out.read_text())
    assert spec["layers"][1]["type"] == "Conv2D" and "build_config" not in out.read_text()
    assert cnncalc.analyze(out).total_params == 3_538_984
    out.write_text("mine")
    again = runner.invoke(app, ["import", str(model_path), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert out.read_text() == "mine"
    assert runner.invoke(app, ["import", str(model_path), "-o", str(out), "--force"]).exit_code == 0
