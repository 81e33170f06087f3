"""The one module that talks to Keras: builds a real keras.Model from a spec.

TensorFlow/Keras is imported lazily, inside the functions, so the rest of cnncalc never
pays for it. The lecture's explicit padding ('full', or padding_size ints) becomes a
ZeroPadding layer named '<name>_pad' in front of a 'valid' layer; transposed convolutions
with explicit padding become the 'valid' layer named '<name>_full' followed by a Cropping
layer that carries the name.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from ..dtypes import TENSOR_DTYPES
from ..engine import IMPLICIT_INPUT, analyze_spec, layer_inputs, layer_names, topological_order
from ..errors import CnncalcError
from ..layers.base import KERAS_ALIASES, Layer, Padded, Shape
from ..layers.conv import ConvTranspose
from ..layers.core import InputLayer
from ..layers.models import Functional, NestedModel
from ..sources import load_spec
from ..spec import Spec, parse_spec
from .compare import Comparison, compare
from .summary import Summary, SummaryRow, parse_summary


class KerasMissing(CnncalcError):
    exit_code = 2


class KerasRejects(CnncalcError):
    """Keras cannot build the spec (exit code 2, as for a spec that cannot be read)."""

    exit_code = 2


def first_line(error: Exception) -> str:
    """The line of a Keras error that says why: not its "Exception encountered when calling
    X.call()." wrapper, nor the terminal colour codes around the reason."""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in str(error).splitlines()]
    lines = [line for line in lines if line and not line.startswith("Exception encountered")]
    return lines[0] if lines else type(error).__name__


def import_keras() -> Any:
    """Keras, imported on first use, with TensorFlow's start-up chatter on stderr hidden."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    try:
        with native_stderr_silenced():
            import keras
    except ImportError:
        raise KerasMissing("this needs TensorFlow/Keras: pip install 'cnncalc[keras]'") from None
    return keras


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """TensorFlow's C++ logging writes to file descriptor 2, whatever its settings say."""
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:  # no real stderr (some notebooks): nothing to silence
        yield
        return
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def keras_arguments(layer: Layer) -> dict[str, Any]:
    """The layer's Keras constructor arguments (cnncalc's fields are Keras's names)."""
    arguments = layer.model_dump(exclude={"type", "name", "inputs"}, exclude_unset=True)
    if not arguments.pop("trainable", True):
        arguments["trainable"] = False
    return {**layer._keras_extras, **arguments}


def keras_layer(
    keras: Any, layer: Layer, name: str | None, arguments: dict[str, Any] | None = None
) -> Any:
    """The Keras layer object for a rule; the layers it holds (a Bidirectional's `layer`, an
    RNN's `cell`) are built first, as Keras's constructors take them."""
    arguments = keras_arguments(layer) if arguments is None else arguments
    for field in layer.wrapped_fields:
        held = getattr(layer, field)
        if isinstance(held, list):
            arguments[field] = [keras_layer(keras, item, item.name) for item in held]
        elif held is not None:
            arguments[field] = keras_layer(keras, held, held.name)
    if name is not None:
        arguments["name"] = name
    return keras_class(keras, layer.type)(**arguments)


def keras_class(keras: Any, kind: str) -> Any:
    """Keras's class for a type; GroupedQueryAttention is exported only as an alias."""
    exported = [alias for alias, target in KERAS_ALIASES.items() if target == kind]
    return getattr(keras.layers, kind, None) or getattr(keras.layers, exported[0])


def input_dtypes(spec: Spec, wiring: list[tuple[str, ...]]) -> dict[str, str]:
    """Inputs read by a layer that wants strings or ints (StringLookup, Embedding, …)."""
    wanted = {}
    for layer, sources in zip(spec.layers, wiring):
        if layer.input_dtype is not None:
            wanted.update(dict.fromkeys(sources, layer.input_dtype))
    return wanted


def explicit_padding(layer: Layer) -> list[tuple[int, int]] | None:
    """Per-axis (before, after) pairs when the layer uses the lecture's explicit padding."""
    return layer.explicit_padding() if isinstance(layer, Padded) else None


def helper_layers(spec: Spec, names: list[str]) -> dict[str, str]:
    """The extra Keras layers the bridge adds for explicit padding, and the layer each serves."""
    helpers = {}
    for layer, name in zip(spec.layers, names):
        if explicit_padding(layer) is not None:
            suffix = "_full" if isinstance(layer, ConvTranspose) else "_pad"
            helpers[name + suffix] = name
    return helpers


