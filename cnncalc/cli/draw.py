"""Pictures: draw (an architecture diagram as SVG, PNG or PDF) and report (one HTML page)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from ..errors import SpecError
from .app import SPEC_HELP, command, write_output
from .output import writable_target


class Style(str, Enum):
    layers = "layers"
    graph = "graph"


STYLE_HELP = (
    "layers: the lecture's 3-D boxes (the default for chains); graph: one node per layer and "
    "an edge per connection (the default for networks with branches)."
)


@command()
def draw(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write here: .svg, .png or .pdf (default: SVG to stdout)."
    ),
    style: Style | None = typer.Option(None, "--style", "-s", help=STYLE_HELP),
    costs: bool = typer.Option(False, "--costs", help="Label layers with their MACs too."),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Draw the network's architecture: every layer with its output shape and parameters.

    Examples:

        cnncalc draw vgg16 -o vgg16.svg

        cnncalc draw resnet50 --style graph -o resnet50.png
    """
    from .. import analyze as run
    from ..render.svg import SAVE_FORMATS

    if output is not None and output.is_dir():
        raise SpecError(f"{output}: is a folder; give a file name inside it (.svg, .png or .pdf)")
    fmt = output.suffix.lstrip(".").lower() if output else "svg"
    if fmt not in SAVE_FORMATS:
        said = f"a .{fmt} file" if fmt else "a file without a suffix"
        raise SpecError(f"{output}: cannot draw {said}; name the file .svg, .png or .pdf")
    if output is not None:
        writable_target(output, force)
    result = run(spec)
    diagram = result.draw(style.value if style else None, costs)
    if diagram.note:
        typer.echo(f"note: {diagram.note}", err=True)
    if costs and all(row.macs is None for row in result):
        typer.echo("note: --costs: no layer's MACs are known (its sizes are unknown)", err=True)
    write_output(diagram.svg if output is None else diagram.to_bytes(fmt), output, force)


@command()
def report(
    spec: str = typer.Argument(..., help=SPEC_HELP, metavar="SPEC"),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the page here (default: stdout)."
    ),
    style: Style | None = typer.Option(None, "--style", "-s", help=STYLE_HELP),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
) -> None:
    """Write one self-contained HTML page: diagram, bars, summary table, costs and working.

    It opens offline: no script, font, stylesheet or image is loaded from anywhere.

    Example:

        cnncalc report resnet50 -o resnet50.html
    """
    from .. import analyze as run
    from ..render.report import report_html

    if output is not None:
        writable_target(output, force)
    write_output(report_html(run(spec), style.value if style else None), output, force)
