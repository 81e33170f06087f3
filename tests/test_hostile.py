"""Hostile input, as an attacker would write it: every case is a fixture with the promise it
checks. The contract: one clear line naming the file and place, exit 2 for unreadable or
invalid input and 1 for an impossible network, never a traceback, never unbounded work, and
nothing from a file can run, forge a line or break the format it is written into.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cnncalc
from cnncalc import CnncalcError
from cnncalc.cli import app
from cnncalc.render.escaping import INVISIBLE, visible

runner = CliRunner()


def run(*args: str, stdin: bytes | str | None = None) -> Any:
    return runner.invoke(app, list(args), input=stdin, prog_name="cnncalc")


# Small valid Keras configs, written as Keras writes them, to be broken one field at a time.
TENSOR_X = {
    "class_name": "__keras_tensor__",
    "config": {"shape": [None, 4], "dtype": "float32", "keras_history": ["x", 0, 0]},
}
INPUT = {
    "class_name": "InputLayer",
    "config": {"name": "x", "batch_shape": [None, 4]},
    "inbound_nodes": [],
}
DENSE = {
    "class_name": "Dense",
    "config": {"name": "d", "units": 2},
    "inbound_nodes": [{"args": [TENSOR_X], "kwargs": {}}],
}


def functional(*layers: Any, **config: Any) -> dict[str, Any]:
    return {
        "class_name": "Functional",
        "config": {"name": "m", "layers": list(layers), **config},
    }


def sequential(*layers: Any) -> dict[str, Any]:
    return {"class_name": "Sequential", "config": {"name": "s", "layers": list(layers)}}


def nested_sequentials(depth: int) -> dict[str, Any]:
    model: dict[str, Any] = sequential(INPUT, {"class_name": "Dense", "config": {"units": 1}})
    for _ in range(depth):
        model = sequential(INPUT, {"class_name": "Sequential", "config": model["config"]})
    return model


def archive(
    config: bytes, compression: int = zipfile.ZIP_DEFLATED, patch: Callable[[bytes], bytes] = bytes
) -> bytes:
    """A .keras archive holding config.json (and, like Keras's, metadata), optionally patched."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression, compresslevel=1) as zf:
        zf.writestr("metadata.json", '{"keras_version": "3.0.0"}')
        zf.writestr("config.json", config)
    return patch(out.getvalue())


def entry_headers(raw: bytes) -> tuple[int, int]:
    """Offsets of config.json's local header and its central directory record."""
    local = raw.index(b"PK\x03\x04", raw.index(b"PK\x03\x04") + 4)
    central = raw.index(b"PK\x01\x02", raw.index(b"PK\x01\x02") + 4)
    return local, central


def set_flag_encrypted(raw: bytes) -> bytes:
    data = bytearray(raw)
    local, central = entry_headers(raw)
    data[local + 6] |= 1
    data[central + 8] |= 1
    return bytes(data)


def set_method(method: int) -> Callable[[bytes], bytes]:
    def patch(raw: bytes) -> bytes:
        data = bytearray(raw)
        local, central = entry_headers(raw)
        data[local + 8 : local + 10] = method.to_bytes(2, "little")
        data[central + 10 : central + 12] = method.to_bytes(2, "little")
        return bytes(data)

    return patch


def corrupt_deflate(raw: bytes) -> bytes:
    data = bytearray(raw)
    local, _ = entry_headers(raw)
    start = local + 30 + len("config.json")
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def declare_small_size(raw: bytes) -> bytes:
    """The archive claims config.json inflates to 10 bytes: the rest must never be trusted."""
    data = bytearray(raw)
    local, central = entry_headers(raw)
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    data[local + 22 : local + 26] = (10).to_bytes(4, "little")
    return bytes(data)


MODEL_JSON = json.dumps(sequential(INPUT, DENSE)).encode()


def spec_with(**layer: Any) -> str:
    return json.dumps({"input_shape": [8, 8, 3], "layers": [layer]})


def cycle(n: int) -> str:
    layers = [{"type": "ReLU", "name": f"r{i}", "inputs": [f"r{(i - 1) % n}"]} for i in range(n)]
    return json.dumps({"input_shape": [4], "layers": layers})


@dataclass(frozen=True)
class Case:
    """One crafted input: the promise it checks, what to run, and what must come out."""

    name: str
    promise: str
    content: str | bytes | Callable[[], str | bytes]
    exit_code: int
    message: str
    suffix: str = ".json"
    command: tuple[str, ...] = ("analyze", "{file}")
    seconds: float = 20.0


CASES = [
    # The reader: integers, keys, text, depth.
    Case(
        "5000-digit literal (JSON)",
        "an integer literal longer than any size is refused with its line, not a traceback",
        '{"input_shape": [8],\n "layers": [{"type": "Dense", "units": ' + "9" * 5000 + "}]}",
        2,
        r"line 2: an integer longer than 30 digits",
    ),
    Case(
        "5000-digit literal (YAML)",
        "the same in YAML, with line and column",
        "input_shape: [8]\nlayers:\n- {type: Dense, units: " + "9" * 5000 + "}\n",
        2,
        r"invalid YAML at line 3, .*longer than 30 digits",
        suffix=".yaml",
    ),
    Case(
        "duplicate key (JSON)",
        '"units": 3, "units": 300 is refused naming the key and its line, never the last wins',
        '{"input_shape": [8],\n "layers": [{"type": "Dense",\n "units": 3, "units": 300}]}',
        2,
        r"line 3: the key 'units' is given twice",
    ),
    Case(
        "duplicate key (YAML)",
        "the same in YAML",
        "input_shape: [8]\nlayers:\n- type: Dense\n  units: 3\n  units: 300\n",
        2,
        r"line 5, column 3: the key 'units' is given twice",
        suffix=".yaml",
    ),
    Case(
        "lone surrogate escape",
        "a '\\ud800' escape is not a character: refused at its path, never printed",
        '{"input_shape": [8], "layers": [{"type": "Dense", "units": 2, "name": "a\\ud800"}]}',
        2,
        r"at layers\[0\]\.name: holds a lone surrogate",
    ),
    Case(
        "encoded surrogate",
        "UTF-8 with an encoded surrogate (CESU) is not UTF-8",
        b'{"input_shape": [8], "layers": [{"type": "Dense", "units": 2, "name": "\xed\xa0\x80"}]}',
        2,
        r"is not UTF-8 text \(byte \d+\)",
    ),
    Case(
        "200-deep nesting",
        "nesting past the depth limit is refused with the path where it happens",
        '{"input_shape": [8], "layers": [{"type": "Dense", "units": 2, "name": '
        + "[" * 200
        + "]" * 200
        + "}]}",
        2,
        r"at layers\[0\]\.name(\[0\])+: is nested more than 100 levels deep",
    ),
    Case(
        "100,000-deep nesting",
        "nesting past what the parser can hold is one line, not a RecursionError",
        "[" * 100_000 + "]" * 100_000,
        2,
        r"is nested too deeply to read",
    ),
    Case(
        "YAML alias bomb",
        "aliases that expand without end stop at the value limit",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
        ),
        2,
        r"expands to more than 1,000,000 values",
        suffix=".yaml",
    ),
    Case(
        "summary from /dev/zero",
        "compare reads a bounded, textual summary: /dev/zero stops at its first block",
        "",
        2,
        r"/dev/zero: is a binary file, not a model.summary\(\) printout",
        command=("compare", "mnist", "/dev/zero"),
        seconds=5,
    ),
    Case(
        "binary spec",
        "a binary file is named as one",
        b"\x00\x01\x02" * 100,
        2,
        r"is a binary file, not a JSON or YAML spec",
    ),
    Case(
        "answer sheet from /dev/zero",
        "check reads a bounded, textual sheet: /dev/zero stops at its first block",
        "",
        2,
        r"/dev/zero: could not be graded: is a binary file, not an answer sheet",
        command=("check", "/dev/zero", "--spec", "mnist"),
        seconds=5,
    ),
    Case(
        "131,073-character CSV header",
        "a header past the csv module's field limit is that sheet's error, not a traceback",
        "name," + "x" * 131_073 + ",output_shape,params\n",
        2,
        r"line 1: field larger than field limit",
        suffix=".csv",
        command=("check", "{file}", "--spec", "mnist"),
    ),
    Case(
        "superscript digits in a count",
        "'3²⁰' passes isdigit() but is no count: graded as unreadable (exit 1), never int()",
        "name,output_shape,params\nconv2d,26x26x32,3²⁰\n",
        1,
        r"Could not read '3²⁰': not a count",
        suffix=".csv",
        command=("check", "{file}", "--spec", "mnist"),
    ),
    # Keras configs: every field the importer reads is checked before use.
    Case(
        "config a list",
        "a model whose config is a list names the field",
        json.dumps({"class_name": "Functional", "config": [1, 2]}),
        2,
        r"\.json: config: should be an object, got \[1, 2\]",
    ),
    Case(
        "config a string",
        "a model whose config is a string names the field",
        json.dumps({"class_name": "Sequential", "config": "layers"}),
        2,
        r"config: should be an object",
    ),
    Case(
        "layers as ints",
        "layer entries that are not objects are named by index",
        json.dumps(functional(1, 2)),
        2,
        r"config\.layers\[0\]: should be a layer",
    ),
    Case(
        "missing class_name",
        "a layer without its class is named by index",
        json.dumps(functional(INPUT, {"config": {"name": "d"}})),
        2,
        r"config\.layers\[1\]\.class_name: should be the layer's class name, got null",
    ),
    Case(
        "inbound_nodes an int",
        "a call list that is not a list is named",
        json.dumps(functional(INPUT, {**DENSE, "inbound_nodes": 7})),
        2,
        r"config\.layers\[1\]\.inbound_nodes: should be a list of calls, got 7",
    ),
    Case(
        "keras_history not a list",
        "a tensor reference without a layer name is named",
        json.dumps(
            functional(
                INPUT,
                {
                    **DENSE,
                    "inbound_nodes": [
                        {
                            "args": [
                                {"class_name": "__keras_tensor__", "config": {"keras_history": 5}}
                            ]
                        }
                    ],
                },
            )
        ),
        2,
        r"inbound_nodes\[0\]\.args\[0\]\.config\.keras_history: should be \[layer, node, tensor\]",
    ),
    Case(
        "InputLayer without shape",
        "a Sequential whose InputLayer declares no shape says so",
        json.dumps(sequential({"class_name": "InputLayer", "config": {"name": "x"}}, DENSE)),
        2,
        r"layers\[0\]: an InputLayer needs its `shape`",
    ),
    Case(
        "InputLayer with an empty batch_shape",
        "a batch_shape without even the batch dimension says so",
        json.dumps(sequential({"class_name": "InputLayer", "config": {"batch_shape": []}}, DENSE)),
        2,
        r"input_shape: List should have at least 1 item",
    ),
    Case(
        "bad nested outputs",
        "a nested model's output_layers that name no layer are named",
        json.dumps(
            functional(
                INPUT,
                {
                    "class_name": "Functional",
                    "config": {"name": "inner", "layers": [INPUT], "output_layers": [[5, 0, 0]]},
                    "inbound_nodes": [{"args": [TENSOR_X]}],
                },
            )
        ),
        2,
        r"config\.layers\[1\]\.config\.output_layers\[0\]\[0\]: should be a layer name, got 5",
    ),
    Case(
        "200-deep nested models",
        "models nested past the depth limit are refused before any recursion",
        json.dumps(nested_sequentials(200)),
        2,
        r"is nested more than 100 levels deep",
    ),
    Case(
        "non-UTF-8 config.json",
        "an archive's config.json that is not UTF-8 is named inside the archive",
        archive(b'{"class_name": "Sequential", "name": "\xff"}'),
        2,
        r"\.keras: config\.json: is not UTF-8 text",
        suffix=".keras",
    ),
    Case(
        "encrypted zip entry",
        "an encrypted config.json is refused: cnncalc reads no passwords",
        archive(MODEL_JSON, patch=set_flag_encrypted),
        2,
        r"config\.json is encrypted",
        suffix=".keras",
    ),
    Case(
        "unsupported compression",
        "a compression method zipfile cannot read is one line",
        archive(MODEL_JSON, patch=set_method(99)),
        2,
        r"config\.json is stored in a way cnncalc cannot read",
        suffix=".keras",
    ),
    Case(
        "corrupt deflate stream",
        "a damaged deflate stream is one line",
        archive(MODEL_JSON * 20, patch=corrupt_deflate),
        2,
        r"a damaged zip archive",
        suffix=".keras",
    ),
    Case(
        "declared size lies",
        "an entry inflating past its declared size is cut there and refused (bad CRC)",
        archive(MODEL_JSON, patch=declare_small_size),
        2,
        r"a damaged zip archive",
        suffix=".keras",
    ),
    Case(
        "zip without config.json",
        "an archive that is not a Keras model says so",
        archive(MODEL_JSON).replace(b"config.json", b"configXjson"),
        2,
        r"a zip file without a config\.json",
        suffix=".keras",
    ),
    # Sizes are sizes.
    Case(
        "Lambda output_shape [-5]",
        "a negative declared size is refused, never 'Total params: -40'",
        spec_with(type="Lambda", output_shape=[-5]),
        2,
        r"layers\[0\]\.output_shape\[0\]: Input should be greater than or equal to 1",
    ),
    Case(
        "Lambda output_shape [0, 7]",
        "a zero size is refused",
        spec_with(type="Lambda", output_shape=[0, 7]),
        2,
        r"layers\[0\]\.output_shape\[0\]: Input should be greater than or equal to 1",
    ),
    Case(
        "Reshape target_shape [true]",
        "a boolean is not a size",
        spec_with(type="Reshape", target_shape=[True]),
        2,
        r"layers\[0\]\.target_shape\[0\]: Input should be a valid integer",
    ),
    Case(
        "Concatenate axis true",
        "a boolean is not an axis",
        json.dumps(
            {
                "input_shape": [4],
                "layers": [
                    {"type": "ReLU", "name": "a"},
                    {"type": "Concatenate", "axis": True, "inputs": ["input", "a"]},
                ],
            }
        ),
        2,
        r"layers\[1\]\.axis: Input should be a valid integer",
    ),
    Case(
        "input_shape [true, 4]",
        "a boolean is not a dimension",
        json.dumps({"input_shape": [True, 4], "layers": [{"type": "Flatten"}]}),
        2,
        r"input_shape\[0\]: Input should be a valid integer",
    ),
    Case(
        "a size past int64",
        "a dimension Keras's int64 cannot hold is refused",
        json.dumps({"input_shape": [2**63], "layers": [{"type": "Flatten"}]}),
        2,
        r"input_shape\[0\]: Input should be less than or equal to 9223372036854775807",
    ),
    Case(
        "a product past Python's int-string limit",
        "Flatten over 64 axes of 2^62 is an impossible network naming int64, not a ValueError",
        json.dumps({"input_shape": [2**62] * 64, "layers": [{"type": "Flatten", "name": "f"}]}),
        1,
        r"layer 0 'f' \(Flatten\): an output size of 3969 bits exceeds Keras's int64",
    ),
    Case(
        "sizes doubling 70 times",
        "growth layer by layer stops at int64 with the layer named",
        json.dumps({"input_shape": [3, 1], "layers": [{"type": "UpSampling1D"}] * 70}),
        1,
        # layer i gives 3·2^(i+1): 3·2^61 < 2^63 ≤ 3·2^62, so layer 61 is the first too big
        r"layer 61 'up_sampling1d_61' \(UpSampling1D\): an output size of 64 bits",
    ),
    # Exit codes say what happened.
    Case(
        "layers: []",
        "a spec without layers is invalid (2), not an impossible network",
        json.dumps({"input_shape": [4], "layers": []}),
        2,
        r"layers: List should have at least 1 item",
    ),
    Case(
        "nested Sequential with layers: []",
        "an empty nested model is invalid (2)",
        spec_with(type="Sequential", layers=[]),
        2,
        r"layers\[0\]\.layers: List should have at least 1 item",
    ),
    Case(
        "inputs: []",
        "a layer reading nothing is invalid (2)",
        spec_with(type="ReLU", inputs=[]),
        2,
        r"layers\[0\]\.inputs: List should have at least 1 item",
    ),
    Case(
        "300-character SPEC",
        "a SPEC too long to be a file name is no file and no preset, shown short",
        "",
        2,
        r"^error: x{79}…: no such file or preset",
        command=("analyze", "x" * 300),
    ),
    Case(
        "random:easy:²",
        "superscript digits are not a seed",
        "",
        2,
        r"random:easy:²: a random exercise is named random:<difficulty>:<seed>",
        command=("analyze", "random:easy:²"),
    ),
    Case(
        "a 5000-digit random seed",
        "a seed past int()'s 4,300 digits is one line (was a traceback, a 500 on the web)",
        "",
        2,
        r"^error: random:easy:9{67}…: a seed has at most 30 digits, this one 5,000$",
        command=("analyze", "random:easy:" + "9" * 5000),
    ),
    Case(
        "a 31-digit random seed",
        "the limit is 30 digits, as for any integer",
        "",
        2,
        r"^error: random:easy:9{31}: a seed has at most 30 digits, this one 31$",
        command=("analyze", "random:easy:" + "9" * 31),
    ),
    Case(
        "100,000-layer cycle",
        "a cycle is found by the sort in linear time and named",
        cycle(100_000),
        2,
        r"the layers read each other in a cycle: 'r\d+' → 'r\d+' → ",
        seconds=90,  # parsing 100,000 layers dominates; the sort itself: the test below
    ),
    Case(
        "a name that forges error lines",
        "a name's newline and escape sequence are shown, never sent: one line per error",
        json.dumps(
            {
                "input_shape": [3, 3, 1],
                "layers": [
                    {
                        "type": "Conv2D",
                        "name": "k\n\x1b[2Jerror: all good\r",
                        "filters": 1,
                        "kernel_size": 7,
                    }
                ],
            }
        ),
        1,
        r"^error: layer 0 'k\\n\\x1b\[2Jerror: all good\\r' \(Conv2D\): a 7×7 kernel",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input(case: Case, tmp_path: Path) -> None:
    content = case.content() if callable(case.content) else case.content
    path = tmp_path / f"input{case.suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    started = time.perf_counter()
    result = run(*(arg.replace("{file}", str(path)) for arg in case.command))
    elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), case.promise
    assert result.exit_code == case.exit_code, (case.promise, result.stderr)
    said = result.stderr or result.stdout  # an error on stderr; a graded sheet on stdout
    assert re.search(case.message, said, re.MULTILINE), (case.promise, said)
    graded = case.command[0] == "check" and case.exit_code != 2  # a report, no error
    assert len(result.stderr.splitlines()) == (0 if graded else 1), (case.promise, result.stderr)
    assert not INVISIBLE.search(result.stderr.rstrip("\n")), case.promise
    assert elapsed < case.seconds, (case.promise, elapsed)


def test_a_zip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    """257 MB of spaces deflate to about 260 KB: refused from the declared size, unread."""
    from cnncalc.sources.reader import MAX_MODEL_BYTES

    path = tmp_path / "bomb.keras"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("config.json", "w", force_zip64=True) as entry,
    ):
        for _ in range(MAX_MODEL_BYTES // 2**20 + 1):
            entry.write(b" " * 2**20)
    assert path.stat().st_size < 2 * 2**20
    started = time.perf_counter()
    result = run("analyze", str(path))
    assert result.exit_code == 2
    assert "declares 269,484,032 bytes, over cnncalc's limit of 256 MB" in result.stderr
    assert time.perf_counter() - started < 2


def test_a_zip64_end_record_cannot_hide_the_size_of_the_table_of_contents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipfile reads the table of contents' size from a zip64 end record when one precedes the
    end record (APPNOTE 4.3.14-15): a classic end record saying 22 bytes does not let a larger
    one through. 3,001 entries (a table of 156,057 bytes) against a limit lowered to 10,000."""
    import struct

    from cnncalc.sources import reader

    written = io.BytesIO()
    with zipfile.ZipFile(written, "w") as zf:
        zf.writestr("config.json", json.dumps(sequential(INPUT, DENSE)))
        for number in range(3000):
            zf.writestr(f"f{number:05d}", "")
    raw = written.getvalue()
    end = raw.rfind(b"PK\x05\x06")
    entries, table_bytes, table_at = struct.unpack("<2xHII", raw[end + 8 : end + 20])
    assert (entries, table_bytes) == (3001, 156_057)
    zip64_end = struct.pack(
        "<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, table_bytes, table_at
    )
    locator = struct.pack("<4sIQI", b"PK\x06\x07", 0, end, 1)
    lying_end = raw[end : end + 12] + struct.pack("<I", 22) + raw[end + 16 :]
    path = tmp_path / "hidden.keras"
    path.write_bytes(raw[:end] + zip64_end + locator + lying_end)
    assert len(zipfile.ZipFile(path).infolist()) == 3001  # zipfile reads the whole table
    monkeypatch.setattr(reader, "MAX_ZIP_DIRECTORY_BYTES", 10_000)
    result = run("analyze", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"error: {path}: the archive's table of contents is 156,057 bytes, over cnncalc's "
        "limit of 10,000 bytes\n"
    )


class Endless(io.RawIOBase):
    """A stream that never ends, like /dev/zero or `yes` piped in."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        buffer[:] = b" " * len(buffer)
        return len(buffer)


def test_an_endless_stream_stops_one_byte_past_the_limit() -> None:
    from cnncalc.sources.reader import read_stream

    stream = Endless()
    with pytest.raises(CnncalcError, match=r"<stdin>: is larger than cnncalc's limit of 1 MB"):
        read_stream(stream, "<stdin>", 2**20)  # type: ignore[arg-type]
    assert stream.tell() if stream.seekable() else True


def test_standard_input_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from cnncalc.sources import reader

    read = []

    class Stdin:
        buffer = io.BufferedReader(Endless())

    monkeypatch.setattr(sys, "stdin", Stdin)
    monkeypatch.setattr(reader, "CHUNK", 2**20)
    original = reader.read_stream

    def counting(stream: Any, where: str, limit: int, kind: str = "text") -> bytes:
        read.append(limit)
        return original(stream, where, 3 * 2**20, kind)

    monkeypatch.setattr(reader, "read_stream", counting)
    with pytest.raises(CnncalcError, match="larger than cnncalc's limit of 3 MB"):
        cnncalc.load_spec("-")
    assert read == [reader.MAX_MODEL_BYTES]


# The Python API raises only cnncalc's errors for bad arguments.
class NotAModel:
    name = "impostor"

    def to_json(self) -> str:
        raise RuntimeError("no")


class JsonListModel:
    def to_json(self) -> str:
        return "[1, 2]"


API_CASES = [
    ("an object with a failing to_json", NotAModel(), r"its to_json\(\) failed"),
    ("an object whose to_json is no model", JsonListModel(), r"should be a Keras model config"),
    ("an object without to_json", object(), r"cannot analyze a 'object' object"),
    ("a 300-character string", "y" * 300, r"no such file or preset"),
    ("random:easy:²", "random:easy:²", r"random:<difficulty>:<seed>"),
    (
        "a lone surrogate name",
        {"input_shape": [2], "layers": [{"type": "ReLU", "name": "\ud800"}]},
        r"layers\[0\]\.name: a name cannot hold a lone surrogate",
    ),
]


@pytest.mark.parametrize(
    "source, message", [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES]
)
def test_the_api_raises_only_cnncalc_errors(source: Any, message: str) -> None:
    with pytest.raises(CnncalcError, match=message):
        cnncalc.analyze(source)


def test_a_layer_changed_after_construction_is_validated_again() -> None:
    spec = cnncalc.load_spec("mnist")
    spec.layers[0].filters = -3  # type: ignore[attr-defined]
    spec.layers[2].kernel_size = True  # type: ignore[attr-defined]
    with pytest.raises(CnncalcError) as raised:
        cnncalc.analyze(spec)
    assert str(raised.value).splitlines() == [
        "layers[0].filters: Input should be greater than or equal to 1 (got -3)",
        "layers[2].kernel_size: Input should be a valid integer (got true)",
    ]


# Output escaping: a layer name from a file cannot run, forge or break anything.
EVIL_NAMES = [
    '=HYPERLINK("http://x")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    "a|b<script>alert(1)</script>",
    "\\end{verbatim}\\input{/etc/passwd}",
    "esc\x1b]0;title\x07\x1b[2J",
    "two\nTotal params: 0",
    "ünïcödé_😀_→",
    "50% $x_1$ & #2 {~^}",
    "```\n<img src=x onerror=alert(1)>",
]


def evil_analysis() -> cnncalc.Analysis:
    layers = [{"type": "ReLU", "name": name} for name in EVIL_NAMES]
    return cnncalc.analyze({"name": "m=1|<b>\n", "input_shape": [4], "layers": layers})


def test_csv_cells_never_start_a_formula() -> None:
    analysis = evil_analysis()
    for explain in (False, True):
        rows = list(csv.reader(io.StringIO(analysis.to_table("csv", explain))))
        assert len(rows) == len(EVIL_NAMES) + 2
        names = [row[0] for row in rows[1:-1]]
        for name, written in zip(EVIL_NAMES, names):
            assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert written.removeprefix("'") == visible(name)  # the text, shown visibly


def test_terminal_table_shows_control_characters_and_keeps_one_line_per_layer() -> None:
    text = evil_analysis().to_table("table", explain=True)
    assert not INVISIBLE.search(text.replace("\n", ""))
    assert "esc\\x1b]0;title\\x07\\x1b[2J (ReLU)" in text
    body = [line for line in text.splitlines() if line.startswith("│")]
    assert len(body) == len(EVIL_NAMES) + 1  # the header and one line per layer
    assert not any(line.startswith("Total params: 0") for line in text.splitlines())


def test_markdown_escapes_pipes_and_html() -> None:
    text = evil_analysis().to_table("markdown", explain=False)
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert len(rows) == len(EVIL_NAMES) + 2
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4  # three cells, never more
    assert "<script>" not in text and "\\<script\\>" in text
    assert "**Model: m=1\\|\\<b\\>\\n**" in text
    working = evil_analysis().to_table("markdown", explain=True).split("### Working\n\n")[1]
    fence = working.split("text\n")[0]
    assert len(fence) > 3 and working.endswith("\n" + fence)  # no name closes the fence
    assert working.count(fence) == 2


def test_html_escapes_names() -> None:
    text = evil_analysis().to_table("html", explain=True)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_latex_has_no_raw_text() -> None:
    text = evil_analysis().to_table("latex", explain=True)
    assert "\\begin{verbatim}" not in text and "\\input{" not in text
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in text


LATEX_DOCUMENT = r"""\documentclass{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\begin{document}
%s
\end{document}
"""


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="needs pdflatex (Debian texlive)")
@pytest.mark.parametrize("source", ["evil", "resnet50"])
def test_latex_output_compiles_with_pdflatex(source: str, tmp_path: Path) -> None:
    analysis = evil_analysis() if source == "evil" else cnncalc.analyze(source)
    document = tmp_path / "table.tex"
    document.write_text(LATEX_DOCUMENT % analysis.to_table("latex", explain=True), "utf-8")
    result = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "table.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert (tmp_path / "table.pdf").stat().st_size > 1000
    assert "passwd" not in (tmp_path / "table.log").read_text(errors="replace").split("(./")[0]


