"""What every command shares: the app, output formats, error handling and writing files
(:func:`write_output`, in cli/output.py).

Exit codes: 0 done; 1 the network is impossible; 2 the spec cannot be read or is invalid.
Errors are one short message on stderr, never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import typer
from typer.core import TyperCommand

from .. import __version__
from ..errors import CnncalcError, SpecError
from .output import write_output as write_output  # re-exported: every command writes with it

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


F = TypeVar("F", bound=Callable[..., Any])


class PlainUsage(TyperCommand):
    """Help as people write it: `cnncalc compare SPEC SUMMARY`, `check FILES...`, arguments
    without typer's `{SPEC}` braces and `<list[Path]>` type tags."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [piece.replace("{", "").replace("}", "") for piece in pieces]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        for param in self.params:
            if param.param_type_name == "argument":
                param.display_type_rich = lambda ctx: None  # the metavar says it all
        super().format_help(ctx, formatter)


def command(name: str | None = None) -> Callable[[F], F]:
    """Register a CLI command: plain usage line, cnncalc's errors as one line and an exit code."""

    def register(function: F) -> F:
        app.command(name, cls=PlainUsage)(user_errors(function))
        return function

    return register


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    latex = "latex"


def error_lines(error: CnncalcError) -> list[str]:
    """One printable line per problem: a name's newline or escape sequence in a message is
    shown (\\n, \\x1b), never sent to the terminal, so no file can forge a line."""
    from ..render.escaping import visible

    lines = error.lines if isinstance(error, SpecError) else [str(error)]
    return [visible(line) for line in lines]


def user_errors(command: F) -> F:
    """Turn cnncalc's errors into a message on stderr and the error's exit code."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CnncalcError as error:
            for line in error_lines(error):
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(error.exit_code) from None

    return wrapper  # type: ignore[return-value]


SPEC_HELP = (
    "A spec file (JSON or YAML), '-' for standard input, a preset name, a Keras model "
    "(model.to_json() file, .keras archive or legacy .h5 file) or a random exercise "
    "(random:medium:7)."
)


def read_text_file(path: Path, kind: str = "text") -> str:
    """A user's text file through the bounded reader (a size limit, UTF-8, never /dev/zero)."""
    from ..sources.reader import MAX_TEXT_BYTES, read_input
    from ..sources.textfiles import decode

    raw = read_input(path, MAX_TEXT_BYTES, kind)
    return decode(raw, str(path), kind, f"it should hold {kind}")


def require(option: str, given: bool, needs: str, present: bool) -> None:
    """An option that only matters with another says so instead of being ignored."""
    if given and not present:
        raise SpecError(f"{option} only applies with {needs}")


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"cnncalc {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Print the version."
    ),
) -> None:
    """What shape comes out of each layer of a CNN, and how many parameters it has
    (exactly as Keras computes them)."""
