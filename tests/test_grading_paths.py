"""The grading paths issue 14 found untested, each on sheets read from files, against the
lecture's MNIST answers written by hand (tests/test_grading.py's MNIST key: the lecture's
printout and (1600 + 1)·10 = 16,010 for its cut-off Dense row, 34,826 in all).

- unnamed answers are matched by position;
- a total is carried forward only from counts the student wrote readably;
- a batch size written in front of the shapes (Keras prints one when the batch is fixed);
- the gradebook's and the class table's numbers, cell by cell.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cnncalc.classroom.checking import check_files
from cnncalc.classroom.grading import Item, Report
from cnncalc.classroom.report import render_reports

from .test_answers import NOT_A_COUNT
from .test_grading import MNIST, Key, item

ORDER = ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense"]
"""The lecture's layers in its printout's order."""


def sheet(tmp_path: Path, name: str, key: Key, **top: Any) -> Path:
    """A YAML sheet holding these answers, each layer named (or not: name None)."""
    layers = []
    for layer in ORDER:
        shape, params = key.get((layer, "output_shape")), key.get((layer, "params"))
        entry: dict[str, Any] = {
            "output_shape": list(shape) if isinstance(shape, tuple) else shape,
            "params": params,
        }
        layers.append({"name": layer, **entry})
    data = {"layers": layers, "total_params": key.get(("total", "params")), **top}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def graded_file(path: Path, spec: Any = "mnist") -> Report:
    (report,) = check_files([path], spec_source=spec)
    assert report.error is None, report.error
    return report


def statuses(report: Report) -> dict[tuple[str | None, str], str]:
    return {(i.layer, i.field): i.status for i in report.items}


# Unnamed answers: the n-th answer is the n-th layer's (the InputLayer is given, not asked).


def unnamed(tmp_path: Path, answers: list[dict[str, Any]], total: int | None) -> Path:
    path = tmp_path / "unnamed.yaml"
    data = {"layers": [{"type": "InputLayer"}, *answers], "total_params": total}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def lecture_answers() -> list[dict[str, Any]]:
    return [
        {"output_shape": list(MNIST[(layer, "output_shape")]), "params": MNIST[(layer, "params")]}
        for layer in ORDER
    ]


def test_unnamed_answers_in_the_lectures_order_get_full_marks(tmp_path: Path) -> None:
    report = graded_file(unnamed(tmp_path, lecture_answers(), 34826))
    assert (report.score, report.max_score, report.notes) == (15, 15, [])


def test_an_unnamed_answer_is_graded_as_the_layer_at_its_position(tmp_path: Path) -> None:
    """The pool's answer (13, 13, 32) written first is graded as conv2d's: wrong."""
    answers = lecture_answers()
    answers[0], answers[1] = answers[1], answers[0]
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert item(report, "conv2d", "output_shape").given == (13, 13, 32)
    assert item(report, "conv2d", "output_shape").status == "wrong"
    assert item(report, "max_pooling2d", "params").given == 320
    assert report.score == 15 - 4


def test_named_and_unnamed_answers_mix_by_name_and_position(tmp_path: Path) -> None:
    """A name wins; an unnamed answer takes the layer at its own position in the list."""
    answers = lecture_answers()
    answers[6] = {"name": "dense", "params": 16010}
    answers[5] = {"params": 0}  # the 6th answer: dropout's
    report = graded_file(unnamed(tmp_path, answers, None))
    assert item(report, "dense", "params").status == "correct"
    assert item(report, "dropout", "params").status == "correct"
    assert item(report, "dropout", "output_shape").status == "missing"


def test_unnamed_answers_with_a_layer_skipped_say_they_were_taken_in_order(
    tmp_path: Path,
) -> None:
    """A student who leaves the Dropout out (it "does nothing") writes 6 answers for the 7
    layers: dense's (10,) and 16,010 land on dropout, and dense is blank. The note says why
    every answer after the skipped layer is off by one, and how to avoid it."""
    answers = lecture_answers()
    del answers[ORDER.index("dropout")]
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert item(report, "dropout", "params").given == 16010
    assert item(report, "dense", "params").status == "missing"
    assert report.notes == [
        "6 of your answers have no name and the exercise has 7 layers: answers without a name "
        "are taken in order, so after a layer you skipped each one is read as the next "
        "layer's; give each answer its layer's name (name: dense)"
    ]


def test_named_answers_for_some_layers_only_get_no_note_about_order(tmp_path: Path) -> None:
    answers = [{"name": "dense", "params": 16010}]
    report = graded_file(unnamed(tmp_path, answers, None))
    assert report.notes == []


@pytest.mark.parametrize("written", ["conv2d_1 (Conv2D)", "conv2d_1(Conv2D)", "Conv2D_1 (Conv2D)"])
def test_a_layer_named_as_keras_prints_it_is_that_layer(tmp_path: Path, written: str) -> None:
    """The lecture's printout names a row 'conv2d_1 (Conv2D)': (3·3·32 + 1)·64 = 18,496."""
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"layers": [{"name": written, "params": 18496}]}))
    report = graded_file(path)
    assert item(report, "conv2d_1", "params").status == "correct"
    assert report.notes == []


