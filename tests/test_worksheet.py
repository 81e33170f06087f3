"""A worksheet states everything that decides its answers, in every format.

The proof: read the sheet back *without the spec* (with a reader written here, not
cnncalc's), rebuild a network from nothing but its givens, and check that network has the
same answers as the original, for every preset and hundreds of random networks.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
from typing import Any

import pytest
import yaml

import cnncalc
from cnncalc.classroom.answers import read_answers
from cnncalc.classroom.worksheet import (
    FORMATS,
    SUFFIXES,
    first_mismatch,
    render_worksheet,
    same_value,
    worksheet,
)
from cnncalc.layers import REGISTRY
from cnncalc.sources import load_spec, preset_names

TWO_INPUTS = {
    "layers": [
        {"type": "InputLayer", "name": "image", "shape": [16, 16, 3]},
        {"type": "InputLayer", "name": "mask", "shape": [16, 16, 1]},
        {"type": "Concatenate", "name": "both", "inputs": ["image", "mask"]},
        {"type": "Conv2D", "name": "conv", "filters": 8, "kernel_size": 3, "padding": "same"},
        {"type": "MaxPooling2D", "name": "pool", "pool_size": 3, "strides": 2, "padding": "same"},
        {"type": "UpSampling2D", "name": "up"},
        {"type": "Concatenate", "name": "skip", "inputs": ["up", "mask"]},
    ]
}
CHANNELS_FIRST = {
    "input_shape": [3, 32, 32],
    "layers": [
        {"type": "Conv2D", "filters": 8, "kernel_size": 5, "data_format": "channels_first"},
        {"type": "AveragePooling2D", "data_format": "channels_first"},
        {"type": "Conv2D", "filters": 4, "kernel_size": 3, "use_bias": False,
         "data_format": "channels_first"},
        {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "strides": 2,
         "data_format": "channels_first"},
    ],
}  # fmt: skip


def sheet_text(network: Any, fmt: str) -> str:
    spec = load_spec(network)
    return render_worksheet(worksheet("x", spec, cnncalc.analyze(spec)), fmt)


def givens(cell: str) -> dict[str, Any]:
    """'filters=32, kernel_size=[3, 3]' -> {'filters': 32, 'kernel_size': [3, 3]}."""
    keys = list(re.finditer(r"(?:^|, )([A-Za-z_]+)=", cell))
    ends = [k.start() for k in keys[1:]] + [len(cell)]
    return {k.group(1): json.loads(cell[k.end() : end]) for k, end in zip(keys, ends)}


def table_layers(rows: list[dict[str, str]]) -> tuple[Any, list[dict[str, Any]]]:
    input_shape, layers = None, []
    for row in rows:
        if row["name"] == "input_shape":
            input_shape = json.loads(row["given"])
        elif row["name"] not in ("exercise", "total_params"):
            inputs = [n for n in row["inputs"].split(", ") if n]
            layers.append(
                {
                    "name": row["name"],
                    "type": row["type"],
                    **({"inputs": inputs} if inputs else {}),
                    "given": givens(row["given"]),
                }
            )
    return input_shape, layers


def read_back(text: str, fmt: str) -> dict[str, Any]:
    """The spec the sheet alone describes."""
    if fmt in ("yaml", "json"):
        data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
        input_shape, layers = data.get("input_shape"), data["layers"]
    elif fmt == "csv":
        input_shape, layers = table_layers(list(csv.DictReader(io.StringIO(text))))
    else:
        lines = [line for line in text.splitlines() if line.startswith("|")]
        split = [
            [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip("|"))]
            for line in lines
        ]
        header = split[0]
        input_shape, layers = table_layers([dict(zip(header, cells)) for cells in split[2:]])
    spec_layers = [
        {"type": layer["type"], "name": layer["name"], **unstated_changed(layer),
         **layer["given"], **({"inputs": layer["inputs"]} if "inputs" in layer else {})}
        for layer in layers
    ]  # fmt: skip
    return {"layers": spec_layers, **({"input_shape": input_shape} if input_shape else {})}


NOT_ANSWER_ARGUMENTS = {"type", "name", "inputs", "trainable", "data_format"}
"""Stated elsewhere on the sheet, or changing no answer (data_format: stated when not
channels_last, the default)."""


def unstated_changed(layer: dict[str, Any]) -> dict[str, Any]:
    """Every argument the sheet does not state, set to something other than Keras's default:
    if the answers still agree, nothing left unstated mattered."""
    changed = {}
    for name, field in REGISTRY[layer["type"]].model_fields.items():
        default = field.default
        if name in NOT_ANSWER_ARGUMENTS or name in layer["given"]:
            continue
        if isinstance(default, bool):
            changed[name] = not default
        elif isinstance(default, int):
            changed[name] = default + 1
        elif default in ("valid", "same"):
            changed[name] = {"valid": "same", "same": "valid"}[default]
    return changed


def answers(network: Any) -> dict[str, Any]:
    analysis = cnncalc.analyze(network)
    rows = {r.name: (r.output_shape, r.params) for r in analysis if r.type != "InputLayer"}
    return {"layers": rows, "total": analysis.total_params}


def assert_sheet_alone_decides(network: Any, fmt: str) -> None:
    rebuilt = read_back(sheet_text(network, fmt), fmt)
    assert answers(rebuilt) == answers(load_spec(network)), (network, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("network", [*preset_names(), "two_inputs", "channels_first"])
def test_every_preset_sheet_alone_decides_its_answers(network: str, fmt: str) -> None:
    source = {"two_inputs": TWO_INPUTS, "channels_first": CHANNELS_FIRST}.get(network, network)
    assert_sheet_alone_decides(source, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_random_sheets_alone_decide_their_answers(difficulty: str, fmt: str) -> None:
    for seed in range(70):  # 210 networks per format
        assert_sheet_alone_decides(f"random:{difficulty}:{seed}", fmt)


def test_the_proof_fails_when_a_sheet_leaves_out_a_default(monkeypatch: Any) -> None:
    """Planted: the first round's sheet, which dropped every argument at its default."""
    from cnncalc.classroom import worksheet as module

    def defaults_dropped(layer: Any) -> dict[str, Any]:
        return {k: v for k, v in layer.to_dict().items() if k not in ("type", "name", "inputs")}

    monkeypatch.setattr(module, "given_arguments", defaults_dropped)
    for network in ("mnist", "lenet5", "resnet50"):
        rebuilt = read_back(sheet_text(network, "yaml"), "yaml")
        with contextlib.suppress(cnncalc.CnncalcError):  # not even valid without it: also caught
            assert answers(rebuilt) != answers(load_spec(network))


