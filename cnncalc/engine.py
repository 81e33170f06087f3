"""The engine: names the layers, wires them into a graph, and carries shapes through it.

It knows nothing of files, printing, the CLI or Keras: a Spec goes in, an Analysis comes out.
"""

from __future__ import annotations

import functools
import re
from collections import deque

from .analysis import Analysis, LayerRow
from .costs import Reach, spec_dtype, trace
from .dtypes import DEFAULT_DTYPE
from .errors import LayerError, NetworkError, SpecError, did_you_mean
from .layers.base import IMPLICIT_INPUT, MAX_SIZE, Layer, Outcome, Shape
from .layers.core import InputLayer
from .layers.models import NestedModel
from .spec import Spec, parse_spec


@functools.cache
def keras_snake_case(class_name: str) -> str:
    """Keras's auto-name prefix: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def layer_names(spec: Spec) -> list[str]:
    """Given names, and Keras's auto-names (conv2d, conv2d_1, ...) for the rest."""
    taken: dict[str, int] = {}
    if spec.input_shape is not None:
        taken[IMPLICIT_INPUT] = -1
    for index, layer in enumerate(spec.layers):
        if layer.name is None:
            continue
        if layer.name in taken:
            other = taken[layer.name]
            owner = "the implicit input of input_shape" if other < 0 else f"layers[{other}]"
            raise SpecError(f"layers[{index}].name: '{layer.name}' is already the name of {owner}")
        taken[layer.name] = index
    counters: dict[str, int] = {}
    names = []
    for index, layer in enumerate(spec.layers):
        if layer.name is not None:
            names.append(layer.name)
            continue
        prefix = keras_snake_case(layer.type)
        while True:
            count = counters.get(prefix, 0)
            counters[prefix] = count + 1
            candidate = prefix if count == 0 else f"{prefix}_{count}"
            if candidate not in taken:
                break
        taken[candidate] = index
        names.append(candidate)
    return names


def layer_inputs(spec: Spec, names: list[str]) -> list[tuple[str, ...]]:
    """What each layer reads: its `inputs`, else the previous layer (or the spec's input)."""
    known = set(names) | ({IMPLICIT_INPUT} if spec.input_shape is not None else set())
    wiring = []
    for index, layer in enumerate(spec.layers):
        if layer.inputs is not None:
            for source in layer.inputs:
                if source not in known:
                    hint = did_you_mean(source, known)
                    raise SpecError(f"layers[{index}].inputs: no layer is named '{source}'{hint}")
            wiring.append(tuple(layer.inputs))
        elif isinstance(layer, InputLayer):
            wiring.append(())
        elif index > 0:
            wiring.append((names[index - 1],))
        elif spec.input_shape is not None:
            wiring.append((IMPLICIT_INPUT,))
        else:
            raise SpecError(
                f"layers[0] '{names[0]}' ({layer.type}) has no input: give the spec an "
                "input_shape, or start with an InputLayer"
            )
    return wiring


def topological_order(names: list[str], wiring: list[tuple[str, ...]]) -> list[int]:
    """Layer indices so that every layer comes after the layers it reads (Kahn's algorithm)."""
    position = {name: index for index, name in enumerate(names)}
    waiting = [0] * len(names)
    readers: list[list[int]] = [[] for _ in names]
    for index, sources in enumerate(wiring):
        for source in sources:
            if source in position:
                waiting[index] += 1
                readers[position[source]].append(index)
    ready = deque(i for i, n in enumerate(waiting) if n == 0)
    order = []
    while ready:
        index = ready.popleft()
        order.append(index)
        for reader in readers[index]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                ready.append(reader)
    if len(order) < len(names):
        raise SpecError(cycle_message(names, wiring, position, set(order)))
    return order


def cycle_message(
    names: list[str], wiring: list[tuple[str, ...]], position: dict[str, int], done: set[int]
) -> str:
    """Walk back from a layer the sort left waiting until a layer repeats: that is the cycle.

    Every waiting layer reads another waiting one, so the walk ends; each layer is visited
    once (its step is remembered), so a 100,000-layer cycle is found in linear time.
    """
    index = next(i for i in range(len(names)) if i not in done)
    step_of: dict[int, int] = {}
    path: list[int] = []
    while index not in step_of:
        step_of[index] = len(path)
        path.append(index)
        index = next(
            position[s] for s in wiring[index] if s in position and position[s] not in done
        )
    cycle = path[step_of[index] :]
    loop = " → ".join(f"'{names[i]}'" for i in reversed([*cycle, cycle[0]]))
    return f"layers[{cycle[0]}].inputs: the layers read each other in a cycle: {loop}"


