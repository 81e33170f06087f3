"""The errors a user sees, word for word: the 'did you mean' hint, several problems at once,
and the exit codes (so the mutation run of cnncalc/errors.py counts what a user relies on).

A hint names the known word closest to the typo when difflib's similarity 2·M/T (M letters
in matching blocks, T letters in both words) reaches 0.6, and nothing otherwise.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

import cnncalc
from cnncalc import CnncalcError
from cnncalc.cli import app

UNKNOWN_HINT = "; `cnncalc schema` lists the known types"

# (spec, the whole message)
MESSAGES: list[tuple[dict[str, Any], str]] = [
    # 'Conv2d' vs 'Conv2D': 'Conv2' matches, 2·5/12 = 0.83; vs 'Conv1D' only 'Conv', 2·4/12 = 0.67
    (
        {"input_shape": [8, 8, 1], "layers": [{"type": "Conv2d", "filters": 1}]},
        "layers[0].type: unknown layer type 'Conv2d'; did you mean 'Conv2D'?",
    ),
    # nothing near 'Qxqxqxq': no hint, the pointer to the list instead
    (
        {"input_shape": [8, 8, 1], "layers": [{"type": "Qxqxqxq"}]},
        f"layers[0].type: unknown layer type 'Qxqxqxq'{UNKNOWN_HINT}",
    ),
    # a misspelt input: 'dens' vs 'dense' is 2·4/9 = 0.89
    (
        {
            "input_shape": [4],
            "layers": [
                {"type": "Dense", "units": 2},
                {"type": "Dense", "units": 1, "inputs": ["dens"]},
            ],
        },
        "layers[1].inputs: no layer is named 'dens'; did you mean 'dense'?",
    ),
    # … and one that resembles no layer: the message ends at the name
    (
        {
            "input_shape": [4],
            "layers": [
                {"type": "Dense", "units": 2},
                {"type": "Dense", "units": 1, "inputs": ["qq"]},
            ],
        },
        "layers[1].inputs: no layer is named 'qq'",
    ),
    # two layers wrong: one line each, in order, joined by a newline
    (
        {"input_shape": [4], "layers": [{"type": "Qxqxqxq"}, {"type": "Dense"}]},
        f"layers[0].type: unknown layer type 'Qxqxqxq'{UNKNOWN_HINT}\n"
        "layers[1].units: missing (Dense needs it)",
    ),
]


@pytest.mark.parametrize(("spec", "message"), MESSAGES)
def test_spec_errors_word_for_word(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(CnncalcError) as caught:
        cnncalc.analyze(spec)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_each_problem_is_a_line_of_its_own() -> None:
    with pytest.raises(CnncalcError) as caught:
        cnncalc.analyze({"input_shape": [4], "layers": [{"type": "Qxqxqxq"}, {"type": "Dense"}]})
    assert caught.value.lines == [
        f"layers[0].type: unknown layer type 'Qxqxqxq'{UNKNOWN_HINT}",
        "layers[1].units: missing (Dense needs it)",
    ]


def test_the_cli_prints_every_line_and_exits_2_on_a_bad_spec() -> None:
    spec = '{"input_shape": [4], "layers": [{"type": "Qxqxqxq"}, {"type": "Dense"}]}'
    result = CliRunner().invoke(app, ["analyze", "-"], input=spec, prog_name="cnncalc")
    assert result.exit_code == 2
    assert f"layers[0].type: unknown layer type 'Qxqxqxq'{UNKNOWN_HINT}" in result.stderr
    assert "layers[1].units: missing (Dense needs it)" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_impossible_network_exits_1() -> None:
    """A 9×9 kernel on a 5×5 input: ⌊(5 + 0 − 9)/1⌋ + 1 = −3 (a NetworkError, exit code 1)."""
    spec = {
        "input_shape": [5, 5, 1],
        "layers": [{"type": "Conv2D", "filters": 1, "kernel_size": 9}],
    }
    with pytest.raises(CnncalcError, match=re.escape("⌊(5 + 2·0 − 9)/1⌋ + 1 = −3")) as caught:
        cnncalc.analyze(spec)
    assert caught.value.exit_code == 1
