"""Grading that teaches: every mistake code on several networks, follow-through credit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc.classroom.answers import FIELDS, Answer, AnswerSheet
from cnncalc.classroom.grading import Report, cost_answer, grade
from cnncalc.sources import load_spec
from cnncalc.sources.random_networks import random_network


def correct_sheet(network: Any) -> AnswerSheet:
    """Every answer right, costs included: the starting point each test spoils in one place."""
    analysis = cnncalc.analyze(network)
    sheet = AnswerSheet(
        "sheet.yaml",
        total_params=analysis.total_params,
        total_macs=analysis.total_macs,
        fields=FIELDS,
    )
    sheet.layers = [
        Answer(r.name, r.output_shape, r.params, r.macs, cost_answer(r, "receptive_field"))
        for r in analysis
        if r.type != "InputLayer"
    ]
    return sheet


def graded(network: Any, changes: dict[tuple[str, str], Any], reveal: bool = False) -> Report:
    spec = load_spec(network) if not isinstance(network, cnncalc.Spec) else network
    sheet = correct_sheet(spec)
    for answer in sheet.layers:
        for (name, field), value in changes.items():
            if answer.name == name:
                setattr(answer, field, value)
    if ("total", "params") in changes:
        sheet.total_params = changes[("total", "params")]
    if ("total", "macs") in changes:
        sheet.total_macs = changes[("total", "macs")]
    return grade(sheet, spec, cnncalc.analyze(spec), reveal)


def item(report: Report, layer: str, field: str) -> Any:
    return next(i for i in report.items if i.layer == layer and i.field == field)


def test_a_correct_sheet_has_full_marks() -> None:
    for network in ("mnist", "lenet5", "alexnet_grouped", "resnet50"):
        report = graded(network, {})
        assert report.full_marks and report.score == report.max_score


# (network, layer, field, wrong answer, mistake): each on more than one network.
MISTAKES = [
    ("mnist", "conv2d", "params", 3 * 3 * 1 * 32, "missing_bias"),
    ("lenet5", "dense", "params", 400 * 120, "missing_bias"),
    ("alexnet", "conv2d", "params", 11 * 11 * 3 * 96, "missing_bias"),
    ("mnist", "conv2d_1", "params", (3 * 3 + 1) * 64, "missing_input_depth"),
    ("vgg16", "block2_conv1", "params", (3 * 3 + 1) * 128, "missing_input_depth"),
    ("mnist", "max_pooling2d", "params", 320, "params_on_parameterless_layer"),
    ("mnist", "flatten", "params", 10, "params_on_parameterless_layer"),
    ("resnet50", "conv1_relu", "params", 5, "params_on_parameterless_layer"),
    ("mnist", "conv2d", "output_shape", (28, 28, 32), "padding_confusion"),
    ("alexnet", "conv2d_1", "output_shape", (23, 23, 256), "padding_confusion"),
    ("vgg16", "block1_conv1", "output_shape", (222, 222, 64), "padding_confusion"),
    ("alexnet", "conv2d", "output_shape", (217, 217, 96), "stride_ignored"),
    ("alexnet", "max_pooling2d", "output_shape", (53, 53, 96), "stride_ignored"),
    ("resnet50", "conv1_conv", "output_shape", (224, 224, 64), "stride_ignored"),
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
    # the costs a worksheet may ask (cnncalc exercise --fields ...,macs,receptive_field)
    ("mnist", "conv2d", "macs", 26 * 26 * 32 * 3 * 3 * 1 + 26 * 26 * 32, "macs_bias_counted"),
    ("lenet5", "conv2d", "macs", 28 * 28 * 6 * 5 * 5 * 1 + 28 * 28 * 6, "macs_bias_counted"),
    ("mnist", "conv2d_1", "macs", 11 * 11 * 64 * 32, "macs_kernel_area_forgotten"),
    ("vgg16", "block1_conv2", "macs", 224 * 224 * 64 * 64, "macs_kernel_area_forgotten"),
    # 3×3 conv, 2×2 pool, 3×3 conv: 3 + 1 + 2 = 6 without the pool's jump (right: 3 + 1 + 2·2)
    ("mnist", "conv2d_1", "receptive_field", (6, 6), "rf_stride_jump_ignored"),
    ("vgg16", "block2_conv1", "receptive_field", (8, 8), "rf_stride_jump_ignored"),
]


@pytest.mark.parametrize(("network", "layer", "field", "given", "mistake"), MISTAKES)
def test_mistakes_are_recognised(
    network: str, layer: str, field: str, given: Any, mistake: str
) -> None:
    report = graded(network, {(layer, field): given})
    wrong = [i for i in report.items if not i.credited]
    assert [(i.layer, i.field, i.status, i.mistake) for i in wrong] == [
        (layer, field, "wrong", mistake)
    ]
    assert report.score == report.max_score - 1


def test_every_mistake_code_is_tested_on_two_networks() -> None:
    networks: dict[str, set[str]] = {}
    for network, _, _, _, mistake in MISTAKES:
        networks.setdefault(mistake, set()).add(network)
    from cnncalc.classroom.grading import LESSONS

    assert set(networks) == set(LESSONS)
    assert all(len(found) >= 2 for found in networks.values())


def test_hints_teach_without_giving_the_answer_away() -> None:
    report = graded("mnist", {("conv2d", "params"): 288})
    hint = item(report, "conv2d", "params").hint
    assert "You wrote 288." in hint
    assert "You computed: params = 3·3·1·32 = 288  (no bias)." in hint
    assert "Compute: params = (3·3·1 + 1)·32 = ?." in hint
    assert "320" not in hint
    revealed = graded("mnist", {("conv2d", "params"): 288}, reveal=True)
    assert "Answer: 320." in item(revealed, "conv2d", "params").hint


def test_shape_hints_show_the_formula_with_the_layers_numbers() -> None:
    report = graded("alexnet", {("conv2d", "output_shape"): (217, 217, 96)})
    hint = item(report, "conv2d", "output_shape").hint
    assert "The stride is 4" in hint
    assert "⌊(227 + 2·0 − 11)/1⌋ + 1 = 217" in hint  # what the student computed
    assert "output_width = ⌊(227 + 2·0 − 11)/4⌋ + 1 = ?" in hint  # what to compute


def test_follow_through_credit_along_a_chain() -> None:
    """One slip at the first layer; every answer after it follows from it correctly."""
    report = graded(
        "mnist",
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
    )
    statuses = {(i.layer, i.field): (i.status, i.mistake) for i in report.items}
    assert statuses[("conv2d", "output_shape")] == ("wrong", "padding_confusion")
    for key in [
        ("max_pooling2d", "output_shape"),
        ("conv2d_1", "output_shape"),
        ("max_pooling2d_1", "output_shape"),
        ("flatten", "output_shape"),
        ("dropout", "output_shape"),
        ("dense", "params"),
        (None, "total_params"),
    ]:
        assert statuses[key] == ("carried_forward", None), key
    assert report.score == report.max_score - 1


def test_follow_through_of_a_wrong_depth_into_the_next_conv() -> None:
    report = graded(
        "lenet5",
        {
            ("conv2d", "output_shape"): (28, 28, 16),
            ("average_pooling2d", "output_shape"): (14, 14, 16),
            ("conv2d_1", "params"): (5 * 5 * 16 + 1) * 16,
        },
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
    report = graded("mnist", {("dense", "params"): None, ("total", "params"): None})
    assert item(report, "dense", "params").status == "missing"
    assert item(report, None, "total_params").status == "missing"


def test_leaving_out_non_trainable_params_from_the_total_is_explained() -> None:
    analysis = cnncalc.analyze("resnet50")
    report = graded("resnet50", {("total", "params"): analysis.trainable_params})
    total = item(report, None, "total_params")
    assert total.status == "wrong" and "non-trainable" in total.hint


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_random_exercises_grade_full_marks_when_right(difficulty: str, seed: int) -> None:
    network = random_network(seed, difficulty)
    assert graded(network, {}).full_marks


def test_off_by_one_on_a_random_network_too() -> None:
    network = random_network(3, "easy")
    first = cnncalc.analyze(network)[0]
    h, w, d = first.output_shape
    report = graded(network, {(first.name, "output_shape"): (h - 1, w - 1, d)})
    assert item(report, first.name, "output_shape").mistake == "off_by_one"


def test_unreadable_values_are_wrong_and_said_so(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "exercise: mnist\nlayers:\n  - name: conv2d\n    output_shape: big\n"
        "    params: lots\ntotal_params:\n"
    )
    from cnncalc.classroom.grading import check_files

    (report,) = check_files([path])
    assert item(report, "conv2d", "output_shape").status == "wrong"
    assert item(report, "conv2d", "params").status == "wrong"
    assert "conv2d: cannot read 'big' as a shape" in report.notes


def test_cost_hints_show_the_layers_own_working() -> None:
    report = graded("mnist", {("conv2d_1", "receptive_field"): (6, 6)})
    hint = item(report, "conv2d_1", "receptive_field").hint
    assert "Compute: receptive_field_height: r = 4 + (3 − 1)·2 = ?;" in hint
    assert "(8, 8)" not in hint and "= 8" not in hint
    macs = graded("mnist", {("conv2d", "macs"): 1}, reveal=True)
    assert "macs = 26·26·32 · 3·3·1 = 194688" in item(macs, "conv2d", "macs").hint


def test_total_macs_credits_the_students_own_sum() -> None:
    report = graded("mnist", {("conv2d", "macs"): 1, ("total", "macs"): 2440960 - 194688 + 1})
    assert item(report, None, "total_macs").status == "carried_forward"


def test_a_worksheet_asks_the_fields_and_check_reads_them(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cnncalc.cli import app

    runner = CliRunner()
    sheet = tmp_path / "sheet.csv"
    fields = "output_shape,macs,receptive_field"
    made = runner.invoke(
        app, ["exercise", "mnist", "--fields", fields, "-f", "csv", "-o", str(sheet)]
    )
    assert made.exit_code == 0
    rows = sheet.read_text().splitlines()
    assert rows[0] == "name,type,given,output_shape,macs,receptive_field"
    answers = {"conv2d": "26x26x32,194688,3x3", "flatten": "1600,0,whole input"}
    filled = [rows[0]]
    for row in rows[1:]:
        name = row.split(",", 1)[0]
        filled.append(row.removesuffix(",,,") + "," + answers[name] if name in answers else row)
    sheet.write_text("\n".join(filled) + "\n")
    checked = runner.invoke(app, ["check", str(sheet), "--spec", "mnist", "-f", "json"])
    items = {
        (i["layer"], i["field"]): i["status"] for i in report(json.loads(checked.stdout))["items"]
    }
    assert items[("conv2d", "macs")] == items[("conv2d", "receptive_field")] == "correct"
    assert items[("flatten", "receptive_field")] == "correct"
    assert items[(None, "total_macs")] == "missing"
    assert ("conv2d", "params") not in items


def report(data: Any) -> Any:
    """The one file's report in check's JSON (a list when several files are graded)."""
    return data[0] if isinstance(data, list) else data


def test_an_unknown_field_exits_2() -> None:
    from typer.testing import CliRunner

    from cnncalc.cli import app

    result = CliRunner().invoke(app, ["exercise", "mnist", "--fields", "output_shape,flops"])
    assert result.exit_code == 2
    assert "--fields: unknown flops; choose from output_shape, params, macs, receptive_field" in (
        result.stderr
    )
