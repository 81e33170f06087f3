"""Writes tests/data/summaries/: real model.summary() printouts of keras-io example models.

Each model is written twice, independently: as the Keras code of its keras-io example (built
here in Keras 3 and in tf-keras, i.e. Keras 2) and as a hand-written cnncalc spec, in an
order of its own where the model is a graph. The printouts are Keras's own text; cnncalc
only reads them (tests/test_summary.py). Run again after a Keras upgrade:

    python scripts/make_summary_fixtures.py [MODEL ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "summaries"


def mnist_convnet(k: Any) -> Any:
    """keras-io examples/vision/mnist_convnet.py."""
    return k.Sequential(
        [
            k.Input(shape=(28, 28, 1)),
            k.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            k.layers.MaxPooling2D(pool_size=(2, 2)),
            k.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            k.layers.MaxPooling2D(pool_size=(2, 2)),
            k.layers.Flatten(),
            k.layers.Dropout(0.5),
            k.layers.Dense(10, activation="softmax"),
        ]
    )


def toy_resnet(k: Any) -> Any:
    """keras-io guides/functional_api.py's "toy ResNet model", plus a projection shortcut
    (a strided 1×1 convolution) as in ResNet's downsampling blocks."""
    layers = k.layers
    inputs = k.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu", name="stem_1")(inputs)
    x = layers.Conv2D(64, 3, activation="relu", name="stem_2")(x)
    block_1_output = layers.MaxPooling2D(3, name="stem_pool")(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same", name="block_2_a")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same", name="block_2_b")(x)
    block_2_output = layers.add([x, block_1_output], name="block_2_add")
    x = layers.Conv2D(128, 3, strides=2, padding="same", name="block_3_a")(block_2_output)
    x = layers.BatchNormalization(name="block_3_a_bn")(x)
    x = layers.Conv2D(128, 3, activation="relu", padding="same", name="block_3_b")(x)
    shortcut = layers.Conv2D(128, 1, strides=2, name="block_3_projection_shortcut")(block_2_output)
    shortcut = layers.BatchNormalization(name="block_3_projection_shortcut_bn")(shortcut)
    block_3_output = layers.add([x, shortcut], name="block_3_add")
    x = layers.GlobalAveragePooling2D(name="pool")(block_3_output)
    x = layers.Dense(256, activation="relu", name="fc")(x)
    x = layers.Dropout(0.5, name="fc_dropout")(x)
    outputs = layers.Dense(10, name="logits")(x)
    return k.Model(inputs, outputs, name="toy_resnet")


def inception_block(k: Any) -> Any:
    """An Inception (GoogLeNet 3a) block on a small input: four branches, concatenated."""
    layers = k.layers
    inputs = k.Input(shape=(28, 28, 192), name="previous")
    b1 = layers.Conv2D(64, 1, activation="relu", name="branch1x1")(inputs)
    b3 = layers.Conv2D(96, 1, activation="relu", name="branch3x3_reduce")(inputs)
    b3 = layers.Conv2D(128, 3, padding="same", activation="relu", name="branch3x3")(b3)
    b5 = layers.Conv2D(16, 1, activation="relu", name="branch5x5_reduce")(inputs)
    b5 = layers.Conv2D(32, 5, padding="same", activation="relu", name="branch5x5")(b5)
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name="branch_pool")(inputs)
    bp = layers.Conv2D(32, 1, activation="relu", name="branch_pool_proj")(bp)
    outputs = layers.Concatenate(name="inception_3a")([b1, b3, b5, bp])
    return k.Model(inputs, outputs, name="inception_block")


def nested_head(k: Any) -> Any:
    """A convnet whose classifier is a nested Sequential, its first layer frozen."""
    layers = k.layers
    inputs = k.Input(shape=(32, 32, 3), name="image")
    x = layers.Conv2D(16, 3, activation="relu", name="features")(inputs)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    head = k.Sequential(
        [k.Input(shape=(16,)), layers.Dense(32, activation="relu"), layers.Dense(10)],
        name="head",
    )
    model = k.Model(inputs, head(x), name="nested_head")
    model.get_layer("features").trainable = False
    return model


