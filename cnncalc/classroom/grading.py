"""Grading answer sheets so that the grade teaches.

One item per layer and field (output_shape and params; macs and receptive_field when the
worksheet asks) and one per total (total_params; total_macs). An item is
``correct``; ``carried_forward`` when it is wrong but exactly what follows from the student's
own earlier answers (credited: one slip is not marked down twice); ``wrong``, with the
mistake recognised where it is a common one; or ``missing``. Each wrong item gets a hint:
the formula with the student's numbers beside the right ones, the result hidden unless
``reveal``.

Mistakes are recognised by recomputing the layer the way the mistake would (padding
swapped, stride 1, no bias, ...) with the same rules that compute the right answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..analysis import Analysis, LayerRow
from ..engine import IMPLICIT_INPUT, analyze_spec
from ..errors import CnncalcError, LayerError, SpecError
from ..formulas import product
from ..layers.base import Layer, Padded, Spatial, shape_text
from ..layers.conv import Conv, Windowed
from ..layers.core import Dense, Flatten
from ..sources import load_spec
from ..spec import Spec
from .answers import WHOLE_INPUT, Answer, AnswerSheet, read_answers, value_text

Shape = tuple[int | None, ...]

LESSONS = {
    "missing_bias": "Each filter (or unit) also has one bias: the + 1 in the lecture's "
    "(k·k·d + 1)·n.",
    "missing_input_depth": "Each filter spans the whole input depth d: it has k·k·d weights, "
    "not k·k.",
    "params_on_parameterless_layer": "{type} has no weights to learn: it only selects, "
    "reshapes or scales values it is given.",
    "padding_confusion": "Mind the padding: {padding_lesson}",
    "stride_ignored": "The stride is {strides}: the window jumps that many steps, so divide "
    "by it in the formula.",
    "off_by_one": "Count window positions with ⌊(W + 2p − k)/s⌋ + 1: the + 1 counts the first "
    "position, and there is exactly one.",
    "ceil_instead_of_floor": "Round down, ⌊…⌋: a window that would hang over the edge is not "
    "counted.",
    "wrong_depth": "The height and width are right; check the depth: {depth_lesson}",
    "channels_first_order": "Keras (channels_last) writes the depth last: (height, width, depth).",
    "flatten_size": "Take the size from the right shape: the output of '{source}', the layer "
    "this one reads.",
    "macs_bias_counted": "MACs count the multiplications by weights: the bias is only added, "
    "so it is left out (it is in ops).",
    "macs_kernel_area_forgotten": "Each output value multiplies a whole window: the kernel "
    "area k·k times the input depth, for every output position and filter.",
    "rf_stride_jump_ignored": "After a layer with stride s, one step of the next window jumps "
    "s inputs: r grows by (k − 1)·S, with S the product of the strides before it.",
}


@dataclass(frozen=True)
class Item:
    layer: str | None
    field: str
    given: Any
    expected: Any
    status: str
    mistake: str | None = None
    hint: str | None = None

    @property
    def credited(self) -> bool:
        return self.status in ("correct", "carried_forward")

    def to_dict(self, reveal: bool) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "field": self.field,
            "given": as_json(self.given),
            "expected": as_json(self.expected) if reveal else None,
            "status": self.status,
            "mistake": self.mistake,
            "hint": self.hint,
        }


def as_json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass
class Report:
    """One student's graded sheet (or the reason it could not be read)."""

    file: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(item.credited for item in self.items)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def full_marks(self) -> bool:
        return self.error is None and self.score == self.max_score

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        if self.error is not None:
            return {"file": self.file, "error": self.error}
        return {
            "file": self.file,
            "score": self.score,
            "max_score": self.max_score,
            "items": [item.to_dict(reveal) for item in self.items],
        }


