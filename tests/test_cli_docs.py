"""Every command's --help against the docs: its section of docs/cli.md option by option, both
ways, and docs/cli-reference.md word for word.

A flag the CLI accepts but the docs never mention (or one the docs describe that the CLI
no longer has) fails here, whichever side drifted; so does a help text whose words changed
without the reference page being made again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from cogapp import Cog
from typer.testing import CliRunner

from cnncalc.cli import app

ROOT = Path(__file__).parent.parent
DOCS = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^## `cnncalc (\w+)[^`]*`\n(.*?)(?=^## |\Z)", DOCS, re.S | re.M))
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]+|-[a-zA-Z])(?![\w-])")
HELP_OPTION = re.compile(r"^\s+(?:(-[a-zA-Z]), )?(--[a-z][a-z0-9-]+)", re.M)


def help_options(command: str) -> dict[str, str | None]:
    """Each long option in the command's --help, with its short form if it has one."""
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return {long: short or None for short, long in HELP_OPTION.findall(result.output)}


def test_every_command_has_a_section() -> None:
    commands = set(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert commands == set(SECTIONS), "docs/cli.md sections != the CLI's commands"


@pytest.mark.parametrize("command", sorted(SECTIONS))
def test_help_options_are_the_documented_options(command: str) -> None:
    documented = set(FLAG.findall(SECTIONS[command]))
    offered = {k: v for k, v in help_options(command).items() if k != "--help"}
    undocumented = {k for k, short in offered.items() if not {k, short} & documented}
    assert undocumented == set(), f"{command}: in --help, not in docs/cli.md"
    known = set(offered) | {short for short in offered.values() if short}
    gone = {f for f in documented if f.startswith("--")} - known
    assert gone == set(), f"{command}: in docs/cli.md, not in --help"


def test_the_command_reference_is_every_help_word_for_word(capsys: pytest.CaptureFixture) -> None:
    """docs/cli-reference.md is made by cog from the commands (as sqlite-utils does its CLI
    reference); --check runs the same code and fails on any difference."""
    status = Cog().main(["cog", "--check", str(ROOT / "docs" / "cli-reference.md")])
    said = capsys.readouterr()
    assert status == 0, f"{said.out}{said.err}run: cog -r docs/cli-reference.md"
