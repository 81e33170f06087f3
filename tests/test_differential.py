"""Differential tests: random valid specs, built in real Keras, compared row by row.

Hypothesis draws a network one layer at a time (every layer kind, awkward sizes and
strides, sequential chains and small residual/concatenating graphs). The default run
draws 300 networks; `pytest --hypothesis-profile=long` draws 3,000. A failing network is written to
tests/regressions/ and replayed by test_saved_regressions from then on.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc import CnncalcError
from cnncalc.keras.bridge import KerasMissing

from .conftest import assert_matches_keras, needs_keras

pytestmark = needs_keras

REGRESSIONS = Path(__file__).parent / "regressions"
SPATIAL_KINDS = {1: "1D", 2: "2D", 3: "3D"}


def per_axis(draw: Any, rank: int, low: int, high: int) -> Any:
    """Keras's int-or-tuple arguments: sometimes one int, sometimes one per axis."""
    if draw(st.booleans()):
        return draw(st.integers(low, high))
    return [draw(st.integers(low, high)) for _ in range(rank)]


def spatial_layer(draw: Any, rank: int, channels: int, data_format: str) -> dict[str, Any]:
    d = SPATIAL_KINDS[rank]
    fmt = {"data_format": data_format}
    kind = draw(
        st.sampled_from(
            [
                "Conv",
                "Conv",
                "ConvTranspose",
                "Depthwise",
                "Separable",
                "Pool",
                "Pool",
                "GlobalPool",
                "ZeroPadding",
                "Cropping",
                "UpSampling",
                "SpatialDropout",
                "BatchNormalization",
                "Same",
            ]
        )
    )
    if kind in ("Depthwise", "Separable") and rank == 3:
        kind = "Conv"
    strides = per_axis(draw, rank, 1, 3)
    strided = strides != 1 and strides != [1] * rank
    dilation = 1 if strided else per_axis(draw, rank, 1, 3)
    padding = draw(st.sampled_from(["valid", "same"] + (["causal"] if rank == 1 else [])))
    kernel = per_axis(draw, rank, 1, 5)
    explicit = draw(st.sampled_from([padding, padding, 1, 2, "full", [0, 1] * rank]))
    if isinstance(explicit, list):
        explicit = [[0, 1]] * rank  # uneven: one zero after, on every axis
    if kind == "Conv":
        padding = explicit  # the lecture's padding_size (Keras gets ZeroPadding + 'valid')
        groups = draw(st.sampled_from([g for g in (1, 2, 3, 4) if channels % g == 0]))
        return {
            "type": f"Conv{d}",
            "filters": groups * draw(st.integers(1, 4)),
            "kernel_size": kernel,
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "groups": groups,
            "use_bias": draw(st.booleans()),
            **fmt,
        }
    padding = "same" if padding == "causal" else padding
    if kind == "ConvTranspose":
        layer = {
            "type": f"Conv{d}Transpose",
            "filters": draw(st.integers(1, 6)),
            "kernel_size": kernel,
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            **fmt,
        }
        stride_list = strides if isinstance(strides, list) else [strides] * rank
        if draw(st.booleans()):
            layer["output_padding"] = [draw(st.integers(0, s - 1)) for s in stride_list]
        return layer
    if kind == "Depthwise":
        return {
            "type": f"DepthwiseConv{d}",
            "kernel_size": kernel,
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "depth_multiplier": draw(st.integers(1, 3)),
            **fmt,
        }
    if kind == "Separable":
        return {
            "type": f"SeparableConv{d}",
            "filters": draw(st.integers(1, 6)),
            "kernel_size": kernel,
            "strides": strides,
            "padding": padding,
            "dilation_rate": dilation,
            "depth_multiplier": draw(st.integers(1, 2)),
            **fmt,
        }
    if kind == "Pool":
        padding = explicit if padding != "causal" else "valid"
        kind_name = draw(st.sampled_from(["MaxPooling", "AveragePooling"]))
        layer = {
            "type": f"{kind_name}{d}",
            "pool_size": per_axis(draw, rank, 1, 4),
            "padding": padding,
            **fmt,
        }
        if draw(st.booleans()):
            layer["strides"] = strides
        return layer
    if kind == "GlobalPool":
        kind_name = draw(st.sampled_from(["GlobalAveragePooling", "GlobalMaxPooling"]))
        return {"type": f"{kind_name}{d}", "keepdims": draw(st.booleans()), **fmt}
    if kind == "ZeroPadding":
        return {"type": f"ZeroPadding{d}", "padding": edges(draw, rank), **fmt}
    if kind == "Cropping":
        layer = {"type": f"Cropping{d}", "cropping": edges(draw, rank, high=2)}
        return layer if rank == 1 else {**layer, **fmt}
    if kind == "UpSampling":
        layer = {"type": f"UpSampling{d}", "size": per_axis(draw, rank, 1, 3)}
        return layer if rank == 1 else {**layer, **fmt}
    if kind == "SpatialDropout":
        return {"type": f"SpatialDropout{d}", "rate": 0.3, **fmt}
    if kind == "BatchNormalization":
        return {
            "type": "BatchNormalization",
            "axis": 1 if data_format == "channels_first" else -1,
            "center": draw(st.booleans()),
            "scale": draw(st.booleans()),
        }
    return any_rank_layer(draw)