def test_a_mistake_their_own_earlier_answer_cannot_explain_is_named_on_the_network(
    tmp_path: Path,
) -> None:
    """A student who thinks Dropout(0.5) halves the values writes (800,) for dropout, then
    16,000 for dense: the lecture's 1600·10, the bias forgotten. On their own 800 nothing
    explains 16,000, and (800 + 1)·10 would lead away from the network's answer; on the
    network's 1600 it is missing_bias, and the hint computes (1600 + 1)·10."""
    key = {**MNIST, ("dropout", "output_shape"): (800,), ("dense", "params"): 16000}
    report = graded_file(sheet(tmp_path, "s.yaml", key))
    dense = item(report, "dense", "params")
    assert (dense.status, dense.mistake) == ("wrong", "missing_bias")
    assert "params = 1600·10 = 16000" in (dense.hint or "")
    assert "(1600 + 1)·10 = ?" in (dense.hint or "")
    assert "800" not in (dense.hint or "").replace("16000", "").replace("16,000", "")


def test_a_mistake_their_own_earlier_answer_explains_is_named_on_it(tmp_path: Path) -> None:
    """The docs' case: after their own Flatten of 2304 (from a 6×6×64 pool), 2304·10 =
    23,040 is missing_bias on their numbers, and the hint computes (2304 + 1)·10."""
    key = {
        **MNIST,
        ("max_pooling2d_1", "output_shape"): (6, 6, 64),
        ("flatten", "output_shape"): (2304,),
        ("dropout", "output_shape"): (2304,),
        ("dense", "params"): 23040,
    }
    dense = item(graded_file(sheet(tmp_path, "s.yaml", key)), "dense", "params")
    assert (dense.status, dense.mistake) == ("wrong", "missing_bias")
    assert "(2304 + 1)·10 = ?" in (dense.hint or "")


def test_their_own_answers_explanation_wins_over_the_networks(tmp_path: Path) -> None:
    """Dense 77,450 after their own Dropout of (7745,) is 7745·10, the bias forgotten, on
    their numbers; on the network's it would be (7744 + 1)·10, conv2d_1's 11·11·64 = 7744
    taken for the Flatten (flatten_size). Their own exact explanation is the one named."""
    key = {**MNIST, ("dropout", "output_shape"): (7745,), ("dense", "params"): 77450}
    dense = item(graded_file(sheet(tmp_path, "s.yaml", key)), "dense", "params")
    assert (dense.status, dense.mistake) == ("wrong", "missing_bias")
    assert "(7745 + 1)·10 = ?" in (dense.hint or "")


