"""Grading that teaches: every mistake code on two networks, follow-through, hints.

Answer keys are written by hand: the lecture's MNIST printout (tests/data/
lecture_mnist_summary.txt, and (1600 + 1)·10 = 16,010 for its cut-off Dense row), LeNet-5's
published figures (LeCun et al. 1998: 156, 2,416, 48,120, 10,164, 850 weights), and hand
arithmetic written beside each wrong answer. cnncalc.analyze is used only to build the
network being graded, never to say what is right.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc.classroom.answers import DEFAULT_FIELDS, FIELDS, Answer, AnswerSheet, Unreadable
from cnncalc.classroom.grading import LESSONS, Report, grade
from cnncalc.sources import load_spec, preset_names

Key = dict[tuple[str, str], Any]

MNIST: Key = {
    ("conv2d", "output_shape"): (26, 26, 32),
    ("conv2d", "params"): 320,  # (3·3·1 + 1)·32
    ("max_pooling2d", "output_shape"): (13, 13, 32),
    ("max_pooling2d", "params"): 0,
    ("conv2d_1", "output_shape"): (11, 11, 64),
    ("conv2d_1", "params"): 18496,  # (3·3·32 + 1)·64
    ("max_pooling2d_1", "output_shape"): (5, 5, 64),
    ("max_pooling2d_1", "params"): 0,
    ("flatten", "output_shape"): (1600,),
    ("flatten", "params"): 0,
    ("dropout", "output_shape"): (1600,),
    ("dropout", "params"): 0,
    ("dense", "output_shape"): (10,),
    ("dense", "params"): 16010,  # (1600 + 1)·10
    ("total", "params"): 34826,
}
LENET5: Key = {
    ("conv2d", "output_shape"): (28, 28, 6),
    ("conv2d", "params"): 156,
    ("average_pooling2d", "output_shape"): (14, 14, 6),
    ("average_pooling2d", "params"): 0,
    ("conv2d_1", "output_shape"): (10, 10, 16),
    ("conv2d_1", "params"): 2416,
    ("average_pooling2d_1", "output_shape"): (5, 5, 16),
    ("average_pooling2d_1", "params"): 0,
    ("flatten", "output_shape"): (400,),
    ("flatten", "params"): 0,
    ("dense", "output_shape"): (120,),
    ("dense", "params"): 48120,
    ("dense_1", "output_shape"): (84,),
    ("dense_1", "params"): 10164,
    ("dense_2", "output_shape"): (10,),
    ("dense_2", "params"): 850,
    ("total", "params"): 61706,
}
KEYS = {"mnist": MNIST, "lenet5": LENET5}

# Small networks for the mistakes no preset shows, each with its right answers by hand.
SMALL = {
    "bn16": {"input_shape": [8, 8, 3], "layers": [
        {"type": "Conv2D", "name": "conv", "filters": 16, "kernel_size": 3},
        {"type": "BatchNormalization", "name": "bn"}]},  # 4·16 = 64 params, 2·16 trainable
    "transposed_valid": {"input_shape": [7, 7, 8], "layers": [
        {"type": "Conv2DTranspose", "name": "up", "filters": 4, "kernel_size": 3, "strides": 2}]},
    "transposed_same": {"input_shape": [5, 5, 2], "layers": [
        {"type": "Conv2DTranspose", "name": "up", "filters": 3, "kernel_size": 4, "strides": 2,
         "padding": "same"}]},
    "dilated3": {"input_shape": [32, 32, 3], "layers": [
        {"type": "Conv2D", "name": "dil", "filters": 8, "kernel_size": 3, "dilation_rate": 2}]},
    "dilated5": {"input_shape": [20, 20, 1], "layers": [
        {"type": "Conv2D", "name": "dil", "filters": 4, "kernel_size": 5, "dilation_rate": 3}]},
    "grouped": {"input_shape": [16, 16, 8], "layers": [
        {"type": "Conv2D", "name": "grp", "filters": 16, "kernel_size": 3, "groups": 4}]},
}  # fmt: skip


def spec_of(network: str) -> cnncalc.Spec:
    return load_spec(SMALL.get(network, network))  # type: ignore[arg-type]


def graded(network: str | cnncalc.Spec, answers: Key, reveal: bool = False) -> Report:
    """Grade a sheet holding exactly these answers (every other item left blank)."""
    spec = network if isinstance(network, cnncalc.Spec) else spec_of(network)
    names = dict.fromkeys(name for name, _ in answers if name != "total")
    asked = {field for _, field in answers}
    sheet = AnswerSheet(
        "sheet.yaml",
        total_params=answers.get(("total", "params")),
        total_macs=answers.get(("total", "macs")),
        fields=tuple(f for f in FIELDS if f in DEFAULT_FIELDS or f in asked),
    )
    sheet.layers = [
        Answer(name, *(answers.get((name, field)) for field in FIELDS)) for name in names
    ]
    return grade(sheet, spec, cnncalc.analyze(spec), reveal)


def item(report: Report, layer: str | None, field: str) -> Any:
    return next(i for i in report.items if i.layer == layer and i.field == field)


@pytest.mark.parametrize("network", KEYS)
def test_the_published_figures_get_full_marks(network: str) -> None:
    report = graded(network, KEYS[network])
    assert report.full_marks and report.score == report.max_score == len(KEYS[network])


# (network, layer, field, wrong answer written by hand, mistake): each on two networks.
MISTAKES = [
    ("mnist", "conv2d", "params", 3 * 3 * 1 * 32, "missing_bias"),
    ("lenet5", "dense", "params", 400 * 120, "missing_bias"),
    ("alexnet", "conv2d", "params", 11 * 11 * 3 * 96, "missing_bias"),
    ("mnist", "conv2d_1", "params", (3 * 3 + 1) * 64, "missing_input_depth"),
    ("vgg16", "block2_conv1", "params", (3 * 3 + 1) * 128, "missing_input_depth"),
    ("mnist", "max_pooling2d", "params", 320, "params_on_parameterless_layer"),
    ("mnist", "flatten", "params", 10, "params_on_parameterless_layer"),
    ("resnet50", "conv1_relu", "params", 5, "params_on_parameterless_layer"),
    ("mnist", "conv2d", "output_shape", (28, 28, 32), "padding_confusion"),  # 'same' keeps 28
    ("lenet5", "conv2d", "output_shape", (32, 32, 6), "padding_confusion"),
    ("alexnet", "conv2d_1", "output_shape", (23, 23, 256), "same_as_valid"),  # 27 − 5 + 1
    ("vgg16", "block1_conv1", "output_shape", (222, 222, 64), "same_as_valid"),  # 224 − 3 + 1
    ("alexnet", "conv2d", "output_shape", (217, 217, 96), "stride_ignored"),  # 227 − 11 + 1
    ("alexnet", "max_pooling2d", "output_shape", (53, 53, 96), "stride_ignored"),  # 55 − 3 + 1
    ("resnet50", "conv1_conv", "output_shape", (224, 224, 64), "stride_ignored"),
    ("mnist", "max_pooling2d", "output_shape", (25, 25, 32), "pool_stride_default"),  # 26 − 2 + 1
    ("lenet5", "average_pooling2d", "output_shape", (27, 27, 6), "pool_stride_default"),
    ("mnist", "conv2d", "output_shape", (25, 25, 32), "off_by_one"),
    ("lenet5", "conv2d", "output_shape", (27, 27, 6), "off_by_one"),
    ("alexnet", "conv2d", "output_shape", (56, 56, 96), "off_by_one"),  # (227 − 11)/4 is exact
    ("mnist", "max_pooling2d_1", "output_shape", (6, 6, 64), "ceil_instead_of_floor"),
    ("resnet50", "pool1_pool", "output_shape", (57, 57, 64), "ceil_instead_of_floor"),
    ("mnist", "conv2d", "output_shape", (26, 26, 1), "wrong_depth"),
    ("vgg16", "block1_pool", "output_shape", (112, 112, 128), "wrong_depth"),
    ("mnist", "conv2d", "output_shape", (32, 26, 26), "channels_first_order"),
    ("lenet5", "conv2d", "output_shape", (6, 28, 28), "channels_first_order"),
    ("mnist", "flatten", "output_shape", (11 * 11 * 64,), "flatten_size"),
    ("lenet5", "flatten", "output_shape", (10 * 10 * 16,), "flatten_size"),
    ("mnist", "dense", "params", (11 * 11 * 64 + 1) * 10, "flatten_size"),
    ("lenet5", "dense", "params", (10 * 10 * 16 + 1) * 120, "flatten_size"),
    ("resnet50", "conv1_bn", "params", 2 * 64, "bn_trainable_only"),
    ("bn16", "bn", "params", 2 * 16, "bn_trainable_only"),
    ("transposed_valid", "up", "output_shape", (3, 3, 4), "transposed_as_conv"),  # ⌊(7−3)/2⌋+1
    ("transposed_same", "up", "output_shape", (3, 3, 3), "transposed_as_conv"),  # ⌈5/2⌉
    ("dilated3", "dil", "output_shape", (30, 30, 8), "dilation_ignored"),  # 32 − 3 + 1
    ("dilated5", "dil", "output_shape", (16, 16, 4), "dilation_ignored"),  # 20 − 5 + 1
    ("grouped", "grp", "params", (3 * 3 * 8 + 1) * 16, "groups_ignored"),
    ("alexnet_grouped", "conv2d_1", "params", (5 * 5 * 96 + 1) * 256, "groups_ignored"),
    ("mnist", "dropout", "output_shape", (1600 // 2,), "dropout_shrinks"),  # rate 0.5 of 1600
    ("alexnet", "dropout_1", "output_shape", (4096 // 2,), "dropout_shrinks"),  # of 4096
    # the costs a worksheet may ask (cnncalc exercise --fields ...,macs,receptive_field)
    ("mnist", "conv2d", "macs", 26 * 26 * 32 * 3 * 3 * 1 + 26 * 26 * 32, "macs_bias_counted"),
    ("lenet5", "conv2d", "macs", 28 * 28 * 6 * 5 * 5 * 1 + 28 * 28 * 6, "macs_bias_counted"),
    ("mnist", "conv2d_1", "macs", 11 * 11 * 64 * 32, "macs_kernel_area_forgotten"),
    ("vgg16", "block1_conv2", "macs", 224 * 224 * 64 * 64, "macs_kernel_area_forgotten"),
    # 3×3 conv, 2×2 pool, 3×3 conv: 3 + 1 + 2 = 6 without the pool's jump (right: 3 + 1 + 2·2)
    ("mnist", "conv2d_1", "receptive_field", (6, 6), "rf_stride_jump_ignored"),
    ("vgg16", "block2_conv1", "receptive_field", (8, 8), "rf_stride_jump_ignored"),
    # one shape with a sample count in front, the others without: no batch read, a lesson
    ("mnist", "conv2d", "output_shape", (1, 26, 26, 32), "batch_dimension"),
    ("lenet5", "average_pooling2d", "output_shape", (64, 14, 14, 6), "batch_dimension"),
]


@pytest.mark.parametrize(("network", "layer", "field", "given", "mistake"), MISTAKES)
def test_mistakes_are_recognised(
    network: str, layer: str, field: str, given: Any, mistake: str
) -> None:
    """Each mistake in a sheet otherwise right (the published answers, where there are some)."""
    found = item(graded(network, {**KEYS.get(network, {}), (layer, field): given}), layer, field)
    assert (found.status, found.mistake) == ("wrong", mistake)
    written = "(" + ", ".join(map(str, given)) + ")" if isinstance(given, tuple) else f"{given:,}"
    assert found.hint.startswith(f"You wrote {written}. ")


def test_every_mistake_code_is_tested_on_two_networks() -> None:
    networks: dict[str, set[str]] = {}
    for network, _, _, _, mistake in MISTAKES:
        networks.setdefault(mistake, set()).add(network)
    assert set(networks) == set(LESSONS)
    assert all(len(found) >= 2 for found in networks.values())


def test_the_right_answers_of_the_small_networks_by_hand() -> None:
    """The small networks' right answers, so the mistakes above are judged against truth."""
    by_hand = [
        ("bn16", "bn", (6, 6, 16), 64),
        ("transposed_valid", "up", (15, 15, 4), (3 * 3 * 8 + 1) * 4),  # (7 − 1)·2 + 3
        ("transposed_same", "up", (10, 10, 3), (4 * 4 * 2 + 1) * 3),  # 5·2
        ("dilated3", "dil", (28, 28, 8), (3 * 3 * 3 + 1) * 8),  # span (3 − 1)·2 + 1 = 5
        ("dilated5", "dil", (8, 8, 4), (5 * 5 * 1 + 1) * 4),  # span 13
        ("grouped", "grp", (14, 14, 16), (3 * 3 * 2 + 1) * 16),
    ]
    for network, layer, shape, params in by_hand:
        report = graded(network, {(layer, "output_shape"): shape, (layer, "params"): params})
        assert item(report, layer, "output_shape").status == "correct", network
        assert item(report, layer, "params").status == "correct", network