def test_the_sheet_writes_out_keras_defaults() -> None:
    data = yaml.safe_load(sheet_text("lenet5", "yaml"))
    pool = data["layers"][1]
    assert pool["given"] == {"padding": "valid", "pool_size": 2, "strides": 2}
    conv = data["layers"][0]["given"]
    assert conv["use_bias"] is True and conv["strides"] == 1 and conv["padding"] == "valid"
    two = yaml.safe_load(sheet_text(TWO_INPUTS, "yaml"))
    assert "input_shape" not in two
    assert two["layers"][0] == {
        "name": "image",
        "type": "InputLayer",
        "given": {"shape": [16, 16, 3]},
    }
    by_name = {layer["name"]: layer for layer in two["layers"]}
    assert by_name["both"]["inputs"] == ["image", "mask"] and "inputs" not in by_name["conv"]
    assert by_name["up"]["given"] == {"size": 2}
    first = yaml.safe_load(sheet_text(CHANNELS_FIRST, "yaml"))["layers"][0]["given"]
    assert first["data_format"] == "channels_first"


def written_sheet(tmp_path: Any, network: Any, fmt: str) -> Any:
    """A blank sheet for the network, written where `check` reads it."""
    path = tmp_path / f"sheet{SUFFIXES[fmt]}"
    path.write_text(sheet_text(network, fmt), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "network", [*preset_names(), "two_inputs", "channels_first", "random:hard:3", "random:easy:8"]
)
def test_a_sheet_states_nothing_its_own_network_contradicts(
    tmp_path: Any, network: str, fmt: str
) -> None:
    source = {"two_inputs": TWO_INPUTS, "channels_first": CHANNELS_FIRST}.get(network, network)
    spec = load_spec(source)
    sheet = read_answers(written_sheet(tmp_path, source, fmt))
    assert sheet.stated, "the reader keeps the sheet's givens"
    assert first_mismatch(sheet, spec, cnncalc.analyze(spec)) is None


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("pattern", "replacement", "expected"),
    [
        (r"\[\s*28,\s*28,\s*1\s*\]", "[48, 48, 3]",
         "the sheet's input_shape [48, 48, 3] is not the network's [28, 28, 1]"),
        (r'(filters"?[:=] ?)32', r"\g<1>16",
         "the sheet's layer 'conv2d' has filters=16, the network's filters=32"),
        (r"\bDropout\b", "Dense",
         "the sheet's layer 'dropout' is a Dense, the network's a Dropout"),
    ],
)  # fmt: skip
def test_a_sheet_for_another_network_names_the_first_difference(
    tmp_path: Any, fmt: str, pattern: str, replacement: str, expected: str
) -> None:
    """The sheet's givens, edited as a different network (another class secret) would state
    them, against the mnist network (the lecture's: conv2d is 32 3×3 filters on 28×28×1)."""
    path = written_sheet(tmp_path, "mnist", fmt)
    text, edits = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1)
    assert edits == 1, (fmt, pattern)
    path.write_text(text, encoding="utf-8")
    spec = load_spec("mnist")
    assert first_mismatch(read_answers(path), spec, cnncalc.analyze(spec)) == expected


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("difficulty", ["easy", "medium", "hard"])
def test_random_sheets_state_nothing_their_network_contradicts(
    tmp_path: Any, difficulty: str, fmt: str
) -> None:
    """No false alarm: a sheet read back agrees with its own network (30 per difficulty)."""
    for seed in range(30):
        network = f"random:{difficulty}:{seed}"
        spec = load_spec(network)
        sheet = read_answers(written_sheet(tmp_path, network, fmt))
        assert first_mismatch(sheet, spec, cnncalc.analyze(spec)) is None, network


def test_yaml_reads_an_exponent_as_text_and_still_agrees() -> None:
    assert same_value("1e-05", 1e-05) and same_value([3, 3], [3, 3])
    assert not same_value("1e-04", 1e-05)


def test_macs_of_sizes_left_open_are_not_asked() -> None:
    """An image of any size has no MACs to answer: the sheet is refused, naming the layer."""
    network = cnncalc.load_spec(
        {
            "input_shape": [None, None, 3],
            "layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3}],
        }
    )
    with pytest.raises(cnncalc.SpecError) as refused:
        worksheet("any", network, cnncalc.analyze(network), ("macs",))
    assert str(refused.value) == (
        "layer 0 'conv2d' (Conv2D): its MACs depend on sizes the network leaves open (input "
        "(None, None, None, 3)): give the input a fixed size to ask for macs"
    )
    asked = worksheet("any", network, cnncalc.analyze(network), ("receptive_field",))
    assert asked["instructions"] == (  # no totals asked, so no ', and …'
        "Fill in each layer's receptive_field (its size per spatial axis, e.g. 5x5, 7/2x7/2 "
        "after an upsampling, or 'whole input'). Then: cnncalc check this_file"
    )
