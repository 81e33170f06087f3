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


def keras3_models(keras: Any) -> dict[str, Any]:
    """Small models as users save them: a fixed batch and a mixed policy, and a graph holding
    a nested Sequential."""
    layers = keras.layers
    sequential = keras.Sequential(
        [
            keras.Input((28, 28, 1), batch_size=32),
            layers.Conv2D(8, 3, dtype="mixed_float16"),
            layers.BatchNormalization(),
            layers.Flatten(),
            layers.Dense(10),
        ],
        name="small",
    )
    block = keras.Sequential([layers.Conv2D(4, 3), layers.BatchNormalization()], name="block")
    x = keras.Input((16, 16, 3))
    y = layers.Add()([block(x), layers.Conv2D(4, 3)(x)])
    graph = keras.Model(x, layers.GlobalAveragePooling2D()(y), name="graph")
    return {"sequential": sequential, "graph": graph}


def tf_keras_models() -> dict[str, Any]:
    tf_keras = pytest.importorskip("tf_keras")
    layers = tf_keras.layers
    sequential = tf_keras.Sequential(
        [layers.Conv2D(8, 3, batch_input_shape=(16, 28, 28, 1)), layers.Flatten(), layers.Dense(4)]
    )
    x = tf_keras.Input((16, 16, 3))
    y = layers.Concatenate()([layers.Conv2D(4, 3)(x), layers.Conv2D(2, 3)(x)])
    return {"keras2 sequential": sequential, "keras2 graph": tf_keras.Model(x, y)}


def test_legacy_h5_models_are_read_for_their_config(keras: Any, tmp_path: Path) -> None:
    """Saved by Keras 3 and by tf_keras (Keras 2) in this test run, with model.save(x.h5)."""
    models = {**keras3_models(keras), **tf_keras_models()}
    for label, model in models.items():
        path = tmp_path / f"{label.replace(' ', '_')}.h5"
        model.save(path)
        assert path.read_bytes().startswith(b"\x89HDF")
        analysis = cnncalc.analyze(path)
        assert engine_table(analysis) == keras_table(model), label
        assert analysis.total_params == model.count_params(), label
        assert engine_table(cnncalc.analyze(cnncalc.from_keras(path))) == engine_table(analysis)
    small = cnncalc.analyze(tmp_path / "sequential.h5")
    assert (small.batch_size, small[0].dtype, small[1].dtype) == (32, "mixed_float16", "float32")
    assert small[0].keras_output_shape == (32, 26, 26, 8)


def test_keras_writes_model_config_as_the_h5_bound_accepts_it(keras: Any, tmp_path: Path) -> None:
    """What cnncalc's bound on model_config admits (docs/security.md) is what Keras 3 and tf_keras
    write: one variable-length string (a scalar dataspace) in the root group's version 1 object
    header, its length declared there as the string's length in bytes."""
    import h5py

    from cnncalc.sources.hdf5_layout import declared_lengths

    models = {**keras3_models(keras), **tf_keras_models()}
    for label, model in models.items():
        path = tmp_path / f"{label.replace(' ', '_')}.h5"
        model.save(path)
        with h5py.File(path, "r") as file, path.open("rb") as stream:
            attribute = file.attrs.get_id("model_config")
            assert attribute.get_space().get_simple_extent_type() == h5py.h5s.SCALAR, label
            assert attribute.get_type().get_class() == h5py.h5t.STRING, label
            assert attribute.get_type().is_variable_str(), label
            header = h5py.h5o.get_info(file.id)
            assert header.hdr.version == 1, label
            text = file.attrs["model_config"]
            assert declared_lengths(stream, header.addr, "model_config") == [len(text.encode())], (
                label
            )