def test_hints_teach_without_giving_the_answer_away() -> None:
    report = graded("mnist", {("conv2d", "params"): 288})
    hint = item(report, "conv2d", "params").hint
    assert hint == (
        "You wrote 288. Each filter (or unit) also has one bias: the + 1 in the lecture's "
        "(k·k·d + 1)·n. You computed: params = 3·3·1·32 = 288  (no bias). "
        "Compute: params = (3·3·1 + 1)·32 = ?."
    )
    revealed = graded("mnist", {("conv2d", "params"): 288}, reveal=True)
    assert item(revealed, "conv2d", "params").hint.endswith("Answer: 320.")


def test_batch_normalization_hint_names_the_parts_instead_of_adding_them_up() -> None:
    hint = item(graded("resnet50", {("conv1_bn", "params"): 128}), "conv1_bn", "params").hint
    assert "You wrote 128. BatchNormalization has 4 numbers per channel" in hint
    assert "params = trainable + non-trainable = ?" in hint
    assert "128 + 128" not in hint and "256" not in hint


def test_a_parameterless_layer_hint_has_no_empty_formula() -> None:
    hint = item(graded("mnist", {("dropout", "params"): 5}), "dropout", "params").hint
    assert hint == (
        "You wrote 5. Dropout has no weights to learn: it only selects, reshapes or scales "
        "values it is given."
    )


