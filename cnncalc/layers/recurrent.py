"""Recurrent layers: a cell applied at every time step, its weights shared by all steps.

Each gate has an input kernel (input_dim·units), a recurrent kernel (units·units) and a bias:

    SimpleRNN: params = (input_dim + units)·units + units
    LSTM:      params = 4·((input_dim + units)·units + units)
    GRU:       params = 3·((input_dim + units)·units + 2·units)   (reset_after, Keras's default)

Each step multiplies the step's input by every gate's input kernel and the previous state by
every gate's recurrent kernel: macs = steps · gates·(input_dim·units + units·units).
"""

import math
from typing import ClassVar, Literal

from ..errors import LayerError
from ..formulas import count, num, product_text
from .base import Layer, OneInput, Outcome, PositiveInt, Shape, shape_text
from .conv import Windowed
from .wrappers import NestedLayer


class Step(Layer):
    """One time step of a recurrent layer: used as an RNN's `cell`, never on its own."""

    positions = "mixed"  # its state carries every earlier step

    def compute(self, inputs: list[Shape]) -> Outcome:
        raise LayerError(
            f"a {self.type} is one step of a recurrent layer: make it the `cell` of an RNN "
            f'layer, e.g. {{"type": "RNN", "cell": {{"type": "{self.type}", …}}}}'
        )

    def step(self, input_dim: int) -> tuple[int, int, list[str]]:
        """(params, output size, working) for inputs of input_dim features per step."""
        raise NotImplementedError

    def step_macs(self, input_dim: int) -> list[list[tuple[int, ...]]]:
        """One step's multiply-accumulates as factor groups: (gates,) · (rows, columns)."""
        raise NotImplementedError

    def frozen(self, input_dim: int) -> int:
        """The weights kept out of training: all of them when the cell is trainable: false,
        as Keras does for a frozen cell inside an RNN."""
        return 0 if self.trainable else self.step(input_dim)[0]


class Cell(Step):
    gates: ClassVar[int]
    gate_names: ClassVar[str]

    units: PositiveInt
    use_bias: bool = True

    def biases_per_gate(self) -> int:
        return 1 if self.use_bias else 0

    def step(self, input_dim: int) -> tuple[int, int, list[str]]:
        u, gates, biases = self.units, self.gates, self.biases_per_gate()
        params = gates * ((input_dim + u) * u + biases * u)
        bias = {0: "", 1: f" + {u}", 2: f" + 2·{u}"}[biases]
        inner = f"({input_dim} + {u})·{u}{bias}"
        text = inner if gates == 1 else f"{gates}·({inner})" if biases else f"{gates}·{inner}"
        lines = [
            f"{gates} {self.gate_names}, each (input_dim + units)·units"
            + {0: "", 1: " + its bias", 2: " + its input and recurrent biases"}[biases],
            f"params = {text} = {num(params)}",
        ]
        return params, u, lines

    def step_macs(self, input_dim: int) -> list[list[tuple[int, ...]]]:
        """Input and recurrent kernels of every gate; GRU's reset_after moves where the reset
        applies, not how many products there are."""
        gates = [(self.gates,)] if self.gates > 1 else []
        return [[*gates, (input_dim, self.units)], [*gates, (self.units, self.units)]]


class SimpleRNNCell(Cell):
    summary = "a step of SimpleRNN (inside RNN): params (input_dim + units)·units + units"

    type: Literal["SimpleRNNCell"] = "SimpleRNNCell"
    gates = 1
    gate_names = "kernel"


class LSTMCell(Cell):
    summary = "a step of LSTM (inside RNN): params 4·((input_dim + units)·units + units)"

    type: Literal["LSTMCell"] = "LSTMCell"
    gates = 4
    gate_names = "gates (input, forget, cell, output)"


class GRUCell(Cell):
    """With reset_after (Keras's default) each gate has two biases, input and recurrent."""

    summary = "a step of GRU (inside RNN): params 3·((input_dim + units)·units + 2·units)"

    type: Literal["GRUCell"] = "GRUCell"
    gates = 3
    gate_names = "gates (update, reset, candidate)"
    reset_after: bool = True

    def biases_per_gate(self) -> int:
        return (2 if self.reset_after else 1) if self.use_bias else 0


class StackedRNNCells(Step):
    """Cells applied one after another within each step; each reads the previous one's units."""

    summary = "cells stacked within a step (inside RNN); params = the sum of theirs"

    type: Literal["StackedRNNCells"] = "StackedRNNCells"
    wrapped_fields = ("cells",)
    cells: list[NestedLayer]

    def step(self, input_dim: int) -> tuple[int, int, list[str]]:
        total, size, lines = 0, input_dim, []
        for index, cell in enumerate(self.cells):
            params, out, working = as_step(cell, f"cells[{index}]").step(size)
            lines += [f"cells[{index}] {cell.type}: input_dim {size}", *working]
            total, size = total + params, out
        lines.append(f"params = the sum over the {len(self.cells)} cells = {num(total)}")
        return total, size, lines

    def frozen(self, input_dim: int) -> int:
        """The frozen cells' weights (or all of them when the stack itself is frozen)."""
        if not self.trainable:
            return self.step(input_dim)[0]
        total, size = 0, input_dim
        for index, cell in enumerate(self.cells):
            step = as_step(cell, f"cells[{index}]")
            total, size = total + step.frozen(size), step.step(size)[1]
        return total

    def step_macs(self, input_dim: int) -> list[list[tuple[int, ...]]]:
        terms, size = [], input_dim
        for index, cell in enumerate(self.cells):
            step = as_step(cell, f"cells[{index}]")
            terms += step.step_macs(size)
            size = step.step(size)[1]
        return terms


