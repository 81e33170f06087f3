"""Grading answer sheets so that the grade teaches.

One item per layer and field (output_shape and params; macs and receptive_field when the
worksheet asks) and one per total (total_params; total_macs). An item is
``correct``; ``carried_forward`` when it is wrong but exactly what follows from the student's
own earlier answers (credited: one slip is not marked down twice); ``wrong``, with the
mistake recognised where it is a common one; ``unreadable`` when the answer cannot be read
(no credit, the reason said); or ``missing``. Each wrong item gets a hint: the formula with
the student's numbers, the result hidden unless ``reveal``.

An item graded against the student's own earlier answers is diagnosed and hinted on those
same values, unless they explain nothing and the network's own inputs do (a Dense of 16,000
after their wrong Dropout of 800 is the bias forgotten on 1600): the hint then says so, on
the numbers that explain it.
Mistakes are recognised by recomputing the layer the way the mistake would (padding
swapped, stride 1, no bias, ...) with the same rules that compute the right answer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ..analysis import Analysis, LayerRow
from ..engine import IMPLICIT_INPUT, analyze_spec
from ..errors import CnncalcError, LayerError, did_you_mean
from ..formulas import product
from ..layers import REGISTRY
from ..layers.base import Layer, Outcome, Padded, Spatial, shape_text, tuple_text
from ..layers.conv import Conv, ConvTranspose, Windowed
from ..layers.core import Dense, Dropout, Flatten, SpatialDropout
from ..layers.normalization import BatchNormalization
from ..layers.pooling import Pooling
from ..layers.regularization import AlphaDropout, GaussianDropout
from ..spec import Spec
from .answers import WHOLE_INPUT, Answer, AnswerSheet, Unreadable, as_number, value_text

Shape = tuple[int | None, ...]

LESSONS = {
    "missing_bias": "Each filter (or unit) also has one bias: the + 1 in the lecture's "
    "(k·k·d + 1)·n.",
    "missing_input_depth": "Each filter spans the whole input depth d: it has k·k·d weights, "
    "not k·k.",
    "params_on_parameterless_layer": "{type} has no weights to learn: it only selects, "
    "reshapes or scales values it is given.",
    "padding_confusion": "Mind the padding: 'valid' adds no zeros (p = 0 in "
    "⌊(W + 2p − k)/s⌋ + 1); you used the size 'same' keeps.",
    "same_as_valid": "Mind the padding: 'same' pads with zeros so the output is ⌈W/s⌉, "
    "not the 'valid' size ⌊(W − k)/s⌋ + 1.",
    "stride_ignored": "The stride is {strides}: the window jumps that many steps, so divide "
    "by it in the formula.",
    "pool_stride_default": "A pooling layer's strides default to its pool_size ({pool}), not 1: "
    "the windows do not overlap.",
    "dilation_ignored": "The dilation rate {dilation} spreads the kernel: it spans "
    "(k − 1)·d + 1 = {span} inputs, so use that span for k.",
    "transposed_as_conv": "A transposed convolution grows its input: (W − 1)·s + k − 2p "
    "(Keras's 'same': W·s), the inverse of a convolution's ⌊(W + 2p − k)/s⌋ + 1.",
    "groups_ignored": "With groups = {groups} each filter sees only d/{groups} of the input "
    "channels: (k·k·d/g + 1)·n.",
    "off_by_one": "Count window positions with ⌊(W + 2p − k)/s⌋ + 1: the + 1 counts the first "
    "position, and there is exactly one.",
    "ceil_instead_of_floor": "Round down, ⌊…⌋: a window that would hang over the edge is not "
    "counted.",
    "wrong_depth": "The height and width are right; check the depth: {depth_lesson}",
    "channels_first_order": "Keras (channels_last) writes the depth last: (height, width, depth).",
    "batch_dimension": "Leave out the batch dimension: the sheet asks for the shape of one "
    "sample (Keras prints None in front for the batch).",
    "flatten_size": "Take the size from the right shape: the output of '{source}', the layer "
    "this one reads.",
    "bn_trainable_only": "BatchNormalization has 4 numbers per channel: γ and β are trained, "
    "and the moving mean and variance are not, but they are parameters too.",
    "macs_bias_counted": "MACs count the multiplications by weights: the bias is only added, "
    "so it is left out (it is in ops).",
    "macs_kernel_area_forgotten": "Each output value multiplies a whole window: the kernel "
    "area k·k times the input depth, for every output position and filter.",
    "dropout_shrinks": "{type} sets a fraction (rate {rate}) of its values to 0 while "
    "training, and removes none: its output shape is its input shape.",
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

    @property
    def label(self) -> str:
        return f"{self.layer} {self.field}" if self.layer is not None else self.field

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
    """An answer as JSON: a fraction of a receptive field as a decimal, as `analyze` writes it."""
    if isinstance(value, Unreadable):
        return value.text
    if isinstance(value, tuple):
        return [float(v) if isinstance(v, Fraction) else v for v in value]
    return value


@dataclass
class Report:
    """One student's graded sheet (or the reason it could not be read)."""

    file: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    student: str | None = None
    """The roster id of a class sheet."""

    @property
    def score(self) -> int:
        return sum(item.credited for item in self.items)

    @property
    def max_score(self) -> int:
        return len(self.items)

    @property
    def full_marks(self) -> bool:
        return self.error is None and self.score == self.max_score

    @property
    def reason(self) -> str:
        """The error without the file's name in front: for text that names the file itself."""
        return (self.error or "").removeprefix(f"{self.file}: ")

    @property
    def unreadable(self) -> int:
        return sum(item.status == "unreadable" for item in self.items)

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        head = {"file": self.file, **({"student": self.student} if self.student else {})}
        if self.error is not None:
            return {**head, "error": self.error}
        return {
            **head,
            "score": self.score,
            "max_score": self.max_score,
            "items": [item.to_dict(reveal) for item in self.items],
        }