def test_shape_hints_show_the_formula_with_the_layers_numbers() -> None:
    report = graded("alexnet", {("conv2d", "output_shape"): (217, 217, 96)})
    hint = item(report, "conv2d", "output_shape").hint
    assert "The stride is 4" in hint
    assert "⌊(227 + 2·0 − 11)/1⌋ + 1 = 217" in hint  # what the student computed
    assert "output_width = ⌊(227 + 2·0 − 11)/4⌋ + 1 = ?" in hint  # what to compute


def with_changes(key: Key, changes: Key) -> Key:
    return {**key, **changes}


def test_follow_through_credit_along_a_chain() -> None:
    """One slip at the first layer; every answer after it follows from it correctly."""
    report = graded(
        "mnist",
        with_changes(
            MNIST,
            {
                ("conv2d", "output_shape"): (28, 28, 32),  # 'same' instead of 'valid'
                ("max_pooling2d", "output_shape"): (14, 14, 32),
                ("conv2d_1", "output_shape"): (12, 12, 64),
                ("max_pooling2d_1", "output_shape"): (6, 6, 64),
                ("flatten", "output_shape"): (2304,),
                ("dropout", "output_shape"): (2304,),
                ("dense", "params"): (2304 + 1) * 10,
                ("total", "params"): 320 + 18496 + (2304 + 1) * 10,
            },
        ),
    )
    statuses = {(i.layer, i.field): (i.status, i.mistake) for i in report.items}
    assert statuses[("conv2d", "output_shape")] == ("wrong", "padding_confusion")
    followed = [k for k, v in statuses.items() if v == ("carried_forward", None)]
    assert followed == [
        ("max_pooling2d", "output_shape"),
        ("conv2d_1", "output_shape"),
        ("max_pooling2d_1", "output_shape"),
        ("flatten", "output_shape"),
        ("dropout", "output_shape"),
        ("dense", "params"),
        (None, "total_params"),
    ]
    assert report.score == report.max_score - 1


