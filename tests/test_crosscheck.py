"""`cnncalc crosscheck` and `cnncalc compare` as a user runs them: real Keras, real exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cnncalc
from cnncalc.cli import app
from cnncalc.keras.bridge import crosscheck, summary_text, to_keras

from .test_tables import NESTED

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.mark.parametrize("preset", cnncalc.preset_names())
def test_crosscheck_agrees_on_every_preset(preset: str) -> None:
    result = crosscheck(preset)
    assert result.agrees, result.differences
    assert result.missing == []


def doc_specs() -> list[tuple[str, object]]:
    """Every JSON or YAML spec shown in the README and docs."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for number, (lang, body) in enumerate(re.findall(r"```(json|yaml)\n(.*?)```", text, re.S)):
            try:
                data = json.loads(body) if lang == "json" else yaml.safe_load(body)
            except ValueError:
                continue  # an output excerpt with "...", not a spec
            layers = data.get("layers") if isinstance(data, dict) else None
            if layers and all(isinstance(layer, dict) and "type" in layer for layer in layers):
                found.append((f"{path.name}#{number}", data))
    return found


@pytest.mark.parametrize(("where", "spec"), doc_specs(), ids=[w for w, _ in doc_specs()])
def test_crosscheck_agrees_on_every_spec_in_the_docs(where: str, spec: dict) -> None:
    assert crosscheck(spec).agrees


def test_the_docs_show_specs() -> None:
    assert len(doc_specs()) >= 3


def test_crosscheck_cli_exit_codes() -> None:
    assert runner.invoke(app, ["crosscheck", "mnist"]).exit_code == 0
    bad = runner.invoke(app, ["crosscheck", "-"], input='{"layers": []}')
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ")


def test_crosscheck_json() -> None:
    data = json.loads(runner.invoke(app, ["crosscheck", "lenet5", "--format", "json"]).stdout)
    assert data["agrees"] is True and data["totals"]["total"] == {"cnncalc": 61706, "keras": 61706}


def test_compare_cli_on_the_lecture_printout() -> None:
    result = runner.invoke(
        app, ["compare", "mnist", str(ROOT / "tests/data/lecture_mnist_summary.txt")]
    )
    assert result.exit_code == 0
    assert "not in the summary: row 7 dense (Dense)" in result.stdout


def test_compare_cli_reports_a_difference_with_exit_1(tmp_path: Path) -> None:
    saved = tmp_path / "summary.txt"
    saved.write_text(summary_text(to_keras("lenet5")).replace("2,416", "2,400"), encoding="utf-8")
    result = runner.invoke(app, ["compare", "lenet5", str(saved)])
    assert result.exit_code == 1
    assert "row 3 'conv2d_1': params: cnncalc 2,416, Keras 2,400" in result.stdout


@pytest.mark.parametrize("content", [None, "not a summary", b"\xff\xfe"])
def test_compare_cli_unreadable_summary_exits_2(tmp_path: Path, content: object) -> None:
    saved = tmp_path / "summary.txt"
    if isinstance(content, str):
        saved.write_text(content)
    elif isinstance(content, bytes):
        saved.write_bytes(content)
    result = runner.invoke(app, ["compare", "mnist", str(saved)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_without_tensorflow_crosscheck_says_how_to_install_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['keras'] = None  # as if the keras extra were not installed\n"
        "from cnncalc.cli import main; sys.argv = ['cnncalc', 'crosscheck', 'mnist']; main()"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 2
    assert process.stderr == "error: this needs TensorFlow/Keras: pip install 'cnncalc[keras]'\n"


def test_a_spec_keras_cannot_build_exits_2_with_the_reason() -> None:
    spec = '{"input_shape": [4], "layers": [{"type": "Lambda", "name": "f", "output_shape": [4]}]}'
    result = runner.invoke(app, ["crosscheck", "-"], input=spec)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: layer 0 'f' (Lambda): cnncalc cannot build it in Keras: "
        "its code is not part of the spec\n"
    )


def test_a_spec_keras_refuses_is_reported_with_keras_reason() -> None:
    spec = (
        '{"input_shape": [4], "layers": [{"type": "Activation", "name": "act", '
        '"activation": "wiggle"}]}'
    )
    assert cnncalc.analyze(json.loads(spec)).total_params == 0  # shapes alone: fine
    result = runner.invoke(app, ["crosscheck", "-"], input=spec)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: layer 0 'act' (Activation): Keras refuses it: "
        "Could not interpret activation function identifier: wiggle\n"
    )


BUILT_AS_WRITTEN = {
    **NESTED,
    "name": "as_written",
    "batch_size": 32,
    "dtype": "mixed_float16",
    "layers": [{**NESTED["layers"][0], "dtype": "float64"}, *NESTED["layers"][1:]],
}


def test_crosscheck_builds_the_batch_dtypes_and_nested_models_the_spec_says() -> None:
    """Checked on the built model itself, then row by row against its summary."""
    model = to_keras(BUILT_AS_WRITTEN)
    assert [model.get_layer(name).output.shape[0] for name in ("input", "stem", "flat")] == [32] * 3
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers}
    assert policies == {
        "input": "float32",
        "stem": "float64",
        "block": "float32",  # a model's own policy; its layers carry the spec's
        "fblock": "float32",
        "flat": "mixed_float16",
    }
    inner = {layer.name: layer.dtype_policy.name for layer in model.get_layer("block").layers}
    assert inner == {"inner_conv": "mixed_float16", "inner_bn": "mixed_float16"}
    assert type(model.get_layer("block")).__name__ == "Sequential"
    result = crosscheck(BUILT_AS_WRITTEN)
    assert result.agrees, result.differences
