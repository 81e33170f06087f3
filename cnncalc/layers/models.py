"""A model used as a layer (one row, as in Keras's summary), and Lambda layers.

A nested model is analyzed with the shapes it receives; its own declared input shapes are
replaced by those. A Lambda's code is never run: only its declared output_shape is used.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal

from pydantic import Field

from ..errors import CnncalcError, LayerError
from .base import DeclaredShape, Layer, Outcome, Shape, shape_text


class NestedModel(Layer):
    """The sub-model's layers, as a spec's; its params are the sum of theirs."""

    summary = "the nested model's output; params = the sum of its layers'"
    positions = "untraced"

    layers: list[dict[str, Any]] = Field(min_length=1)

    def sub_spec(self, inputs: list[Shape]) -> dict[str, Any]:
        raise NotImplementedError

    def compute(self, inputs: list[Shape]) -> Outcome:
        raise NotImplementedError("the engine analyses nested models with compute_nested")

    def compute_nested(
        self, inputs: list[Shape], analyze: Callable[[dict[str, Any]], Any]
    ) -> Outcome:
        """``analyze`` is the engine's own (spec data → Analysis): passed in, not imported
        back, so the layers never depend on the engine."""
        try:
            analysis = analyze(self.sub_spec(inputs))
        except CnncalcError as error:
            raise LayerError(f"inside the nested model: {error}") from None
        output = self.output_row(analysis)
        working = (
            *(
                f"{row.name} ({row.type}) → {shape_text(row.output_shape)}, params {row.params:,}"
                for row in analysis.layers
            ),
            f"params = the sum over its {len(analysis)} layers = {analysis.total_params:,}",
        )
        outcome = Outcome(
            output.output_shape,
            analysis.total_params,
            analysis.non_trainable_params,
            working,
            inner=analysis.layers,
        )
        return replace(
            outcome,
            macs=analysis.total_macs,
            ops=analysis.total_ops,
            cost_working=(
                f"macs = the sum over its layers = {analysis.total_macs}",
                f"ops = the sum over its layers = {analysis.total_ops}",
            ),
        )

    def output_row(self, analysis: Any) -> Any:
        return analysis.layers[-1]


class Sequential(NestedModel):
    type: Literal["Sequential"] = "Sequential"

    def sub_spec(self, inputs: list[Shape]) -> dict[str, Any]:
        if len(inputs) != 1:
            raise LayerError(f"a nested Sequential takes one input, got {len(inputs)}")
        layers = [layer for layer in self.layers if layer.get("type") != "InputLayer"]
        return {"input_shape": list(inputs[0]), "layers": layers}


class Functional(NestedModel):
    """Its InputLayer entries receive the incoming shapes, in order."""

    type: Literal["Functional"] = "Functional"
    outputs: list[str] | None = None

    def sub_spec(self, inputs: list[Shape]) -> dict[str, Any]:
        declared = [layer for layer in self.layers if layer.get("type") == "InputLayer"]
        if len(declared) != len(inputs):
            raise LayerError(f"the nested model has {len(declared)} inputs, got {len(inputs)}")
        received = iter(inputs)
        layers = [
            {"type": "InputLayer", "name": layer.get("name"), "shape": list(next(received))}
            if layer.get("type") == "InputLayer"
            else layer
            for layer in self.layers
        ]
        return {"layers": layers}

    def output_row(self, analysis: Any) -> Any:
        return analysis[self.outputs[0]] if self.outputs else analysis.layers[-1]


class Lambda(Layer):
    """Arbitrary code: cnncalc never runs it, so its output_shape must be declared."""

    summary = "the declared output_shape (the code is never run); no params"
    positions = "untraced"

    type: Literal["Lambda"] = "Lambda"
    output_shape: DeclaredShape | None = None

    def compute(self, inputs: list[Shape]) -> Outcome:
        if self.output_shape is None:
            raise LayerError(
                "a Lambda layer's output comes from its code, which cnncalc never runs; "
                "declare its output_shape (without the batch dimension)"
            )
        shape = tuple(self.output_shape)
        return Outcome(shape, working=(f"declared output_shape {shape_text(shape)}",))
