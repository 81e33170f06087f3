"""Keras models as cnncalc specs, from their configuration only.

Reads ``model.to_json()`` text, a ``.keras`` archive (a zip whose config.json is the same
JSON) or a legacy ``.h5`` file (its ``model_config`` attribute, the same JSON, read with h5py,
imported only for .h5 files). No TensorFlow: it never loads weights, never calls Keras's
loaders and never deserializes code (a Lambda's function is no field of its rule: left out). Shapes
always come from the engine: the shape hints Keras writes into a config (``build_config``,
the ``shape`` of tensor references) are never read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, BinaryIO

from ..dtypes import DEFAULT_DTYPE, dtype_name
from ..errors import SpecError
from ..layers import REGISTRY
from ..layers.base import IGNORED_ARGUMENTS, KERAS_ALIASES
from ..layers.core import InputLayer
from ..spec.model import layer_from_dict
from .hdf5_layout import LayoutError, declared_lengths
from .reader import MAX_MODEL_BYTES, size_text
from .textfiles import parse_json_or_yaml

MODEL_CLASSES = {"Sequential", "Functional", "Model"}
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
SUBCLASSED = (
    "subclassed models have no config to read; build it and pass the model, or write a spec"
)


def is_keras_model_json(data: Any) -> bool:
    """A Keras model's serialization (any model class, subclassed ones too), not a spec."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("class_name"), str)
        and "config" in data  # a malformed config is refused field by field, not as a spec
        and "layers" not in data
    )


def read_h5_config(source: Path | BinaryIO, where: str) -> dict[str, Any]:
    """The ``model_config`` attribute of a legacy .h5 model (a path or an open binary file).

    Only that attribute is read: never a weight, never code, and only once its size is known
    to be within cnncalc's limit (check_h5_config). h5py (and so numpy) is imported here, for
    .h5 files only: the analysis path stays free of numpy.
    """
    try:
        import h5py
    except ImportError:
        raise SpecError(
            f"{where}: reading a legacy .h5 model needs h5py: pip install 'cnncalc[h5]'"
        ) from None
    if isinstance(source, (str, Path)):  # one open file for h5py and the bound's bytes
        with Path(source).open("rb") as stream:
            return read_h5_config(stream, where)
    try:
        with h5py.File(source, "r") as file:
            config = None
            if H5_CONFIG in file.attrs:
                check_h5_config(file, source, where)
                config = file.attrs[H5_CONFIG]
    except (OSError, ValueError, KeyError, RuntimeError) as error:
        raise SpecError(f"{where}: not a readable HDF5 file ({first_line(error)})") from None
    if config is None:
        raise SpecError(
            f"{where}: the HDF5 file has no model_config attribute: it holds weights only "
            "(model.save_weights), not a model"
        )
    try:
        text = config.decode("utf-8") if isinstance(config, bytes) else str(config)
    except UnicodeDecodeError as error:
        raise SpecError(f"{where}: its model_config attribute is not UTF-8 ({error})") from None
    return parse_json_or_yaml(text, f"{where}: model_config", as_json=True)


H5_CONFIG = "model_config"
H5_TYPE_CLASSES = {0: "integer", 1: "float", 2: "time", 4: "bitfield", 5: "opaque"}
H5_TYPE_CLASSES |= {6: "compound", 7: "reference", 8: "enum", 9: "sequence", 10: "array"}
"""HDF5's type classes (H5T_class_t) other than H5T_STRING (3), by name."""


