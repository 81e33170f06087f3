"""The lecture's arithmetic, each result paired with its working in the lecture's notation.

    output_width = ⌊(input_width + 2·padding − kernel)/stride⌋ + 1
    params       = (kernel·kernel·input_depth + 1)·filters

Every function returns a :class:`Step`: the number and the line that derives it with the
numbers substituted. The same line feeds ``--explain`` and the error messages, so the two
cannot drift apart. Sizes may be ``None`` (unknown), as in Keras.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

# One axis' padding: a Keras mode ('valid', 'same', 'causal') or explicit (before, after).
AxisPadding = Union[str, tuple[int, int]]


@dataclass(frozen=True)
class Step:
    """A computed value and the line showing how it was computed."""

    value: int | None
    label: str
    formula: str

    @property
    def line(self) -> str:
        return f"{self.label} = {self.formula}"


def num(n: int | None) -> str:
    """An integer as the lecture writes it: a real minus sign, '?' when unknown.

    >>> num(-3), num(None)
    ('−3', '?')
    """
    if n is None:
        return "?"
    return f"−{-n}" if n < 0 else str(n)


def dims(sizes: tuple[int | None, ...] | list[int | None]) -> str:
    """(7, 7) -> '7×7'."""
    return "×".join(num(s) for s in sizes)


def product(sizes: tuple[int | None, ...] | list[int | None]) -> int | None:
    """The product of the sizes, or None when any is unknown."""
    if any(s is None for s in sizes):
        return None
    return math.prod(s for s in sizes if s is not None)


def product_text(sizes: tuple[int | None, ...] | list[int | None]) -> str:
    """(5, 5, 64) -> '5·5·64'."""
    return "·".join(num(s) for s in sizes)


def dilated(kernel: int, dilation: int) -> int:
    """The span of a dilated kernel: (k − 1)·d + 1."""
    return (kernel - 1) * dilation + 1


def padding_text(padding: AxisPadding) -> str:
    """How the padding enters the lecture's formula: '2·1' or '1 + 2'."""
    if isinstance(padding, str):
        return "2·0"
    before, after = padding
    return f"2·{num(before)}" if before == after else f"{num(before)} + {num(after)}"


def same_padding_split(size: int, out: int, span: int, stride: int) -> tuple[int, int]:
    """Keras's (TensorFlow's) split of 'same' padding: the odd zero goes after."""
    total = max((out - 1) * stride + span - size, 0)
    return total // 2, total - total // 2


def window_output(
    axis: str,
    size: int | None,
    window: int,
    stride: int,
    padding: AxisPadding,
    dilation: int = 1,
) -> Step:
    """Output size of a sliding window (convolution or pooling) along one axis.

    >>> window_output("width", 28, 3, 1, "valid").line
    'output_width = ⌊(28 + 2·0 − 3)/1⌋ + 1 = 26'
    >>> window_output("width", 7, 3, 2, "same").line
    'output_width = ⌈7/2⌉ = 4  (same: pads 1 before, 1 after)'
    >>> window_output("width", 5, 3, 1, (2, 2)).value  # Dumoulin & Visin, full padding
    7
    """
    label = f"output_{axis}"
    span = dilated(window, dilation)
    if size is None:
        return Step(None, label, "? (the input size is unknown)")
    if padding in ("same", "causal"):
        out = -(-size // stride)
        if padding == "causal":
            note = f"causal: {num(span - 1)} zeros before"
        else:
            before, after = same_padding_split(size, out, span, stride)
            note = f"same: pads {before} before, {after} after"
        return Step(out, label, f"⌈{num(size)}/{stride}⌉ = {num(out)}  ({note})")
    before, after = (0, 0) if padding == "valid" else padding
    out = (size + before + after - span) // stride + 1
    formula = f"⌊({num(size)} + {padding_text(padding)} − {span})/{stride}⌋ + 1 = {num(out)}"
    return Step(out, label, formula)


def transpose_output(
    axis: str,
    size: int | None,
    kernel: int,
    stride: int,
    padding: AxisPadding,
    output_padding: int | None,
    dilation: int = 1,
) -> Step:
    """Output size of a transposed convolution along one axis, as Keras 3 computes it.

    Explicit padding follows Dumoulin & Visin: o = s·(i − 1) + a + k − 2p.

    >>> transpose_output("width", 7, 3, 2, "valid", None).line
    'output_width = (7 − 1)·2 + max(3, 2) = 15'
    """
    label = f"output_{axis}"
    k = dilated(kernel, dilation)
    if size is None:
        return Step(None, label, "? (the input size is unknown)")
    i, s, a = num(size), stride, output_padding
    if padding == "valid" and a is None:
        out = (size - 1) * s + max(k, s)
        return Step(out, label, f"({i} − 1)·{s} + max({k}, {s}) = {num(out)}")
    if padding == "valid":
        out = (size - 1) * s + k + a
        return Step(out, label, f"({i} − 1)·{s} + {k} + {a} = {num(out)}")
    if padding == "same" and a is None:
        out = size * s
        return Step(out, label, f"{i}·{s} = {num(out)}  (same)")
    if padding == "same":
        out = (size - 1) * s + k % 2 + a
        return Step(out, label, f"({i} − 1)·{s} + {k} mod 2 + {a} = {num(out)}  (same)")
    before, after = padding  # type: ignore[misc]
    a = a or 0
    pads = f"2·{before}" if before == after else f"({before} + {after})"
    out = s * (size - 1) + a + k - before - after
    return Step(out, label, f"{s}·({i} − 1) + {a} + {k} − {pads} = {num(out)}")


def count(label: str, terms: list[list[tuple[int | None, ...]]], note: str = "") -> Step:
    """A cost as a sum of products, written factor group by factor group.

    Each term is a list of factor groups multiplied together; groups are separated by ' · '
    so that the reader sees which factors are positions and which are the work per position.

    >>> count("macs", [[(26, 26, 32), (3, 3, 1)]]).line
    'macs = 26·26·32 · 3·3·1 = 194688'
    >>> count("macs", [[(10, 10, 3), (3, 3)], [(10, 10, 16), (3,)]]).line
    'macs = 10·10·3 · 3·3 + 10·10·16 · 3 = 2700 + 4800 = 7500'
    >>> count("ops", [[(None, 4)]]).line
    'ops = ?·4 = ? (a size is unknown)'
    """
    values = [product([size for group in term for size in group]) for term in terms]
    texts = [" · ".join(product_text(group) for group in term) for term in terms]
    suffix = f"  ({note})" if note else ""
    if any(v is None for v in values):
        return Step(None, label, " + ".join(texts) + " = ? (a size is unknown)" + suffix)
    total = sum(v for v in values if v is not None)
    partial = " + ".join(num(v) for v in values) + " = " if len(values) > 1 else ""
    return Step(total, label, f"{' + '.join(texts)} = {partial}{num(total)}{suffix}")