@pytest.mark.parametrize("params", [0, None])
def test_unnamed_answers_led_by_the_inputs_row_are_read_from_the_first_layer(
    tmp_path: Path, params: int | None
) -> None:
    """Keras 3's summary prints input_layer (InputLayer), (None, 28, 28, 1), 0 first; a
    student who copies that layout writes 8 answers for the 7 layers, the input's first."""
    answers = [{"output_shape": [28, 28, 1], "params": params}, *lecture_answers()]
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert (report.score, report.max_score) == (15, 15)
    assert report.notes == [
        "your first answer, (28, 28, 1), is the input's, which the exercise gives: the "
        "answers after it are read as the layers' from the first"
    ]


def test_one_answer_too_many_not_the_inputs_is_still_read_in_order(tmp_path: Path) -> None:
    """(28, 28, 32) first is no input shape (28, 28, 1): the answers stay where they are."""
    answers = [{"output_shape": [28, 28, 32], "params": 0}, *lecture_answers()]
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert item(report, "conv2d", "output_shape").given == (28, 28, 32)
    assert "answer 8 has no name" in report.notes[0]


def test_the_inputs_shape_as_the_first_layers_answer_is_that_answer(tmp_path: Path) -> None:
    """Seven answers for seven layers, the first (28, 28, 1): conv2d's own (wrong) answer,
    not an input row to skip."""
    answers = lecture_answers()
    answers[0] = {"output_shape": [28, 28, 1], "params": 0}
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert item(report, "conv2d", "output_shape").given == (28, 28, 1)
    assert report.notes == []


def test_a_named_answer_for_the_input_says_the_input_is_given(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        yaml.safe_dump({"layers": [{"name": "input_layer", "output_shape": "28x28x1"}]})
    )
    assert graded_file(path).notes == [
        "the answer for 'input_layer' is the input's, which the exercise gives: not graded"
    ]


def test_an_unnamed_answer_past_the_last_layer_is_named_by_its_number(tmp_path: Path) -> None:
    answers = [*lecture_answers(), {"output_shape": [10], "params": 7}]
    report = graded_file(unnamed(tmp_path, answers, 34826))
    assert report.score == report.max_score == 15
    assert report.notes == [
        "answer 8 has no name, and the exercise has only 7 layers to answer: it is not graded"
    ]


# The total: credited as carried forward only when it adds up what the student wrote.


@pytest.mark.parametrize(
    ("conv_params", "total", "status"),
    [
        (320, 34826, "correct"),
        (288, 34826 - 32, "carried_forward"),  # forgot conv2d's 32 biases, added up their own
        ("3.20", 34826 - 320, "wrong"),  # unreadable: its 320 is not theirs to add up
        ("3.20", 34826 - 320 + 32, "wrong"),  # nor read as 32
        ("3,20", 34826 - 320, "wrong"),
        (1.5, 34826 - 320 + 1, "wrong"),  # 1.5 is not a count, nor 1
        ("1.5", 34826 - 320 + 15, "wrong"),  # nor 15
        (-320, 34826 - 640, "wrong"),  # a negative count is no count to carry
        (None, 34826 - 320, "wrong"),  # a blank adds nothing of theirs either
        ("3.20", "34826", "correct"),  # the right total is right whatever the layers say
    ],
)
def test_a_total_carries_forward_only_the_students_readable_counts(
    tmp_path: Path, conv_params: Any, total: Any, status: str
) -> None:
    key = {**MNIST, ("conv2d", "params"): conv_params, ("total", "params"): total}
    found = item(graded_file(sheet(tmp_path, "s.yaml", key)), None, "total_params")
    assert found.status == status
    if status == "wrong":
        assert found.hint == (
            "total_params is the sum of every layer's params; add up the params column again."
        )


def test_an_unreadable_total_is_unreadable_not_wrong(tmp_path: Path) -> None:
    key = {**MNIST, ("total", "params"): "34.826"}
    found = item(graded_file(sheet(tmp_path, "s.yaml", key)), None, "total_params")
    assert (found.status, found.credited) == ("unreadable", False)
    assert found.hint == (
        "Could not read '34.826': a '.' is read as a decimal point, never as a thousands "
        "separator: write digits, e.g. 18496 or 18,496."
    )


