"""The exercise end to end, as a student and a teacher run it: worksheet → answers → report.

Students fill in sheets with the lecture's MNIST answers written by hand (tests/
test_grading.py's MNIST key, from the lecture's printout), in every sheet format.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cnncalc.cli import app

from .test_grading import MNIST, Key

runner = CliRunner()
SUFFIX = {"yaml": "yaml", "json": "json", "csv": "csv", "markdown": "md"}


def cell(value: Any) -> str:
    return "" if value is None else json.dumps(list(value) if isinstance(value, tuple) else value)


def fill(path: Path, key: Key) -> None:
    """A student fills in their sheet (any format) with these answers, leaving the rest."""
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".json"):
        data = yaml.safe_load(text)
        for layer in data["layers"]:
            for field in ("output_shape", "params"):
                if (layer["name"], field) in key:
                    value = key[(layer["name"], field)]
                    layer[field] = list(value) if isinstance(value, tuple) else value
        data["total_params"] = key.get(("total", "params"))
        dumped = json.dumps(data) if path.suffix == ".json" else yaml.safe_dump(data)
        path.write_text(dumped, encoding="utf-8")
        return
    if path.suffix == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        lines = [line for line in text.splitlines() if line.startswith("|")]
        header = [c.strip() for c in lines[0].strip("|").split("|")]
        rows = [dict(zip(header, split_cells(line))) for line in lines[2:]]
    for row in rows:
        name = "total" if row["name"] == "total_params" else row["name"]
        for field in ("output_shape", "params"):
            if (name, field) in key:
                row[field] = cell(key[(name, field)])
    if path.suffix == ".csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    else:
        table = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        table += ["| " + " | ".join(r[h].replace("|", "\\|") for h in header) + " |" for r in rows]
        path.write_text("\n".join(table) + "\n", encoding="utf-8")


def split_cells(line: str) -> list[str]:
    import re

    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]


def exercise(tmp_path: Path, spec: str, fmt: str, name: str = "sheet", *extra: str) -> Path:
    path = tmp_path / f"{name}.{SUFFIX[fmt]}"
    result = runner.invoke(app, ["exercise", spec, "-f", fmt, "-o", str(path), *extra])
    assert result.exit_code == 0, result.output
    return path


def report_of(paths: list[Path], *options: str) -> Any:
    result = runner.invoke(app, ["check", *map(str, paths), "-f", "json", *options])
    return result, json.loads(result.stdout) if result.stdout.strip() else None


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_a_student_does_the_lectures_exercise_in_every_format(tmp_path: Path, fmt: str) -> None:
    sheet = exercise(tmp_path, "mnist", fmt)
    blank = runner.invoke(app, ["check", str(sheet)])  # no --spec: the sheet names mnist
    assert blank.exit_code == 1 and f"{sheet}: 0/15" in blank.stdout
    fill(sheet, {**MNIST, ("conv2d", "params"): 288})
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 1, result.output
    assert f"{sheet}: 14/15" in result.stdout
    assert "wrong (missing_bias)" in result.stdout and "Hints:" in result.stdout
    fill(sheet, MNIST)
    assert runner.invoke(app, ["check", str(sheet)]).exit_code == 0


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_a_sheet_made_from_a_spec_file_embeds_it(tmp_path: Path, fmt: str) -> None:
    """The spec is embedded: the sheet is checked after the spec file is gone, anywhere."""
    spec = tmp_path / "net.json"
    spec.write_text(json.dumps({"input_shape": [28, 28, 1], "layers": [
        {"type": "Conv2D", "filters": 32, "kernel_size": 3},
        {"type": "MaxPooling2D"}]}))  # fmt: skip
    sheet = exercise(tmp_path, str(spec), fmt)
    spec.unlink()
    fill(sheet, {k: v for k, v in MNIST.items() if k[0] in ("conv2d", "max_pooling2d")})
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 1 and f"{sheet}: 4/5" in result.stdout  # no total given


@pytest.mark.parametrize("fmt", list(SUFFIX))
def test_random_sheets_are_checked_from_their_own_name(tmp_path: Path, fmt: str) -> None:
    sheet = tmp_path / f"mine.{SUFFIX[fmt]}"
    runner.invoke(app, ["exercise", "--random", "--seed", "3", "-f", fmt, "-o", str(sheet)])
    result, data = report_of([sheet])
    assert result.exit_code == 1 and data["score"] == 0 and data["max_score"] > 3


def test_random_exercises_are_the_same_for_the_same_seed() -> None:
    first = runner.invoke(app, ["exercise", "--random", "--seed", "7", "--difficulty", "hard"])
    again = runner.invoke(app, ["exercise", "--random", "--seed", "7", "--difficulty", "hard"])
    other = runner.invoke(app, ["exercise", "--random", "--seed", "8", "--difficulty", "hard"])
    assert first.exit_code == 0 and first.stdout == again.stdout != other.stdout
    assert 'exercise: "random:hard:7"' in first.stdout


def test_a_contradicting_spec_is_refused_naming_both(tmp_path: Path) -> None:
    sheet = exercise(tmp_path, "mnist", "yaml")
    fill(sheet, MNIST)
    result = runner.invoke(app, ["check", str(sheet), "--spec", "lenet5"])
    assert result.exit_code == 2
    assert "the sheet is the exercise 'mnist' but --spec is 'lenet5'" in result.stderr
    agreeing = runner.invoke(app, ["check", str(sheet), "--spec", "MNIST"])
    assert agreeing.exit_code == 0


def test_a_sheet_without_an_exercise_uses_spec_or_says_so(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("name,output_shape,params\nconv2d,26x26x32,320\n")
    result = runner.invoke(app, ["check", str(path)])
    assert (
        result.exit_code == 2 and "names no exercise; give the network with --spec" in result.stderr
    )
    result, data = report_of([path], "--spec", "mnist")
    assert data["items"][0]["status"] == "correct" and data["items"][1]["status"] == "correct"


@pytest.mark.parametrize(
    "reference",
    ["-", "/etc/passwd", "../spec.json", "sub/../../spec.json", "C:\\\\spec.json"],
)
def test_a_sheet_never_names_a_file_outside_its_folder(tmp_path: Path, reference: str) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    (tmp_path / "spec.json").write_text(
        '{"input_shape": [4], "layers": [{"type": "Dense", "units": 2}]}'
    )
    sheet = folder / "a.yaml"
    sheet.write_text(f"exercise: {json.dumps(reference)}\nlayers: []\n")
    result = runner.invoke(app, ["check", str(sheet)], input="{}")
    assert result.exit_code == 2
    assert "names a file outside the sheet's folder" in result.stderr


def test_a_sheet_may_name_a_spec_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "net.json").write_text(
        '{"input_shape": [4], "layers": [{"type": "Dense", "name": "d", "units": 2}]}'
    )
    sheet = tmp_path / "a.yaml"
    sheet.write_text("exercise: net.json\nlayers:\n  - {name: d, output_shape: [2], params: 10}\n"
                     "total_params: 10\n")  # fmt: skip
    assert runner.invoke(app, ["check", str(sheet)]).exit_code == 0  # (4 + 1)·2 = 10
    os.symlink("/etc/hostname", tmp_path / "link.json")
    sheet.write_text("exercise: link.json\nlayers: []\n")
    result = runner.invoke(app, ["check", str(sheet)])
    assert result.exit_code == 2 and "links outside the sheet's folder" in result.stderr


ANSWERS = {
    "a.yaml": "exercise: mnist\nlayers:\n  - name: conv2d\n    output_shape: (None, 26, 26, 32)\n"
    "    params: 320\n  - name: max_pooling2d\n    output_shape: 13X13X32\n"
    "    params: 0\ntotal_params: 34,826\n",
    "b.csv": "name,output_shape,params\nexercise,,\nconv2d,26 × 26 × 32,3.20e2\n"
    'conv2d_1,"[11, 11, 64]","18,496"\ndense,(None; 10),16_010\ntotal_params,,34826\n',
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


def test_every_answer_notation(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    result, data = report_of(paths, "--spec", "mnist")
    reports = {Path(s["file"]).name: s for s in data["submissions"]}
    statuses = {
        name: {(i["layer"], i["field"]): i["status"] for i in report["items"]}
        for name, report in reports.items()
    }
    assert statuses["a.yaml"][("conv2d", "output_shape")] == "correct"
    assert statuses["a.yaml"][("max_pooling2d", "output_shape")] == "correct"
    assert statuses["a.yaml"][(None, "total_params")] == "correct"
    assert statuses["b.csv"][("conv2d", "output_shape")] == "correct"
    assert statuses["b.csv"][("conv2d", "params")] == "correct"
    assert statuses["b.csv"][("conv2d_1", "params")] == "correct"
    assert statuses["b.csv"][("dense", "params")] == "correct"
    assert statuses["b.csv"][("dense", "output_shape")] == "unreadable"
    assert statuses["c.md"][("conv2d", "params")] == "wrong"
    assert statuses["d.json"][("flatten", "output_shape")] == "correct"
    assert statuses["d.json"][(None, "total_params")] == "missing"
    assert result.exit_code == 1


def test_unreadable_answers_are_flagged_in_every_report(tmp_path: Path) -> None:
    (path,) = [p for p in write_answers(tmp_path) if p.suffix == ".csv"]
    table = runner.invoke(app, ["check", str(path), "--spec", "mnist"]).stdout
    assert f"{path}: 6/15, 1 unreadable" in table
    assert "Could not read '(None; 10)': the size 'None;' is not a count" in table
    gradebook = runner.invoke(app, ["check", str(path), "--spec", "mnist", "-f", "csv"]).stdout
    row = next(csv.DictReader(io.StringIO(gradebook)))
    assert row["unreadable"] == "1" and row["dense output_shape status"] == "unreadable"


def test_json_report_layout_and_reveal(tmp_path: Path) -> None:
    (path,) = [p for p in write_answers(tmp_path) if p.suffix == ".md"]
    _, data = report_of([path], "--spec", "mnist")
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
    _, revealed = report_of([path], "--spec", "mnist", "--reveal")
    assert revealed["items"][1]["expected"] == 320
    assert data["items"][-1]["layer"] is None


def test_a_broken_file_costs_nobody_else_their_grade(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    broken = tmp_path / "broken.yaml"
    broken.write_text("exercise: mnist\nlayers:\n  - name: conv2d\n    params: [320\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    wide = tmp_path / "wide.csv"
    wide.write_text("name," + "x" * 131_073 + ",output_shape,params\n")
    result = runner.invoke(
        app, ["check", str(broken), *map(str, paths), str(empty), str(wide), "--spec", "mnist"]
    )
    assert result.exit_code == 2
    assert f"error: {broken}: could not be graded: invalid YAML at line 5" in result.stderr
    assert result.output.count(f"{broken}: invalid") == 0  # the file is named once per line
    assert result.stdout.count(str(broken)) == 1  # its row of the class table, not a section too
    assert (
        f"{empty}: could not be graded: is empty" in result.stderr
        and f"error: {wide}: could not be graded" in result.stderr
    )
    for path in paths:
        assert f"{path}: " in result.stdout  # each graded file has its report
    assert "Most missed" in result.stdout


def test_an_unexpected_failure_of_one_sheet_is_that_sheets_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Planted: grading one sheet raises a bug's exception; the batch carries on."""
    from cnncalc.classroom import checking

    real = checking.grade

    def buggy(sheet: Any, *args: Any) -> Any:
        if sheet.path.endswith("c.md"):
            raise ZeroDivisionError("division by zero")
        return real(sheet, *args)

    monkeypatch.setattr(checking, "grade", buggy)
    paths = write_answers(tmp_path)
    result = runner.invoke(app, ["check", *map(str, paths), "--spec", "mnist", "-f", "csv"])
    assert result.exit_code == 2
    rows = {Path(r["file"]).name: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert rows["c.md"]["error"] == "unexpected ZeroDivisionError: division by zero"
    assert all(rows[p.name]["score"] for p in paths if p.name != "c.md")


def test_gradebook_has_a_row_per_student_with_item_columns(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
    out = runner.invoke(app, ["check", *map(str, paths), "--spec", "mnist", "-f", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["student"] for r in rows] == ["a", "b", "c", "d"]
    header = out.splitlines()[0].split(",")
    assert header[:8] == [
        "file", "student", "score", "max_score", "percent", "unreadable", "error", "notes"
    ]  # fmt: skip
    assert header[8:10] == ["conv2d output_shape status", "conv2d output_shape mistake"]
    c = next(r for r in rows if r["student"] == "c")
    assert (c["conv2d params status"], c["conv2d params mistake"]) == ("wrong", "missing_bias")
    assert c["score"] == "2" and c["max_score"] == "15"


def test_gradebook_cells_never_start_a_formula(tmp_path: Path) -> None:
    sheet = tmp_path / "=HYPERLINK(1).yaml"
    sheet.write_text("exercise: mnist\nlayers: []\n")
    out = runner.invoke(app, ["check", str(sheet), "-f", "csv"]).stdout
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["student"] == "'=HYPERLINK(1)"


def test_gradescope_names_every_submission_and_writes_one_file_each(tmp_path: Path) -> None:
    paths = write_answers(tmp_path)
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
    folder = tmp_path / "gradescope"
    many = runner.invoke(
        app,
        [
            "check",
            *map(str, paths),
            "--spec",
            "mnist",
            "-f",
            "gradescope",
            "--gradescope-dir",
            str(folder),
        ],
    )
    submissions = json.loads(many.stdout)["submissions"]
    assert [s["file"] for s in submissions] == list(map(str, paths))
    for path, submission in zip(paths, submissions):
        written = json.loads((folder / path.name / "results.json").read_text())
        assert written == {k: v for k, v in submission.items() if k != "file"}
    again = runner.invoke(
        app, ["check", *map(str, paths), "--spec", "mnist", "--gradescope-dir", str(folder)]
    )
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr


HOSTILE = {
    "superscript.yaml": ("exercise: mnist\nlayers:\n  - {name: conv2d, params: 3²⁰}\n", None),
    "digits.yaml": (
        "exercise: mnist\nlayers:\n  - {name: conv2d, params: " + "9" * 5000 + "}\n",
        "an integer longer than 30 digits is no size or count",
    ),
    "digits.json": (
        '{"exercise": "mnist", "layers": [{"name": "conv2d", "params": ' + "9" * 5000 + "}]}",
        "an integer longer than 30 digits is no size or count",
    ),
    "header.csv": ("name," + "x" * 131_073 + ",params\n", "line 1: field larger than field limit"),
    "surrogate.json": (
        '{"exercise": "mnist\\ud800", "layers": []}',
        "at exercise: holds a lone surrogate",
    ),
    "surrogate_name.json": (
        '{"exercise": "mnist", "layers": [{"name": "x\\udc00"}]}',
        "at layers[0].name: holds a lone surrogate",
    ),
    "long.yaml": (f"exercise: {'a' * 100_000}\nlayers: []\n", "the exercise name is 100,000"),
    "stdin.yaml": ('exercise: "-"\nlayers: []\n', "names a file outside the sheet's folder"),
    "list.yaml": ("exercise: [mnist]\nlayers: []\n", "not a list"),
    "bad_spec.yaml": (
        "exercise: {layers: 5}\nlayers: []\n",
        "layers: Input should be a valid list",
    ),
}


def test_hostile_sheets_each_become_their_own_row(tmp_path: Path) -> None:
    """Issue 13's crafted sheets in one batch: none stops it, none prints a traceback."""
    paths = []
    for name, (text, _) in HOSTILE.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    good = tmp_path / "good.yaml"
    good.write_text("exercise: mnist\nlayers:\n  - {name: conv2d, params: 320}\n")
    result = runner.invoke(app, ["check", *map(str, paths), str(good), "-f", "csv"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    rows = {Path(r["file"]).name: r for r in csv.DictReader(io.StringIO(result.stdout))}
    for name, (_, message) in HOSTILE.items():
        if message is None:
            assert rows[name]["conv2d params status"] == "unreadable"
        else:
            assert message in rows[name]["error"], (name, rows[name]["error"])
    assert rows["good.yaml"]["conv2d params status"] == "correct"


def test_a_sheet_from_standard_input_embeds_the_spec(tmp_path: Path) -> None:
    spec = '{"input_shape": [4], "layers": [{"type": "Dense", "name": "d", "units": 2}]}'
    sheet = tmp_path / "s.json"
    result = runner.invoke(app, ["exercise", "-", "-f", "json", "-o", str(sheet)], input=spec)
    assert result.exit_code == 0, result.output
    assert json.loads(sheet.read_text())["exercise"]["layers"][0]["units"] == 2
    fill(sheet, {("d", "output_shape"): (2,), ("d", "params"): 10, ("total", "params"): 10})
    assert runner.invoke(app, ["check", str(sheet)]).exit_code == 0  # (4 + 1)·2 = 10


def parsed_as(text: str, fmt: str) -> Any:
    """The sheet read with the standard reader for its format (not cnncalc's)."""
    if fmt == "csv":
        return next(csv.reader(io.StringIO(text)))
    if fmt == "json":
        return json.loads(text)
    if fmt == "markdown":
        return [line for line in text.splitlines() if line.startswith("| name |")]
    return yaml.safe_load(text)["layers"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("s.csv", "csv"), ("s.md", "markdown"), ("s.markdown", "markdown"), ("s.json", "json"),
     ("s.yml", "yaml"), ("s.yaml", "yaml"), ("s.txt", "yaml"), ("S.CSV", "csv")],
)  # fmt: skip
def test_exercise_writes_the_format_its_file_name_says(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    result = runner.invoke(app, ["exercise", "mnist", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert parsed_as(path.read_text(encoding="utf-8"), fmt)
    checked = runner.invoke(app, ["check", str(path)])
    assert checked.exit_code == 1, checked.output  # read and graded: every answer is blank


def test_exercise_refuses_a_format_its_file_name_contradicts(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    result = runner.invoke(app, ["exercise", "mnist", "-f", "json", "-o", str(path)])
    assert result.exit_code == 2 and not path.exists()
    assert "a .csv file is read as csv, but --format is json" in result.stderr


def test_check_help_names_every_field_a_sheet_may_ask() -> None:
    text = " ".join(runner.invoke(app, ["check", "--help"]).stdout.split())
    for field in ("output_shape", "params", "macs", "receptive_field", "total_macs", "--fields"):
        assert field in text, field
