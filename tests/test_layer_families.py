"""The families added for every Keras kind: hand-checked arithmetic, aliases, nesting, and
bad input that names the layer (exit 1) or the spec key (exit 2) without a traceback."""

from __future__ import annotations

from typing import Any

import pytest

import cnncalc
from cnncalc import NetworkError, SpecError

from .test_engine import net


@pytest.mark.parametrize(
    ("input_shape", "layer", "output_shape", "params", "line"),
    [
        # LSTM(128) on 300-dimensional word vectors: 4 gates × ((300 + 128)·128 + 128)
        (
            [None, 300],
            {"type": "LSTM", "units": 128},
            (128,),
            4 * ((300 + 128) * 128 + 128),
            "params = 4·((300 + 128)·128 + 128) = 219648",
        ),
        (
            [20, 16],
            {"type": "GRU", "units": 32, "return_sequences": True},
            (20, 32),
            3 * ((16 + 32) * 32 + 2 * 32),
            "params = 3·((16 + 32)·32 + 2·32) = 4800",
        ),
        (
            [20, 16],
            {"type": "SimpleRNN", "units": 8, "use_bias": False},
            (8,),
            (16 + 8) * 8,
            "params = (16 + 8)·8 = 192",
        ),
        (
            [10, 32, 32, 3],
            {"type": "ConvLSTM2D", "filters": 16, "kernel_size": 3, "padding": "same"},
            (32, 32, 16),
            4 * (3 * 3 * 3 * 16 + 3 * 3 * 16 * 16 + 16),
            "params = 4·(3·3·3·16 + 3·3·16·16 + 16) = 11008",
        ),
        (
            [12],
            {"type": "Embedding", "input_dim": 10000, "output_dim": 64},
            (12, 64),
            10000 * 64,
            "params = input_dim·output_dim = 10000·64 = 640000",
        ),
        (
            [32, 32, 16],
            {"type": "PReLU", "shared_axes": [1, 2]},
            (32, 32, 16),
            16,
            "params (α) = 1·1·16 (shared_axes [1, 2] → 1) = 16",
        ),
        (
            [4, 4, 16],
            {"type": "Permute", "dims": [3, 1, 2]},
            (16, 4, 4),
            0,
            "axes [3, 1, 2] → (None, 16, 4, 4); params = 0",
        ),
    ],
)
def test_rules_show_their_working(
    input_shape: list[Any], layer: dict[str, Any], output_shape: tuple, params: int, line: str
) -> None:
    row = cnncalc.analyze(net(layer, input_shape=input_shape))[0]
    assert (row.output_shape, row.params) == (output_shape, params)
    assert line in row.working


