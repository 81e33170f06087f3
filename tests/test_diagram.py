"""Diagrams are checked by structure, not pixels: every layer and every connection is drawn
(found by their data attributes), the SVG is well-formed XML, names are escaped, the boxes
follow the shapes; the keras.applications graphs are compared with Keras's own wiring."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnncalc
from cnncalc.render.diagram import draw, is_chain, scaled, thickness

DATA = Path(__file__).parent / "data"
APPLICATIONS = ["resnet50", "inception_v3", "densenet121"]
"""keras.applications configs imported by cnncalc (scripts/build_application_fixtures.py)."""
NETWORKS = [*cnncalc.preset_names(), *(str(DATA / f"{name}.json") for name in APPLICATIONS)]
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '</script><script>document.title="pwned"</script><img src=x onerror=alert(1)>&"\''


def parse(svg: str) -> ET.Element:
    """The SVG as XML: raises if it is not well-formed."""
    return ET.fromstring(svg)


def drawn_layers(root: ET.Element) -> list[str]:
    return [node.get("data-layer", "") for node in root.iter() if node.get("data-layer")]


def drawn_edges(root: ET.Element) -> Counter[tuple[str, str]]:
    return Counter(
        (node.get("data-from", ""), node.get("data-to", ""))
        for node in root.iter()
        if node.get("data-from") is not None
    )


def expected_edges(analysis: cnncalc.Analysis) -> Counter[tuple[str, str]]:
    return Counter((source, row.name) for row in analysis.layers for source in row.inputs)


@pytest.fixture(scope="module", params=NETWORKS, ids=lambda path: Path(path).stem)
def network(request: pytest.FixtureRequest) -> cnncalc.Analysis:
    return cnncalc.analyze(request.param)


@pytest.mark.parametrize("style", ["layers", "graph"])
def test_every_layer_and_connection_is_drawn(network: cnncalc.Analysis, style: str) -> None:
    diagram = network.draw(style)
    root = parse(diagram.svg)
    names = [row.name for row in network.layers]
    inputs = ["input"] if network.input_shape is not None else []
    assert sorted(drawn_layers(root)) == sorted(inputs + names)
    if diagram.style == "graph":
        assert drawn_edges(root) == expected_edges(network)


def test_a_graph_is_never_drawn_as_a_chain() -> None:
    resnet = cnncalc.analyze("resnet50")
    diagram = resnet.draw("layers")
    assert diagram.style == "graph" and "branches" in (diagram.note or "")
    assert cnncalc.analyze("vgg16").draw().style == "layers"
    assert resnet.draw().style == "graph"


@pytest.mark.parametrize(
    ("layers", "chain"),
    [
        ([{"type": "Dense", "units": 3}, {"type": "Dense", "units": 2}], True),
        (
            [
                {"type": "Dense", "units": 4, "name": "a"},
                {"type": "Dense", "units": 4, "name": "b"},
                {"type": "Add", "inputs": ["a", "b"]},
            ],
            False,
        ),
        ([{"type": "Dense", "units": 4, "name": "a"}, {"type": "Dense", "units": 4}], True),
        (
            [
                {"type": "Dense", "units": 4, "name": "a"},
                {"type": "Dense", "units": 4, "name": "b", "inputs": ["input"]},
            ],
            False,
        ),
    ],
)
def test_is_chain(layers: list[dict[str, Any]], chain: bool) -> None:
    assert is_chain(cnncalc.analyze({"input_shape": [4], "layers": layers})) is chain


def test_connections_match_keras_own_graph(keras: Any) -> None:
    """The oracle is Keras: the tensors each layer of a built ResNet50 receives."""
    model = keras.applications.ResNet50(weights=None)
    keras_edges = Counter(
        (tensor._keras_history.operation.name, layer.name)
        for layer in model.layers
        for node in layer._inbound_nodes
        for tensor in node.input_tensors
    )
    root = parse(cnncalc.analyze(model).draw().svg)
    assert drawn_edges(root) == keras_edges
    assert sorted(drawn_layers(root)) == sorted(layer.name for layer in model.layers)


def front_faces(svg: str) -> dict[str, tuple[float, float]]:
    """Each layer's front face (its first rect): width (depth) and height (spatial size)."""
    faces = {}
    for group in parse(svg).iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        if group.get("data-layer") and rect is not None:
            faces[group.get("data-layer", "")] = (
                float(rect.get("width")),
                float(rect.get("height")),
            )
    return faces