def masked_sequences(k: Any) -> Any:
    """Two padded sequences, masked: by Embedding(mask_zero=True) and by a Masking layer.
    Keras 3 prints the ops that compute the masks (NotEqual, Any) as rows of their own."""
    layers = k.layers
    tokens = k.Input(shape=(6,), dtype="int32", name="tokens")
    x = layers.Embedding(100, 8, mask_zero=True, name="embed")(tokens)
    x = layers.LSTM(4, name="read_tokens")(x)
    series = k.Input(shape=(6, 3), name="series")
    y = layers.Masking(name="mask_padding")(series)
    y = layers.SimpleRNN(4, name="read_series")(y)
    both = layers.Concatenate(name="both")([x, y])
    outputs = layers.Dense(2, name="logits")(both)
    return k.Model([tokens, series], outputs, name="masked_sequences")


def pooled_branches(k: Any) -> Any:
    """Two branches of auto-named poolings; Keras prints the deeper branch's first pooling
    (created second) before the other branch's: auto-names out of their number order."""
    layers = k.layers
    left = k.Input(shape=(8, 8, 1))
    right = k.Input(shape=(8, 8, 1))
    x = layers.MaxPooling2D(2)(left)
    y = layers.MaxPooling2D(2, strides=1)(right)
    y = layers.MaxPooling2D(3)(y)
    both = layers.Concatenate()([layers.Flatten()(x), layers.Flatten()(y)])
    return k.Model([left, right], layers.Dense(2)(both))


def rerun(builder: Callable[[Any], Any]) -> Callable[[Any, Any], str]:
    """A notebook cell run twice: the second model's auto-names count on from the first's."""
    return lambda m, k: printout(builder(k))


