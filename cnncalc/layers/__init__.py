"""One class per Keras layer kind; importing this package fills ``REGISTRY``.

To add a kind: define a class with ``type: Literal["KerasName"] = "KerasName"``, its Keras
arguments as fields, and ``apply`` (one input) or ``compute`` (several) in the module of
its family below. Nothing else changes.
"""

from .applications import *  # noqa: F403
from .base import REGISTRY, Layer, Outcome, Shape
from .conv import *  # noqa: F403
from .core import *  # noqa: F403
from .merge import *  # noqa: F403
from .models import *  # noqa: F403
from .normalization import *  # noqa: F403
from .pooling import *  # noqa: F403
from .preprocessing import *  # noqa: F403
from .reshaping import *  # noqa: F403

__all__ = ["REGISTRY", "Layer", "Outcome", "Shape", *REGISTRY]
