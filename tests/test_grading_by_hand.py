"""What a student sees for a typical mistake, with the right answers worked by hand.

The lecture's MNIST convnet (tests/test_grading.py's MNIST key) and small networks whose
output sizes are written here with the lecture's formulas: 'valid' ⌊(W + 2p − k)/s⌋ + 1,
'same' ⌈W/s⌉, MACs = output positions · filters · k·k·d. Each case says which diagnosis a
wrong answer gets, and where no known mistake explains it, that none is named (a wrong lesson
teaches the wrong thing). cnncalc builds the network being graded, never the expected values.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from cnncalc.classroom.answers import Unreadable
from cnncalc.classroom.grading import LESSONS
from cnncalc.sources import load_spec

from .test_grading import graded, holds, item

CONV1_MACS = 26 * 26 * 32 * 3 * 3 * 1  # 194,688: every output value multiplies a 3·3·1 window
CONV1_OUTPUTS = 26 * 26 * 32  # 21,632 output values, one bias addition each

NETWORKS: dict[str, dict[str, Any]] = {
    # 28 − 3 + 1 = 26 and 30 − 3 + 1 = 28: a non-square output
    "wide": {"input_shape": [28, 30, 1], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 32, "kernel_size": 3}]},
    # 'same', stride 1: ⌈28/1⌉ = 28
    "same": {"input_shape": [28, 28, 1], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 8, "kernel_size": 3, "padding": "same"}]},
    # p = 1: (7 + 2 − 3)/3 = 2 exactly, + 1 = 3; without the padding (7 − 3)/3 is not exact
    "padded": {"input_shape": [7, 7, 1], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 4, "kernel_size": 3, "strides": 3,
         "padding": 1}]},
    # 10 − 3 + 1 = 8 with 8 filters: width and depth both 8
    "cube": {"input_shape": [10, 10, 3], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 8, "kernel_size": 3}]},
    # 10 − 3 + 1 = 8 with 16 filters
    "deep": {"input_shape": [10, 10, 3], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 16, "kernel_size": 3}]},
    # a sequence: 28 − 3 + 1 = 26 steps, 32 filters
    "sequence": {"input_shape": [28, 1], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 32, "kernel_size": 3}]},
    # channels first: (filters, 26, 26)
    "first": {"input_shape": [1, 28, 28], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 32, "kernel_size": 3,
         "data_format": "channels_first"}]},
    # transposed: (7 − 1)·2 + 3 + 1 = 16; as a convolution ⌊(7 − 3)/2⌋ + 1 = 3
    "transposed_padded": {"input_shape": [7, 7, 8], "layers": [
        {"type": "Conv2DTranspose", "name": "up", "filters": 4, "kernel_size": 3, "strides": 2,
         "output_padding": 1}]},
    # transposed on 2×2: (2 − 1)·1 + 3 = 4; as a convolution the 3×3 window does not fit
    "transposed_small": {"input_shape": [2, 2, 8], "layers": [
        {"type": "Conv2DTranspose", "name": "up", "filters": 4, "kernel_size": 3}]},
    # Dropout(0.2) on 10×100: the shape passes through; 100·0.8 = 80 kept, 100·0.2 = 20
    "dropped": {"input_shape": [10, 100], "layers": [
        {"type": "Dropout", "name": "drop", "rate": 0.2}]},
    # SpatialDropout2D(0.25) on 8×8×16: 16·0.75 = 12 channels kept
    "spatial_dropped": {"input_shape": [8, 8, 16], "layers": [
        {"type": "SpatialDropout2D", "name": "drop", "rate": 0.25}]},
    # dilation 2 spans (3 − 1)·2 + 1 = 5: 32 − 5 + 1 = 28
    "dilated": {"input_shape": [32, 32, 3], "layers": [
        {"type": "Conv2D", "name": "dil", "filters": 8, "kernel_size": 3, "dilation_rate": 2}]},
    # two 'same' branches, ⌈8/1⌉ = 8 each, joined: (8, 8, 4 + 4)
    "branches": {"input_shape": [8, 8, 3], "layers": [
        {"type": "Conv2D", "name": "a", "filters": 4, "kernel_size": 3, "padding": "same"},
        {"type": "Conv2D", "name": "b", "filters": 4, "kernel_size": 3, "padding": "same",
         "inputs": ["input"]},
        {"type": "Concatenate", "name": "cat", "inputs": ["a", "b"]}]},
    # Dense on each of 5 steps: (5, 10)
    "dense_steps": {"input_shape": [5, 8], "layers": [
        {"type": "Dense", "name": "dense", "units": 10}]},
    # strides 2 down, 1 across: ⌊(9 − 3)/2⌋ + 1 = 4 by 9 − 3 + 1 = 7
    "strided": {"input_shape": [9, 9, 1], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 4, "kernel_size": 3, "strides": [2, 1]}]},
    # a sequence with stride 2: ⌊(28 − 3)/2⌋ + 1 = 13
    "strided_sequence": {"input_shape": [28, 1], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 4, "kernel_size": 3, "strides": 2}]},
    # a window that fits exactly once: ⌊(3 − 3)/1⌋ + 1 = 1
    "one_step": {"input_shape": [3, 2], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 4, "kernel_size": 3}]},
    # an image of any size: the output positions, and so the MACs, are unknown
    "any_size": {"input_shape": [None, None, 3], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 4, "kernel_size": 3}]},
    # a kernel of area 2: 10 − 2 + 1 = 9 steps · 4 filters · 2·1 = 72 MACs
    "pairs": {"input_shape": [10, 1], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 4, "kernel_size": 2}]},
    # depthwise: 10 − 3 + 1 = 8, depth 3·2 = 6 (input depth times depth_multiplier)
    "depthwise": {"input_shape": [10, 10, 3], "layers": [
        {"type": "DepthwiseConv2D", "name": "dw", "kernel_size": 3, "depth_multiplier": 2}]},
    # no bias: 3·3·1·32 = 288 weights and nothing else
    "no_bias": {"input_shape": [28, 28, 1], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 32, "kernel_size": 3, "use_bias": False}]},
    # 'same' on a sequence: ⌈28/1⌉ = 28 steps, 4 filters
    "same_sequence": {"input_shape": [28, 1], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 4, "kernel_size": 3, "padding": "same"}]},
    # UpSampling by 2 between two convolutions: fields 3, 7/2 and 4 (see the test below)
    "upsampled": {"input_shape": [8, 8, 1], "layers": [
        {"type": "Conv2D", "name": "c", "filters": 2, "kernel_size": 3},
        {"type": "UpSampling2D", "name": "u"},
        {"type": "Conv2D", "name": "c2", "filters": 2, "kernel_size": 2}]},
    # 28 − 3 + 1 = 26 steps of 32, pooled by 2: 13
    "pooled_sequence": {"input_shape": [28, 1], "layers": [
        {"type": "Conv1D", "name": "conv", "filters": 32, "kernel_size": 3},
        {"type": "MaxPooling1D", "name": "pool"}]},
    # (grouped, transposed_same and bn16: test_grading.py's SMALL networks)
}  # fmt: skip


LESSON_OPENINGS = [text.split("{")[0] for text in LESSONS.values() if not text.startswith("{")]
"""Each lesson's words up to its first number, to see that no lesson is given."""