def analyze_spec(spec: Spec) -> Analysis:
    """Every layer's output shape and parameter counts, exactly as Keras computes them."""
    names = layer_names(spec)
    wiring = layer_inputs(spec, names)
    shapes: dict[str, Shape] = {}
    reaches: dict[str, Reach] = {}
    batches: dict[str, int | None] = {}
    if spec.input_shape is not None:
        shapes[IMPLICIT_INPUT] = tuple(spec.input_shape)
        reaches[IMPLICIT_INPUT] = Reach.of_input(IMPLICIT_INPUT, shapes[IMPLICIT_INPUT])
        batches[IMPLICIT_INPUT] = spec.batch_size
    rows: list[LayerRow | None] = [None] * len(names)
    order = topological_order(names, wiring)
    for index in order:
        layer, name = spec.layers[index], names[index]
        inputs = [shapes[source] for source in wiring[index]]
        outcome = compute(index, name, layer, inputs, spec.dtype)
        shapes[name] = outcome.shape
        reach, field_working = trace(
            layer, name, [reaches[source] for source in wiring[index]], inputs, outcome.shape
        )
        reaches[name] = reach
        batches[name] = batch_of(layer, [batches[source] for source in wiring[index]])
        non_trainable = outcome.non_trainable if layer.trainable else outcome.params
        rows[index] = LayerRow(
            index=index,
            name=name,
            type=layer.type,
            inputs=wiring[index],
            input_shapes=tuple(inputs),
            output_shape=outcome.shape,
            params=outcome.params,
            non_trainable_params=non_trainable,
            working=outcome.working,
            macs=outcome.macs,
            ops=outcome.ops,
            receptive_field=reach.field,
            cost_working=(*outcome.cost_working, *field_working),
            batch_size=batches[name],
            dtype=layer.dtype or spec.dtype or DEFAULT_DTYPE,
            nested=outcome.inner,
        )
    return Analysis(
        name=spec.name,
        input_shape=None if spec.input_shape is None else tuple(spec.input_shape),
        layers=tuple(row for row in rows if row is not None),
        is_graph=not is_chain(wiring, spec.input_shape is not None),
        order=tuple(order),
        dtype=spec.dtype or spec_dtype(spec.layers),
        batch_size=spec.batch_size,
    )


def batch_of(layer: Layer, input_batches: list[int | None]) -> int | None:
    """The batch size a layer's output carries: an InputLayer's declared one, else its
    inputs' (Keras keeps a known batch size through every layer)."""
    if isinstance(layer, InputLayer):
        return layer.batch
    return next((batch for batch in input_batches if batch is not None), None)


def is_chain(wiring: list[tuple[str, ...]], implicit_input: bool) -> bool:
    """Keras's "sequential-like": one input, every layer reads one tensor, nothing is read
    twice. Anything else is a graph, which Keras's summary prints with an InputLayer row and
    a Connected to column."""
    starts = sum(1 for sources in wiring if not sources) + implicit_input
    read = [source for sources in wiring for source in sources]
    return (
        starts == 1 and all(len(sources) <= 1 for sources in wiring) and len(read) == len(set(read))
    )


def compute(
    index: int, name: str, layer: Layer, inputs: list[Shape], dtype: str | None = None
) -> Outcome:
    """Apply one layer's rule, naming the layer when it fails. ``dtype`` is the spec's policy,
    which also holds inside a nested model (as Keras's global policy does)."""
    try:
        if isinstance(layer, NestedModel):
            outcome = layer.compute_nested(
                inputs, lambda data: analyze_spec(parse_spec({"dtype": dtype, **data}))
            )
        else:
            outcome = layer.compute(inputs)
        check_sizes(outcome)
        return outcome
    except LayerError as error:
        raise NetworkError(f"layer {index} '{name}' ({layer.type}): {error}") from None


def check_sizes(outcome: Outcome) -> None:
    """Sizes and counts stay within Keras's int64, so every number stays printable."""
    for what, value in (
        ("an output size", max(outcome.shape, key=lambda s: s or 0, default=0)),
        ("the parameter count", outcome.params),
    ):
        if value is not None and value > MAX_SIZE:
            raise LayerError(
                f"{what} of {value.bit_length()} bits exceeds Keras's int64 "
                f"(at most 2^63 − 1 = {MAX_SIZE:,})"
            )