def test_the_security_page_states_the_limits_the_code_enforces() -> None:
    from cnncalc.layers.base import MAX_RANK
    from cnncalc.sources import keras_config, random_networks, reader, textfiles

    page = (Path(__file__).parent.parent / "docs" / "security.md").read_text("utf-8")
    stated = {
        "A spec, a model JSON, stdin, an archive's `config.json`": reader.size_text(
            reader.MAX_MODEL_BYTES
        ),
        "A summary printout or an answer sheet": reader.size_text(reader.MAX_TEXT_BYTES),
        "An archive's table of contents": reader.size_text(reader.MAX_ZIP_DIRECTORY_BYTES),
        "A legacy `.h5` model's `model_config` attribute": reader.size_text(
            keras_config.MAX_MODEL_BYTES
        ),
        "Nesting of JSON or YAML values": f"{textfiles.MAX_DEPTH} levels",
        "Values a YAML file expands to (aliases)": f"{textfiles.MAX_VALUES:,}",
        "Digits in an integer literal": str(textfiles.MAX_INT_DIGITS),
        "Digits in a random exercise's seed (`random:easy:7`)": str(
            random_networks.MAX_SEED_DIGITS
        ),
        "Axes in a shape": str(MAX_RANK),
    }
    for limit, value in stated.items():
        assert f"| {limit} | {value} |" in page, limit


