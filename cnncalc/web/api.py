"""What each API endpoint answers, as library calls: the same calls the CLI makes.

No HTTP here (``app`` does that): every function takes the request's bytes and options and
returns text, or raises cnncalc's own errors, which ``app`` turns into 400 (invalid input) or
422 (impossible network). Nothing here reads a file the request names: networks come from
the body, a preset or a random exercise, never from the server's disk.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path, PurePath
from typing import Any

from .. import analyze, preset_summaries
from ..errors import SpecError
from ..sources import RANDOM_PREFIX, load_preset, parse_text, visible_name
from ..sources.textfiles import decode, parse_json_or_yaml
from ..spec import Spec, parse_spec

TRUE, FALSE = ("1", "true", "yes", "on", ""), ("0", "false", "no", "off")


def options(query: Mapping[str, str], allowed: Mapping[str, Any]) -> dict[str, Any]:
    """The query's options, typed like their defaults in ``allowed``; anything else is an error
    that names the known options (a misspelt option is never silently ignored)."""
    unknown = sorted(set(query) - set(allowed))
    if unknown:
        known = ", ".join(allowed) or "none"
        raise SpecError(f"unknown query parameter '{visible_name(unknown[0])}'; known: {known}")
    chosen = dict(allowed)
    for key, text in query.items():
        default = allowed[key]
        if isinstance(default, bool):
            if text.lower() not in TRUE + FALSE:
                raise SpecError(f"{key}={text!r}: give true or false")
            chosen[key] = text.lower() in TRUE
        elif isinstance(default, int):
            chosen[key] = whole_number(key, text)
        else:
            chosen[key] = text
    return chosen


def whole_number(key: str, text: str) -> int:
    number = int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
    if number < 1:
        raise SpecError(f"{key}={text[:40]!r}: give a whole number from 1 to 10¹⁸")
    return number


MAX_INFLATED = 4 * 2**20
"""4 MB: the most a .keras archive's config.json may inflate to on the server. The files'
limit (256 MB) would let a 1 MB body of repeated layers hold millions of them (minutes of
work and gigabytes); 4 MB of the shortest Keras layer entries is about 120,000 layers, about
the work of the longest 1 MB spec."""


def spec_from_body(raw: bytes, where: str = "spec") -> Spec:
    """A spec sent as the body: JSON or YAML text, a Keras model JSON or a .keras archive."""
    return parse_spec(parse_text(raw, where, MAX_INFLATED))


ANALYZE_OPTIONS: dict[str, Any] = {
    "explain": False,
    "costs": False,  # JSON always carries the costs, as with the CLI's --format json
    "batch_size": 0,  # 0, "", "": not given (the spec's, else Keras's defaults)
    "dtype": "",
    "optimizer": "",
    "expand_nested": False,
}


def analyze_json(raw: bytes, query: Mapping[str, str]) -> str:
    """POST /api/analyze: exactly `cnncalc analyze SPEC --format json` with the same options
    (--explain, --costs, --batch-size, --dtype, --optimizer, --expand-nested)."""
    chosen = options(query, ANALYZE_OPTIONS)
    result = analyze(spec_from_body(raw))
    memory = result.memory(
        chosen["batch_size"] or None, chosen["optimizer"] or None, chosen["dtype"] or None
    )
    return result.to_table("json", chosen["explain"], memory, chosen["expand_nested"])


def diagram_svg(raw: bytes, query: Mapping[str, str]) -> str:
    """POST /api/diagram?style=&costs=: exactly `cnncalc draw SPEC [--style S] [--costs]`."""
    chosen = options(query, {"style": "", "costs": False})
    if chosen["style"] not in ("", "layers", "graph"):
        raise SpecError(f"style={chosen['style']!r}: choose from layers, graph")
    return analyze(spec_from_body(raw)).draw(chosen["style"] or None, chosen["costs"]).svg


def import_json(raw: bytes) -> str:
    """POST /api/import: exactly `cnncalc import MODEL` (the spec of a saved Keras model)."""
    return spec_from_body(raw, "model").to_json()


@cache
def presets_json() -> str:
    """GET /api/presets: exactly `cnncalc presets --format json` (the shipped files never
    change while the server runs)."""
    return json.dumps(preset_summaries(), indent=2)


def preset_spec(name: str) -> str:
    """GET /api/presets/NAME: the preset's spec, ready to edit."""
    return load_preset(name).to_json()


def schema_json() -> str:
    """GET /api/schema: exactly `cnncalc schema`."""
    from ..spec.schema import spec_json_schema

    return json.dumps(spec_json_schema(), indent=2)


def served_network(reference: str) -> Spec:
    """A preset or a random exercise; never a path (the server's files are not the page's)."""
    if reference.startswith(RANDOM_PREFIX):
        from ..sources.random_networks import random_spec

        return random_spec(reference)
    if "/" in reference or "\\" in reference:
        raise SpecError(f"{reference}: the server reads no files; name a preset or random:…")
    return load_preset(reference)


def exercise_json(query: Mapping[str, str]) -> str:
    """GET /api/exercise?spec=mnist&fields=…: exactly `cnncalc exercise mnist --fields …
    --format json` (a preset or random:…, named as the CLI names it)."""
    from ..classroom.answers import asked_fields
    from ..classroom.worksheet import render_worksheet, worksheet

    chosen = options(query, {"spec": "mnist", "fields": ""})
    asked = asked_fields(chosen["fields"] or None, "--fields")
    network = served_network(chosen["spec"])
    random = chosen["spec"].startswith(RANDOM_PREFIX)
    reference = chosen["spec"] if random else chosen["spec"].lower()
    return render_worksheet(worksheet(reference, network, analyze(network), asked), "json")