CONV = {"type": "Conv2D", "activation": "relu"}
SPECS: dict[str, dict[str, Any]] = {
    "mnist_convnet": {
        "name": "sequential",
        "input_shape": [28, 28, 1],
        "layers": [
            {**CONV, "filters": 32, "kernel_size": 3},
            {"type": "MaxPooling2D", "pool_size": 2},
            {**CONV, "filters": 64, "kernel_size": 3},
            {"type": "MaxPooling2D", "pool_size": 2},
            {"type": "Flatten"},
            {"type": "Dropout", "rate": 0.5},
            {"type": "Dense", "units": 10, "activation": "softmax"},
        ],
    },
    "toy_resnet": {  # the shortcut branch written before the main branch
        "name": "toy_resnet",
        "layers": [
            {"type": "InputLayer", "name": "img", "shape": [32, 32, 3]},
            {**CONV, "name": "stem_1", "filters": 32, "kernel_size": 3},
            {**CONV, "name": "stem_2", "filters": 64, "kernel_size": 3},
            {"type": "MaxPooling2D", "name": "stem_pool", "pool_size": 3},
            {**CONV, "name": "block_2_a", "filters": 64, "kernel_size": 3, "padding": "same"},
            {**CONV, "name": "block_2_b", "filters": 64, "kernel_size": 3, "padding": "same"},
            {"type": "Add", "name": "block_2_add", "inputs": ["block_2_b", "stem_pool"]},
            {
                "type": "Conv2D",
                "name": "block_3_projection_shortcut",
                "filters": 128,
                "kernel_size": 1,
                "strides": 2,
            },
            {"type": "BatchNormalization", "name": "block_3_projection_shortcut_bn"},
            {
                "type": "Conv2D",
                "name": "block_3_a",
                "filters": 128,
                "kernel_size": 3,
                "strides": 2,
                "padding": "same",
                "inputs": ["block_2_add"],
            },
            {"type": "BatchNormalization", "name": "block_3_a_bn"},
            {**CONV, "name": "block_3_b", "filters": 128, "kernel_size": 3, "padding": "same"},
            {
                "type": "Add",
                "name": "block_3_add",
                "inputs": ["block_3_b", "block_3_projection_shortcut_bn"],
            },
            {"type": "GlobalAveragePooling2D", "name": "pool"},
            {"type": "Dense", "name": "fc", "units": 256, "activation": "relu"},
            {"type": "Dropout", "name": "fc_dropout", "rate": 0.5},
            {"type": "Dense", "name": "logits", "units": 10},
        ],
    },
    "inception_block": {  # branch by branch
        "name": "inception_block",
        "layers": [
            {"type": "InputLayer", "name": "previous", "shape": [28, 28, 192]},
            {**CONV, "name": "branch1x1", "filters": 64, "kernel_size": 1},
            {
                **CONV,
                "name": "branch3x3_reduce",
                "filters": 96,
                "kernel_size": 1,
                "inputs": ["previous"],
            },
            {**CONV, "name": "branch3x3", "filters": 128, "kernel_size": 3, "padding": "same"},
            {
                **CONV,
                "name": "branch5x5_reduce",
                "filters": 16,
                "kernel_size": 1,
                "inputs": ["previous"],
            },
            {**CONV, "name": "branch5x5", "filters": 32, "kernel_size": 5, "padding": "same"},
            {
                "type": "MaxPooling2D",
                "name": "branch_pool",
                "pool_size": 3,
                "strides": 1,
                "padding": "same",
                "inputs": ["previous"],
            },
            {**CONV, "name": "branch_pool_proj", "filters": 32, "kernel_size": 1},
            {
                "type": "Concatenate",
                "name": "inception_3a",
                "inputs": ["branch1x1", "branch3x3", "branch5x5", "branch_pool_proj"],
            },
        ],
    },
    "masked_sequences": {  # the series branch first
        "name": "masked_sequences",
        "layers": [
            {"type": "InputLayer", "name": "series", "shape": [6, 3]},
            {"type": "Masking", "name": "mask_padding"},
            {"type": "SimpleRNN", "name": "read_series", "units": 4},
            {"type": "InputLayer", "name": "tokens", "shape": [6], "dtype": "int32"},
            {
                "type": "Embedding",
                "name": "embed",
                "input_dim": 100,
                "output_dim": 8,
                "mask_zero": True,
            },
            {"type": "LSTM", "name": "read_tokens", "units": 4},
            {"type": "Concatenate", "name": "both", "inputs": ["read_tokens", "read_series"]},
            {"type": "Dense", "name": "logits", "units": 2},
        ],
    },
    "pooled_branches": {  # named in Keras's order of creation, as cnncalc counts them
        "layers": [
            {"type": "InputLayer", "name": "left", "shape": [8, 8, 1]},
            {"type": "InputLayer", "name": "right", "shape": [8, 8, 1]},
            {"type": "MaxPooling2D", "pool_size": 2, "inputs": ["left"]},
            {"type": "MaxPooling2D", "pool_size": 2, "strides": 1, "inputs": ["right"]},
            {"type": "MaxPooling2D", "pool_size": 3},
            {"type": "Flatten", "inputs": ["max_pooling2d"]},
            {"type": "Flatten", "inputs": ["max_pooling2d_2"]},
            {"type": "Concatenate", "inputs": ["flatten", "flatten_1"]},
            {"type": "Dense", "units": 2},
        ],
    },
    "nested_head": {
        "name": "nested_head",
        "layers": [
            {"type": "InputLayer", "name": "image", "shape": [32, 32, 3]},
            {**CONV, "name": "features", "filters": 16, "kernel_size": 3, "trainable": False},
            {"type": "GlobalAveragePooling2D", "name": "pool"},
            {
                "type": "Sequential",
                "name": "head",
                "layers": [
                    {"type": "Dense", "units": 32, "activation": "relu"},
                    {"type": "Dense", "units": 10},
                ],
            },
        ],
    },
}


def printout(model: Any, **options: Any) -> str:
    """The text model.summary() prints (print_fn gets it line by line in Keras 2, whole in 3)."""
    parts: list[str] = []
    model.summary(print_fn=lambda text, **_: parts.append(text), **options)
    return "\n".join(parts).rstrip("\n")


