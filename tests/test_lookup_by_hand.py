"""Lookup and encoding layers worked by hand (no Keras needed), from Keras 3's own rules.

Sources (keras/src/layers/preprocessing): ``index_lookup.py``'s compute_output_shape — 'int'
keeps the shape; the depth is max_tokens when pad_to_max_tokens, else the vocabulary and its
num_oov_indices (the mask token takes an index only in 'int' mode, ``_oov_start_index``);
'one_hot' adds an axis of depth or replaces a last axis of 1; 'multi_hot', 'count' and 'tf_idf'
replace the last axis. StringLookup's docstring: vocabulary ["a", "b", "c", "d"] one-hot
encodes into 5 columns (4 + 1 OOV), and a (2, 4) batch multi-hot or count encodes into (2, 5).
``category_encoding.py``: depth num_tokens (docstring: num_tokens 4, (4, 2) multi_hot → (4, 4)).
``hashing.py``: every encoding replaces the last axis by num_bins, one_hot too.
``hashed_crossing.py``: 2 inputs with equal last axes; one_hot adds num_bins (or replaces a 1).
``discretization.py``: depth len(bin_boundaries) + 1 (or num_bins); multi_hot and count drop the
axis after the batch. ``text_vectorization.py``: 'int' gives (output_sequence_length,); a split
adds a tokens axis (None) before the lookup, whose OOV index adds 1 to the vocabulary.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError, NetworkError, SpecError
from cnncalc.costs.receptive import ReceptiveField

from .conftest import one_layer, row_of

ABCD = ["a", "b", "c", "d"]
IDS = "output_mode 'int': one id per value, the shape stays"


def encoded_lines(depth: str, mode: str, shape: str) -> tuple[str, str]:
    """The two working lines of a lookup's encoding, in the words a user reads."""
    rule = (
        "one_hot: a vector per value (a last axis of 1 is replaced)"
        if mode == "one_hot"
        else f"{mode}: the last axis becomes one vector"
    )
    return (f"depth = {depth}", f"{rule} → {shape}; params = 0")


