"""`cnncalc crosscheck` and `cnncalc compare` as a user runs them: real Keras, real exit codes."""

from __future__ import annotations

import json
import random
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cnncalc
from cnncalc.cli import app
from cnncalc.keras.bridge import crosscheck, to_keras

from .conftest import needs_keras
from .test_tables import NESTED

ROOT = Path(__file__).resolve().parent.parent
SUMMARIES = ROOT / "tests" / "data" / "summaries"
runner = CliRunner()


@needs_keras
@pytest.mark.parametrize("preset", cnncalc.preset_names())
def test_crosscheck_agrees_on_every_preset(preset: str) -> None:
    result = crosscheck(preset)
    assert result.agrees, result.differences
    assert result.missing == []


def doc_specs() -> list[tuple[str, object]]:
    """Every JSON or YAML spec shown in the README and docs."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = path.read_text(encoding="utf-8")
        for number, (lang, body) in enumerate(re.findall(r"```(json|yaml)\n(.*?)```", text, re.S)):
            try:
                data = json.loads(body) if lang == "json" else yaml.safe_load(body)
            except ValueError:
                continue  # an output excerpt with "...", not a spec
            layers = data.get("layers") if isinstance(data, dict) else None
            if layers and all(isinstance(layer, dict) and "type" in layer for layer in layers):
                found.append((f"{path.name}#{number}", data))
    return found


@needs_keras
@pytest.mark.parametrize(("where", "spec"), doc_specs(), ids=[w for w, _ in doc_specs()])
def test_crosscheck_agrees_on_every_spec_in_the_docs(where: str, spec: dict) -> None:
    assert crosscheck(spec).agrees


def test_the_docs_show_specs() -> None:
    assert len(doc_specs()) >= 3


@needs_keras
def test_crosscheck_cli_exit_codes() -> None:
    assert runner.invoke(app, ["crosscheck", "mnist"]).exit_code == 0
    bad = runner.invoke(app, ["crosscheck", "-"], input='{"layers": []}')
    assert bad.exit_code == 2 and bad.stderr.startswith("error: ")


@needs_keras
def test_crosscheck_json() -> None:
    data = json.loads(runner.invoke(app, ["crosscheck", "lenet5", "--format", "json"]).stdout)
    assert data["agrees"] is True and data["totals"]["total"] == {"cnncalc": 61706, "keras": 61706}


def test_compare_cli_on_the_lecture_printout() -> None:
    lecture = str(ROOT / "tests/data/lecture_mnist_summary.txt")
    result = runner.invoke(app, ["compare", "mnist", lecture, "--partial"])
    assert result.exit_code == 0
    # the lecture's printout stops before dense and the three totals
    assert "not in the summary (· above): 1 row and 3 totals" in result.stdout
    cut_short = runner.invoke(app, ["compare", "mnist", lecture])
    assert cut_short.exit_code == 2
    assert cut_short.stderr == (
        f"error: {lecture}: no 'Total params:' line after the last row (line 19): "
        "the printout looks cut short; pass --partial to compare the rows it has\n"
    )


def test_compare_cli_reports_a_difference_with_exit_1(tmp_path: Path) -> None:
    saved = tmp_path / "summary.txt"
    text = (SUMMARIES / "mnist_convnet.keras3.txt").read_text(encoding="utf-8")
    saved.write_text(text.replace("18,496", "18,400"), encoding="utf-8")
    result = runner.invoke(app, ["compare", "mnist", str(saved)])
    assert result.exit_code == 1
    assert "row 3 'conv2d_1': params: cnncalc 18,496, Keras 18,400" in result.stdout


def test_compare_cli_picks_one_of_several_summaries(tmp_path: Path) -> None:
    saved = tmp_path / "both.txt"
    saved.write_text(
        "\n".join(
            (SUMMARIES / name).read_text(encoding="utf-8")
            for name in ("mnist_convnet.keras3.txt", "toy_resnet.tf_keras.txt")
        ),
        encoding="utf-8",
    )
    spec = str(SUMMARIES / "toy_resnet.json")
    asked = runner.invoke(app, ["compare", spec, str(saved)])
    assert asked.exit_code == 2
    assert asked.stderr == (
        f"error: {saved} holds 2 summaries: 'sequential' (line 4), 'toy_resnet' (line 27); "
        "pick one with --model NAME\n"
    )
    picked = runner.invoke(app, ["compare", spec, str(saved), "--model", "toy_resnet"])
    assert picked.exit_code == 0, picked.stdout


def test_compare_cli_refuses_a_summary_with_no_rows(tmp_path: Path) -> None:
    saved = tmp_path / "header_only.txt"
    saved.write_text(
        'Model: "sequential"\n' + "_" * 65 + "\n Layer (type)                Output Shape"
        "              Param #   \n" + "=" * 65 + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["compare", "mnist", str(saved)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {saved}: no layer rows under the 'Layer (type)' header (line 3): "
        "nothing to compare\n"
    )


@pytest.mark.parametrize("content", [None, "not a summary", b"\xff\xfe"])
def test_compare_cli_unreadable_summary_exits_2(tmp_path: Path, content: object) -> None:
    saved = tmp_path / "summary.txt"
    if isinstance(content, str):
        saved.write_text(content)
    elif isinstance(content, bytes):
        saved.write_bytes(content)
    result = runner.invoke(app, ["compare", "mnist", str(saved)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_without_tensorflow_crosscheck_says_how_to_install_it() -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['keras'] = None  # as if the keras extra were not installed\n"
        "from cnncalc.cli import main; sys.argv = ['cnncalc', 'crosscheck', 'mnist']; main()"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.returncode == 2
    assert process.stderr == "error: this needs TensorFlow/Keras: pip install 'cnncalc[keras]'\n"


@needs_keras
def test_a_spec_keras_cannot_build_exits_2_with_the_reason() -> None:
    spec = '{"input_shape": [4], "layers": [{"type": "Lambda", "name": "f", "output_shape": [4]}]}'
    result = runner.invoke(app, ["crosscheck", "-"], input=spec)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: layer 0 'f' (Lambda): cnncalc cannot build it in Keras: "
        "its code is not part of the spec\n"
    )


@needs_keras
def test_a_spec_keras_refuses_is_reported_with_keras_reason() -> None:
    spec = (
        '{"input_shape": [4], "layers": [{"type": "Activation", "name": "act", '
        '"activation": "wiggle"}]}'
    )
    assert cnncalc.analyze(json.loads(spec)).total_params == 0  # shapes alone: fine
    result = runner.invoke(app, ["crosscheck", "-"], input=spec)
    assert result.exit_code == 2
    assert result.stderr == (
        "error: layer 0 'act' (Activation): Keras refuses it: "
        "Could not interpret activation function identifier: wiggle\n"
    )


def in_random_valid_order(spec: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same graph, its layers listed in another order in which each follows its inputs."""
    layers = [dict(layer) for layer in spec["layers"]]
    for before, layer in pairwise(layers):
        layer.setdefault("inputs", [before["name"]])
    done: set[str] = set()
    shuffled, rng = [], random.Random(seed)
    while layers:
        ready = [layer for layer in layers if set(layer.get("inputs", [])) <= done]
        chosen = rng.choice(ready)
        layers.remove(chosen)
        shuffled.append(chosen)
        done.add(chosen["name"])
    return {**spec, "layers": shuffled}


