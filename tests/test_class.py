"""A class as a teacher runs it: a roster, one secret network per student, one grading command."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cnncalc import SpecError
from cnncalc.classroom.classes import read_roster
from cnncalc.cli import app

from .by_hand import work_by_hand
from .test_checker_cli import split_cells
from .test_worksheet import table_layers

runner = CliRunner()
SECRET = "correct horse battery staple"


def make_class(tmp_path: Path, size: int = 30, *options: str) -> Path:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\n" + "".join(f"st{n:02},Student {n}\n" for n in range(size)))
    folder = tmp_path / "sheets"
    result = runner.invoke(
        app,
        [
            "exercise",
            "--random",
            "--roster",
            str(roster),
            "--secret",
            SECRET,
            "-o",
            str(folder),
            *options,
        ],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {size} sheets to {folder}" in result.stderr
    return folder


def test_a_class_of_30_from_a_roster_graded_in_one_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_class(tmp_path, 30, "--difficulty", "medium")
    sheets = sorted(folder.glob("*.yaml"))
    assert [p.stem for p in sheets] == [f"st{n:02}" for n in range(30)]
    networks = {json.dumps(yaml.safe_load(p.read_text())["layers"]) for p in sheets}
    assert len(networks) == 30  # every student a different network
    # The students: each works their own sheet by hand (tests/by_hand.py, the lecture's
    # formulas on the sheet's givens, never cnncalc's key), and every third one slips on the
    # total.
    for n, sheet in enumerate(sheets):
        data = yaml.safe_load(sheet.read_text())
        assert data["exercise"] == f"class:medium:st{n:02}"
        worked = work_by_hand(data["input_shape"], data["layers"])
        for mine in data["layers"]:
            shape, params = worked["layers"][mine["name"]]
            mine.update(output_shape=list(shape), params=params)
        data["total_params"] = worked["total"] + (1 if n % 3 == 0 else 0)
        sheet.write_text(yaml.safe_dump(data))
    monkeypatch.setenv("CNNCALC_SECRET", SECRET)  # the teacher's shell
    result = runner.invoke(app, ["check", *map(str, sheets), "-f", "csv"])
    assert result.exit_code == 1, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["student"] for r in rows] == [f"st{n:02}" for n in range(30)]
    for n, row in enumerate(rows):
        slipped = n % 3 == 0
        assert int(row["score"]) == int(row["max_score"]) - slipped, row
        assert row["total_params status"] == ("wrong" if slipped else "correct")


def test_without_the_secret_nothing_grades_or_prints_the_key(tmp_path: Path) -> None:
    folder = make_class(tmp_path, 3, "--difficulty", "easy")
    sheet = folder / "st00.yaml"
    key = yaml.safe_load((folder / "keys" / "st00.yaml").read_text())
    result = runner.invoke(app, ["check", str(sheet), "--reveal", "-f", "json"])
    assert result.exit_code == 2
    assert "is a class exercise: grading it needs the class secret" in result.stderr
    assert "expected" not in result.stdout and str(key["total_params"]) not in result.output
    analyze = runner.invoke(app, ["analyze", key["exercise"]])
    assert analyze.exit_code == 2 and str(key["total_params"]) not in analyze.output
    public = tmp_path / "public.yaml"
    public.write_text("exercise: random:easy:0\nlayers: []\n")  # a student swapped the line
    book = runner.invoke(app, ["check", str(public), "--secret", SECRET, "-f", "csv"]).stdout
    assert "not a class exercise: the sheet names 'random:easy:0'" in book
    wrong_secret = runner.invoke(
        app, ["check", str(folder / "keys" / "st00.yaml"), "--secret", "guess"]
    )
    assert wrong_secret.exit_code == 2  # another secret is another network: refused, not graded
    assert "wrong --secret (or CNNCALC_SECRET), or the sheet was edited" in wrong_secret.stderr
    assert "/19" not in wrong_secret.stdout and "matches no layer" not in wrong_secret.output


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "markdown"])
def test_a_wrong_secret_refuses_every_sheet_naming_what_differs(tmp_path: Path, fmt: str) -> None:
    """The teacher mistypes the secret: each key is refused (exit 2) with the first given that
    differs, never graded against another student's network."""
    folder = make_class(tmp_path, 3, "--difficulty", "medium", "-f", fmt)
    keys = sorted((folder / "keys").iterdir())
    result = runner.invoke(app, ["check", *map(str, keys), "--secret", "mistyped", "-f", "csv"])
    assert result.exit_code == 2
    book = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(book) == 3
    for row in book:
        assert "is not the network's" in row["error"] or ", the network's" in row["error"], row
        assert row["error"].endswith("wrong --secret (or CNNCALC_SECRET), or the sheet was edited")


