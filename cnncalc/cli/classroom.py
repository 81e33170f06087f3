"""The classroom's commands: exercise, check."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ..errors import SpecError
from ..render.escaping import visible

if TYPE_CHECKING:
    from ..classroom.grading import Report
    from ..spec import Spec

from .app import SPEC_HELP, command, require, write_output


class SheetFormat(str, Enum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class GradeFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    gradescope = "gradescope"


class Difficulty(str, Enum):
    easy = "easy"
    medium = "medium"
    hard = "hard"


SECRET_HELP = "The class secret (else the CNNCALC_SECRET environment variable)."


@command()
def exercise(
    spec: str | None = typer.Argument(
        None, help=SPEC_HELP + " Leave out with --random.", metavar="SPEC"
    ),
    random: bool = typer.Option(False, "--random", help="A fresh random network."),
    seed: int | None = typer.Option(
        None, "--seed", help="With --random: the same seed, the same network (default 0)."
    ),
    difficulty: Difficulty | None = typer.Option(
        None, "--difficulty", help="With --random (default medium)."
    ),
    roster: Path | None = typer.Option(
        None,
        "--roster",
        help="With --random: one sheet per student of this roster (a CSV with an 'id' column, "
        "or one id per line), each a different network derived from the secret; -o is a folder.",
    ),
    secret: str | None = typer.Option(None, "--secret", help=SECRET_HELP),
    format: SheetFormat | None = typer.Option(
        None, "--format", "-f", help="Sheet format (default: from -o's suffix, else yaml)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the sheet here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    fields: str = typer.Option(
        "output_shape,params",
        "--fields",
        help="What to ask per layer: output_shape, params, macs, receptive_field.",
    ),
) -> None:
    """Write a blank worksheet: each layer's hyperparameters, blanks for its output shape and
    parameter count (or the --fields asked), and for the totals. Filled in, it is an answer
    file for `cnncalc check`.

    Examples:

        cnncalc exercise mnist -o mnist.yaml

        cnncalc exercise --random --seed 7 --difficulty hard

        cnncalc exercise vgg16 --fields output_shape,params,macs,receptive_field

        cnncalc exercise --random --roster roster.csv --secret S -o sheets/
    """
    from .. import analyze as run
    from ..classroom.answers import asked_fields
    from ..classroom.classes import secret_from
    from ..classroom.worksheet import render_worksheet, sheet_format, worksheet
    from ..sources import load_spec

    if random and spec is not None:
        raise SpecError(f"give a SPEC or --random, not both (got '{spec}' and --random)")
    if not random and spec is None:
        raise SpecError("give a SPEC (a preset such as mnist, or a spec file), or --random")
    require("--seed", seed is not None, "--random", random)
    require("--difficulty", difficulty is not None, "--random", random)
    require("--roster", roster is not None, "--random", random)
    require("--secret", secret is not None, "--roster", roster is not None)
    level = (difficulty or Difficulty.medium).value
    asked = asked_fields(fields, "--fields")
    if roster is not None:
        require("--seed", seed is not None, "a single sheet (not --roster)", False)
        fmt = format.value if format else "yaml"  # -o is a folder: its name says nothing
        write_class(roster, secret_from(secret), level, fmt, asked, output, force)
        return
    if random:
        reference: str | dict[str, object] = f"random:{level}:{seed or 0}"
        network = load_spec(reference)
    else:
        reference, network = exercise_reference(str(spec))
    fmt = sheet_format(format.value if format else None, output.name if output else None)
    text = render_worksheet(worksheet(reference, network, run(network), asked), fmt)
    write_output(text, output, force)


def exercise_reference(spec: str) -> tuple[str | dict[str, object], Spec]:
    """How a sheet names its exercise, and the network: a preset or random:… by name,
    anything else embedded (a sheet never points at a file of the machine it was made on)."""
    from ..sources import RANDOM_PREFIX, load_spec, preset_names

    network = load_spec(spec)
    named = spec.startswith(RANDOM_PREFIX) or spec.lower() in preset_names()
    if named and spec != "-" and not Path(spec).exists():
        return spec.lower() if not spec.startswith(RANDOM_PREFIX) else spec, network
    return network.to_dict(), network


def write_class(
    roster: Path,
    secret: str | None,
    difficulty: str,
    fmt: str,
    fields: tuple[str, ...],
    folder: Path | None,
    force: bool,
) -> None:
    """One sheet per student into FOLDER, the keys into FOLDER/keys."""
    from .. import analyze as run
    from ..classroom.classes import SECRET_VARIABLE, class_exercises, read_roster
    from ..classroom.worksheet import SUFFIXES, answer_key, render_worksheet, worksheet

    if secret is None:
        raise SpecError(f"--roster needs the class secret: --secret or {SECRET_VARIABLE}")
    if folder is None:
        raise SpecError("--roster needs -o FOLDER for the sheets")
    students = read_roster(roster)
    keys = folder / "keys"
    suffix = SUFFIXES[fmt]
    files = []
    for student, reference, network in class_exercises(students, secret, difficulty):
        sheet = worksheet(reference, network, run(network), fields)
        files.append((folder / f"{student}{suffix}", render_worksheet(sheet, fmt)))
        files.append(
            (keys / f"{student}{suffix}", render_worksheet(answer_key(sheet, run(network)), fmt))
        )
    existing = [path for path, _ in files if path.exists() or path.is_symlink()]
    if existing and not force:
        raise SpecError(f"{existing[0]}: already exists; use --force to overwrite the class")
    make_folder(folder)
    make_folder(keys)
    for path, text in files:
        write_output(text, path, force, quiet=True)
    typer.echo(
        f"wrote {len(students)} sheets to {folder} and their keys to {keys} "
        "(keep the keys and the secret from the students)",
        err=True,
    )


def make_folder(folder: Path) -> None:
    """A folder for many output files: made if missing (its parent must exist)."""
    if folder.exists() and not folder.is_dir():
        raise SpecError(f"{folder}: is a file; give a folder for the output files")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise SpecError(f"{folder}: cannot make the folder ({error.strerror})") from None


@command()
def check(
    files: list[Path] = typer.Argument(
        ..., metavar="FILES", help="Answer files (YAML, JSON, CSV, markdown)."
    ),
    spec: str | None = typer.Option(
        None, "--spec", help="The network, for sheets that name none (else it must agree)."
    ),
    secret: str | None = typer.Option(None, "--secret", help=SECRET_HELP + " For class sheets."),
    format: GradeFormat = typer.Option(GradeFormat.table, "--format", "-f", help="Report format."),
    gradescope_dir: Path | None = typer.Option(
        None,
        "--gradescope-dir",
        help="Also write Gradescope's results.json for each file, as DIR/<file name>/results.json.",
    ),
    reveal: bool = typer.Option(False, "--reveal", help="Show the right answers too."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report (e.g. the gradebook) here."
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite the output file (or the Gradescope files)."
    ),
) -> None:
    """Grade answer files: every layer's output_shape and params and total_params, or the
    fields the sheet asks (exercise --fields: also macs, receptive_field and total_macs).

    Each sheet names its exercise (a preset, random:…, a class exercise, or the spec itself);
    --spec is for sheets that name none. Wrong answers that follow from a student's own
    earlier answers are credited (carried_forward); common mistakes are named, and every hint
    shows the formula with the student's numbers. Exit code 0: all full marks; 1: some items
    not correct; 2: some file could not be graded (the others are still graded).

    Examples:

        cnncalc check answers.yaml

        cnncalc check sheets/*.yaml --secret S --format csv -o gradebook.csv

        cnncalc check submissions/*.csv --spec mnist --format csv > gradebook.csv
    """
    from ..classroom.checking import check_files
    from ..classroom.classes import secret_from
    from ..classroom.report import render_reports

    require("--force", force, "-o or --gradescope-dir", bool(output or gradescope_dir))
    class_secret = secret_from(secret)
    show_progress = len(files) > 1 and format is GradeFormat.table and sys.stderr.isatty()
    if show_progress:
        with typer.progressbar(length=len(files), label="grading", file=sys.stderr) as bar:
            reports = check_files(files, spec, reveal, lambda: bar.update(1), class_secret)
    else:
        reports = check_files(files, spec, reveal, secret=class_secret)
    if gradescope_dir is not None:
        write_gradescope(reports, gradescope_dir, force)
    write_output(render_reports(reports, format.value, reveal), output, force)
    if any(r.error for r in reports):
        for r in reports:
            if r.error:
                typer.echo(visible(f"error: {r.file}: could not be graded: {r.reason}"), err=True)
        raise typer.Exit(2)
    raise typer.Exit(0 if all(r.full_marks for r in reports) else 1)


def write_gradescope(reports: list[Report], folder: Path, force: bool) -> None:
    """One results.json per submission, in a folder named after the submission's file."""
    import json

    from ..classroom.report import gradescope

    names = [Path(r.file).name for r in reports]
    clash = next((name for name in names if names.count(name) > 1), None)
    if clash:
        raise SpecError(f"--gradescope-dir: two submissions are named {clash}; rename one")
    make_folder(folder)
    for name, report in zip(names, reports):
        make_folder(folder / name)
        text = json.dumps(gradescope(report), indent=2, ensure_ascii=False)
        write_output(text, folder / name / "results.json", force, quiet=True)