@needs_keras
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("model", ["toy_resnet", "inception_block"])
def test_crosscheck_agrees_on_any_valid_order_of_a_graph(model: str, seed: int) -> None:
    """A projection shortcut written before its main branch, an Inception block written branch
    by branch: Keras lists the layers by graph depth, crosscheck matches them by name."""
    spec = json.loads((SUMMARIES / f"{model}.json").read_text(encoding="utf-8"))
    reordered = in_random_valid_order(spec, seed)
    result = crosscheck(reordered)
    assert result.agrees, result.differences
    assert result.missing == [] and len(result.rows) == len(spec["layers"])  # the input too


BRANCH_LAYERS = [
    {"type": "Conv2D", "filters": 3, "kernel_size": 3, "padding": "same"},
    {"type": "Conv2D", "filters": 2, "kernel_size": 1},
    {"type": "MaxPooling2D", "pool_size": 3, "strides": 1, "padding": "same"},
    {"type": "BatchNormalization"},
    {"type": "Activation", "activation": "relu"},
]


@st.composite
def branching_graphs(draw: Any) -> dict[str, Any]:
    """An Inception-like block: 2 to 4 branches of 1 to 3 layers from one input, concatenated."""
    size, channels = draw(st.integers(3, 10)), draw(st.integers(1, 4))
    layers: list[dict[str, Any]] = [
        {"type": "InputLayer", "name": "image", "shape": [size, size, channels]}
    ]
    ends = []
    for branch in range(draw(st.integers(2, 4))):
        source = "image"
        for depth in range(draw(st.integers(1, 3))):
            name = f"branch{branch}_{depth}"
            layers.append(
                {**draw(st.sampled_from(BRANCH_LAYERS)), "name": name, "inputs": [source]}
            )
            source = name
        ends.append(source)
    layers.append({"type": "Concatenate", "name": "merged", "inputs": ends})
    return {"name": "branches", "layers": layers}


