"""Layers that hold other layers, nested as Keras's config nests them.

    {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 64}}

The held layer's own rule gives its shape and weights; the wrapper says what it does with them.
"""

from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, SerializeAsAny, ValidationError

from ..errors import LayerError, did_you_mean
from ..formulas import count, num
from .base import KERAS_ALIASES, Layer, OneInput, Outcome, Shape, nested_costs, shape_text, total
from .registry import REGISTRY


def as_layer(value: Any) -> Any:
    """A nested layer's dict validated by the rule its `type` names (aliases too)."""
    if not isinstance(value, dict):
        return value
    kind = value.get("type")
    kind = KERAS_ALIASES.get(kind, kind) if isinstance(kind, str) else kind
    if not isinstance(kind, str) or kind not in REGISTRY:
        hint = did_you_mean(str(kind), REGISTRY)
        raise ValueError(f"the nested layer's type '{kind}' is not a known layer type{hint}")
    try:
        return REGISTRY[kind].model_validate({**value, "type": kind})
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise ValueError(f"the nested {kind}: {where}: {problem['msg']}") from None


NestedLayer = Annotated[SerializeAsAny[Layer], BeforeValidator(as_layer)]
"""A layer inside another, written as a spec layer: {"type": "LSTM", "units": 64}."""


def run_inner(layer: Layer, inputs: list[Shape], role: str) -> Outcome:
    """The held layer's outcome; its failure names it as part of the wrapper. A held layer
    given trainable: false keeps all its weights out of training, as in Keras."""
    try:
        outcome = layer.compute(inputs)
    except LayerError as error:
        raise LayerError(f"its {role} ({layer.type}): {error}") from None
    return outcome if layer.trainable else replace(outcome, non_trainable=outcome.params)


def inner_lines(role: str, layer: Layer, outcome: Outcome) -> list[str]:
    """The held layer's working, indented under a line naming it."""
    head = f"{role} {layer.type} → {shape_text(outcome.shape)}, params {num(outcome.params)}"
    return [head, *(f"  {line}" for line in outcome.working)]


def inner_costs(role: str, outcome: Outcome) -> list[str]:
    """The held layer's cost working, indented under its role."""
    return [f"{role}:", *(f"  {line}" for line in outcome.cost_working)]


def summed(outcome: Outcome, parts: list[tuple[str, Outcome]], note: str) -> Outcome:
    """The wrapper's costs: the sum of its held layers' (each direction, each stage)."""
    macs = total("macs", [(role, part.macs) for role, part in parts], note)
    ops = total("ops", [(role, part.ops) for role, part in parts], note)
    lines = [line for role, part in parts for line in inner_costs(role, part)]
    return nested_costs(outcome, macs, ops, lines)


def held_positions(layer: Layer, shape: Shape) -> str:
    """A wrapper's positions from its held layer's: 'own' and 'mixed' carry over; a window is
    inside the held layer, which the tracer does not enter ('untraced'), and so are ids
    (TimeDistributed reads an Embedding's ids itself)."""
    positions = layer.reads_positions([shape])
    return positions if positions in ("own", "mixed") else "untraced"


class Bidirectional(OneInput):
    """A recurrent layer run forwards and a copy (or `backward_layer`) run backwards."""

    summary = (
        "both directions merged (concat: 2·the forward size, as Keras computes it); "
        "params = both layers'"
    )

    type: Literal["Bidirectional"] = "Bidirectional"
    positions = "mixed"  # the backward direction reads every later step too
    wrapped_fields = ("layer", "backward_layer")
    layer: NestedLayer
    merge_mode: Literal["concat", "sum", "mul", "ave"] | None = "concat"
    backward_layer: NestedLayer | None = None

    def apply(self, shape: Shape) -> Outcome:
        for role in self.wrapped_fields:
            held = getattr(self, role)
            if held is not None and "return_sequences" not in type(held).model_fields:
                raise LayerError(
                    f"its {role} must be a recurrent layer (LSTM, GRU, SimpleRNN, RNN, "
                    f"ConvLSTM2D, …), not {held.type}"
                )
        if self.merge_mode is None:
            raise LayerError(
                "merge_mode None returns the two directions as two outputs; cnncalc follows "
                "one output per layer: merge them (concat, sum, mul or ave)"
            )
        forward = run_inner(self.layer, [shape], "layer")
        backward_layer = self.backward_layer or self.layer
        backward = (
            forward
            if self.backward_layer is None
            else run_inner(self.backward_layer, [shape], "backward_layer")
        )
        f, b = forward.shape, backward.shape
        if f[:-1] != b[:-1] or (self.merge_mode != "concat" and f != b):
            raise LayerError(
                f"the directions' outputs {shape_text(f)} and {shape_text(b)} cannot be "
                f"merged with merge_mode '{self.merge_mode}'"
            )
        if self.merge_mode == "concat":
            # Keras's summary doubles the forward layer's size, whatever the backward one's
            size = None if f[-1] is None else 2 * f[-1]
            out, merge = (*f[:-1], size), f"concat: last axis 2·{num(f[-1])} (Keras: 2·forward)"
        else:
            out, merge = f, f"{self.merge_mode}: element-wise, the shape stays"
        params = forward.params + backward.params
        working = (
            *inner_lines("forward", self.layer, forward),
            *inner_lines("backward", backward_layer, backward),
            f"output: {merge} → {shape_text(out)}",
            f"params = {num(forward.params)} + {num(backward.params)} = {num(params)}",
        )
        outcome = Outcome(out, params, forward.non_trainable + backward.non_trainable, working)
        return summed(outcome, [("forward", forward), ("backward", backward)], "both directions")


