"""Random networks for exercises: 'random:<difficulty>:<seed>' names the same network anywhere.

Built layer by layer, keeping each layer only if the network stays possible.
"""

import random
from typing import Any

from ..engine import analyze_spec
from ..errors import CnncalcError, SpecError
from ..spec import Spec, parse_spec

DIFFICULTIES = ("easy", "medium", "hard")


def random_spec(reference: str) -> Spec:
    """The network 'random:<difficulty>:<seed>' names."""
    parts = reference.split(":")
    if (
        len(parts) != 3
        or parts[1] not in DIFFICULTIES
        or not (parts[2].isascii() and parts[2].isdigit())
    ):
        from ..render.escaping import visible_name

        raise SpecError(
            f"{visible_name(reference)}: a random exercise is named random:<difficulty>:<seed>, "
            "e.g. random:medium:7"
        )
    if len(parts[2]) > MAX_SEED_DIGITS:  # int() refuses past 4,300 digits: a traceback
        from ..render.escaping import visible_name

        raise SpecError(
            f"{visible_name(reference)}: a seed has at most {MAX_SEED_DIGITS} digits, "
            f"this one {len(parts[2]):,}"
        )
    return random_network(int(parts[2]), parts[1])


MAX_SEED_DIGITS = 30
"""As many as an integer literal in a spec (textfiles.MAX_INT_DIGITS): far more than needed."""


STEPS = {
    "medium": ["conv", "conv", "pool", "conv_same", "conv_strided", "bn", "dropout"],
    "hard": [
        "conv",
        "conv_same",
        "conv_strided",
        "conv_dilated",
        "conv_grouped",
        "pool",
        "pool_strided",
        "depthwise",
        "separable",
        "bn",
        "zero_padding",
    ],
}


def random_layer(rng: random.Random, step: str, depth: int) -> dict[str, Any]:
    kernel = rng.choice([1, 3, 3, 5, 7] if step != "conv" else [3, 3, 5])
    filters = rng.choice([8, 16, 32, 64])
    if step == "conv":
        return {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "activation": "relu"}
    if step == "conv_same":
        return {"type": "Conv2D", "filters": filters, "kernel_size": kernel, "padding": "same"}
    if step == "conv_strided":
        return {
            "type": "Conv2D",
            "filters": filters,
            "kernel_size": kernel,
            "strides": 2,
            "padding": rng.choice(["valid", "same"]),
        }
    if step == "conv_dilated":
        return {"type": "Conv2D", "filters": filters, "kernel_size": 3, "dilation_rate": 2}
    if step == "conv_grouped":
        groups = rng.choice([g for g in (2, 4) if depth % g == 0] or [1])
        return {"type": "Conv2D", "filters": filters, "kernel_size": 3, "groups": groups}
    if step == "pool":
        return {"type": rng.choice(["MaxPooling2D", "AveragePooling2D"]), "pool_size": 2}
    if step == "pool_strided":
        return {
            "type": "MaxPooling2D",
            "pool_size": 3,
            "strides": 2,
            "padding": rng.choice(["valid", "same"]),
        }
    if step == "depthwise":
        return {"type": "DepthwiseConv2D", "kernel_size": 3, "depth_multiplier": rng.choice([1, 2])}
    if step == "separable":
        return {"type": "SeparableConv2D", "filters": filters, "kernel_size": 3}
    if step == "bn":
        return {"type": "BatchNormalization"}
    if step == "zero_padding":
        return {"type": "ZeroPadding2D", "padding": rng.choice([1, 2])}
    return {"type": "Dropout", "rate": 0.25}


def random_network(seed: int, difficulty: str = "medium") -> Spec:
    """A valid convnet, the same for the same seed and difficulty."""
    rng = random.Random(f"{difficulty}:{seed}")
    size = rng.choice([28, 32, 32, 48, 64] if difficulty != "hard" else [27, 31, 33, 45, 64])
    depth = rng.choice([1, 3])
    spec: dict[str, Any] = {
        "name": f"random:{difficulty}:{seed}",
        "input_shape": [size, size, depth],
        "layers": [],
    }
    target = {"easy": 4, "medium": 6, "hard": 8}[difficulty]
    while len(spec["layers"]) < target:
        position = len(spec["layers"])
        if position == 0:
            step = "conv"
        elif difficulty == "easy":
            step = ("conv", "pool")[position % 2]
        else:
            step = rng.choice(STEPS[difficulty])
        layer = random_layer(rng, step, depth)
        trial = {**spec, "layers": [*spec["layers"], layer]}
        try:
            depth = analyze_spec(parse_spec(trial)).layers[-1].output_shape[-1] or depth
        except CnncalcError:
            break  # the feature map is too small for more: finish the network here
        spec = trial
    head: list[dict[str, Any]] = [{"type": "Flatten"}]
    if difficulty == "hard" and rng.random() < 0.5:
        head = [{"type": "GlobalAveragePooling2D"}]
    if difficulty != "easy":
        head.append({"type": "Dense", "units": rng.choice([64, 128]), "activation": "relu"})
    head.append({"type": "Dense", "units": 10, "activation": "softmax"})
    return parse_spec({**spec, "layers": [*spec["layers"], *head]})
