"""Reading the text files users give (specs, answer sheets) with errors that say where."""

import json
from typing import Any

from .errors import SpecError


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


def parse_yaml(text: str, where: str) -> Any:
    import yaml  # only YAML files pay for it

    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        position = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(f"{where}: invalid YAML{position}: {error.problem}") from None
    except yaml.YAMLError as error:
        raise SpecError(f"{where}: invalid YAML: {error}") from None
