"""Costs that span the network: memory for a batch, and receptive fields through the graph.

Per-layer multiply-accumulates and elementwise operations belong to each layer's own rule
(``cnncalc.layers``); this package never imports the CLI or Keras.
"""

from .memory import DEFAULT_OPTIMIZER, OPTIMIZERS, Memory, estimate, spec_dtype
from .receptive import Reach, ReceptiveField, trace

__all__ = [
    "DEFAULT_OPTIMIZER",
    "OPTIMIZERS",
    "Memory",
    "Reach",
    "ReceptiveField",
    "estimate",
    "spec_dtype",
    "trace",
]