@needs_keras
@settings(max_examples=25, deadline=None)
@given(spec=branching_graphs(), seed=st.integers(0, 2**16))
def test_crosscheck_agrees_on_random_graphs_in_random_valid_orders(
    spec: dict[str, Any], seed: int
) -> None:
    result = crosscheck(in_random_valid_order(spec, seed))
    assert result.agrees, result.differences
    assert result.missing == [] and len(result.rows) == len(spec["layers"])


@needs_keras
def test_crosscheck_shows_the_folded_count_of_an_explicitly_padded_transposed_conv() -> None:
    """Keras builds it as a 'valid' Conv2DTranspose plus a Cropping2D that carries the name;
    the table shows their parameters together: (3·3·4 + 1)·2 = 74."""
    spec = {
        "input_shape": [8, 8, 4],
        "layers": [{"type": "Conv2DTranspose", "filters": 2, "kernel_size": 3, "padding": 1}],
    }
    result = crosscheck(spec)
    (row,) = result.rows
    assert row.theirs is not None and row.theirs.params == 74 and row.theirs.params_text == "74"
    assert re.search(r"│ conv2d_transpose +│ .* │ +74 │ +74 │", result.to_table())


BUILT_AS_WRITTEN = {
    **NESTED,
    "name": "as_written",
    "batch_size": 32,
    "dtype": "mixed_float16",
    "layers": [{**NESTED["layers"][0], "dtype": "float64"}, *NESTED["layers"][1:]],
}


def test_crosscheck_builds_the_batch_dtypes_and_nested_models_the_spec_says() -> None:
    """Checked on the built model itself, then row by row against its summary."""
    model = to_keras(BUILT_AS_WRITTEN)
    assert [model.get_layer(name).output.shape[0] for name in ("input", "stem", "flat")] == [32] * 3
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers}
    assert policies == {
        "input": "float32",
        "stem": "float64",
        "block": "float32",  # a model's own policy; its layers carry the spec's
        "fblock": "float32",
        "flat": "mixed_float16",
    }
    inner = {layer.name: layer.dtype_policy.name for layer in model.get_layer("block").layers}
    assert inner == {"inner_conv": "mixed_float16", "inner_bn": "mixed_float16"}
    assert type(model.get_layer("block")).__name__ == "Sequential"
    result = crosscheck(BUILT_AS_WRITTEN)
    assert result.agrees, result.differences


