"""Exercises: a blank worksheet for any network, and random networks for every student.

A worksheet gives each layer's name, type and hyperparameters, and leaves blanks for its
output shape and parameter count, and for the total. Filled in, it is an answer file for
`cnncalc check`.
"""

from __future__ import annotations

import csv
import io
import json
import random
from typing import Any

from .analysis import Analysis
from .engine import analyze_spec
from .errors import CnncalcError, SpecError
from .spec import Spec, load_spec, parse_spec

FORMATS = ("yaml", "json", "csv", "markdown")
DIFFICULTIES = ("easy", "medium", "hard")
RANDOM_PREFIX = "random:"


def exercise_spec(reference: str) -> Spec:
    """The network an exercise names: a preset, a spec file, or 'random:<difficulty>:<seed>'."""
    if reference.startswith(RANDOM_PREFIX):
        parts = reference.split(":")
        if len(parts) != 3 or parts[1] not in DIFFICULTIES or not parts[2].isdigit():
            raise SpecError(
                f"{reference}: a random exercise is named random:<difficulty>:<seed>, "
                "e.g. random:medium:7"
            )
        return random_network(int(parts[2]), parts[1])
    return load_spec(reference)


def given_arguments(spec: Spec, index: int) -> dict[str, Any]:
    """What the worksheet tells the student about a layer: its arguments, not its results."""
    layer = spec.layers[index]
    given = layer.to_dict()
    for key in ("type", "name", "inputs"):
        given.pop(key, None)
    for key in ("strides", "padding"):  # Keras's defaults, said out loud for the student
        if getattr(layer, key, None) is not None:
            given.setdefault(key, getattr(layer, key))
    return given


def worksheet(reference: str, spec: Spec, analysis: Analysis) -> dict[str, Any]:
    """The blank worksheet as data."""
    return {
        "exercise": reference,
        "input_shape": None if spec.input_shape is None else list(spec.input_shape),
        "instructions": "Fill in each layer's output_shape (without the batch dimension) and "
        "params, and total_params. Then: cnncalc check this_file",
        "layers": [
            {
                "name": row.name,
                "type": row.type,
                "given": given_arguments(spec, row.index),
                "output_shape": None,
                "params": None,
            }
            for row in analysis.layers
            if row.type != "InputLayer"
        ],
        "total_params": None,
    }


def render_worksheet(sheet: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(sheet, indent=2, ensure_ascii=False)
    if fmt == "yaml":
        return worksheet_yaml(sheet)
    rows = [
        [layer["name"], layer["type"], compact(layer["given"]), "", ""] for layer in sheet["layers"]
    ]
    header = ["name", "type", "given", "output_shape", "params"]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([header, *rows, ["total_params", "", "", "", ""]])
        return out.getvalue().rstrip("\n")
    if fmt == "markdown":
        lines = [
            f"**Exercise: {sheet['exercise']}** — input shape {sheet['input_shape']}",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows),
            "| total_params |  |  |  |  |",
        ]
        return "\n".join(lines)
    raise SpecError(f"unknown worksheet format '{fmt}'; choose from {', '.join(FORMATS)}")


def compact(value: Any) -> str:
    """Hyperparameters on one line: filters=32, kernel_size=[3, 3]."""
    return ", ".join(f"{key}={json.dumps(item)}" for key, item in value.items())


def worksheet_yaml(sheet: dict[str, Any]) -> str:
    """YAML a student edits by hand: one layer per block, blanks where answers go."""
    lines = [
        f"# {sheet['instructions']}",
        "# Shapes may be written [26, 26, 32], (None, 26, 26, 32) or 26x26x32.",
        f"exercise: {json.dumps(sheet['exercise'])}",
        f"input_shape: {json.dumps(sheet['input_shape'])}",
        "layers:",
    ]
    for layer in sheet["layers"]:
        lines += [
            f"  - name: {json.dumps(layer['name'])}",
            f"    type: {layer['type']}",
            f"    given: {{{compact(layer['given']).replace('=', ': ')}}}",
            "    output_shape:",
            "    params:",
        ]
    lines.append("total_params:")
    return "\n".join(lines)