def test_mistakes_are_diagnosed_on_the_students_own_carried_values() -> None:
    """Flatten 2304 follows from the student's own 6×6×64 pool; their Dense 23,040 = 2304·10
    forgets the bias *on their own numbers*, and the hint computes from 2304 too."""
    report = graded(
        "mnist",
        with_changes(
            MNIST,
            {
                ("max_pooling2d_1", "output_shape"): (6, 6, 64),  # ⌈11/2⌉ instead of ⌊⌋
                ("flatten", "output_shape"): (2304,),
                ("dropout", "output_shape"): (2304,),
                ("dense", "params"): 2304 * 10,
            },
        ),
    )
    assert item(report, "flatten", "output_shape").status == "carried_forward"
    dense = item(report, "dense", "params")
    assert (dense.status, dense.mistake) == ("wrong", "missing_bias")
    assert "(2304 + 1)·10 = ?" in dense.hint and "1600" not in dense.hint
    assert "Compute from your own answer for 'dropout': params = (2304 + 1)·10 = ?." in dense.hint


def test_follow_through_of_a_wrong_depth_into_the_next_conv() -> None:
    report = graded(
        "lenet5",
        with_changes(
            LENET5,
            {
                ("conv2d", "output_shape"): (28, 28, 16),
                ("average_pooling2d", "output_shape"): (14, 14, 16),
                ("conv2d_1", "params"): (5 * 5 * 16 + 1) * 16,
            },
        ),
    )
    assert item(report, "conv2d", "output_shape").mistake == "wrong_depth"
    assert item(report, "average_pooling2d", "output_shape").status == "carried_forward"
    assert item(report, "conv2d_1", "params").status == "carried_forward"


