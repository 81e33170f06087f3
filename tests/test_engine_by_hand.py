"""The engine's graph walk, checked against what Keras does, worked out by hand in each test.

Naming (Keras's auto-names), wiring (inputs by name, several readers, layers listed out of
order), refusals (unknown inputs, cycles, a first layer without input, sizes past int64, each
with the exact line a user reads) and the trainable / non-trainable split of a frozen layer.
Every expected number is arithmetic written here; the auto-names are the ones Keras 3 gives
(tests/test_bridge_oracles.py compares them with Keras's own).
"""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc import NetworkError, SpecError

INT64_MAX = 2**63 - 1  # Keras's sizes and counts are int64


def dense(units: int, **extra: Any) -> dict[str, Any]:
    return {"type": "Dense", "units": units, **extra}


def analyze(*layers: dict[str, Any], **head: Any) -> cnncalc.Analysis:
    return cnncalc.analyze({**head, "layers": list(layers)})


def refusal(error: type[Exception], *layers: dict[str, Any], **head: Any) -> str:
    """The one line a user reads when the network is refused."""
    with pytest.raises(error) as caught:
        analyze(*layers, **head)
    return str(caught.value)


@pytest.mark.parametrize(
    ("layer", "auto_name"),
    [  # Keras 3: the class name in snake case, acronyms kept whole, digits stay attached
        ({"type": "Conv2D", "filters": 1, "kernel_size": 1}, "conv2d"),
        ({"type": "Conv2DTranspose", "filters": 1, "kernel_size": 1}, "conv2d_transpose"),
        ({"type": "DepthwiseConv2D", "kernel_size": 1}, "depthwise_conv2d"),
        ({"type": "SeparableConv2D", "filters": 1, "kernel_size": 1}, "separable_conv2d"),
        ({"type": "MaxPooling2D", "pool_size": 1}, "max_pooling2d"),
        ({"type": "GlobalAveragePooling2D"}, "global_average_pooling2d"),
        ({"type": "ZeroPadding2D"}, "zero_padding2d"),
        ({"type": "UpSampling2D"}, "up_sampling2d"),
        ({"type": "BatchNormalization"}, "batch_normalization"),
        ({"type": "ReLU"}, "re_lu"),
        ({"type": "PReLU"}, "p_re_lu"),
        ({"type": "LeakyReLU"}, "leaky_re_lu"),
    ],
)
def test_auto_names_are_the_class_name_in_snake_case(layer: dict[str, Any], auto_name: str) -> None:
    assert analyze(layer, input_shape=[4, 4, 2])[0].name == auto_name


def test_auto_names_count_per_kind_and_step_over_given_names() -> None:
    """Keras numbers each kind from its first unnamed layer (dense, dense_1, ...); a name the
    spec gives anywhere, even later, is never reused."""
    result = analyze(
        dense(2),
        dense(2, name="dense_1"),
        {"type": "Flatten"},
        dense(2),
        dense(2),
        {"type": "Flatten"},
        dense(2, name="flatten"),
        input_shape=[3],
    )
    assert [row.name for row in result] == [
        "dense",
        "dense_1",
        "flatten_1",
        "dense_2",
        "dense_3",
        "flatten_2",
        "flatten",
    ]


def test_a_graph_wired_by_name_with_two_outputs() -> None:
    """One trunk read by two heads (inputs by name), a head listed before the layer it reads.

    trunk (4 + 1)·6 = 30; head_a (6 + 1)·3 = 21; head_b (6 + 1)·2 = 14; merged: 3 + 2 = 5.
    """
    result = analyze(
        dense(3, name="head_a", inputs=["trunk"]),
        dense(6, name="trunk", inputs=["input"]),
        dense(2, name="head_b", inputs=["trunk"]),
        {"type": "Concatenate", "name": "both", "inputs": ["head_a", "head_b"]},
        input_shape=[4],
    )
    got = [(r.index, r.name, r.type, r.inputs, r.output_shape, r.params) for r in result]
    assert got == [
        (0, "head_a", "Dense", ("trunk",), (3,), (6 + 1) * 3),
        (1, "trunk", "Dense", ("input",), (6,), (4 + 1) * 6),
        (2, "head_b", "Dense", ("trunk",), (2,), (6 + 1) * 2),
        (3, "both", "Concatenate", ("head_a", "head_b"), (3 + 2,), 0),
    ]
    assert [row.input_shapes for row in result] == [((6,),), ((4,),), ((6,),), ((3,), (2,))]
    assert result.is_graph
    assert result.total_params == 30 + 21 + 14
    assert result.output_shape == (None, 5)


