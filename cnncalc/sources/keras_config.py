"""Keras models as cnncalc specs, from their configuration only.

Reads ``model.to_json()`` text, a ``.keras`` archive (a zip whose config.json is the same
JSON) or a legacy ``.h5`` file (its ``model_config`` attribute, the same JSON, read with h5py,
imported only for .h5 files). No TensorFlow: it never loads weights, never calls Keras's
loaders and never deserializes code (a Lambda's function is left as the text it is). Shapes
always come from the engine: the shape hints Keras writes into a config (``build_config``,
the ``shape`` of tensor references) are never read.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from ..dtypes import DEFAULT_DTYPE, dtype_name
from ..errors import SpecError
from ..layers import REGISTRY
from ..layers.base import IGNORED_ARGUMENTS, KERAS_ALIASES
from ..layers.core import InputLayer
from ..spec.model import layer_from_dict

MODEL_CLASSES = {"Sequential", "Functional", "Model"}
ZIP_MAGIC = b"PK\x03\x04"
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
SUBCLASSED = (
    "subclassed models have no config to read; build it and pass the model, or write a spec"
)


def is_keras_model_json(data: Any) -> bool:
    """A Keras model's serialization (any model class, subclassed ones too), not a spec."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("class_name"), str)
        and isinstance(data.get("config"), dict)
        and "layers" not in data
    )


def read_h5_config(source: Path | BinaryIO, where: str) -> dict[str, Any]:
    """The ``model_config`` attribute of a legacy .h5 model (a path or an open binary file).

    Only that attribute is read: never a weight, never code. h5py (and so numpy) is
    imported here, for .h5 files only: the analysis path stays free of numpy.
    """
    try:
        import h5py
    except ImportError:
        raise SpecError(
            f"{where}: reading a legacy .h5 model needs h5py: pip install 'cnncalc[h5]'"
        ) from None
    try:
        with h5py.File(source, "r") as file:
            config = file.attrs.get("model_config")
    except (OSError, ValueError) as error:
        raise SpecError(f"{where}: not a readable HDF5 file ({first_line(error)})") from None
    if config is None:
        raise SpecError(
            f"{where}: the HDF5 file has no model_config attribute: it holds weights only "
            "(model.save_weights), not a model"
        )
    try:
        text = config.decode("utf-8") if isinstance(config, bytes) else str(config)
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        reason = getattr(error, "msg", None) or str(error)
        raise SpecError(f"{where}: its model_config attribute is not JSON ({reason})") from None


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def read_keras_archive(raw: bytes, where: str) -> dict[str, Any]:
    """The model config inside a .keras archive (config.json); weights are not touched."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            text = archive.read("config.json")
    except (zipfile.BadZipFile, KeyError):
        raise SpecError(f"{where}: a zip file without a config.json: not a .keras model") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise SpecError(f"{where}: its config.json is not valid JSON ({error.msg})") from None


def spec_from_keras_json(model: dict[str, Any], where: str = "model") -> dict[str, Any]:
    """A cnncalc spec (as a dict) equivalent to a Keras model's configuration."""
    config = model.get("config", {})
    layers = config.get("layers")
    if not isinstance(layers, list):
        if model.get("class_name") not in MODEL_CLASSES:
            raise SpecError(
                f"{where}: '{model.get('class_name')}' is a subclassed model: {SUBCLASSED}"
            )
        raise SpecError(f"{where}: the model's config has no list of layers")
    spec: dict[str, Any] = {"name": config.get("name")}
    if model["class_name"] == "Sequential":
        spec.update(sequential_spec(layers, where))
    else:
        spec["layers"] = [functional_layer(index, entry) for index, entry in enumerate(layers)]
    return spec


def sequential_spec(layers: list[dict[str, Any]], where: str) -> dict[str, Any]:
    converted = [layer_spec(index, entry) for index, entry in enumerate(layers)]
    if converted and converted[0]["type"] == "InputLayer":
        first = layer_from_dict(0, converted.pop(0))
        assert isinstance(first, InputLayer)
        declared = {"input_shape": list(first.input_shape), "batch_size": first.batch}
    else:  # Keras 2's way of declaring the input on the first layer
        batch_shape = (layers[0].get("config", {}) if layers else {}).get("batch_input_shape")
        if not batch_shape:
            raise SpecError(
                f"{where}: the Sequential model declares no input shape (no InputLayer)"
            )
        declared = {"input_shape": batch_shape[1:], "batch_size": batch_shape[0]}
    return {**{k: v for k, v in declared.items() if v is not None}, "layers": converted}