def network(name: str) -> Any:
    """A small network above by name, or a preset's name as it is."""
    return load_spec(NETWORKS[name]) if name in NETWORKS else name


SHAPE_MISTAKES = [
    # the width forgot the + 1, the height is right: off by one (only the width is checked)
    ("wide", "conv", (26, 27, 32), "off_by_one"),
    # ⌊(3 − 3)/1⌋ = 0 without the + 1 for the one position
    ("one_step", "conv", (0, 4), "off_by_one"),
    # 'same' keeps 28; 27 is no rounding slip of a 'same' layer, nor the 'valid' 26
    ("same", "conv", (27, 27, 8), None),
    # (7 + 2 − 3)/3 = 2 is exact, so 4 is the + 1 counted twice, not a ceiling
    ("padded", "conv", (4, 4, 4), "off_by_one"),
    # one axis one short, the other rounded up: two different slips, no single lesson
    ("mnist", "max_pooling2d_1", (4, 6, 64), None),
    # one short and the depth wrong too: not just a rounding slip
    ("mnist", "conv2d", (25, 25, 64), None),
    # the right 8×8 with the wrong depth, where the width is also 8
    ("cube", "conv", (8, 8, 16), "wrong_depth"),
    ("deep", "conv", (8, 8, 8), "wrong_depth"),
    ("sequence", "conv", (26, 16), "wrong_depth"),
    # a 2-axis output written depth first
    ("sequence", "conv", (32, 26), "channels_first_order"),
    ("dense_steps", "dense", (10, 5), "channels_first_order"),
    ("dense_steps", "dense", (5, 7), "wrong_depth"),
    # a channels_first layer's answer with the depth moved: not 'write the depth last'
    ("first", "conv", (26, 32, 26), None),
    # the transposed layer computed as a convolution, output_padding and all
    ("transposed_padded", "up", (3, 3, 4), "transposed_as_conv"),
    # a wrong size that is no convolution of the input (none fits 2×2)
    ("transposed_small", "up", (3, 3, 4), None),
    ("dilated", "dil", (20, 20, 8), None),
    # Flatten's size taken from the input image, 28·28·1 = 784, not 5·5·64 = 1600
    ("mnist", "flatten", (784,), "flatten_size"),
    # the Dense's output written as its input's 1600: no Flatten, no "take the size" lesson
    ("mnist", "dense", (1600,), None),
    # a Dropout's shape shrunk by its rate: what it keeps or what it drops
    ("dropped", "drop", (10, 80), "dropout_shrinks"),
    ("dropped", "drop", (10, 20), "dropout_shrinks"),
    ("dropped", "drop", (8, 80), None),  # the steps changed too: no single lesson
    ("dropped", "drop", (10, 50), "wrong_depth"),  # 50 is no rate of 100 here
    ("spatial_dropped", "drop", (8, 8, 12), "dropout_shrinks"),
]


@pytest.mark.parametrize(("net", "layer", "given", "mistake"), SHAPE_MISTAKES)
def test_a_wrong_shape_gets_the_lesson_of_its_mistake_or_none(
    net: str, layer: str, given: tuple[int, ...], mistake: str | None
) -> None:
    found = item(graded(network(net), {(layer, "output_shape"): given}), layer, "output_shape")
    assert (found.status, found.mistake) == ("wrong", mistake)
    if mistake is None:  # no lesson: what they wrote, then the formula (if any)
        assert not any(opening in found.hint for opening in LESSON_OPENINGS)
    else:
        assert found.hint.split(". ", 1)[1].startswith(LESSONS[mistake].split("{")[0])