def grade(sheet: AnswerSheet, spec: Spec, analysis: Analysis, reveal: bool = False) -> Report:
    """Grade one answer sheet against the analysis of its network."""
    report = Report(sheet.path)
    rows = [row for row in analysis.layers if row.type != "InputLayer"]
    answers = without_batch(match_answers(sheet, rows, report), rows, report)
    theirs = {row.name: row.output_shape for row in analysis.layers}
    if analysis.input_shape is not None:
        theirs[IMPLICIT_INPUT] = analysis.input_shape
    # theirs: the student's own shapes where they gave one, else the true ones
    jumpless = jumpless_fields(spec) if "receptive_field" in sheet.fields else {}
    context = Context(analysis, reveal, jumpless)
    unknown: list[str] = []  # costs that depend on sizes the network leaves open
    for row in rows:
        answer = answers.get(row.name, Answer(row.name))
        layer = spec.layers[row.index]
        own_inputs = [theirs[source] for source in row.inputs]
        for field_name in sheet.fields:
            given = getattr(answer, field_name)
            if field_name in COST_FIELDS and right_answer(row, field_name) is None:
                unknown.append(f"{row.name} {field_name}")
            elif field_name in COST_FIELDS:
                report.items.append(grade_cost(context, layer, row, field_name, given))
            else:
                report.items.append(grade_item(context, layer, row, field_name, given, own_inputs))
        if isinstance(answer.output_shape, tuple) and answer.output_shape:
            graded = [i for i in report.items if i.layer == row.name and i.field == "output_shape"]
            theirs[row.name] = carried_shape(answer.output_shape, graded)
        elif own_inputs != list(row.input_shapes):  # a blank: what follows from their inputs
            outcome = run(layer, own_inputs)  # (a Dropout passes their own shape on)
            if outcome is not None:
                theirs[row.name] = outcome.shape
    if unknown:
        report.notes.append(
            f"not graded: {', '.join(unknown)} (and the total), which depend on sizes the "
            "network leaves open (None)"
        )
    for field_name in ("params", "macs"):
        if field_name in sheet.fields and not (field_name == "macs" and unknown):
            report.items.append(grade_total(context, sheet, answers, rows, field_name))
    return report


