"""Normalization layers worked by hand (no Keras needed, so the mutation run counts them).

The weights are Keras's: BatchNormalization keeps γ and β (trainable, each dropped by
scale=False / center=False) and the moving mean and variance (never trained), one of each per
feature, so 4·C weights with 2·C non-trainable (Ioffe & Szegedy 2015, §3.1, plus the two
running statistics). LayerNormalization has γ and β over the normalized axes, only γ with
rms_scaling (Ba et al. 2016; Keras's `rms_scaling` drops β). GroupNormalization has γ and β
per channel and needs the channels to split evenly into the groups (Wu & He 2018).
RMSNormalization has one scale per feature (Zhang & Sennrich 2019); UnitNormalization none.
The features are the product of the sizes on the normalized axes (an axis counts the batch
dimension, as in Keras). Ops per element: 2 for a scale and shift (BatchNormalization's
statistics fold into them at inference), 4 for subtract, divide, scale, shift.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import cnncalc
from cnncalc import CnncalcError

from .conftest import one_layer, row_of

BN_OPS_NOTE = "scale and shift; the statistics fold into them at inference"
NORMALIZE_NOTE = (
    "subtract the mean, divide by the deviation, scale, shift; computing the statistics is "
    "not counted"
)

# (input shape, layer, params, non-trainable, the working, the ops line) — by hand.
CASES: list[tuple[list[Any], dict[str, Any], int, int, tuple[str, ...], str]] = [
    # C = 3: γ + β = 2·3 trainable, moving mean + variance = 2·3 not; 4·4·3 elements · 2 ops
    (
        [4, 4, 3],
        {"type": "BatchNormalization"},
        4 * 3,
        2 * 3,
        (
            "features = 3 = 3 (axis -1)",
            "trainable (γ + β) = 2·3 = 6",
            "non-trainable (moving mean + moving variance) = 2·3 = 6",
            "params = 6 + 6 = 12",
        ),
        f"ops = 4·4·3 · 2 = 96  ({BN_OPS_NOTE})",
    ),
    # scale=False drops γ: β alone is trained, 1·5; the statistics stay, 2·5
    (
        [10, 5],
        {"type": "BatchNormalization", "scale": False},
        5 + 2 * 5,
        2 * 5,
        (
            "features = 5 = 5 (axis -1)",
            "trainable (β) = 1·5 = 5",
            "non-trainable (moving mean + moving variance) = 2·5 = 10",
            "params = 5 + 10 = 15",
        ),
        f"ops = 10·5 · 2 = 100  ({BN_OPS_NOTE})",
    ),
    # center=False drops β: γ alone
    (
        [10, 5],
        {"type": "BatchNormalization", "center": False},
        5 + 2 * 5,
        2 * 5,
        ("trainable (γ) = 1·5 = 5", "params = 5 + 10 = 15"),
        f"ops = 10·5 · 2 = 100  ({BN_OPS_NOTE})",
    ),
    # neither: only the statistics, 2·5 = 10, none trainable
    (
        [10, 5],
        {"type": "BatchNormalization", "center": False, "scale": False},
        2 * 5,
        2 * 5,
        ("trainable (none) = 0·5 = 0", "params = 0 + 10 = 10"),
        f"ops = 10·5 · 2 = 100  ({BN_OPS_NOTE})",
    ),
    # channels first: axis 1 is the first batchless axis, C = 3 (not the last size, 8)
    (
        [3, 8, 8],
        {"type": "BatchNormalization", "axis": 1},
        4 * 3,
        2 * 3,
        ("features = 3 = 3 (axis 1)", "params = 6 + 6 = 12"),
        f"ops = 3·8·8 · 2 = 384  ({BN_OPS_NOTE})",
    ),
    # axis −3 of a 4-D input (batch, 4, 5, 6) is the size 4
    (
        [4, 5, 6],
        {"type": "BatchNormalization", "axis": -3},
        4 * 4,
        2 * 4,
        ("features = 4 = 4 (axis -3)", "params = 8 + 8 = 16"),
        f"ops = 4·5·6 · 2 = 240  ({BN_OPS_NOTE})",
    ),
    # tf.keras 2's list of axes: one weight per (i, k) of the sizes 4 and 6, 24 features
    (
        [4, 5, 6],
        {"type": "BatchNormalization", "axis": [1, 3]},
        4 * 24,
        2 * 24,
        ("features = 4·6 = 24 (axis [1, 3])", "trainable (γ + β) = 2·24 = 48"),
        f"ops = 4·5·6 · 2 = 240  ({BN_OPS_NOTE})",
    ),
    # LayerNormalization over the last axis: γ, β of 5 each
    (
        [4, 5],
        {"type": "LayerNormalization"},
        2 * 5,
        0,
        ("features = 5 = 5 (axis -1)", "params (γ, β) = 2·5 = 10"),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # over axes 1 and 2: γ and β are 4×5 each
    (
        [4, 5],
        {"type": "LayerNormalization", "axis": [1, 2]},
        2 * 4 * 5,
        0,
        ("features = 4·5 = 20 (axis [1, 2])", "params (γ, β) = 2·20 = 40"),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # no axes: γ and β are scalars (the empty product is 1), as Keras builds them
    (
        [4, 5],
        {"type": "LayerNormalization", "axis": []},
        2,
        0,
        ("features = 1 = 1 (axis [])", "params (γ, β) = 2·1 = 2"),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # rms_scaling keeps γ only, whatever center says
    (
        [4, 5],
        {"type": "LayerNormalization", "rms_scaling": True},
        5,
        0,
        ("params (γ, β) = 1·5 = 5",),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # … and whatever scale says: rms_scaling needs γ
    (
        [4, 5],
        {"type": "LayerNormalization", "rms_scaling": True, "scale": False},
        5,
        0,
        ("params (γ, β) = 1·5 = 5",),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # scale=False: β only; center=False: γ only; neither: nothing
    (
        [4, 5],
        {"type": "LayerNormalization", "scale": False},
        5,
        0,
        ("params (γ, β) = 1·5 = 5",),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    (
        [4, 5],
        {"type": "LayerNormalization", "center": False},
        5,
        0,
        ("params (γ, β) = 1·5 = 5",),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    (
        [4, 5],
        {"type": "LayerNormalization", "center": False, "scale": False},
        0,
        0,
        ("params (γ, β) = 0·5 = 0",),
        f"ops = 4·5 · 4 = 80  ({NORMALIZE_NOTE})",
    ),
    # GroupNormalization: 64 channels in the default 32 groups; γ, β per channel: 2·64
    (
        [2, 2, 64],
        {"type": "GroupNormalization"},
        2 * 64,
        0,
        ("features = 64 = 64 (axis -1)", "params (γ, β) = 2·64 = 128"),
        f"ops = 2·2·64 · 4 = 1024  ({NORMALIZE_NOTE})",
    ),
    # channels first, 6 channels in 3 groups of 2
    (
        [6, 4, 4],
        {"type": "GroupNormalization", "groups": 3, "axis": 1},
        2 * 6,
        0,
        ("features = 6 = 6 (axis 1)", "params (γ, β) = 2·6 = 12"),
        f"ops = 6·4·4 · 4 = 384  ({NORMALIZE_NOTE})",
    ),
    (
        [4, 6],
        {"type": "GroupNormalization", "groups": 2, "scale": False},
        6,
        0,
        ("params (γ, β) = 1·6 = 6",),
        f"ops = 4·6 · 4 = 96  ({NORMALIZE_NOTE})",
    ),
    (
        [4, 6],
        {"type": "GroupNormalization", "groups": 6, "center": False},
        6,
        0,
        ("params (γ, β) = 1·6 = 6",),
        f"ops = 4·6 · 4 = 96  ({NORMALIZE_NOTE})",
    ),
    (
        [4, 6],
        {"type": "GroupNormalization", "groups": 1, "center": False, "scale": False},
        0,
        0,
        ("params (γ, β) = 0·6 = 0",),
        f"ops = 4·6 · 4 = 96  ({NORMALIZE_NOTE})",
    ),
    # RMSNormalization: one scale per feature of the last axis (5), 2 ops per element
    (
        [4, 5],
        {"type": "RMSNormalization"},
        5,
        0,
        ("features = 5 = 5 (axis -1)", "params (scale) = 5"),
        "ops = 4·5 · 2 = 40  (divide by the root mean square, scale; computing it is not counted)",
    ),
    (
        [4, 5],
        {"type": "RMSNormalization", "axis": [1, 2]},
        4 * 5,
        0,
        ("features = 4·5 = 20 (axis [1, 2])", "params (scale) = 20"),
        "ops = 4·5 · 2 = 40  (divide by the root mean square, scale; computing it is not counted)",
    ),
    # UnitNormalization: no weights, one division per element
    (
        [4, 5],
        {"type": "UnitNormalization"},
        0,
        0,
        ("output shape = input shape; params = 0",),
        "ops = 4·5 = 20  (divide by the norm; computing it is not counted)",
    ),
    # preprocessing's Normalization with axis None: one mean, one variance, one count
    (
        [4, 5],
        {"type": "Normalization", "axis": None},
        2 * 1 + 1,
        2 * 1 + 1,
        ("features = 1 = 1 (axis None)",),
        "ops = 4·5 · 2 = 40  (subtract the mean, divide by the deviation)",
    ),
]


@pytest.mark.parametrize(
    ("input_shape", "layer", "params", "non_trainable", "working", "ops_line"),
    CASES,
    ids=[f"{layer['type']}-{i}" for i, (_, layer, *_) in enumerate(CASES)],
)
def test_normalization_by_hand(
    input_shape: list[Any],
    layer: dict[str, Any],
    params: int,
    non_trainable: int,
    working: tuple[str, ...],
    ops_line: str,
) -> None:
    """A normalization keeps its input's shape; its weights, working and costs are by hand."""
    row = row_of(input_shape, layer)
    assert row.output_shape == tuple(input_shape)
    assert (row.params, row.non_trainable_params) == (params, non_trainable)
    for line in working:
        assert line in row.working
    assert ops_line in row.cost_working
    assert (row.ops, row.macs) == (int(ops_line.split(" = ")[-1].split()[0]), 0)