COST_MISTAKES = [
    # the bias additions counted as MACs: 194,688 + 21,632
    ("mnist", "conv2d", "macs", CONV1_MACS + CONV1_OUTPUTS, "macs_bias_counted"),
    # one MAC per output value: the 3·3 window forgotten
    ("mnist", "conv2d", "macs", CONV1_OUTPUTS, "macs_kernel_area_forgotten"),
    # a kernel of area 2 forgotten: 9 · 4 = 36
    ("pairs", "conv", "macs", 9 * 4, "macs_kernel_area_forgotten"),
    # some other wrong count: no lesson
    ("mnist", "conv2d", "macs", 1, None),
    # a pooling layer has no bias: its output count, 13·13·32 = 5,408, is no bias mistake
    ("mnist", "max_pooling2d", "macs", 13 * 13 * 32, None),
    # conv2d_1 sees 4 + (3 − 1)·2 = 8; with every stride 1 it would be 3 + 1 + 2 = 6
    ("mnist", "conv2d_1", "receptive_field", (6, 6), "rf_stride_jump_ignored"),
    ("mnist", "conv2d_1", "receptive_field", (7, 7), None),
]


@pytest.mark.parametrize(("net", "layer", "field", "given", "mistake"), COST_MISTAKES)
def test_a_wrong_cost_gets_the_lesson_of_its_mistake_or_none(
    net: str, layer: str, field: str, given: Any, mistake: str | None
) -> None:
    found = item(graded(network(net), {(layer, field): given}), layer, field)
    assert (found.status, found.mistake) == ("wrong", mistake)
    if mistake is not None:
        assert LESSONS[mistake] in found.hint


def test_each_cost_left_open_is_named_in_the_note() -> None:
    two = load_spec({"input_shape": [None, 3], "layers": [  # 1-D: steps of any number
        {"type": "Conv1D", "name": "a", "filters": 2, "kernel_size": 3},
        {"type": "Conv1D", "name": "b", "filters": 2, "kernel_size": 3}]})  # fmt: skip
    report = graded(two, {("a", "macs"): 1, ("b", "macs"): 2})
    assert report.notes == [
        "not graded: a macs, b macs (and the total), which depend on sizes the network "
        "leaves open (None)"
    ]


def test_macs_that_depend_on_sizes_left_open_are_not_graded() -> None:
    """An image of any size: the convolution's MACs (and so the total) have no answer; a sheet
    asking them grades the rest and says which were left out (before: 'wrong', 'Answer: .')."""
    answers = {("conv", "macs"): 4 * 3 * 3 * 3, ("conv", "output_shape"): (None, None, 4)}
    report = graded(network("any_size"), {**answers, ("total", "macs"): 108}, reveal=True)
    assert [(i.layer, i.field, i.status) for i in report.items] == [
        ("conv", "output_shape", "correct"),
        ("conv", "params", "missing"),
        (None, "total_params", "missing"),
    ]
    assert report.notes == [
        "not graded: conv macs (and the total), which depend on sizes the network leaves "
        "open (None)"
    ]


def test_each_cost_item_says_whose_answer_and_what_was_written() -> None:
    """The macs items a teacher reads: blank, unreadable, right and wrong, each in full."""
    unreadable = Unreadable("lots", "not a count: write digits, e.g. 18496 or 18,496")
    answers = {
        ("conv2d", "macs"): CONV1_MACS + CONV1_OUTPUTS,
        ("conv2d_1", "macs"): unreadable,
        ("dense", "macs"): 1600 * 10,
        ("max_pooling2d", "receptive_field"): (4, 4),  # 3 + (2 − 1)·1
    }
    report = graded("mnist", answers, reveal=True)
    seen = {
        (i.layer, i.field): (i.given, i.expected, i.status)
        for i in report.items
        if i.field in ("macs", "receptive_field") and i.layer in ("conv2d", "conv2d_1", "dense")
    }
    assert seen == {
        ("conv2d", "macs"): (CONV1_MACS + CONV1_OUTPUTS, CONV1_MACS, "wrong"),
        ("conv2d", "receptive_field"): (None, (3, 3), "missing"),
        ("conv2d_1", "macs"): (unreadable, 11 * 11 * 64 * 3 * 3 * 32, "unreadable"),
        ("conv2d_1", "receptive_field"): (None, (8, 8), "missing"),
        ("dense", "macs"): (16000, 1600 * 10, "correct"),
        ("dense", "receptive_field"): (None, "whole input", "missing"),
    }
    assert item(report, "max_pooling2d", "receptive_field").status == "correct"
    assert item(report, "conv2d_1", "macs").hint == (
        "Could not read 'lots': not a count: write digits, e.g. 18496 or 18,496."
    )
    assert item(report, "conv2d", "macs").hint == (
        f"You wrote 216,320. {LESSONS['macs_bias_counted']} "
        "Compute: macs = 26·26·32 · 3·3·1 = 194688. Answer: 194,688."
    )