def test_a_wrong_answer_that_does_not_follow_is_still_wrong() -> None:
    report = graded(
        "mnist",
        {("conv2d", "output_shape"): (28, 28, 32), ("max_pooling2d", "output_shape"): (15, 15, 32)},
    )
    assert item(report, "max_pooling2d", "output_shape").status == "wrong"


def test_missing_answers_and_the_total() -> None:
    report = graded("mnist", with_changes(MNIST, {("dense", "params"): None}))
    assert item(report, "dense", "params").status == "missing"
    report = graded("mnist", with_changes(MNIST, {("total", "params"): None}))
    assert item(report, None, "total_params").status == "missing"


def test_leaving_out_non_trainable_params_from_the_total_is_explained() -> None:
    # ResNet50's published totals (keras.io/api/applications): 25,636,712 params of which
    # 53,120 are BatchNormalization's moving statistics.
    report = graded("resnet50", {("total", "params"): 25_636_712 - 53_120})
    total = item(report, None, "total_params")
    assert total.status == "wrong" and "non-trainable" in total.hint
    assert (
        item(graded("resnet50", {("total", "params"): 25_636_712}), None, "total_params").status
        == "correct"
    )


def test_unreadable_answers_get_their_own_status_and_no_credit() -> None:
    unreadable = Unreadable("lots", "not a count: write digits, e.g. 18496 or 18,496")
    report = graded("mnist", with_changes(MNIST, {("conv2d", "params"): unreadable}))
    found = item(report, "conv2d", "params")
    assert (found.status, found.credited) == ("unreadable", False)
    assert found.hint == "Could not read 'lots': not a count: write digits, e.g. 18496 or 18,496."
    assert report.unreadable == 1 and report.score == report.max_score - 1


# Every hint of many graded sheets, checked not to hold its item's answer.


