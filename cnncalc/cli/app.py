"""The command line: each command parses options, calls one library function, prints the result.

Exit codes: 0 done; 1 the network is impossible; 2 the spec cannot be read or is invalid.
Errors are one short message on stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer

from .errors import CnncalcError

app = typer.Typer(
    help="What shape comes out of each layer of a CNN, and how many parameters it has "
    "(exactly as Keras computes them).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    latex = "latex"


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(command: F) -> F:
    """Turn cnncalc's errors into a message on stderr and the error's exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CnncalcError as error:
            for line in str(error).splitlines():
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


SPEC_HELP = (
    "A spec file (JSON or YAML), '-' for standard input, a preset name, a Keras model "
    "(model.to_json() file or .keras archive) or a random exercise (random:medium:7)."
)


@app.command()
@user_errors
def analyze(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    explain: bool = typer.Option(
        False, "--explain", "-e", help="Show every computation with the numbers substituted."
    ),
) -> None:
    """Print every layer's output shape and parameter count, like Keras's model.summary().

    Examples:

        cnncalc analyze mnist --explain

        cnncalc analyze my_net.json --format json
    """
    from . import analyze as run

    typer.echo(run(spec).to_table(format.value, explain))


@app.command()
@user_errors
def presets(
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """List the networks shipped with cnncalc, with their parameter totals."""
    from tabulate import tabulate

    from . import analyze as run
    from .spec import load_spec, preset_names

    rows = []
    for name in preset_names():
        spec = load_spec(name)
        result = run(spec)
        rows.append(
            {
                "name": name,
                "input_shape": spec.input_shape,
                "layers": len(result),
                "total_params": result.total_params,
                "description": spec.description,
            }
        )
    if format is Format.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    tablefmt = {"table": "simple", "csv": "tsv", "markdown": "github"}.get(
        format.value, format.value
    )
    for row in rows:
        row["total_params"] = f"{row['total_params']:,}"
    typer.echo(tabulate(rows, headers="keys", tablefmt=tablefmt, disable_numparse=True))


class CheckFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
@user_errors
def crosscheck(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    format: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Build the spec in real Keras and compare its model.summary() with cnncalc, row by row.

    Exit code 0 when every row and total agrees, 1 on any difference, 2 when the spec cannot
    be read or Keras cannot build it. Needs TensorFlow: pip install 'cnncalc[keras]'.

    Example:

        cnncalc crosscheck resnet50
    """
    from .keras_bridge import crosscheck as run

    report_comparison(run(spec), format)


@app.command()
@user_errors
def compare(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    summary: Path = typer.Argument(..., help="A saved model.summary() printout (Keras 3 or 2)."),
    format: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Compare cnncalc's analysis with a saved model.summary() text; no TensorFlow needed.

    Rows are matched by position (InputLayer rows skipped); shapes and counts must agree,
    a differing name is only a note. A summary cut short is compared as far as it goes.

    Example:

        cnncalc compare mnist lecture_summary.txt
    """
    from . import analyze as run
    from .compare import compare as run_compare
    from .summary import parse_summary

    text = read_text_file(summary)
    report_comparison(run_compare(run(spec), parse_summary(text, str(summary))), format)


def read_text_file(path: Path) -> str:
    from .errors import SpecError

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError(f"{path}: cannot be read as text ({error})") from None


def report_comparison(comparison: Any, format: CheckFormat) -> None:
    typer.echo(comparison.to_json() if format is CheckFormat.json else comparison.to_table())
    raise typer.Exit(comparison.exit_code)


@app.command("import")
@user_errors
def import_model(
    model: Path = typer.Argument(..., help="A Keras model JSON (model.to_json()) or .keras file."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the spec here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Write the cnncalc spec of a saved Keras model (read from its config; no code is run).

    Example:

        cnncalc import my_model.keras -o my_model.json
    """
    from .errors import SpecError
    from .spec import load_spec

    if not model.is_file():
        raise SpecError(f"{model}: no such file")
    spec = load_spec(model)
    text = spec.to_json()
    write_output(text, output, force)


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


@app.command()
@user_errors
def exercise(
    spec: str | None = typer.Argument(None, help=SPEC_HELP + " Leave out with --random."),
    random: bool = typer.Option(False, "--random", help="A fresh random network."),
    seed: int = typer.Option(0, "--seed", help="With --random: the same seed, the same network."),
    difficulty: Difficulty = typer.Option(Difficulty.medium, "--difficulty", help="With --random."),
    format: SheetFormat = typer.Option(SheetFormat.yaml, "--format", "-f", help="Sheet format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the sheet here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Write a blank worksheet: each layer's hyperparameters, blanks for its output shape and
    parameter count, and for the total. Filled in, it is an answer file for `cnncalc check`.

    Examples:

        cnncalc exercise mnist -o mnist.yaml

        cnncalc exercise --random --seed 7 --difficulty hard
    """
    from .errors import SpecError
    from .exercise import exercise_spec, render_worksheet, worksheet

    if random == (spec is not None):
        raise SpecError("give a SPEC, or --random (with --seed), not both")
    reference = f"random:{difficulty.value}:{seed}" if random else str(spec)
    network = exercise_spec(reference)
    from . import analyze as run

    text = render_worksheet(worksheet(reference, network, run(network)), format.value)
    write_output(text, output, force)


def write_output(text: str, output: Path | None, force: bool) -> None:
    """Print, or write a file that is never silently overwritten."""
    from .errors import SpecError

    if output is None:
        typer.echo(text)
        return
    if output.exists() and not force:
        raise SpecError(f"{output}: already exists; use --force to overwrite it")
    output.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)


@app.command()
@user_errors
def check(
    files: list[Path] = typer.Argument(..., help="Answer files (YAML, JSON, CSV, markdown)."),
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
    from .grading import check_files
    from .report import render_reports

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


@app.command()
def schema() -> None:
    """Print the spec's JSON Schema, for editors to complete and validate spec files."""
    from .schema import spec_json_schema

    typer.echo(json.dumps(spec_json_schema(), indent=2))


def main() -> None:
    app(prog_name="cnncalc")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
