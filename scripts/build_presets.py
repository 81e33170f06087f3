"""Writes the preset specs in cnncalc/presets/ (run once after changing a preset here).

Architectures follow the papers and keras.applications (layer names included), so each
preset can be checked row by row against Keras.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PRESETS = Path(__file__).resolve().parent.parent / "cnncalc" / "presets"
Layer = dict[str, Any]


def conv(filters: int, kernel: int, name: str | None = None, **extra: Any) -> Layer:
    layer: Layer = {"type": "Conv2D", "filters": filters, "kernel_size": kernel, **extra}
    return {**layer, "name": name} if name else layer


def dense(units: int, name: str | None = None, activation: str = "relu") -> Layer:
    layer: Layer = {"type": "Dense", "units": units, "activation": activation}
    return {**layer, "name": name} if name else layer


def lenet5() -> dict[str, Any]:
    layers = [
        conv(6, 5, activation="tanh"),
        {"type": "AveragePooling2D", "pool_size": 2},
        conv(16, 5, activation="tanh"),
        {"type": "AveragePooling2D", "pool_size": 2},
        {"type": "Flatten"},
        dense(120, activation="tanh"),
        dense(84, activation="tanh"),
        dense(10, activation="softmax"),
    ]
    return {
        "name": "lenet5",
        "description": "LeNet-5 (LeCun et al., 1998) on 32×32 digits.",
        "input_shape": [32, 32, 1],
        "layers": layers,
    }


def alexnet(grouped: bool) -> dict[str, Any]:
    """AlexNet as in the lecture's figure; grouped: the 2012 paper's two-GPU split."""
    groups = {"groups": 2} if grouped else {}
    pool = {"type": "MaxPooling2D", "pool_size": 3, "strides": 2}
    layers = [
        conv(96, 11, strides=4, activation="relu"),
        pool,
        conv(256, 5, padding="same", activation="relu", **groups),
        pool,
        conv(384, 3, padding="same", activation="relu"),
        conv(384, 3, padding="same", activation="relu", **groups),
        conv(256, 3, padding="same", activation="relu", **groups),
        pool,
        {"type": "Flatten"},
        dense(4096),
        {"type": "Dropout", "rate": 0.5},
        dense(4096),
        {"type": "Dropout", "rate": 0.5},
        dense(1000, activation="softmax"),
    ]
    name = "alexnet_grouped" if grouped else "alexnet"
    what = (
        "the 2012 paper's two-GPU grouped convolutions (conv2, conv4, conv5 in 2 groups)"
        if grouped
        else "single stream, as in the lecture's figure"
    )
    return {
        "name": name,
        "description": f"AlexNet (Krizhevsky et al., 2012), {what}.",
        "input_shape": [227, 227, 3],
        "layers": layers,
    }


def vgg(depths: list[int], name: str) -> dict[str, Any]:
    """keras.applications.VGG16/VGG19 with include_top=True."""
    layers: list[Layer] = []
    for block, (filters, depth) in enumerate(zip([64, 128, 256, 512, 512], depths), start=1):
        for i in range(1, depth + 1):
            layers.append(
                conv(filters, 3, f"block{block}_conv{i}", padding="same", activation="relu")
            )
        layers.append(
            {"type": "MaxPooling2D", "pool_size": 2, "strides": 2, "name": f"block{block}_pool"}
        )
    layers += [
        {"type": "Flatten", "name": "flatten"},
        dense(4096, "fc1"),
        dense(4096, "fc2"),
        dense(1000, "predictions", "softmax"),
    ]
    return {
        "name": name,
        "description": f"{name.upper()} (Simonyan & Zisserman, 2014), "
        "as keras.applications builds it.",
        "input_shape": [224, 224, 3],
        "layers": layers,
    }


def resnet50() -> dict[str, Any]:
    """keras.applications.ResNet50 with include_top=True, Keras's own layer names."""
    layers: list[Layer] = [
        {"type": "ZeroPadding2D", "padding": 3, "name": "conv1_pad"},
        conv(64, 7, "conv1_conv", strides=2),
        {"type": "BatchNormalization", "axis": 3, "epsilon": 1.001e-5, "name": "conv1_bn"},
        {"type": "Activation", "activation": "relu", "name": "conv1_relu"},
        {"type": "ZeroPadding2D", "padding": 1, "name": "pool1_pad"},
        {"type": "MaxPooling2D", "pool_size": 3, "strides": 2, "name": "pool1_pool"},
    ]

    def bn(name: str, source: str | None = None) -> Layer:
        layer = {"type": "BatchNormalization", "axis": 3, "epsilon": 1.001e-5, "name": name}
        return {**layer, "inputs": [source]} if source else layer

    def block(x: str, filters: int, stride: int, shortcut_conv: bool, name: str) -> str:
        """Listed in the order Keras's functional model lists them (by depth in the graph)."""
        relu = {"type": "Activation", "activation": "relu"}
        layers.extend(
            [
                conv(filters, 1, f"{name}_1_conv", strides=stride, inputs=[x]),
                bn(f"{name}_1_bn"),
                {**relu, "name": f"{name}_1_relu"},
                conv(filters, 3, f"{name}_2_conv", padding="same"),
                bn(f"{name}_2_bn"),
                {**relu, "name": f"{name}_2_relu"},
            ]
        )
        shortcut = x
        if shortcut_conv:
            shortcut = f"{name}_0_bn"
            layers.append(conv(4 * filters, 1, f"{name}_0_conv", strides=stride, inputs=[x]))
        layers.append(conv(4 * filters, 1, f"{name}_3_conv", inputs=[f"{name}_2_relu"]))
        if shortcut_conv:
            layers.append(bn(f"{name}_0_bn", f"{name}_0_conv"))
        layers.extend(
            [
                bn(f"{name}_3_bn", f"{name}_3_conv"),
                {"type": "Add", "name": f"{name}_add", "inputs": [shortcut, f"{name}_3_bn"]},
                {**relu, "name": f"{name}_out"},
            ]
        )
        return f"{name}_out"

    x = "pool1_pool"
    for stage, filters, blocks, stride in (
        ("conv2", 64, 3, 1),
        ("conv3", 128, 4, 2),
        ("conv4", 256, 6, 2),
        ("conv5", 512, 3, 2),
    ):
        x = block(x, filters, stride, True, f"{stage}_block1")
        for i in range(2, blocks + 1):
            x = block(x, filters, 1, False, f"{stage}_block{i}")
    layers += [
        {"type": "GlobalAveragePooling2D", "name": "avg_pool"},
        dense(1000, "predictions", "softmax"),
    ]
    return {
        "name": "resnet50",
        "description": "ResNet50 (He et al., 2015), as keras.applications builds it.",
        "input_shape": [224, 224, 3],
        "layers": layers,
    }


def main() -> None:
    specs = [
        lenet5(),
        alexnet(False),
        alexnet(True),
        vgg([2, 2, 3, 3, 3], "vgg16"),
        vgg([2, 2, 4, 4, 4], "vgg19"),
        resnet50(),
    ]
    for spec in specs:
        text = json.dumps(spec, indent=1, ensure_ascii=False)
        (PRESETS / f"{spec['name']}.json").write_text(text + "\n", encoding="utf-8")
        print("wrote", spec["name"])


if __name__ == "__main__":
    main()