def test_the_computing_order_puts_every_layer_after_its_inputs() -> None:
    """Layers listed before what they read are computed after it, and the inference memory
    peak follows that order. By hand, float32, batch 1: weights ((6 + 1)·2 + (4 + 1)·6)·4 =
    44·4 = 176 bytes; computing trunk first, the input (4) and trunk (6) are alive, then the
    input is freed and head (2) joins trunk: the peak is (4 + 6)·4 = 40 bytes. (In listing
    order head would come first and the input would stay alive with both: (4 + 2 + 6)·4.)"""
    result = analyze(
        dense(2, name="head", inputs=["trunk"]),
        dense(6, name="trunk", inputs=["input"]),
        input_shape=[4],
    )
    assert result.order == (1, 0)
    assert result.memory().inference_peak_bytes == 176 + (4 + 6) * 4


def test_a_merge_waits_for_its_last_input() -> None:
    """A skip over two layers: the Add reads a at once and c two steps later, so it is
    computed after c. (4 + 1)·4 = 20 params per Dense."""
    result = analyze(
        dense(4, name="a"),
        dense(4, name="b"),
        dense(4, name="c"),
        {"type": "Add", "name": "skip", "inputs": ["a", "c"]},
        input_shape=[4],
    )
    assert result.order == (0, 1, 2, 3)
    assert result["skip"].input_shapes == ((4,), (4,))
    assert result.total_params == 3 * 20


def test_the_receptive_field_grows_from_the_input_through_each_layer() -> None:
    """A 2×2 pool at stride 2: r = 1 + (2 − 1)·1 = 2, stride 2; then a 3×3 conv:
    r = 2 + (3 − 1)·2 = 6, stride 2·1 = 2 (the lecture's recurrence, Araujo et al. 2019)."""
    result = analyze(
        {"type": "MaxPooling2D", "pool_size": 2},
        {"type": "Conv2D", "filters": 1, "kernel_size": 3},
        input_shape=[16, 16, 1],
    )
    fields = [(row.receptive_field.size, row.receptive_field.stride) for row in result]
    assert fields == [((2, 2), (2, 2)), ((6, 6), (2, 2))]


def test_a_scalar_per_sample_is_a_shape_of_its_own() -> None:
    """Reshape to [] leaves one value per sample: Keras's (None,)."""
    assert analyze({"type": "Reshape", "target_shape": []}, input_shape=[1]).output_shape == (None,)


def test_a_layer_without_inputs_reads_the_one_listed_before_it() -> None:
    result = analyze(
        {"type": "InputLayer", "shape": [5], "name": "x"},
        dense(4),
        dense(3),
    )
    assert [row.inputs for row in result] == [(), ("x",), ("dense",)]
    assert [row.params for row in result] == [0, (5 + 1) * 4, (4 + 1) * 3]
    assert result.input_shape is None
    assert not result.is_graph  # one InputLayer then a chain: Keras's Sequential


@pytest.mark.parametrize(
    ("layers", "head", "graph"),
    [
        ([dense(2), dense(2)], {"input_shape": [3]}, False),
        ([dense(2, name="a"), dense(2, inputs=["a"])], {"input_shape": [3]}, False),
        ([dense(2, inputs=["input"]), dense(2, inputs=["input"])], {"input_shape": [3]}, True),
        (  # an explicit InputLayer besides input_shape: two inputs
            [{"type": "InputLayer", "shape": [3], "name": "x"}, dense(2, inputs=["x"])],
            {"input_shape": [3]},
            True,
        ),
        (
            [dense(2, name="a"), {"type": "Add", "inputs": ["a", "input"]}],
            {"input_shape": [2]},
            True,
        ),
    ],
    ids=["chain", "chain wired by name", "two readers", "two inputs", "a merge"],
)
def test_a_graph_is_functional_and_a_chain_sequential(
    layers: list[dict[str, Any]], head: dict[str, Any], graph: bool
) -> None:
    """Keras prints a graph with an InputLayer row and a Connected to column; a chain without."""
    result = analyze(*layers, **head)
    assert result.is_graph is graph
    table = result.to_table()
    assert ("Connected to" in table) is graph
    assert table.startswith('Model: "functional"' if graph else 'Model: "sequential"')


