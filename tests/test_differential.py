"""Differential tests: random valid specs, built in real Keras, compared row by row.

Hypothesis draws a network one layer at a time (every layer kind, awkward sizes and
strides, sequential chains and small residual/concatenating graphs). The default run
draws 300 networks; `pytest --hypothesis-profile=long` draws 3,000. A failing network is written to
tests/regressions/ and replayed by test_saved_regressions from then on.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc import CnncalcError
from cnncalc.keras.bridge import KerasMissing, KerasRejects, import_keras, to_keras

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
    if data_format == "channels_last" and draw(st.integers(0, 3)) == 0:  # axis 1 as time
        return sequence_layer(draw) if rank == 1 else temporal_layer(draw, rank)
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
                "Adaptive",
                "ChannelNormalization",
                "Image",
            ]
        )
    )
    if kind == "Adaptive":
        pooling = draw(st.sampled_from(["AdaptiveAveragePooling", "AdaptiveMaxPooling"]))
        return {"type": f"{pooling}{d}", "output_size": per_axis(draw, rank, 1, 4), **fmt}
    if kind == "ChannelNormalization":
        return channel_layer(draw, rank, channels, data_format)
    if kind == "Image" and rank == 2:
        return image_layer(draw, fmt)
    if kind == "Image":
        return any_rank_layer(draw)
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
        padding = "valid" if explicit == "causal" else explicit  # causal is for Conv1D only
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
        size = draw(st.integers(1, 3)) if rank == 1 else per_axis(draw, rank, 1, 3)  # Keras: int
        layer = {"type": f"UpSampling{d}", "size": size}
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


def channel_layer(draw: Any, rank: int, channels: int, data_format: str) -> dict[str, Any]:
    """Layers with weights per channel: GroupNormalization, PReLU shared over space."""
    first = data_format == "channels_first"
    if draw(st.booleans()):
        return {
            "type": "GroupNormalization",
            "groups": draw(st.sampled_from([g for g in (1, 2, 3, 4) if channels % g == 0])),
            "axis": 1 if first else -1,
            "center": draw(st.booleans()),
        }
    spatial_axes = list(range(2, rank + 2)) if first else list(range(1, rank + 1))
    return {"type": "PReLU", "shared_axes": spatial_axes}


def image_layer(draw: Any, fmt: dict[str, str]) -> dict[str, Any]:
    """The augmentation, crop and resize layers that open image examples."""
    size = {"height": draw(st.integers(1, 12)), "width": draw(st.integers(1, 12))}
    return draw(
        st.sampled_from(
            [
                {"type": "Resizing", **size, **fmt},
                {"type": "CenterCrop", **size, **fmt},
                {"type": "RandomCrop", **size, **fmt},
                {"type": "RandomFlip", **fmt},
                {"type": "RandomRotation", "factor": 0.1, **fmt},
                {"type": "RandomZoom", "height_factor": 0.1, **fmt},
                {"type": "RandomTranslation", "height_factor": 0.1, "width_factor": 0.1, **fmt},
                {"type": "RandomContrast", "factor": 0.1, **fmt},
                {"type": "RandomBrightness", "factor": 0.1, **fmt},
                {"type": "RandomColorDegeneration", "factor": 0.1, **fmt},
                {"type": "RandomColorJitter", "brightness_factor": 0.1, **fmt},
                {"type": "RandomElasticTransform", **fmt},
                {"type": "RandomErasing", **fmt},
                {"type": "RandomGaussianBlur", **fmt},
                {"type": "RandomGrayscale", **fmt},
                {"type": "RandomHue", "factor": 0.1, **fmt},
                {"type": "RandomInvert", **fmt},
                {"type": "RandomPerspective", **fmt},
                {"type": "RandomPosterization", "factor": 4, **fmt},
                {"type": "RandomSaturation", "factor": 0.1, **fmt},
                {"type": "RandomSharpness", "factor": 0.1, **fmt},
                {"type": "RandomShear", "x_factor": 0.1, **fmt},
                {"type": "AugMix", **fmt},
                {"type": "AutoContrast", **fmt},
                {"type": "ContrastLimitedAdaptiveHistogramEqualization", **fmt},
                {"type": "CutMix", **fmt},
                {"type": "MixUp", **fmt},
                {"type": "RandAugment", **fmt},
                {"type": "Solarization", **fmt},
                {"type": "MaxNumBoundingBoxes", "max_number": 2, **fmt},
                {"type": "Pipeline", "layers": [{"type": "Equalization", **fmt}]},
            ]
        )
    )


def recurrent(draw: Any, sequences: bool | None = None) -> dict[str, Any]:
    kind = draw(st.sampled_from(["SimpleRNN", "LSTM", "GRU", "RNN"]))
    returns = draw(st.booleans()) if sequences is None else sequences
    if kind != "RNN":
        layer = {"type": kind, "units": draw(st.integers(1, 6)), "use_bias": draw(st.booleans())}
        if kind == "GRU":
            layer["reset_after"] = draw(st.booleans())
        return {**layer, "return_sequences": returns}
    cell_kinds = st.sampled_from(["SimpleRNNCell", "LSTMCell", "GRUCell"])
    cells = [
        {"type": draw(cell_kinds), "units": draw(st.integers(1, 5))}
        for _ in range(draw(st.integers(1, 3)))
    ]
    cell = (
        cells[0]
        if len(cells) == 1
        else draw(st.sampled_from([cells, {"type": "StackedRNNCells", "cells": cells}]))
    )
    return {"type": "RNN", "cell": cell, "return_sequences": returns}


READS_TWICE = "reads_twice"
"""Marks an attention layer drawn to read the previous layer as both query and value."""


def sequence_layer(draw: Any) -> dict[str, Any]:
    """Layers over (time, features): recurrent, bidirectional, attention, einsum."""
    kind = draw(st.sampled_from(["Recurrent", "Recurrent", "Bidirectional", "Attention", "Other"]))
    if kind == "Recurrent":
        return recurrent(draw)
    if kind == "Bidirectional":
        return {
            "type": "Bidirectional",
            "layer": recurrent(draw, sequences=draw(st.booleans())),
            "merge_mode": draw(st.sampled_from(["concat", "sum", "mul", "ave"])),
        }
    if kind == "Attention":
        return draw(
            st.sampled_from(
                [
                    {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3, READS_TWICE: 1},
                    {
                        "type": "GroupQueryAttention",
                        "head_dim": 2,
                        "num_query_heads": 2,
                        "num_key_value_heads": 1,
                        READS_TWICE: 1,
                    },
                    {"type": "Attention", "use_scale": True, READS_TWICE: 1},
                    {"type": "AdditiveAttention", READS_TWICE: 1},
                    {"type": "Dot", "axes": 2, READS_TWICE: 1},
                ]
            )
        )
    return draw(
        st.sampled_from(
            [
                {"type": "EinsumDense", "equation": "...b,bc->...c", "output_shape": 3},
                {"type": "Permute", "dims": [2, 1]},
                {"type": "Masking"},
            ]
        )
    )


def temporal_layer(draw: Any, rank: int) -> dict[str, Any]:
    """Axis 1 as time: a (rank − 1)-D layer on every step, or a convolutional LSTM."""
    d = SPATIAL_KINDS[rank - 1]
    kernel = per_axis(draw, rank - 1, 1, 3)
    if draw(st.booleans()):
        return {
            "type": f"ConvLSTM{d}",
            "filters": draw(st.integers(1, 4)),
            "kernel_size": kernel,
            "padding": draw(st.sampled_from(["valid", "same"])),
            "return_sequences": draw(st.booleans()),
        }
    inner = draw(
        st.sampled_from(
            [
                {"type": f"Conv{d}", "filters": 3, "kernel_size": kernel},
                {"type": f"MaxPooling{d}", "pool_size": 1},
                {"type": "Flatten"},
                {"type": "Dense", "units": 2},
            ]
        )
    )
    return {"type": "TimeDistributed", "layer": inner}


def any_rank_layer(draw: Any) -> dict[str, Any]:
    return draw(
        st.sampled_from(
            [
                {"type": "Identity"},
                {"type": "GaussianNoise", "stddev": 0.1},
                {"type": "GaussianDropout", "rate": 0.1},
                {"type": "AlphaDropout", "rate": 0.1},
                {"type": "ActivityRegularization"},
                {"type": "ELU"},
                {"type": "PReLU"},
                {"type": "UnitNormalization"},
                {"type": "RMSNormalization"},
                {"type": "Pipeline", "layers": [{"type": "Dense", "units": 3}, {"type": "ReLU"}]},
                {"type": "SpectralNormalization", "layer": {"type": "Dense", "units": 2}},
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
    if draw(st.integers(0, 3)) == 0:
        return draw(
            st.sampled_from(
                [
                    {"type": "RepeatVector", "n": draw(st.integers(1, 4))},
                    {"type": "Embedding", "input_dim": 20, "output_dim": draw(st.integers(1, 4))},
                    {"type": "ReversibleEmbedding", "input_dim": 9, "output_dim": 2},
                ]
            )
        )
    return any_rank_layer(draw)


@st.composite
def networks(draw: Any, refusals: list[tuple[dict, CnncalcError]] | None = None) -> dict[str, Any]:
    """A network cnncalc accepts; each draft layer it refused goes to `refusals` with why."""
    rank = draw(st.sampled_from([1, 2, 2, 3]))
    data_format = draw(st.sampled_from(["channels_last", "channels_last", "channels_first"]))
    spatial = [draw(st.integers(1, 40 if rank < 3 else 12)) for _ in range(rank)]
    channels = draw(st.integers(1, 8))
    input_shape = [channels, *spatial] if data_format == "channels_first" else [*spatial, channels]
    spec: dict[str, Any] = {"input_shape": input_shape, "layers": []}
    shape = tuple(input_shape)
    for step in range(draw(st.integers(1, 6))):
        candidate = [{**next_layer(draw, shape, rank, data_format), "name": f"layer{step}"}]
        if candidate[0].pop(READS_TWICE, None):  # attention: the previous layer twice
            source = spec["layers"][-1]["name"] if spec["layers"] else "input"
            candidate[0]["inputs"] = [source, source]
        if draw(st.integers(0, 4)) == 0:
            candidate = branch_and_merge(draw, spec, candidate[0], step)
        trial = {**spec, "layers": spec["layers"] + candidate}
        try:
            result = cnncalc.analyze(trial)
        except CnncalcError as refusal:
            if refusals is not None:
                refusals.append((trial, refusal))  # Keras must refuse it too
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


def encoding_mode(draw: Any, *modes: str) -> str:
    return draw(st.sampled_from(list(modes)))


@st.composite
def front_end_networks(draw: Any) -> dict[str, Any]:
    """Lookup, encoding and audio layers reading the model's input (strings, ids, samples),
    with their vocabularies and sizes in the config, then a layer or two on their output."""
    values = draw(st.integers(1, 6))
    shape = draw(st.sampled_from([[values], [values, 1], [values, 3]]))
    vocabulary = [f"w{i}" for i in range(draw(st.integers(1, 6)))]
    modes = ("int", "one_hot", "multi_hot", "count")
    first = draw(
        st.sampled_from(
            [
                {
                    "type": "StringLookup",
                    "vocabulary": vocabulary,
                    "num_oov_indices": draw(st.integers(0, 2)),
                    "output_mode": encoding_mode(draw, *modes),
                },
                {
                    "type": "IntegerLookup",
                    "vocabulary": list(range(1, len(vocabulary) + 1)),
                    "output_mode": encoding_mode(draw, *modes),
                },
                {
                    "type": "CategoryEncoding",
                    "num_tokens": draw(st.integers(1, 9)),
                    "output_mode": encoding_mode(draw, "one_hot", "multi_hot", "count"),
                },
                {
                    "type": "Hashing",
                    "num_bins": draw(st.integers(1, 9)),
                    "output_mode": encoding_mode(draw, *modes),
                },
                {
                    "type": "Discretization",
                    "bin_boundaries": [0.0, 1.0, 2.0][: draw(st.integers(1, 3))],
                    "output_mode": encoding_mode(draw, *modes),
                },
                {
                    "type": "TextVectorization",
                    "vocabulary": vocabulary,
                    "output_mode": encoding_mode(draw, "int", "multi_hot", "count"),
                    "split": draw(st.sampled_from(["whitespace", None])),
                    "output_sequence_length": draw(st.sampled_from([None, 5])),
                },
                {
                    "type": "MelSpectrogram",
                    "fft_length": 64,
                    "sequence_stride": draw(st.integers(8, 64)),
                    "num_mel_bins": draw(st.integers(4, 16)),
                },
                {
                    "type": "STFTSpectrogram",
                    "frame_length": draw(st.integers(8, 40)),
                    "frame_step": draw(st.integers(1, 8)),
                    "mode": encoding_mode(draw, "log", "real", "imag", "stft"),
                    "padding": encoding_mode(draw, "valid", "same"),
                    "expand_dims": draw(st.booleans()),
                },
            ]
        )
    )
    if first["type"] == "TextVectorization":
        shape = [1]
    elif first["type"] == "MelSpectrogram":
        shape = [draw(st.integers(64, 400))]
    elif first["type"] == "STFTSpectrogram":
        shape = [draw(st.integers(40, 300)), draw(st.integers(1, 2))]
    then = draw(st.sampled_from([[], [{"type": "Dense", "units": 3}], [{"type": "Flatten"}]]))
    return {"input_shape": shape, "layers": [first, *then]}


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


# cnncalc's reason for refusing a network -> what Keras says for the same thing.
CORRESPONDING_REASONS = {
    "does not fit": ("would be zero or negative", "negative dimension"),
    "leaves no output": ("would be zero or negative", "negative dimension"),
    "do not match": ("incompatible shapes",),
    "differ off the concatenation axis": ("requires inputs with matching shapes",),
    "differ in rank": ("requires inputs with matching shapes",),
    "cropping leaves nothing": ("should be smaller than", "must be smaller than"),
    "cannot reshape": ("total size of the tensor must be unchanged",),
    "works on RGB images": ("must have 3 channels",),
    "must be known to count weights": ("should be defined", "must be fully-defined"),
}
# Keras may build these empty instead of refusing them:
EMPTY_OUTPUT = ("does not fit", "leaves no output", "leaves nothing")


def assert_keras_refuses_too(spec: dict[str, Any], refusal: CnncalcError) -> None:
    """Keras builds nothing cnncalc calls impossible: it refuses the same layer (in
    corresponding words, where CORRESPONDING_REASONS knows them), or (Keras lets some layers
    build an empty tensor) the layer's output has a zero size."""
    assert refusal.exit_code == 1, f"the generator drew an invalid spec: {refusal}"
    ours = str(refusal)
    reasons = [keras for words, keras in CORRESPONDING_REASONS.items() if words in ours]
    found = re.match(r"layer (\d+) '([^']+)'", ours)
    assert found, ours
    index, name = int(found[1]), found[2]
    up_to_refused = {**spec, "layers": spec["layers"][: index + 1]}
    try:
        model = to_keras(up_to_refused)
    except KerasRejects as caught:
        theirs = str(caught)
        if reasons:
            assert any(w in theirs for w in reasons[0]), f"cnncalc: {ours}\nKeras: {theirs}"
        assert theirs.split(":")[0] == ours.split(":")[0], f"{theirs} is another layer"
        return
    assert any(words in ours for words in EMPTY_OUTPUT), f"Keras builds it: {ours}"
    assert 0 in model.get_layer(name).output.shape, f"Keras builds {name} non-empty: {ours}"