def functional_layer(index: int, entry: dict[str, Any]) -> dict[str, Any]:
    layer = layer_spec(index, entry)
    if layer["type"] != "InputLayer":
        layer["inputs"] = inbound_names(entry, layer["name"])
    if str(entry.get("module", "")).startswith("keras.src.ops"):
        # A Keras op on tensors (x + 3.0): its scalar operand broadcasts.
        constants = [a for a in inbound_args(entry) if isinstance(a, (int, float))]
        if constants:
            layer["constant"] = constants[0]
    return layer


def inbound_args(entry: dict[str, Any]) -> list[Any]:
    nodes = entry.get("inbound_nodes") or [{}]
    return nodes[0].get("args", []) if isinstance(nodes[0], dict) else []


def inbound_names(entry: dict[str, Any], name: str) -> list[str]:
    """The layers a functional layer reads, from its inbound nodes (Keras 3 or Keras 2)."""
    nodes = entry.get("inbound_nodes") or []
    if len(nodes) > 1:
        raise SpecError(
            f"layer '{name}' is called {len(nodes)} times (a shared layer); "
            "cnncalc analyzes each layer once"
        )
    names: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            history = (
                value.get("config", {}).get("keras_history")
                if value.get("class_name") == "__keras_tensor__"
                else None
            )
            if history:
                names.append(history[0])
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int):
                names.append(value[0])  # Keras 2: [layer_name, node_index, tensor_index, {}]
                return
            for item in value:
                walk(item)

    for node in nodes:
        walk(node.get("args", node) if isinstance(node, dict) else node)
    return names


def layer_spec(index: int, entry: dict[str, Any]) -> dict[str, Any]:
    """One Keras layer config as a spec layer: its class name and the arguments cnncalc uses."""
    kind = entry.get("class_name")
    kind = KERAS_ALIASES.get(kind, kind) if isinstance(kind, str) else kind
    config = dict(entry.get("config") or {})
    name = config.get("name") or entry.get("name") or f"layer_{index}"
    if kind in MODEL_CLASSES:
        return nested_model(kind, config, name)
    if kind not in REGISTRY:
        raise SpecError(
            f"layer {index} '{name}' ({kind}): cnncalc has no rule for the layer class "
            f"'{kind}'; `cnncalc schema` lists the ones it knows"
        )
    rule = REGISTRY[kind]
    layer = {
        key: value
        for key, value in config.items()
        if (key in rule.model_fields and key != "type")
        or ((key in IGNORED_ARGUMENTS or key in rule.passed_arguments) and is_plain(value))
    }  # initializers, regularizers and other objects change no shape: a clean spec
    for field in rule.wrapped_fields:  # a wrapper's layer, an RNN's cell: configs themselves
        if isinstance(layer.get(field), list):
            layer[field] = [layer_spec(index, item) for item in layer[field]]
        elif isinstance(layer.get(field), dict):
            layer[field] = layer_spec(index, layer[field])
    layer.update(type=kind, name=name)
    if config.get("trainable", True):
        layer.pop("trainable", None)
    if "dtype" in layer:
        layer["dtype"] = dtype_name(layer["dtype"])
        if layer["dtype"] == DEFAULT_DTYPE:
            layer.pop("dtype")
    if kind == "Lambda":
        layer.pop("function", None)  # code: never deserialized, never run
    return layer


def is_plain(value: Any) -> bool:
    """A value a spec can hold as it is: a scalar, or a list of scalars (a value_range)."""
    scalar = (str, int, float, bool)
    return isinstance(value, scalar) or (
        isinstance(value, list) and all(isinstance(item, scalar) for item in value)
    )


def nested_model(kind: str, config: dict[str, Any], name: str) -> dict[str, Any]:
    """A model used as a layer: one row whose rule analyzes the model inside."""
    inner = spec_from_keras_json({"class_name": kind, "config": config}, f"layer '{name}'")
    layers = [written_as_a_spec(index, layer) for index, layer in enumerate(inner["layers"])]
    if kind == "Sequential":
        return {"type": "Sequential", "name": name, "layers": layers}
    outputs = [entry[0] for entry in tensor_list(config.get("output_layers"))]
    return {"type": "Functional", "name": name, "layers": layers, "outputs": outputs}


def written_as_a_spec(index: int, layer: dict[str, Any]) -> dict[str, Any]:
    """A nested model's layer as a spec writes it (arguments at Keras's defaults left out),
    as the outer layers are; one that does not validate stays as it is, for the engine to
    report with the nested model's name."""
    try:
        return layer_from_dict(index, layer).to_dict()
    except SpecError:
        return layer


def tensor_list(value: Any) -> list[list[Any]]:
    """Keras writes one output as ["name", 0, 0] and several as a list of those."""
    if not value:
        return []
    return [value] if isinstance(value[0], str) else list(value)
