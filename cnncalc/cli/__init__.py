"""The command line: each command parses options, calls one library function, prints the result.

Exit codes: 0 done; 1 the network is impossible (or a check found differences); 2 the input
cannot be read or is invalid. Errors are one short message on stderr, never a traceback;
reports go to stdout. One module per group of commands; ``app`` holds what they share.
"""

from . import analyze, classroom, draw, keras, serve
from .app import app

__all__ = ["analyze", "app", "classroom", "draw", "keras", "main", "serve"]


def main() -> None:
    app(prog_name="cnncalc")