def carried_shape(given: Shape, graded: list[Item]) -> Shape:
    """The shape the next layers are judged on: the student's own, with the depth moved back
    last once its order was named a mistake (else the next layer would read the depth as the
    height and miss its own real mistake)."""
    if any(item.mistake == "channels_first_order" for item in graded):
        return (*given[1:], given[0])
    return given


def without_batch(
    answers: dict[str, Answer], rows: list[LayerRow], report: Report
) -> dict[str, Answer]:
    """The answers with a batch size written in front of the shapes read as Keras's batch
    dimension: (32, 26, 26, 32) is (26, 26, 32). Where the network fixes its batch size, the
    shapes Keras prints start with it; where it does not (Keras's None), a batch size the
    student chose is read the same way only when every shape they wrote starts with it
    ((1600, 10) for a Dense layer among shapes without one is its kernel, not a batch), and a
    note says to leave it out."""
    outputs = {row.name: row.output_shape for row in rows}
    longer = {
        name: answer.output_shape
        for name, answer in answers.items()
        if isinstance(answer.output_shape, tuple)
        and len(answer.output_shape) == len(outputs[name]) + 1
    }
    batches = {row.batch_size for row in rows}
    chosen = {shape[0] for shape in longer.values()}
    written = [a for a in answers.values() if isinstance(a.output_shape, tuple)]
    if batches == {None} and len(chosen) == 1 and len(longer) == len(written):
        (batch,) = chosen
        report.notes.append(
            f"every shape you wrote starts with {batch}, read as a batch size: this network's "
            "batch size is not fixed (Keras writes None), so write a shape without it"
        )
        fixed = dict.fromkeys(outputs, batch)
    else:
        fixed = {row.name: row.batch_size for row in rows if row.batch_size is not None}
    return {
        name: replace(answer, output_shape=longer[name][1:])
        if name in longer and longer[name][0] == fixed.get(name)
        else answer
        for name, answer in answers.items()
    }


def match_answers(sheet: AnswerSheet, rows: list[LayerRow], report: Report) -> dict[str, Answer]:
    """Answers by layer name; unnamed answers by position."""
    by_name: dict[str, Answer] = {}
    names = {row.name for row in rows}
    folded = Counter(name.casefold() for name in names)
    any_case = {name.casefold(): name for name in names if folded[name.casefold()] == 1}
    given = without_input_answer(sheet.layers, rows, report)
    for position, answer in enumerate(given):
        name = answer.name
        if name is None and position < len(rows):
            name = rows[position].name
        typed = KERAS_ROW_NAME.fullmatch(name or "")
        if name not in names and typed and typed["name"].casefold() in any_case:
            name = typed["name"]  # 'conv2d (Conv2D)', as Keras's summary prints the layer
        if name not in names and name is not None and name.casefold() in any_case:
            name = any_case[name.casefold()]  # 'Dense' for 'dense': the same layer
        if name in names:
            by_name[name] = answer
        elif name is None:
            report.notes.append(
                f"answer {position + 1} has no name, and the exercise has only {len(rows)} "
                "layers to answer: it is not graded"
            )
        elif str(name).casefold().startswith("input"):
            report.notes.append(
                f"the answer for '{name}' is the input's, which the exercise gives: not graded"
            )
        else:
            hint = did_you_mean(str(name), sorted(names))
            report.notes.append(f"the answer for '{name}' matches no layer of the exercise{hint}")
    unnamed = sum(answer.name is None for answer in sheet.layers)
    if unnamed and len(sheet.layers) < len(rows):
        report.notes.append(
            f"{unnamed} of your answers have no name and the exercise has {len(rows)} layers: "
            "answers without a name are taken in order, so after a layer you skipped each one "
            "is read as the next layer's; give each answer its layer's name (name: dense)"
        )
    return by_name


