"""Keras models as cnncalc specs, from their configuration only.

Reads ``model.to_json()`` text or a ``.keras`` archive (a zip whose config.json is the same
JSON). Pure Python, no TensorFlow: it never loads weights, never calls Keras's loaders and
never deserializes code (a Lambda's function is left as the text it is). Shapes always come
from the engine: the shape hints Keras writes into a config (``build_config``, the ``shape``
of tensor references) are never read.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from ..errors import SpecError
from ..layers import REGISTRY
from ..layers.base import IGNORED_ARGUMENTS

MODEL_CLASSES = {"Sequential", "Functional", "Model"}
ZIP_MAGIC = b"PK\x03\x04"


def is_keras_model_json(data: Any) -> bool:
    return isinstance(data, dict) and data.get("class_name") in MODEL_CLASSES and "config" in data


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
        first = converted.pop(0)
        return {"input_shape": first.get("shape") or first["batch_shape"][1:], "layers": converted}
    declared = (layers[0].get("config", {}) if layers else {}).get("batch_input_shape")
    if declared:  # Keras 2's way of declaring the input on the first layer
        converted[0].pop("batch_input_shape", None)
        return {"input_shape": declared[1:], "layers": converted}
    raise SpecError(f"{where}: the Sequential model declares no input shape (no InputLayer)")


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
    known = set(rule.model_fields) | IGNORED_ARGUMENTS
    layer = {key: value for key, value in config.items() if key in known and key != "type"}
    layer.update(type=kind, name=name)
    if config.get("trainable", True):
        layer.pop("trainable", None)
    if kind == "Lambda":
        layer.pop("function", None)  # code: never deserialized, never run
    return layer


def nested_model(kind: str, config: dict[str, Any], name: str) -> dict[str, Any]:
    """A model used as a layer: one row whose rule analyzes the model inside."""
    inner = spec_from_keras_json({"class_name": kind, "config": config}, f"layer '{name}'")
    if kind == "Sequential":
        return {"type": "Sequential", "name": name, "layers": inner["layers"]}
    outputs = [entry[0] for entry in tensor_list(config.get("output_layers"))]
    return {"type": "Functional", "name": name, "layers": inner["layers"], "outputs": outputs}


def tensor_list(value: Any) -> list[list[Any]]:
    """Keras writes one output as ["name", 0, 0] and several as a list of those."""
    if not value:
        return []
    return [value] if isinstance(value[0], str) else list(value)