def notebook_printout(model: Any) -> str:
    """The summary as a Jupyter notebook shows it (rich's HTML, colour tags and all), indented
    as when pasted into a blog post."""
    import rich.console
    from keras.src.utils import summary_utils
    from rich.jupyter import JUPYTER_HTML_FORMAT

    recorder = rich.console.Console(record=True, file=io.StringIO(), width=100, highlight=False)
    with patched(summary_utils.rich.console, "Console", lambda **_: recorder):
        model.summary()
    page = recorder.export_html(inline_styles=True, code_format=JUPYTER_HTML_FORMAT)
    return "\n".join("    " + line for line in page.splitlines())


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    saved = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, saved)


def trained(model: Any, k: Any) -> Any:
    """Compiled and one step trained on zeros, so that Keras 3 adds 'Optimizer params'."""
    import numpy as np

    model.compile(optimizer="adam", loss="categorical_crossentropy")
    x = np.zeros((2, *model.input_shape[1:]), "float32")
    y = np.zeros((2, *model.output_shape[1:]), "float32")
    model.fit(x, y, epochs=1, verbose=0)
    return model


Printout = Callable[[Any, Any], str]
FIXTURES: dict[str, list[tuple[str, str, Printout]]] = {
    # model -> (layout name, keras module, how it is printed)
    "mnist_convnet": [
        ("keras3", "keras", lambda m, k: printout(m)),
        ("tf_keras", "tf_keras", lambda m, k: printout(m)),
        ("keras3_notebook", "keras", lambda m, k: notebook_printout(m)),
        ("keras3_trained", "keras", lambda m, k: printout(trained(m, k), show_trainable=True)),
    ],
    "toy_resnet": [
        ("keras3", "keras", lambda m, k: printout(m)),
        ("keras3_narrow", "keras", lambda m, k: printout(m, line_length=70)),
        ("tf_keras", "tf_keras", lambda m, k: printout(m)),
        ("tf_keras_narrow", "tf_keras", lambda m, k: printout(m, line_length=80)),
    ],
    "inception_block": [
        ("keras3", "keras", lambda m, k: printout(m)),
        ("tf_keras", "tf_keras", lambda m, k: printout(m)),
    ],
    "nested_head": [
        (
            "keras3_nested",
            "keras",
            lambda m, k: printout(m, expand_nested=True, show_trainable=True),
        ),
        (
            "tf_keras_nested",
            "tf_keras",
            lambda m, k: printout(m, expand_nested=True, show_trainable=True),
        ),
    ],
    "masked_sequences": [("keras3", "keras", lambda m, k: printout(m))],
    "pooled_branches": [("keras3_rerun", "keras", rerun(pooled_branches))],
}
BUILDERS = {
    "mnist_convnet": mnist_convnet,
    "toy_resnet": toy_resnet,
    "inception_block": inception_block,
    "nested_head": nested_head,
    "masked_sequences": masked_sequences,
    "pooled_branches": pooled_branches,
}


def main() -> None:
    import importlib

    OUT.mkdir(parents=True, exist_ok=True)
    chosen = sys.argv[1:] or list(FIXTURES)
    for model_name, layouts in FIXTURES.items():
        if model_name not in chosen:
            continue
        spec_file = f"{model_name}.json"
        (OUT / spec_file).write_text(json.dumps(SPECS[model_name], indent=2) + "\n", "utf-8")
        for layout, module, render in layouts:
            k = importlib.import_module(module)
            k.backend.clear_session()  # auto-names count from conv2d again
            text = render(BUILDERS[model_name](k), k)
            header = (
                f"# {model_name}: model.summary() in {module} {k.__version__} ({layout}); "
                f"spec: {spec_file}; written by scripts/make_summary_fixtures.py\n"
            )
            (OUT / f"{model_name}.{layout}.txt").write_text(header + text + "\n", "utf-8")
            print(f"wrote {model_name}.{layout}.txt", file=sys.stderr)


if __name__ == "__main__":
    main()