def without_input_answer(
    answers: list[Answer], rows: list[LayerRow], report: Report
) -> list[Answer]:
    """Unnamed answers with one too many, the first of them the input's shape: the input row
    Keras 3's summary prints first, copied; dropped, or every answer would be one layer off."""
    if not rows or len(answers) != len(rows) + 1 or any(a.name is not None for a in answers):
        return answers
    first, shapes = answers[0], rows[0].input_shapes
    if not shapes or first.output_shape != shapes[0] or first.params not in (None, 0):
        return answers
    report.notes.append(
        f"your first answer, {value_text(first.output_shape)}, is the input's, which the "
        "exercise gives: the answers after it are read as the layers' from the first"
    )
    return answers[1:]


KERAS_ROW_NAME = re.compile(r"(?P<name>\S+)\s*\((?P<type>\w+)\)")
"""A layer written as Keras's summary prints it: 'conv2d (Conv2D)'."""


@dataclass
class Context:
    analysis: Analysis
    reveal: bool
    jumpless: dict[str, Any] = field(default_factory=dict)
    """Each layer's receptive field as it would be if every stride were 1."""


@dataclass(frozen=True)
class Basis:
    """What an item is judged against: the true layer, or the layer run on the student's own
    earlier answers, so diagnosis and hint use the numbers the grade used."""

    inputs: list[Shape]
    outcome: Outcome

    def value(self, field: str) -> Any:
        return self.outcome.shape if field == "output_shape" else self.outcome.params


def run(layer: Layer, inputs: list[Shape], **changes: Any) -> Outcome | None:
    """The layer's outcome on these inputs (with some arguments changed), or None."""
    try:
        return layer.model_copy(update=changes).compute(list(inputs))
    except (LayerError, ArithmeticError, TypeError, ValueError, AttributeError):
        return None


def true_basis(row: LayerRow) -> Basis:
    outcome = Outcome(row.output_shape, row.params, row.non_trainable_params, row.working)
    return Basis(list(row.input_shapes), outcome)


def grade_item(
    context: Context, layer: Layer, row: LayerRow, field: str, given: Any, own: list[Shape]
) -> Item:
    """One layer's output_shape or params: correct, carried forward, wrong, unreadable or
    missing."""
    expected = row.output_shape if field == "output_shape" else row.params
    if given is None:
        return Item(row.name, field, None, expected, "missing")
    if isinstance(given, Unreadable):
        return Item(row.name, field, given, expected, "unreadable", hint=unreadable_hint(given))
    if given == expected:
        return Item(row.name, field, given, expected, "correct")
    basis = true_basis(row)
    if list(own) != list(row.input_shapes):  # the student's inputs differ: follow them through
        outcome = run(layer, own)
        if outcome is not None:
            basis = Basis(own, outcome)
            if basis.value(field) == given:
                follows = f"follows from your own {describe_inputs(row, own)}"
                return Item(row.name, field, given, expected, "carried_forward", hint=follows)
    diagnose = diagnose_shape if field == "output_shape" else diagnose_params
    mistake, alternative = diagnose(context, layer, basis, given)
    if mistake is None and basis.inputs != list(row.input_shapes):
        # their own inputs explain nothing, the true ones may: a Dense of 16,000 after their
        # wrong Dropout of 800 is the lecture's 1600·10 without the bias, and a hint on
        # (800 + 1)·10 would lead them away from the network's answer
        true = true_basis(row)
        true_mistake, true_alternative = diagnose(context, layer, true, given)
        if true_mistake is not None:
            basis, mistake, alternative = true, true_mistake, true_alternative
    teaching = hint(context, layer, row, field, given, basis, mistake, alternative)
    return Item(row.name, field, given, expected, "wrong", mistake, teaching)


def unreadable_hint(given: Unreadable) -> str:
    return f"Could not read {given.text!r}: {given.reason}."