def test_vgg16_boxes_shrink_in_height_and_grow_in_depth() -> None:
    faces = front_faces(cnncalc.analyze("vgg16").draw("layers").svg)
    convs = ["block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1"]
    heights = [faces[name][1] for name in convs]
    depths = [faces[name][0] for name in convs]
    assert heights == sorted(heights, reverse=True) and len(set(heights)) == 5
    assert depths == sorted(depths) and len(set(depths)) == 4  # blocks 4 and 5: 512 deep
    # 224×224 and 7×7 both stay readable: neither a sliver nor 32 times apart
    assert faces["input"][1] / faces["block5_pool"][1] < 8
    assert faces["block5_pool"][1] >= 12


@given(st.integers(1, 4096), st.integers(1, 4096))
def test_sizes_grow_with_what_they_show(small: int, large: int) -> None:
    small, large = sorted((small, large))
    assert 6 <= scaled(small, 4096, 0.6) <= scaled(large, 4096, 0.6) <= 150
    assert 3 <= thickness(small) <= thickness(large) <= 70


def test_boxes_for_unknown_and_one_dimensional_shapes() -> None:
    analysis = cnncalc.analyze(
        {
            "input_shape": [None, 8],
            "layers": [
                {"type": "Conv1D", "filters": 4, "kernel_size": 3},
                {"type": "Dense", "units": 2},
            ],
        }
    )
    root = parse(analysis.draw("layers").svg)
    assert sorted(drawn_layers(root)) == ["conv1d", "dense", "input"]
    assert "?×4" in analysis.draw("layers").svg


def test_names_are_escaped_and_round_trip() -> None:
    spec = {
        "name": HOSTILE,
        "input_shape": [8, 8, 1],
        "layers": [
            {"type": "Conv2D", "filters": 2, "kernel_size": 3, "name": HOSTILE},
            {"type": "Flatten", "name": "a&b"},
            {"type": "Dense", "units": 2, "inputs": ["a&b"], "name": "d<'\">"},
        ],
    }
    analysis = cnncalc.analyze(spec)
    for style in ("layers", "graph"):
        svg = analysis.draw(style).svg
        root = parse(svg)  # well-formed although the names are not
        assert HOSTILE in drawn_layers(root)
        assert HOSTILE in {node.text for node in root.iter(f"{SVG}text")}
        assert "<script" not in svg and "<img" not in svg


def test_nested_models_are_framed_groups_with_their_own_layers() -> None:
    spec = {
        "input_shape": [16, 16, 3],
        "layers": [
            {"type": "Conv2D", "filters": 4, "kernel_size": 3, "name": "stem"},
            {
                "type": "Sequential",
                "name": "tower",
                "layers": [
                    {"type": "Conv2D", "filters": 8, "kernel_size": 3},
                    {"type": "MaxPooling2D"},
                ],
            },
            {"type": "Flatten"},
        ],
    }
    root = parse(cnncalc.analyze(spec).draw("graph").svg)
    frame = next(g for g in root.iter(f"{SVG}g") if g.get("data-layer") == "tower")
    assert "nested" in frame.get("class", "")
    inner = {g.get("data-layer") for g in frame.iter(f"{SVG}g") if g.get("data-parent") == "tower"}
    assert inner == {"input", "conv2d", "max_pooling2d"}
    assert drawn_edges(frame) == Counter({("input", "conv2d"): 1, ("conv2d", "max_pooling2d"): 1})


def test_costs_label_macs_when_known() -> None:
    analysis = cnncalc.analyze("mnist")
    assert "MACs 194,688" in analysis.draw("graph", costs=True).svg  # 26·26·32 · 3·3·1


def test_jupyter_shows_the_diagram_and_it_saves(tmp_path: Path) -> None:
    diagram = cnncalc.analyze("mnist").draw()
    assert diagram._repr_svg_().startswith("<svg")
    saved = diagram.save(tmp_path / "net.svg")
    assert parse(saved.read_text(encoding="utf-8")) is not None