def as_step(layer: Layer, role: str) -> Step:
    if not isinstance(layer, Step):
        raise LayerError(f"its {role} must be a cell (LSTMCell, GRUCell, …), not {layer.type}")
    return layer


class Sequence(OneInput):
    """Reads (time, features); outputs the last step's (units,) or every step's (time, units)."""

    positions = "mixed"
    """Step t reads steps 0…t through the state; the last step reads the whole sequence."""
    return_sequences: bool = False
    return_state: bool = False

    def run(self, shape: Shape, step: Step) -> Outcome:
        self.expect_rank(shape, 2, "(batch, time, features)")
        steps, features = shape
        if features is None:
            raise LayerError(f"the features axis of {shape_text(shape)} must be known")
        if self.return_state:
            raise LayerError(
                "return_state=True returns the states as more outputs; cnncalc follows one "
                "output per layer"
            )
        params, size, lines = step.step(features)
        out = (steps, size) if self.return_sequences else (size,)
        which = "every step (return_sequences)" if self.return_sequences else "the last step"
        macs = count(
            "macs",
            [[(steps,), *term] for term in step.step_macs(features)],
            "steps · the input and recurrent kernels of every gate",
        )
        working = (f"output: {which} → {shape_text(out)}", *lines)
        outcome = Outcome(out, params, step.frozen(features), working)
        return outcome.costing(macs)


class RNN(Sequence):
    summary = "the cell over every step: (T, F) → (units,) or (T, units); params = the cell's"

    type: Literal["RNN"] = "RNN"
    wrapped_fields = ("cell",)
    cell: NestedLayer | list[NestedLayer]

    def apply(self, shape: Shape) -> Outcome:
        cell = self.cell if not isinstance(self.cell, list) else StackedRNNCells(cells=self.cell)
        return self.run(shape, as_step(cell, "cell"))


class Recurrent(Sequence):
    """A recurrent layer that builds its own cell from its arguments."""

    cell_kind: ClassVar[type[Cell]]
    units: PositiveInt
    use_bias: bool = True

    def apply(self, shape: Shape) -> Outcome:
        # the layer's own arguments (units, use_bias, trainable, …) make its cell; the cell's
        # name and inputs are never read
        arguments = {f: getattr(self, f) for f in self.cell_kind.model_fields if f != "type"}
        return self.run(shape, self.cell_kind(**arguments))


class SimpleRNN(Recurrent):
    summary = "(T, F) → (units,) or (T, units); params (F + units)·units + units"

    type: Literal["SimpleRNN"] = "SimpleRNN"
    cell_kind = SimpleRNNCell


class LSTM(Recurrent):
    summary = "(T, F) → (units,) or (T, units); params 4·((F + units)·units + units)"

    type: Literal["LSTM"] = "LSTM"
    cell_kind = LSTMCell


class GRU(Recurrent):
    summary = "(T, F) → (units,) or (T, units); params 3·((F + units)·units + 2·units)"

    type: Literal["GRU"] = "GRU"
    cell_kind = GRUCell
    reset_after: bool = True


class ConvLSTM(Windowed):
    """An LSTM whose four gates are convolutions: over the input (kernel, strides, padding) and
    over the state ('same', stride 1), so output sizes follow the convolution formula."""

    summary = (
        "(T, spatial…, C) → per axis as a convolution, depth filters; "
        "params 4·(k·k·C·f + k·k·f·f + f)"
    )

    positions = "mixed"
    """Over time every earlier step; in space the state's 'same' convolution widens the field
    by k − 1 at every step, so no single (r, S, P) describes it."""
    padding: Literal["valid", "same"] = "valid"
    filters: PositiveInt
    use_bias: bool = True
    return_sequences: bool = False
    return_state: bool = False

    def apply(self, shape: Shape) -> Outcome:
        names = ", ".join(self.axis_names)
        layout = (
            f"(batch, time, channels, {names})"
            if self.channels_first
            else f"(batch, time, {names}, channels)"
        )
        self.expect_rank(shape, self.rank + 2, layout)
        if self.return_state:
            raise LayerError("return_state=True returns more outputs; cnncalc follows one")
        steps = shape[0]
        spatial, depth = self.split_known(shape[1:])
        f, k = self.filters, product_text(self.kernel)
        area = math.prod(self.kernel)
        bias = f if self.use_bias else 0
        params = 4 * (area * depth * f + area * f * f + bias)
        plus = f" + {f}" if self.use_bias else ""
        line = f"params = 4·({k}·{depth}·{f} + {k}·{f}·{f}{plus}) = {num(params)}"
        slid = self.slide(spatial)
        working = (*(step.line for step in slid), f"output_depth = filters = {f}", line)
        spatial_out = tuple(step.value for step in slid)
        out = self.join(spatial_out, f)
        if self.return_sequences:
            out = (steps, *out)
            working = (*working, f"every step (return_sequences): {shape_text(out)}")
        macs = count(
            "macs",
            [
                [(steps,), (*spatial_out, 4, f), (*self.kernel, depth)],
                [(steps,), (*spatial_out, 4, f), (*self.kernel, f)],
            ],
            "steps · 4 gates' input and recurrent convolutions at every output position",
        )
        return Outcome(out, params, 0, working).costing(macs)


class ConvLSTM1D(ConvLSTM):
    type: Literal["ConvLSTM1D"] = "ConvLSTM1D"
    rank = 1


class ConvLSTM2D(ConvLSTM):
    type: Literal["ConvLSTM2D"] = "ConvLSTM2D"
    rank = 2


class ConvLSTM3D(ConvLSTM):
    type: Literal["ConvLSTM3D"] = "ConvLSTM3D"
    rank = 3