def test_a_join_carried_from_both_wrong_branches_names_each() -> None:
    """Both branches taken as 'valid' (8 − 3 + 1 = 6): the join's (6, 6, 8) follows from them,
    and the credit says which two answers it followed from."""
    answers = {("a", "output_shape"): (6, 6, 4), ("b", "output_shape"): (6, 6, 4)}
    report = graded(network("branches"), {**answers, ("cat", "output_shape"): (6, 6, 8)})
    found = item(report, "cat", "output_shape")
    assert (found.status, found.expected) == ("carried_forward", (8, 8, 8))
    assert found.hint == "follows from your own answer for 'a' (None, 6, 6, 4), 'b' (None, 6, 6, 4)"


@pytest.mark.parametrize(
    ("net", "layer", "field", "given", "answer"),
    [
        # one axis, first layer: r = 1 + (3 − 1)·1 = 3, the kernel size itself
        ("sequence", "conv", "receptive_field", (5,), 3),
        ("sequence", "conv", "macs", 5, 26 * 32 * 3 * 1),
        ("mnist", "conv2d_1", "receptive_field", (7, 7), (8, 8)),
        ("mnist", "dense", "macs", 1601 * 10, 1600 * 10),
    ],
)
def test_a_cost_hint_never_states_its_answer_unless_revealed(
    net: str, layer: str, field: str, given: Any, answer: Any
) -> None:
    hidden = item(graded(network(net), {(layer, field): given}), layer, field).hint
    shown = item(graded(network(net), {(layer, field): given}, reveal=True), layer, field).hint
    assert not holds(hidden, answer)
    assert holds(shown, answer)  # revealed, the answer is there


LESSON_SENTENCES = [
    # pooled with stride 1: 26 − 2 + 1 = 25
    ("mnist", "max_pooling2d", "output_shape", (25, 25, 32),
     "A pooling layer's strides default to its pool_size (2), not 1: the windows do not overlap."),
    # stride 1 on both axes: 9 − 3 + 1 = 7 by 7
    ("strided", "conv", "output_shape", (7, 7, 4),
     "The stride is 2×1: the window jumps that many steps, so divide by it in the formula."),
    # stride 1: 28 − 3 + 1 = 26
    ("strided_sequence", "conv", "output_shape", (26, 4),
     "The stride is 2: the window jumps that many steps, so divide by it in the formula."),
    # the kernel's 3 used for its span 5: 32 − 3 + 1 = 30
    ("dilated", "dil", "output_shape", (30, 30, 8),
     "The dilation rate 2 spreads the kernel: it spans (k − 1)·d + 1 = 5 inputs, so use that "
     "span for k."),
    # any count on a layer with no weights, even 1
    ("mnist", "flatten", "params", 1,
     "Flatten has no weights to learn: it only selects, reshapes or scales values it is given."),
    # the Dense read conv2d_1's depth 64 for its inputs: (64 + 1)·10 = 650
    ("mnist", "dense", "params", (64 + 1) * 10,
     "Take the size from the right shape: the output of 'dropout', the layer this one reads."),
    # only γ and β: 2·16 = 32 of BatchNormalization's 4·16 = 64
    ("bn16", "bn", "params", 2 * 16,
     "BatchNormalization has 4 numbers per channel: γ and β are trained, and the moving mean "
     "and variance are not, but they are parameters too."),
    # 3·16 = 48: no known slip, no lesson
    ("bn16", "bn", "params", 3 * 16, None),
    # the right 26×26 with a wrong depth: a convolution's depth is its 32 filters
    ("mnist", "conv2d", "output_shape", (26, 26, 64),
     "The height and width are right; check the depth: a convolution's output depth is its "
     "number of filters."),
    # pooling 26×26×32 to 13×13: the depth stays 32
    ("mnist", "max_pooling2d", "output_shape", (13, 13, 64),
     "The height and width are right; check the depth: this layer keeps its input's depth."),
    # Dense(10) on 5 steps of 8 gives (5, 10): the last axis is its units, not 4
    ("dense_steps", "dense", "output_shape", (5, 4),
     "The height and width are right; check the depth: check the last axis."),
]  # fmt: skip


@pytest.mark.parametrize(("net", "layer", "field", "given", "lesson"), LESSON_SENTENCES)
def test_the_lesson_a_student_reads_names_the_layers_own_numbers(
    net: str, layer: str, field: str, given: Any, lesson: str | None
) -> None:
    hint = item(graded(network(net), {(layer, field): given}), layer, field).hint
    second = hint.split(". ", 1)[1]
    if lesson is None:
        assert second.startswith("Compute: ")
    else:
        assert second.startswith(lesson)


THE_MNIST_CONV = "⌊(28 + 2·0 − 3)/1⌋ + 1"  # conv2d: 'valid', k = 3, s = 1
THE_MNIST_POOL = "⌊(26 + 2·0 − 2)/2⌋ + 1"  # max_pooling2d: k = 2, s = 2 (= pool_size)
BIAS = LESSONS["missing_bias"]
DEPTH = "The height and width are right; check the depth: "