def grade(sheet: AnswerSheet, spec: Spec, analysis: Analysis, reveal: bool = False) -> Report:
    """Grade one answer sheet against the analysis of its network."""
    report = Report(sheet.path, notes=list(sheet.problems))
    rows = [row for row in analysis.layers if row.type != "InputLayer"]
    answers = match_answers(sheet, rows, report)
    true_shapes = {row.name: row.output_shape for row in analysis.layers}
    if analysis.input_shape is not None:
        true_shapes[IMPLICIT_INPUT] = analysis.input_shape
    theirs = dict(true_shapes)  # the student's shapes where they gave one, else the true ones
    jumpless = jumpless_fields(spec) if "receptive_field" in sheet.fields else {}
    context = Context(analysis, true_shapes, reveal, jumpless)
    for row in rows:
        answer = answers.get(row.name, Answer(row.name))
        layer = spec.layers[row.index]
        own_inputs = [theirs[source] for source in row.inputs]
        for field_name in sheet.fields:
            given = getattr(answer, field_name)
            if field_name in COST_FIELDS:
                report.items.append(grade_cost(context, layer, row, field_name, given))
            else:
                report.items.append(grade_item(context, layer, row, field_name, given, own_inputs))
        if answer.output_shape:
            theirs[row.name] = answer.output_shape
    for field_name in ("params", "macs"):
        if field_name in sheet.fields:
            report.items.append(grade_total(context, sheet, answers, rows, field_name))
    return report


def match_answers(sheet: AnswerSheet, rows: list[LayerRow], report: Report) -> dict[str, Answer]:
    """Answers by layer name; unnamed answers by position."""
    by_name: dict[str, Answer] = {}
    names = {row.name for row in rows}
    for position, answer in enumerate(sheet.layers):
        name = answer.name
        if name is None and position < len(rows):
            name = rows[position].name
        if name in names:
            by_name[name] = answer
        else:
            report.notes.append(f"the answer for '{name}' matches no layer of the exercise")
    return by_name


@dataclass
class Context:
    analysis: Analysis
    true_shapes: dict[str, Shape]
    reveal: bool
    jumpless: dict[str, Any] = field(default_factory=dict)
    """Each layer's receptive field as it would be if every stride were 1."""


def run(layer: Layer, inputs: list[Shape], **changes: Any) -> Any:
    """The layer's outcome on these inputs (with some arguments changed), or None."""
    try:
        return (layer.model_copy(update=changes) if changes else layer).compute(list(inputs))
    except (LayerError, ArithmeticError, TypeError, ValueError):
        return None


def grade_item(
    context: Context, layer: Layer, row: LayerRow, field: str, given: Any, own: list[Shape]
) -> Item:
    """One layer's output_shape or params: correct, carried forward, wrong or missing."""
    expected = row.output_shape if field == "output_shape" else row.params
    if given is None:
        return Item(row.name, field, None, expected, "missing")
    if given == expected:
        return Item(row.name, field, given, expected, "correct")
    if list(own) != list(row.input_shapes):  # the student's inputs differ: follow them through
        outcome = run(layer, own)
        theirs = (
            None
            if outcome is None
            else (outcome.shape if field == "output_shape" else outcome.params)
        )
        if theirs == given:
            follows = f"follows from your own {describe_inputs(row, own)}"
            return Item(row.name, field, given, expected, "carried_forward", hint=follows)
    diagnose = diagnose_shape if field == "output_shape" else diagnose_params
    mistake, alternative = diagnose(context, layer, row, given)
    teaching = hint(context, layer, row, field, given, mistake, alternative)
    return Item(row.name, field, given, expected, "wrong", mistake, teaching)


