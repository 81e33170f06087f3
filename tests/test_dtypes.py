"""Weights sized by dtype, as Keras 3's summary sizes them: proven against real Keras models
built by hand in the test (not through cnncalc's bridge)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnncalc
from cnncalc.dtypes import bytes_per_weight, compute_dtype, dtype_name, stored_bytes
from cnncalc.render.tables import totals_lines

POLICIES = ["float16", "bfloat16", "float32", "float64", "mixed_float16", "mixed_bfloat16"]


@pytest.mark.parametrize(
    ("policy", "size"),
    [
        ("float16", 2),
        ("bfloat16", 2),
        ("float32", 4),
        ("float64", 8),
        ("mixed_float16", 4),  # the variables stay float32; only the computation is half
        ("mixed_bfloat16", 4),
        (None, 4),
    ],
)
def test_bytes_per_weight(policy: str | None, size: int) -> None:
    assert bytes_per_weight(policy) == size


def test_a_string_input_has_no_weight_size() -> None:
    assert bytes_per_weight("string") == 0


@pytest.mark.parametrize(
    ("policy", "computes_in"),
    [
        (None, "float32"),  # Keras's default policy
        ("float16", "float16"),
        ("mixed_float16", "float16"),  # variables float32, computation half (the Keras guide)
        ("mixed_bfloat16", "bfloat16"),
        ("int32", "int32"),
    ],
)
def test_compute_dtype(policy: str | None, computes_in: str) -> None:
    assert compute_dtype(policy) == computes_in


@pytest.mark.parametrize(
    ("dtype", "size"),
    [("bool", 1), ("int8", 1), ("float8_e4m3fn", 1), ("float16", 2), ("int32", 4), ("float64", 8)],
)
def test_stored_bytes(dtype: str, size: int) -> None:
    """A bool is one bit to Keras's summary but a whole byte in memory."""
    assert stored_bytes(dtype) == size and isinstance(stored_bytes(dtype), int)


def test_a_policy_without_a_name_is_refused() -> None:
    layer = {"type": "Dense", "units": 2, "dtype": {"class_name": "DTypePolicy", "config": {}}}
    with pytest.raises(cnncalc.SpecError, match=r"layers\[0\]\.dtype"):
        cnncalc.analyze({"input_shape": [4], "layers": [layer]})


def test_an_unknown_dtype_with_nothing_close_lists_every_name() -> None:
    with pytest.raises(ValueError) as caught:
        dtype_name("complex128")
    assert str(caught.value) == (
        "unknown dtype 'complex128'; Keras's names: float16, float32, float64, int8, int16, "
        "int32, int64, uint8, uint16, uint32, uint64, bfloat16, float8_e4m3fn, float8_e5m2, "
        "bool, string, mixed_float16, mixed_bfloat16"
    )


def test_a_serialized_policy_is_read_for_its_name() -> None:
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}}
    assert dtype_name(policy) == "mixed_float16"


def test_an_unknown_dtype_names_the_close_one() -> None:
    with pytest.raises(cnncalc.SpecError, match=r"layers\[0\]\.dtype: unknown dtype 'flaot16'"):
        cnncalc.analyze(
            {"input_shape": [4], "layers": [{"type": "Dense", "units": 2, "dtype": "flaot16"}]}
        )


def keras_totals(model: Any) -> list[str]:
    """The three footer lines of Keras's own summary."""
    lines: list[str] = []
    model.summary(line_length=120, print_fn=lambda text, **_: lines.extend(text.splitlines()))
    return [line.strip() for line in lines if "params:" in line]


def spec(layer_dtype: str | None = None, spec_dtype: str | None = None) -> dict[str, Any]:
    extra = {"dtype": layer_dtype} if layer_dtype else {}
    return {
        "input_shape": [28, 28, 1],
        **({"dtype": spec_dtype} if spec_dtype else {}),
        "layers": [
            {"type": "Conv2D", "filters": 8, "kernel_size": 3, **extra},
            {"type": "BatchNormalization", **extra},
            {"type": "Flatten"},
            {"type": "Dense", "units": 10, "dtype": "float64"},
        ],
    }


def hand_built(keras: Any, policy: str) -> Any:
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(8, 3, dtype=policy),
            layers.BatchNormalization(dtype=policy),
            layers.Flatten(),
            layers.Dense(10, dtype="float64"),
        ]
    )


@pytest.mark.parametrize("policy", POLICIES)
def test_per_layer_dtype_sizes_the_totals_as_keras_does(keras: Any, policy: str) -> None:
    ours = [line.strip() for line in totals_lines(cnncalc.analyze(spec(layer_dtype=policy)))]
    assert ours == keras_totals(hand_built(keras, policy))


@pytest.mark.parametrize("policy", POLICIES)
def test_spec_dtype_is_keras_global_policy(keras: Any, policy: str) -> None:
    """A spec-wide dtype is keras.config.set_dtype_policy: every layer without its own."""
    before = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        model = keras.Sequential(
            [
                keras.Input(shape=(28, 28, 1)),
                keras.layers.Conv2D(8, 3),
                keras.layers.BatchNormalization(),
                keras.layers.Flatten(),
                keras.layers.Dense(10, dtype="float64"),
            ]
        )
        expected = keras_totals(model)
    finally:
        keras.config.set_dtype_policy(before)
    ours = [line.strip() for line in totals_lines(cnncalc.analyze(spec(spec_dtype=policy)))]
    assert ours == expected


def test_float16_by_hand() -> None:
    """Dense(10) on 5 inputs: (5 + 1)·10 = 60 weights, 2 bytes each = 120 bytes."""
    result = cnncalc.analyze(
        {"input_shape": [5], "dtype": "float16", "layers": [{"type": "Dense", "units": 10}]}
    )
    assert totals_lines(result)[0] == "Total params: 60 (120.00 B)"
    assert result.params_bytes == 60 * 2


def test_the_json_carries_the_dtypes() -> None:
    data = cnncalc.analyze(spec("mixed_float16", "float16")).to_dict()
    assert data["dtype"] == "float16"
    assert [row["dtype"] for row in data["layers"]] == [
        "mixed_float16",
        "mixed_float16",
        "float16",
        "float64",
    ]


@settings(deadline=None)  # two analyses of a random network, on a shared machine
@given(
    seed=st.integers(0, 10_000),
    batch=st.integers(1, 512),
    policy=st.sampled_from(POLICIES),
    difficulty=st.sampled_from(["easy", "medium", "hard"]),
)
def test_batch_and_dtype_change_only_what_keras_prints(
    seed: int, batch: int, policy: str, difficulty: str
) -> None:
    """Shapes and counts do not depend on them; the batch leads every shape and the bytes
    are the weights times their size (hand arithmetic, independent of the rows' code)."""
    from cnncalc.sources.random_networks import random_network

    plain = random_network(seed, difficulty)
    dressed = plain.model_copy(update={"batch_size": batch, "dtype": policy})
    before, after = cnncalc.analyze(plain), cnncalc.analyze(dressed)
    assert [r.output_shape for r in before] == [r.output_shape for r in after]
    assert [r.params for r in before] == [r.params for r in after]
    assert all(row.keras_output_shape[0] == batch for row in after)
    size = {"float16": 2, "bfloat16": 2, "float64": 8}.get(policy, 4)
    assert after.params_bytes == after.total_params * size
    assert after.non_trainable_bytes == after.non_trainable_params * size
    assert before.params_bytes == before.total_params * 4