def test_an_unreadable_h5_says_which_part(keras: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    model = keras3_models(keras)["sequential"]
    whole = tmp_path / "whole.h5"
    model.save(whole)
    cut = tmp_path / "cut.h5"
    cut.write_bytes(whole.read_bytes()[:200])
    weights = tmp_path / "only.weights.h5"
    model.save_weights(weights)
    cases = {
        cut: "not a readable HDF5 file (",
        weights: "the HDF5 file has no model_config attribute: it holds weights only",
    }
    for path, message in cases.items():
        result = runner.invoke(app, ["analyze", str(path)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"error: {path}: {message}")
        assert "Traceback" not in result.output


def test_without_h5py_an_h5_file_says_how_to_install_it(keras: Any, tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "model.h5"
    keras3_models(keras)["sequential"].save(path)
    code = (
        "import sys; sys.modules['h5py'] = None  # as if the h5 extra were not installed\n"
        f"from cnncalc.cli import main; sys.argv = ['cnncalc', 'analyze', {str(path)!r}]; main()"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 2
    assert process.stderr == (
        f"error: {path}: reading a legacy .h5 model needs h5py: pip install 'cnncalc[h5]'\n"
    )


def test_the_analysis_path_imports_h5py_only_for_h5_files() -> None:
    import subprocess
    import sys

    code = "import sys, cnncalc; cnncalc.analyze('resnet50'); print('h5py' in sys.modules)"
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.stdout.strip() == "False"


def subclassed_configs(keras: Any, tmp_path: Path) -> dict[str, Path]:
    class Tiny(keras.Model):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(3)

        def call(self, x: Any) -> Any:
            return self.dense(x)

    model = Tiny()
    model(keras.ops.zeros((1, 4)))
    archive, text = tmp_path / "tiny.keras", tmp_path / "tiny.json"
    model.save(archive)
    text.write_text(model.to_json(), encoding="utf-8")
    return {"archive": archive, "json": text}


def test_a_subclassed_model_gets_a_clear_message(keras: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    for path in subclassed_configs(keras, tmp_path).values():
        result = runner.invoke(app, ["analyze", str(path)])
        assert result.exit_code == 2
        assert result.stderr == (
            f"error: {path}: 'Tiny' is a subclassed model: subclassed models have no config "
            "to read; build it and pass the model, or write a spec\n"
        )


def test_import_writes_nested_models_as_clean_specs(keras: Any, tmp_path: Path) -> None:
    model = keras3_models(keras)["graph"]
    saved, out = tmp_path / "graph.keras", tmp_path / "graph.json"
    model.save(saved)
    result = CliRunner().invoke(app, ["import", str(saved), "-o", str(out)])
    assert result.exit_code == 0, result.output
    layers = len(model.layers)
    inner = len(model.get_layer("block").layers)
    assert result.stderr == f"wrote {out} ({layers} layers, + {inner} in nested models)\n"
    text = out.read_text(encoding="utf-8")
    for noise in ("DTypePolicy", "initializer", "shared_object_id", "registered_name", "module"):
        assert noise not in text, noise
    assert engine_table(cnncalc.analyze(out)) == keras_table(model)


def test_wrappers_cells_and_attention_import_from_their_keras_config(
    keras: Any, tmp_path: Path
) -> None:
    """Nested configs (a wrapper's layer, an RNN's cells, a Pipeline's layers) become nested
    spec layers, and a layer reading several inputs keeps Keras's call order."""
    layers = keras.layers
    frames = keras.Input((5, 16, 16, 3), name="frames")
    x = layers.TimeDistributed(layers.Conv2D(4, 3), name="per_frame")(frames)
    x = layers.TimeDistributed(layers.GlobalAveragePooling2D(), name="pooled")(x)
    x = layers.Bidirectional(layers.LSTM(6, return_sequences=True), name="both_ways")(x)
    x = layers.RNN([layers.GRUCell(3), layers.LSTMCell(5)], return_sequences=True, name="rnn")(x)
    tokens = keras.Input((7,), dtype="int32", name="tokens")
    embedded = layers.Embedding(50, 9, name="embedded")(tokens)
    attended = layers.MultiHeadAttention(2, 4, name="attention")(x, embedded)
    y = layers.Pipeline([layers.Dense(3), layers.PReLU()], name="pipe")(attended)
    y = layers.SpectralNormalization(layers.Dense(2), name="spectral")(y)
    model = keras.Model([frames, tokens], y)
    saved = tmp_path / "model.json"
    saved.write_text(json.dumps(without_shape_hints(json.loads(model.to_json()))))
    analysis = cnncalc.analyze(saved)
    assert engine_table(analysis) == keras_table(model)
    assert analysis["attention"].input_shapes == ((5, 5), (7, 9))  # query, then value
    written = json.loads(cnncalc.load_spec(saved).to_json())  # what `cnncalc import` writes
    assert written["layers"][2]["layer"]["type"] == "GlobalAveragePooling2D"
    assert engine_table(cnncalc.analyze(written)) == engine_table(analysis)


@pytest.mark.keras  # builds a model in tf_keras
def test_keras2_spellings_import(tmp_path: Path) -> None:
    """Old code's Embedding(input_length=…) and LeakyReLU(alpha=…), from a tf.keras config."""
    tf_keras = pytest.importorskip("tf_keras")
    layers = tf_keras.layers
    model = tf_keras.Sequential(
        [
            layers.Embedding(100, 8, input_length=10),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.TimeDistributed(layers.Dense(3)),
            layers.LeakyReLU(alpha=0.3),
            layers.GRU(2),
        ]
    )
    model.build((None, 10))
    saved = tmp_path / "model.json"
    saved.write_text(model.to_json(), encoding="utf-8")
    assert engine_table(cnncalc.analyze(saved)) == keras_table(model)


def test_lookup_encoding_and_audio_layers_import_with_their_sizes(
    keras: Any, tmp_path: Path
) -> None:
    """Their output sizes come from the config Keras writes (vocabulary, num_bins, …)."""
    layers = keras.layers
    strings = keras.Input((4,), dtype="string", name="strings")
    ids = keras.Input((4,), dtype="int64", name="ids")
    text = keras.Input((1,), dtype="string", name="text")
    audio = keras.Input((1000,), name="audio")
    values = keras.Input((4,), name="values")
    outputs = [
        layers.StringLookup(vocabulary=["a", "b", "c"], output_mode="one_hot")(strings),
        layers.IntegerLookup(vocabulary=[1, 2, 3], output_mode="multi_hot")(ids),
        layers.TextVectorization(vocabulary=["a", "b"], output_mode="count")(text),
        layers.Hashing(num_bins=4, output_mode="one_hot")(ids),
        layers.CategoryEncoding(num_tokens=5)(ids),
        layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")(values),
        layers.MelSpectrogram(num_mel_bins=16)(audio),
        layers.STFTSpectrogram(frame_length=32)(layers.Reshape((1000, 1))(audio)),
        layers.HashedCrossing(num_bins=3, output_mode="one_hot")([ids, ids]),
        layers.Dot(axes=1)([values, values]),
    ]
    model = keras.Model([strings, ids, text, audio, values], outputs)
    spec = spec_from_keras_json(without_shape_hints(json.loads(model.to_json())))
    assert engine_table(cnncalc.analyze(spec)) == keras_table(model)
    saved = tmp_path / "model.json"  # a string input has no byte size: the table still prints
    saved.write_text(model.to_json(), encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(saved), "--costs"])
    assert result.exit_code == 0 and "Total params: 1,088" in result.stdout  # 2·32·(32/2 + 1)


def test_import_says_what_it_wrote_as_the_docs_show(tmp_path: Path) -> None:
    """docs/cli.md: `wrote my_model.json (182 layers)`; a hand-written Keras 3 Sequential
    config with an InputLayer (the spec's input_shape) and one Dense layer."""
    from .test_output import KERAS_JSON

    model, out = tmp_path / "keras_model.json", tmp_path / "my_model.json"
    model.write_text(KERAS_JSON, encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(model), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out} (1 layer)\n"
    printed = CliRunner().invoke(app, ["import", str(model)])
    assert printed.stderr == "" and json.loads(printed.stdout)["input_shape"] == [4]
