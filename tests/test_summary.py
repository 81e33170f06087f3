"""The summary parser and `compare`, on real printouts of Keras 3 and Keras 2 (tf-keras)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import cnncalc
from cnncalc import SpecError
from cnncalc.keras.bridge import summary_text, to_keras
from cnncalc.keras.compare import compare
from cnncalc.keras.summary import parse_summary

DATA = Path(__file__).parent / "data"

LONG_NAMES = {
    "name": "wide_and_wrapped",
    "layers": [
        {"type": "InputLayer", "shape": [16, 16, 3], "name": "image"},
        {
            "type": "Conv2D",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "name": "a_very_long_layer_name_that_wraps_around_the_cell",
            "inputs": ["image"],
        },
        {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "inputs": ["image"]},
        {
            "type": "Concatenate",
            "inputs": ["a_very_long_layer_name_that_wraps_around_the_cell", "conv2d"],
        },
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 100_000},
    ],
}
SPECS: dict[str, Any] = {"mnist": "mnist", "resnet50": "resnet50", "long_names": LONG_NAMES}


def test_the_lectures_printout_is_compared_as_far_as_it_goes() -> None:
    summary = parse_summary((DATA / "lecture_mnist_summary.txt").read_text(encoding="utf-8"))
    assert summary.style == "keras2" and summary.name == "sequential"
    assert [(r.name, r.type, r.params) for r in summary.rows] == [
        ("conv2d", "Conv2D", 320),
        ("max_pooling2d", "MaxPooling2D", 0),
        ("conv2d_1", "Conv2D", 18496),
        ("max_pooling2d_1", "MaxPooling2D", 0),
        ("flatten", "Flatten", 0),
        ("dropout", "Dropout", 0),
    ]
    result = compare(cnncalc.analyze("mnist"), summary, partial=True)
    assert result.agrees
    assert result.missing == [
        "row 7 dense (Dense)",
        "total params",
        "trainable params",
        "non-trainable params",
    ]


@pytest.mark.parametrize("line_length", [None, 64, 250])
@pytest.mark.parametrize("spec", SPECS)
def test_keras3_summaries(spec: str, line_length: int | None) -> None:
    summary = parse_summary(summary_text(to_keras(SPECS[spec]), line_length))
    assert summary.style == "keras3"
    result = compare(cnncalc.analyze(SPECS[spec]), summary)
    assert result.agrees, result.differences
    assert result.missing == []


@pytest.mark.parametrize("line_length", [None, 75, 200])
@pytest.mark.parametrize("spec", SPECS)
def test_keras2_summaries(spec: str, line_length: int | None) -> None:
    tf_keras = pytest.importorskip("tf_keras")
    lines: list[str] = []
    to_keras(SPECS[spec], keras=tf_keras).summary(
        line_length=line_length, print_fn=lambda t, **_: lines.append(t)
    )
    summary = parse_summary("\n".join(lines))
    assert summary.style == "keras2"
    result = compare(cnncalc.analyze(SPECS[spec]), summary)
    assert result.agrees, result.differences
    assert result.missing == []


def test_names_cut_short_match_their_start() -> None:
    text = summary_text(to_keras(LONG_NAMES), line_length=64)
    summary = parse_summary(text)
    assert any(row.name.endswith("…") for row in summary.rows)
    notes = [n for c in compare(cnncalc.analyze(LONG_NAMES), summary).rows for n in c.notes]
    assert not [n for n in notes if n.startswith("named")]


def test_a_wrong_count_is_reported_with_the_layer_and_both_values() -> None:
    text = summary_text(to_keras("mnist")).replace("18,496", "18,497")
    result = compare(cnncalc.analyze("mnist"), parse_summary(text))
    assert result.exit_code == 1
    assert result.differences == ["row 3 'conv2d_1': params: cnncalc 18,496, Keras 18,497"]


def test_a_wrong_shape_is_reported() -> None:
    text = summary_text(to_keras("mnist")).replace("(None, 13, 13, 32)", "(None, 14, 14, 32)")
    result = compare(cnncalc.analyze("mnist"), parse_summary(text))
    assert result.differences == [
        "row 2 'max_pooling2d': output shape: cnncalc (None, 13, 13, 32), Keras (None, 14, 14, 32)"
    ]


def test_a_different_name_alone_is_only_a_note() -> None:
    text = summary_text(to_keras("mnist")).replace("conv2d_1 ", "my_conv  ")
    result = compare(cnncalc.analyze("mnist"), parse_summary(text))
    assert result.agrees
    assert result.rows[2].notes == ("named 'my_conv' in the summary",)


def test_an_extra_keras_row_is_a_difference() -> None:
    text = summary_text(to_keras("mnist"))
    result = compare(
        cnncalc.analyze(
            {
                "input_shape": [28, 28, 1],
                "layers": [{"type": "Conv2D", "filters": 32, "kernel_size": 3}],
            }
        ),
        parse_summary(text),
    )
    assert result.exit_code == 1
    assert result.differences[0] == (
        "summary line 9 'max_pooling2d': Keras has this row; cnncalc's spec has no layer of that name"
    )


def test_text_that_is_not_a_summary() -> None:
    with pytest.raises(SpecError, match="no 'Layer \\(type\\)' header"):
        parse_summary("hello", "notes.txt")


def test_different_wiring_in_the_summary_is_noted() -> None:
    text = summary_text(to_keras(LONG_NAMES)).replace("conv2d[0][0]", "image[0][0]")
    result = compare(cnncalc.analyze(LONG_NAMES), parse_summary(text))
    notes = [note for row in result.rows for note in row.notes]
    assert any(note.startswith("connected to ") and "image" in note for note in notes)