# A batch size in front of the shapes. Keras prints (32, 26, 26, 32) when the network fixes
# its batch size at 32, and (None, 26, 26, 32) when it does not: the sheet asks for the shape
# without it, so a batch in front is read as one, and where the network has none, a note says
# to leave it out. One convention slip is not seven wrong answers.

FIXED_BATCH = {
    "input_shape": [28, 28, 1],
    "batch_size": 32,
    "layers": [
        {"type": "Conv2D", "filters": 32, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Conv2D", "filters": 64, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Flatten"},
        {"type": "Dropout", "rate": 0.5},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ],
}
"""The lecture's network with keras.Input(shape=(28, 28, 1), batch_size=32)."""


def with_batch(batch: int, key: Key = MNIST) -> Key:
    return {
        k: (batch, *v) if k[1] == "output_shape" and v is not None else v for k, v in key.items()
    }


def test_a_fixed_batch_size_in_front_of_every_shape_as_the_summary_prints_it(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "net.yaml"
    spec.write_text(yaml.safe_dump(FIXED_BATCH))
    report = graded_file(sheet(tmp_path, "s.yaml", with_batch(32)), str(spec))
    assert (report.score, report.max_score, report.notes) == (15, 15, [])
    assert item(report, "conv2d", "output_shape").given == (26, 26, 32)
    assert graded_file(sheet(tmp_path, "t.yaml", MNIST), str(spec)).full_marks  # or without


def test_another_batch_size_than_the_networks_is_wrong(tmp_path: Path) -> None:
    """The network's batch is 32: (128, 26, 26, 32) is not its shape (the layers after follow
    from the student's own (128, 1600) only where the layer keeps a leading axis)."""
    spec = tmp_path / "net.yaml"
    spec.write_text(yaml.safe_dump(FIXED_BATCH))
    report = graded_file(sheet(tmp_path, "s.yaml", with_batch(128)), str(spec))
    shapes = {layer: s for (layer, field), s in statuses(report).items() if field == "output_shape"}
    assert shapes == {
        **dict.fromkeys(ORDER[:5], "wrong"),
        "dropout": "carried_forward",
        "dense": "carried_forward",
    }
    assert item(report, "conv2d", "output_shape").hint.startswith("You wrote (128, 26, 26, 32).")
    assert report.notes == []


def test_a_batch_size_the_student_chose_is_read_as_one_and_explained(tmp_path: Path) -> None:
    """The lecture trains with batch_size = 128; a student who writes it in front of every
    shape gets the shapes right, and a note that Keras writes None there."""
    report = graded_file(sheet(tmp_path, "s.yaml", with_batch(128)))
    assert (report.score, report.max_score) == (15, 15)
    assert report.notes == [
        "every shape you wrote starts with 128, read as a batch size: this network's batch "
        "size is not fixed (Keras writes None), so write a shape without it"
    ]


def test_a_slip_behind_a_batch_size_is_diagnosed_and_carried_on_without_it(
    tmp_path: Path,
) -> None:
    """'same' for 'valid' at the first layer, (128, 28, 28, 32): the padding mistake, named
    on (28, 28, 32); the pool's (128, 14, 14, 32) follows from it."""
    key = {
        **MNIST,
        ("conv2d", "output_shape"): (28, 28, 32),
        ("max_pooling2d", "output_shape"): (14, 14, 32),
    }
    report = graded_file(sheet(tmp_path, "s.yaml", with_batch(128, key)))
    conv = item(report, "conv2d", "output_shape")
    assert (conv.status, conv.mistake) == ("wrong", "padding_confusion")
    assert conv.hint.startswith("You wrote (28, 28, 32). Mind the padding")
    assert item(report, "max_pooling2d", "output_shape").status == "carried_forward"


@pytest.mark.parametrize(
    ("changes", "wrong"),
    [
        # a Dense layer's (1600, 10) is its kernel, not a batch: the other shapes have none
        ({("dense", "output_shape"): (1600, 10)}, ["dense"]),
        # two different numbers in front: no batch size of the sheet's
        (
            {
                ("conv2d", "output_shape"): (128, 26, 26, 32),
                ("flatten", "output_shape"): (64, 1600),
            },
            ["conv2d", "flatten"],
        ),
    ],
)
def test_a_number_in_front_of_only_some_shapes_is_not_a_batch(
    tmp_path: Path, changes: Key, wrong: list[str]
) -> None:
    report = graded_file(sheet(tmp_path, "s.yaml", {**MNIST, **changes}))
    found = [layer for (layer, field), s in statuses(report).items() if s == "wrong"]
    assert found == wrong and report.notes == []


# The gradebook and the class table, cell by cell, for a class of four: one right, one
# forgetting conv2d's biases (3·3·1·32 = 288) and adding up their own total, one with an
# unreadable count, one file that cannot be read.


def a_class(tmp_path: Path) -> list[Report]:
    paths = [
        sheet(tmp_path, "ann.yaml", MNIST),
        sheet(
            tmp_path,
            "bob.yaml",
            {**MNIST, ("conv2d", "params"): 288, ("total", "params"): 34826 - 32},
        ),
        sheet(tmp_path, "cy.yaml", {**MNIST, ("dense", "params"): "16.010"}),
        tmp_path / "dee.yaml",
    ]
    paths[3].write_text("layers: 3\n", encoding="utf-8")
    return check_files(paths, spec_source="mnist")


def test_the_gradebook_numbers(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(render_reports(a_class(tmp_path), "csv"))))
    summary = [
        [r[c] for c in ("student", "score", "max_score", "percent", "unreadable", "error")]
        for r in rows
    ]
    assert summary == [
        ["ann", "15", "15", "100.0", "0", ""],
        ["bob", "14", "15", "93.3", "0", ""],  # 100·14/15
        ["cy", "14", "15", "93.3", "1", ""],
        ["dee", "", "", "", "", f"{tmp_path / 'dee.yaml'}: an answer sheet has a 'layers' "
         "list (see cnncalc exercise)"],
    ]  # fmt: skip
    cells = {(r["student"], c): r[c] for r in rows for c in r}
    assert cells[("bob", "conv2d params status")] == "wrong"
    assert cells[("bob", "conv2d params mistake")] == "missing_bias"
    assert cells[("bob", "total_params status")] == "carried_forward"
    assert cells[("cy", "dense params status")] == "unreadable"
    assert cells[("dee", "conv2d params status")] == ""
    assert list(rows[0])[8:] == [
        f"{label} {part}"
        for label in [
            *(f"{layer} {field}" for layer in ORDER for field in ("output_shape", "params")),
            "total_params",
        ]
        for part in ("status", "mistake")
    ]