# (input shape, layer, output shape, working lines) — each worked by hand.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], tuple[str, ...]]] = [
    ([3], {"type": "StringLookup", "vocabulary": ABCD}, (3,), (IDS,)),
    ([3], {"type": "IntegerLookup", "vocabulary": [12, 36, 1138, 42]}, (3,), (IDS,)),
    # no vocabulary is needed for ids
    ([2, 3], {"type": "StringLookup"}, (2, 3), (IDS,)),
    # 4 + 1 = 5 columns; a last axis of 1 is replaced
    (
        [1],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "one_hot"},
        (5,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "one_hot", "(None, 5)"),
    ),
    (
        [3],
        {"type": "IntegerLookup", "vocabulary": [12, 36, 1138, 42], "output_mode": "one_hot"},
        (3, 5),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "one_hot", "(None, 3, 5)"),
    ),
    (
        [2, 1],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "one_hot"},
        (2, 5),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "one_hot", "(None, 2, 5)"),
    ),
    # no OOV index: 4 + 0 = 4
    (
        [3],
        {
            "type": "StringLookup",
            "vocabulary": ABCD,
            "output_mode": "one_hot",
            "num_oov_indices": 0,
        },
        (3, 4),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 0 = 4", "one_hot", "(None, 3, 4)"),
    ),
    # the docstring's (2, 4) batch → (2, 5)
    (
        [4],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "multi_hot"},
        (5,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "multi_hot", "(None, 5)"),
    ),
    (
        [4],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "count"},
        (5,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "count", "(None, 5)"),
    ),
    (
        [2, 3],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "tf_idf"},
        (2, 5),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "tf_idf", "(None, 2, 5)"),
    ),
    # two OOV indices: 4 + 2 = 6
    (
        [4],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "count", "num_oov_indices": 2},
        (6,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 2 = 6", "count", "(None, 6)"),
    ),
    # the mask token has no column outside 'int' mode: still 4 + 1
    (
        [4],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "multi_hot", "mask_token": ""},
        (5,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "multi_hot", "(None, 5)"),
    ),
    # padded to max_tokens = 10, whatever the vocabulary
    (
        [4],
        {
            "type": "StringLookup",
            "vocabulary": ABCD,
            "output_mode": "tf_idf",
            "max_tokens": 10,
            "pad_to_max_tokens": True,
        },
        (10,),
        encoded_lines("max_tokens = 10 (pad_to_max_tokens)", "tf_idf", "(None, 10)"),
    ),
    # max_tokens without padding: the vocabulary still sets the depth
    (
        [4],
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "multi_hot", "max_tokens": 10},
        (5,),
        encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "multi_hot", "(None, 5)"),
    ),
    # CategoryEncoding: depth num_tokens = 4
    (
        [1],
        {"type": "CategoryEncoding", "num_tokens": 4, "output_mode": "one_hot"},
        (4,),
        encoded_lines("num_tokens = 4", "one_hot", "(None, 4)"),
    ),
    (
        [3],
        {"type": "CategoryEncoding", "num_tokens": 4, "output_mode": "one_hot"},
        (3, 4),
        encoded_lines("num_tokens = 4", "one_hot", "(None, 3, 4)"),
    ),
    (
        [2],
        {"type": "CategoryEncoding", "num_tokens": 4},  # multi_hot by default
        (4,),
        encoded_lines("num_tokens = 4", "multi_hot", "(None, 4)"),
    ),
    (
        [5, 2],
        {"type": "CategoryEncoding", "num_tokens": 7, "output_mode": "count"},
        (5, 7),
        encoded_lines("num_tokens = 7", "count", "(None, 5, 7)"),
    ),
    # Hashing: ids keep the shape; every encoding replaces the last axis by num_bins
    ([1], {"type": "Hashing", "num_bins": 3}, (1,), (IDS,)),
    (
        [1],
        {"type": "Hashing", "num_bins": 3, "output_mode": "one_hot"},
        (3,),
        ("one_hot: the last axis becomes num_bins = 3 → (None, 3); params = 0",),
    ),
    (
        [2],
        {"type": "Hashing", "num_bins": 3, "output_mode": "one_hot"},  # not (2, 3)
        (3,),
        ("one_hot: the last axis becomes num_bins = 3 → (None, 3); params = 0",),
    ),
    (
        [4, 2],
        {"type": "Hashing", "num_bins": 8, "output_mode": "multi_hot"},
        (4, 8),
        ("multi_hot: the last axis becomes num_bins = 8 → (None, 4, 8); params = 0",),
    ),
    # Discretization: len([0, 1, 2]) + 1 = 4 buckets
    ([4], {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0]}, (4,), (IDS,)),
    (
        [4],
        {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0], "output_mode": "one_hot"},
        (4, 4),
        encoded_lines("len(bin_boundaries) + 1 = 4", "one_hot", "(None, 4, 4)"),
    ),
    (
        [1],
        {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0], "output_mode": "one_hot"},
        (4,),
        encoded_lines("len(bin_boundaries) + 1 = 4", "one_hot", "(None, 4)"),
    ),
    # multi_hot drops the axis after the batch (3) and adds the depth: (5, 4)
    (
        [3, 5],
        {"type": "Discretization", "bin_boundaries": [0.0, 1.0, 2.0], "output_mode": "multi_hot"},
        (5, 4),
        (
            "depth = len(bin_boundaries) + 1 = 4",
            "multi_hot: the axis after the batch is dropped, depth added → (None, 5, 4); "
            "params = 0",
        ),
    ),
    (
        [4],
        {"type": "Discretization", "num_bins": 6, "output_mode": "count"},
        (6,),
        (
            "depth = num_bins = 6",
            "count: the axis after the batch is dropped, depth added → (None, 6); params = 0",
        ),
    ),
    # a saved, adapted layer has both: the boundaries count (Keras's from_config)
    (
        [4],
        {
            "type": "Discretization",
            "bin_boundaries": [0.5],
            "num_bins": 6,
            "output_mode": "one_hot",
        },
        (4, 2),
        encoded_lines("len(bin_boundaries) + 1 = 2", "one_hot", "(None, 4, 2)"),
    ),
    # TextVectorization: ids padded or cut to output_sequence_length
    (
        [1],
        {"type": "TextVectorization", "output_sequence_length": 4},
        (4,),
        ("one id per token: (None, 4); params = 0",),
    ),
    (
        [1],
        {"type": "TextVectorization"},
        (None,),
        ("one id per token: (None, None); params = 0",),
    ),
    # the split adds a tokens axis, (None, 1, None); its last axis becomes 4 + 1 = 5
    (
        [1],
        {"type": "TextVectorization", "vocabulary": ABCD, "output_mode": "multi_hot"},
        (1, 5),
        (
            "split 'whitespace' adds a tokens axis: (None, 1, None)",
            *encoded_lines(
                "len(vocabulary) + num_oov_indices = 4 + 1 = 5", "multi_hot", "(None, 1, 5)"
            ),
        ),
    ),
    # no split: each string is one token, the last axis (1) becomes 5
    (
        [1],
        {"type": "TextVectorization", "vocabulary": ABCD, "output_mode": "count", "split": None},
        (5,),
        (
            "split None: each string is one token, (None, 1)",
            *encoded_lines("len(vocabulary) + num_oov_indices = 4 + 1 = 5", "count", "(None, 5)"),
        ),
    ),
    (
        [1],
        {
            "type": "TextVectorization",
            "output_mode": "tf_idf",
            "max_tokens": 20,
            "pad_to_max_tokens": True,
        },
        (1, 20),
        (
            "split 'whitespace' adds a tokens axis: (None, 1, None)",
            *encoded_lines("max_tokens = 20 (pad_to_max_tokens)", "tf_idf", "(None, 1, 20)"),
        ),
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "working"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_lookups_by_hand(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[Any, ...], working: tuple[str, ...]
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.macs, row.ops) == (shape, 0, 0, 0)
    assert row.working == working


# (layer, whether each id stays at its position) — 'int' maps value i to id i (its receptive
# field is its own position); an encoding gathers a sample's values into one vector.
POSITIONS: list[tuple[dict[str, Any], bool]] = [
    ({"type": "StringLookup", "vocabulary": ABCD}, True),
    ({"type": "StringLookup", "vocabulary": ABCD, "output_mode": "one_hot"}, False),
    ({"type": "IntegerLookup", "vocabulary": [1, 2], "output_mode": "count"}, False),
    ({"type": "Hashing", "num_bins": 3}, True),
    ({"type": "Hashing", "num_bins": 3, "output_mode": "one_hot"}, False),
    ({"type": "Discretization", "num_bins": 3}, True),
    ({"type": "Discretization", "num_bins": 3, "output_mode": "multi_hot"}, False),
]


@pytest.mark.parametrize(("layer", "own"), POSITIONS)
def test_ids_keep_their_position_encodings_mix(layer: dict[str, Any], own: bool) -> None:
    """On a (6, 1) sequence a feature sees itself: size 1, stride 1, padding 0."""
    row = row_of([6, 1], layer)
    assert row.receptive_field == (ReceptiveField((1,), (1,), (0,)) if own else None)


def crossing(first: list[int], second: list[int], **arguments: Any) -> cnncalc.LayerRow:
    spec = {
        "layers": [
            {"type": "InputLayer", "shape": first, "name": "a"},
            {"type": "InputLayer", "shape": second, "name": "b"},
            {"type": "HashedCrossing", "num_bins": 5, "inputs": ["a", "b"], **arguments},
        ]
    }
    return cnncalc.analyze(spec)[2]


@pytest.mark.parametrize(
    ("first", "second", "mode", "shape", "working"),
    [
        ([1], [1], "int", (1,), (IDS,)),
        ([2, 3], [4, 3], "int", (2, 3), (IDS,)),  # Keras checks only the last axes
        ([1], [1], "one_hot", (5,), encoded_lines("num_bins = 5", "one_hot", "(None, 5)")),
        ([3], [3], "one_hot", (3, 5), encoded_lines("num_bins = 5", "one_hot", "(None, 3, 5)")),
    ],
)
def test_hashed_crossing_by_hand(
    first: list[int],
    second: list[int],
    mode: str,
    shape: tuple[int, ...],
    working: tuple[str, ...],
) -> None:
    row = crossing(first, second, output_mode=mode)
    assert (row.output_shape, row.params, row.working) == (shape, 0, working)


def test_hashed_crossing_refuses_unequal_last_axes() -> None:
    message = "the two inputs (None, 2) and (None, 3) must have the same last axis"
    with pytest.raises(CnncalcError, match=re.escape(message)):
        crossing([2], [3])


def test_hashed_crossing_crosses_exactly_two() -> None:
    spec = {
        "layers": [
            {"type": "InputLayer", "shape": [1], "name": "a"},
            {"type": "InputLayer", "shape": [1], "name": "b"},
            {"type": "InputLayer", "shape": [1], "name": "c"},
            {"type": "HashedCrossing", "num_bins": 5, "inputs": ["a", "b", "c"]},
        ]
    }
    with pytest.raises(
        NetworkError, match=re.escape("HashedCrossing crosses exactly 2 inputs, got 3")
    ):
        cnncalc.analyze(spec)


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (
            {"type": "StringLookup", "output_mode": "multi_hot", "vocabulary": "vocab.txt"},
            "output_mode 'multi_hot' needs the vocabulary as a list in the spec (cnncalc never "
            "reads files or adapts): its size is the output's",
        ),
        (
            {"type": "TextVectorization", "output_mode": "count"},
            "output_mode 'count' needs the vocabulary as a list in the spec",
        ),
    ],
)
def test_an_encoding_without_its_vocabulary_is_refused(layer: dict[str, Any], message: str) -> None:
    with pytest.raises(NetworkError, match=re.escape(message)):
        row_of([4], layer)


