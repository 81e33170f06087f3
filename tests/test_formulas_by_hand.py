"""cnncalc.formulas against arithmetic done by hand, number and working line alike.

Every expected value here was worked out on paper from the published rule it cites, never
copied from cnncalc's output: the lecture's ⌊(i + 2p − k)/s⌋ + 1, TensorFlow's 'same' split
(the odd zero goes after), Keras 3's `compute_conv_transpose_output_shape`
(keras/src/ops/operation_utils.py: valid → i·s + max(k − s, 0); same → i·s; with
output_padding a: (i − 1)·s + k − 2·pad + a, pad = k // 2 for same, 0 for valid) and
Dumoulin & Visin's o = s·(i − 1) + a + k − 2p. These run without Keras, so the mutation run
(scripts/mutation.py) counts them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cnncalc.formulas import (
    count,
    dilated,
    padding_text,
    same_padding_split,
    transpose_output,
    window_output,
)

# (size, window, stride, padding, dilation, expected line) — worked by hand.
WINDOWS: list[tuple[int | None, int, int, Any, int, str]] = [
    (28, 3, 1, "valid", 1, "output_width = ⌊(28 + 2·0 − 3)/1⌋ + 1 = 26"),  # the lecture's MNIST
    (5, 3, 1, (1, 2), 1, "output_width = ⌊(5 + 1 + 2 − 3)/1⌋ + 1 = 6"),  # 5+3−3 = 5, +1
    (5, 3, 2, (1, 1), 1, "output_width = ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3"),  # D&V fig. 2.6
    (7, 3, 1, "valid", 2, "output_width = ⌊(7 + 2·0 − 5)/1⌋ + 1 = 3"),  # D&V fig. 5.1, span 5
    # same: ⌈i/s⌉; total padding (o − 1)·s + span − i, the odd zero after
    (7, 3, 2, "same", 1, "output_width = ⌈7/2⌉ = 4  (same: pads 1 before, 1 after)"),  # 6+3−7=2
    (6, 3, 2, "same", 1, "output_width = ⌈6/2⌉ = 3  (same: pads 0 before, 1 after)"),  # 4+3−6=1
    (6, 1, 2, "same", 1, "output_width = ⌈6/2⌉ = 3  (same: pads 0 before, 0 after)"),  # 4+1−6<0
    (9, 4, 1, "same", 1, "output_width = ⌈9/1⌉ = 9  (same: pads 1 before, 2 after)"),  # 8+4−9=3
    # causal: span − 1 zeros before, ⌈i/s⌉ out
    (10, 3, 1, "causal", 2, "output_width = ⌈10/1⌉ = 10  (causal: 4 zeros before)"),
    (10, 3, 3, "causal", 1, "output_width = ⌈10/3⌉ = 4  (causal: 2 zeros before)"),
    (None, 3, 1, "valid", 1, "output_width = ? (the input size is unknown)"),
]


@pytest.mark.parametrize(("size", "window", "stride", "padding", "dilation", "line"), WINDOWS)
def test_window_output_by_hand(
    size: int | None, window: int, stride: int, padding: Any, dilation: int, line: str
) -> None:
    step = window_output("width", size, window, stride, padding, dilation)
    assert step.line == line
    expected = None if size is None else int(line.rsplit("= ", 1)[1].split()[0])
    assert step.value == expected


# (size, kernel, stride, padding, output_padding, dilation, expected line)
TRANSPOSED: list[tuple[int | None, int, int, Any, int | None, int, str]] = [
    (7, 3, 2, "valid", None, 1, "output_width = (7 − 1)·2 + max(3, 2) = 15"),  # 14 + max(1, 0)
    (7, 2, 4, "valid", None, 1, "output_width = (7 − 1)·4 + max(2, 4) = 28"),  # 28 + max(−2, 0)
    (7, 3, 1, "valid", None, 2, "output_width = (7 − 1)·1 + max(5, 1) = 11"),  # span 5
    (7, 3, 2, "valid", 1, 1, "output_width = (7 − 1)·2 + 3 + 1 = 16"),
    (7, 3, 2, "same", None, 1, "output_width = 7·2 = 14  (same)"),
    (7, 3, 2, "same", 1, 1, "output_width = (7 − 1)·2 + 3 mod 2 + 1 = 14  (same)"),  # 12+3−2+1
    (7, 4, 3, "same", 2, 1, "output_width = (7 − 1)·3 + 4 mod 2 + 2 = 20  (same)"),  # 18+4−4+2
    (3, 3, 2, (1, 1), 1, 1, "output_width = 2·(3 − 1) + 1 + 3 − 2·1 = 6"),  # D&V fig. 4.7
    (3, 3, 2, (0, 1), None, 1, "output_width = 2·(3 − 1) + 0 + 3 − (0 + 1) = 6"),  # 4+3−1
    (None, 3, 2, "valid", None, 1, "output_width = ? (the input size is unknown)"),
]


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "output_padding", "dilation", "line"), TRANSPOSED
)
def test_transpose_output_by_hand(
    size: int | None,
    kernel: int,
    stride: int,
    padding: Any,
    output_padding: int | None,
    dilation: int,
    line: str,
) -> None:
    step = transpose_output("width", size, kernel, stride, padding, output_padding, dilation)
    assert step.line == line
    expected = None if size is None else int(line.rsplit("= ", 1)[1].split()[0])
    assert step.value == expected


@pytest.mark.parametrize(
    ("size", "out", "span", "stride", "split"),
    [(7, 4, 3, 2, (1, 1)), (6, 3, 3, 2, (0, 1)), (6, 3, 1, 2, (0, 0)), (9, 9, 4, 1, (1, 2))],
)
def test_same_padding_split_by_hand(
    size: int, out: int, span: int, stride: int, split: tuple[int, int]
) -> None:
    assert same_padding_split(size, out, span, stride) == split


@pytest.mark.parametrize(
    ("padding", "text"), [("valid", "2·0"), ((1, 1), "2·1"), ((1, 2), "1 + 2"), ((0, 3), "0 + 3")]
)
def test_padding_text_by_hand(padding: Any, text: str) -> None:
    assert padding_text(padding) == text


@pytest.mark.parametrize(("kernel", "dilation", "span"), [(3, 1, 3), (3, 2, 5), (1, 4, 1)])
def test_dilated_span_by_hand(kernel: int, dilation: int, span: int) -> None:
    assert dilated(kernel, dilation) == span


COUNTS: list[tuple[list[Any], str, str]] = [
    ([[(26, 26, 32), (3, 3, 1)]], "", "macs = 26·26·32 · 3·3·1 = 194688"),  # 21632·9
    ([[(2, 3)]], "max", "macs = 2·3 = 6  (max)"),
    ([[(2, 3)], [(4,)]], "", "macs = 2·3 + 4 = 6 + 4 = 10"),
    ([[(None, 4)]], "max", "macs = ?·4 = ? (a size is unknown)  (max)"),
    ([[(None, 2)], [(3,)]], "", "macs = ?·2 + 3 = ? (a size is unknown)"),
]


@pytest.mark.parametrize(("terms", "note", "line"), COUNTS)
def test_count_by_hand(terms: list[Any], note: str, line: str) -> None:
    step = count("macs", terms, note) if note else count("macs", terms)  # the default too
    assert step.line == line
    assert step.value == (None if "?" in line else int(line.split("= ")[-1].split()[0]))
