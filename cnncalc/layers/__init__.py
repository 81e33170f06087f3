"""One class per Keras layer kind, grouped by family; ``REGISTRY`` finds them by Keras name.

To add a kind: define a class with ``type: Literal["KerasName"] = "KerasName"``, its Keras
arguments as fields, and ``apply`` (one input) or ``compute`` (several) in the module of its
family, then run ``python scripts/build_layer_index.py``. Families are imported on first use,
so ``cnncalc.layers.Conv2D`` works without loading every family.
"""

from typing import Any

from .base import Layer, Outcome, Shape
from .index import KIND_MODULES
from .registry import REGISTRY


def __getattr__(name: str) -> Any:
    if name in KIND_MODULES:
        return REGISTRY[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["REGISTRY", "Layer", "Outcome", "Shape", *KIND_MODULES]