# Random networks: layer by layer, keeping each layer only if the network stays possible.

STEPS = {
    "medium": ["conv", "conv", "pool", "conv_same", "conv_strided", "bn", "dropout"],
    "hard": [
        "conv",
        "conv_same",
        "conv_strided",
        "conv_dilated",
        "conv_grouped",
        "pool",
        "pool_strided",
        "depthwise",
        "separable",
        "bn",
        "zero_padding",
    ],
}


def random_layer(rng: random.Random, step: str, depth: int) -> dict[str, Any]:
    kernel = rng.choice([1, 3, 3, 5, 7] if step != "conv" else [3, 3, 5])
    filters = rng.choice([8, 16, 32, 64])
    if step == "conv":
        return {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "activation": "relu"}
    if step == "conv_same":
        return {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "padding": "same"}
    if step == "conv_strided":
        return {
            "type": "Conv2D",
            "filters": filters,
            "kernel_size": kernel,
            "strides": 2,
            "padding": rng.choice(["valid", "same"]),
        }
    if step == "conv_dilated":
        return {"type": "Conv2D", "filters": filters, "kernel_size": 3, "dilation_rate": 2}
    if step == "conv_grouped":
        groups = rng.choice([g for g in (2, 4) if depth % g == 0] or [1])
        return {"type": "Conv2D", "filters": filters, "kernel_size": 3, "groups": groups}
    if step == "pool":
        return {"type": rng.choice(["MaxPooling2D", "AveragePooling2D"]), "pool_size": 2}
    if step == "pool_strided":
        return {
            "type": "MaxPooling2D",
            "pool_size": 3,
            "strides": 2,
            "padding": rng.choice(["valid", "same"]),
        }
    if step == "depthwise":
        return {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": rng.choice([1, 2])}
    if step == "separable":
        return {"type": "SeparableConv2D", "filters": filters, "kernel_size": 3}
    if step == "bn":
        return {"type": "BatchNormalization"}
    if step == "zero_padding":
        return {"type": "ZeroPadding2D", "padding": rng.choice([1, 2])}
    return {"type": "Dropout", "rate": 0.25}


def random_network(seed: int, difficulty: str = "medium") -> Spec:
    """A valid convnet, the same for the same seed and difficulty."""
    rng = random.Random(f"{difficulty}:{seed}")
    size = rng.choice([28, 32, 32, 48, 64] if difficulty != "hard" else [27, 31, 33, 45, 64])
    depth = rng.choice([1, 3])
    spec: dict[str, Any] = {
        "name": f"random:{difficulty}:{seed}",
        "input_shape": [size, size, depth],
        "layers": [],
    }
    target = {"easy": 4, "medium": 6, "hard": 8}[difficulty]
    while len(spec["layers"]) < target:
        position = len(spec["layers"])
        if position == 0:
            step = "conv"
        elif difficulty == "easy":
            step = ("conv", "pool")[position % 2]
        else:
            step = rng.choice(STEPS[difficulty])
        layer = random_layer(rng, step, depth)
        trial = {**spec, "layers": [*spec["layers"], layer]}
        try:
            depth = analyze_spec(parse_spec(trial)).layers[-1].output_shape[-1] or depth
        except CnncalcError:
            break  # the feature map is too small for more: finish the network here
        spec = trial
    head: list[dict[str, Any]] = [{"type": "Flatten"}]
    if difficulty == "hard" and rng.random() < 0.5:
        head = [{"type": "GlobalAveragePooling2D"}]
    if difficulty != "easy":
        head.append({"type": "Dense", "units": rng.choice([64, 128]), "activation": "relu"})
    head.append({"type": "Dense", "units": 10, "activation": "softmax"})
    return parse_spec({**spec, "layers": [*spec["layers"], *head]})