def check_h5_config(file: Any, source: BinaryIO, where: str) -> None:
    """Refuse a model_config attribute that is not what Keras writes (one string, a scalar)
    or that is longer than MAX_MODEL_BYTES, looking only at its dataspace, its type and the
    length its string declares, before h5py or HDF5 allocate anything for its value."""
    import h5py

    attribute = file.attrs.get_id(H5_CONFIG)
    space = attribute.get_space().get_simple_extent_type()
    kind = attribute.get_type()
    found = ""  # what makes it refused
    if space == h5py.h5s.NULL:
        found = "empty (no value)"
    elif space != h5py.h5s.SCALAR:
        found = f"an array of shape {attribute.shape}"
    elif kind.get_class() != h5py.h5t.STRING:
        found = f"a value of type {H5_TYPE_CLASSES.get(kind.get_class(), 'unknown')}"
    elif kind.is_variable_str():
        size = declared_h5_length(file, source, where)
        found = f"a string that declares {size:,} bytes" if size > MAX_MODEL_BYTES else ""
    elif kind.get_size() > MAX_MODEL_BYTES:
        found = f"a string of {kind.get_size():,} bytes"
    if found:
        raise SpecError(
            f"{where}: its model_config attribute is {found}; cnncalc reads one string "
            f"of at most {size_text(MAX_MODEL_BYTES)}, as Keras writes it"
        )


def declared_h5_length(file: Any, source: BinaryIO, where: str) -> int:
    """The length model_config's variable-length string declares, read from the file's bytes
    (HDF5 allocates that much before it checks the file holds it; see hdf5_layout)."""
    import h5py

    header = getattr(h5py.h5o.get_info(file.id), "addr", None)  # the root group's header
    try:
        if header is None:
            raise LayoutError("h5py gives no object header address")
        lengths = declared_lengths(source, header, H5_CONFIG)
    except LayoutError as error:
        raise SpecError(
            f"{where}: its model_config attribute is stored in a way cnncalc does not read "
            f"({error}); Keras writes it in the file's root object header"
        ) from None
    if not lengths:
        raise SpecError(
            f"{where}: its model_config attribute is not in the root group's object header, "
            "where Keras writes it: cnncalc cannot bound its size"
        )
    return max(lengths)