# (layer, the message): what Keras's __init__ refuses (index_lookup.py, discretization.py,
# text_vectorization.py), cnncalc refuses as a spec error naming the layer.
REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        {"type": "StringLookup", "vocabulary": ABCD, "output_mode": "one_hot", "invert": True},
        "invert maps ids back to tokens: output_mode must be 'int', not 'one_hot'",
    ),
    (
        {"type": "IntegerLookup", "max_tokens": 1},
        "max_tokens must be greater than 1, got 1: the vocabulary would be empty",
    ),
    (
        {"type": "StringLookup", "vocabulary": ABCD, "pad_to_max_tokens": True},
        "pad_to_max_tokens needs max_tokens: the output is padded to it",
    ),
    (
        {"type": "TextVectorization", "output_mode": "multi_hot", "pad_to_max_tokens": True},
        "pad_to_max_tokens needs max_tokens: the output is padded to it",
    ),
    (
        {"type": "TextVectorization", "max_tokens": 1},
        "max_tokens must be greater than 1, got 1: the vocabulary would be empty",
    ),
    (
        {"type": "TextVectorization", "output_mode": "count", "output_sequence_length": 4},
        "output_sequence_length is only for output_mode 'int', not 'count'",
    ),
    (
        {"type": "Discretization"},
        "bin_boundaries or num_bins must be given: their count is the depth",
    ),
]


@pytest.mark.parametrize(("layer", "message"), REFUSED)
def test_arguments_the_layer_cannot_take_are_refused(layer: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as refused:
        row_of([4], layer)
    assert str(refused.value) == f"layers[0]: {message}"


@pytest.mark.parametrize(("layer", "message"), REFUSED)
def test_keras_refuses_them_too_naming_the_same_argument(
    keras: Any, layer: dict[str, Any], message: str
) -> None:
    """The refusals are Keras's: its constructor raises, naming the argument ours starts with."""
    arguments = {k: v for k, v in layer.items() if k != "type"}
    with pytest.raises(ValueError) as caught:
        getattr(keras.layers, layer["type"])(**arguments)
    assert message.split()[0] in str(caught.value)


def test_the_smallest_max_tokens_is_two() -> None:
    """max_tokens 2 (one OOV id and one token), padded: depth 2."""
    row = one_layer(
        [3], "StringLookup", output_mode="multi_hot", max_tokens=2, pad_to_max_tokens=True
    )
    assert row.output_shape == (2,)