def to_keras(source: Spec | dict[str, Any] | str, keras: Any = None) -> Any:
    """A real, randomly initialized keras.Model for the spec.

    ``keras`` may be another Keras module with the same API (tests pass tf_keras, Keras 2).
    """
    keras = keras or import_keras()
    with native_stderr_silenced():  # TensorFlow logs again when it first builds a graph
        return build_model(keras, load_spec(source))


def build_model(keras: Any, spec: Spec, outputs: list[str] | None = None) -> Any:
    """The spec as a functional keras.Model, with its fixed batch size and dtypes.

    ``outputs`` names the output layers (default: the layers nothing reads).
    """
    names = layer_names(spec)
    wiring = layer_inputs(spec, names)
    tensors: dict[str, Any] = {}
    model_inputs = []
    dtypes = input_dtypes(spec, wiring)
    if spec.input_shape is not None:
        tensors[IMPLICIT_INPUT] = keras.Input(
            shape=tuple(spec.input_shape),
            batch_size=spec.batch_size,
            name=IMPLICIT_INPUT,
            dtype=dtypes.get(IMPLICIT_INPUT),
        )
        model_inputs.append(tensors[IMPLICIT_INPUT])
    for index in topological_order(names, wiring):
        layer, name = spec.layers[index], names[index]
        if isinstance(layer, InputLayer):
            tensors[name] = keras_input(keras, layer, name, dtypes.get(name))
            model_inputs.append(tensors[name])
            continue
        if layer.type in NOT_BUILDABLE:
            raise KerasRejects(
                f"layer {index} '{name}' ({layer.type}): cnncalc cannot build it "
                f"in Keras: {NOT_BUILDABLE[layer.type]}"
            )
        sources = [tensors[s] for s in wiring[index]]
        x: Any = sources[0] if len(sources) == 1 else sources
        try:
            tensors[name] = call_layer(keras, layer, name, x, spec.dtype)
        except KerasRejects as error:  # inside a nested model: already says where
            raise KerasRejects(f"layer {index} '{name}' ({layer.type}): {error}") from None
        except Exception as error:  # Keras's own refusal, reported with its reason
            raise KerasRejects(
                f"layer {index} '{name}' ({layer.type}): Keras refuses it: {first_line(error)}"
            ) from None
    consumed = {s for sources in wiring for s in sources}
    outputs = [tensors[n] for n in (outputs or [n for n in names if n not in consumed])]
    return keras.Model(model_inputs, outputs if len(outputs) > 1 else outputs[0], name=spec.name)


def keras_input(keras: Any, layer: InputLayer, name: str, read_as: str | None = None) -> Any:
    """A declared input with its batch size and, when given, its dtype (int32 for tokens;
    a tensor has a dtype, not a mixed policy); else ``read_as``, what its readers want
    (strings for a StringLookup)."""
    dtype = {"dtype": layer.dtype} if layer.dtype in TENSOR_DTYPES else {"dtype": read_as}
    return keras.Input(shape=layer.input_shape, batch_size=layer.batch, name=name, **dtype)


NOT_BUILDABLE = {
    "Lambda": "its code is not part of the spec",
    "LayerScale": "it is internal to keras.applications",
    "CustomScaleLayer": "it is internal to keras.applications",
}
SCALAR_OPS = {
    "Add": "add",
    "Subtract": "subtract",
    "Multiply": "multiply",
    "Maximum": "maximum",
    "Minimum": "minimum",
}


def call_layer(keras: Any, layer: Layer, name: str, x: Any, dtype: str | None = None) -> Any:
    """Apply the layer (and the bridge's helper layers in front of it) to ``x``."""
    shapes = [tuple(tensor.shape[1:]) for tensor in (x if isinstance(x, list) else [x])]
    for step in keras_steps(keras, layer, name, shapes, dtype):
        # attention layers take query, value (and key) as separate arguments
        x = step(*x) if layer.inputs_as_arguments and isinstance(x, list) else step(x)
    return x


