"""Fuzzing every input kind: hypothesis mutates valid specs, Keras configs, .keras archives,
summaries and answer sheets into hostile variants, and the CLI must keep its contract on
each: exit 0, 1 or 2, never a traceback, never unbounded time.

The CLI runs in-process (typer's CliRunner). The default run draws a tenth of the profile's
examples per input kind (30); `pytest tests/test_fuzz.py --hypothesis-profile=long` draws 300.
"""

from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cnncalc
from cnncalc.cli import app

from .test_hostile import DENSE, INPUT, TENSOR_X, functional, sequential

runner = CliRunner()
EXAMPLES = max(20, settings.default.max_examples // 10)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SECONDS = 10.0
"""Bounded time: every example here is small, so anything slower is runaway work."""

SUMMARY = (Path(__file__).parent / "data" / "lecture_mnist_summary.txt").read_text("utf-8")


def run_contract(args: list[str], stdin: bytes | None = None) -> Any:
    """Run the CLI and check the contract every input must keep."""
    started = time.perf_counter()
    result = runner.invoke(app, args, input=stdin, prog_name="cnncalc")
    elapsed = time.perf_counter() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: {result.exception!r}") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert elapsed < SECONDS, (args, elapsed)
    return result


HOSTILE_VALUES = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 2**63, 10**40, 3.0, 1e308, float("inf")]),
    st.text(max_size=12),
    st.sampled_from(["\ud800", "=cmd|\x1b[2J\n", "same", "channels_first", "", "-", "²"]),
    st.lists(st.integers(-3, 40), max_size=4),
    st.dictionaries(st.sampled_from(["type", "name", "units", "config", "x"]), st.integers()),
    st.just([[[[[[[[[[]]]]]]]]]]),
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree, the root included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(value: Any, path: tuple[Any, ...], new: Any, delete: bool) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    if delete and not rest:
        del copy[head]
    else:
        copy[head] = replaced(copy[head], rest, new, delete)
    return copy


@st.composite
def mutated_tree(draw: Any, tree: Any, values: Any = HOSTILE_VALUES) -> Any:
    """A few replacements or deletions anywhere in the tree."""
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths(tree)))
        delete = bool(path) and draw(st.booleans())
        tree = replaced(tree, path, draw(values), delete)
    return tree