def grade_total(
    context: Context,
    sheet: AnswerSheet,
    answers: dict[str, Answer],
    rows: list[LayerRow],
    field: str = "params",
) -> Item:
    """total_params (or total_macs): the sum of the column, credited when it adds up the
    student's own layer answers."""
    total = f"total_{field}"
    expected = getattr(context.analysis, total)
    given = getattr(sheet, total)
    if given is None:
        return Item(None, total, None, expected, "missing")
    if given == expected:
        return Item(None, total, given, expected, "correct")
    own = [getattr(answers[row.name], field) if row.name in answers else None for row in rows]
    if all(p is not None and p >= 0 for p in own) and sum(own) == given:  # type: ignore[misc]
        return Item(
            None,
            total,
            given,
            expected,
            "carried_forward",
            hint="the sum of your own layer counts",
        )
    lesson = f"{total} is the sum of every layer's {field}"
    missed_statistics = given == context.analysis.trainable_params != expected
    if field == "params" and missed_statistics:
        lesson += " — the non-trainable ones (BatchNormalization's moving statistics) count too"
    shown = f": = {expected:,}" if context.reveal else f"; add up the {field} column again"
    return Item(None, total, given, expected, "wrong", None, lesson + shown)


COST_FIELDS = ("macs", "receptive_field")


def cost_answer(row: LayerRow, field: str) -> Any:
    """The right macs, or the receptive field's size per axis (WHOLE_INPUT after mixing)."""
    if field == "macs":
        return row.macs
    if row.receptive_field is None:
        return WHOLE_INPUT
    return tuple(int(size) if size == int(size) else size for size in row.receptive_field.size)


def grade_cost(context: Context, layer: Layer, row: LayerRow, field: str, given: Any) -> Item:
    """One layer's macs or receptive field: correct, wrong (with the mistake) or missing."""
    expected = cost_answer(row, field)
    if given is None:
        return Item(row.name, field, None, expected, "missing")
    if given == expected:
        return Item(row.name, field, given, expected, "correct")
    mistake = diagnose_cost(context, layer, row, field, given)
    lines = [f"You wrote {value_text(given)}." if given not in (-1, ()) else "Unreadable."]
    if mistake:
        lines.append(LESSONS[mistake])
    formula = cost_formula(row, field, context.reveal)
    if formula:
        lines.append("Compute: " + "; ".join(formula) + ".")
    if context.reveal:
        lines.append(f"Answer: {value_text(expected)}.")
    return Item(row.name, field, given, expected, "wrong", mistake, " ".join(lines))


def diagnose_cost(
    context: Context, layer: Layer, row: LayerRow, field: str, given: Any
) -> str | None:
    if field == "receptive_field":
        jumpless = context.jumpless.get(row.name)
        return "rf_stride_jump_ignored" if jumpless is not None and given == jumpless else None
    if row.macs is None or not isinstance(given, int):
        return None
    if getattr(layer, "use_bias", False) and given == row.macs + (row.activations or 0):
        return "macs_bias_counted"
    if isinstance(layer, Padded):
        area = product(layer.window()) or 1
        if area > 1 and given * area == row.macs:
            return "macs_kernel_area_forgotten"
    return None


def cost_formula(row: LayerRow, field: str, reveal: bool) -> list[str]:
    """The layer's own cost working: 'macs = 26·26·32 · 3·3·1 = ?', or per axis
    'receptive_field_width: r = 3 + (2 − 1)·1 = ?'."""
    if field == "macs":
        lines = [line for line in row.cost_working if line.startswith("macs")]
    else:
        lines = []
        for line in row.cost_working:
            found = re.search(r"r = [^,]*", line)
            if line.startswith("receptive_field_") and found:
                lines.append(f"{line.split(':', 1)[0]}: {found.group(0)}")
    return [line if reveal else hide_result(line) for line in lines]


def jumpless_fields(spec: Spec) -> dict[str, Any]:
    """Every layer's receptive field with every stride set to 1: the answers of a student
    who forgets that a stride makes the next window jump."""
    layers = [
        layer.model_copy(update={"strides": 1}) if "strides" in type(layer).model_fields else layer
        for layer in spec.layers
    ]
    try:
        analysis = analyze_spec(spec.model_copy(update={"layers": layers}))
    except CnncalcError:
        return {}
    return {row.name: cost_answer(row, "receptive_field") for row in analysis.layers}


def describe_inputs(row: LayerRow, shapes: list[Shape]) -> str:
    parts = [f"'{name}' {shape_text(shape)}" for name, shape in zip(row.inputs, shapes)]
    return "answer for " + ", ".join(parts)


