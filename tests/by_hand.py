"""A student working a sheet by hand: the lecture's formulas, written here, on the sheet's givens.

The oracle for grading tests whose networks are random (a class): nothing here calls cnncalc.
Each formula is the one the lecture and Keras's docs give:

- a window of k with dilation d spans (k − 1)·d + 1 inputs; 'valid': ⌊(W − span)/s⌋ + 1,
  'same': ⌈W/s⌉;
- a convolution has (k·k·d/g + 1)·n parameters (no + 1 without a bias);
- a depthwise convolution k·k·d·m (+ d·m biases); a separable one k·k·d·m + d·m·n (+ n);
- BatchNormalization 4 per channel (γ, β, moving mean, moving variance);
- Dense (n_in + 1)·units; pooling, Dropout, Flatten and padding none.
"""

from __future__ import annotations

import math
from typing import Any

Shape = tuple[int, ...]


def pair(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (value[0], value[1])


def window(size: int, k: int, s: int, d: int, padding: str) -> int:
    span = (k - 1) * d + 1
    return math.ceil(size / s) if padding == "same" else (size - span) // s + 1


def slide(shape: Shape, given: dict[str, Any], k: Any, s: Any, depth: int) -> Shape:
    """The output of a sliding window over height and width."""
    ks, ss, ds = pair(k), pair(s), pair(given.get("dilation_rate", 1))
    padding = given.get("padding", "valid")
    h, w = (window(shape[i], ks[i], ss[i], ds[i], padding) for i in (0, 1))
    return (h, w, depth)


def layer_by_hand(kind: str, given: dict[str, Any], shape: Shape) -> tuple[Shape, int]:
    """One layer's output shape and parameter count, from its input shape."""
    d = shape[-1]
    bias = given.get("use_bias", True)
    if kind == "Conv2D":
        k, n, g = pair(given["kernel_size"]), given["filters"], given.get("groups", 1)
        out = slide(shape, given, given["kernel_size"], given.get("strides", 1), n)
        return out, (k[0] * k[1] * d // g + bias) * n
    if kind == "DepthwiseConv2D":
        k, m = pair(given["kernel_size"]), given.get("depth_multiplier", 1)
        out = slide(shape, given, given["kernel_size"], given.get("strides", 1), d * m)
        return out, k[0] * k[1] * d * m + bias * d * m
    if kind == "SeparableConv2D":
        k, m, n = pair(given["kernel_size"]), given.get("depth_multiplier", 1), given["filters"]
        out = slide(shape, given, given["kernel_size"], given.get("strides", 1), n)
        return out, k[0] * k[1] * d * m + d * m * n + bias * n
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = given.get("pool_size", 2)
        strides = given.get("strides") or pool
        return slide(shape, {**given, "dilation_rate": 1}, pool, strides, d), 0
    if kind == "BatchNormalization":
        return shape, 4 * d
    if kind == "Dropout":
        return shape, 0
    if kind == "ZeroPadding2D":
        p = given["padding"]
        return (shape[0] + 2 * p, shape[1] + 2 * p, d), 0
    if kind == "Flatten":
        return (math.prod(shape),), 0
    if kind == "GlobalAveragePooling2D":
        return (d,), 0
    if kind == "Dense":
        return (given["units"],), (d + bias) * given["units"]
    raise AssertionError(f"no hand formula for {kind} here")


def work_by_hand(input_shape: list[int], layers: list[dict[str, Any]]) -> dict[str, Any]:
    """A sequential sheet's answers: {name: (shape, params)} for each layer, and the total."""
    shape, answers = tuple(input_shape), {}
    for layer in layers:
        shape, params = layer_by_hand(layer["type"], layer.get("given") or {}, shape)
        answers[layer["name"]] = (shape, params)
    return {"layers": answers, "total": sum(params for _, params in answers.values())}
