"""Memory for a batch: weights, gradients, optimizer slots, activations, and the inference peak.

An estimate from the shapes alone. It leaves out what only a running framework knows: its
workspace (convolution algorithms' scratch space), the allocator's rounding and caching,
kernels that fuse layers (and so never hold some tensors), and the copies a training step
keeps for its backward pass beyond each layer's output.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from ..dtypes import BITS, DTYPE_NAMES, MIXED_POLICIES, compute_dtype, stored_bytes, variable_dtype
from ..errors import SpecError, did_you_mean
from ..formulas import num, product

if TYPE_CHECKING:
    from ..analysis import Analysis


@dataclass(frozen=True)
class Optimizer:
    """What a Keras 3 optimizer stores: slots per trainable weight, plus scalar variables."""

    slots: int
    scalars: tuple[str, ...] = ()
    keras: str = ""


BASE_SCALARS = ("int64", "float32")
"""Every Keras 3 optimizer's `iteration` (int64) and `learning_rate` (float32) variables."""

OPTIMIZERS = {
    "sgd": Optimizer(0, keras="SGD()"),
    "momentum": Optimizer(1, keras="SGD(momentum=0.9): one momentum"),
    "rmsprop": Optimizer(1, keras="RMSprop(): velocities"),
    "adagrad": Optimizer(1, keras="Adagrad(): accumulators"),
    "adadelta": Optimizer(2, keras="Adadelta(): accumulated gradients and updates"),
    "adam": Optimizer(2, keras="Adam(): momentums and velocities"),
    "adamw": Optimizer(2, keras="AdamW(): momentums and velocities"),
    "adamax": Optimizer(2, keras="Adamax(): m and u"),
    "nadam": Optimizer(2, ("float32",), keras="Nadam(): momentums, velocities, u_product"),
    "ftrl": Optimizer(2, keras="Ftrl(): accumulators and linears"),
    "lion": Optimizer(1, keras="Lion(): momentums"),
}
"""Keras 3's slot counts (model.optimizer.variables after build), by optimizer name."""

DEFAULT_OPTIMIZER = "rmsprop"
"""Keras's model.compile() default."""


@dataclass(frozen=True)
class Memory:
    """Bytes for one batch, under a dtype and an optimizer; None where a size is unknown."""

    batch_size: int
    dtype: str
    optimizer: str
    params_bytes: int
    gradients_bytes: int
    optimizer_params: int
    optimizer_bytes: int
    activations_bytes: int | None
    training_bytes: int | None
    inference_peak_bytes: int | None
    working: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        del values["working"]
        return values


def dtype_sizes(dtype: str) -> tuple[int, int]:
    """(bytes per weight, bytes per activation) for a Keras dtype or policy name."""
    if dtype not in BITS and dtype not in MIXED_POLICIES:
        raise SpecError(
            f"--dtype: '{dtype}' is not a Keras dtype{did_you_mean(dtype, DTYPE_NAMES)}"
        )
    return stored_bytes(variable_dtype(dtype)), stored_bytes(compute_dtype(dtype))


def optimizer_named(name: str) -> Optimizer:
    try:
        return OPTIMIZERS[name.lower()]
    except KeyError:
        hint = did_you_mean(name.lower(), OPTIMIZERS) or f"; choose from {', '.join(OPTIMIZERS)}"
        raise SpecError(f"--optimizer: unknown '{name}'{hint}") from None


def spec_dtype(layers: Iterable[Any]) -> str | None:
    """The dtype policy the spec's computing layers declare (a name, or a Keras
    DTypePolicy's), if any; an InputLayer's dtype is its data's, not the policy."""
    for layer in layers:
        if layer.type == "InputLayer":
            continue
        if layer.dtype is not None:  # a name: the spec reads a DTypePolicy for its name
            return layer.dtype
    return None


def times(*factors: int | None) -> int | None:
    return product(list(factors))


