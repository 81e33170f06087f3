"""The exercise end to end, as a student and a teacher run it: worksheet → answers → report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cnncalc
from cnncalc.classroom.answers import read_answers
from cnncalc.cli import app

runner = CliRunner()


def fill_yaml(sheet_text: str, wrong: dict[str, object] | None = None) -> str:
    """A student who knows every answer (but the ones in `wrong`) fills in the worksheet."""
    sheet = yaml.safe_load(sheet_text)
    analysis = cnncalc.analyze(sheet["exercise"])
    for layer in sheet["layers"]:
        row = analysis[layer["name"]]
        layer["output_shape"] = list(row.output_shape)
        layer["params"] = row.params
        layer.update((wrong or {}).get(layer["name"], {}))  # type: ignore[arg-type]
    sheet["total_params"] = analysis.total_params
    return yaml.safe_dump(sheet, sort_keys=False)


def test_the_lectures_exercise_end_to_end(tmp_path: Path) -> None:
    sheet = tmp_path / "mnist.yaml"
    assert runner.invoke(app, ["exercise", "mnist", "-o", str(sheet)]).exit_code == 0
    blank = runner.invoke(app, ["check", str(sheet)])
    assert blank.exit_code == 1 and f"{sheet}: 0/15" in blank.stdout
    sheet.write_text(fill_yaml(sheet.read_text(), {"conv2d": {"params": 288}}))
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 1
    assert f"{sheet}: 14/15" in result.stdout
    assert "wrong (missing_bias)" in result.stdout and "Hints:" in result.stdout
    sheet.write_text(fill_yaml(sheet.read_text()))
    assert runner.invoke(app, ["check", str(sheet)]).exit_code == 0


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "markdown"])
def test_worksheet_formats_read_back_as_answer_sheets(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"sheet.{ {'markdown': 'md'}.get(fmt, fmt) }"
    result = runner.invoke(app, ["exercise", "lenet5", "--format", fmt, "-o", str(path)])
    assert result.exit_code == 0
    sheet = read_answers(path)
    assert [a.name for a in sheet.layers][:2] == ["conv2d", "average_pooling2d"]
    assert all(a.output_shape is None and a.params is None for a in sheet.layers)


def test_the_worksheet_gives_the_hyperparameters_and_leaves_blanks() -> None:
    sheet = yaml.safe_load(runner.invoke(app, ["exercise", "mnist"]).stdout)
    assert sheet["exercise"] == "mnist" and sheet["input_shape"] == [28, 28, 1]
    assert sheet["layers"][0] == {
        "name": "conv2d",
        "type": "Conv2D",
        "given": {
            "kernel_size": [3, 3],
            "filters": 32,
            "activation": "relu",
            "strides": 1,
            "padding": "valid",
        },
        "output_shape": None,
        "params": None,
    }
    assert sheet["total_params"] is None


def test_random_exercises_are_the_same_for_the_same_seed() -> None:
    first = runner.invoke(app, ["exercise", "--random", "--seed", "7", "--difficulty", "hard"])
    again = runner.invoke(app, ["exercise", "--random", "--seed", "7", "--difficulty", "hard"])
    other = runner.invoke(app, ["exercise", "--random", "--seed", "8", "--difficulty", "hard"])
    assert first.exit_code == 0 and first.stdout == again.stdout != other.stdout
    assert 'exercise: "random:hard:7"' in first.stdout


def test_a_random_worksheet_is_graded_from_its_exercise_line(tmp_path: Path) -> None:
    sheet = tmp_path / "mine.yaml"
    runner.invoke(app, ["exercise", "--random", "--seed", "3", "-o", str(sheet)])
    sheet.write_text(fill_yaml(sheet.read_text()))
    assert runner.invoke(app, ["check", str(sheet)]).exit_code == 0


def test_exercise_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "sheet.yaml"
    path.write_text("my answers")
    result = runner.invoke(app, ["exercise", "mnist", "-o", str(path)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert path.read_text() == "my answers"


ANSWERS = {
    "a.yaml": "exercise: mnist\nlayers:\n  - name: conv2d\n    output_shape: (None, 26, 26, 32)\n"
    "    params: 320\n  - name: max_pooling2d\n    output_shape: 13x13x32\n"
    "    params: 0\ntotal_params: 34,826\n",
    "b.csv": 'name,output_shape,params\nconv2d,26×26×32,320\nconv2d_1,"[11, 11, 64]",'
    '"18,496"\ndense,(None; 10),16010\ntotal_params,,34826\n',
    "c.md": "| name | output_shape | params |\n|---|---|---|\n| conv2d | 26x26x32 | 288 |\n"
    "| total_params | | 34826 |\n",
    "d.json": '{"exercise": "mnist", "layers": [{"name": "flatten", "output_shape": [1600], '
    '"params": 0}], "total_params": null}',
}


def write_answers(folder: Path) -> list[Path]:
    paths = []
    for name, text in ANSWERS.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    return paths


def test_every_answer_format_and_notation(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    result = runner.invoke(app, ["check", *map(str, paths), "--spec", "mnist", "-f", "json"])
    reports = {Path(s["file"]).name: s for s in json.loads(result.stdout)["submissions"]}
    statuses = {
        name: {(i["layer"], i["field"]): i["status"] for i in report["items"]}
        for name, report in reports.items()
    }
    assert statuses["a.yaml"][("conv2d", "output_shape")] == "correct"
    assert statuses["a.yaml"][("max_pooling2d", "output_shape")] == "correct"
    assert statuses["a.yaml"][(None, "total_params")] == "correct"
    assert statuses["b.csv"][("conv2d", "output_shape")] == "correct"
    assert statuses["b.csv"][("conv2d_1", "params")] == "correct"
    assert statuses["b.csv"][("dense", "output_shape")] == "wrong"  # '(None; 10)' is unreadable
    assert statuses["c.md"][("conv2d", "params")] == "wrong"
    assert statuses["d.json"][("flatten", "output_shape")] == "correct"
    assert statuses["d.json"][(None, "total_params")] == "missing"
    assert result.exit_code == 1


def test_json_report_layout_and_reveal(tmp_path: Path) -> None:
    (path,) = [p for p in write_answers(tmp_path) if p.suffix == ".md"]
    data = json.loads(
        runner.invoke(app, ["check", str(path), "--spec", "mnist", "-f", "json"]).stdout
    )
    assert set(data) == {"file", "score", "max_score", "items"}
    first = data["items"][1]
    assert first == {
        "layer": "conv2d",
        "field": "params",
        "given": 288,
        "expected": None,
        "status": "wrong",
        "mistake": "missing_bias",
        "hint": first["hint"],
    }
    revealed = json.loads(
        runner.invoke(app, ["check", str(path), "--spec", "mnist", "-f", "json", "--reveal"]).stdout
    )
    assert revealed["items"][1]["expected"] == 320
    assert data["items"][-1]["layer"] is None


def test_a_broken_file_costs_nobody_else_their_grade(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("exercise: mnist\nlayers:\n  - name: conv2d\n    params: [320\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(
        app, ["check", str(broken), *map(str, paths), str(empty), "--spec", "mnist"]
    )
    assert result.exit_code == 2
    assert (
        f"error: {broken}: could not be graded: {broken}: invalid YAML at line 5" in result.stderr
    )
    assert f"{empty}: is empty" in result.stderr
    for path in paths:
        assert f"{path}: " in result.stdout  # each graded file has its report
    assert "Most missed" in result.stdout


def test_gradebook_csv_and_gradescope(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    csv_out = runner.invoke(app, ["check", *map(str, paths), "--spec", "mnist", "-f", "csv"])
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "file,score,max_score,percent,error" and len(lines) == 1 + len(paths)
    one = runner.invoke(app, ["check", str(paths[0]), "--spec", "mnist", "-f", "gradescope"])
    results = json.loads(one.stdout)
    assert set(results) == {"score", "output", "tests"}
    assert results["tests"][0] == {
        "name": "conv2d output_shape",
        "score": 1,
        "max_score": 1,
        "status": "passed",
        "output": "correct",
    }
    assert results["score"] == sum(t["score"] for t in results["tests"])


def test_a_sheet_without_an_exercise_needs_spec(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,output_shape,params\nconv2d,26x26x32,320\n")
    result = runner.invoke(app, ["check", str(path)])
    assert (
        result.exit_code == 2
        and "no 'exercise:' line; give the network with --spec" in result.stderr
    )