def grade_total(
    context: Context,
    sheet: AnswerSheet,
    answers: dict[str, Answer],
    rows: list[LayerRow],
    field: str,
) -> Item:
    """total_params (or total_macs): the sum of the column, credited when it adds up the
    student's own layer answers."""
    total = f"total_{field}"
    expected = getattr(context.analysis, total)
    given = getattr(sheet, total)
    if given is None:
        return Item(None, total, None, expected, "missing")
    if isinstance(given, Unreadable):
        return Item(None, total, given, expected, "unreadable", hint=unreadable_hint(given))
    if given == expected:
        return Item(None, total, given, expected, "correct")
    own = [getattr(answers[row.name], field) if row.name in answers else None for row in rows]
    if all(isinstance(p, int) and p >= 0 for p in own) and sum(own) == given:  # type: ignore[arg-type]
        return Item(
            None, total, given, expected, "carried_forward", hint="the sum of your own layer counts"
        )
    lesson = f"{total} is the sum of every layer's {field}"
    missed_statistics = given == context.analysis.trainable_params != expected
    if field == "params" and missed_statistics:
        lesson += " — the non-trainable ones (BatchNormalization's moving statistics) count too"
    shown = f": = {expected:,}." if context.reveal else f"; add up the {field} column again."
    return Item(None, total, given, expected, "wrong", None, lesson + shown)


# The costs a worksheet may ask: MACs and receptive fields.

COST_FIELDS = ("macs", "receptive_field")


def right_answer(row: LayerRow, field: str) -> Any:
    """A layer's right answer to a field: the receptive field's size per axis, or
    WHOLE_INPUT where the features see the whole input (after Flatten, global pooling)."""
    if field != "receptive_field":
        return getattr(row, field)
    if row.receptive_field is None:
        return WHOLE_INPUT
    return tuple(as_number(size) for size in row.receptive_field.size)


def grade_cost(context: Context, layer: Layer, row: LayerRow, field: str, given: Any) -> Item:
    """One layer's macs or receptive field: correct, wrong (with the mistake), unreadable or
    missing."""
    expected = right_answer(row, field)
    if given is None:
        return Item(row.name, field, None, expected, "missing")
    if isinstance(given, Unreadable):
        return Item(row.name, field, given, expected, "unreadable", hint=unreadable_hint(given))
    if given == expected:
        return Item(row.name, field, given, expected, "correct")
    mistake = diagnose_cost(context, layer, row, field, given)
    lines = [f"You wrote {value_text(given)}."]
    if mistake:
        lines.append(LESSONS[mistake])
    formula = cost_formula(row, field)
    if not context.reveal:
        formula = [w for w in hide_results(formula) if not leaks(w, expected)]
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
    if isinstance(layer, Padded) and given * product(layer.window()) == row.macs:
        return "macs_kernel_area_forgotten"
    return None


def cost_formula(row: LayerRow, field: str) -> list[str]:
    """The layer's own cost working: 'macs = 26·26·32 · 3·3·1 = 194688', or per axis
    'receptive_field_width: r = 3 + (2 − 1)·1 = 4'."""
    if field == "macs":
        return [line for line in row.cost_working if line.startswith("macs")]
    found = (re.match(r"(receptive_field_\w+: r = [^,]*)", line) for line in row.cost_working)
    return [match[1] for match in found if match]


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
    return {row.name: right_answer(row, "receptive_field") for row in analysis.layers}


def describe_inputs(row: LayerRow, shapes: list[Shape]) -> str:
    parts = [f"'{name}' {shape_text(shape)}" for name, shape in zip(row.inputs, shapes)]
    return "answer for " + ", ".join(parts)


# Diagnosis: recompute the layer the way a known mistake would, on the basis's inputs.

Diagnosis = tuple[str | None, Outcome | None]