# Diagnosis: recompute the layer the way a known mistake would.


def diagnose_shape(
    context: Context, layer: Layer, row: LayerRow, given: Shape
) -> tuple[str | None, Any]:
    expected, inputs = row.output_shape, list(row.input_shapes)
    channels_last = not getattr(layer, "channels_first", False)
    if len(expected) >= 2 and channels_last and given == (expected[-1], *expected[:-1]):
        return "channels_first_order", None
    if isinstance(layer, Padded):
        rounding = rounding_mistake(layer, row, given)
        if rounding == "ceil_instead_of_floor":  # a pool of stride k on W: also ⌈W/k⌉ ('same')
            return rounding, None
        padding = getattr(layer, "padding", None)
        if padding in ("valid", "same"):
            swapped = run(layer, inputs, padding="same" if padding == "valid" else "valid")
            if swapped is not None and swapped.shape == given:
                return "padding_confusion", swapped
        if layer.window_strides() != (1,) * layer.rank:
            unit = run(layer, inputs, strides=1)
            if unit is not None and unit.shape == given:
                return "stride_ignored", unit
        if rounding:
            return rounding, None
    same_size = len(given) == len(expected) >= 2 and given[:-1] == expected[:-1]
    if same_size and channels_last and given[-1] != expected[-1]:
        return "wrong_depth", None
    if isinstance(layer, Flatten) and len(given) == 1:
        sizes = {product(r.output_shape) for r in context.analysis.layers}
        if context.analysis.input_shape:
            sizes.add(product(context.analysis.input_shape))
        if given[0] in sizes - {expected[0]}:
            return "flatten_size", None
    return None, None


def rounding_mistake(layer: Padded, row: LayerRow, given: Shape) -> str | None:
    """off_by_one or ceil_instead_of_floor, from the per-axis numerators W + 2p − k."""
    if len(given) != len(row.output_shape) or getattr(layer, "padding", None) == "same":
        return None
    spatial_in, _ = layer.split(row.input_shapes[0])
    spatial_out, depth_out = layer.split(row.output_shape)
    spatial_given, depth_given = layer.split(given)
    if depth_given != depth_out or None in spatial_in:
        return None
    kinds = set()
    for size, out, answer, span, stride, pad in zip(
        spatial_in,
        spatial_out,
        spatial_given,
        layer.spans(),
        layer.window_strides(),
        layer.paddings(),
    ):
        before, after = (0, 0) if isinstance(pad, str) else pad
        exact = (size + before + after - span) % stride == 0  # type: ignore[operator]
        difference = (answer or 0) - (out or 0)
        if difference == 0:
            continue
        if difference == -1 or (difference == 1 and exact):
            kinds.add("off_by_one")
        elif difference == 1:
            kinds.add("ceil_instead_of_floor")
        else:
            return None
    return kinds.pop() if len(kinds) == 1 else None


def diagnose_params(
    context: Context, layer: Layer, row: LayerRow, given: int
) -> tuple[str | None, Any]:
    inputs = list(row.input_shapes)
    if row.params == 0 and given > 0:
        return "params_on_parameterless_layer", None
    if getattr(layer, "use_bias", False):
        unbiased = run(layer, inputs, use_bias=False)
        if unbiased is not None and unbiased.params == given:
            return "missing_bias", unbiased
    if isinstance(layer, Conv) and row.input_shapes:
        spatial, _ = layer.split(row.input_shapes[0])
        flat_depth = run(layer, [layer.join(spatial, layer.groups)])
        if flat_depth is not None and flat_depth.params == given:
            return "missing_input_depth", flat_depth
    if isinstance(layer, Dense):
        sizes = {product(r.output_shape) for r in context.analysis.layers}
        sizes |= {product(r.output_shape[-1:]) for r in context.analysis.layers}
        for size in sorted(s for s in sizes if s):
            if size and size != row.input_shapes[0][-1]:
                other = run(layer, [(size,)])
                if other is not None and other.params == given:
                    return "flatten_size", other
    return None, None