def edges(draw: Any, rank: int, high: int = 3) -> Any:
    if rank == 1:
        return draw(
            st.one_of(st.integers(0, high), st.lists(st.integers(0, high), min_size=2, max_size=2))
        )
    pair = st.lists(st.integers(0, high), min_size=2, max_size=2)
    return draw(
        st.one_of(
            st.integers(0, high),
            st.lists(st.integers(0, high), min_size=rank, max_size=rank),
            st.lists(pair, min_size=rank, max_size=rank),
        )
    )


def any_rank_layer(draw: Any) -> dict[str, Any]:
    return draw(
        st.sampled_from(
            [
                {"type": "Dropout", "rate": 0.5},
                {"type": "Activation", "activation": "relu"},
                {"type": "ReLU"},
                {"type": "LeakyReLU"},
                {"type": "Softmax"},
                {"type": "Rescaling", "scale": 0.5},
                {"type": "LayerNormalization"},
                {"type": "Normalization"},
                {"type": "Dense", "units": 5},
                {"type": "Dense", "units": 3, "use_bias": False},
            ]
        )
    )


def flat_layer(draw: Any, size: int) -> dict[str, Any]:
    if size % 4 == 0 and draw(st.booleans()):
        return {"type": "Reshape", "target_shape": [-1, 4]}
    return any_rank_layer(draw)


@st.composite
def networks(draw: Any) -> dict[str, Any]:
    rank = draw(st.sampled_from([1, 2, 2, 3]))
    data_format = draw(st.sampled_from(["channels_last", "channels_last", "channels_first"]))
    spatial = [draw(st.integers(1, 40 if rank < 3 else 12)) for _ in range(rank)]
    channels = draw(st.integers(1, 8))
    input_shape = [channels, *spatial] if data_format == "channels_first" else [*spatial, channels]
    spec: dict[str, Any] = {"input_shape": input_shape, "layers": []}
    shape = tuple(input_shape)
    for step in range(draw(st.integers(1, 6))):
        candidate = [{**next_layer(draw, shape, rank, data_format), "name": f"layer{step}"}]
        if draw(st.integers(0, 4)) == 0:
            candidate = branch_and_merge(draw, spec, candidate[0], step)
        trial = {**spec, "layers": spec["layers"] + candidate}
        try:
            result = cnncalc.analyze(trial)
        except CnncalcError:
            continue  # an impossible layer here: draw the next one instead
        spec = trial
        shape = result.layers[-1].output_shape
    if not spec["layers"]:
        spec["layers"].append({"type": "Flatten"})
    return spec


def next_layer(draw: Any, shape: tuple[Any, ...], rank: int, data_format: str) -> dict:
    spatial_rank = len(shape) - 1
    if spatial_rank == rank or (spatial_rank == 1 and data_format == "channels_last"):
        fmt = data_format if spatial_rank == rank else "channels_last"
        channels = shape[0] if fmt == "channels_first" else shape[-1]
        layer = spatial_layer(draw, spatial_rank, channels, fmt)
        if spatial_rank == 1 and layer["type"] in ("SpatialDropout1D",):
            layer.pop("data_format", None)
        return layer
    if len(shape) == 1:
        return flat_layer(draw, shape[0])
    return draw(st.sampled_from([{"type": "Flatten"}, {"type": "Dense", "units": 4}]))


def branch_and_merge(draw: Any, spec: dict[str, Any], layer: dict, step: int) -> list[dict]:
    """x → layer → merge(x, layer(x)): a residual (Add, ...) or Concatenate block."""
    source = spec["layers"][-1]["name"] if spec["layers"] else "input"
    kind = draw(
        st.sampled_from(
            ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]
        )
    )
    return [
        {**layer, "name": f"branch{step}", "inputs": [source]},
        {"type": kind, "name": f"layer{step}", "inputs": [source, f"branch{step}"]},
    ]


SMALLEST_FAILURE: dict[str, Any] = {}


def save_regression(spec: dict[str, Any]) -> Path:
    """Keep the smallest failing network of this run (the one Hypothesis shrank to) as a file
    under tests/regressions/, which test_saved_regressions replays from then on."""
    text = json.dumps(spec, indent=1, sort_keys=True)
    if "text" not in SMALLEST_FAILURE or len(text) < len(SMALLEST_FAILURE["text"]):
        REGRESSIONS.mkdir(exist_ok=True)
        path = SMALLEST_FAILURE.get("path") or REGRESSIONS / (
            hashlib.sha1(text.encode()).hexdigest()[:12] + ".json"
        )
        path.write_text(text + "\n", encoding="utf-8")
        SMALLEST_FAILURE.update(text=text, path=path)
    return SMALLEST_FAILURE["path"]


@settings(deadline=None)
@given(spec=networks())
def test_random_networks_match_keras(spec: dict[str, Any]) -> None:
    try:
        assert_matches_keras(spec)
    except KerasMissing:
        raise  # no Keras to disagree with: not a regression
    except Exception:
        save_regression(spec)
        raise


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.json")), ids=lambda p: p.stem)
def test_saved_regressions(path: Path) -> None:
    assert_matches_keras(json.loads(path.read_text(encoding="utf-8")))