def holds(hint: str, answer: Any) -> bool:
    """Whether text states the answer: a count as a whole number (with or without separators),
    a shape in any of the notations a student reads."""
    if isinstance(answer, tuple):
        if len(answer) == 1:
            return holds(hint, answer[0])
        inner = ", ".join(map(str, answer))
        forms = [f"({inner})", f"[{inner}]", f"(None, {inner})", "×".join(map(str, answer))]
        forms.append("x".join(map(str, answer)))
        return any(form in hint for form in forms)
    return any(
        re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", hint)
        for form in {str(answer), f"{answer:,}"}
    )


def spoiled(value: Any, how: int) -> Any:
    """A wrong answer of one of several kinds (off by one, doubled, halved, swapped, zero)."""
    if isinstance(value, tuple):
        options = [
            tuple(v + 1 for v in value),
            tuple(v - 1 for v in value),
            (*value[:-1], value[-1] * 2),
            value[::-1],
            tuple(v * 2 for v in value),
        ]
    else:
        options = [value + 1, value * 2, value // 2 + 3, 0 if value else 7, value - 1]
    return options[how % len(options)]


SHEETS = [
    *preset_names(),
    *(f"random:{d}:{s}" for d in ("easy", "medium", "hard") for s in range(12)),
]


@pytest.mark.parametrize("network", SHEETS)
def test_no_hint_gives_its_answer_away_unless_revealed(network: str) -> None:
    spec = load_spec(network)
    analysis = cnncalc.analyze(spec)
    truths: Key = {}
    for row in analysis:
        if row.type != "InputLayer":
            truths[(row.name, "output_shape")] = row.output_shape
            truths[(row.name, "params")] = row.params
            truths[(row.name, "macs")] = row.macs
            if row.receptive_field is not None and all(
                size == int(size) for size in row.receptive_field.size
            ):
                truths[(row.name, "receptive_field")] = tuple(map(int, row.receptive_field.size))
    truths[("total", "params")] = analysis.total_params
    truths[("total", "macs")] = analysis.total_macs
    for how in range(5):
        wrong = {k: spoiled(v, how + n) for n, (k, v) in enumerate(truths.items())}
        for reveal in (False, True):
            report = graded(spec, wrong, reveal)
            for found in report.items:
                if found.status != "wrong":
                    continue
                assert found.hint, found
                assert holds(found.hint, found.expected) == reveal, (found.label, found.hint)


def test_the_leak_check_catches_answers() -> None:
    """The check above is itself checked: it sees each notation of an answer."""
    assert holds("params = 16,010", 16010) and holds("= 16010.", 16010)
    assert not holds("(1600 + 1)·10 = ?", 16010) and not holds("3·3·1·32 = 288", 28)
    assert holds("Answer: (26, 26, 32).", (26, 26, 32)) and holds("26×26×32", (26, 26, 32))
    assert holds("output = units = 10", (10,))


def test_reading_a_sheet_file_with_unreadable_values(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "exercise: mnist\nlayers:\n  - name: conv2d\n    output_shape: big\n"
        "    params: 3²⁰\ntotal_params:\n"
    )
    from cnncalc.classroom.checking import check_files

    (report,) = check_files([path])
    assert item(report, "conv2d", "output_shape").status == "unreadable"
    assert item(report, "conv2d", "params").status == "unreadable"
    assert report.error is None


def test_every_mistake_code_is_documented_with_an_example() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "exercise.md").read_text(encoding="utf-8")
    for code in LESSONS:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{code}` |")), "")
        assert row.count("|") == 4 and "→" in row, code


# The costs a worksheet may ask: MNIST's by hand (MACs: output positions · filters · k·k·d;
# receptive fields: r grows by (k − 1)·S, S the product of the strides before).
MNIST_COSTS: Key = {
    ("conv2d", "macs"): 26 * 26 * 32 * 3 * 3 * 1,
    ("conv2d", "receptive_field"): (3, 3),
    ("max_pooling2d", "macs"): 0,
    ("max_pooling2d", "receptive_field"): (4, 4),  # 3 + (2 − 1)·1
    ("conv2d_1", "macs"): 11 * 11 * 64 * 3 * 3 * 32,
    ("conv2d_1", "receptive_field"): (8, 8),  # 4 + (3 − 1)·2
    ("max_pooling2d_1", "macs"): 0,
    ("max_pooling2d_1", "receptive_field"): (10, 10),  # 8 + (2 − 1)·2
    ("flatten", "macs"): 0,
    ("flatten", "receptive_field"): "whole input",
    ("dropout", "macs"): 0,
    ("dropout", "receptive_field"): "whole input",
    ("dense", "macs"): 1600 * 10,
    ("dense", "receptive_field"): "whole input",
    ("total", "macs"): 194_688 + 2_230_272 + 16_000,
}


def test_the_costs_by_hand_get_full_marks() -> None:
    report = graded("mnist", {**MNIST, **MNIST_COSTS})
    assert report.full_marks and report.max_score == len(MNIST) + len(MNIST_COSTS)


def test_cost_hints_show_the_layers_own_working() -> None:
    report = graded("mnist", {("conv2d_1", "receptive_field"): (6, 6)})
    hint = item(report, "conv2d_1", "receptive_field").hint
    assert "Compute: receptive_field_height: r = 4 + (3 − 1)·2 = ?;" in hint
    assert "(8, 8)" not in hint and "= 8" not in hint
    macs = graded("mnist", {("conv2d", "macs"): 1}, reveal=True)
    assert "macs = 26·26·32 · 3·3·1 = 194688" in item(macs, "conv2d", "macs").hint


def test_total_macs_credits_the_students_own_sum() -> None:
    answers = {**MNIST_COSTS, ("conv2d", "macs"): 1, ("total", "macs"): 2_440_960 - 194_688 + 1}
    assert item(graded("mnist", answers), None, "total_macs").status == "carried_forward"


def test_a_worksheet_asks_the_fields_and_check_reads_them(tmp_path: Path) -> None:
    import csv

    from typer.testing import CliRunner

    from cnncalc.cli import app

    runner = CliRunner()
    sheet = tmp_path / "sheet.csv"
    fields = "output_shape,macs,receptive_field"
    made = runner.invoke(
        app, ["exercise", "mnist", "--fields", fields, "-f", "csv", "-o", str(sheet)]
    )
    assert made.exit_code == 0
    rows = list(csv.DictReader(sheet.open()))
    assert list(rows[0]) == [
        "name",
        "type",
        "inputs",
        "given",
        "output_shape",
        "macs",
        "receptive_field",
    ]
    answers = {"conv2d": ("26x26x32", "194688", "3x3"), "flatten": ("1600", "0", "whole input")}
    for row in rows:
        if row["name"] in answers:
            row["output_shape"], row["macs"], row["receptive_field"] = answers[row["name"]]
    with sheet.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    checked = runner.invoke(app, ["check", str(sheet), "-f", "json"])
    items = {(i["layer"], i["field"]): i["status"] for i in json.loads(checked.stdout)["items"]}
    assert items[("conv2d", "macs")] == items[("conv2d", "receptive_field")] == "correct"
    assert items[("flatten", "receptive_field")] == "correct"
    assert items[(None, "total_macs")] == "missing"
    assert ("conv2d", "params") not in items


def test_an_unknown_field_exits_2() -> None:
    from typer.testing import CliRunner

    from cnncalc.cli import app

    result = CliRunner().invoke(app, ["exercise", "mnist", "--fields", "output_shape,flops"])
    assert result.exit_code == 2
    assert "--fields: unknown flops; choose from output_shape, params, macs, receptive_field" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("network", "first", "depth_first", "second", "written", "mistake"),
    [
        # MNIST: conv2d is (26, 26, 32); its 2×2 pool with stride 1 gives 26 − 2 + 1 = 25
        ("mnist", "conv2d", (32, 26, 26), "max_pooling2d", (25, 25, 32), "pool_stride_default"),
        # LeNet-5: conv2d is (28, 28, 6); 'same' read as 'valid' is no mistake here, but a 2×2
        # pool with stride 1 gives 28 − 2 + 1 = 27
        ("lenet5", "conv2d", (6, 28, 28), "average_pooling2d", (27, 27, 6), "pool_stride_default"),
        # MNIST: the pool right on the reordered conv2d: ⌊26/2⌋ = 13, depth 32, no mistake
        ("mnist", "conv2d", (32, 26, 26), "max_pooling2d", (13, 13, 32), None),
    ],
)
def test_after_a_depth_first_answer_the_next_layer_is_judged_on_the_depth_last_shape(
    network: str,
    first: str,
    depth_first: tuple[int, ...],
    second: str,
    written: tuple[int, ...],
    mistake: str | None,
) -> None:
    """The order mistake is named once; the next layer reads height, width, depth (the
    review's bug 4: it read the depth as the height and missed its own mistake)."""
    report = graded(
        network, {(first, "output_shape"): depth_first, (second, "output_shape"): written}
    )
    assert item(report, first, "output_shape").mistake == "channels_first_order"
    found = item(report, second, "output_shape")
    if mistake is None:
        assert found.status == "correct"
    else:
        assert (found.status, found.mistake) == ("wrong", mistake)
        assert not re.search(r"\((32|6) \+ 2·0", found.hint), found.hint  # the depth as height


def test_the_carry_goes_through_a_layer_left_blank() -> None:
    """The review's m2.yaml: MNIST with the last pool rounded up, (6, 6, 64), so flatten is
    6·6·64 = 2304; dropout left blank; dense (2304 + 1)·10 = 23,050 follows from that."""
    report = graded(
        "mnist",
        {
            ("max_pooling2d_1", "output_shape"): (6, 6, 64),
            ("flatten", "output_shape"): (2304,),
            ("dense", "params"): (2304 + 1) * 10,
        },
    )
    assert item(report, "flatten", "output_shape").status == "carried_forward"
    assert item(report, "dropout", "output_shape").status == "missing"
    assert item(report, "dense", "params").status == "carried_forward"


def test_a_layer_named_in_another_case_is_that_layer() -> None:
    """'Dense' (the layer's type, as a student may write it) is MNIST's only dense layer;
    its (1600 + 1)·10 = 16,010 is graded, not ignored."""
    sheet = AnswerSheet("sheet.yaml", layers=[Answer("Dense", (10,), 16010)])
    spec = spec_of("mnist")
    report = grade(sheet, spec, cnncalc.analyze(spec))
    assert item(report, "dense", "params").status == "correct"
    assert item(report, "dense", "output_shape").status == "correct"
    assert report.notes == []


def test_a_name_that_matches_no_layer_suggests_the_close_one() -> None:
    sheet = AnswerSheet("sheet.yaml", layers=[Answer("conv2d_2", (11, 11, 64), 18496)])
    spec = spec_of("mnist")
    notes = grade(sheet, spec, cnncalc.analyze(spec)).notes
    assert notes == [
        "the answer for 'conv2d_2' matches no layer of the exercise; did you mean 'conv2d_1'?"
    ]


def test_a_formula_their_inputs_do_not_change_is_not_from_their_own_answer() -> None:
    """The review's hint 4: conv2d answered (25, 25, 32), so the pool's inputs are the
    student's; but a pool's params are 0 whatever its input, so no 'from your own answer'."""
    answers = {("conv2d", "output_shape"): (25, 25, 32), ("max_pooling2d", "params"): 320}
    found = item(graded("mnist", answers, reveal=True), "max_pooling2d", "params")
    assert found.mistake == "params_on_parameterless_layer"
    assert "from your own answer" not in found.hint and "params = 0" in found.hint
    # the pool's shape does follow from their (25, 25, 32): ⌊(25 − 2)/2⌋ + 1 = 12
    shape = {**answers, ("max_pooling2d", "output_shape"): (11, 11, 32)}
    hint = item(graded("mnist", shape), "max_pooling2d", "output_shape").hint
    assert "Compute from your own answer for 'conv2d'" in hint and "(25 + 2·0 − 2)/2" in hint
