"""Wrappers worked by hand (no Keras needed, so the mutation run counts them).

Keras's wrappers hold a layer: Bidirectional runs it forwards and a copy (or backward_layer)
backwards, so the weights double and concat doubles the forward output's last axis;
TimeDistributed applies one layer, one set of weights, at every step of axis 1; Pipeline
applies its layers in order; SpectralNormalization adds a non-trainable vector u with one
value per column of the held layer's kernel (Miyato et al. 2018; Keras's `vector_u`). A held
layer given trainable: false keeps its weights out of training, as Keras does. Costs are the
held layers', at every step or in both directions.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of

RNN_NOTE = "steps · the input and recurrent kernels of every gate"
LSTM4 = {"type": "LSTM", "units": 4}
# An LSTM of 4 units on 3 features: 4·((3 + 4)·4 + 4) = 128 weights;
# 10 steps: 10 · 4·3·4 + 10 · 4·4·4 = 480 + 640 = 1120 MACs.
LSTM4_MACS = f"macs = 10 · 4 · 3·4 + 10 · 4 · 4·4 = 480 + 640 = 1120  ({RNN_NOTE})"


def test_bidirectional_lstm_by_hand() -> None:
    """128 weights each way; concat doubles the forward size: 2·4 = 8; 1120 MACs each way."""
    row = one_layer([10, 3], "Bidirectional", layer=LSTM4)
    assert (row.output_shape, row.params, row.non_trainable_params) == ((8,), 256, 0)
    assert row.working == (
        "forward LSTM → (None, 4), params 128",
        "  output: the last step → (None, 4)",
        "  4 gates (input, forget, cell, output), each (input_dim + units)·units + its bias",
        "  params = 4·((3 + 4)·4 + 4) = 128",
        "backward LSTM → (None, 4), params 128",
        "  output: the last step → (None, 4)",
        "  4 gates (input, forget, cell, output), each (input_dim + units)·units + its bias",
        "  params = 4·((3 + 4)·4 + 4) = 128",
        "output: concat: last axis 2·4 (Keras: 2·forward) → (None, 8)",
        "params = 128 + 128 = 256",
    )
    assert (row.macs, row.ops) == (2240, 0)
    assert row.cost_working[:6] == (
        "forward:",
        f"  {LSTM4_MACS}",
        "backward:",
        f"  {LSTM4_MACS}",
        "macs = 1120 (forward) + 1120 (backward) = 2240  (both directions)",
        "ops = 0 (forward) + 0 (backward) = 0  (both directions)",
    )


# (input shape, layer, output shape, params, non-trainable, a working line) — by hand.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, int, str]] = [
    # GRU 3 on 2 features: 3·((2 + 3)·3 + 2·3) = 63 each way; sum keeps (5, 3)
    (
        [5, 2],
        {
            "type": "Bidirectional",
            "layer": {"type": "GRU", "units": 3, "return_sequences": True},
            "merge_mode": "sum",
        },
        (5, 3),
        126,
        0,
        "output: sum: element-wise, the shape stays → (None, 5, 3)",
    ),
    (
        [5, 2],
        {
            "type": "Bidirectional",
            "layer": {"type": "GRU", "units": 3, "return_sequences": True},
            "merge_mode": "ave",
        },
        (5, 3),
        126,
        0,
        "output: ave: element-wise, the shape stays → (None, 5, 3)",
    ),
    # its own backward layer: GRU 2 on 3 features, 3·((3 + 2)·2 + 2·2) = 42; Keras's concat
    # still reports 2·the forward size, 2·4 = 8
    (
        [10, 3],
        {"type": "Bidirectional", "layer": LSTM4, "backward_layer": {"type": "GRU", "units": 2}},
        (8,),
        128 + 42,
        0,
        "backward GRU → (None, 2), params 42",
    ),
    # a frozen held layer: Keras counts both directions' weights as non-trainable
    (
        [10, 3],
        {"type": "Bidirectional", "layer": {**LSTM4, "trainable": False}},
        (8,),
        256,
        256,
        "params = 128 + 128 = 256",
    ),
    # TimeDistributed Conv2D: 8 − 3 + 1 = 6 at each of 5 steps; (3·3·3 + 1)·4 = 112
    (
        [5, 8, 8, 3],
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 4, "kernel_size": 3}},
        (5, 6, 6, 4),
        112,
        0,
        "each of the 5 steps: (None, 8, 8, 3) → (None, 6, 6, 4)",
    ),
    (
        [5, 8, 8, 3],
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 4, "kernel_size": 3}},
        (5, 6, 6, 4),
        112,
        0,
        "params = the layer's, shared by every step = 112",
    ),
    # a frozen Dense at every step: (3 + 1)·4 = 16, all non-trainable
    (
        [5, 3],
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 4, "trainable": False}},
        (5, 4),
        16,
        16,
        "layer Dense → (None, 4), params 16",
    ),
    # Pipeline: Dense 4 → 3 frozen, (4 + 1)·3 = 15; Dense 3 → 2 trained, (3 + 1)·2 = 8
    (
        [4],
        {
            "type": "Pipeline",
            "layers": [
                {"type": "Dense", "units": 3, "trainable": False},
                {"type": "Dense", "units": 2},
            ],
        },
        (2,),
        23,
        15,
        "params = the sum over its 2 layers = 23",
    ),
    # SpectralNormalization: u has the kernel's last axis, non-trainable
    # Dense 3 → 4: (3 + 1)·4 = 16, u 4
    (
        [3],
        {"type": "SpectralNormalization", "layer": {"type": "Dense", "units": 4}},
        (4,),
        20,
        4,
        "u = the kernel's last axis = 4 (non-trainable)",
    ),
    # frozen Dense: its 16 join u's 4
    (
        [3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Dense", "units": 4, "trainable": False},
        },
        (4,),
        20,
        20,
        "params = 16 + 4 = 20",
    ),
    # Conv2D 8 filters of 3·3·3: (27 + 1)·8 = 224, u 8
    (
        [5, 5, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Conv2D", "filters": 8, "kernel_size": 3},
        },
        (3, 3, 8),
        232,
        8,
        "params = 224 + 8 = 232",
    ),
    # depthwise kernel (3, 3, 3, 2): 3·3·3·2 + 3·2 = 60, u 2
    (
        [5, 5, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": 2},
        },
        (3, 3, 6),
        62,
        2,
        "u = the kernel's last axis = 2 (non-trainable)",
    ),
    # transposed kernel (3, 3, filters, input depth): last axis 3; 3·3·3·4 + 4 = 112, u 3
    (
        [5, 5, 3],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Conv2DTranspose", "filters": 4, "kernel_size": 3},
        },
        (7, 7, 4),
        115,
        3,
        "u = the kernel's last axis = 3 (non-trainable)",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "params", "non_trainable", "line"),
    CASES,
)
def test_wrappers_by_hand(
    input_shape: list[Any],
    layer: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    non_trainable: int,
    line: str,
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (
        shape,
        params,
        non_trainable,
    )
    assert line in row.working


def test_a_time_distributed_convolution_costs_its_convolution_at_every_step() -> None:
    """Per step 6·6·4 · 3·3·3 = 3888 MACs and 6·6·4 = 144 biases; 5 steps: 19440 and 720."""
    row = one_layer(
        [5, 8, 8, 3], "TimeDistributed", layer={"type": "Conv2D", "filters": 4, "kernel_size": 3}
    )
    assert (row.macs, row.ops) == (19440, 720)
    assert "macs = 5 · 3888 = 19440  (the layer's, at every step)" in row.cost_working
    assert "ops = 5 · 144 = 720  (the layer's, at every step)" in row.cost_working


def test_an_alias_inside_a_wrapper_is_read_as_its_class() -> None:
    """Convolution1D is Conv1D; each of the 6 steps is a (4, 3) sequence."""
    spec = {
        "input_shape": [6, 4, 3],
        "layers": [
            {
                "type": "TimeDistributed",
                "layer": {"type": "Convolution1D", "filters": 2, "kernel_size": 3},
            }
        ],
    }
    row = cnncalc.analyze(spec)[0]
    # each step (4, 3): 4 − 3 + 1 = 2 positions, (3·3 + 1)·2 = 20 weights
    assert (row.output_shape, row.params) == ((6, 2, 2), 20)
    assert "layer Conv1D → (None, 2, 2), params 20" in row.working


# (input shape, layer, the message after "layer 0 'name' (Kind): ")
REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [10, 3],
        {"type": "Bidirectional", "layer": {"type": "Dense", "units": 2}},
        "its layer must be a recurrent layer (LSTM, GRU, SimpleRNN, RNN, ConvLSTM2D, …), not Dense",
    ),
    (
        [10, 3],
        {"type": "Bidirectional", "layer": LSTM4, "backward_layer": {"type": "Dense", "units": 4}},
        "its backward_layer must be a recurrent layer (LSTM, GRU, SimpleRNN, RNN, ConvLSTM2D, "
        "…), not Dense",
    ),
    (
        [10, 3],
        {"type": "Bidirectional", "layer": LSTM4, "merge_mode": None},
        "merge_mode None returns the two directions as two outputs; cnncalc follows one output "
        "per layer: merge them (concat, sum, mul or ave)",
    ),
    (
        [10, 3],
        {
            "type": "Bidirectional",
            "layer": LSTM4,
            "backward_layer": {"type": "GRU", "units": 2},
            "merge_mode": "mul",
        },
        "the directions' outputs (None, 4) and (None, 2) cannot be merged with merge_mode 'mul'",
    ),
    # concat needs the same steps: (10, 4) against the last step's (4,)
    (
        [10, 3],
        {
            "type": "Bidirectional",
            "layer": {**LSTM4, "return_sequences": True},
            "backward_layer": {"type": "GRU", "units": 4},
        },
        "the directions' outputs (None, 10, 4) and (None, 4) cannot be merged with merge_mode "
        "'concat'",
    ),
    (
        [10, 1],
        {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 2, "return_state": True}},
        "its layer (LSTM): return_state=True returns the states as more outputs; cnncalc "
        "follows one output per layer",
    ),
    (
        [5],
        {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2}},
        "TimeDistributed needs (batch, time, …) with at least one axis per step, got (None, 5)",
    ),
    (
        [5, 4, 4, 1],
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 1, "kernel_size": 9}},
        "its layer (Conv2D): a 9×9 kernel does not fit a 4×4 input with padding 'valid': "
        "⌊(4 + 2·0 − 9)/1⌋ + 1 = −4",
    ),
    (
        [4, 4, 1],
        {
            "type": "Pipeline",
            "layers": [{"type": "Flatten"}, {"type": "Conv2D", "filters": 1, "kernel_size": 1}],
        },
        "its layers[1] (Conv2D): Conv2D expects a 4-D input (batch, height, width, channels), "
        "got (None, 16)",
    ),
    (
        [4, 3],
        {"type": "SpectralNormalization", "layer": {"type": "BatchNormalization"}},
        "SpectralNormalization needs a layer with a kernel, not BatchNormalization",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSED)
def test_wrapper_refusals_say_why(
    input_shape: list[Any], layer: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=f": {re.escape(message)}$") as caught:
        row_of(input_shape, layer)
    assert caught.value.exit_code == 1


# (held layer, the spec error) — a held layer is checked like any spec layer
SPEC_ERRORS: list[tuple[Any, str]] = [
    (
        {"type": "Dens", "units": 4},
        "layers[0].layer: the nested layer's type 'Dens' is not a known layer type; did you "
        'mean \'Dense\'? (got {"type": "Dens", "units": 4})',
    ),
    (
        {"units": 4},
        "layers[0].layer: the nested layer's type 'None' is not a known layer type "
        '(got {"units": 4})',
    ),
    (
        {"type": "Dense"},
        'layers[0].layer: the nested Dense: units: Field required (got {"type": "Dense"})',
    ),
]


@pytest.mark.parametrize(("held", "message"), SPEC_ERRORS)
def test_a_held_layer_is_checked_like_a_spec_layer(held: Any, message: str) -> None:
    spec = {"input_shape": [5, 3], "layers": [{"type": "TimeDistributed", "layer": held}]}
    with pytest.raises(CnncalcError) as caught:
        cnncalc.analyze(spec)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


# (input shape, held layer, whether each output keeps its own receptive field)
FIELDS: list[tuple[list[int], dict[str, Any], str]] = [
    # a vector per step: step t reads only step t
    ([6, 3], {"type": "TimeDistributed", "layer": {"type": "Dense", "units": 2}}, "own"),
    # a per-position layer inside each step keeps every position's field
    ([5, 8, 8, 3], {"type": "TimeDistributed", "layer": {"type": "BatchNormalization"}}, "own"),
    # a window inside each step is not traced: the whole input is assumed
    (
        [5, 8, 8, 3],
        {"type": "TimeDistributed", "layer": {"type": "Conv2D", "filters": 1, "kernel_size": 3}},
        "whole",
    ),
    ([5, 8, 8, 3], {"type": "TimeDistributed", "layer": {"type": "Flatten"}}, "whole"),
    ([8, 8, 3], {"type": "SpectralNormalization", "layer": {"type": "Dense", "units": 2}}, "own"),
    ([10, 3], {"type": "Bidirectional", "layer": {**LSTM4, "return_sequences": True}}, "whole"),
]


@pytest.mark.parametrize(("input_shape", "layer", "field"), FIELDS)
def test_which_wrappers_keep_positions(
    input_shape: list[int], layer: dict[str, Any], field: str
) -> None:
    row = row_of(input_shape, layer)
    if field == "own":
        assert row.receptive_field is not None
        assert row.receptive_field.size == (1,) * len(row.receptive_field.size)
    else:
        assert row.receptive_field is None


def test_spectral_normalization_shows_its_layer_and_costs() -> None:
    """Dense 3 → 4: (3 + 1)·4 = 16 weights, 4·3 = 12 MACs, 4 biases; u adds 4."""
    row = one_layer([3], "SpectralNormalization", layer={"type": "Dense", "units": 4})
    assert row.working == (
        "layer Dense → (None, 4), params 16",
        "  output: the last axis 3 becomes units = 4",
        "  params = (3 + 1)·4 = 16",
        "u = the kernel's last axis = 4 (non-trainable)",
        "params = 16 + 4 = 20",
    )
    assert row.cost_working[:5] == (
        "layer:",
        "  macs = 4 · 3 = 12",
        "  ops = 4 = 4  (bias additions)",
        "macs = 12 (layer) = 12  (the layer's; the power iteration trains)",
        "ops = 4 (layer) = 4  (the layer's; the power iteration trains)",
    )


def test_a_pipeline_shows_each_layer_s_working() -> None:
    """Dense 4 → 3: (4 + 1)·3 = 15; Dense 3 → 2: (3 + 1)·2 = 8; 23 in all."""
    row = one_layer(
        [4], "Pipeline", layers=[{"type": "Dense", "units": 3}, {"type": "Dense", "units": 2}]
    )
    assert row.working == (
        "layers[0] Dense → (None, 3), params 15",
        "  output: the last axis 4 becomes units = 3",
        "  params = (4 + 1)·3 = 15",
        "layers[1] Dense → (None, 2), params 8",
        "  output: the last axis 3 becomes units = 2",
        "  params = (3 + 1)·2 = 8",
        "params = the sum over its 2 layers = 23",
    )
    assert "macs = 12 (layers[0]) + 6 (layers[1]) = 18  (its layers in order)" in row.cost_working


def test_time_distributed_names_each_step_in_its_costs() -> None:
    row = one_layer([6, 3], "TimeDistributed", layer={"type": "Dense", "units": 5})
    assert row.cost_working[:3] == (
        "each step:",
        "  macs = 5 · 3 = 15",
        "  ops = 5 = 5  (bias additions)",
    )


# (input shape, layer, output shape, params) — concat's doubling by hand
CONCAT: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int]] = [
    # every step: (10, 2·4)
    (
        [10, 3],
        {"type": "Bidirectional", "layer": {**LSTM4, "return_sequences": True}},
        (10, 8),
        256,
    ),
    # channels first, the last axis (the width) unknown: 2·? is unknown; 4·(3·3·3·2 +
    # 3·3·2·2 + 2) = 368 each way
    (
        [4, 3, 8, None],
        {
            "type": "Bidirectional",
            "layer": {
                "type": "ConvLSTM2D",
                "filters": 2,
                "kernel_size": 3,
                "data_format": "channels_first",
            },
        },
        (2, 6, None),
        736,
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "shape", "params"), CONCAT)
def test_concat_doubles_the_last_axis(
    input_shape: list[Any], layer: dict[str, Any], shape: tuple[Any, ...], params: int
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params) == (shape, params)


# (input shape, the held layer's failure named with its role)
NAMED_FAILURES: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [10, 3],
        {
            "type": "Bidirectional",
            "layer": LSTM4,
            "backward_layer": {"type": "GRU", "units": 4, "return_state": True},
        },
        "its backward_layer (GRU): return_state=True",
    ),
    (
        [4, 4, 1],
        {
            "type": "SpectralNormalization",
            "layer": {"type": "Conv2D", "filters": 1, "kernel_size": 9},
        },
        "its layer (Conv2D): a 9×9 kernel does not fit a 4×4 input",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "start"), NAMED_FAILURES)
def test_a_held_layer_s_failure_names_its_role(
    input_shape: list[Any], layer: dict[str, Any], start: str
) -> None:
    with pytest.raises(CnncalcError, match=f"\\({layer['type']}\\): {re.escape(start)}"):
        row_of(input_shape, layer)


def test_a_type_that_is_no_name_is_refused_as_a_spec_error() -> None:
    spec = {
        "input_shape": [5, 3],
        "layers": [{"type": "TimeDistributed", "layer": {"type": ["Dense"]}}],
    }
    with pytest.raises(
        CnncalcError, match="the nested layer's type '\\['Dense'\\]' is not a known"
    ):
        cnncalc.analyze(spec)


def test_a_nested_error_names_its_whole_path() -> None:
    """A Pipeline inside TimeDistributed: its layers' first item lacks units."""
    spec = {
        "input_shape": [5, 3],
        "layers": [
            {
                "type": "TimeDistributed",
                "layer": {"type": "Pipeline", "layers": [{"type": "Dense"}]},
            }
        ],
    }
    with pytest.raises(CnncalcError, match=re.escape("the nested Pipeline: layers.0: ")):
        cnncalc.analyze(spec)


# each step (8, 3) of a TimeDistributed layer: a layer mixing the step's positions mixes the
# output's; one keeping them keeps them
def test_time_distributed_carries_its_layer_s_positions() -> None:
    mixed = one_layer([5, 8, 3], "TimeDistributed", layer={"type": "GlobalAveragePooling1D"})
    assert (mixed.output_shape, mixed.receptive_field) == ((5, 3), None)
    assert "receptive field = the whole input  (TimeDistributed mixes every position)" in (
        mixed.cost_working
    )
    own = one_layer([5, 4, 6], "TimeDistributed", layer={"type": "LayerNormalization"})
    assert own.receptive_field is not None and own.receptive_field.size == (1, 1)