def estimate(
    analysis: Analysis,
    batch_size: int = 1,
    optimizer: str = DEFAULT_OPTIMIZER,
    dtype: str | None = None,
) -> Memory:
    """The memory of training and of inference on a batch, with the working."""
    if batch_size < 1:
        raise SpecError(f"--batch-size must be at least 1, got {batch_size}")
    dtype = dtype or analysis.dtype or "float32"
    weight_bytes, activation_bytes = dtype_sizes(dtype)
    rule = optimizer_named(optimizer)
    trainable = analysis.trainable_params
    scalars = (*BASE_SCALARS, *rule.scalars)
    optimizer_params = rule.slots * trainable + len(scalars)
    optimizer_bytes = rule.slots * trainable * weight_bytes + sum(stored_bytes(s) for s in scalars)
    params_bytes = analysis.total_params * weight_bytes
    gradients_bytes = trainable * weight_bytes
    elements = tensor_elements(analysis)
    known = [v for v in elements.values() if v is not None]
    total_elements = sum(known) if len(known) == len(elements) else None
    activations_bytes = times(batch_size, total_elements, activation_bytes)
    training = (
        None
        if activations_bytes is None
        else params_bytes + gradients_bytes + optimizer_bytes + activations_bytes
    )
    peak_elements, peak_line = inference_peak(analysis, elements)
    peak_bytes = times(batch_size, peak_elements, activation_bytes)
    inference = None if peak_bytes is None else params_bytes + peak_bytes
    working = (
        f"bytes per weight = {weight_bytes}, per activation = {activation_bytes}  ({dtype})",
        f"params_bytes = {analysis.total_params}·{weight_bytes} = {params_bytes}",
        f"gradients_bytes = {trainable}·{weight_bytes} = {gradients_bytes}  (trainable weights)",
        f"optimizer_params = {rule.slots}·{trainable} + {len(scalars)} = {optimizer_params}"
        f"  ({rule.keras}; iteration, learning_rate{', u_product' if rule.scalars else ''})",
        f"activations_bytes = {batch_size}·{num(total_elements)}·{activation_bytes} = "
        f"{num(activations_bytes)}  (the input and every layer's output)",
        f"training_bytes = {params_bytes} + {gradients_bytes} + {optimizer_bytes} + "
        f"{num(activations_bytes)} = {num(training)}",
        f"inference_peak_bytes = {params_bytes} + {batch_size}·{num(peak_elements)}·"
        f"{activation_bytes} = {num(inference)}  ({peak_line})",
    )
    return Memory(
        batch_size=batch_size,
        dtype=dtype,
        optimizer=optimizer.lower(),
        params_bytes=params_bytes,
        gradients_bytes=gradients_bytes,
        optimizer_params=optimizer_params,
        optimizer_bytes=optimizer_bytes,
        activations_bytes=activations_bytes,
        training_bytes=training,
        inference_peak_bytes=inference,
        working=working,
    )


def tensor_elements(analysis: Analysis) -> dict[str, int | None]:
    """Elements per sample of every tensor: the implicit input's, then each layer's output."""
    elements: dict[str, int | None] = {}
    if analysis.input_shape is not None:
        elements["input"] = product(analysis.input_shape)
    for row in analysis.layers:
        elements[row.name] = row.activations
    return elements


def inference_peak(analysis: Analysis, elements: dict[str, int | None]) -> tuple[int | None, str]:
    """The most elements alive at once along the topological order, and where (the first
    step that reaches it).

    A tensor lives from the step that makes it to its last reader's step; a tensor nobody
    reads is an output of the network and lives to the end.
    """
    sizes = {name: size for name, size in elements.items() if size is not None}
    if len(sizes) < len(elements):
        return None, "a size is unknown"
    order = [analysis.layers[i] for i in (analysis.order or range(len(analysis.layers)))]
    last_read: dict[str, int] = {}
    for step, row in enumerate(order):
        for source in row.inputs:
            last_read[source] = step  # steps only grow: the last reader is the last one seen
    freed: dict[int, list[str]] = {}
    for name, step in last_read.items():
        freed.setdefault(step, []).append(name)
    alive = {"input": sizes["input"]} if "input" in sizes else {}
    total = sum(alive.values())
    moments = []
    for step, row in enumerate(order):
        alive[row.name] = sizes[row.name]
        total += sizes[row.name]
        moments.append((total, f"while computing '{row.name}': {', '.join(alive)} alive"))
        for name in freed.get(step, []):
            total -= alive.pop(name)
    return max(moments, key=lambda moment: moment[0])  # max keeps the first of equals