def diagnose_shape(context: Context, layer: Layer, basis: Basis, given: Shape) -> Diagnosis:
    expected, inputs = basis.outcome.shape, basis.inputs
    channels_last = not getattr(layer, "channels_first", False)
    if len(expected) >= 2 and given[1:] == expected:  # (1600, 10) for a Dense: its kernel
        return "batch_dimension", None
    if len(expected) >= 2 and channels_last and given == (expected[-1], *expected[:-1]):
        return "channels_first_order", None
    if isinstance(layer, ConvTranspose):
        as_conv = forward_twin(layer, inputs)
        if as_conv is not None and as_conv.shape == given:
            return "transposed_as_conv", as_conv
    if isinstance(layer, Padded):
        found = diagnose_window(layer, inputs, expected, given)
        if found[0]:
            return found
    if isinstance(layer, DROPOUTS) and dropped(layer.rate, expected, given):
        return "dropout_shrinks", None
    same_size = len(given) == len(expected) >= 2 and given[:-1] == expected[:-1]
    if same_size and channels_last and given[-1] != expected[-1]:
        return "wrong_depth", None
    if isinstance(layer, Flatten) and len(given) == 1 and given[0] in network_sizes(context):
        return "flatten_size", None
    return None, None


DROPOUTS = (Dropout, SpatialDropout, AlphaDropout, GaussianDropout)
"""The layers whose rate a student may take for a shrinking: each keeps its input's shape."""


def dropped(rate: float, expected: Shape, given: Shape) -> bool:
    """The last axis shrunk by the dropout rate: MNIST's Dropout(0.5) on 1600 written 800
    (1600·(1 − 0.5)); Dropout(0.2) on 100 written 80 (kept) or 20 (dropped)."""
    if len(given) != len(expected) or given[:-1] != expected[:-1] or expected[-1] is None:
        return False
    size = expected[-1]
    return given[-1] != size and given[-1] in {round(size * (1 - rate)), round(size * rate)}


def diagnose_window(layer: Padded, inputs: list[Shape], expected: Shape, given: Shape) -> Diagnosis:
    """The sliding-window mistakes: rounding, padding, dilation, stride."""
    rounding = rounding_mistake(layer, inputs[0], expected, given)
    if rounding == "ceil_instead_of_floor":  # a pool of stride k on W: also ⌈W/k⌉ ('same')
        return rounding, None
    padding = layer.padding
    if padding in ("valid", "same"):
        swapped = run(layer, inputs, padding="same" if padding == "valid" else "valid")
        if swapped is not None and swapped.shape == given:
            return ("padding_confusion" if padding == "valid" else "same_as_valid"), swapped
    if layer.dilations() != (1,) * layer.rank:
        undilated = run(layer, inputs, dilation_rate=1)
        if undilated is not None and undilated.shape == given:
            return "dilation_ignored", undilated
    if layer.window_strides() != (1,) * layer.rank:
        unit = run(layer, inputs, strides=1)
        if unit is not None and unit.shape == given:
            default = isinstance(layer, Pooling) and layer.strides is None
            return ("pool_stride_default" if default else "stride_ignored"), unit
    return rounding, None


def forward_twin(layer: ConvTranspose, inputs: list[Shape]) -> Outcome | None:
    """The transposed convolution computed as the ordinary convolution of the same arguments."""
    kind = layer.type.replace("Transpose", "")
    arguments = layer.model_dump(exclude={"output_padding"})
    try:
        twin = REGISTRY[kind].model_validate({**arguments, "type": kind})
    except (KeyError, ValueError):
        return None
    return run(twin, inputs)


def network_sizes(context: Context) -> set[int]:
    """The sizes of the network's shapes: where a wrong Flatten size usually comes from."""
    sizes = {product(r.output_shape) for r in context.analysis.layers}
    if context.analysis.input_shape:
        sizes.add(product(context.analysis.input_shape))
    return {s for s in sizes if s}