def first_line(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


# The schema of what the importer reads: every field is checked here, before it is used, so a
# malformed config is one line naming the path of the bad field (exit 2), never a traceback.


def brief(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def expect(value: Any, kinds: type | tuple[type, ...], path: str, what: str) -> Any:
    """The value when it is of the kinds the importer reads (objects, lists, strings: never
    numbers, so a bool cannot pass for one)."""
    if not isinstance(value, kinds):
        raise SpecError(f"{path}: should be {what}, got {brief(value)}")
    return value


def optional_text(entry: dict[str, Any], key: str, path: str) -> str | None:
    value = entry.get(key)
    return None if value is None else expect(value, str, f"{path}.{key}", "a string")


def layer_entries(model: Any, where: str) -> tuple[str, dict[str, Any], list[dict[str, Any]]]:
    """A model's class name, config and layer entries, each checked."""
    model = expect(model, dict, where, "a Keras model config (an object)")
    kind = expect(model.get("class_name"), str, f"{where}: class_name", "the model's class")
    config = expect(model.get("config"), dict, f"{where}: config", "an object")
    if not isinstance(config.get("layers"), list) and kind not in MODEL_CLASSES:
        raise SpecError(f"{where}: '{kind}' is a subclassed model: {SUBCLASSED}")
    layers = expect(config.get("layers"), list, f"{where}: config.layers", "a list of layers")
    optional_text(config, "name", f"{where}: config")
    for index, entry in enumerate(layers):
        path = f"{where}: config.layers[{index}]"
        layer_entry(entry, path)
        if entry.get("inbound_nodes") is not None:
            expect(entry["inbound_nodes"], list, f"{path}.inbound_nodes", "a list of calls")
    return kind, config, layers


def layer_entry(entry: Any, path: str) -> dict[str, Any]:
    """A layer's entry (a model's, or one a wrapper or an RNN holds), checked."""
    expect(entry, dict, path, "a layer (an object with class_name and config)")
    expect(entry.get("class_name"), str, f"{path}.class_name", "the layer's class name")
    if entry.get("config") is not None:
        expect(entry["config"], dict, f"{path}.config", "an object")
        optional_text(entry["config"], "name", f"{path}.config")
    optional_text(entry, "name", path)
    return entry


def spec_from_keras_json(model: Any, where: str = "model") -> dict[str, Any]:
    """A cnncalc spec (as a dict) equivalent to a Keras model's configuration."""
    kind, config, layers = layer_entries(model, where)
    spec: dict[str, Any] = {"name": config.get("name")}
    if kind == "Sequential":
        spec.update(sequential_spec(layers, where))
    else:
        spec["layers"] = [
            functional_layer(index, entry, f"{where}: config.layers[{index}]")
            for index, entry in enumerate(layers)
        ]
    return spec


def shape_field(layer: dict[str, Any], key: str, path: str) -> list[Any] | None:
    """A declared shape (a list of sizes), if any."""
    value = layer.get(key)
    return None if value is None else expect(value, list, f"{path}.{key}", "a list of sizes")


def sequential_spec(layers: list[dict[str, Any]], where: str) -> dict[str, Any]:
    converted = [
        layer_spec(index, entry, f"{where}: config.layers[{index}]")
        for index, entry in enumerate(layers)
    ]
    if converted and converted[0]["type"] == "InputLayer":
        first = layer_from_dict(0, converted.pop(0))
        assert isinstance(first, InputLayer)
        declared = {"input_shape": list(first.input_shape), "batch_size": first.batch}
    else:  # Keras 2's way of declaring the input on the first layer
        first_config = (layers[0].get("config") or {}) if layers else {}
        path = f"{where}: config.layers[0].config"
        batch_shape = shape_field(first_config, "batch_input_shape", path)
        if not batch_shape:
            raise SpecError(
                f"{where}: the Sequential model declares no input shape (no InputLayer)"
            )
        declared = {"input_shape": batch_shape[1:], "batch_size": batch_shape[0]}
    return {**{k: v for k, v in declared.items() if v is not None}, "layers": converted}


def functional_layer(index: int, entry: dict[str, Any], path: str) -> dict[str, Any]:
    layer = layer_spec(index, entry, path)
    if layer["type"] != "InputLayer":
        layer["inputs"] = inbound_names(entry, layer["name"], path)
    if str(entry.get("module")).startswith("keras.src.ops"):
        # A Keras op on tensors (x + 3.0): its scalar operand broadcasts.
        constants = [
            a
            for a in inbound_args(entry)
            if isinstance(a, (int, float)) and not isinstance(a, bool)
        ]
        if constants:
            layer["constant"] = constants[0]
    return layer


def inbound_args(entry: dict[str, Any]) -> list[Any]:
    """The first call's args (inbound_names has checked they are a list)."""
    nodes = entry.get("inbound_nodes") or [{}]
    return nodes[0].get("args", []) if isinstance(nodes[0], dict) else []


def inbound_names(entry: dict[str, Any], name: str, path: str) -> list[str]:
    """The layers a functional layer reads, from its inbound nodes (Keras 3 or Keras 2)."""
    nodes = entry.get("inbound_nodes") or []
    if len(nodes) > 1:
        raise SpecError(
            f"layer '{name}' is called {len(nodes)} times (a shared layer); "
            "cnncalc analyzes each layer once"
        )
    names: list[str] = []

    def walk(value: Any, at: str) -> None:
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                config = expect(value.get("config"), dict, f"{at}.config", "a tensor's config")
                history = config.get("keras_history")
                if history is not None:
                    expect(history, list, f"{at}.config.keras_history", "[layer, node, tensor]")
                    if not history:
                        raise SpecError(f"{at}.config.keras_history: names no layer")
                    names.append(expect(history[0], str, f"{at}.config.keras_history[0]", "a name"))
                    return
            for key, item in value.items():
                walk(item, f"{at}.{key}")
        elif isinstance(value, list):
            if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int):
                names.append(value[0])  # Keras 2: [layer_name, node_index, tensor_index, {}]
                return
            for number, item in enumerate(value):
                walk(item, f"{at}[{number}]")

    for number, node in enumerate(nodes):
        at = f"{path}.inbound_nodes[{number}]"
        expect(node, (dict, list), at, "a call (an object or a list)")
        if isinstance(node, dict) and "args" in node:
            walk(expect(node["args"], list, f"{at}.args", "a list"), f"{at}.args")
        else:
            walk(node, at)
    return names


def layer_spec(index: int, entry: dict[str, Any], path: str) -> dict[str, Any]:
    """One Keras layer config (checked by layer_entry) as a spec layer: its class name and the
    arguments cnncalc uses."""
    kind = entry["class_name"]
    kind = KERAS_ALIASES.get(kind, kind)
    config = dict(entry.get("config") or {})
    name = config.get("name") or entry.get("name") or f"layer_{index}"
    if kind in MODEL_CLASSES:
        return nested_model(kind, config, name, path)
    if kind not in REGISTRY:
        raise SpecError(
            f"layer {index} '{name}' ({kind}): cnncalc has no rule for the layer class "
            f"'{kind}'; `cnncalc schema` lists the ones it knows"
        )
    rule = REGISTRY[kind]
    layer = {
        key: value
        for key, value in config.items()
        if key in rule.model_fields
        or ((key in IGNORED_ARGUMENTS or key in rule.passed_arguments) and is_plain(value))
    }  # initializers, regularizers and other objects change no shape: a clean spec
    for field in rule.wrapped_fields:  # a wrapper's layer, an RNN's cell: configs themselves
        value, at = layer.get(field), f"{path}.config.{field}"
        if isinstance(value, list):
            layer[field] = [
                layer_spec(index, layer_entry(item, f"{at}[{number}]"), f"{at}[{number}]")
                for number, item in enumerate(value)
            ]
        elif isinstance(value, dict):
            layer[field] = layer_spec(index, layer_entry(value, at), at)
    layer.update(type=kind, name=name)
    if config.get("trainable", True):
        layer.pop("trainable", None)
    if "dtype" in layer:
        layer["dtype"] = dtype_name(layer["dtype"])
        if layer["dtype"] == DEFAULT_DTYPE:
            layer.pop("dtype")
    return layer


def is_plain(value: Any) -> bool:
    """A value a spec can hold as it is: a scalar, or a list of scalars (a value_range)."""
    scalar = (str, int, float, bool)
    return isinstance(value, scalar) or (
        isinstance(value, list) and all(isinstance(item, scalar) for item in value)
    )


def nested_model(kind: str, config: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    """A model used as a layer: one row whose rule analyzes the model inside."""
    inner = spec_from_keras_json({"class_name": kind, "config": config}, f"{path}.config")
    layers = [written_as_a_spec(index, layer) for index, layer in enumerate(inner["layers"])]
    if kind == "Sequential":
        return {"type": "Sequential", "name": name, "layers": layers}
    outputs = tensor_list(config.get("output_layers"), f"{path}.config.output_layers")
    return {"type": "Functional", "name": name, "layers": layers, "outputs": outputs}


def written_as_a_spec(index: int, layer: dict[str, Any]) -> dict[str, Any]:
    """A nested model's layer as a spec writes it (arguments at Keras's defaults left out),
    as the outer layers are; one that does not validate stays as it is, for the engine to
    report with the nested model's name."""
    try:
        return layer_from_dict(index, layer).to_dict()
    except SpecError:
        return layer


def tensor_list(value: Any, path: str) -> list[str]:
    """The layer names of Keras's ["name", 0, 0] (one output) or a list of those."""
    if not value:
        return []
    expect(value, list, path, 'a list like ["name", 0, 0]')
    entries = [value] if isinstance(value[0], str) else value
    for number, entry in enumerate(entries):
        expect(entry, list, f"{path}[{number}]", 'a list like ["name", 0, 0]')
        if not entry:
            raise SpecError(f"{path}[{number}]: names no layer")
        expect(entry[0], str, f"{path}[{number}][0]", "a layer name")
    return [entry[0] for entry in entries]