class TimeDistributed(OneInput):
    """The held layer applied to every step of axis 1, with the same weights."""

    summary = "the layer on each time step: (T, …) → (T, layer's output); params = the layer's"

    type: Literal["TimeDistributed"] = "TimeDistributed"
    wrapped_fields = ("layer",)
    layer: NestedLayer

    def reads_positions(self, inputs: list[Shape]) -> str:
        """Step t reads only step t: with a vector per step that is all ('own'); otherwise
        the held layer's positions within a step decide."""
        step = inputs[0][1:]
        if self.layer.positions == "ids":  # an Embedding on every step is one Embedding
            return "ids"
        return "own" if len(step) <= 1 else held_positions(self.layer, step)

    def apply(self, shape: Shape) -> Outcome:
        if len(shape) < 2:
            raise LayerError(
                f"TimeDistributed needs (batch, time, …) with at least one axis per step, "
                f"got {shape_text(shape)}"
            )
        inner = run_inner(self.layer, [shape[1:]], "layer")
        out = (shape[0], *inner.shape)
        working = (
            f"each of the {num(shape[0])} steps: {shape_text(shape[1:])} → "
            f"{shape_text(inner.shape)}",
            *inner_lines("layer", self.layer, inner),
            f"params = the layer's, shared by every step = {num(inner.params)}",
        )
        outcome = Outcome(out, inner.params, inner.non_trainable, working)
        note = "the layer's, at every step"
        macs = count("macs", [[(shape[0],), (inner.macs,)]], note)
        ops = count("ops", [[(shape[0],), (inner.ops,)]], note)
        return nested_costs(outcome, macs, ops, inner_costs("each step", inner))


class Pipeline(OneInput):
    """Layers applied in order as one layer (one row in the summary)."""

    summary = "the layers in order; params = the sum of theirs"

    type: Literal["Pipeline"] = "Pipeline"
    positions = "untraced"  # its layers are not traced one by one
    wrapped_fields = ("layers",)
    layers: list[NestedLayer]

    def apply(self, shape: Shape) -> Outcome:
        working: list[str] = []
        params = non_trainable = 0
        stages = []
        for index, layer in enumerate(self.layers):
            outcome = run_inner(layer, [shape], f"layers[{index}]")
            stages.append((f"layers[{index}]", outcome))
            working += inner_lines(f"layers[{index}]", layer, outcome)
            shape = outcome.shape
            params += outcome.params
            non_trainable += outcome.non_trainable
        working.append(f"params = the sum over its {len(self.layers)} layers = {num(params)}")
        outcome = Outcome(shape, params, non_trainable, tuple(working))
        return summed(outcome, stages, "its layers in order")


class SpectralNormalization(OneInput):
    """Keeps the held layer's kernel at spectral norm 1 with a power-iteration vector u, one
    value per kernel column, stored as a non-trainable weight."""

    summary = "the layer's output; params = the layer's + its kernel's last axis (u, non-trainable)"

    type: Literal["SpectralNormalization"] = "SpectralNormalization"
    wrapped_fields = ("layer",)
    passed_arguments = frozenset({"power_iterations"})
    layer: NestedLayer

    def reads_positions(self, inputs: list[Shape]) -> str:
        return held_positions(self.layer, inputs[0])

    def apply(self, shape: Shape) -> Outcome:
        inner = run_inner(self.layer, [shape], "layer")
        columns = kernel_columns(self.layer, shape)
        params = inner.params + columns
        working = (
            *inner_lines("layer", self.layer, inner),
            f"u = the kernel's last axis = {num(columns)} (non-trainable)",
            f"params = {num(inner.params)} + {num(columns)} = {num(params)}",
        )
        outcome = Outcome(inner.shape, params, inner.non_trainable + columns, working)
        # at inference the normalized kernel is a kernel like any other
        return summed(outcome, [("layer", inner)], "the layer's; the power iteration trains")


def kernel_columns(layer: Layer, shape: Shape) -> int:
    """The size of the last axis of a layer's kernel (Keras's SpectralNormalization reads it)."""
    from .conv import Conv, ConvTranspose, DepthwiseConv
    from .core import Dense

    if isinstance(layer, Dense):
        return layer.units
    if isinstance(layer, Conv):
        return layer.filters
    if isinstance(layer, DepthwiseConv):
        return layer.depth_multiplier
    if isinstance(layer, ConvTranspose):  # its kernel is (k, k, filters, input depth)
        _, depth = layer.split_known(shape)
        return depth
    raise LayerError(f"SpectralNormalization needs a layer with a kernel, not {layer.type}")