def test_the_class_table_numbers(tmp_path: Path) -> None:
    text = render_reports(a_class(tmp_path), "table")
    at = text.index("Class\n")
    lines = text[at:].splitlines()
    table = [line.split() for line in lines[3:7]]
    assert [row[1:] for row in table[:3]] == [
        ["15", "15", "100%"],
        ["14", "15", "93%"],
        ["14", "15", "93%"],
    ]
    assert table[3][1:4] == ["not", "graded:", "an"]  # the reason, without the file's name
    most = lines[lines.index("Most missed") :]
    rows = [re.split(r"\s{2,}", line.strip()) for line in most[3:]]
    assert rows == [
        ["conv2d params", "1", "33% of 3", "missing_bias ×1"],
        ["dense params", "1", "33% of 3", "unreadable ×1"],
    ]


def test_a_students_table_writes_what_they_gave(tmp_path: Path) -> None:
    """The given column: a shape as written without the batch, a count with its thousands
    separator, a blank as nothing; and the hint quotes the count the same way."""
    key = {**MNIST, ("dense", "params"): (2304 + 1) * 10, ("dropout", "output_shape"): None}
    (report,) = check_files([sheet(tmp_path, "s.yaml", key)], spec_source="mnist")
    text = render_reports([report], "table")
    rows = {
        tuple(cells[3:5]): cells[5:7]
        for line in text.splitlines()
        if (cells := [cell.strip() for cell in line.split("│")]) and len(cells) == 8
    }
    assert rows[("conv2d", "output_shape")] == ["(26, 26, 32)", "correct"]
    assert rows[("dropout", "output_shape")] == ["", "missing"]
    assert rows[("dense", "params")] == ["23,050", "wrong"]
    assert rows[("", "total_params")] == ["34,826", "correct"]
    assert "You wrote 23,050." in text