@pytest.mark.parametrize(
    ("layers", "head", "message"),
    [
        (
            [dense(2, name="a"), dense(2, inputs=["a", "zzz"])],
            {"input_shape": [3]},
            "layers[1].inputs: no layer is named 'zzz'",
        ),
        (  # without input_shape there is no implicit input to read
            [{"type": "InputLayer", "shape": [3], "name": "x"}, dense(2, inputs=["input"])],
            {},
            "layers[1].inputs: no layer is named 'input'",
        ),
        (
            [dense(2, name="inputs", inputs=["inputs"]), dense(2, inputs=["inpt"])],
            {"input_shape": [3]},
            "layers[1].inputs: no layer is named 'inpt'; did you mean 'input'?",
        ),
        (
            [{"type": "Flatten"}],
            {},
            "layers[0] 'flatten' (Flatten) has no input: give the spec an input_shape, or "
            "start with an InputLayer",
        ),
    ],
    ids=["unknown", "no implicit input", "the implicit input suggested", "no input at all"],
)
def test_unknown_inputs_are_refused_naming_where(
    layers: list[dict[str, Any]], head: dict[str, Any], message: str
) -> None:
    assert refusal(SpecError, *layers, **head) == message


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        (  # b → c → d → b, wired backwards (each reads the next one listed)
            [
                dense(2, name="a"),
                dense(2, name="b", inputs=["d"]),
                dense(2, name="c", inputs=["b"]),
                dense(2, name="d", inputs=["c"]),
            ],
            "layers[1].inputs: the layers read each other in a cycle: 'b' → 'c' → 'd' → 'b'",
        ),
        (  # e reads the cycle but is not in it; b also reads the input and a computed layer
            [
                dense(2, name="e", inputs=["c"]),
                {"type": "Add", "name": "b", "inputs": ["input", "a", "d"]},
                dense(2, name="c", inputs=["b"]),
                dense(2, name="d", inputs=["c"]),
                dense(2, name="a", inputs=["input"]),
            ],
            "layers[2].inputs: the layers read each other in a cycle: 'c' → 'd' → 'b' → 'c'",
        ),
    ],
    ids=["a three-layer cycle", "a cycle with a layer reading it"],
)
def test_a_cycle_is_named_layer_by_layer(layers: list[dict[str, Any]], message: str) -> None:
    assert refusal(SpecError, *layers, input_shape=[2]) == message


def test_a_frozen_layer_and_batch_normalization_split_the_weights() -> None:
    """A frozen Dense: (4 + 1)·3 = 15, all non-trainable. BatchNormalization over 3 features:
    γ, β trainable (2·3 = 6), moving mean and variance not (2·3 = 6); frozen, all 12 are
    not. A trainable Dense: (3 + 1)·2 = 8."""
    result = analyze(
        dense(3, trainable=False),
        {"type": "BatchNormalization"},
        {"type": "BatchNormalization", "trainable": False},
        dense(2),
        input_shape=[4],
    )
    split = [(row.params, row.trainable_params, row.non_trainable_params) for row in result]
    assert split == [(15, 0, 15), (12, 6, 6), (12, 0, 12), (8, 8, 0)]
    assert (result.total_params, result.trainable_params, result.non_trainable_params) == (
        15 + 12 + 12 + 8,
        6 + 8,
        15 + 6 + 12,
    )


def test_a_fixed_batch_travels_to_every_layer_that_reads_it() -> None:
    """Keras keeps a declared batch size through every layer; a merge of an input with a fixed
    batch and one without carries the fixed one."""
    result = analyze(
        {"type": "InputLayer", "shape": [3], "name": "free"},
        {"type": "InputLayer", "shape": [3], "batch_size": 8, "name": "fixed"},
        {"type": "Add", "name": "sum", "inputs": ["free", "fixed"]},
        dense(2),
    )
    assert [row.keras_output_shape for row in result] == [
        (None, 3),
        (8, 3),
        (8, 3),
        (8, 2),
    ]


def test_a_spec_batch_size_is_first_in_every_shape() -> None:
    result = analyze(dense(2), input_shape=[3], batch_size=16)
    assert result.output_shape == (16, 2)
    assert result.batch_size == 16