@pytest.mark.parametrize(
    "fmt, suffix", [("yaml", ".yaml"), ("json", ".json"), ("csv", ".csv"), ("markdown", ".md")]
)
def test_a_worksheet_cnncalc_wrote_with_odd_names_is_gradable(
    fmt: str, suffix: str, tmp_path: Path
) -> None:
    """An emoji name (json.dumps writes it as a surrogate pair, which YAML reads as two code
    points) and a formula-like name (the CSV apostrophe) survive the round trip."""
    spec = tmp_path / "net.json"
    spec.write_text(
        json.dumps(
            {
                "input_shape": [8, 8, 1],
                "layers": [
                    {"type": "Conv2D", "name": "😀conv", "filters": 2, "kernel_size": 3},
                    {"type": "Flatten", "name": "=flat"},
                ],
            }
        ),
        "utf-8",
    )
    sheet = tmp_path / f"sheet{suffix}"
    assert run("exercise", str(spec), "-f", fmt, "-o", str(sheet)).exit_code == 0
    result = run("check", str(sheet), "--spec", str(spec), "--format", "json")
    assert result.exit_code == 1, result.stderr  # graded: blanks are missing, nothing unreadable
    layers = {item["layer"] for item in json.loads(result.stdout)["items"] if item["layer"]}
    assert layers == {"😀conv", "=flat"}
    table = run("check", str(sheet), "--spec", str(spec)).stdout
    assert "matches no layer" not in table  # every answer found its layer by name


