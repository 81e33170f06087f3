"""Commands that prove cnncalc against Keras: crosscheck, compare, import."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from ..errors import SpecError
from .app import SPEC_HELP, command, read_text_file, write_output


class CheckFormat(str, Enum):
    table = "table"
    json = "json"


@command()
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
    from ..keras.bridge import crosscheck as run

    report_comparison(run(spec), format)


@command()
def compare(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    summary: Path = typer.Argument(
        ..., metavar="SUMMARY", help="A saved model.summary() printout (Keras 3 or 2)."
    ),
    model: str | None = typer.Option(
        None, "--model", "-m", help="The model to compare, when the file holds several summaries."
    ),
    partial: bool = typer.Option(
        False, "--partial", help="Compare a printout cut short (no totals) as far as it goes."
    ),
    format: CheckFormat = typer.Option(CheckFormat.table, "--format", "-f", help="Output format."),
) -> None:
    """Compare cnncalc's analysis with a saved model.summary() text; no TensorFlow needed.

    Reads every layout Keras 2.0 to 3.x printed. Rows are matched by name; shapes and counts
    must agree, a differing name or wiring is only a note. A summary without layer rows, or
    without totals (unless --partial), exits 2.

    Example:

        cnncalc compare mnist lecture_summary.txt --partial
    """
    from .. import analyze as run
    from ..keras.compare import compare as run_compare
    from ..keras.summary import parse_summary

    where = str(summary)
    text = read_text_file(summary, "a model.summary() printout")
    keras = parse_summary(text, where, model)
    report_comparison(run_compare(run(spec), keras, partial, where), format)


def report_comparison(comparison: Any, format: CheckFormat) -> None:
    typer.echo(comparison.to_json() if format is CheckFormat.json else comparison.to_table())
    raise typer.Exit(comparison.exit_code)


@command("import")
def import_model(
    model: Path = typer.Argument(
        ...,
        metavar="MODEL",
        help="A Keras model JSON (model.to_json()), .keras archive or legacy .h5 file.",
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the spec here."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Write the cnncalc spec of a saved Keras model (read from its config; no code is run).

    Example:

        cnncalc import my_model.keras -o my_model.json
    """
    from ..sources import load_spec

    if not model.is_file():
        raise SpecError(f"{model}: no such file")
    spec = load_spec(model)
    write_output(spec.to_json(), output, force, quiet=True)
    if output is not None:
        typer.echo(f"wrote {output} ({spec_size(spec)})", err=True)


def spec_size(spec: Any) -> str:
    """'12 layers', and the layers of its nested models ('12 layers, + 8 in nested models')."""
    inner = sum(len(getattr(layer, "layers", None) or ()) for layer in spec.layers)
    nested = f", + {inner} in nested models" if inner else ""
    return f"{len(spec.layers)} layer{'s' if len(spec.layers) != 1 else ''}{nested}"