def test_the_json_report_of_a_sheet(tmp_path: Path) -> None:
    """`check -f json`: each item's given as written (a shape as a list, an unreadable answer
    as its text), the expected answer only with --reveal, the status, mistake and hint."""
    key = {**MNIST, ("conv2d", "params"): 3 * 3 * 1 * 32, ("conv2d", "output_shape"): "26x26x"}
    path = sheet(tmp_path, "s.yaml", key)
    hint = (
        "You wrote 288. Each filter (or unit) also has one bias: the + 1 in the lecture's "
        "(k·k·d + 1)·n. You computed: params = 3·3·1·32 = 288  (no bias). "
        "Compute: params = (3·3·1 + 1)·32 = ?."
    )
    for reveal in (False, True):
        (report,) = check_files([path], spec_source="mnist", reveal=reveal)
        data = report.to_dict(reveal)
        assert list(data) == ["file", "score", "max_score", "items"]
        assert (data["file"], data["score"], data["max_score"]) == (str(path), 13, 15)
        assert data["items"][:3] == [
            {
                "layer": "conv2d",
                "field": "output_shape",
                "given": "26x26x",
                "expected": [26, 26, 32] if reveal else None,
                "status": "unreadable",
                "mistake": None,
                "hint": "Could not read '26x26x': a size is missing between the separators.",
            },
            {
                "layer": "conv2d",
                "field": "params",
                "given": 288,
                "expected": 320 if reveal else None,
                "status": "wrong",
                "mistake": "missing_bias",
                "hint": hint.replace("= ?.", "= 320. Answer: 320.") if reveal else hint,
            },
            {
                "layer": "max_pooling2d",
                "field": "output_shape",
                "given": [13, 13, 32],
                "expected": [13, 13, 32] if reveal else None,
                "status": "correct",
                "mistake": None,
                "hint": None,
            },
        ]
        assert data["items"][-1] == {
            "layer": None,
            "field": "total_params",
            "given": 34826,
            "expected": 34826 if reveal else None,
            "status": "correct",
            "mistake": None,
            "hint": None,
        }


def test_the_json_report_of_a_sheet_that_could_not_be_graded() -> None:
    assert Report("st00.yaml", error="st00.yaml: bad", student="st00").to_dict() == {
        "file": "st00.yaml",
        "student": "st00",
        "error": "st00.yaml: bad",
    }
    assert Report("a.yaml", error="a.yaml: bad").to_dict(reveal=True) == {
        "file": "a.yaml",
        "error": "a.yaml: bad",
    }
    wrong = Item("conv2d", "params", 288, 320, "wrong", "missing_bias", "You wrote 288.")
    graded = Report("st01.yaml", items=[wrong], student="st01").to_dict()  # no reveal: no 320
    assert graded == {
        "file": "st01.yaml",
        "student": "st01",
        "score": 0,
        "max_score": 1,
        "items": [
            {
                "layer": "conv2d",
                "field": "params",
                "given": 288,
                "expected": None,
                "status": "wrong",
                "mistake": "missing_bias",
                "hint": "You wrote 288.",
            }
        ],
    }


# Follow-through, where the answer before is not a plain shape.


def test_an_unreadable_shape_carries_what_follows_from_the_answers_before_it(
    tmp_path: Path,
) -> None:
    """conv2d (28, 28, 32) ('same' for 'valid'); the pool's answer unreadable; conv2d_1's
    (12, 12, 64) follows from the pool the student's own 28 gives, ⌊28/2⌋ = 14, 14 − 3 + 1."""
    key = {
        ("conv2d", "output_shape"): (28, 28, 32),
        ("max_pooling2d", "output_shape"): "14x14x",
        ("conv2d_1", "output_shape"): (12, 12, 64),
    }
    report = graded_file(sheet(tmp_path, "s.yaml", key))
    assert item(report, "max_pooling2d", "output_shape").status == "unreadable"
    assert item(report, "conv2d_1", "output_shape").status == "carried_forward"