def assert_keras_refuses_arguments(spec: dict[str, Any], refusal: CnncalcError) -> None:
    """cnncalc calls a layer's arguments invalid ("layers[3]: output_sequence_length is only
    for …"): Keras refuses to construct that layer too, naming the same argument."""
    found = re.match(r"layers\[(\d+)\]: (\w+)", str(refusal))
    assert found and refusal.exit_code == 2, f"not an invalid argument: {refusal}"
    entry = spec["layers"][int(found[1])]
    arguments = {key: value for key, value in entry.items() if key not in ("type", "inputs")}
    with pytest.raises(ValueError) as caught:
        getattr(import_keras().layers, entry["type"])(**arguments)
    assert found[2] in str(caught.value), f"cnncalc: {refusal}\nKeras: {caught.value}"


def in_random_valid_order(draw: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """The same graph with every layer's inputs written out, listed in a random order in
    which each layer still comes after the layers it reads (as a user may write a graph)."""
    layers, previous = [], "input"
    for layer in spec["layers"]:
        layers.append({**layer, "inputs": layer.get("inputs", [previous])})
        previous = layer["name"]
    placed, order = {"input"}, []
    while layers:
        ready = [layer for layer in layers if set(layer["inputs"]) <= placed]
        chosen = draw(st.sampled_from(ready))
        layers.remove(chosen)
        order.append(chosen)
        placed.add(chosen["name"])
    return {**spec, "layers": order}


@settings(deadline=None)
@given(data=st.data())
def test_random_networks_match_keras(data: st.DataObject) -> None:
    from cnncalc.keras.bridge import crosscheck

    refusals: list[tuple[dict, CnncalcError]] = []
    spec = data.draw(networks(refusals), label="spec")
    try:
        assert_matches_keras(spec)
        for trial, refusal in refusals:
            assert_keras_refuses_too(trial, refusal)
        if any("inputs" in layer for layer in spec["layers"]):  # a graph: any valid order agrees
            result = crosscheck(in_random_valid_order(data.draw, spec))
            assert result.agrees, result.to_table()
    except KerasMissing:
        raise  # no Keras to disagree with: not a regression
    except Exception:
        save_regression(spec)
        raise


def text_vectorization(mode: str) -> dict[str, Any]:
    """A TextVectorization that pads ids to 5 tokens: only output_mode 'int' allows that."""
    layer = {"type": "TextVectorization", "vocabulary": ["a", "b"], "output_mode": mode}
    return {"input_shape": [1], "layers": [{**layer, "output_sequence_length": 5}]}


@settings(deadline=None, max_examples=60)
@given(spec=front_end_networks())
@example(spec=text_vectorization("int"))  # both build it
@example(spec=text_vectorization("count"))  # both refuse it
@example(  # one token per string of unknown length: no Dense can count its weights
    spec={
        "input_shape": [1],
        "layers": [
            {"type": "TextVectorization", "vocabulary": ["a"], "split": None},
            {"type": "Dense", "units": 3},
        ],
    }
)
def test_random_front_ends_match_keras(spec: dict[str, Any]) -> None:
    try:
        cnncalc.analyze(spec)
    except CnncalcError as refusal:
        if refusal.exit_code == 2:  # invalid arguments
            assert_keras_refuses_arguments(spec, refusal)
        else:  # an impossible network
            assert_keras_refuses_too(spec, refusal)
        return
    try:
        assert_matches_keras(spec)
    except Exception:
        save_regression(spec)
        raise


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.json")), ids=lambda p: p.stem)
def test_saved_regressions(path: Path) -> None:
    assert_matches_keras(json.loads(path.read_text(encoding="utf-8")))