@pytest.mark.parametrize(("suffix", "magic"), [("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_png_and_pdf(tmp_path: Path, suffix: str, magic: bytes) -> None:
    pytest.importorskip("cairosvg", reason='PNG and PDF need: pip install "cnncalc[draw]"')
    path = cnncalc.analyze("resnet50").draw().save(tmp_path / f"net.{suffix}")
    assert path.read_bytes().startswith(magic)


def test_a_drawing_taller_than_cairo_allows_is_scaled_down(tmp_path: Path) -> None:
    pytest.importorskip("cairosvg", reason='PNG and PDF need: pip install "cnncalc[draw]"')
    from PIL import Image

    diagram = cnncalc.analyze(str(DATA / "densenet121.json")).draw()
    assert diagram.height > 32767
    with Image.open(diagram.save(tmp_path / "net.png")) as image:
        assert max(image.size) <= 32767
        assert math.isclose(
            image.size[0] / image.size[1], diagram.width / diagram.height, rel_tol=0.01
        )


def test_unknown_style() -> None:
    with pytest.raises(ValueError, match="choose from layers, graph"):
        draw(cnncalc.analyze("mnist"), "pretty")


def test_drawing_imports_neither_numpy_nor_tensorflow() -> None:
    code = (
        "import sys, cnncalc; cnncalc.analyze('resnet50').draw();"
        "print(sorted({'numpy', 'tensorflow', 'keras'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("document", ["README.md", "docs/pictures.md"])
def test_pictures_in_the_docs_exist(document: str) -> None:
    path = Path(__file__).parent.parent / document
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", path.read_text(encoding="utf-8"))
    assert len(images) >= 3
    assert [image for image in images if not (path.parent / image).is_file()] == []


def test_a_chain_deeper_than_the_recursion_limit_draws_in_both_styles() -> None:
    layers = [{"type": "Dense", "units": 2}] * (sys.getrecursionlimit() + 200)
    analysis = cnncalc.analyze({"input_shape": [2], "layers": layers})
    for style in ("layers", "graph"):
        root = parse(analysis.draw(style).svg)
        assert len(drawn_layers(root)) == len(analysis) + 1


def test_a_keras_model_inside_a_model_is_framed_with_keras_own_layers(keras: Any) -> None:
    """The oracle is Keras: the sub-model's layers and the tensors they pass each other."""
    block_input = keras.Input((8, 8, 4), name="block_in")
    conv = keras.layers.Conv2D(4, 3, padding="same", name="block_conv")(block_input)
    added = keras.layers.Add(name="block_add")([block_input, conv])
    block = keras.Model(block_input, added, name="block")
    outer_input = keras.Input((8, 8, 4), name="image")
    model = keras.Model(outer_input, keras.layers.Flatten(name="flat")(block(outer_input)))
    root = parse(cnncalc.analyze(model).draw("graph").svg)
    frame = next(g for g in root.iter(f"{SVG}g") if g.get("data-layer") == "block")
    inner = {g.get("data-layer") for g in frame.iter(f"{SVG}g") if g.get("data-parent") == "block"}
    assert inner == {layer.name for layer in block.layers}
    keras_edges = Counter(
        (tensor._keras_history.operation.name, layer.name)
        for layer in block.layers
        for node in layer._inbound_nodes[:1]
        for tensor in node.input_tensors
    )
    assert drawn_edges(frame) == keras_edges


def test_edges_into_a_merge_say_which_input_they_are() -> None:
    spec = {
        "input_shape": [4],
        "layers": [
            {"type": "Dense", "units": 2, "name": "a", "inputs": ["input"]},
            {"type": "Dense", "units": 3, "name": "b", "inputs": ["input"]},
            {"type": "Concatenate", "name": "joined", "inputs": ["b", "a"]},
        ],
    }
    root = parse(cnncalc.analyze(spec).draw().svg)
    titles = {
        edge.get("data-from"): edge.find(f"{SVG}title").text
        for edge in root.iter(f"{SVG}path")
        if edge.get("data-to") == "joined"
    }
    assert titles == {"b": "b → joined (input 1 of 2)", "a": "a → joined (input 2 of 2)"}


def test_the_python_example_in_the_docs_runs(tmp_path: Path, monkeypatch: Any) -> None:
    text = (Path(__file__).parent.parent / "docs" / "pictures.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.*?)```", text, re.S)
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "docs/pictures.md", "exec"), {})
    assert parse((tmp_path / "net.svg").read_text(encoding="utf-8")).get("aria-label")


@pytest.mark.parametrize("preset", ["mnist", "vgg16", "lenet5"])
def test_slanted_labels_with_costs_never_run_into_each_other(preset: str) -> None:
    """Labels are rotated 45°, their lines 13 px apart, each later line stepping down-left
    under the previous box's label. Two anchors d apart horizontally sit d·sin 45° apart
    across the lines, so the later label's n lines need d·sin 45° ≥ n·13 to stay clear."""
    root = parse(cnncalc.analyze(preset).draw("layers", costs=True).svg)
    labels = []
    for group in root.iter(f"{SVG}g"):
        found = re.match(r"translate\(([\d.]+),[\d.]+\) rotate\(45\)", group.get("transform", ""))
        if found:
            labels.append((float(found.group(1)), len(group.findall(f"{SVG}text"))))
    assert len(labels) == len(drawn_layers(root)) and any(n == 3 for _, n in labels)
    for (before, _), (after, lines) in pairwise(labels):
        assert (after - before) * math.sin(math.radians(45)) >= lines * 13 - 0.1
