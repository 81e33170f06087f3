"""Paths users rely on that no test walked (issue 14, "Why"): each fails on the bug named.

Expected values are worked by hand and, where Keras has an opinion, checked against a
Keras model built here by keras.layers directly (tests/keras_oracle.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

import cnncalc
from cnncalc import CnncalcError
from cnncalc.cli import app

from .conftest import needs_keras
from .keras_oracle import assert_same_network
from .test_grading_paths import graded_file, lecture_answers, unnamed


def inputs_then(kind: str, shapes: list[list[int]], **arguments: Any) -> dict[str, Any]:
    layers = [{"type": "InputLayer", "shape": s, "name": f"in{i}"} for i, s in enumerate(shapes)]
    merge = {"type": kind, "inputs": [f"in{i}" for i in range(len(shapes))], **arguments}
    return {"layers": [*layers, merge]}


BROADCASTS = [
    # broadcasting with the 1 in the FIRST input: (1, 1, 4) with (8, 8, 4) → (8, 8, 4)
    ("Add", [[1, 1, 4], [8, 8, 4]], (8, 8, 4)),
    ("Multiply", [[1, 5], [3, 5]], (3, 5)),
    ("Maximum", [[4], [6, 4]], (6, 4)),  # fewer axes first: aligned from the right
]


@pytest.mark.parametrize(("kind", "shapes", "by_hand"), BROADCASTS)
def test_broadcasting_from_the_first_input(
    kind: str, shapes: list[list[int]], by_hand: tuple[int, ...]
) -> None:
    assert cnncalc.analyze(inputs_then(kind, shapes))[-1].output_shape == by_hand


@needs_keras
@pytest.mark.parametrize(("kind", "shapes", "by_hand"), BROADCASTS)
def test_broadcasting_from_the_first_input_as_keras(
    keras: Any, kind: str, shapes: list[list[int]], by_hand: tuple[int, ...]
) -> None:
    assert_same_network(keras, inputs_then(kind, shapes))


def test_subtract_takes_exactly_two_inputs() -> None:
    with pytest.raises(CnncalcError, match="Subtract needs exactly 2 inputs, got 3"):
        cnncalc.analyze(inputs_then("Subtract", [[3], [3], [3]]))


@needs_keras
def test_subtract_takes_exactly_two_inputs_in_keras(keras: Any) -> None:
    with pytest.raises(ValueError, match="exactly 2"):  # so does Keras
        x = [keras.Input((3,)) for _ in range(3)]
        keras.layers.Subtract()(x)


ONE_OUTPUT = [
    # ⌊(5 + 0 − 5)/1⌋ + 1 = 1: the window exactly covers the input
    ([5, 5, 1], {"type": "Conv2D", "filters": 2, "kernel_size": 5}),
    # ⌊(7 − 3)/4⌋ + 1 = 2 on height, ⌊(3 − 3)/4⌋ + 1 = 1 on width
    ([7, 3, 1], {"type": "Conv2D", "filters": 1, "kernel_size": 3, "strides": 4}),
    # dilated span (3 − 1)·2 + 1 = 5 on a 5-long sequence: one output
    ([5, 2], {"type": "Conv1D", "filters": 1, "kernel_size": 3, "dilation_rate": 2}),
    ([2, 2, 3], {"type": "MaxPooling2D"}),  # ⌊(2 − 2)/2⌋ + 1 = 1
]


@pytest.mark.parametrize(("input_shape", "layer"), ONE_OUTPUT)
def test_a_window_leaving_exactly_one_output_is_not_refused(
    input_shape: list[int], layer: dict[str, Any]
) -> None:
    assert 1 in cnncalc.analyze({"input_shape": input_shape, "layers": [layer]})[0].output_shape


@needs_keras
@pytest.mark.parametrize(("input_shape", "layer"), ONE_OUTPUT)
def test_a_window_leaving_exactly_one_output_as_keras(
    keras: Any, input_shape: list[int], layer: dict[str, Any]
) -> None:
    assert_same_network(keras, {"input_shape": input_shape, "layers": [layer]})


COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_option_and_argument_says_what_it_does(name: str) -> None:
    """--help once only had to be 100 characters long: an option listed with no words beside
    it passed (tests/test_cli_docs.py checks which options there are, not that each is
    explained)."""
    command = COMMANDS[name]
    assert (command.help or "").strip(), f"{name}: no description"
    silent = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert silent == [], f"cnncalc {name} --help: {silent} listed without a description"
    shown = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"}).output
    for param in command.params:
        if param.param_type_name == "option":
            first_words = " ".join(param.help.split()[:3])
            assert first_words in " ".join(shown.split()), f"{name}: {param.name}'s help"


# The lecture's network as its keras.Sequential writes it: keras.Input first (Chollet's MNIST
# convnet, https://keras.io/examples/vision/mnist_convnet/).
LECTURE_WITH_INPUT_LAYER = {
    "layers": [
        {"type": "InputLayer", "shape": [28, 28, 1]},
        {"type": "Conv2D", "filters": 32, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Conv2D", "filters": 64, "kernel_size": 3, "activation": "relu"},
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Flatten"},
        {"type": "Dropout", "rate": 0.5},
        {"type": "Dense", "units": 10, "activation": "softmax"},
    ]
}


def test_unnamed_answers_skip_a_declared_input_layer(tmp_path: Path) -> None:
    """The n-th unnamed answer is the n-th layer asked: a spec's InputLayer is given, not
    asked, so it takes no position (counting it shifted every answer one layer on)."""
    spec = tmp_path / "lecture.json"
    spec.write_text(json.dumps(LECTURE_WITH_INPUT_LAYER), encoding="utf-8")
    report = graded_file(unnamed(tmp_path, lecture_answers(), 34_826), str(spec))
    assert (report.score, report.max_score, report.notes) == (15, 15, [])
