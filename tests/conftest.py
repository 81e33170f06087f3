"""Shared test helpers: real Keras is the oracle (built in the test run, never mocked)."""

from __future__ import annotations

import math
import os
from importlib.util import find_spec
from typing import Any

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import cnncalc

from .browser import browser, page  # noqa: F401 (a real Chromium for any test that asks)

KERAS_INSTALLED = find_spec("keras") is not None and find_spec("tensorflow") is not None
NO_KERAS = "TensorFlow/Keras is not installed: pip install 'cnncalc[keras]'"
needs_keras = pytest.mark.skipif(not KERAS_INSTALLED, reason=NO_KERAS)
"""For tests that build models in real Keras: without it they skip and say why."""

KerasRow = tuple[tuple[Any, ...], int, int, int]


def keras_table(model: Any) -> dict[str, KerasRow]:
    """Per layer name: (output shape, params, trainable, non-trainable), as Keras reports them."""
    table = {}
    for layer in getattr(model, "_operations", model.layers):  # Keras 3 ops (x + 3.0) too
        trainable = sum(math.prod(w.shape) for w in getattr(layer, "trainable_weights", []))
        total = layer.count_params() if getattr(layer, "weights", None) else 0
        table[layer.name] = (tuple(layer.output.shape), total, trainable, total - trainable)
    return table


def engine_table(analysis: cnncalc.Analysis) -> dict[str, KerasRow]:
    return {
        row.name: (
            row.keras_output_shape,
            row.params,
            row.trainable_params,
            row.non_trainable_params,
        )
        for row in analysis.layers
    }


def assert_matches_keras(spec: Any) -> cnncalc.Analysis:
    """Analyze the spec and build it in Keras; every layer must agree exactly (without Keras
    installed, the test skips and says why)."""
    from cnncalc.keras.bridge import to_keras

    if not KERAS_INSTALLED:
        pytest.skip(NO_KERAS)

    analysis = cnncalc.analyze(spec)
    keras_rows = keras_table(to_keras(spec))
    for name, ours in engine_table(analysis).items():
        assert name in keras_rows, f"Keras has no layer named {name!r}"
        assert ours == keras_rows[name], f"{name}: cnncalc {ours} != Keras {keras_rows[name]}"
    return analysis


def row_of(input_shape: list[Any], layer: dict[str, Any]) -> cnncalc.LayerRow:
    """The row of a one-layer network, its layer written as a spec writes it."""
    return cnncalc.analyze({"input_shape": input_shape, "layers": [layer]})[0]


def one_layer(input_shape: list[Any], kind: str, **arguments: Any) -> cnncalc.LayerRow:
    """The row of a one-layer network."""
    return row_of(input_shape, {"type": kind, **arguments})


def conv_width(i: int, k: int, s: int = 1, padding: Any = "valid", d: int = 1) -> int:
    row = one_layer(
        [i, i, 1], "Conv2D", filters=1, kernel_size=k, strides=s, padding=padding, dilation_rate=d
    )
    return row.output_shape[1]


def transposed_width(i: int, k: int, s: int = 1, p: int = 0, a: int | None = None) -> int:
    row = one_layer(
        [i, i, 1],
        "Conv2DTranspose",
        filters=1,
        kernel_size=k,
        strides=s,
        padding=p,
        output_padding=a,
    )
    return row.output_shape[1]


KERAS_FIXTURES = {"keras", "tf_keras"}
KERAS_BUILDERS = {"assert_matches_keras", "assert_same_network", "to_keras", "crosscheck"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as `keras` every test that builds real Keras models (it asks for Keras, is skipped
    without it, or calls a helper that builds a model), so `-m "not keras"` (the mutation run)
    leaves out exactly those, whatever their names say."""
    for item in items:
        asks = KERAS_FIXTURES & set(getattr(item, "fixturenames", ()))
        skips = any(mark.kwargs.get("reason") == NO_KERAS for mark in item.iter_markers("skipif"))
        code = getattr(getattr(item, "function", None), "__code__", None)
        builds = code is not None and KERAS_BUILDERS & set(code.co_names)
        if asks or skips or builds:
            item.add_marker(pytest.mark.keras)


@pytest.fixture(scope="session")
def keras() -> Any:
    return pytest.importorskip("keras", reason=NO_KERAS)