def test_a_frozen_batch_normalization_has_no_trainable_weight() -> None:
    """trainable: false turns γ and β non-trainable too: all 4·8 = 32 weights."""
    row = one_layer([6, 8], "BatchNormalization", trainable=False)
    assert (row.params, row.trainable_params, row.non_trainable_params) == (32, 0, 32)


def test_unknown_sizes_off_the_normalized_axis_leave_the_weights_known() -> None:
    """Only C = 3 matters for the weights; the ops need every size, so they are unknown."""
    row = one_layer([None, None, 3], "BatchNormalization")
    assert (row.params, row.non_trainable_params, row.ops) == (12, 6, None)
    assert f"ops = ?·?·3 · 2 = ? (a size is unknown)  ({BN_OPS_NOTE})" in row.cost_working


# (input shape, layer, the message a user sees) — the arithmetic in each is by hand.
REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    (
        [None, 3],
        {"type": "LayerNormalization", "axis": 1},
        "layer 0 'layer_normalization' (LayerNormalization): axis 1 of (None, None, 3) "
        "must be known",
    ),
    (
        [4, None],
        {"type": "BatchNormalization"},
        "layer 0 'batch_normalization' (BatchNormalization): axis -1 of (None, 4, None) "
        "must be known",
    ),
    # 8/3 = 2.666…, printed to 6 significant digits
    (
        [4, 8],
        {"type": "GroupNormalization", "groups": 3},
        "layer 0 'group_normalization' (GroupNormalization): 8 channels do not split into "
        "groups=3: 8/3 = 2.66667",
    ),
    # the default 32 groups do not fit 16 channels: 16/32 = 0.5
    (
        [4, 16],
        {"type": "GroupNormalization"},
        "layer 0 'group_normalization' (GroupNormalization): 16 channels do not split into "
        "groups=32: 16/32 = 0.5",
    ),
    # a 3-D input (batch, 4, 5): axis 3 does not exist, axis 0 is the batch
    (
        [4, 5],
        {"type": "UnitNormalization", "axis": 3},
        "layer 0 'unit_normalization' (UnitNormalization): axis=3 is out of range for a 3-D input",
    ),
    (
        [4, 5],
        {"type": "RMSNormalization", "axis": 0},
        "layer 0 'rms_normalization' (RMSNormalization): axis=0 is the batch axis",
    ),
    (
        [4, 5],
        {"type": "BatchNormalization", "axis": -4},
        "layer 0 'batch_normalization' (BatchNormalization): axis=-4 is out of range for a "
        "3-D input",
    ),
]