def rounding_mistake(layer: Padded, source: Shape, expected: Shape, given: Shape) -> str | None:
    """off_by_one or ceil_instead_of_floor, from the per-axis numerators W + 2p − k."""
    if len(given) != len(expected) or layer.padding == "same":
        return None
    if isinstance(layer, ConvTranspose):
        return None
    spatial_in, _ = layer.split(source)
    spatial_out, depth_out = layer.split(expected)
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


def diagnose_params(context: Context, layer: Layer, basis: Basis, given: int) -> Diagnosis:
    inputs, outcome = basis.inputs, basis.outcome
    if outcome.params == 0 and given > 0:
        return "params_on_parameterless_layer", None
    if isinstance(layer, BatchNormalization) and given == outcome.params - outcome.non_trainable:
        return "bn_trainable_only", None
    if getattr(layer, "use_bias", False):
        unbiased = run(layer, inputs, use_bias=False)
        if unbiased is not None and unbiased.params == given:
            return "missing_bias", unbiased
    if isinstance(layer, Conv) and layer.groups > 1:
        ungrouped = run(layer, inputs, groups=1)
        if ungrouped is not None and ungrouped.params == given:
            return "groups_ignored", ungrouped
    if isinstance(layer, Conv) and inputs:
        spatial, _ = layer.split(inputs[0])
        flat_depth = run(layer, [layer.join(spatial, layer.groups)])
        if flat_depth is not None and flat_depth.params == given:
            return "missing_input_depth", flat_depth
    if isinstance(layer, Dense) and inputs:
        sizes = {product(r.output_shape) for r in context.analysis.layers}
        sizes |= {product(r.output_shape[-1:]) for r in context.analysis.layers}
        for size in sorted(s for s in sizes if s and s != inputs[0][-1]):
            other = run(layer, [(size,)])
            if other is not None and other.params == given:
                return "flatten_size", other
    return None, None


# Hints: the lesson, what the student computed, and the formula to use — never the answer.


def hint(
    context: Context,
    layer: Layer,
    row: LayerRow,
    field: str,
    given: Any,
    basis: Basis,
    mistake: str | None,
    theirs: Outcome | None,
) -> str:
    lines = [f"You wrote {value_text(given)}."]
    if mistake:
        lines.append(lesson(mistake, layer, row))
    if theirs is not None:
        computed = [w for w in segments(theirs.working) if relevant(w, field)]
        if computed:
            lines.append("You computed: " + "; ".join(computed) + ".")
    answers = {basis.value(field), row.output_shape if field == "output_shape" else row.params}
    formula = [w for w in segments(basis.outcome.working) if relevant(w, field)]
    truth = [w for w in segments(row.working) if relevant(w, field)]
    from_own = formula != truth  # their own inputs, and they change the working (not pool params)
    if not context.reveal:
        formula = [w for w in hide_results(formula) if not any(leaks(w, a) for a in answers)]
    if formula:
        names = ", ".join(f"'{name}'" for name in row.inputs)
        source = f" from your own answer for {names}" if from_own else ""
        lines.append(f"Compute{source}: " + "; ".join(formula) + ".")
    if context.reveal:
        expected = row.output_shape if field == "output_shape" else row.params
        lines.append(f"Answer: {value_text(expected)}.")
        if basis.value(field) != expected:  # judged on their own inputs
            lines.append(f"From your own earlier answers: {value_text(basis.value(field))}.")
    return " ".join(lines)


def segments(working: tuple[str, ...]) -> list[str]:
    """Working lines split where one line says two things ('…; params = 0')."""
    return [part.strip() for line in working for part in line.split("; ") if part.strip()]


def relevant(line: str, field: str) -> bool:
    counts = ("params", "trainable", "non-trainable", "features", "input_depth per group")
    if field == "params":
        return line.startswith(counts)
    return not line.startswith(counts)