def test_a_100000_layer_cycle_is_found_in_linear_time() -> None:
    """The sort and the cycle's report alone (a list-based walk took minutes here)."""
    from cnncalc.engine import topological_order

    n = 100_000
    names = [f"r{i}" for i in range(n)]
    wiring = [(f"r{(i - 1) % n}",) for i in range(n)]
    started = time.perf_counter()
    with pytest.raises(CnncalcError, match=r"layers\[\d+\]\.inputs: .* in a cycle: 'r"):
        topological_order(names, wiring)
    assert time.perf_counter() - started < 3


def test_the_limits_admit_real_networks() -> None:
    """A 50,000-layer spec (JSON and YAML) and a deep Keras-like config are read whole."""
    import yaml

    from cnncalc.sources.textfiles import parse_json_or_yaml

    spec = {
        "input_shape": [32, 32, 3],
        "layers": [{"type": "Conv2D", "filters": 8, "kernel_size": 1}] * 50_000,
    }
    for text, as_json in ((json.dumps(spec), True), (yaml.safe_dump(spec), False)):
        assert len(parse_json_or_yaml(text, "big", as_json=as_json)["layers"]) == 50_000
    nested = nested_sequentials(8)  # eight models deep: well inside the depth limit
    assert parse_json_or_yaml(json.dumps(nested), "nested", as_json=True) == nested


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"input_shape": [4], "layers": [{"type": 10**5000}]}, r"an integer of 5001 digits"),
        (
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 10**5000}]},
            r"layers\[0\]\.units: .* \(got an integer of 5001 digits\)",
        ),
    ],
)
def test_integers_past_the_string_limit_are_described_not_printed(spec: Any, message: str) -> None:
    """Python refuses to print integers past 4,300 digits; an error message must not try."""
    with pytest.raises(CnncalcError, match=message):
        cnncalc.analyze(spec)


def test_a_file_name_with_an_escape_sequence_is_shown_not_sent(tmp_path: Path) -> None:
    """check names each file it could not grade: the name is shown visibly, never run."""
    sheet = tmp_path / "a\x1b[2Jb.yaml"
    sheet.write_text("x", "utf-8")
    result = run("check", str(sheet), "--spec", "mnist")
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "a\\x1b[2Jb.yaml" in result.stderr