@pytest.mark.parametrize(("input_shape", "layer", "message"), REFUSED)
def test_normalization_refusals_say_why(
    input_shape: list[Any], layer: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=f"^{re.escape(message)}$") as caught:
        row_of(input_shape, layer)
    assert caught.value.exit_code == 1


# (layer after a 3×3 convolution, whether each output still sees only its 3×3 window):
# statistics over the channels alone keep every position's field; statistics over spatial
# axes (or GroupNormalization's groups, over every position) mix the whole input in.
FIELDS: list[tuple[dict[str, Any], bool]] = [
    ({"type": "BatchNormalization"}, True),
    ({"type": "BatchNormalization", "axis": 1}, True),  # BatchNormalization never mixes
    ({"type": "LayerNormalization"}, True),
    ({"type": "LayerNormalization", "axis": 3}, True),  # 3 is the last of (batch, 6, 6, 4)
    ({"type": "LayerNormalization", "axis": 1}, False),
    ({"type": "LayerNormalization", "axis": [1, 2, 3]}, False),
    ({"type": "GroupNormalization", "groups": 2}, False),
    ({"type": "RMSNormalization"}, True),
    ({"type": "RMSNormalization", "axis": 2}, False),
    ({"type": "UnitNormalization"}, True),
    ({"type": "UnitNormalization", "axis": [1, 2]}, False),
]


@pytest.mark.parametrize(("layer", "own"), FIELDS)
def test_which_normalizations_mix_positions(layer: dict[str, Any], own: bool) -> None:
    spec = {
        "input_shape": [8, 8, 4],
        "layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3}, layer],
    }
    row = cnncalc.analyze(spec)[1]
    if own:
        assert row.receptive_field is not None
        assert row.receptive_field.size == (3, 3)
        assert "receptive field unchanged: 3×3 (S 1, P 0)" in row.cost_working
    else:
        assert row.receptive_field is None
        note = f"receptive field = the whole input  ({layer['type']} mixes every position)"
        assert note in row.cost_working
