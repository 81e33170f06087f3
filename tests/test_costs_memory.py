"""Memory: optimizer slots against real compiled Keras models, the rest by hand arithmetic."""

from __future__ import annotations

import math
from typing import Any

import pytest
from typer.testing import CliRunner

import cnncalc
from cnncalc.cli import app
from cnncalc.costs import OPTIMIZERS

KERAS_OPTIMIZERS = {
    "sgd": ("SGD", {}),
    "momentum": ("SGD", {"momentum": 0.9}),
    "rmsprop": ("RMSprop", {}),
    "adagrad": ("Adagrad", {}),
    "adadelta": ("Adadelta", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
    "adamax": ("Adamax", {}),
    "nadam": ("Nadam", {}),
    "ftrl": ("Ftrl", {}),
    "lion": ("Lion", {}),
}


def test_every_optimizer_has_its_keras_twin() -> None:
    assert set(KERAS_OPTIMIZERS) == set(OPTIMIZERS)


@pytest.fixture(scope="module")
def mnist_model() -> Any:
    from cnncalc.keras.bridge import to_keras

    return to_keras("mnist")


@pytest.mark.parametrize("name", sorted(KERAS_OPTIMIZERS))
def test_optimizer_params_and_bytes_are_keras_variables(
    keras: Any, mnist_model: Any, name: str
) -> None:
    kind, arguments = KERAS_OPTIMIZERS[name]
    optimizer = getattr(keras.optimizers, kind)(**arguments)
    optimizer.build(mnist_model.trainable_variables)
    count = sum(math.prod(v.shape) for v in optimizer.variables)
    import numpy as np

    size = sum(math.prod(v.shape) * np.dtype(v.dtype).itemsize for v in optimizer.variables)
    memory = cnncalc.analyze("mnist").memory(optimizer=name)
    assert (memory.optimizer_params, memory.optimizer_bytes) == (count, size)


def test_the_optimizer_line_is_the_one_keras_prints(keras: Any, mnist_model: Any) -> None:
    from cnncalc.keras.bridge import summary_text

    mnist_model.compile(optimizer="adam", loss="categorical_crossentropy")
    mnist_model.optimizer.build(mnist_model.trainable_variables)
    keras_line = next(
        line.strip() for line in summary_text(mnist_model).splitlines() if "Optimizer" in line
    )
    assert keras_line == "Optimizer params: 69,654 (272.09 KB)"
    printed = CliRunner().invoke(app, ["analyze", "mnist", "--costs", "--optimizer", "adam"])
    assert keras_line in printed.stdout


MNIST_OUTPUTS = [26 * 26 * 32, 13 * 13 * 32, 11 * 11 * 64, 5 * 5 * 64, 1600, 1600, 10]


def test_mnist_memory_by_hand() -> None:
    memory = cnncalc.analyze("mnist").memory(batch_size=32, optimizer="adam")
    assert memory.params_bytes == 34826 * 4
    assert memory.gradients_bytes == 34826 * 4
    assert memory.activations_bytes == 32 * (28 * 28 + sum(MNIST_OUTPUTS)) * 4
    assert memory.training_bytes == (
        34826 * 4 + 34826 * 4 + (2 * 34826 * 4 + 8 + 4) + memory.activations_bytes
    )
    # the input dies after conv2d; the peak is conv2d's output beside max_pooling2d's
    assert memory.inference_peak_bytes == 34826 * 4 + 32 * (26 * 26 * 32 + 13 * 13 * 32) * 4


def test_non_trainable_weights_have_no_gradients() -> None:
    result = cnncalc.analyze("resnet50")
    memory = result.memory()
    assert memory.gradients_bytes == 4 * result.trainable_params < memory.params_bytes


def test_a_branch_stays_alive_until_its_last_reader() -> None:
    spec = {
        "input_shape": [8, 8, 1],
        "layers": [
            {"type": "Conv2D", "name": "a", "filters": 4, "kernel_size": 3, "padding": "same"},
            {"type": "Conv2D", "name": "b", "filters": 4, "kernel_size": 3, "padding": "same"},
            {"type": "Conv2D", "name": "c", "filters": 4, "kernel_size": 3, "padding": "same"},
            {"type": "Add", "name": "sum", "inputs": ["a", "c"]},
        ],
    }
    result = cnncalc.analyze(spec)
    memory = result.memory(dtype="float16")
    feature_map = 8 * 8 * 4
    # at 'sum': a (kept for the skip), c and sum itself; b died after c
    peak = 3 * feature_map
    assert memory.inference_peak_bytes == result.total_params * 2 + peak * 2


def test_mixed_precision_keeps_float32_weights_and_half_activations() -> None:
    memory = cnncalc.analyze("mnist").memory(dtype="mixed_float16")
    assert memory.params_bytes == 34826 * 4
    assert memory.activations_bytes == (28 * 28 + sum(MNIST_OUTPUTS)) * 2


def test_the_specs_dtype_is_the_default() -> None:
    spec = {
        "input_shape": [4],
        "layers": [{"type": "Dense", "units": 2, "dtype": "float64"}],
    }
    memory = cnncalc.analyze(spec).memory()
    assert (memory.dtype, memory.params_bytes) == ("float64", 10 * 8)


def test_a_keras_models_policy_is_its_layers_not_its_inputs(keras: Any) -> None:
    policy = keras.mixed_precision.dtype_policy()
    keras.mixed_precision.set_dtype_policy("mixed_float16")
    try:
        inputs = keras.Input((4,))
        model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    finally:
        keras.mixed_precision.set_dtype_policy(policy)
    memory = cnncalc.analyze(model).memory()
    assert memory.dtype == "mixed_float16"
    assert memory.activations_bytes == (4 + 2) * 2  # half-size activations
    assert memory.params_bytes == 10 * 4  # float32 weights


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--optimizer", "adamm"], "--optimizer: unknown 'adamm'; did you mean 'adam'?"),
        (["--dtype", "float33"], "--dtype: 'float33' is not a Keras dtype"),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--optimizer", "lamb"], "unknown 'lamb'; choose from sgd, momentum, rmsprop"),
    ],
)
def test_bad_memory_options_exit_2_with_one_line(options: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["analyze", "mnist", "--costs", *options])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_the_costs_path_never_imports_tensorflow_or_numpy() -> None:
    import subprocess
    import sys

    argv = [
        "cnncalc",
        "analyze",
        "resnet50",
        "--costs",
        "--batch-size",
        "32",
        "--optimizer",
        "adam",
    ]
    code = (
        f"import sys; from cnncalc.cli import main; sys.argv = {argv!r}\n"
        "try: main()\nexcept SystemExit: pass\n"
        "print(sorted({'tensorflow', 'keras', 'numpy'} & set(sys.modules)))"
    )
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert process.stdout.strip().splitlines()[-1] == "[]"
    assert "Optimizer params: 51,167,186" in process.stdout  # 2 · 25,583,592 trainable + 2