def test_multi_head_attention_counts_four_projections() -> None:
    """Query 8 → 2 heads × 3, key/value 6 → 2 × 3, output 2·3 → 8, each with its bias."""
    spec = net(
        {"type": "InputLayer", "shape": [5, 8], "name": "q"},
        {"type": "InputLayer", "shape": [7, 6], "name": "v"},
        {"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 3, "inputs": ["q", "v"]},
    )
    row = cnncalc.analyze(spec)[2]
    by_hand = (8 * 2 * 3 + 2 * 3) + 2 * (6 * 2 * 3 + 2 * 3) + (2 * 3 * 8 + 8)
    assert (row.output_shape, row.params) == ((5, 8), by_hand)


@pytest.mark.parametrize(
    ("alias", "kind"),
    [("MaxPool2D", "MaxPooling2D"), ("Convolution2D", "Conv2D"), ("AvgPool2D", "AveragePooling2D")],
)
def test_aliases_become_the_keras_class_name(alias: str, kind: str) -> None:
    layer = {"type": alias} | ({"filters": 2, "kernel_size": 3} if "Conv" in alias else {})
    row = cnncalc.analyze(net(layer, input_shape=[8, 8, 1]))[0]
    assert row.type == kind and row.name == cnncalc.engine.keras_snake_case(kind)


def test_nested_layers_are_written_back_as_nested_specs() -> None:
    spec = cnncalc.load_spec(
        net(
            {"type": "Bidirectional", "layer": {"type": "LSTM", "units": 4, "go_backwards": True}},
            {
                "type": "RNN",
                "cell": [{"type": "LSTMCell", "units": 2}, {"type": "GRUCell", "units": 3}],
            },
            input_shape=[10, 8],
        )
    )
    spec.layers[1].inputs = ["input"]  # both read the sequence
    written = spec.to_dict()["layers"]
    assert written[0] == {
        "type": "Bidirectional",
        "layer": {"type": "LSTM", "units": 4, "go_backwards": True},
    }
    assert written[1]["cell"][1] == {"type": "GRUCell", "units": 3}
    assert cnncalc.analyze(spec.to_dict()).total_params == cnncalc.analyze(spec).total_params


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            net({"type": "LSTM", "units": 4}, input_shape=[5, 5, 3]),
            "layer 0 'lstm' (LSTM): LSTM expects a 3-D input (batch, time, features), "
            "got (None, 5, 5, 3)",
        ),
        (
            net(
                {"type": "Bidirectional", "layer": {"type": "Dense", "units": 2}},
                input_shape=[5, 3],
            ),
            "layer 0 'bidirectional' (Bidirectional): its layer must be a recurrent layer "
            "(LSTM, GRU, SimpleRNN, RNN, ConvLSTM2D, …), not Dense",
        ),
        (
            net(
                {
                    "type": "TimeDistributed",
                    "layer": {"type": "Conv2D", "filters": 2, "kernel_size": 5},
                },
                input_shape=[4, 3, 3, 1],
            ),
            "layer 0 'time_distributed' (TimeDistributed): its layer (Conv2D): a 5×5 kernel does "
            "not fit a 3×3 input with padding 'valid': ⌊(3 + 2·0 − 5)/1⌋ + 1 = −1",
        ),
        (
            net({"type": "LSTMCell", "units": 4}, input_shape=[5, 3]),
            "layer 0 'lstm_cell' (LSTMCell): a LSTMCell is one step of a recurrent layer: make "
            'it the `cell` of an RNN layer, e.g. {"type": "RNN", "cell": {"type": "LSTMCell", …}}',
        ),
        (
            net({"type": "GroupNormalization", "groups": 4}, input_shape=[8, 8, 6]),
            "layer 0 'group_normalization' (GroupNormalization): 6 channels do not split into "
            "groups=4: 6/4 = 1.5",
        ),
        (
            net({"type": "MultiHeadAttention", "num_heads": 2, "key_dim": 2}, input_shape=[5, 3]),
            "layer 0 'multi_head_attention' (MultiHeadAttention): MultiHeadAttention reads "
            "[query, value] or [query, value, key], got 1 inputs",
        ),
        (
            net({"type": "StringLookup", "output_mode": "one_hot"}, input_shape=[4]),
            "layer 0 'string_lookup' (StringLookup): output_mode 'one_hot' needs the vocabulary "
            "as a list in the spec (cnncalc never reads files or adapts): its size is the output's",
        ),
        (
            net({"type": "RandomColorDegeneration", "factor": 0.1}, input_shape=[8, 8, 1]),
            "layer 0 'random_color_degeneration' (RandomColorDegeneration): "
            "RandomColorDegeneration works on RGB images: 3 channels, got 1",
        ),
        (
            net({"type": "GRU", "units": 2, "return_state": True}, input_shape=[5, 3]),
            "layer 0 'gru' (GRU): return_state=True returns the states as more outputs; cnncalc "
            "follows one output per layer",
        ),
        (
            net({"type": "EinsumDense", "equation": "ab,bc", "output_shape": 2}, input_shape=[3]),
            "layer 0 'einsum_dense' (EinsumDense): the equation 'ab,bc' is not of the forms "
            "'ab,bc->ac' or '...b,bc->...c'",
        ),
    ],
)
def test_impossible_layers_name_the_layer(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(NetworkError) as caught:
        cnncalc.analyze(spec)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (
            {"type": "Bidirectional", "layer": {"type": "LTSM", "units": 4}},
            "layers[0].layer: the nested layer's type 'LTSM' is not a known layer type; "
            "did you mean 'LSTM'?",
        ),
        (
            {"type": "TimeDistributed", "layer": {"type": "Dense"}},
            "layers[0].layer: the nested Dense: units: Field required",
        ),
        (
            {"type": "TextVectorization", "output_mode": "count", "output_sequence_length": 5},
            "layers[0]: output_sequence_length is only for output_mode 'int', not 'count'",
        ),
    ],
)
def test_invalid_nested_or_conflicting_arguments_are_spec_errors(
    layer: dict[str, Any], message: str
) -> None:
    with pytest.raises(SpecError) as caught:
        cnncalc.analyze(net(layer, input_shape=[5, 3]))
    assert str(caught.value).startswith(message)
    assert caught.value.exit_code == 2
