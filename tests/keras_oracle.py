"""A Keras oracle that owes nothing to cnncalc: Keras chooses the names, the test the wiring.

`cnncalc.keras.bridge.to_keras` builds Keras models from cnncalc's own auto-names, padding
resolution and wiring, so comparing cnncalc with a model built that way cannot catch a
wrong auto-name, a misread padding pair or a miswired graph. Here the spec dict is handed
to keras.layers as written: no name unless the spec gives one (Keras counts its own
conv2d, conv2d_1, …), `inputs` looked up among the names Keras gave, and no translation of
the lecture's explicit padding (tests that need it write the ZeroPadding layer literally).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cnncalc

IMPLICIT_INPUT = "input"  # what cnncalc calls the input that `input_shape` declares


@dataclass(frozen=True)
class KerasLayer:
    """One layer as built by Keras, with the names of the layers it reads."""

    name: str
    type: str
    inputs: tuple[str, ...]
    output_shape: tuple[Any, ...]
    params: int
    trainable_params: int


def build(keras: Any, spec: dict[str, Any]) -> list[KerasLayer]:
    """The spec's layers built by Keras in spec order (a fresh session: Keras's counters at 0)."""
    keras.backend.clear_session()
    tensors: dict[str, Any] = {}
    previous = None
    if "input_shape" in spec:
        previous = keras.Input(shape=tuple(spec["input_shape"]))
        tensors[IMPLICIT_INPUT] = previous
    built: list[tuple[Any, tuple[str, ...]]] = []
    for entry in spec["layers"]:
        arguments = {k: v for k, v in entry.items() if k not in ("type", "inputs")}
        if entry["type"] == "InputLayer":
            shape = tuple(arguments.pop("shape"))
            previous = keras.Input(shape=shape, **arguments)
            input_layer = previous._keras_history.operation
            tensors[input_layer.name] = previous
            built.append((input_layer, ()))
            continue
        layer = getattr(keras.layers, entry["type"])(**arguments)
        names = tuple(entry.get("inputs", ()))
        sources = [tensors[n] for n in names] if names else [previous]
        previous = layer(sources[0] if len(sources) == 1 else sources)
        tensors[layer.name] = previous
        built.append((layer, tuple(source_name(t, tensors) for t in sources)))
    return [described(layer, inputs) for layer, inputs in built]


def source_name(tensor: Any, tensors: dict[str, Any]) -> str:
    """The name of the layer that produced `tensor`, as Keras records it."""
    name = tensor._keras_history.operation.name
    return IMPLICIT_INPUT if tensors.get(IMPLICIT_INPUT) is tensor else name


def described(layer: Any, inputs: tuple[str, ...]) -> KerasLayer:
    trainable = sum(math.prod(w.shape) for w in layer.trainable_weights)
    return KerasLayer(
        name=layer.name,
        type=type(layer).__name__,
        inputs=inputs,
        output_shape=tuple(layer.output.shape),
        params=layer.count_params() if layer.weights else 0,
        trainable_params=trainable,
    )


def as_keras_layers(analysis: cnncalc.Analysis) -> list[KerasLayer]:
    """cnncalc's rows in the same form, to compare the two lists whole."""
    return [
        KerasLayer(
            name=row.name,
            type=row.type,
            inputs=row.inputs,
            output_shape=row.keras_output_shape,
            params=row.params,
            trainable_params=row.trainable_params,
        )
        for row in analysis.layers
    ]


def assert_same_network(keras: Any, spec: dict[str, Any]) -> cnncalc.Analysis:
    """Layer order, names, types, wiring, shapes and parameter counts all agree with Keras."""
    analysis = cnncalc.analyze(spec)
    ours, theirs = as_keras_layers(analysis), build(keras, spec)
    names = [layer.name for layer in ours], [layer.name for layer in theirs]
    assert names[0] == names[1], f"cnncalc's layers {names[0]} != Keras's {names[1]}"
    for mine, keras_layer in zip(ours, theirs):
        assert mine == keras_layer, f"cnncalc {mine} != Keras {keras_layer}"
    return analysis
