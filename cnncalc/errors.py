"""The errors a user can cause, each carrying the exit code the CLI ends with.

Inner code raises short, exact messages; the engine adds which layer it was, and the CLI
prints the message alone (never a traceback) and exits with ``exit_code``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CnncalcError(Exception):
    """Base class: every error cnncalc raises on purpose is one of these."""

    exit_code = 2


class SpecError(CnncalcError):
    """The spec cannot be read or is invalid (exit code 2)."""

    exit_code = 2

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


class NetworkError(CnncalcError):
    """The spec is well formed but describes an impossible network (exit code 1)."""

    exit_code = 1


class LayerError(Exception):
    """Raised by a layer rule; the engine turns it into a NetworkError naming the layer."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A '; did you mean ...?' suffix, or '' when nothing is close."""
    close = closest(word, choices)
    return f"; did you mean '{close}'?" if close else ""


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice a typo most likely meant, or None when nothing is close."""
    return next(iter(difflib.get_close_matches(word, list(choices))), None)  # best first