@st.composite
def mutated_bytes(draw: Any, raw: bytes) -> bytes:
    """Byte-level damage: truncation, insertion, flips, a repeated slice."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["truncate", "insert", "flip", "repeat"]))
        if operation == "truncate":
            del data[position:]
        elif operation == "insert":
            data[position:position] = draw(
                st.one_of(
                    st.binary(max_size=8),
                    st.sampled_from([b"\xff", b"\xed\xa0\x80", b"\x00", b'"', b"{", b"]"]),
                )
            )
        elif operation == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif operation == "repeat":
            data[position:position] = data[position : position + 40] * draw(st.integers(2, 50))
    return bytes(data)


def as_text(tree: Any, yaml: bool) -> bytes:
    if yaml:
        import yaml as pyyaml

        return pyyaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass")
    return json.dumps(tree, ensure_ascii=False).encode("utf-8", "surrogatepass")


SPECS = [cnncalc.load_spec(name).to_dict() for name in ("mnist", "lenet5")]
CONFIGS = [
    functional(INPUT, DENSE, output_layers=[["d", 0, 0]]),
    sequential(INPUT, DENSE),
    functional(
        INPUT,
        {
            "class_name": "Sequential",
            "config": {"name": "inner", "layers": [INPUT, DENSE]},
            "inbound_nodes": [{"args": [TENSOR_X]}],
        },
    ),
]


@FUZZ
@given(data=st.data(), yaml=st.booleans())
def test_mutated_specs_keep_the_contract(data: Any, yaml: bool, tmp_path: Path) -> None:
    tree = data.draw(mutated_tree(data.draw(st.sampled_from(SPECS))))
    raw = data.draw(st.one_of(st.just(as_text(tree, yaml)), mutated_bytes(as_text(tree, yaml))))
    path = tmp_path / ("spec.yaml" if yaml else "spec.json")
    path.write_bytes(raw)
    fmt = data.draw(st.sampled_from(["table", "json", "csv", "markdown", "html", "latex"]))
    costs = ["--costs"] if data.draw(st.booleans()) else []
    run_contract(["analyze", str(path), "--format", fmt, "--explain", *costs])


@FUZZ
@given(data=st.data())
def test_mutated_keras_configs_keep_the_contract(data: Any, tmp_path: Path) -> None:
    tree = data.draw(mutated_tree(data.draw(st.sampled_from(CONFIGS))))
    raw = data.draw(st.one_of(st.just(as_text(tree, False)), mutated_bytes(as_text(tree, False))))
    path = tmp_path / "model.json"
    path.write_bytes(raw)
    run_contract(["import", str(path)])


def keras_archive(config: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("metadata.json", '{"keras_version": "3.0.0"}')
        zf.writestr("config.json", config)
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\x00" * 64)
    return out.getvalue()


@FUZZ
@given(data=st.data())
def test_mutated_archives_keep_the_contract(data: Any, tmp_path: Path) -> None:
    config = as_text(data.draw(st.sampled_from(CONFIGS)), False)
    raw = data.draw(mutated_bytes(keras_archive(config)))
    path = tmp_path / "model.keras"
    path.write_bytes(raw)
    run_contract(["analyze", str(path)])
    run_contract(["analyze", "-"], stdin=raw)


@FUZZ
@given(data=st.data())
def test_mutated_summaries_keep_the_contract(data: Any, tmp_path: Path) -> None:
    raw = data.draw(mutated_bytes(SUMMARY.encode("utf-8")))
    path = tmp_path / "summary.txt"
    path.write_bytes(raw)
    run_contract(["compare", "mnist", str(path)])


SHEETS = {
    fmt: runner.invoke(app, ["exercise", "mnist", "--format", fmt]).stdout.encode("utf-8")
    for fmt in ("yaml", "json", "csv", "markdown")
}
SUFFIXES = {"yaml": ".yaml", "json": ".json", "csv": ".csv", "markdown": ".md"}


@FUZZ
@given(data=st.data())
def test_mutated_answer_sheets_keep_the_contract(data: Any, tmp_path: Path) -> None:
    fmt = data.draw(st.sampled_from(sorted(SHEETS)))
    if fmt in ("yaml", "json") and data.draw(st.booleans()):
        import yaml

        tree = data.draw(mutated_tree(yaml.safe_load(SHEETS[fmt])))
        raw = as_text(tree, fmt == "yaml")
    else:
        raw = data.draw(mutated_bytes(SHEETS[fmt]))
    path = tmp_path / f"answers{SUFFIXES[fmt]}"
    path.write_bytes(raw)
    report = data.draw(st.sampled_from(["table", "json", "csv", "gradescope"]))
    run_contract(["check", str(path), "--spec", "mnist", "--format", report])


PYTHON_VALUES = st.one_of(
    HOSTILE_VALUES,
    st.sampled_from([object(), {1, 2}, b"bytes", float("nan"), (1, 2), 10**5000, -0.0]),
)
"""What only the Python API can be given: values no JSON or YAML file holds."""


@FUZZ
@given(data=st.data())
def test_the_api_raises_only_cnncalc_errors_on_mutated_specs(data: Any) -> None:
    tree = data.draw(mutated_tree(data.draw(st.sampled_from(SPECS)), PYTHON_VALUES))
    try:
        with mock.patch.object(sys, "stdin", io.TextIOWrapper(io.BytesIO())):  # a tree now "-"
            analysis = cnncalc.analyze(tree)
    except cnncalc.CnncalcError:
        return
    for fmt in ("table", "json", "csv", "markdown", "html", "latex"):
        analysis.to_table(fmt, explain=True)
