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
        (
            ["--dtype", "float33"],
            "--dtype: 'float33' is not a Keras dtype; did you mean 'float32'?",
        ),
        (["--batch-size", "0"], "--batch-size must be at least 1, got 0"),
        (["--optimizer", "lamb"], "unknown 'lamb'; choose from sgd, momentum, rmsprop"),
    ],
    ids=["optimizer-typo", "dtype-typo", "batch-size", "optimizer-unknown"],  # no "Keras" in
)  # an id: the mutation run deselects by that word
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


SQUEEZE = {
    "input_shape": [10, 10, 8],
    "layers": [
        {"type": "Conv2D", "name": "squeeze", "filters": 2, "kernel_size": 1},
        {"type": "Flatten", "name": "flat"},
        {"type": "Dense", "name": "out", "units": 3, "trainable": False},
    ],
}
"""A 1×1 convolution that shrinks its input (so the input is alive at the peak), then a frozen
Dense: (1·1·8 + 1)·2 = 18 trainable weights, (200 + 1)·3 = 603 frozen, 621 in all."""
SQUEEZE_ELEMENTS = 10 * 10 * 8 + 10 * 10 * 2 + 200 + 3  # the input and every output


def test_every_figure_and_working_line_by_hand() -> None:
    """Nadam: 2 slots per trainable weight and 3 scalars (iteration int64, learning_rate and
    u_product float32), with the name written as a user may type it."""
    result = cnncalc.analyze(SQUEEZE)
    memory = result.memory(batch_size=2, optimizer="Nadam")
    optimizer_bytes = 2 * 18 * 4 + 8 + 4 + 4
    activations = 2 * SQUEEZE_ELEMENTS * 4
    training = 621 * 4 + 18 * 4 + optimizer_bytes + activations
    peak = 621 * 4 + 2 * (800 + 200) * 4  # input and squeeze's output, while computing it
    assert result.to_dict(memory=memory)["memory"] == {
        "batch_size": 2,
        "dtype": "float32",
        "optimizer": "nadam",
        "params_bytes": 621 * 4,
        "gradients_bytes": 18 * 4,
        "optimizer_params": 2 * 18 + 3,
        "optimizer_bytes": optimizer_bytes,
        "activations_bytes": activations,
        "training_bytes": training,
        "inference_peak_bytes": peak,
    }
    assert memory.working == (
        "bytes per weight = 4, per activation = 4  (float32)",
        "params_bytes = 621·4 = 2484",
        "gradients_bytes = 18·4 = 72  (trainable weights)",
        "optimizer_params = 2·18 + 3 = 39  (Nadam(): momentums, velocities, u_product; "
        "iteration, learning_rate, u_product)",
        f"activations_bytes = 2·{SQUEEZE_ELEMENTS}·4 = {activations}  "
        "(the input and every layer's output)",
        f"training_bytes = 2484 + 72 + {optimizer_bytes} + {activations} = {training}",
        f"inference_peak_bytes = 2484 + 2·1000·4 = {peak}  "
        "(while computing 'squeeze': input, squeeze alive)",
    )


@pytest.mark.parametrize(
    ("optimizer", "slots", "scalars"),
    [
        ("sgd", 0, 2),  # iteration and learning_rate only
        ("momentum", 1, 2),  # SGD(momentum=0.9): one momentum per weight
        ("adam", 2, 2),  # momentums and velocities
        ("nadam", 2, 3),  # and u_product
    ],
)
def test_optimizer_slots_count_trainable_weights_only(
    optimizer: str, slots: int, scalars: int
) -> None:
    memory = cnncalc.analyze(SQUEEZE).memory(optimizer=optimizer)
    assert memory.optimizer_params == slots * 18 + scalars
    assert memory.optimizer_bytes == slots * 18 * 4 + 8 + 4 * (scalars - 1)
    line = next(w for w in memory.working if w.startswith("optimizer_params"))
    assert line.startswith(f"optimizer_params = {slots}·18 + {scalars} = {slots * 18 + scalars}")
    assert line.endswith("; iteration, learning_rate" + ", u_product" * (scalars == 3) + ")")


def test_unknown_sizes_leave_activations_training_and_peak_unknown() -> None:
    spec = {
        "input_shape": [None, None, 3],
        "layers": [{"type": "Conv2D", "filters": 4, "kernel_size": 3}],
    }
    memory = cnncalc.analyze(spec).memory()
    weights = (3 * 3 * 3 + 1) * 4  # 112: the weights do not depend on the image size
    assert (memory.params_bytes, memory.optimizer_params) == (weights * 4, weights + 2)
    assert (memory.activations_bytes, memory.training_bytes, memory.inference_peak_bytes) == (
        None,
        None,
        None,
    )
    assert memory.working[-3:] == (
        "activations_bytes = 1·?·4 = ?  (the input and every layer's output)",
        f"training_bytes = 448 + 448 + {weights * 4 + 12} + ? = ?",
        "inference_peak_bytes = 448 + 1·?·4 = ?  (a size is unknown)",
    )


SAME_CHAIN = {
    "input_shape": [8, 8, 4],
    "layers": [
        {"type": "Conv2D", "name": n, "filters": 4, "kernel_size": 3, "padding": "same"}
        for n in ("a", "b", "c")
    ],
}


@pytest.mark.parametrize(
    ("spec", "peak", "where"),
    [
        # 256 elements each: input + a, then a + b, then b + c: the first of the equal steps
        (SAME_CHAIN, 2 * 256, "while computing 'a': input, a alive"),
        # the input is alive at the peak: 800 + 200 at squeeze, then 200 + 200, 200 + 3
        (SQUEEZE, 800 + 200, "while computing 'squeeze': input, squeeze alive"),
        # an InputLayer is a row of its own: no implicit input beside it
        ({"layers": [{"type": "InputLayer", "name": "x", "shape": [1]}]}, 1, "while computing "
         "'x': x alive"),
    ],
)  # fmt: skip
def test_the_peak_and_where_it_is_reached(spec: dict[str, Any], peak: int, where: str) -> None:
    result = cnncalc.analyze(spec)
    memory = result.memory()
    assert memory.inference_peak_bytes == result.total_params * 4 + peak * 4
    assert memory.working[-1].endswith(f"({where})")


def test_the_default_batch_is_one_sample() -> None:
    from cnncalc.costs import estimate

    assert estimate(cnncalc.analyze(SQUEEZE)).activations_bytes == SQUEEZE_ELEMENTS * 4


@pytest.mark.parametrize(
    ("dense_dtype", "policy", "weight_bytes"),
    [
        ("float64", "float64", 8),  # the first computing layer's dtype, after the InputLayer
        (None, "float32", 4),  # an InputLayer's dtype is its data's, never the policy
    ],
)
def test_an_input_layers_dtype_is_not_the_policy(
    dense_dtype: str | None, policy: str, weight_bytes: int
) -> None:
    dense: dict[str, Any] = {"type": "Dense", "units": 2}
    if dense_dtype:
        dense["dtype"] = dense_dtype
    spec = {"layers": [{"type": "InputLayer", "shape": [4], "dtype": "float16"}, dense]}
    memory = cnncalc.analyze(spec).memory()
    assert (memory.dtype, memory.params_bytes) == (policy, (4 + 1) * 2 * weight_bytes)
