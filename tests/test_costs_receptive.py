"""Receptive fields: the published tables, and brute force in real Keras (perturb one input
row or column, see which output features move) on random small networks and graphs."""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnncalc
from cnncalc.costs import ReceptiveField


@pytest.mark.parametrize(
    ("layer", "size", "stride", "padding"),
    [
        # google-research/receptive_field, RECEPTIVE_FIELD_TABLE.md (VGG 16, 224×224)
        ("block1_pool", 6, 2, 2),
        ("block2_pool", 16, 4, 6),
        ("block3_pool", 44, 8, 18),
        ("block4_pool", 100, 16, 42),
        ("block5_pool", 212, 32, 90),
    ],
)
def test_vgg16_matches_google_researchs_table(
    layer: str, size: int, stride: int, padding: int
) -> None:
    field = cnncalc.analyze("vgg16")[layer].receptive_field
    assert field == ReceptiveField((size, size), (stride, stride), (padding, padding))


TWO_PATHS = {
    "input_shape": [16, 16, 1],
    "layers": [
        {"type": "Conv2D", "name": "a", "filters": 1, "kernel_size": 1, "strides": 4},
        {"type": "ZeroPadding2D", "name": "pad", "padding": 1, "inputs": ["input"]},
        {"type": "Conv2D", "name": "b1", "filters": 1, "kernel_size": 3, "strides": 2},
        {"type": "Conv2D", "name": "b2", "filters": 1, "kernel_size": 1, "strides": 2},
        {"type": "Add", "name": "merged", "inputs": ["a", "b2"]},
    ],
}
"""Two aligned paths (Distill 2019, "Arbitrary computation graphs"): a 1×1 convolution with
stride 4 beside a 3×3 one with stride 2 and padding 1 followed by a 1×1 with stride 2."""


def test_distill_two_path_example() -> None:
    result = cnncalc.analyze(TWO_PATHS)
    assert result["a"].receptive_field == ReceptiveField((1, 1), (4, 4), (0, 0))
    assert result["b2"].receptive_field == ReceptiveField((3, 3), (4, 4), (1, 1))
    assert result["merged"].receptive_field == ReceptiveField((3, 3), (4, 4), (1, 1))
    assert any("union of aligned paths" in line for line in result["merged"].cost_working)


def test_misaligned_paths_are_a_note_not_hidden() -> None:
    spec = {
        "input_shape": [9, 9, 1],
        "layers": [
            {"type": "Conv2D", "name": "wide", "filters": 1, "kernel_size": 3, "padding": "same"},
            {
                "type": "Conv2D",
                "name": "even",
                "filters": 1,
                "kernel_size": 2,
                "padding": "same",
                "inputs": ["input"],
            },
            {"type": "Add", "name": "merged", "inputs": ["wide", "even"]},
        ],
    }
    merged = cnncalc.analyze(spec)["merged"]
    assert merged.receptive_field == ReceptiveField((3, 3), (1, 1), (1, 1))
    assert any("centres differ" in line for line in merged.cost_working)


def test_positions_mixed_into_one_axis_see_the_whole_input() -> None:
    result = cnncalc.analyze("mnist")
    assert result["flatten"].receptive_field is None
    assert result["dense"].receptive_field is None
    assert result.to_dict()["layers"][4]["receptive_field"] is None


def test_the_working_shows_the_recurrence() -> None:
    row = cnncalc.analyze("vgg16")["block1_conv2"]
    assert "receptive_field_width: r = 3 + (3 − 1)·1 = 5, S = 1·1 = 1, P = 1 + 1·1 = 2" in (
        row.cost_working
    )


# ---- brute force ---------------------------------------------------------------------------