# Hints: the lesson, what the student computed, and the formula to use.


def hint(
    context: Context,
    layer: Layer,
    row: LayerRow,
    field: str,
    given: Any,
    mistake: str | None,
    theirs: Any,
) -> str:
    lines = [f"You wrote {value_text(given)}." if given not in (-1, ()) else "Unreadable."]
    if mistake:
        lines.append(lesson(mistake, layer, row))
    if theirs is not None:
        computed = [w for w in theirs.working if relevant(w, field)]
        if computed:
            lines.append("You computed: " + "; ".join(computed) + ".")
    formula = [w if context.reveal else hide_result(w) for w in row.working if relevant(w, field)]
    if formula:
        lines.append("Compute: " + "; ".join(formula) + ".")
    if context.reveal:
        expected = row.output_shape if field == "output_shape" else row.params
        lines.append(f"Answer: {value_text(expected)}.")
    return " ".join(lines)


def relevant(line: str, field: str) -> bool:
    if field == "params":
        return line.startswith(("params", "trainable", "non-trainable", "features"))
    return not line.startswith(("params", "trainable", "non-trainable"))


def hide_result(line: str) -> str:
    """'output_width = ⌊(28 + 2·0 − 3)/1⌋ + 1 = 26' -> '... + 1 = ?'."""
    head, separator, tail = line.rpartition(" = ")
    if not separator or "=" not in head:
        return line
    rest = tail.split("  ", 1)
    note = f"  {rest[1]}" if len(rest) > 1 and not rest[1].startswith("(same") else ""
    return f"{head} = ?{note}"


def lesson(mistake: str, layer: Layer, row: LayerRow) -> str:
    padding = getattr(layer, "padding", None)
    padding_lesson = (
        "'valid' adds no zeros (p = 0 in ⌊(W + 2p − k)/s⌋ + 1)"
        if padding == "valid"
        else "Keras's 'same' pads just enough to keep ⌈W/s⌉"
    )
    if isinstance(layer, Conv):
        depth_lesson = "a convolution's output depth is its number of filters."
    elif isinstance(layer, Windowed):
        depth_lesson = "check the filters and depth_multiplier."
    elif isinstance(layer, Spatial):
        depth_lesson = "this layer keeps its input's depth."
    else:
        depth_lesson = "check the last axis."
    return LESSONS[mistake].format(
        type=row.type,
        padding_lesson=padding_lesson,
        strides=getattr(layer, "strides", None) or "the pool size",
        depth_lesson=depth_lesson,
        source=row.inputs[0] if row.inputs else "input",
    )


# Grading many files: each file's problems stay in its own report.


def check_files(
    paths: list[Path],
    spec_source: str | None = None,
    reveal: bool = False,
    progress: Callable[[], None] | None = None,
) -> list[Report]:
    """Grade every file; a file that cannot be read or matched is reported, never fatal."""
    exercises: dict[str, tuple[Spec, Analysis]] = {}
    if spec_source is not None:
        exercises[spec_source] = load_exercise(spec_source)
    reports = []
    for path in paths:
        try:
            sheet = read_answers(path)
            reference = spec_source or exercise_reference(sheet, path)
            if reference not in exercises:
                exercises[reference] = load_exercise(reference)
            spec, analysis = exercises[reference]
            reports.append(grade(sheet, spec, analysis, reveal))
        except CnncalcError as error:
            reports.append(Report(str(path), error=str(error).replace("\n", "; ")))
        if progress:
            progress()
    return reports


def load_exercise(reference: str) -> tuple[Spec, Analysis]:
    spec = load_spec(reference)
    return spec, analyze_spec(spec)


def exercise_reference(sheet: AnswerSheet, path: Path) -> str:
    """The sheet's 'exercise:' line: a preset, random:..., or a spec path beside the sheet."""
    if not sheet.exercise:
        raise SpecError(f"{path}: no 'exercise:' line; give the network with --spec")
    beside = path.parent / sheet.exercise
    return str(beside) if beside.is_file() else sheet.exercise