def test_a_class_network_is_the_hmac_of_secret_and_id(tmp_path: Path) -> None:
    """Derived again here with the standard library: HMAC-SHA256(secret, 'easy:<id>'), its
    first 8 bytes as the seed of the public random:easy:<seed> exercise."""
    folder = make_class(tmp_path, 1, "--difficulty", "easy")
    sheet = yaml.safe_load((folder / "st00.yaml").read_text())
    assert sheet["exercise"] == "class:easy:st00"
    digest = hmac.new(SECRET.encode(), b"easy:st00", hashlib.sha256).digest()
    seed = int.from_bytes(digest[:8], "big")
    public = runner.invoke(
        app, ["exercise", "--random", "--seed", str(seed), "--difficulty", "easy"]
    )
    assert yaml.safe_load(public.stdout)["layers"] == sheet["layers"]


def sheet_layers(text: str, fmt: str) -> tuple[list[int], list[dict[str, Any]], dict[str, Any]]:
    """A sheet's input shape, its layers (type and givens) and its answers, read back in the
    test (tests/test_worksheet.py's table reader), not by cnncalc."""
    if fmt in ("yaml", "json"):
        data = yaml.safe_load(text)
        answers = {
            layer["name"]: (tuple(layer["output_shape"]), layer["params"])
            for layer in data["layers"]
        }
        return data["input_shape"], data["layers"], {**answers, "total": data["total_params"]}
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
    else:
        lines = [line for line in text.splitlines() if line.startswith("|")]
        header = [cell.strip() for cell in lines[0].strip("|").split("|")]
        rows = [dict(zip(header, split_cells(line))) for line in lines[2:]]
    input_shape, layers = table_layers(rows)
    answers = {
        row["name"]: (tuple(json.loads(row["output_shape"])), int(row["params"]))
        for row in rows
        if row["name"] not in ("exercise", "input_shape", "total_params")
    }
    total = next(int(row["params"]) for row in rows if row["name"] == "total_params")
    return input_shape, layers, {**answers, "total": total}


@pytest.mark.parametrize("fmt", ["yaml", "json", "csv", "markdown"])
def test_a_class_in_every_format_writes_keys_worked_by_hand_and_grades_them(
    tmp_path: Path, fmt: str
) -> None:
    """Each key holds the answers a student works by hand from the sheet's givens (hard
    networks: dilated, grouped, depthwise, separable, padded), and a sheet holding them gets
    full marks."""
    folder = make_class(tmp_path, 4, "--difficulty", "hard", "-f", fmt)
    keys = sorted((folder / "keys").iterdir())
    assert len(keys) == 4
    for key in keys:
        input_shape, layers, answers = sheet_layers(key.read_text(encoding="utf-8"), fmt)
        worked = work_by_hand(input_shape, layers)
        assert answers == {**worked["layers"], "total": worked["total"]}, key.name
    result = runner.invoke(app, ["check", *map(str, keys), "--secret", SECRET, "-f", "csv"])
    assert result.exit_code == 0, result.output
    book = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(row["score"], row["percent"]) for row in book] == [
        (row["max_score"], "100.0") for row in book
    ]