def keras_steps(
    keras: Any, layer: Layer, name: str, shapes: list[Shape], dtype: str | None
) -> list[Any]:
    """The Keras layers (or op) that make up one spec layer, in order; ``shapes`` are its
    inputs' (batchless), ``dtype`` the spec's policy for layers without their own."""
    constant = getattr(layer, "constant", None)
    if constant is not None and layer.type in SCALAR_OPS:  # a Keras op such as x + 3.0
        op = getattr(keras.ops, SCALAR_OPS[layer.type])
        return [lambda tensor: op(tensor, constant)]
    if isinstance(layer, NestedModel):
        return [nested_model(keras, layer, name, shapes, dtype)]
    arguments = keras_arguments(layer)
    if dtype and "dtype" not in arguments:
        arguments["dtype"] = dtype
    pads = explicit_padding(layer)
    if pads is None or not isinstance(layer, Padded):
        return [keras_layer(keras, layer, name, arguments)]
    rank, data_format = layer.rank, arguments.get("data_format")
    arguments["padding"] = "valid"
    pairs = pads[0] if rank == 1 else tuple(pads)
    if isinstance(layer, ConvTranspose):
        if rank == 1 and data_format == "channels_first":  # Keras's Cropping1D has no data_format
            raise ValueError("explicit padding on a channels_first Conv1DTranspose")
        arguments.setdefault("output_padding", 0)
        crop = {"cropping": pairs} if rank == 1 else {"cropping": pairs, "data_format": data_format}
        return [
            getattr(keras.layers, layer.type)(name=f"{name}_full", **arguments),
            getattr(keras.layers, f"Cropping{rank}D")(name=name, **crop),
        ]
    pad = {"padding": pairs, "data_format": data_format}
    return [
        getattr(keras.layers, f"ZeroPadding{rank}D")(name=f"{name}_pad", **pad),
        getattr(keras.layers, layer.type)(name=name, **arguments),
    ]


def nested_model(
    keras: Any, layer: NestedModel, name: str, shapes: list[Shape], dtype: str | None
) -> Any:
    """A model used as a layer, built for the shapes it receives: a keras.Sequential or a
    functional keras.Model, as the spec's type says."""
    inner = parse_spec({"dtype": dtype, **layer.sub_spec(shapes), "name": name})
    if isinstance(layer, Functional):
        return build_model(keras, inner, layer.outputs)
    model = keras.Sequential(name=name)
    model.add(keras.Input(shape=tuple(inner.input_shape or ())))
    rows = analyze_spec(inner).layers
    for index, (inner_layer, row) in enumerate(zip(inner.layers, rows)):
        inner_name = row.name
        try:
            for step in keras_steps(keras, inner_layer, inner_name, list(row.input_shapes), dtype):
                model.add(step)
        except KerasRejects:
            raise
        except Exception as error:
            raise KerasRejects(
                f"inside it, layer {index} '{inner_name}' ({inner_layer.type}): "
                f"Keras refuses it: {first_line(error)}"
            ) from None
    return model


def summary_text(model: Any, line_length: int | None = 250) -> str:
    """What model.summary() prints, captured (by default wide, so that no name is cut;
    None: Keras's own default width)."""
    parts: list[str] = []
    columns = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str((line_length or 80) + 10)  # rich wraps at the terminal width
    try:
        model.summary(line_length=line_length, print_fn=lambda text, **_: parts.append(text))
    finally:
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns
    return "\n".join(parts)


def crosscheck(source: Spec | dict[str, Any] | str) -> Comparison:
    """Build the spec in Keras, parse its model.summary() text and compare with cnncalc.

    Rows are matched by name (the bridge gives every Keras layer cnncalc's name), so a graph
    spec written in any valid order agrees with Keras's own order."""
    spec = load_spec(source)
    analysis = analyze_spec(spec)
    model = to_keras(spec)
    summary = parse_summary(summary_text(model), "Keras's summary")
    fold_helper_rows(summary, helper_layers(spec, layer_names(spec)))
    return compare(analysis, summary)


def fold_helper_rows(summary: Summary, helpers: dict[str, str]) -> None:
    """Drop the bridge's padding helpers from the summary, their parameters to their owner."""
    carried: dict[str, SummaryRow] = {}
    rows = []
    for row in summary.rows:
        if row.name in helpers:
            carried[helpers[row.name]] = row  # a transposed conv's helper is the conv itself
        elif row.name in carried:
            helper = carried.pop(row.name)
            kind = helper.type if helper.params else row.type
            params = (row.params or 0) + (helper.params or 0)
            rows.append(replace(row, params=params, params_text=f"{params:,}", type=kind))
        else:
            rows.append(row)
    summary.rows = rows
