"""Recurrent layers worked by hand (no Keras needed, so the mutation run counts them).

Keras's weights per gate: an input kernel F·u, a recurrent kernel u·u and a bias u, so
SimpleRNN has (F + u)·u + u, LSTM 4·((F + u)·u + u) with its input, forget, cell and output
gates (Hochreiter & Schmidhuber 1997; Keras's LSTMCell holds kernel (F, 4u), recurrent_kernel
(u, 4u), bias (4u,)), and GRU 3·((F + u)·u + 2·u) with reset_after (Keras's default: an input
and a recurrent bias per gate, bias shape (2, 3u)) or 3·((F + u)·u + u) without (Cho et al.
2014). ConvLSTM's gates are convolutions: 4·(k·k·C·f + k·k·f·f + f). Each step multiplies the
step's input by every gate's input kernel and the previous state by every recurrent kernel:
MACs = T · gates·(F·u + u·u).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of

MACS_NOTE = "steps · the input and recurrent kernels of every gate"
CONV_NOTE = "steps · 4 gates' input and recurrent convolutions at every output position"

# (input shape, layer, output shape, params, working lines, the MACs line) — by hand.
CASES: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, tuple[str, ...], str]] = [
    # (3 + 4)·4 + 4 = 32; 10 steps · (3·4 + 4·4) = 120 + 160 = 280
    (
        [10, 3],
        {"type": "SimpleRNN", "units": 4},
        (4,),
        32,
        (
            "output: the last step → (None, 4)",
            "1 kernel, each (input_dim + units)·units + its bias",
            "params = (3 + 4)·4 + 4 = 32",
        ),
        f"macs = 10 · 3·4 + 10 · 4·4 = 120 + 160 = 280  ({MACS_NOTE})",
    ),
    # no bias: (2 + 3)·3 = 15; 4 · 2·3 + 4 · 3·3 = 24 + 36 = 60
    (
        [4, 2],
        {"type": "SimpleRNN", "units": 3, "use_bias": False},
        (3,),
        15,
        ("1 kernel, each (input_dim + units)·units", "params = (2 + 3)·3 = 15"),
        f"macs = 4 · 2·3 + 4 · 3·3 = 24 + 36 = 60  ({MACS_NOTE})",
    ),
    # 4·((6 + 8)·8 + 8) = 4·120 = 480; 5 · 4 · 6·8 + 5 · 4 · 8·8 = 960 + 1280 = 2240
    (
        [5, 6],
        {"type": "LSTM", "units": 8, "return_sequences": True},
        (5, 8),
        480,
        (
            "output: every step (return_sequences) → (None, 5, 8)",
            "4 gates (input, forget, cell, output), each (input_dim + units)·units + its bias",
            "params = 4·((6 + 8)·8 + 8) = 480",
        ),
        f"macs = 5 · 4 · 6·8 + 5 · 4 · 8·8 = 960 + 1280 = 2240  ({MACS_NOTE})",
    ),
    # no bias: 4·(5 + 2)·2 = 56; 3 · 4 · 5·2 + 3 · 4 · 2·2 = 120 + 48 = 168
    (
        [3, 5],
        {"type": "LSTM", "units": 2, "use_bias": False},
        (2,),
        56,
        ("params = 4·(5 + 2)·2 = 56",),
        f"macs = 3 · 4 · 5·2 + 3 · 4 · 2·2 = 120 + 48 = 168  ({MACS_NOTE})",
    ),
    # reset_after: 3·((3 + 4)·4 + 2·4) = 3·36 = 108; 7 · 3 · 3·4 + 7 · 3 · 4·4 = 252 + 336
    (
        [7, 3],
        {"type": "GRU", "units": 4},
        (4,),
        108,
        (
            "3 gates (update, reset, candidate), each (input_dim + units)·units + its input "
            "and recurrent biases",
            "params = 3·((3 + 4)·4 + 2·4) = 108",
        ),
        f"macs = 7 · 3 · 3·4 + 7 · 3 · 4·4 = 252 + 336 = 588  ({MACS_NOTE})",
    ),
    # reset_after False: one bias per gate, 3·((3 + 4)·4 + 4) = 3·32 = 96; same products
    (
        [7, 3],
        {"type": "GRU", "units": 4, "reset_after": False},
        (4,),
        96,
        (
            "3 gates (update, reset, candidate), each (input_dim + units)·units + its bias",
            "params = 3·((3 + 4)·4 + 4) = 96",
        ),
        f"macs = 7 · 3 · 3·4 + 7 · 3 · 4·4 = 252 + 336 = 588  ({MACS_NOTE})",
    ),
    # no bias at all: 3·(3 + 4)·4 = 84
    (
        [7, 3],
        {"type": "GRU", "units": 4, "use_bias": False},
        (4,),
        84,
        (
            "3 gates (update, reset, candidate), each (input_dim + units)·units",
            "params = 3·(3 + 4)·4 = 84",
        ),
        f"macs = 7 · 3 · 3·4 + 7 · 3 · 4·4 = 252 + 336 = 588  ({MACS_NOTE})",
    ),
    # RNN with an LSTMCell is an LSTM: 4·((2 + 3)·3 + 3) = 72; 6 · 4 · 2·3 + 6 · 4 · 3·3
    (
        [6, 2],
        {"type": "RNN", "cell": {"type": "LSTMCell", "units": 3}},
        (3,),
        72,
        ("params = 4·((2 + 3)·3 + 3) = 72",),
        f"macs = 6 · 4 · 2·3 + 6 · 4 · 3·3 = 144 + 216 = 360  ({MACS_NOTE})",
    ),
    (
        [6, 2],
        {"type": "RNN", "cell": {"type": "GRUCell", "units": 3, "reset_after": False}},
        (3,),
        3 * ((2 + 3) * 3 + 3),
        ("params = 3·((2 + 3)·3 + 3) = 54",),
        f"macs = 6 · 3 · 2·3 + 6 · 3 · 3·3 = 108 + 162 = 270  ({MACS_NOTE})",
    ),
    # a list of cells is stacked: LSTMCell reads 8 features, 4·((8 + 2)·2 + 2) = 88; GRUCell
    # reads its 2 units, 3·((2 + 3)·3 + 2·3) = 63; 88 + 63 = 151.
    # MACs: 10·4·8·2 + 10·4·2·2 + 10·3·2·3 + 10·3·3·3 = 640 + 160 + 180 + 270 = 1250
    (
        [10, 8],
        {
            "type": "RNN",
            "cell": [{"type": "LSTMCell", "units": 2}, {"type": "GRUCell", "units": 3}],
            "return_sequences": True,
        },
        (10, 3),
        151,
        (
            "cells[0] LSTMCell: input_dim 8",
            "params = 4·((8 + 2)·2 + 2) = 88",
            "cells[1] GRUCell: input_dim 2",
            "params = 3·((2 + 3)·3 + 2·3) = 63",
            "params = the sum over the 2 cells = 151",
        ),
        "macs = 10 · 4 · 8·2 + 10 · 4 · 2·2 + 10 · 3 · 2·3 + 10 · 3 · 3·3 = 640 + 160 + 180 + "
        f"270 = 1250  ({MACS_NOTE})",
    ),
    # StackedRNNCells given as the cell: (3 + 4)·4 + 4 = 32, (4 + 2)·2 + 2 = 14; 46.
    # MACs: 5·3·4 + 5·4·4 + 5·4·2 + 5·2·2 = 60 + 80 + 40 + 20 = 200
    (
        [5, 3],
        {
            "type": "RNN",
            "cell": {
                "type": "StackedRNNCells",
                "cells": [
                    {"type": "SimpleRNNCell", "units": 4},
                    {"type": "SimpleRNNCell", "units": 2},
                ],
            },
        },
        (2,),
        46,
        ("cells[1] SimpleRNNCell: input_dim 4", "params = the sum over the 2 cells = 46"),
        f"macs = 5 · 3·4 + 5 · 4·4 + 5 · 4·2 + 5 · 2·2 = 60 + 80 + 40 + 20 = 200  ({MACS_NOTE})",
    ),
    # ConvLSTM2D: 8 − 3 + 1 = 6; 4·(3·3·3·2 + 3·3·2·2 + 2) = 4·(54 + 36 + 2) = 368 (Keras:
    # kernel (3, 3, 3, 8), recurrent_kernel (3, 3, 2, 8), bias (8,): 216 + 144 + 8).
    # MACs: 5 · 6·6·4·2 · 3·3·3 + 5 · 6·6·4·2 · 3·3·2 = 38880 + 25920 = 64800
    (
        [5, 8, 8, 3],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3},
        (6, 6, 2),
        368,
        (
            "output_height = ⌊(8 + 2·0 − 3)/1⌋ + 1 = 6",
            "output_depth = filters = 2",
            "params = 4·(3·3·3·2 + 3·3·2·2 + 2) = 368",
        ),
        f"macs = 5 · 6·6·4·2 · 3·3·3 + 5 · 6·6·4·2 · 3·3·2 = 38880 + 25920 = 64800  ({CONV_NOTE})",
    ),
    # every step, no bias: 4·(54 + 36) = 360
    (
        [5, 8, 8, 3],
        {
            "type": "ConvLSTM2D",
            "filters": 2,
            "kernel_size": 3,
            "use_bias": False,
            "return_sequences": True,
        },
        (5, 6, 6, 2),
        360,
        (
            "params = 4·(3·3·3·2 + 3·3·2·2) = 360",
            "every step (return_sequences): (None, 5, 6, 6, 2)",
        ),
        f"macs = 5 · 6·6·4·2 · 3·3·3 + 5 · 6·6·4·2 · 3·3·2 = 38880 + 25920 = 64800  ({CONV_NOTE})",
    ),
    # channels first: (T, C, H, W) = (5, 3, 8, 7) → (2, 6, 5)
    (
        [5, 3, 8, 7],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3, "data_format": "channels_first"},
        (2, 6, 5),
        368,
        ("output_width = ⌊(7 + 2·0 − 3)/1⌋ + 1 = 5",),
        f"macs = 5 · 6·5·4·2 · 3·3·3 + 5 · 6·5·4·2 · 3·3·2 = 32400 + 21600 = 54000  ({CONV_NOTE})",
    ),
    # ConvLSTM1D, same: 10 stays; 4·(3·3·2 + 3·2·2 + 2) = 4·32 = 128;
    # MACs: 4 · 10·4·2 · 3·3 + 4 · 10·4·2 · 3·2 = 2880 + 1920 = 4800
    (
        [4, 10, 3],
        {"type": "ConvLSTM1D", "filters": 2, "kernel_size": 3, "padding": "same"},
        (10, 2),
        128,
        ("params = 4·(3·3·2 + 3·2·2 + 2) = 128",),
        f"macs = 4 · 10·4·2 · 3·3 + 4 · 10·4·2 · 3·2 = 2880 + 1920 = 4800  ({CONV_NOTE})",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "shape", "params", "working", "macs_line"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_recurrent_by_hand(
    input_shape: list[Any],
    layer: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    working: tuple[str, ...],
    macs_line: str,
) -> None:
    row = row_of(input_shape, layer)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    for line in working:
        assert line in row.working
    assert macs_line in row.cost_working
    assert row.macs == int(macs_line.split("  (")[0].rsplit(" = ", 1)[1])
    assert row.ops == 0  # the gates' nonlinearities are not counted


def test_a_frozen_lstm_keeps_its_weights_untrained() -> None:
    """trainable: false: all 4·((3 + 2)·2 + 2) = 48 weights are non-trainable."""
    row = one_layer([6, 3], "LSTM", units=2, trainable=False)
    assert (row.params, row.trainable_params, row.non_trainable_params) == (48, 0, 48)


def test_an_unknown_number_of_steps_leaves_the_weights_known() -> None:
    """The weights do not depend on T: 4·((3 + 2)·2 + 2) = 48; the MACs need T."""
    row = one_layer([None, 3], "LSTM", units=2, return_sequences=True)
    assert (row.output_shape, row.params, row.macs) == ((None, 2), 48, None)


# (input shape, layer, the message a user sees)
REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [10],
        {"type": "LSTM", "units": 2},
        "layer 0 'lstm' (LSTM): LSTM expects a 3-D input (batch, time, features), got (None, 10)",
    ),
    (
        [10, None],
        {"type": "GRU", "units": 2},
        "layer 0 'gru' (GRU): the features axis of (None, 10, None) must be known",
    ),
    (
        [10, 3],
        {"type": "SimpleRNN", "units": 2, "return_state": True},
        "layer 0 'simple_rnn' (SimpleRNN): return_state=True returns the states as more "
        "outputs; cnncalc follows one output per layer",
    ),
    (
        [10, 3],
        {"type": "LSTMCell", "units": 2},
        "layer 0 'lstm_cell' (LSTMCell): a LSTMCell is one step of a recurrent layer: make it "
        'the `cell` of an RNN layer, e.g. {"type": "RNN", "cell": {"type": "LSTMCell", …}}',
    ),
    (
        [10, 3],
        {"type": "RNN", "cell": {"type": "Dense", "units": 2}},
        "layer 0 'rnn' (RNN): its cell must be a cell (LSTMCell, GRUCell, …), not Dense",
    ),
    (
        [10, 3],
        {"type": "RNN", "cell": [{"type": "LSTMCell", "units": 2}, {"type": "Dense", "units": 2}]},
        "layer 0 'rnn' (RNN): its cells[1] must be a cell (LSTMCell, GRUCell, …), not Dense",
    ),
    (
        [8, 8, 3],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3},
        "layer 0 'conv_lstm2d' (ConvLSTM2D): ConvLSTM2D expects a 5-D input (batch, time, "
        "height, width, channels), got (None, 8, 8, 3)",
    ),
    (
        [8, 8, 3],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3, "data_format": "channels_first"},
        "layer 0 'conv_lstm2d' (ConvLSTM2D): ConvLSTM2D expects a 5-D input (batch, time, "
        "channels, height, width), got (None, 8, 8, 3)",
    ),
    (
        [4, 8, 8, 3],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3, "return_state": True},
        "layer 0 'conv_lstm2d' (ConvLSTM2D): return_state=True returns more outputs; cnncalc "
        "follows one",
    ),
    # 2 − 3 + 1 = 0: the kernel does not fit
    (
        [4, 2, 2, 3],
        {"type": "ConvLSTM2D", "filters": 2, "kernel_size": 3},
        "layer 0 'conv_lstm2d' (ConvLSTM2D): a 3×3 kernel does not fit a 2×2 input with "
        "padding 'valid': ⌊(2 + 2·0 − 3)/1⌋ + 1 = 0",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSED)
def test_recurrent_refusals_say_why(
    input_shape: list[Any], layer: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=f"^{re.escape(message)}$") as caught:
        row_of(input_shape, layer)
    assert caught.value.exit_code == 1


@pytest.mark.parametrize(
    "layer",
    [
        {"type": "LSTM", "units": 2, "return_sequences": True},
        {"type": "RNN", "cell": {"type": "SimpleRNNCell", "units": 2}, "return_sequences": True},
    ],
)
def test_a_recurrent_step_sees_every_earlier_step(layer: dict[str, Any]) -> None:
    """The state carries steps 0…t into step t: no finite window describes the output."""
    spec = {
        "input_shape": [10, 3],
        "layers": [{"type": "Conv1D", "filters": 3, "kernel_size": 3}, layer],
    }
    row = cnncalc.analyze(spec)[1]
    assert row.receptive_field is None
    assert f"receptive field = the whole input  ({layer['type']} mixes every position)" in (
        row.cost_working
    )


# (cell, params, non-trainable) on 10 steps of 8 features — a frozen cell's weights are not
# trained, as in Keras (LSTMCell 4·((8 + 2)·2 + 2) = 88, GRUCell on its 2 units 63)
FROZEN_CELLS: list[tuple[Any, int, int]] = [
    ({"type": "LSTMCell", "units": 2, "trainable": False}, 88, 88),
    (
        [{"type": "LSTMCell", "units": 2, "trainable": False}, {"type": "GRUCell", "units": 3}],
        151,
        88,
    ),
    (
        [{"type": "LSTMCell", "units": 2}, {"type": "GRUCell", "units": 3, "trainable": False}],
        151,
        63,
    ),
    (
        {
            "type": "StackedRNNCells",
            "cells": [{"type": "LSTMCell", "units": 2}, {"type": "GRUCell", "units": 3}],
            "trainable": False,
        },
        151,
        151,
    ),
]


@pytest.mark.parametrize(("cell", "params", "frozen"), FROZEN_CELLS)
def test_a_frozen_cell_keeps_its_weights_untrained(cell: Any, params: int, frozen: int) -> None:
    row = one_layer([10, 8], "RNN", cell=cell)
    assert (row.params, row.non_trainable_params) == (params, frozen)