CHECK_FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "gradescope": "application/json",
    "table": "text/plain",
}


def check_text(uploads: list[tuple[str, bytes]], query: Mapping[str, str]) -> tuple[str, str]:
    """POST /api/check and /api/class: exactly `cnncalc check FILES --format F`.

    Returns the report and its media type."""
    from ..classroom.report import render_reports

    chosen = options(query, {"spec": "", "reveal": False, "format": "json"})
    if chosen["format"] not in CHECK_FORMATS:
        raise SpecError(f"format={chosen['format']!r}: choose from {', '.join(CHECK_FORMATS)}")
    reports = grade_uploads(uploads, chosen["spec"] or None, chosen["reveal"])
    text = render_reports(reports, chosen["format"], chosen["reveal"])
    return text, CHECK_FORMATS[chosen["format"]]


def grade_uploads(uploads: list[tuple[str, bytes]], spec: str | None, reveal: bool) -> list[Any]:
    """Grade uploaded answer files with the CLI's grader (``check_files``), each under its own
    name and in a folder of its own (a sheet names a preset, random:…, its embedded spec or a
    file beside it, and the grader refuses any other file)."""
    from ..classroom.checking import check_files

    with tempfile.TemporaryDirectory(prefix="cnncalc-upload-") as folder:
        chosen = None
        if spec is not None:
            # The request's choice, a preset or random:…, handed to the grader as a file of
            # its own: given the name, the grader (like `cnncalc check --spec`) would read a
            # file of that name in the server's working folder first.
            chosen = Path(folder, "spec.json")
            chosen.write_text(served_network(spec).to_json(), encoding="utf-8")
        saved = []
        for number, (name, raw) in enumerate(uploads):
            shown = PurePath(name.replace("\\", "/")).name or f"answers{number + 1}"
            path = Path(folder, str(number), "answers" + file_type(shown))
            path.parent.mkdir()
            path.write_bytes(raw)
            saved.append((path, shown))
        reports = check_files(
            [path for path, _ in saved], None if chosen is None else str(chosen), reveal
        )
    for report, (path, shown) in zip(reports, saved):
        report.file = shown
        if report.error:
            report.error = report.error.replace(str(path), shown)
            if chosen is not None:
                report.error = report.error.replace(str(chosen), str(spec))
    return reports


def file_type(name: str) -> str:
    """The extension the grader reads the format from ('.yaml', '.csv', ...): the one part of
    an uploaded name that goes to the disk (a name may hold a NUL byte, be '..' or too long
    for the file system, and is shown as it was sent)."""
    suffix = PurePath(name).suffix
    return suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,10}", suffix) else ""


def compare_text(raw: bytes, query: Mapping[str, str]) -> tuple[str, str]:
    """POST /api/compare?partial=&model= with {"spec": ..., "summary": ...}: exactly `cnncalc
    compare [--partial] [--model M] --format F` (json or table). Returns the report and its
    media type."""
    from ..keras.compare import compare
    from ..keras.summary import parse_summary

    chosen = options(query, {"format": "json", "partial": False, "model": ""})
    if chosen["format"] not in ("json", "table"):
        raise SpecError(f"format={chosen['format']!r}: choose from json, table")
    expected = 'send {"spec": "<spec text>", "summary": "<model.summary() text>"}'
    data = json_body(raw, expected)
    if not isinstance(data, dict) or not {"spec", "summary"} <= set(data):
        raise SpecError(f"body: {expected}")
    if not all(isinstance(data[key], str) for key in ("spec", "summary")):
        raise SpecError("body: 'spec' and 'summary' are texts")
    network = spec_from_body(data["spec"].encode("utf-8"))
    keras = parse_summary(data["summary"], "summary", chosen["model"] or None)
    comparison = compare(analyze(network), keras, chosen["partial"], "summary")
    if chosen["format"] == "table":
        return comparison.to_table(), "text/plain"
    return comparison.to_json(), "application/json"


def json_body(raw: bytes, expected: str) -> Any:
    """A JSON request body, with the errors users' files get (binary, not UTF-8, line/column)."""
    text = decode(raw, "body", "JSON", expected)
    return parse_json_or_yaml(text, "body", as_json=True)


MAX_FILES = 1_000
"""Answer files in one class request: a sheet naming random:… costs about 16 ms to grade (its
network is built first), so 1 MB of tiny sheets (12,000) took over 3 minutes; 1,000 take
seconds, and a class is smaller."""


def uploads_from_body(raw: bytes) -> list[tuple[str, bytes]]:
    """A class's answer files sent as {"files": [{"name": ..., "text": ...}, ...]}."""
    expected = 'send {"files": [{"name": "alice.yaml", "text": "..."}, ...]}'
    data = json_body(raw, expected)
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not files:
        raise SpecError(f"body: {expected}")
    if len(files) > MAX_FILES:
        raise SpecError(
            f"body: {len(files):,} files; the server grades at most {MAX_FILES:,} at a time "
            "(cnncalc check has no limit)"
        )
    uploads = []
    for index, item in enumerate(files):
        if not (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and isinstance(item.get("text"), str)
        ):
            raise SpecError(f"body: files[{index}] needs a 'name' and a 'text'")
        uploads.append((item["name"], item["text"].encode("utf-8")))
    return uploads