@pytest.mark.parametrize(
    ("head", "layer_dtype", "bytes_per_weight", "policy"),
    [
        ({}, None, 4, None),  # float32
        ({"dtype": "float16"}, None, 2, "float16"),
        ({"dtype": "float16"}, "float64", 8, "float16"),  # the layer's own wins
        ({}, "float64", 8, "float64"),  # the spec's policy is the one its layers declare
    ],
)
def test_each_weight_is_sized_by_its_dtype(
    head: dict[str, Any], layer_dtype: str | None, bytes_per_weight: int, policy: str | None
) -> None:
    """(3 + 1)·2 = 8 weights."""
    extra = {} if layer_dtype is None else {"dtype": layer_dtype}
    result = analyze(dense(2, **extra), input_shape=[3], **head)
    assert result.params_bytes == 8 * bytes_per_weight
    assert result.dtype == policy


def test_a_nested_model_takes_the_spec_dtype_policy() -> None:
    """Keras's global policy holds inside a nested model: (3 + 1)·2 = 8 float16 weights."""
    result = analyze(
        {"type": "Sequential", "name": "block", "layers": [dense(2, name="inner")]},
        input_shape=[3],
        dtype="float16",
    )
    assert result["block"].nested[0].dtype == "float16"
    assert result.params_bytes == 8 * 2


def test_a_nested_models_error_names_the_outer_layer_then_the_inner_one() -> None:
    message = refusal(
        NetworkError,
        {"type": "Sequential", "name": "block", "layers": [dense(1), {"type": "Add"}]},
        input_shape=[3],
    )
    assert message == (
        "layer 0 'block' (Sequential): inside the nested model: layer 1 'add' (Add): "
        "Add needs at least 2 inputs, got 1; list them in `inputs`"
    )


BITS_OVER = f"exceeds Keras's int64 (at most 2^63 − 1 = {INT64_MAX:,})"


@pytest.mark.parametrize(
    ("layers", "input_shape", "message"),
    [
        (  # exactly int64's largest: 7 · (2^63 − 1)/7 values
            [{"type": "Flatten", "name": "f"}],
            [7, INT64_MAX // 7],
            None,
        ),
        (  # 8 · 2^60 = 2^63 needs 64 bits
            [{"type": "Flatten", "name": "f"}],
            [8, 2**60],
            f"layer 0 'f' (Flatten): an output size of 64 bits {BITS_OVER}",
        ),
        (  # an unknown size beside the huge one is passed over
            [{"type": "UpSampling1D", "size": 8, "name": "u"}],
            [2**60, None],
            f"layer 0 'u' (UpSampling1D): an output size of 64 bits {BITS_OVER}",
        ),
        (  # (n + 1)·7 = 2^63 − 1 exactly
            [dense(7, name="d")],
            [INT64_MAX // 7 - 1],
            None,
        ),
        (  # (2^62 + 1)·4 = 2^64 + 4 needs 65 bits
            [dense(4, name="d")],
            [2**62],
            f"layer 0 'd' (Dense): the parameter count of 65 bits {BITS_OVER}",
        ),
    ],
    ids=["largest size", "size past", "size past beside None", "largest count", "count past"],
)
def test_sizes_and_counts_stop_at_int64(
    layers: list[dict[str, Any]], input_shape: list[Any], message: str | None
) -> None:
    assert INT64_MAX % 7 == 0  # 2^63 − 1 = 7² · 73 · 127 · 337 · 92737 · 649657
    if message is None:
        row = analyze(*layers, input_shape=input_shape)[0]
        assert max(row.output_shape[0], row.params) == INT64_MAX
    else:
        assert refusal(NetworkError, *layers, input_shape=input_shape) == message


def test_a_row_carries_its_rules_working_and_costs() -> None:
    """A 3×3 conv on 5×5×1: a 3×3 output, (3·3·1 + 1)·1 = 10 params; MACs 3·3 positions ×
    3·3·1 weights = 81; 9 bias additions; the cost working then the receptive field's."""
    row = analyze({"type": "Conv2D", "filters": 1, "kernel_size": 3}, input_shape=[5, 5, 1])[0]
    assert row.working[-1] == "params = (3·3·1 + 1)·1 = 10"
    assert (row.macs, row.ops) == (3 * 3 * 3 * 3 * 1, 3 * 3)
    assert row.cost_working[0] == "macs = 3·3·1 · 3·3·1 = 81"
    assert row.cost_working[-1].startswith("receptive_field_width: r = 1 + (3 − 1)·1 = 3")
