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


SPEC_HELP = "A spec file (JSON or YAML), '-' for standard input, or a preset name."


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
    if output is None:
        typer.echo(text)
        return
    if output.exists() and not force:
        raise SpecError(f"{output}: already exists; use --force to overwrite it")
    output.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"wrote {output} ({len(spec.layers)} layers)", err=True)


@app.command()
def schema() -> None:
    """Print the spec's JSON Schema, for editors to complete and validate spec files."""
    from .schema import spec_json_schema

    typer.echo(json.dumps(spec_json_schema(), indent=2))


def main() -> None:
    app(prog_name="cnncalc")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