def test_a_depth_first_answer_moves_only_its_own_depth_back(tmp_path: Path) -> None:
    """conv2d (32, 26, 26) is named a depth-order mistake; the pool's own wrong (12, 12, 32)
    is then carried as written (⌊(12 − 3)/1⌋ + 1 = 10: conv2d_1's (10, 10, 64) follows)."""
    key = {
        ("conv2d", "output_shape"): (32, 26, 26),
        ("max_pooling2d", "output_shape"): (12, 12, 32),
        ("conv2d_1", "output_shape"): (10, 10, 64),
    }
    report = graded_file(sheet(tmp_path, "s.yaml", key))
    assert item(report, "conv2d", "output_shape").mistake == "channels_first_order"
    assert item(report, "max_pooling2d", "output_shape").status == "wrong"
    assert item(report, "conv2d_1", "output_shape").status == "carried_forward"


def test_after_a_depth_first_answer_flatten_is_judged_on_the_whole_shape(
    tmp_path: Path,
) -> None:
    """max_pooling2d_1 written (64, 5, 5): Flatten is still 5·5·64 = 1600; 5·64 = 320 is
    wrong, not something that follows from the student's answer."""
    key = {("max_pooling2d_1", "output_shape"): (64, 5, 5), ("flatten", "output_shape"): (320,)}
    report = graded_file(sheet(tmp_path, "s.yaml", key))
    assert item(report, "max_pooling2d_1", "output_shape").mistake == "channels_first_order"
    assert item(report, "flatten", "output_shape").status == "wrong"


def test_an_input_layer_is_given_not_asked(tmp_path: Path) -> None:
    """A functional network's InputLayer has no items: conv2d's two and the total."""
    spec = tmp_path / "net.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "layers": [
                    {"type": "InputLayer", "name": "image", "shape": [28, 28, 1]},
                    {"type": "Conv2D", "name": "conv2d", "filters": 32, "kernel_size": 3},
                ]
            }
        )
    )
    key = {("conv2d", "output_shape"): (26, 26, 32), ("conv2d", "params"): 320}
    path = tmp_path / "s.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "layers": [{"name": "conv2d", "output_shape": [26, 26, 32], "params": 320}],
                "total_params": 320,
            }
        )
    )
    report = graded_file(path, str(spec))
    assert [(i.layer, i.field) for i in report.items] == [*key, (None, "total_params")]
    assert report.full_marks


def test_grade_reveals_nothing_unless_asked(tmp_path: Path) -> None:
    """The library's grade(): the right answer stays out of the hint by default."""
    from cnncalc import analyze
    from cnncalc.classroom.answers import read_answers
    from cnncalc.classroom.grading import grade
    from cnncalc.sources import load_spec

    spec = load_spec("mnist")
    answers = read_answers(sheet(tmp_path, "s.yaml", {("conv2d", "params"): 288}))
    hint = item(grade(answers, spec, analyze(spec)), "conv2d", "params").hint
    assert hint.endswith("Compute: params = (3·3·1 + 1)·32 = ?.") and "320" not in hint


def test_the_first_layer_is_judged_on_the_networks_input(tmp_path: Path) -> None:
    """A Dropout first keeps the input's (10,): a wrong (11,) is wrong, and its hint says so
    from the input (the grader must not crash on an input it does not know)."""
    spec = tmp_path / "net.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "input_shape": [10],
                "layers": [
                    {"type": "Dropout", "name": "drop", "rate": 0.5},
                    {"type": "Dense", "name": "out", "units": 4},
                ],
            }
        )
    )
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump({"layers": [{"name": "drop", "output_shape": [11]}]}))
    found = item(graded_file(path, str(spec)), "drop", "output_shape")
    assert (found.status, found.hint) == (
        "wrong",
        "You wrote (11). Compute: output shape = input shape.",
    )


