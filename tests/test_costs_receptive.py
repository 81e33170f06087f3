"""Receptive fields: the published tables, and brute force in real Keras (perturb one input
row or column, see which output features move) on random small networks and graphs."""

from __future__ import annotations

import math
import random
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


def observed_fields(keras: Any, spec: dict[str, Any]) -> dict[str, list[list[tuple[int, int]]]]:
    """Per layer and spatial axis: for every output index, the first and last input index
    whose perturbation moves it."""
    import numpy as np

    from cnncalc.keras.bridge import to_keras

    model = to_keras(spec)
    for layer in model.layers:  # positive weights: a raised input raises every feature it
        layer.set_weights([np.abs(w) + 0.1 for w in layer.get_weights()])  # reaches (max too)
    ours = {row.name for row in cnncalc.analyze(spec)}  # not the bridge's helper layers
    names = [layer.name for layer in model.layers if len(layer.output.shape) == 4]
    names = [n for n in names if n in ours]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    height, width, channels = spec["input_shape"]
    base = np.random.default_rng(0).normal(size=(1, height, width, channels))
    batch = [base]
    for axis, size in ((1, height), (2, width)):
        for index in range(size):
            moved = base.copy()
            np.moveaxis(moved, axis, 0)[index] += 100.0
            batch.append(moved)
    outputs = probe.predict(np.concatenate(batch), verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    fields = {}
    for name, out in zip(names, outputs):
        per_axis = []
        offset = 1
        for axis, size in ((1, height), (2, width)):
            delta = np.abs(out[offset : offset + size] - out[0:1])
            moved = delta.max(axis=tuple(a for a in (1, 2, 3) if a != axis)) > 1e-4 * (
                1 + np.abs(out[0]).max()
            )  # (input index, output index)
            per_axis.append([interval(np.flatnonzero(column)) for column in moved.T])
            offset += size
        fields[name] = per_axis
    return fields


def interval(indices: Any) -> tuple[int, int] | None:
    """The first and last index; None when no input moves the feature (zero padding)."""
    return (int(indices[0]), int(indices[-1])) if len(indices) else None


def expected(field: ReceptiveField, axis: int, index: int, size: int) -> tuple[int, int] | None:
    """The field's interval, clipped to the input; None when it lies wholly in the padding."""
    first, last = field.region((index,) * field.rank)[axis]
    low, high = max(0, math.ceil(first)), min(size - 1, math.floor(last))
    return (low, high) if low <= high else None


def check_against_keras(keras: Any, spec: dict[str, Any], exact: bool) -> int:
    """Every feature's interval contains what moves it in Keras; a feature whose interval
    lies inside the input (so no padding or dilation hole sits at its clipped ends) matches
    exactly when `exact`. Returns how many features matched exactly."""
    result = cnncalc.analyze(spec)
    sizes = spec["input_shape"][:2]
    matched = 0
    for name, per_axis in observed_fields(keras, spec).items():
        field = result[name].receptive_field
        assert field is not None, name
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
        "receptive field = the whole input  (an earlier layer mixed every position)",
    ),
]


@pytest.mark.parametrize(
    ("spec", "layer", "line"), WHOLE, ids=["concat-spatial", "ranks", "nested", "after-flatten"]
)
def test_the_whole_input_and_why(spec: dict[str, Any], layer: str, line: str) -> None:
    row = cnncalc.analyze(spec)[layer]
    assert row.receptive_field is None
    assert line in row.cost_working


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
