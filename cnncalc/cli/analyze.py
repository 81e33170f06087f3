"""Commands over the engine: analyze, presets, schema."""

from __future__ import annotations

import json
from typing import Any

import typer

from .app import SPEC_HELP, Format, command, require


@command()
def analyze(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
    explain: bool = typer.Option(
        False, "--explain", "-e", help="Show every computation with the numbers substituted."
    ),
    costs: bool = typer.Option(
        False,
        "--costs",
        "-c",
        help="Add MACs (FLOPs = 2 × MACs), activations and receptive fields per layer, and "
        "the memory totals (JSON always carries them).",
    ),
    batch_size: int | None = typer.Option(
        None, "--batch-size", help="Samples per batch, for memory (default: the spec's, else 1)."
    ),
    dtype: str | None = typer.Option(
        None, "--dtype", help="A Keras dtype or policy (default: the spec's, else float32)."
    ),
    optimizer: str | None = typer.Option(
        None,
        "--optimizer",
        help="Its slots count in the memory: sgd, momentum, rmsprop (compile's default), "
        "adagrad, adadelta, adam, adamw, adamax, nadam, ftrl, lion.",
    ),
    expand_nested: bool = typer.Option(
        False, "--expand-nested", help="List nested models' layers under their row, as Keras."
    ),
) -> None:
    """Print every layer's output shape and parameter count, like Keras's model.summary().

    Examples:

        cnncalc analyze mnist --explain

        cnncalc analyze my_net.json --format json

        cnncalc analyze resnet50 --costs --batch-size 32 --optimizer adam
    """
    from .. import analyze as run

    memory_shown = costs or format is Format.json
    for option, value in (
        ("--batch-size", batch_size),
        ("--dtype", dtype),
        ("--optimizer", optimizer),
    ):
        require(option, value is not None, "--costs (or --format json)", memory_shown)
    result = run(spec)
    memory = result.memory(batch_size, optimizer, dtype)
    shown = memory if memory_shown else None
    typer.echo(result.to_table(format.value, explain, shown, expand_nested))


@command()
def presets(
    format: Format = typer.Option(Format.table, "--format", "-f", help="Output format."),
) -> None:
    """List the networks shipped with cnncalc, with their parameter totals."""
    from tabulate import tabulate

    from .. import preset_summaries

    rows = preset_summaries()
    if format is Format.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if format is Format.csv:
        typer.echo(presets_csv(rows))
        return
    tablefmt = {"table": "simple", "markdown": "github"}.get(format.value, format.value)
    for row in rows:
        row["total_params"] = f"{row['total_params']:,}"
    typer.echo(tabulate(rows, headers="keys", tablefmt=tablefmt, disable_numparse=True))


def presets_csv(rows: list[dict[str, Any]]) -> str:
    """Real CSV (a spreadsheet reads the counts as numbers): no padding, no separators."""
    import io

    from ..render.escaping import SafeCsvWriter

    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(list(rows[0]))
    for row in rows:
        shape = row["input_shape"]
        writer.writerow(
            [*{**row, "input_shape": "" if shape is None else json.dumps(list(shape))}.values()]
        )
    return out.getvalue().rstrip("\n")


@command()
def schema() -> None:
    """Print the spec's JSON Schema, for editors to complete and validate spec files."""
    from ..spec.schema import spec_json_schema

    typer.echo(json.dumps(spec_json_schema(), indent=2))
