"""The classroom's commands: exercise, check."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from ..errors import SpecError
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
    format: SheetFormat = typer.Option(SheetFormat.yaml, "--format", "-f", help="Sheet format."),
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
    """
    from .. import analyze as run
    from ..classroom.worksheet import asked_fields, render_worksheet, worksheet
    from ..sources import load_spec

    if random == (spec is not None):
        raise SpecError("give a SPEC, or --random (with --seed), not both")
    require("--seed", seed is not None, "--random", random)
    require("--difficulty", difficulty is not None, "--random", random)
    level = (difficulty or Difficulty.medium).value
    reference = f"random:{level}:{seed or 0}" if random else str(spec)
    asked = asked_fields(fields)
    network = load_spec(reference)
    text = render_worksheet(worksheet(reference, network, run(network), asked), format.value)
    write_output(text, output, force)


@command()
def check(
    files: list[Path] = typer.Argument(
        ..., metavar="FILES", help="Answer files (YAML, JSON, CSV, markdown)."
    ),
    spec: str | None = typer.Option(
        None, "--spec", help="The network (else each file's 'exercise:' line)."
    ),
    format: GradeFormat = typer.Option(GradeFormat.table, "--format", "-f", help="Report format."),
    reveal: bool = typer.Option(False, "--reveal", help="Show the right answers too."),
) -> None:
    """Grade answer files: every layer's output_shape and params, and total_params.

    Wrong answers that follow from a student's own earlier answers are credited
    (carried_forward); common mistakes are named, and every hint shows the formula with
    the student's numbers. Exit code 0: all full marks; 1: some items not correct;
    2: some file could not be read (the others are still graded).

    Examples:

        cnncalc check answers.yaml

        cnncalc check submissions/*.csv --spec mnist --format csv > gradebook.csv
    """
    from ..classroom.grading import check_files
    from ..classroom.report import render_reports

    show_progress = len(files) > 1 and format is GradeFormat.table and sys.stderr.isatty()
    if show_progress:
        with typer.progressbar(length=len(files), label="grading", file=sys.stderr) as bar:
            reports = check_files(files, spec, reveal, progress=lambda: bar.update(1))
    else:
        reports = check_files(files, spec, reveal)
    typer.echo(render_reports(reports, format.value, reveal))
    if any(r.error for r in reports):
        for r in reports:
            if r.error:
                typer.echo(f"error: {r.file}: could not be graded: {r.error}", err=True)
        raise typer.Exit(2)
    raise typer.Exit(0 if all(r.full_marks for r in reports) else 1)
