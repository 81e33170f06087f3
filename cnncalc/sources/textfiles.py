"""Reading the text files users give (specs, answer sheets) with errors that say where."""

import json
from typing import Any

from ..errors import SpecError


def decode(raw: bytes, where: str, kind: str, expected: str) -> str:
    """The file's text; an empty, binary or non-UTF-8 file is a clear error.

    kind: what the file should be ('a JSON or YAML spec'); expected: what it should hold.
    """
    if not raw.strip():
        raise SpecError(f"{where}: is empty; {expected}")
    if b"\x00" in raw[:8192]:
        raise SpecError(f"{where}: is a binary file, not {kind}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpecError(f"{where}: is not UTF-8 text (byte {error.start}), so not {kind}") from None


def parse_json_or_yaml(text: str, where: str, as_json: bool = False) -> Any:
    """JSON when it looks like JSON (or as_json), else YAML; errors give line and column."""
    try:
        if as_json or text.lstrip()[:1] in "{[":
            return json.loads(text)
        return parse_yaml(text, where)
    except json.JSONDecodeError as error:
        raise SpecError(
            f"{where}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise SpecError(f"{where}: is nested too deeply to read") from None


MAX_VALUES = 1_000_000
"""More values than any network needs: a YAML file past it is an alias bomb, not a spec."""


def parse_yaml(text: str, where: str) -> Any:
    import yaml  # only YAML files pay for it

    try:
        data = yaml.safe_load(text)
        if "&" in text and "*" in text:  # anchors and aliases can expand without end
            count_values(data, where)
        return data
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(f"{where}: invalid YAML{position}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise SpecError(f"{where}: invalid YAML: {error}") from None


def count_values(data: Any, where: str) -> None:
    """Walk the data as validation would, stopping at MAX_VALUES."""
    pending, seen = [data], 0
    while pending:
        item = pending.pop()
        seen += 1
        if seen > MAX_VALUES:
            raise SpecError(f"{where}: expands to more than {MAX_VALUES:,} values (YAML aliases?)")
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