CARRIED = "the sum of your own layer counts"


@pytest.mark.parametrize(
    ("conv_params", "total", "given", "status", "hint"),
    [
        (320, None, None, "missing", None),
        (320, "34.8", "34.8", "unreadable", f"Could not read '34.8': {NOT_A_COUNT}."),
        (320, 34826, 34826, "correct", None),
        (288, 34826 - 32, 34826 - 32, "carried_forward", CARRIED),  # 3·3·1·32 without biases
        (320, 34827, 34827, "wrong", "total_params is the sum of every layer's params: = 34,826."),
    ],
)
def test_the_json_report_of_the_total(
    tmp_path: Path, conv_params: int, total: Any, given: Any, status: str, hint: Any
) -> None:
    """The total's item as `check -f json --reveal` writes it: what was given, and 34,826."""
    key = {**MNIST, ("conv2d", "params"): conv_params, ("total", "params"): total}
    (report,) = check_files([sheet(tmp_path, "s.yaml", key)], spec_source="mnist", reveal=True)
    assert report.to_dict(reveal=True)["items"][-1] == {
        "layer": None,
        "field": "total_params",
        "given": given,
        "expected": 34826,
        "status": status,
        "mistake": None,
        "hint": hint,
    }


def test_a_total_without_the_moving_statistics_says_they_count(tmp_path: Path) -> None:
    """A 3×3 convolution of 16 filters on 3 channels, (3·3·3 + 1)·16 = 448, then
    BatchNormalization, 4·16 = 64 of which 2·16 are trained: 512 in all. 448 + 32 = 480 is
    the trainable count only."""
    spec = tmp_path / "net.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "input_shape": [8, 8, 3],
                "layers": [
                    {"type": "Conv2D", "name": "conv", "filters": 16, "kernel_size": 3},
                    {"type": "BatchNormalization", "name": "bn"},
                ],
            }
        )
    )
    path = tmp_path / "s.yaml"
    for total, hint in [
        (448 + 32, "total_params is the sum of every layer's params — the non-trainable ones "
         "(BatchNormalization's moving statistics) count too; add up the params column again."),
        (448 + 33, "total_params is the sum of every layer's params; add up the params column "
         "again."),
    ]:  # fmt: skip
        path.write_text(yaml.safe_dump({"layers": [], "total_params": total}))
        found = item(graded_file(path, str(spec)), None, "total_params")
        assert (found.status, found.hint) == ("wrong", hint)
    (revealed,) = check_files([path], spec_source=str(spec), reveal=True)
    assert item(revealed, None, "total_params").hint == (
        "total_params is the sum of every layer's params: = 512."
    )


def test_the_json_items_of_a_carried_answer_and_a_blank(tmp_path: Path) -> None:
    """conv2d_1's (12, 12, 64) follows from the pool the student's own (28, 28, 32) gives,
    ⌊28/2⌋ = 14: its item says from what; a blank's item still holds the right answer."""
    key = {
        ("conv2d", "output_shape"): (28, 28, 32),
        ("max_pooling2d", "output_shape"): "14x14x",
        ("conv2d_1", "output_shape"): (12, 12, 64),
    }
    (report,) = check_files([sheet(tmp_path, "s.yaml", key)], spec_source="mnist", reveal=True)
    items = {(i["layer"], i["field"]): i for i in report.to_dict(reveal=True)["items"]}
    assert items[("conv2d_1", "output_shape")] == {
        "layer": "conv2d_1",
        "field": "output_shape",
        "given": [12, 12, 64],
        "expected": [11, 11, 64],
        "status": "carried_forward",
        "mistake": None,
        "hint": "follows from your own answer for 'max_pooling2d' (None, 14, 14, 32)",
    }
    assert items[("conv2d_1", "params")] == {
        "layer": "conv2d_1",
        "field": "params",
        "given": None,
        "expected": (3 * 3 * 32 + 1) * 64,
        "status": "missing",
        "mistake": None,
        "hint": None,
    }