def hide_results(lines: list[str]) -> list[str]:
    """Each line's result replaced by ?, and a later sum of earlier results written with their
    names, so that no line gives the answer away.

    >>> for line in hide_results(["features = 64 = 64 (axis 3)", "gamma = 2·64 = 128",
    ...                           "stats = 2·64 = 128", "params = 128 + 128 = 256"]):
    ...     print(line)
    features = 64 (axis 3)
    gamma = 2·64 = ?
    stats = 2·64 = ?
    params = gamma + stats = ?
    """
    named: dict[str, list[str]] = {}  # an earlier result -> the names that gave it, in order

    def name_of(number: re.Match[str]) -> str:
        names = named.get(number.group())
        return names.pop(0) if names else number.group()

    hidden = []
    for line in lines:
        head, separator, tail = line.rpartition(" = ")
        note = tail.partition("  ")[2]  # '26  (same: pads 1 before, 1 after)'
        note = f"  {note}" if note and not note.startswith("(same") else ""
        if separator and " = " in head:
            label, expression = head.split(" = ", 1)
            if re.fullmatch(r"[0-9 +]+", expression):
                expression = re.sub(r"[0-9]+", name_of, expression)
            result = tail.split()[0]
            if expression == result:  # 'features = 64 = 64 (axis 3)': a given, not a result
                hidden.append(f"{label} = {tail}")
                continue
            named.setdefault(result, []).append(label.partition(" (")[0])
            line = f"{label} = {expression} = ?{note}"
        elif separator and ARITHMETIC.search(head):  # 'axis -1: 4 + 4 = 8'
            line = f"{head} = ?{note}"
        hidden.append(line)
    return hidden


ARITHMETIC = re.compile("[+·/−×]")


def leaks(text: str, answer: Any) -> bool:
    """Whether a hint's text gives the answer itself: the count, or the shape in any notation.

    >>> leaks("params = 16,010", 16010), leaks("(1600 + 1)·10 = ?", 16010)
    (True, False)
    >>> leaks("output: units = 10", (10,)), leaks("26×26×32", (26, 26, 32))
    (True, True)
    >>> leaks("r = the whole input", "whole input"), leaks("macs = ?·?·4 = ?", None)
    (True, False)
    """
    if isinstance(answer, tuple):
        if len(answer) == 1:
            return leaks(text, answer[0])
        forms = [tuple_text(answer), shape_text(answer), "×".join(map(str, answer))]
        return any(form in text for form in forms)
    if isinstance(answer, str):
        return answer in text
    if not isinstance(answer, int):  # unknown
        return False
    forms = {str(answer), f"{answer:,}"}
    return any(re.search(rf"(?<![0-9.,]){re.escape(f)}(?![0-9]|[.,][0-9])", text) for f in forms)


def lesson(mistake: str, layer: Layer, row: LayerRow) -> str:
    """The mistake's lesson with this layer's own numbers (a window's only for a window, the
    groups only for a convolution: no lesson of another kind names them)."""
    numbers: dict[str, Any] = {
        "type": row.type,
        "source": row.inputs[0],
        "depth_lesson": depth_lesson(layer),
    }
    if isinstance(layer, Padded):
        numbers["strides"] = dims(layer.window_strides())
        numbers["pool"] = dims(layer.window())
        numbers["dilation"] = dims(layer.dilations())
        numbers["span"] = dims(layer.spans())
    if isinstance(layer, Conv):
        numbers["groups"] = layer.groups
    if isinstance(layer, DROPOUTS):
        numbers["rate"] = f"{layer.rate:g}"
    return LESSONS[mistake].format(**numbers)


def depth_lesson(layer: Layer) -> str:
    if isinstance(layer, Conv):
        return "a convolution's output depth is its number of filters."
    if isinstance(layer, Windowed):
        return "check the filters and depth_multiplier."
    if isinstance(layer, Spatial):
        return "this layer keeps its input's depth."
    return "check the last axis."


def dims(values: tuple[int, ...]) -> str:
    """(2, 2) -> '2', (2, 3) -> '2×3': one number when every axis agrees."""
    return str(values[0]) if len(set(values)) == 1 else "×".join(map(str, values))