@needs_keras
def test_crosscheck_of_explicit_padding_shows_each_layers_own_count() -> None:
    """The bridge builds explicit padding as a ZeroPadding helper (0 params) before a 'valid'
    layer; the table must show the layer's count beside ✓, never the helper's 0 (issue 14).
    By hand: (3·3·4 + 1)·2 = 74; height 8 + 1 + 2 − 3 + 1 = 9, width 8 + 0 + 1 − 3 + 1 = 7,
    (3·3·2 + 1)·2 = 38; pooled ⌊(9 + 1 − 2)/2⌋ + 1 = 5 by ⌊(7 + 1 − 2)/2⌋ + 1 = 4."""
    spec = {
        "input_shape": [8, 8, 4],
        "layers": [
            {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": 1},
            {"type": "Conv2D", "filters": 2, "kernel_size": 3, "padding": [[1, 2], [0, 1]]},
            {"type": "MaxPooling2D", "padding": [[0, 1], [0, 1]]},
        ],
    }
    result = crosscheck(spec)
    assert result.agrees, result.differences
    shown = [(c.theirs.name, c.theirs.params_text) for c in result.rows if c.theirs]
    assert shown == [("conv2d", "74"), ("conv2d_1", "38"), ("max_pooling2d", "0")]
    table = result.to_table()
    for name, shape, count in [
        ("conv2d", "(None, 8, 8, 2)", 74),
        ("conv2d_1", "(None, 9, 7, 2)", 38),
        ("max_pooling2d", "(None, 5, 4, 2)", 0),
    ]:
        cells = (
            rf"│ ✓  │ {name} +│ {re.escape(shape)} +│ {re.escape(shape)} +│ +{count} │ +{count} │"
        )
        assert re.search(cells, table), (name, table)
    assert "zero_padding" not in table  # the helpers are folded into their layers


MASKED_SPECS = [
    # the graph: Keras computes Masking's mask as any(not_equal(x, 0), axis=-1)
    {
        "input_shape": [1, 1],
        "layers": [
            {"type": "PReLU", "shared_axes": [1], "name": "branch0", "inputs": ["input"]},
            {"type": "Add", "name": "layer0", "inputs": ["input", "branch0"]},
            {"type": "Masking", "name": "layer1", "inputs": ["layer0"]},
            {"type": "SimpleRNN", "units": 1, "name": "layer2", "inputs": ["layer1"]},
        ],
    },
    # Embedding(mask_zero=True): not_equal(x, 0) only
    {
        "layers": [
            {"type": "InputLayer", "name": "tokens", "shape": [5], "dtype": "int32"},
            {"type": "Embedding", "input_dim": 10, "output_dim": 4, "mask_zero": True},
            {"type": "SimpleRNN", "units": 2},
        ],
    },
]


@needs_keras
@pytest.mark.parametrize(
    ("spec", "counts", "ops"),
    [
        # PReLU shared over axis 1: 1 alpha; SimpleRNN 1·(1 + 1 + 1) = 3
        (MASKED_SPECS[0], [1, 0, 0, 3], ["not_equal", "any"]),
        # the input row 0; Embedding 10·4 = 40; SimpleRNN 2·(4 + 2 + 1) = 14
        (MASKED_SPECS[1], [0, 40, 14], ["not_equal"]),
    ],
    ids=["masking", "embedding_mask_zero"],
)
def test_crosscheck_passes_over_the_rows_of_mask_ops(
    spec: dict[str, Any], counts: list[int], ops: list[str]
) -> None:
    """Keras names the ops' rows itself, counting on from earlier models (not_equal_3)."""
    result = crosscheck(spec)
    assert result.agrees, result.differences
    assert [c.theirs.params for c in result.rows if c.theirs] == counts
    (skipped,) = [s for s in result.skipped if "mask" in s]
    head, names = skipped.split(": ")
    assert head == f"{len(ops)} rows of ops computing Keras's masks, not layers, 0 params"
    assert [re.sub(r"_\d+$", "", name) for name in names.split(", ")] == ops
