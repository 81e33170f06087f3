"""Properties that hold for every input (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

import cnncalc
from cnncalc import NetworkError

from .conftest import one_layer, transposed_width

sizes = st.integers(min_value=1, max_value=300)
kernels = st.integers(min_value=1, max_value=9)
strides = st.integers(min_value=1, max_value=5)


def conv(input_shape: list[int], **arguments: Any) -> cnncalc.LayerRow:
    return one_layer(input_shape, "Conv2D", **arguments)


@given(h=sizes, w=sizes, k=kernels, d=st.integers(1, 4))
def test_stride_one_same_padding_keeps_the_size(h: int, w: int, k: int, d: int) -> None:
    row = conv([h, w, 3], filters=4, kernel_size=k, padding="same", dilation_rate=d)
    assert row.output_shape == (h, w, 4)


@given(i=sizes, k=kernels, s=strides, d=st.integers(1, 3))
def test_same_padding_is_keras_explicit_split(i: int, k: int, s: int, d: int) -> None:
    """'same' is ⌈i/s⌉, and equals a 'valid' window over the input padded as TensorFlow pads
    it: total = max((⌈i/s⌉ − 1)·s + span − i, 0), the smaller half before. The explicit pair
    goes through the lecture's formula, which reads the kernel that 'same' at stride 1 never
    does, so a rule that breaks either path fails here."""
    span = (k - 1) * d + 1
    expected = -(-i // s)
    total = max((expected - 1) * s + span - i, 0)
    before = total // 2
    padding = [[before, total - before], [before, total - before]]
    assume(s == 1 or d == 1)  # Keras refuses strides with dilation
    same = conv([i, i, 1], filters=1, kernel_size=k, strides=s, dilation_rate=d, padding="same")
    explicit = conv(
        [i, i, 1], filters=1, kernel_size=k, strides=s, dilation_rate=d, padding=padding
    )
    assert same.output_shape[0] == explicit.output_shape[0] == expected


@given(h=sizes, w=sizes, k=kernels, depth=st.integers(1, 64), n=st.integers(1, 64))
def test_conv_parameters_do_not_depend_on_height_and_width(
    h: int, w: int, k: int, depth: int, n: int
) -> None:
    big = conv([300 + h, 300 + w, depth], filters=n, kernel_size=k).params
    assert big == (k * k * depth + 1) * n  # the lecture's formula


@given(
    i=sizes,
    k=kernels,
    s=strides,
    p=st.integers(0, 4),
    pad_mode=st.sampled_from(["valid", "same", "explicit"]),
)
def test_output_is_positive_or_a_clear_error(i: int, k: int, s: int, p: int, pad_mode: str) -> None:
    padding: Any = p if pad_mode == "explicit" else pad_mode
    try:
        row = conv([i, i, 1], filters=1, kernel_size=k, strides=s, padding=padding)
    except NetworkError as error:
        extra = 2 * p if pad_mode == "explicit" else 0
        assert pad_mode != "same" and (i + extra - k) // s + 1 < 1  # it really does not fit
        assert str(error).startswith("layer 0 'conv2d' (Conv2D): a ")
        assert "does not fit" in str(error) and "⌋ + 1 = " in str(error)
    else:
        assert row.output_shape[0] >= 1
        if pad_mode != "same":
            extra = 2 * p if pad_mode == "explicit" else 0
            assert row.output_shape[0] == (i + extra - k) // s + 1


@given(i=sizes, k=kernels, s=strides, p=st.integers(0, 3))
def test_transposed_convolution_undoes_the_shape_of_a_convolution(
    i: int, k: int, s: int, p: int
) -> None:
    """Dumoulin & Visin: with a = (i + 2p − k) mod s, the transpose maps o back to i."""
    assume(i + 2 * p >= k)
    o = conv([i, i, 1], filters=1, kernel_size=k, strides=s, padding=p).output_shape[0]
    a = (i + 2 * p - k) % s
    assert transposed_width(o, k, s, p, a) == i


@given(i=sizes, k=kernels)
def test_full_padding_is_kernel_minus_one_on_each_side(i: int, k: int) -> None:
    full = conv([i, i, 1], filters=1, kernel_size=k, padding="full").output_shape
    explicit = conv([i, i, 1], filters=1, kernel_size=k, padding=k - 1).output_shape
    assert full == explicit == (i + k - 1, i + k - 1, 1)


@given(shape=st.lists(st.integers(1, 12), min_size=1, max_size=4))
def test_totals_match_a_count_by_hand(shape: list[int]) -> None:
    """Totals against arithmetic written here, not against the rows (which define them)."""
    spec = {
        "input_shape": shape,
        "layers": [
            {"type": "Dense", "units": 3},
            {"type": "BatchNormalization"},
            {"type": "Flatten"},
            {"type": "Dense", "units": 2, "trainable": False},
        ],
    }
    positions = 1
    for size in shape[:-1]:
        positions *= size
    dense = (shape[-1] + 1) * 3  # kernel d·3 and 3 biases, applied to the last axis
    batch_norm = 4 * 3  # gamma, beta trainable; moving mean and variance not
    frozen = (positions * 3 + 1) * 2  # the flattened features into 2 units
    result = cnncalc.analyze(spec)
    assert result.trainable_params == dense + 2 * 3
    assert result.non_trainable_params == 2 * 3 + frozen
    assert result.total_params == dense + batch_norm + frozen
