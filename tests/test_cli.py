"""The CLI as a user runs it: every command, every format, every exit code, no tracebacks."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cnncalc.cli import app

runner = CliRunner()
TOO_BIG = (
    '{"input_shape": [5, 5, 1], "layers": [{"type": "Conv2D", "name": "k", '
    '"filters": 1, "kernel_size": 9}]}'
)


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, list(args), input=stdin, prog_name="cnncalc")


def test_analyze_prints_a_keras_like_summary() -> None:
    result = run("analyze", "mnist")
    assert result.exit_code == 0
    assert "│ conv2d_1 (Conv2D)" in result.stdout
    assert "(None, 11, 11, 64)" in result.stdout and "18,496" in result.stdout
    assert " Total params: 34,826 (136.04 KB)" in result.stdout
    assert " Non-trainable params: 0 (0.00 B)" in result.stdout


def test_explain_shows_the_working() -> None:
    result = run("analyze", "mnist", "--explain")
    assert "output_width = ⌊(28 + 2·0 − 3)/1⌋ + 1 = 26" in result.stdout
    assert "params = (3·3·1 + 1)·32 = 320" in result.stdout
    assert "params = (1600 + 1)·10 = 16010" in result.stdout


def test_json_has_exactly_the_documented_keys() -> None:
    data = json.loads(run("analyze", "mnist", "--format", "json").stdout)
    assert (
        list(data)[:6]
        == [
            "name",
            "input_shape",
            "layers",
            "total_params",
            "trainable_params",
            "non_trainable_params",
        ][:6]
    )
    assert data["input_shape"] == [28, 28, 1]
    assert data["layers"][0] == {
        "name": "conv2d",
        "type": "Conv2D",
        "output_shape": [None, 26, 26, 32],
        "params": 320,
        "trainable_params": 320,
        "non_trainable_params": 0,
        "inputs": ["input"],
        "macs": 26 * 26 * 32 * 3 * 3 * 1,
        "flops": 2 * 26 * 26 * 32 * 3 * 3 * 1,
        "ops": 2 * 26 * 26 * 32,  # bias additions and the fused relu
        "activations": 26 * 26 * 32,
        "receptive_field": {"size": [3, 3], "stride": [1, 1], "padding": [0, 0]},
        "dtype": "float32",
    }
    assert (data["total_params"], data["trainable_params"]) == (34826, 34826)
    assert list(data)[6:] == [
        "total_macs",
        "total_flops",
        "total_ops",
        "memory",
        "batch_size",
        "dtype",
    ]
    assert (data["batch_size"], data["dtype"]) == (None, "float32")
    assert list(data["memory"]) == [
        "batch_size",
        "dtype",
        "optimizer",
        "params_bytes",
        "gradients_bytes",
        "optimizer_params",
        "optimizer_bytes",
        "activations_bytes",
        "training_bytes",
        "inference_peak_bytes",
    ]


def test_json_explain_adds_the_working() -> None:
    data = json.loads(run("analyze", "mnist", "-f", "json", "-e").stdout)
    assert "params = (3·3·1 + 1)·32 = 320" in data["layers"][0]["working"]


def test_csv_has_a_row_per_layer_and_a_total() -> None:
    rows = list(csv.DictReader(io.StringIO(run("analyze", "mnist", "-f", "csv").stdout)))
    assert [r["name"] for r in rows][-2:] == ["dense", "total_params"]
    assert rows[-1]["params"] == "34826"


@pytest.mark.parametrize(
    ("fmt", "marker"),
    [("markdown", "| conv2d (Conv2D)"), ("html", "<table>"), ("latex", "\\begin{tabular}")],
)
def test_other_formats(fmt: str, marker: str) -> None:
    result = run("analyze", "mnist", "--format", fmt)
    assert result.exit_code == 0 and marker in result.stdout and "34,826" in result.stdout


def test_graph_summaries_show_what_each_layer_is_connected_to() -> None:
    assert "Connected to" in run("analyze", "resnet50").stdout
    assert "Connected to" not in run("analyze", "vgg16").stdout


def test_spec_from_stdin() -> None:
    spec = '{"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}'
    assert "Total params: 10 " in run("analyze", "-", stdin=spec).stdout


def test_impossible_network_exits_1_with_one_line() -> None:
    result = run("analyze", "-", stdin=TOO_BIG)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: layer 0 'k' (Conv2D): a 9×9 kernel does not fit a 5×5 input with padding "
        "'valid': ⌊(5 + 2·0 − 9)/1⌋ + 1 = −3\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize(
    "stdin", ["", "{", '{"layers": []}', '{"input_shape": [4], "layers": [{"type": "Nope"}]}']
)
def test_unreadable_or_invalid_spec_exits_2(stdin: str) -> None:
    result = run("analyze", "-", stdin=stdin)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "no such file or preset" in result.stderr


def test_presets_lists_every_preset_with_its_total() -> None:
    result = run("presets")
    assert result.exit_code == 0
    assert "138,357,544" in result.stdout and "resnet50" in result.stdout
    data = json.loads(run("presets", "--format", "json").stdout)
    assert {p["name"]: p["total_params"] for p in data}["vgg19"] == 143_667_240


def test_presets_csv_is_csv_a_spreadsheet_reads() -> None:
    """Read with the standard csv module: plain cells, counts as digits (the published totals:
    vgg16 138,357,544 from keras.applications, lenet5 61,706 from LeCun et al. 1998)."""
    text = run("presets", "--format", "csv").stdout
    assert "\t" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    by_name = {row["name"]: row for row in rows}
    assert by_name["vgg16"]["total_params"] == "138357544"
    assert by_name["lenet5"]["total_params"] == "61706"
    assert json.loads(by_name["vgg16"]["input_shape"]) == [224, 224, 3]
    assert all(cell == cell.strip() for row in rows for cell in row.values())


def test_schema_is_a_json_schema_that_allows_ignored_keras_arguments() -> None:
    schema = json.loads(run("schema").stdout)
    conv = schema["$defs"]["Conv2D"]
    assert {"filters", "kernel_size", "activation"} <= set(conv["properties"])
    assert "filters" in conv["required"]


@pytest.mark.parametrize(
    "command",
    [
        "analyze",
        "crosscheck",
        "compare",
        "import",
        "exercise",
        "check",
        "presets",
        "schema",
        "draw",
        "report",
    ],
)
def test_every_command_has_help_and_docs(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and len(result.stdout) > 100
    docs = (Path(__file__).parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"cnncalc {command}" in docs


def test_python_dash_m_and_no_traceback_from_a_real_process() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "cnncalc", "analyze", "-"],
        input=TOO_BIG,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 1
    assert "Traceback" not in process.stderr and "does not fit" in process.stderr


def test_the_analysis_path_never_imports_tensorflow_or_numpy() -> None:
    code = (
        "import sys; from cnncalc.cli import main; sys.argv = ['cnncalc', 'analyze', 'vgg16'];\n"
        "try: main()\nexcept SystemExit: pass\n"
        "heavy = {'tensorflow', 'keras', 'numpy'} & set(sys.modules); print(sorted(heavy))"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert process.stdout.strip().splitlines()[-1] == "[]"


def test_version() -> None:
    from cnncalc import __version__

    result = run("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"cnncalc {__version__}"


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("analyze", "Usage: cnncalc analyze [OPTIONS] SPEC"),
        ("crosscheck", "Usage: cnncalc crosscheck [OPTIONS] SPEC"),
        ("compare", "Usage: cnncalc compare [OPTIONS] SPEC SUMMARY"),
        ("import", "Usage: cnncalc import [OPTIONS] MODEL"),
        ("exercise", "Usage: cnncalc exercise [OPTIONS] [SPEC]"),
        ("check", "Usage: cnncalc check [OPTIONS] FILES..."),
        ("draw", "Usage: cnncalc draw [OPTIONS] SPEC"),
        ("report", "Usage: cnncalc report [OPTIONS] SPEC"),
    ],
)
def test_help_names_arguments_as_people_write_them(command: str, usage: str) -> None:
    text = run(command, "--help").stdout
    assert text.splitlines()[0] == usage
    arguments = text.split("Options:")[0]
    assert "{" not in arguments and "<list[" not in arguments and "<path>" not in arguments


@pytest.mark.parametrize("name", ["VGG16", "Mnist", "resnet50"])
def test_preset_names_in_any_case(name: str) -> None:
    result = run("analyze", name, "--format", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["name"].lower() == name.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "vgg61"], "error: vgg61: no such file or preset; did you mean 'vgg19'?"),
        (["analyze", ""], "error: the SPEC is empty: give a spec file, '-', a preset or random:…"),
        (
            ["analyze", "  "],
            "error: the SPEC is empty: give a spec file, '-', a preset or random:…",
        ),
        (["exercise", "mnist", "--seed", "3"], "error: --seed only applies with --random"),
        (
            ["exercise", "mnist", "--difficulty", "hard"],
            "error: --difficulty only applies with --random",
        ),
    ],
)
def test_user_mistakes_get_one_line_on_stderr_and_nothing_on_stdout(
    args: list[str], message: str
) -> None:
    process = subprocess.run(
        [sys.executable, "-m", "cnncalc", *args], capture_output=True, text=True, check=False
    )
    assert process.returncode == 2
    assert process.stderr.strip() == message and process.stdout == ""


@pytest.mark.parametrize(
    "option", [["--batch-size", "8"], ["--dtype", "float16"], ["--optimizer", "adam"]]
)
def test_memory_options_say_they_need_costs(option: list[str]) -> None:
    result = run("analyze", "mnist", *option)
    assert result.exit_code == 2
    assert f"{option[0]} only applies with --costs (or --format json)" in result.stderr


def test_memory_batch_defaults_to_the_specs_fixed_batch() -> None:
    spec = json.dumps(
        {"batch_size": 32, "input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}
    )
    memory = json.loads(run("analyze", "-", "--format", "json", stdin=spec).stdout)["memory"]
    # (4 input + 2 output elements) · 32 samples · 4 bytes, by hand
    assert memory["batch_size"] == 32 and memory["activations_bytes"] == 6 * 32 * 4


def test_explain_shows_cost_working_only_with_costs() -> None:
    plain = run("analyze", "mnist", "--explain").stdout
    costed = run("analyze", "mnist", "--explain", "--costs").stdout
    assert "macs =" not in plain and "receptive_field" not in plain
    assert "macs = 26·26·32 · 3·3·1 = 194688" in costed  # 26·26 positions, 32 filters, 3·3·1


def test_a_text_file_that_is_not_a_spec_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello world\n", encoding="utf-8")
    result = run("analyze", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {path}: a spec is an object with 'input_shape' and 'layers', got str"
    )