def random_layer(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(
        [
            "Conv2D",
            "Conv2D",
            "MaxPooling2D",
            "AveragePooling2D",
            "ZeroPadding2D",
            "Cropping2D",
            "DepthwiseConv2D",
            "SeparableConv2D",
        ]
    )
    padding = rng.choice(["valid", "same"])
    if kind == "Conv2D" and rng.random() < 0.3:
        padding = rng.choice([1, 2, [[0, 1], [2, 1]]])  # the lecture's explicit padding_size
    if kind in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
        layer: dict[str, Any] = {
            "type": kind,
            "kernel_size": [rng.randint(1, 4), rng.randint(1, 4)],
            "padding": padding,
        }
        if rng.random() < 0.3:
            layer["dilation_rate"] = 2
        else:
            layer["strides"] = [rng.randint(1, 2), rng.randint(1, 2)]
        if kind != "DepthwiseConv2D":
            layer["filters"] = 2
        return layer
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return {
            "type": kind,
            "pool_size": rng.randint(2, 3),
            "strides": rng.randint(1, 2),
            "padding": padding,
        }
    if kind == "ZeroPadding2D":
        return {"type": kind, "padding": [[rng.randint(0, 2), rng.randint(0, 2)]] * 2}
    return {"type": kind, "cropping": [[rng.randint(0, 1), rng.randint(0, 1)]] * 2}


def random_chain(seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    while True:
        layers = [random_layer(rng) for _ in range(rng.randint(2, 4))]
        spec = {"input_shape": [19, 16, 2], "layers": layers}
        try:
            if all(s >= 2 for s in cnncalc.analyze(spec)[-1].output_shape[:2]):
                return spec
        except cnncalc.CnncalcError:
            continue


def random_graph(seed: int) -> dict[str, Any]:
    """A trunk, two 'same' branches with equal strides (so their shapes agree), a merge."""
    rng = random.Random(seed)
    stride = rng.randint(1, 2)

    def branch(name: str, source: str) -> list[dict[str, Any]]:
        first = {
            "type": "Conv2D",
            "name": f"{name}1",
            "filters": 2,
            "padding": "same",
            "kernel_size": rng.randint(1, 4),
            "strides": stride,
            "inputs": [source],
        }
        second = {
            "type": rng.choice(["Conv2D", "MaxPooling2D"]),
            "name": f"{name}2",
            "padding": "same",
            "strides": 1,
        }
        if second["type"] == "Conv2D":
            second.update(filters=2, kernel_size=rng.randint(1, 3))
        else:
            second["pool_size"] = rng.randint(2, 3)
        return [first, second]

    merge = rng.choice(
        [{"type": "Add"}, {"type": "Concatenate"}, {"type": "Maximum"}, {"type": "Average"}]
    )
    return {
        "input_shape": [17, 14, 2],
        "layers": [
            {"type": "Conv2D", "name": "trunk", "filters": 2, "kernel_size": 3},
            *branch("left", "trunk"),
            *branch("right", "trunk"),
            {**merge, "name": "merged", "inputs": ["left2", "right2"]},
            {"type": "Conv2D", "name": "head", "filters": 2, "kernel_size": 2},
        ],
    }


def observed_fields(
    keras: Any, spec: dict[str, Any], raised_id: int | None = None
) -> dict[str, list[list[tuple[int, int] | None]]]:
    """Per layer and spatial axis: for every output index, the first and last input index
    whose perturbation moves it. An image's row or column is raised by 100; token ids
    (`raised_id` given: every axis of the ids is spatial) are set to `raised_id`, the one id
    whose embedding row is large (the others draw ids below it)."""
    import numpy as np

    from cnncalc.keras.bridge import to_keras

    model = to_keras(spec)
    for layer in model.layers:  # positive weights: a raised input raises every feature it
        weights = [np.abs(w) + 0.1 for w in layer.get_weights()]  # reaches (max too)
        if weights and embeds(keras, layer):
            weights[0][-1] = 100.0  # the row of the last id: raised_id's, through any lookup
        layer.set_weights(weights)
    shape = spec["input_shape"]
    sizes = shape if raised_id is not None else shape[:-1]
    ours = {row.name for row in cnncalc.analyze(spec)}  # not the bridge's helper layers
    names = [layer.name for layer in model.layers if len(layer.output.shape) == len(sizes) + 2]
    names = [n for n in names if n in ours]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    rng = np.random.default_rng(0)
    if raised_id is None:
        base = rng.normal(size=(1, *shape))
    else:
        base = rng.integers(0, raised_id, size=(1, *shape))
    batch = [base]
    for axis, size in enumerate(sizes, start=1):
        for index in range(size):
            moved = base.copy()
            if raised_id is None:
                np.moveaxis(moved, axis, 0)[index] += 100.0
            else:
                np.moveaxis(moved, axis, 0)[index] = raised_id
            batch.append(moved)
    outputs = probe.predict(np.concatenate(batch), verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    fields = {}
    for name, out in zip(names, outputs):
        per_axis = []
        offset = 1
        for axis, size in enumerate(sizes, start=1):
            delta = np.abs(out[offset : offset + size] - out[0:1])
            others = tuple(a for a in range(1, len(sizes) + 2) if a != axis)
            moved = delta.max(axis=others) > 1e-4 * (1 + np.abs(out[0]).max())
            # (input index, output index)
            per_axis.append([interval(np.flatnonzero(column)) for column in moved.T])
            offset += size
        fields[name] = per_axis
    return fields


def embeds(keras: Any, layer: Any) -> bool:
    """An Embedding, or a TimeDistributed one: its first weight is the table."""
    held = getattr(layer, "layer", None)
    return isinstance(layer, keras.layers.Embedding) or isinstance(held, keras.layers.Embedding)


def interval(indices: Any) -> tuple[int, int] | None:
    """The first and last index; None when no input moves the feature (zero padding)."""
    return (int(indices[0]), int(indices[-1])) if len(indices) else None


def expected(field: ReceptiveField, axis: int, index: int, size: int) -> tuple[int, int] | None:
    """The field's interval, clipped to the input; None when it lies wholly in the padding."""
    first, last = field.region((index,) * field.rank)[axis]
    low, high = max(0, math.ceil(first)), min(size - 1, math.floor(last))
    return (low, high) if low <= high else None


def check_against_keras(
    keras: Any, spec: dict[str, Any], exact: bool, raised_id: int | None = None
) -> int:
    """Every feature's interval contains what moves it in Keras; a feature whose interval
    lies inside the input (so no padding or dilation hole sits at its clipped ends) matches
    exactly when `exact`. Returns how many features matched exactly."""
    result = cnncalc.analyze(spec)
    shape = spec["input_shape"]
    sizes = shape if raised_id is not None else shape[:-1]
    matched = 0
    for name, per_axis in observed_fields(keras, spec, raised_id).items():
        field = result[name].receptive_field
        assert field is not None, name
        assert field.rank == len(sizes), name
        for axis, seen in enumerate(per_axis):
            for index, moved in enumerate(seen):
                bound = expected(field, axis, index, sizes[axis])
                where = f"{name} axis {axis} feature {index}: {field} vs Keras {moved}"
                if moved is not None:
                    assert bound is not None and bound[0] <= moved[0] <= moved[1] <= bound[1], where
                first, last = field.region((index,) * field.rank)[axis]
                if exact and first >= 0 and last < sizes[axis]:
                    assert moved == (first, last), where
                    matched += 1
    return matched


@pytest.mark.parametrize(
    "spec",
    [random_chain(seed) for seed in range(8)] + [random_graph(seed) for seed in range(4)],
    ids=[f"chain{s}" for s in range(8)] + [f"graph{s}" for s in range(4)],
)
def test_fields_match_brute_force_in_keras(keras: Any, spec: dict[str, Any]) -> None:
    assert check_against_keras(keras, spec, exact=True) > 0


UPSAMPLED = {
    "input_shape": [12, 12, 1],
    "layers": [
        {"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
        {"type": "UpSampling2D", "size": 2},
        {
            "type": "Conv2DTranspose",
            "filters": 2,
            "kernel_size": 3,
            "strides": 2,
            "padding": "same",
        },
        {"type": "Conv2DTranspose", "filters": 2, "kernel_size": 2, "strides": 1},
    ],
}


def test_fractional_strides_bound_what_keras_shows(keras: Any) -> None:
    """After up-sampling or a transposed convolution the interval is a bound (it contains
    every input that moves the feature), as the paper's fractional stride gives it."""
    check_against_keras(keras, UPSAMPLED, exact=False)


@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), min_size=1, max_size=5),
)
def test_a_chain_follows_the_papers_closed_form(layers: list[tuple[int, int]]) -> None:
    """Distill eq. (2): r = 1 + Σᵢ (kᵢ − 1)·Πⱼ₍ⱼ₍ᵢ₎ sⱼ; S = Πᵢ sᵢ; valid padding: P = 0."""
    spec = {
        "input_shape": [3000, 1],
        "layers": [
            {"type": "Conv1D", "filters": 1, "kernel_size": k, "strides": s} for k, s in layers
        ],
    }
    field = cnncalc.analyze(spec)[-1].receptive_field
    size = 1 + sum((k - 1) * math.prod(s for _, s in layers[:i]) for i, (k, _) in enumerate(layers))
    assert field == ReceptiveField((size,), (math.prod(s for _, s in layers),), (0,))


# ---- worked by hand: every kind of window ----------------------------------------------------
# Each case is the recurrence r' = r + (k − 1)·S, S' = S·s, P' = P + p·S worked on paper, the
# window (k, s, p) read from the layer's definition (Keras's 'same' split, the paper's
# fractional stride 1/s for up-sampling and transposed convolutions).

H = Fraction  # a fractional stride's sizes
WHOLE_LINE = "receptive field = the whole input  "


def conv(kind: str, **arguments: Any) -> dict[str, Any]:
    return {"type": kind, "filters": 1, **arguments}


BY_HAND = [
    (
        "padding moves the origin: ZeroPadding2D((1, 2), (3, 0)) is k 1, s 1, p 1 and 3",
        {
            "input_shape": [8, 8, 1],
            "layers": [{"type": "ZeroPadding2D", "padding": [[1, 2], [3, 0]]}],
        },
        ((1, 1), (1, 1), (1, 3)),
        "1×1 (S 1, P 1×3)",
        "receptive_field_width: r = 1 + (1 − 1)·1 = 1, S = 1·1 = 1, P = 0 + 3·1 = 3",
    ),
    (
        "cropping moves it back: a 3×3 valid conv, then Cropping2D((1, 1), (2, 0)): p −1, −2",
        {
            "input_shape": [8, 8, 1],
            "layers": [
                conv("Conv2D", kernel_size=3),
                {"type": "Cropping2D", "cropping": [[1, 1], [2, 0]]},
            ],
        },
        ((3, 3), (1, 1), (-1, -2)),
        "3×3 (S 1, P −1×−2)",
        "receptive_field_width: r = 3 + (1 − 1)·1 = 3, S = 1·1 = 1, P = 0 + −2·1 = −2",
    ),
    (
        "causal: k = (3 − 1)·2 + 1 = 5 with dilation 2, all k − 1 = 4 zeros before",
        {
            "input_shape": [10, 1],
            "layers": [conv("Conv1D", kernel_size=3, dilation_rate=2, padding="causal")],
        },
        ((5,), (1,), (4,)),
        "5 (S 1, P 4)",
        "receptive_field_length: r = 1 + (5 − 1)·1 = 5, S = 1·1 = 1, P = 0 + 4·1 = 4",
    ),
    (
        "explicit [before, after] pairs: the befores, 1 and 0",
        {
            "input_shape": [9, 9, 1],
            "layers": [conv("Conv2D", kernel_size=3, padding=[[1, 2], [0, 1]])],
        },
        ((3, 3), (1, 1), (1, 0)),
        "3×3 (S 1, P 1×0)",
        "receptive_field_height: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 1·1 = 1",
    ),
    (
        "'same', k 4, s 2 on 9: 5 outputs, (5 − 1)·2 + 4 − 9 = 3 zeros, ⌊3/2⌋ = 1 before",
        {
            "input_shape": [9, 9, 1],
            "layers": [conv("Conv2D", kernel_size=4, strides=2, padding="same")],
        },
        ((4, 4), (2, 2), (1, 1)),
        "4×4 (S 2, P 1)",
        "receptive_field_height: r = 1 + (4 − 1)·1 = 4, S = 1·2 = 2, P = 0 + 1·1 = 1",
    ),
    (
        "UpSampling1D(3): output i reads ⌊i/3⌋: k 1 + 2/3, s 1/3, p 2/3",
        {"input_shape": [9, 1], "layers": [{"type": "UpSampling1D", "size": 3}]},
        ((H(5, 3),), (H(1, 3),), (H(2, 3),)),
        "5/3 (S 1/3, P 2/3)",
        "receptive_field_length: r = 1 + (5/3 − 1)·1 = 5/3, S = 1·1/3 = 1/3, P = 0 + 2/3·1 = 2/3",
    ),
    (
        "UpSampling2D(2) after a 3×3 conv with stride 2: r 3 + (3/2 − 1)·2 = 4, S 2·1/2 = 1",
        {
            "input_shape": [9, 9, 1],
            "layers": [
                conv("Conv2D", kernel_size=3, strides=2),
                {"type": "UpSampling2D", "size": 2},
            ],
        },
        ((4, 4), (1, 1), (1, 1)),
        "4×4 (S 1, P 1)",
        "receptive_field_height: r = 3 + (3/2 − 1)·2 = 4, S = 2·1/2 = 1, P = 0 + 1/2·2 = 1",
    ),
    (
        "transposed, k 3, s 2, valid: y = 2x + j, so x in [(y − 2)/2, y/2]: r 1 + 2/2, p 2/2",
        {"input_shape": [4, 1], "layers": [conv("Conv1DTranspose", kernel_size=3, strides=2)]},
        ((2,), (H(1, 2),), (1,)),
        "2 (S 1/2, P 1)",
        "receptive_field_length: r = 1 + (2 − 1)·1 = 2, S = 1·1/2 = 1/2, P = 0 + 1·1 = 1",
    ),
    (
        "transposed, k 4, s 2, 'same' on 4: the conv 8 → 4 pads 1 before, so 1 is cropped: "
        "y = 2x + j − 1, x in [(y − 2)/2, (y + 1)/2]: r 1 + 3/2, p (4 − 1 − 1)/2",
        {
            "input_shape": [4, 1],
            "layers": [conv("Conv1DTranspose", kernel_size=4, strides=2, padding="same")],
        },
        ((H(5, 2),), (H(1, 2),), (1,)),
        "5/2 (S 1/2, P 1)",
        "receptive_field_length: r = 1 + (5/2 − 1)·1 = 5/2, S = 1·1/2 = 1/2, P = 0 + 1·1 = 1",
    ),
    (
        "transposed, k 3, padding 1 (cropped before): y = x + j − 1, x in [y − 1, y + 1]",
        {"input_shape": [4, 1], "layers": [conv("Conv1DTranspose", kernel_size=3, padding=1)]},
        ((3,), (1,), (1,)),
        "3 (S 1, P 1)",
        "receptive_field_length: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 1·1 = 1",
    ),
    (
        "transposed, k 3, s 2, 'same' on 4: the conv 8 → 4 pads 0 before (1 after), so nothing "
        "is cropped before: y = 2x + j as when valid",
        {
            "input_shape": [4, 1],
            "layers": [conv("Conv1DTranspose", kernel_size=3, strides=2, padding="same")],
        },
        ((2,), (H(1, 2),), (1,)),
        "2 (S 1/2, P 1)",
        "receptive_field_length: r = 1 + (2 − 1)·1 = 2, S = 1·1/2 = 1/2, P = 0 + 1·1 = 1",
    ),
    (
        "transposed, k 3, padding [2, 0] (2 cropped before): y = x + j − 2, x in [y, y + 2]",
        {
            "input_shape": [4, 1],
            "layers": [conv("Conv1DTranspose", kernel_size=3, padding=[[2, 0]])],
        },
        ((3,), (1,), (0,)),
        "3 (S 1, P 0)",
        "receptive_field_length: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 0·1 = 0",
    ),
    (
        "'same' on an unknown length: the zeros before are unknown, and stay unknown after",
        {
            "input_shape": [None, 1],
            "layers": [
                conv("Conv1DTranspose", kernel_size=3, strides=2, padding="same"),
                conv("Conv1D", kernel_size=3),
            ],
        },
        ((3,), (H(1, 2),), (None,)),
        "3 (S 1/2, P ?)",
        "receptive_field_length: r = 2 + (3 − 1)·1/2 = 3, S = 1/2·1 = 1/2, P = ? + 0·1/2 = ?",
    ),
]


@pytest.mark.parametrize(
    ("spec", "field", "text", "line"),
    [case[1:] for case in BY_HAND],
    ids=[case[0].split(":")[0] for case in BY_HAND],
)
def test_fields_worked_by_hand(
    spec: dict[str, Any], field: tuple[tuple[Any, ...], ...], text: str, line: str
) -> None:
    row = cnncalc.analyze(spec)[-1]
    assert row.receptive_field == ReceptiveField(*field)
    assert row.receptive_field is not None and row.receptive_field.text == text
    assert line in row.cost_working


def test_fractional_fields_are_json_numbers() -> None:
    """A fractional size or stride is a float; whole ones stay ints; unknown is null."""
    result = cnncalc.analyze(BY_HAND[-1][1])
    assert result.to_dict()["layers"][0]["receptive_field"] == {
        "size": [2],
        "stride": [0.5],
        "padding": [None],
    }
    assert type(result.to_dict()["layers"][0]["receptive_field"]["size"][0]) is int  # not 2.0
    upsampled = cnncalc.analyze(BY_HAND[5][1]).to_dict()["layers"][0]["receptive_field"]
    assert upsampled == {"size": [5 / 3], "stride": [1 / 3], "padding": [2 / 3]}


def test_the_region_a_feature_sees() -> None:
    """Feature i sees −P + i·S … −P + i·S + r − 1 (Distill 2019, eq. 3): VGG16's block5_pool
    (r 212, S 32, P 90); output 4 of UpSampling1D(3) reads input ⌊4/3⌋ = 1, the one integer
    in its interval; an unknown padding leaves the region unknown."""
    vgg = cnncalc.analyze("vgg16")["block5_pool"].receptive_field
    assert vgg is not None
    assert vgg.region((0, 0)) == [(-90, 121), (-90, 121)]
    assert vgg.region((1, 2)) == [(-90 + 32, -90 + 32 + 211), (-90 + 64, -90 + 64 + 211)]
    upsampled = cnncalc.analyze(BY_HAND[5][1])[0].receptive_field
    assert upsampled is not None and upsampled.region((4,)) == [(H(2, 3), H(4, 3))]
    unknown = cnncalc.analyze(BY_HAND[-1][1])[0].receptive_field
    assert unknown is not None and unknown.region((3,)) == [None]


# ---- token ids: an Embedding makes every axis of its ids a spatial axis -----------------------

ROWS = 12
"""Rows in the test Embeddings: ids 0…10 are drawn, id 11 (the last, large row) is raised."""


def embedding(**arguments: Any) -> dict[str, Any]:
    return {"type": "Embedding", "input_dim": ROWS, "output_dim": 3, **arguments}


def random_ids_layer(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(
        ["Conv1D", "Conv1D", "MaxPooling1D", "AveragePooling1D", "ZeroPadding1D", "Cropping1D"]
    )
    if kind == "Conv1D":
        layer: dict[str, Any] = {
            "type": kind,
            "filters": 2,
            "kernel_size": rng.randint(1, 4),
            "padding": rng.choice(["valid", "same", "causal"]),
        }
        if rng.random() < 0.3:
            layer["dilation_rate"] = 2
        elif layer["padding"] != "causal":
            layer["strides"] = rng.randint(1, 2)
        return layer
    if kind in ("MaxPooling1D", "AveragePooling1D"):
        return {
            "type": kind,
            "pool_size": rng.randint(2, 3),
            "strides": rng.randint(1, 2),
            "padding": rng.choice(["valid", "same"]),
        }
    if kind == "ZeroPadding1D":
        return {"type": kind, "padding": [rng.randint(0, 2), rng.randint(0, 2)]}
    return {"type": kind, "cropping": [rng.randint(0, 1), rng.randint(0, 1)]}


def random_ids_chain(seed: int) -> dict[str, Any]:
    """23 token ids, an Embedding, then two to four random 1-D windows."""
    rng = random.Random(seed)
    while True:
        layers = [random_ids_layer(rng) for _ in range(rng.randint(2, 4))]
        spec = {"input_shape": [23], "layers": [embedding(), *layers]}
        try:
            if cnncalc.analyze(spec)[-1].output_shape[0] >= 2:
                return spec
        except cnncalc.CnncalcError:
            continue


EMBEDDED = [
    (
        "ids",
        {
            "input_shape": [21],
            "layers": [
                embedding(),
                conv("Conv1D", kernel_size=3),
                {"type": "MaxPooling1D", "pool_size": 2},
                conv("Conv1D", kernel_size=3, dilation_rate=2, padding="same"),
            ],
        },
        ROWS - 1,
    ),
    (
        "ids-2d",
        {
            "input_shape": [9, 8],
            "layers": [
                embedding(),
                conv("Conv2D", kernel_size=3, strides=2, padding="same"),
                {"type": "MaxPooling2D", "pool_size": 2},
            ],
        },
        ROWS - 1,
    ),
    (
        "time-distributed",
        {
            "input_shape": [6, 7],
            "layers": [
                {"type": "TimeDistributed", "layer": embedding()},
                conv("Conv2D", kernel_size=[3, 2]),
                {"type": "AveragePooling2D", "pool_size": 2, "strides": 1},
            ],
        },
        ROWS - 1,
    ),
    (
        # IntegerLookup maps value v of 0…10 to index v + 1 (index 0 is out of vocabulary):
        # the raised value 10 selects index 11, the last row
        "lookup",
        {
            "input_shape": [15],
            "layers": [
                {"type": "IntegerLookup", "vocabulary": list(range(ROWS - 1))},
                embedding(),
                conv("Conv1D", kernel_size=4, strides=2),
            ],
        },
        ROWS - 2,
    ),
] + [(f"ids-chain{seed}", random_ids_chain(seed), ROWS - 1) for seed in range(4)]


@pytest.mark.parametrize(
    ("spec", "raised_id"), [case[1:] for case in EMBEDDED], ids=[case[0] for case in EMBEDDED]
)
def test_embedding_fields_match_brute_force_in_keras(
    keras: Any, spec: dict[str, Any], raised_id: int
) -> None:
    """One id (or a row or column of ids) switched at a time: the output features that move
    are those whose field holds it, the Embedding's own output included (field 1)."""
    assert check_against_keras(keras, spec, exact=True, raised_id=raised_id) > 0


def ids_then(shape: list[Any], *layers: dict[str, Any]) -> dict[str, Any]:
    return {"input_shape": shape, "layers": [embedding(), *layers]}


SEES_ITS_ID = "receptive field: each position's vector is its own id's: "

IDS_BY_HAND = [
    # (id, spec, field of the last layer, its line) — token ids have no channel axis: each
    # axis of the ids is a position, and Embedding output i holds the vector of id i alone:
    # r 1, S 1, P 0 on every axis of the ids
    ("ids", ids_then([20]), ((1,), (1,), (0,)), SEES_ITS_ID + "1 (S 1, P 0)"),
    (
        "ids-conv",
        ids_then([20], conv("Conv1D", kernel_size=3)),
        ((3,), (1,), (0,)),
        "receptive_field_length: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 0·1 = 0",
    ),
    (
        "ids-conv-pool",
        ids_then([20], conv("Conv1D", kernel_size=3), {"type": "MaxPooling1D", "pool_size": 2}),
        ((4,), (2,), (0,)),
        "receptive_field_length: r = 3 + (2 − 1)·1 = 4, S = 1·2 = 2, P = 0 + 0·1 = 0",
    ),
    (
        "ids-conv-pool-conv",
        ids_then(
            [20],
            conv("Conv1D", kernel_size=3),
            {"type": "MaxPooling1D", "pool_size": 2},
            conv("Conv1D", kernel_size=3),
        ),
        ((8,), (2,), (0,)),  # the next window of 3 steps of 2: r = 4 + 2·2
        "receptive_field_length: r = 4 + (3 − 1)·2 = 8, S = 2·1 = 2, P = 0 + 0·2 = 0",
    ),
    (
        "unknown-length",  # 'same' on an unknown length: the zeros before are unknown
        ids_then([None], conv("Conv1D", kernel_size=3, padding="same")),
        ((3,), (1,), (None,)),
        "receptive_field_length: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + ?·1 = ?",
    ),
    ("ids-2d", ids_then([6, 7]), ((1, 1), (1, 1), (0, 0)), SEES_ITS_ID + "1×1 (S 1, P 0)"),
    (
        "ids-2d-conv",  # (6, 7) ids → (6, 7, 3): a 3×3 window over two axes of ids
        ids_then([6, 7], conv("Conv2D", kernel_size=3)),
        ((3, 3), (1, 1), (0, 0)),
        "receptive_field_width: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 0·1 = 0",
    ),
    (
        "ids-with-a-last-axis-of-1",  # (20, 1) → (20, 1, 3): two axes of ids, each its own
        ids_then([20, 1]),
        ((1, 1), (1, 1), (0, 0)),
        SEES_ITS_ID + "1×1 (S 1, P 0)",
    ),
    (
        "lookup",  # a lookup in 'int' mode maps each value to one id in its place
        {
            "input_shape": [20],
            "layers": [
                {"type": "IntegerLookup", "vocabulary": [1, 2, 3]},
                embedding(),
                conv("Conv1D", kernel_size=3),
            ],
        },
        ((3,), (1,), (0,)),
        "receptive_field_length: r = 1 + (3 − 1)·1 = 3, S = 1·1 = 1, P = 0 + 0·1 = 0",
    ),
    (
        "time-distributed",  # an Embedding on every step of (5, 4) is one on all the ids
        {
            "input_shape": [5, 4],
            "layers": [
                {"type": "TimeDistributed", "layer": embedding()},
                conv("Conv2D", kernel_size=[3, 2]),
            ],
        },
        ((3, 2), (1, 1), (0, 0)),
        "receptive_field_width: r = 1 + (2 − 1)·1 = 2, S = 1·1 = 1, P = 0 + 0·1 = 0",
    ),
]


@pytest.mark.parametrize(
    ("spec", "field", "line"),
    [case[1:] for case in IDS_BY_HAND],
    ids=[case[0] for case in IDS_BY_HAND],
)
def test_fields_of_token_ids_worked_by_hand(
    spec: dict[str, Any], field: tuple[tuple[Any, ...], ...], line: str
) -> None:
    row = cnncalc.analyze(spec)[-1]
    assert row.receptive_field == ReceptiveField(*field)
    assert line in row.cost_working


# ---- merges and layers that are not windows ---------------------------------------------------


def two_paths(left: dict[str, Any], right: dict[str, Any], size: Any = 8) -> dict[str, Any]:
    """Two convolutions of the input, added."""
    return {
        "input_shape": [size, size, 1],
        "layers": [
            {**left, "name": "left"},
            {**right, "name": "right", "inputs": ["input"]},
            {"type": "Add", "name": "merged", "inputs": ["left", "right"]},
        ],
    }


MERGES = [
    (
        # 1×1 with stride 2 (r 1, S 2) beside a valid 5×5 (r 5, S 1): both 4×4, not aligned
        two_paths(conv("Conv2D", kernel_size=1, strides=2), conv("Conv2D", kernel_size=5)),
        ((5, 5), (1, 1), (0, 0)),
        "receptive_field_height: r = 5, S = 1, P = 0  (misaligned: the paths' strides differ: "
        "2, 1; the largest field kept)",
    ),
    (
        # 'same' 3×3 and 1×1 on an unknown size: P unknown on both paths
        two_paths(
            conv("Conv2D", kernel_size=3, padding="same"),
            conv("Conv2D", kernel_size=1, padding="same"),
            size=None,
        ),
        ((3, 3), (1, 1), (None, None)),
        "receptive_field_width: r = 3, S = 1, P = ?  (the paths' paddings are unknown; "
        "the largest field kept)",
    ),
    (
        # 'same' and 'valid' 3×3 paths on an unknown size (both (None, None, 1)): equal r and
        # S, one P unknown, the other 0: the first of the equal fields is kept
        two_paths(
            conv("Conv2D", kernel_size=3, padding="same"),
            conv("Conv2D", kernel_size=3, padding="valid"),
            size=None,
        ),
        ((3, 3), (1, 1), (None, None)),
        "receptive_field_width: r = 3, S = 1, P = ?  (the paths' paddings are unknown; "
        "the largest field kept)",
    ),
    (
        # 3×3 stride 2 same (P 0 on 8: (4 − 1)·2 + 3 − 8 = 1 zero, after) and 2×2 pooling:
        # centres (3 − 1)/2 − 0 = 1 and (2 − 1)/2 − 0 = 1/2 differ
        two_paths(
            conv("Conv2D", kernel_size=3, strides=2, padding="same"),
            {"type": "MaxPooling2D", "pool_size": 2},
        ),
        ((3, 3), (2, 2), (0, 0)),
        "receptive_field_height: P = max(0, 0) = 0, r = max(3 − 0, 2 − 0) + 0 = 3, S = 2  "
        "(the union of paths whose centres differ (1/2, 1): misaligned)",
    ),
    (
        # the union of [−1, 1] (3×3 same) and [−2, 2] (5×5 same), aligned at their centres
        two_paths(
            conv("Conv2D", kernel_size=3, padding="same"),
            conv("Conv2D", kernel_size=5, padding="same"),
        ),
        ((5, 5), (1, 1), (2, 2)),
        "receptive_field_width: P = max(1, 2) = 2, r = max(3 − 1, 5 − 2) + 2 = 5, S = 1  "
        "(the union of aligned paths)",
    ),
]


@pytest.mark.parametrize(
    ("spec", "field", "line"),
    MERGES,
    ids=["strides", "unknown", "unknown-and-known", "centres", "aligned"],
)
def test_merges_worked_by_hand(
    spec: dict[str, Any], field: tuple[tuple[Any, ...], ...], line: str
) -> None:
    merged = cnncalc.analyze(spec)["merged"]
    assert merged.receptive_field == ReceptiveField(*field)
    assert line in merged.cost_working


WHOLE = [
    # (spec, layer, the line that says why the field is the whole input)
    (
        {
            "input_shape": [8, 8, 1],
            "layers": [
                conv("Conv2D", kernel_size=3, name="a"),
                {"type": "Concatenate", "name": "joined", "axis": 1, "inputs": ["a", "a"]},
            ],
        },
        "joined",
        "receptive field = the whole input  (Concatenate mixes every position)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "seq", "shape": [8, 4]},
                {"type": "InputLayer", "name": "img", "shape": [1, 8, 4]},
                {"type": "Add", "name": "sum", "inputs": ["seq", "img"]},
            ]
        },
        "sum",
        "receptive field = the whole input  (the paths differ in spatial rank)",
    ),
    (
        {
            "input_shape": [8, 8, 1],
            "layers": [
                {"type": "Sequential", "name": "block", "layers": [conv("Conv2D", kernel_size=3)]},
                conv("Conv2D", kernel_size=3, name="after"),
            ],
        },
        "block",
        "receptive field = the whole input  (Sequential is not traced inside: assumed)",
    ),
    (
        {
            "input_shape": [8, 8, 1],
            "layers": [
                {"type": "Flatten", "name": "flat"},
                {"type": "Reshape", "name": "back", "target_shape": [8, 8, 1]},
                conv("Conv2D", kernel_size=3, name="after"),
            ],
        },
        "after",
        # the cause is named: the layer that mixed, not only "an earlier layer"
        f"{WHOLE_LINE}(an earlier layer, 'flat' (Flatten), mixed every position)",
    ),
    (
        {
            "input_shape": [8, 8, 1],
            "layers": [
                {"type": "Flatten", "name": "flat"},
                {"type": "Reshape", "name": "back", "target_shape": [8, 8, 1]},
                {"type": "Softmax", "name": "soft", "axis": 1},
                conv("Conv2D", kernel_size=3, name="after"),
            ],
        },
        "after",
        # the first layer that mixed is named: Softmax over the rows mixed what was whole already
        f"{WHOLE_LINE}(an earlier layer, 'flat' (Flatten), mixed every position)",
    ),
    (
        {"input_shape": [784], "layers": [{"type": "Dense", "units": 4, "name": "first"}]},
        "first",
        # a first layer on a vector: nothing was mixed before it, its input has no axis
        f"{WHOLE_LINE}(the input (None, 784) has no spatial axis)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "ids", "shape": [10]},
                {"type": "Activation", "activation": "relu", "name": "act"},
                {"type": "Dropout", "rate": 0.5, "name": "drop"},
            ]
        },
        "drop",
        # no layer mixed anything: the named input is why, all the way down
        f"{WHOLE_LINE}(the input 'ids' (None, 10) has no spatial axis)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "a", "shape": [10]},
                {"type": "InputLayer", "name": "b", "shape": [10]},
                {"type": "Add", "name": "sum", "inputs": ["a", "b"]},
            ]
        },
        "sum",
        f"{WHOLE_LINE}(the input 'a' (None, 10) has no spatial axis)",
    ),
    (
        {
            "input_shape": [8, 8, 1],
            "layers": [
                {"type": "Flatten", "name": "flat"},
                {"type": "Reshape", "name": "back", "target_shape": [8, 8, 1]},
                {"type": "Add", "name": "sum", "inputs": ["back", "input"]},
            ],
        },
        "sum",
        f"{WHOLE_LINE}(an earlier layer, 'flat' (Flatten), mixed every position)",
    ),
    (
        {
            "input_shape": [8, 8, 3],
            "layers": [conv("Conv2D", kernel_size=3, name="conv"), embedding(name="embed")],
        },
        "embed",
        # ids read from a feature map: their last axis was the conv's channels
        f"{WHOLE_LINE}(the last axis of its ids holds the channels of the layers before, not "
        "input positions)",
    ),
    (
        {
            "input_shape": [8, 8, 3],
            "layers": [
                conv("Conv2D", kernel_size=3, name="conv", filters=4),
                embedding(name="embed"),  # (6, 6, 4) → (6, 6, 4, 3)
                conv("Conv3D", kernel_size=2, name="after"),
            ],
        },
        "after",
        f"{WHOLE_LINE}(an earlier layer, 'embed' (Embedding), looked up channels as positions)",
    ),
    (
        {
            "input_shape": [8, 8, 3],
            "layers": [
                conv("Conv2D", kernel_size=3, name="conv", filters=4),
                {"type": "TimeDistributed", "name": "each", "layer": embedding()},
                conv("Conv3D", kernel_size=2, name="after"),
            ],
        },
        "after",
        # the wrapper is named, as its row is
        f"{WHOLE_LINE}(an earlier layer, 'each' (TimeDistributed), looked up channels as "
        "positions)",
    ),
    (
        {
            "input_shape": [1],
            "layers": [
                {"type": "TextVectorization", "output_sequence_length": 10, "name": "text"},
                embedding(name="embed"),
                conv("Conv1D", kernel_size=3, name="after"),
            ],
        },
        "after",
        # one string in: every token comes from that one value
        f"{WHOLE_LINE}(the input (None, 1) has no spatial axis)",
    ),
    (
        {
            "input_shape": [5, 4],
            "layers": [
                {
                    "type": "TimeDistributed",
                    "name": "steps",
                    "layer": {"type": "Reshape", "target_shape": [2, 2]},
                },
                conv("Conv2D", kernel_size=2, name="conv"),
            ],
        },
        "conv",
        # each step's 4 values become a 2×2 grid: a second axis the tracer has not followed
        f"{WHOLE_LINE}(Conv2D slides over 2 spatial axes; its input is traced along 1)",
    ),
    (
        {
            "input_shape": [5, 4],
            "layers": [
                {
                    "type": "TimeDistributed",
                    "name": "steps",
                    "layer": {"type": "Reshape", "target_shape": [2, 2]},
                },
                conv("Conv2D", kernel_size=2, name="conv"),
                {"type": "ReLU", "name": "relu"},
            ],
        },
        "relu",
        f"{WHOLE_LINE}(an earlier layer, 'conv' (Conv2D), slid over axes that are not traced)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "seq", "shape": [8, 4]},
                {"type": "InputLayer", "name": "img", "shape": [1, 8, 4]},
                {"type": "Add", "name": "sum", "inputs": ["seq", "img"]},
                {"type": "ReLU", "name": "relu"},
            ]
        },
        "relu",
        # the merge is named, as a layer that mixed is: a graph may hold several merges
        f"{WHOLE_LINE}(an earlier layer, 'sum' (Add), merged paths of different spatial rank)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "user", "shape": []},
                embedding(name="embed"),  # one id per sample: (None,) → (None, 3)
                {"type": "Dense", "units": 2, "name": "after"},
            ]
        },
        "embed",
        # the ids are the input's own values, but one id has no axis to become a position
        f"{WHOLE_LINE}(the input 'user' (None) has no spatial axis)",
    ),
    (
        {
            "layers": [
                {"type": "InputLayer", "name": "question", "shape": [5, 4]},
                {"type": "InputLayer", "name": "answer", "shape": [7, 4]},
                {
                    "type": "Concatenate",
                    "name": "joined",
                    "axis": 1,
                    "inputs": ["question", "answer"],
                },
                embedding(name="embed"),  # (12, 4) ids → (12, 4, 3)
                conv("Conv2D", kernel_size=3, name="after"),
            ]
        },
        "embed",
        # ids joined from two inputs are no longer one input's positions: not field 1 there
        f"{WHOLE_LINE}(an earlier layer, 'joined' (Concatenate), mixed every position)",
    ),
]