# (network, earlier answers, layer, field, wrong answer, the hint hidden, the hint revealed):
# every word a student reads, the numbers worked by hand. Hidden, each result is '?', a sum of
# earlier results is written with their names, and a line that would state the answer is left
# out; revealed, the results and the answer are there (and what follows from their own).
WHOLE_HINTS = [
    # the lecture's first convolution without its bias: 3·3·1·32 = 288 of (3·3·1 + 1)·32 = 320
    ("mnist", {}, "conv2d", "params", 288,
     f"You wrote 288. {BIAS} You computed: params = 3·3·1·32 = 288  (no bias). "
     "Compute: params = (3·3·1 + 1)·32 = ?.",
     f"You wrote 288. {BIAS} You computed: params = 3·3·1·32 = 288  (no bias). "
     "Compute: params = (3·3·1 + 1)·32 = 320. Answer: 320."),
    # k·k without the depth 32: (3·3·1 + 1)·64 = 640 of (3·3·32 + 1)·64 = 18,496
    ("mnist", {}, "conv2d_1", "params", 640,
     f"You wrote 640. {LESSONS['missing_input_depth']} You computed: params = (3·3·1 + 1)·64 = "
     "640. Compute: params = (3·3·32 + 1)·64 = ?.",
     f"You wrote 640. {LESSONS['missing_input_depth']} You computed: params = (3·3·1 + 1)·64 = "
     "640. Compute: params = (3·3·32 + 1)·64 = 18496. Answer: 18,496."),
    # 'same' kept 28 (⌈28/1⌉, one zero each side for k = 3) where 'valid' gives 26: the note on
    # what they computed stays, the hidden formula has no note
    ("mnist", {}, "conv2d", "output_shape", (28, 28, 32),
     f"You wrote (28, 28, 32). {LESSONS['padding_confusion']} You computed: output_height = "
     "⌈28/1⌉ = 28  (same: pads 1 before, 1 after); output_width = ⌈28/1⌉ = 28  (same: pads 1 "
     "before, 1 after); output_depth = filters = 32. Compute: output_height = "
     f"{THE_MNIST_CONV} = ?; output_width = {THE_MNIST_CONV} = ?; output_depth = filters = ?.",
     f"You wrote (28, 28, 32). {LESSONS['padding_confusion']} You computed: output_height = "
     "⌈28/1⌉ = 28  (same: pads 1 before, 1 after); output_width = ⌈28/1⌉ = 28  (same: pads 1 "
     "before, 1 after); output_depth = filters = 32. Compute: output_height = "
     f"{THE_MNIST_CONV} = 26; output_width = {THE_MNIST_CONV} = 26; output_depth = filters = "
     "32. Answer: (26, 26, 32)."),
    # a 1 in front of one shape (the next one has none, so it is no batch size for the sheet)
    ("mnist", {("max_pooling2d", "output_shape"): (13, 13, 32)}, "conv2d", "output_shape",
     (1, 26, 26, 32),
     f"You wrote (1, 26, 26, 32). {LESSONS['batch_dimension']} Compute: output_height = "
     f"{THE_MNIST_CONV} = ?; output_width = {THE_MNIST_CONV} = ?; output_depth = filters = ?.",
     f"You wrote (1, 26, 26, 32). {LESSONS['batch_dimension']} Compute: output_height = "
     f"{THE_MNIST_CONV} = 26; output_width = {THE_MNIST_CONV} = 26; output_depth = filters = "
     "32. Answer: (26, 26, 32)."),
    # pooled with stride 1: ⌊(26 − 2)/1⌋ + 1 = 25 of 13
    ("mnist", {}, "max_pooling2d", "output_shape", (25, 25, 32),
     "You wrote (25, 25, 32). A pooling layer's strides default to its pool_size (2), not 1: the "
     "windows do not overlap. You computed: output_height = ⌊(26 + 2·0 − 2)/1⌋ + 1 = 25; "
     "output_width = ⌊(26 + 2·0 − 2)/1⌋ + 1 = 25; output_depth = input_depth = 32. Compute: "
     f"stride = pool_size (Keras's default); output_height = {THE_MNIST_POOL} = ?; "
     f"output_width = {THE_MNIST_POOL} = ?; output_depth = input_depth = ?.",
     "You wrote (25, 25, 32). A pooling layer's strides default to its pool_size (2), not 1: the "
     "windows do not overlap. You computed: output_height = ⌊(26 + 2·0 − 2)/1⌋ + 1 = 25; "
     "output_width = ⌊(26 + 2·0 − 2)/1⌋ + 1 = 25; output_depth = input_depth = 32. Compute: "
     f"stride = pool_size (Keras's default); output_height = {THE_MNIST_POOL} = 13; "
     f"output_width = {THE_MNIST_POOL} = 13; output_depth = input_depth = 32. "
     "Answer: (13, 13, 32)."),
    # after their own 'same' 28×28: ⌊(28 − 2)/2⌋ + 1 = 14, and they wrote 15 (the 26/2 is exact,
    # so one too many, not a ceiling); the formula is computed from their own 28
    ("mnist", {("conv2d", "output_shape"): (28, 28, 32)}, "max_pooling2d", "output_shape",
     (15, 15, 32),
     f"You wrote (15, 15, 32). {LESSONS['off_by_one']} Compute from your own answer for "
     "'conv2d': stride = pool_size (Keras's default); output_height = ⌊(28 + 2·0 − 2)/2⌋ + 1 = "
     "?; output_width = ⌊(28 + 2·0 − 2)/2⌋ + 1 = ?; output_depth = input_depth = ?.",
     f"You wrote (15, 15, 32). {LESSONS['off_by_one']} Compute from your own answer for "
     "'conv2d': stride = pool_size (Keras's default); output_height = ⌊(28 + 2·0 − 2)/2⌋ + 1 = "
     "14; output_width = ⌊(28 + 2·0 − 2)/2⌋ + 1 = 14; output_depth = input_depth = 32. "
     "Answer: (13, 13, 32). From your own earlier answers: (14, 14, 32)."),
    # a pooling layer's params after their own wrong input: 0 either way, so not "from your own"
    # (and hidden, 'params = 0' would be the answer: no formula at all)
    ("mnist", {("conv2d", "output_shape"): (28, 28, 32)}, "max_pooling2d", "params", 3,
     "You wrote 3. MaxPooling2D has no weights to learn: it only selects, reshapes or scales "
     "values it is given.",
     "You wrote 3. MaxPooling2D has no weights to learn: it only selects, reshapes or scales "
     "values it is given. Compute: params = 0  (pooling has none). Answer: 0."),
    # conv2d_1 after their own depth 16 (carried through the pooling): (3·3·16 + 1)·64 = 9,280
    # is what their inputs give; 5 is no known slip of either
    ("mnist", {("conv2d", "output_shape"): (28, 28, 16)}, "conv2d_1", "params", 5,
     "You wrote 5. Compute from your own answer for 'max_pooling2d': params = (3·3·16 + 1)·64 = "
     "?.",
     "You wrote 5. Compute from your own answer for 'max_pooling2d': params = (3·3·16 + 1)·64 = "
     "9280. Answer: 18,496. From your own earlier answers: 9,280."),
    # the ungrouped count (3·3·8 + 1)·16 = 1,168; the per-group depth is a params line
    ("grouped", {}, "grp", "params", (3 * 3 * 8 + 1) * 16,
     "You wrote 1,168. With groups = 4 each filter sees only d/4 of the input channels: "
     "(k·k·d/g + 1)·n. You computed: params = (3·3·8 + 1)·16 = 1168. Compute: input_depth per "
     "group = 8/4 = ?; params = (3·3·2 + 1)·16 = ?.",
     "You wrote 1,168. With groups = 4 each filter sees only d/4 of the input channels: "
     "(k·k·d/g + 1)·n. You computed: params = (3·3·8 + 1)·16 = 1168. Compute: input_depth per "
     "group = 8/4 = 2; params = (3·3·2 + 1)·16 = 304. Answer: 304."),
    # the per-group depth is no part of a shape's working
    ("grouped", {}, "grp", "output_shape", (14, 14, 8),
     f"You wrote (14, 14, 8). {DEPTH}a convolution's output depth is its number of filters. "
     "Compute: output_height = ⌊(16 + 2·0 − 3)/1⌋ + 1 = ?; output_width = ⌊(16 + 2·0 − 3)/1⌋ + "
     "1 = ?; output_depth = filters = ?.",
     f"You wrote (14, 14, 8). {DEPTH}a convolution's output depth is its number of filters. "
     "Compute: output_height = ⌊(16 + 2·0 − 3)/1⌋ + 1 = 14; output_width = ⌊(16 + 2·0 − 3)/1⌋ + "
     "1 = 14; output_depth = filters = 16. Answer: (14, 14, 16)."),
    # a depthwise convolution keeps 3 channels times depth_multiplier 2 = 6
    ("depthwise", {}, "dw", "output_shape", (8, 8, 3),
     f"You wrote (8, 8, 3). {DEPTH}check the filters and depth_multiplier. Compute: "
     "output_height = ⌊(10 + 2·0 − 3)/1⌋ + 1 = ?; output_width = ⌊(10 + 2·0 − 3)/1⌋ + 1 = ?; "
     "output_depth = input_depth·depth_multiplier = 3·2 = ?.",
     f"You wrote (8, 8, 3). {DEPTH}check the filters and depth_multiplier. Compute: "
     "output_height = ⌊(10 + 2·0 − 3)/1⌋ + 1 = 8; output_width = ⌊(10 + 2·0 − 3)/1⌋ + 1 = 8; "
     "output_depth = input_depth·depth_multiplier = 3·2 = 6. Answer: (8, 8, 6)."),
    # a bias counted where there is none: 320 for 288; the note '(no bias)' stays, hidden too
    ("no_bias", {}, "conv", "params", 320,
     "You wrote 320. Compute: params = 3·3·1·32 = ?  (no bias).",
     "You wrote 320. Compute: params = 3·3·1·32 = 288  (no bias). Answer: 288."),
    # γ and β only (2·16 = 32): hidden, the given 16 stands and the sum is written with names
    ("bn16", {}, "bn", "params", 32,
     f"You wrote 32. {LESSONS['bn_trainable_only']} Compute: features = 16 (axis -1); "
     "trainable (γ + β) = 2·16 = ?; non-trainable (moving mean + moving variance) = 2·16 = ?; "
     "params = trainable + non-trainable = ?.",
     f"You wrote 32. {LESSONS['bn_trainable_only']} Compute: features = 16 = 16 (axis -1); "
     "trainable (γ + β) = 2·16 = 32; non-trainable (moving mean + moving variance) = 2·16 = 32; "
     "params = 32 + 32 = 64. Answer: 64."),
    # transposed 'same', stride 2: 5·2 = 10; (2, 2, 3) is no known slip; hidden, the '(same)'
    # note goes with the result
    ("transposed_same", {}, "up", "output_shape", (2, 2, 3),
     "You wrote (2, 2, 3). Compute: output_height = 5·2 = ?; output_width = 5·2 = ?; "
     "output_depth = filters = ?.",
     "You wrote (2, 2, 3). Compute: output_height = 5·2 = 10  (same); output_width = 5·2 = 10  "
     "(same); output_depth = filters = 3. Answer: (10, 10, 3)."),
    # Flatten's size from the input image: 28·28·1 = 784 of 5·5·64 = 1,600
    ("mnist", {}, "flatten", "output_shape", (784,),
     f"You wrote (784). {LESSONS['flatten_size'].format(source='max_pooling2d_1')} "
     "Compute: output = 5·5·64 = ?.",
     f"You wrote (784). {LESSONS['flatten_size'].format(source='max_pooling2d_1')} "
     "Compute: output = 5·5·64 = 1600. Answer: (1600)."),
    # the Dense read conv2d_1's depth 64: (64 + 1)·10 = 650 of (1600 + 1)·10 = 16,010
    ("mnist", {}, "dense", "params", 650,
     f"You wrote 650. {LESSONS['flatten_size'].format(source='dropout')} You computed: params = "
     "(64 + 1)·10 = 650. Compute: params = (1600 + 1)·10 = ?.",
     f"You wrote 650. {LESSONS['flatten_size'].format(source='dropout')} You computed: params = "
     "(64 + 1)·10 = 650. Compute: params = (1600 + 1)·10 = 16010. Answer: 16,010."),
    # the Dense's working states its units, 10, which is the answer: hidden, nothing to show
    ("mnist", {}, "dense", "output_shape", (11,),
     "You wrote (11).",
     "You wrote (11). Compute: output: the last axis 1600 becomes units = 10. Answer: (10)."),
    # the 28 of ⌈28/1⌉ is the input's, not the answer (28, 4): the line stays, hidden
    ("same_sequence", {}, "conv", "output_shape", (27, 4),
     "You wrote (27, 4). Compute: output_length = ⌈28/1⌉ = ?; output_depth = filters = ?.",
     "You wrote (27, 4). Compute: output_length = ⌈28/1⌉ = 28  (same: pads 1 before, 1 after); "
     "output_depth = filters = 4. Answer: (28, 4)."),
    # two 'same' branches of depth 4 joined: 4 + 4 = 8 (a sum of the inputs' depths, hidden)
    ("branches", {}, "cat", "output_shape", (8, 8, 9),
     f"You wrote (8, 8, 9). {DEPTH}check the last axis. Compute: axis -1: 4 + 4 = ?.",
     f"You wrote (8, 8, 9). {DEPTH}check the last axis. Compute: axis -1: 4 + 4 = 8. "
     "Answer: (8, 8, 8)."),
    # their own depth 5 for 'a': the join is 5 + 4 = 9 from their answers, named both
    ("branches", {("a", "output_shape"): (8, 8, 5)}, "cat", "output_shape", (8, 8, 10),
     f"You wrote (8, 8, 10). {DEPTH}check the last axis. Compute from your own answer for 'a', "
     "'b': axis -1: 5 + 4 = ?.",
     f"You wrote (8, 8, 10). {DEPTH}check the last axis. Compute from your own answer for 'a', "
     "'b': axis -1: 5 + 4 = 9. Answer: (8, 8, 8). From your own earlier answers: (8, 8, 9)."),
    # after their own 28×28: pooled 14, convolved 12, pooled 6, so 6·6·64 = 2,304 into the
    # Dense, whose (10) is the same either way: no "from your own earlier answers" line
    ("mnist", {("conv2d", "output_shape"): (28, 28, 32)}, "dense", "output_shape", (11,),
     "You wrote (11).",
     "You wrote (11). Compute from your own answer for 'dropout': output: the last axis 2304 "
     "becomes units = 10. Answer: (10)."),
    # the convolution written depth first, (32, 26, 26): the pooling after it is judged on
    # (26, 26, 32), the depth moved back last, so its formula is the network's 26, not 32
    ("mnist", {("conv2d", "output_shape"): (32, 26, 26)}, "max_pooling2d", "output_shape",
     (7, 7, 32),
     f"You wrote (7, 7, 32). Compute: stride = pool_size (Keras's default); output_height = "
     f"{THE_MNIST_POOL} = ?; output_width = {THE_MNIST_POOL} = ?; output_depth = input_depth = ?.",
     f"You wrote (7, 7, 32). Compute: stride = pool_size (Keras's default); output_height = "
     f"{THE_MNIST_POOL} = 13; output_width = {THE_MNIST_POOL} = 13; output_depth = input_depth = "
     "32. Answer: (13, 13, 32)."),
    # Dropout(0.5) on 1,600 taken to keep half: 800
    ("mnist", {("flatten", "output_shape"): (1600,)}, "dropout", "output_shape", (800,),
     "You wrote (800). Dropout sets a fraction (rate 0.5) of its values to 0 while training, "
     "and removes none: its output shape is its input shape. Compute: output shape = input "
     "shape.",
     "You wrote (800). Dropout sets a fraction (rate 0.5) of its values to 0 while training, "
     "and removes none: its output shape is its input shape. Compute: output shape = input "
     "shape. Answer: (1600)."),
    # 5 for the grouped convolution's (3·3·2 + 1)·16 = 304: no known slip, not groups_ignored
    ("grouped", {}, "grp", "params", 5,
     "You wrote 5. Compute: input_depth per group = 8/4 = ?; params = (3·3·2 + 1)·16 = ?.",
     "You wrote 5. Compute: input_depth per group = 8/4 = 2; params = (3·3·2 + 1)·16 = 304. "
     "Answer: 304."),
    # MACs with the 26·26·32 = 21,632 bias additions: 194,688 + 21,632 = 216,320
    ("mnist", {}, "conv2d", "macs", CONV1_MACS + CONV1_OUTPUTS,
     f"You wrote 216,320. {LESSONS['macs_bias_counted']} Compute: macs = 26·26·32 · 3·3·1 = ?.",
     f"You wrote 216,320. {LESSONS['macs_bias_counted']} Compute: macs = 26·26·32 · 3·3·1 = "
     "194688. Answer: 194,688."),
    # conv2d_1 sees 4 + (3 − 1)·2 = 8 on each axis; every stride 1 would give 6
    ("mnist", {}, "conv2d_1", "receptive_field", (6, 6),
     f"You wrote (6, 6). {LESSONS['rf_stride_jump_ignored']} Compute: receptive_field_height: "
     "r = 4 + (3 − 1)·2 = ?; receptive_field_width: r = 4 + (3 − 1)·2 = ?.",
     f"You wrote (6, 6). {LESSONS['rf_stride_jump_ignored']} Compute: receptive_field_height: "
     "r = 4 + (3 − 1)·2 = 8; receptive_field_width: r = 4 + (3 − 1)·2 = 8. Answer: (8, 8)."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("net", "earlier", "layer", "field", "given", "hidden", "revealed"), WHOLE_HINTS
)
def test_every_word_of_a_hint_hidden_and_revealed(
    net: str,
    earlier: dict[tuple[str, str], Any],
    layer: str,
    field: str,
    given: Any,
    hidden: str,
    revealed: str,
) -> None:
    answers = {**earlier, (layer, field): given}
    assert item(graded(network(net), answers), layer, field).hint == hidden
    assert item(graded(network(net), answers, reveal=True), layer, field).hint == revealed


@pytest.mark.parametrize("mistake", sorted(LESSONS))
def test_each_lesson_reads_as_whole_sentences(mistake: str) -> None:
    """A lesson goes into the hint as it is, between 'You wrote ….' and 'Compute: …'."""
    text = LESSONS[mistake].replace("{depth_lesson}", "each ends with a full stop.")
    assert text[0].isupper() or text.startswith("{type}")
    assert text.endswith(".") and text == text.strip()


def test_a_fractional_receptive_field_is_answered_as_a_fraction() -> None:
    """Nearest-neighbour UpSampling by u: output i reads input ⌊i/u⌋, the one integer in
    [(i − u + 1)/u, i/u], a window of 1 + (u − 1)/u = 3/2 with the stride 1/u = 1/2 (Araujo et
    al.'s fractional stride, docs/costs.md). After the 3×3 convolution (r = 3, S = 1):
    r = 3 + (3/2 − 1)·1 = 7/2, S = 1/2; then a 2×2 convolution: r = 7/2 + (2 − 1)·1/2 = 4."""
    seven_halves = (Fraction(7, 2), Fraction(7, 2))
    answers = {("u", "receptive_field"): seven_halves, ("c2", "receptive_field"): seven_halves}
    report = graded(network("upsampled"), answers, reveal=True)
    assert item(report, "u", "receptive_field").status == "correct"
    wrong = item(report, "c2", "receptive_field")
    assert (wrong.status, wrong.expected) == ("wrong", (4, 4))
    assert wrong.hint == (
        "You wrote (7/2, 7/2). Compute: receptive_field_height: r = 7/2 + (2 − 1)·1/2 = 4; "
        "receptive_field_width: r = 7/2 + (2 − 1)·1/2 = 4. Answer: (4, 4)."
    )
    written = json.loads(json.dumps(report.to_dict(reveal=True)))  # (a traceback before)
    u = next(i for i in written["items"] if i["layer"] == "u" and i["field"] == "receptive_field")
    assert u["given"] == u["expected"] == [3.5, 3.5]
    whole = next(
        i for i in written["items"] if i["layer"] == "c2" and i["field"] == "receptive_field"
    )
    assert [type(size) for size in whole["expected"]] == [int, int]  # 4, not 4.0


@pytest.mark.parametrize(
    ("net", "answers", "layer", "mistake"),
    [
        # a sequence: Conv1D on 28 steps gives (26, 32), pooled by 2 to (13, 32); a 1 in front
        # of the convolution's shape only
        ("pooled_sequence", {("pool", "output_shape"): (13, 32), ("conv", "output_shape"):
         (1, 26, 32)}, "conv", "batch_dimension"),
        # (1600, 10) for the Dense, whose input is the 1600 of Flatten: its kernel's shape, not a
        # batch of 1600 (so no batch lesson); the Flatten's (1600) is right
        ("mnist", {("flatten", "output_shape"): (1600,), ("dense", "output_shape"): (1600, 10)},
         "dense", None),
    ],
)  # fmt: skip
def test_a_number_in_front_of_one_shape(
    net: str, answers: dict[tuple[str, str], Any], layer: str, mistake: str | None
) -> None:
    found = item(graded(network(net), answers), layer, "output_shape")
    assert (found.status, found.mistake) == ("wrong", mistake)
