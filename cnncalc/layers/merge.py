"""Layers that join several tensors: element-wise merges (with broadcasting) and Concatenate."""

from typing import ClassVar, Literal

from pydantic import Field

from ..errors import LayerError
from ..formulas import count, num
from .base import Axes, Axis, Layer, Outcome, Shape, elementwise, keras_axis, last_axis, shape_text


def shapes_text(inputs: list[Shape]) -> str:
    return " and ".join(shape_text(s) for s in inputs)


class Merge(Layer):
    """Element-wise: shapes must agree axis by axis, where a 1 broadcasts (as Keras 3 does)."""

    summary = "element-wise: sizes equal or 1 (broadcast); no params"
    positions = "merge"

    max_inputs: ClassVar[int | None] = None
    operation: ClassVar[str] = "additions"
    divides: ClassVar[bool] = False
    """Average divides once per element after its additions."""
    constant: float | None = Field(
        default=None, description="A scalar operand, as in Keras ops like x + 3.0."
    )

    def compute(self, inputs: list[Shape]) -> Outcome:
        expected = "exactly 2" if self.max_inputs == 2 else "at least 2"
        operands = len(inputs) + (self.constant is not None)
        if operands < 2 or (self.max_inputs and operands > self.max_inputs):
            raise LayerError(
                f"{self.type} needs {expected} inputs, got {len(inputs)}; list them in `inputs`"
            )
        out = inputs[0]
        for shape in inputs[1:]:
            out = broadcast(out, shape, inputs)
        given = shapes_text(inputs) + ("" if self.constant is None else f" and {self.constant:g}")
        per_element = operands - 1 + self.divides
        extra = operands - 1
        operation = self.operation if extra > 1 else self.operation.removesuffix("s")
        note = f"{extra} {operation} per element" + (" and 1 division" * self.divides)
        outcome = Outcome(out, working=(f"{given} → {shape_text(out)}; params = 0",))
        return outcome.costing(ops=elementwise(out, per_element, note))


def broadcast(a: Shape, b: Shape, inputs: list[Shape]) -> Shape:
    """Keras 3's element-wise shape rule: align from the right; 1 stretches; else equal."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    out = list(a[: len(a) - len(b)])
    for x, y in zip(a[len(a) - len(b) :], b):
        if x is None or y is None:
            out.append(None)
        elif x == 1 or y == 1 or x == y:
            out.append(y if x == 1 else x)
        else:
            raise LayerError(f"the input shapes {shapes_text(inputs)} do not match ({x} ≠ {y})")
    return tuple(out)


class Add(Merge):
    type: Literal["Add"] = "Add"


class Subtract(Merge):
    type: Literal["Subtract"] = "Subtract"
    max_inputs = 2
    operation = "subtractions"


class Multiply(Merge):
    type: Literal["Multiply"] = "Multiply"
    operation = "multiplications"


class Average(Merge):
    type: Literal["Average"] = "Average"
    divides = True


class Maximum(Merge):
    type: Literal["Maximum"] = "Maximum"
    operation = "comparisons"


class Minimum(Merge):
    type: Literal["Minimum"] = "Minimum"
    operation = "comparisons"


class Concatenate(Layer):
    """Joins along `axis`; every other axis must agree."""

    summary = "sizes along axis add up, other axes equal; no params"

    type: Literal["Concatenate"] = "Concatenate"
    axis: Axis = -1

    def reads_positions(self, inputs: list[Shape]) -> str:
        """Joined along the channels, positions stay; along a spatial axis they shift."""
        return "merge" if last_axis(self.axis, inputs[0]) else "mixed"

    def compute(self, inputs: list[Shape]) -> Outcome:
        if len(inputs) < 2:
            raise LayerError(
                f"Concatenate needs at least 2 inputs, got {len(inputs)}; list them in `inputs`"
            )
        ranks = {len(s) for s in inputs}
        if len(ranks) > 1:
            raise LayerError(f"the inputs {shapes_text(inputs)} differ in rank")
        axis = keras_axis(self.axis, len(inputs[0]))
        out = list(inputs[0])
        for shape in inputs[1:]:
            for i, (x, y) in enumerate(zip(out, shape)):
                if i != axis and x is not None and y is not None and x != y:
                    raise LayerError(
                        f"the inputs {shapes_text(inputs)} differ off the concatenation axis "
                        f"{self.axis} ({x} ≠ {y})"
                    )
        along = [s[axis] for s in inputs]
        total = None if None in along else sum(s for s in along if s is not None)
        out[axis] = total
        sizes = " + ".join(num(s) for s in along)
        line = f"axis {self.axis}: {sizes} = {num(total)}; params = 0"
        return Outcome(tuple(out), working=(line,))


class Dot(Layer):
    """The dot product of two tensors along one axis each: those axes vanish, the rest join."""

    summary = "both shapes without the summed axes, joined (at least (1,)); no params"

    type: Literal["Dot"] = "Dot"
    positions = "mixed"
    axes: Axes
    normalize: bool = False

    def compute(self, inputs: list[Shape]) -> Outcome:
        if len(inputs) != 2:
            raise LayerError(
                f"Dot needs exactly 2 inputs, got {len(inputs)}; list them in `inputs`"
            )
        a, b = inputs
        pair = self.axes if isinstance(self.axes, list) else [self.axes, self.axes]
        i, j = keras_axis(pair[0], len(a), "axes"), keras_axis(pair[1], len(b), "axes")
        if a[i] != b[j]:  # an unknown size against a known one too, as Keras's Dot.build
            raise LayerError(f"the summed axes differ: {a[i]} ≠ {b[j]} ({shapes_text(inputs)})")
        out = (*a[:i], *a[i + 1 :], *b[:j], *b[j + 1 :]) or (1,)
        line = f"sum over {num(a[i])} values: {shapes_text(inputs)} → {shape_text(out)}; params = 0"
        # a product of two tensors, counted like attention's QKᵀ (normalize's norms are not)
        macs = count("macs", [[out, (a[i],)]], "outputs · summed")
        return Outcome(out, working=(line,)).costing(macs)