WHOLE_IDS = [
    "concat-spatial",
    "ranks",
    "nested",
    "after-flatten",
    "after-two-mixers",
    "dense-on-a-vector",
    "after-a-vector",
    "merge-of-vectors",
    "merge-after-flatten",
    "channels-as-ids",
    "after-channels-as-ids",
    "after-channels-as-ids-each-step",
    "text",
    "ranks-differ",
    "after-ranks-differ",
    "after-a-merge-of-ranks",
    "a-single-id",
    "ids-joined-from-two-inputs",
]


@pytest.mark.parametrize(("spec", "layer", "line"), WHOLE, ids=WHOLE_IDS)
def test_the_whole_input_and_why(spec: dict[str, Any], layer: str, line: str) -> None:
    row = cnncalc.analyze(spec)[layer]
    assert row.receptive_field is None
    assert line in row.cost_working


NAMED_CAUSE = re.compile(r"an earlier layer, '([^']+)' \((\w+)\), (.*)\)$")
NAMED_INPUT = re.compile(r"the input(?: '([^']+)')? (\(.*\)) has no spatial axis\)$")


@pytest.mark.parametrize(
    "spec",
    [case[0] for case in WHOLE] + [case[1] for case in IDS_BY_HAND + EMBEDDED],
    ids=WHOLE_IDS + [f"ids-{case[0]}" for case in IDS_BY_HAND + EMBEDDED],
)
def test_every_named_cause_is_there(spec: dict[str, Any]) -> None:
    """A line that blames an earlier layer names one this layer reads, directly or not, whose
    own line says it did that; a line that blames an input with no spatial axis names an
    input this layer reads whose shape is a vector; any other whole-input line speaks of the
    layer itself (its type) or of its own inputs."""
    result = cnncalc.analyze(spec)
    rows = {row.name: row for row in result}
    upstream: dict[str, set[str]] = {}
    for row in result:  # the order is topological: every input is seen first
        upstream[row.name] = {*row.inputs, *(n for i in row.inputs for n in upstream.get(i, ()))}
    for row in result:
        for line in row.cost_working:
            if not line.startswith(WHOLE_LINE):
                continue
            cause = line[len(WHOLE_LINE) :]
            if named := NAMED_CAUSE.search(cause):
                name, kind, deed = named.groups()
                assert name in upstream[row.name], (row.name, line)
                assert rows[name].type == kind, (row.name, line)
                verb = deed.split()[0]  # mixed, slid, looked, is
                own = {
                    "mixed": "mixes",
                    "slid": "slides",
                    "is": "is not traced",
                    "merged": "the paths differ in spatial rank",
                }.get(verb, "")
                said = " ".join(rows[name].cost_working)
                assert (own or "ids holds the channels") in said, (row.name, line)
            elif named := NAMED_INPUT.search(cause):
                name, shape = named.groups()
                source = name or "input"
                assert source == "input" or source in upstream[row.name], (row.name, line)
                declared = result[source].output_shape if name else result.input_shape
                assert declared is not None and len(declared) <= 1, (row.name, line)
                assert shape == f"(None{''.join(f', {size}' for size in declared)})", (
                    row.name,
                    line,
                )
            else:
                assert cause.startswith(
                    (f"({row.type} ", "(the paths differ", "(the last axis of its ids")
                ), (row.name, line)


def test_an_input_layer_and_a_pointwise_layer() -> None:
    """An InputLayer's feature sees itself; BatchNormalization keeps its input's field; a
    vector input has no spatial axis, so no field and no line."""
    image = cnncalc.analyze(
        {"layers": [{"type": "InputLayer", "shape": [8, 8, 3]}, {"type": "BatchNormalization"}]}
    )
    assert image[0].receptive_field == ReceptiveField((1, 1), (1, 1), (0, 0))
    assert "receptive field: an input feature sees itself" in image[0].cost_working
    assert image[1].receptive_field == ReceptiveField((1, 1), (1, 1), (0, 0))
    assert "receptive field unchanged: 1×1 (S 1, P 0)" in image[1].cost_working
    vector = cnncalc.analyze({"layers": [{"type": "InputLayer", "shape": [4]}]})[0]
    assert vector.receptive_field is None
    assert not [line for line in vector.cost_working if "receptive" in line]