def test_the_hand_worker_gets_the_lectures_figures() -> None:
    """The oracle above, checked on the lecture's MNIST printout (34,826 parameters) and on
    LeNet-5's published counts (LeCun et al. 1998: 156, 2,416, 48,120, 10,164, 850)."""
    mnist = work_by_hand(
        [28, 28, 1],
        [
            {"type": "Conv2D", "name": "c1", "given": {"filters": 32, "kernel_size": 3}},
            {"type": "MaxPooling2D", "name": "p1", "given": {"pool_size": 2}},
            {"type": "Conv2D", "name": "c2", "given": {"filters": 64, "kernel_size": [3, 3]}},
            {"type": "MaxPooling2D", "name": "p2", "given": {}},
            {"type": "Flatten", "name": "f"},
            {"type": "Dropout", "name": "d", "given": {"rate": 0.5}},
            {"type": "Dense", "name": "out", "given": {"units": 10}},
        ],
    )
    assert [shape for shape, _ in mnist["layers"].values()] == [
        (26, 26, 32), (13, 13, 32), (11, 11, 64), (5, 5, 64), (1600,), (1600,), (10,)
    ]  # fmt: skip
    assert mnist["total"] == 34826
    lenet = work_by_hand(
        [32, 32, 1],
        [
            {"type": "Conv2D", "name": "c1", "given": {"filters": 6, "kernel_size": 5}},
            {"type": "AveragePooling2D", "name": "s2", "given": {}},
            {"type": "Conv2D", "name": "c3", "given": {"filters": 16, "kernel_size": 5}},
            {"type": "AveragePooling2D", "name": "s4", "given": {}},
            {"type": "Flatten", "name": "f"},
            {"type": "Dense", "name": "f5", "given": {"units": 120}},
            {"type": "Dense", "name": "f6", "given": {"units": 84}},
            {"type": "Dense", "name": "out", "given": {"units": 10}},
        ],
    )
    params = [p for _, p in lenet["layers"].values()]
    assert params == [156, 0, 2416, 0, 0, 48120, 10164, 850] and lenet["total"] == 61706


def test_the_class_is_never_written_over(tmp_path: Path) -> None:
    folder = make_class(tmp_path, 2)
    before = (folder / "st00.yaml").read_text()
    roster = tmp_path / "roster.csv"
    again = runner.invoke(
        app,
        ["exercise", "--random", "--roster", str(roster), "--secret", "other", "-o", str(folder)],
    )
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr
    assert (folder / "st00.yaml").read_text() == before


def test_the_class_folder_must_be_a_folder(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("ann\n")
    for target, message in [
        (roster, "is a file; give a folder"),
        (tmp_path / "no" / "dir", "cannot make the folder (No such file or directory)"),
    ]:
        arguments = ["--random", "--roster", str(roster), "--secret", "s", "-o", str(target)]
        result = runner.invoke(app, ["exercise", *arguments])
        assert result.exit_code == 2 and message in result.stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--random", "--roster", "R", "-o", "D"], "--roster needs the class secret"),
        (["--random", "--roster", "R", "--secret", "s"], "--roster needs -o FOLDER"),
        (
            ["mnist", "--roster", "R", "--secret", "s", "-o", "D"],
            "--roster only applies with --random",
        ),
        (["mnist", "--secret", "s"], "--secret only applies with --roster"),
        (["--random", "--roster", "R", "--secret", " ", "-o", "D"], "the class secret is empty"),
        ([], "give a SPEC (a preset such as mnist, or a spec file), or --random"),
        (["mnist", "--random"], "give a SPEC or --random, not both (got 'mnist' and --random)"),
    ],
)
def test_class_options_say_what_they_need(tmp_path: Path, options: list[str], message: str) -> None:
    (tmp_path / "R").write_text("id\nann\n")
    options = [str(tmp_path / o) if o in ("R", "D") else o for o in options]
    result = runner.invoke(
        app, ["exercise", *options], env={"CNNCALC_SECRET": ""} if "--secret" in options else {}
    )
    assert result.exit_code == 2 and message in result.stderr, result.output


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("ann\nbob\n\n# a comment\ncy.d-3\n", ["ann", "bob", "cy.d-3"]),
        ('name,id\nAnn A,ann\n"Bob, B",bob\n', ["ann", "bob"]),
        ("ID\nann\n", ["ann"]),
    ],
)
def test_rosters(tmp_path: Path, text: str, ids: list[str]) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    assert read_roster(path) == ids


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ann\n../etc\n", "line 2: '../etc' is not a usable id"),
        ("ann\n=cmd()\n", "line 2: '=cmd()' is not a usable id"),
        ("ann\nbob\nann\n", "line 3: 'ann' is already on line 1"),
        ("name,email\nann,a@x\n", "a CSV roster has an 'id' column"),
        ("# nobody\n", "has no student ids"),
    ],
)
def test_bad_rosters_say_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_roster(path)
