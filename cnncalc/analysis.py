"""The result of an analysis: one row per layer; totals are computed from the rows, never stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .dtypes import DEFAULT_DTYPE, bytes_per_weight
from .errors import did_you_mean
from .formulas import product
from .layers.base import Shape, tuple_text
from .render import render, working_text

if TYPE_CHECKING:
    from .costs import Memory, ReceptiveField
    from .render.svg import Diagram


@dataclass(frozen=True)
class LayerRow:
    """One layer as Keras's summary shows it, plus the working behind its numbers."""

    index: int
    name: str
    type: str
    inputs: tuple[str, ...]
    input_shapes: tuple[Shape, ...]
    output_shape: Shape
    params: int
    non_trainable_params: int
    working: tuple[str, ...]
    macs: int | None = 0
    """Multiplications by weights for one sample (the bias not counted); FLOPs = 2 × MACs."""
    ops: int | None = 0
    """Other elementwise operations: bias additions, pooling, normalization, merges."""
    receptive_field: ReceptiveField | None = None
    """Per spatial axis (r, S, P); None: the output depends on the whole input."""
    cost_working: tuple[str, ...] = ()
    batch_size: int | None = None
    dtype: str = DEFAULT_DTYPE
    nested: tuple[LayerRow, ...] = ()
    """A nested model's own rows (Keras's ``expand_nested``)."""

    @property
    def trainable_params(self) -> int:
        return self.params - self.non_trainable_params

    @property
    def flops(self) -> int | None:
        return None if self.macs is None else 2 * self.macs

    @property
    def activations(self) -> int | None:
        """Output elements per sample."""
        return product(self.output_shape)

    @property
    def keras_output_shape(self) -> tuple[int | None, ...]:
        """The output shape with Keras's batch dimension first (None unless fixed)."""
        return (self.batch_size, *self.output_shape)

    @property
    def params_bytes(self) -> float:
        """What the weights take in memory, each in its variable's dtype (as Keras sizes them;
        a nested model's layers each in their own)."""
        if self.nested:
            return sum(row.params_bytes for row in self.nested)
        return self.params * bytes_per_weight(self.dtype)

    @property
    def non_trainable_bytes(self) -> float:
        if self.non_trainable_params == self.params:
            return self.params_bytes
        if self.nested:
            return sum(row.non_trainable_bytes for row in self.nested)
        return self.non_trainable_params * bytes_per_weight(self.dtype)

    @property
    def trainable_bytes(self) -> float:
        return self.params_bytes - self.non_trainable_bytes

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "output_shape": list(self.keras_output_shape),
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "inputs": list(self.inputs),
            "macs": self.macs,
            "flops": self.flops,
            "ops": self.ops,
            "activations": self.activations,
            "receptive_field": None
            if self.receptive_field is None
            else self.receptive_field.to_dict(),
            "dtype": self.dtype,
        }
        if self.nested:
            row["nested"] = [inner.to_dict(explain) for inner in self.nested]
        if explain:
            row["working"] = list(self.working)
            row["cost_working"] = list(self.cost_working)
        return row


def total(values: Any) -> int | None:
    """The sum, or None when any value is unknown."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


@dataclass(frozen=True)
class Analysis:
    """Every layer's output shape and parameters; renders as a table, JSON, CSV, ..."""

    name: str | None
    input_shape: Shape | None
    layers: tuple[LayerRow, ...]
    is_graph: bool = False
    order: tuple[int, ...] = ()
    """Row indices in the order the engine computed them (every layer after its inputs)."""
    dtype: str | None = None
    """The spec's dtype policy (its own, else the one its layers declare), if any."""
    batch_size: int | None = None

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.layers)

    @property
    def params_bytes(self) -> float:
        """The weights' size as Keras's summary gives it (each in its variable's dtype)."""
        return sum(row.params_bytes for row in self.layers)

    @property
    def trainable_bytes(self) -> float:
        return sum(row.trainable_bytes for row in self.layers)

    @property
    def non_trainable_bytes(self) -> float:
        return sum(row.non_trainable_bytes for row in self.layers)

    @property
    def trainable_params(self) -> int:
        return sum(row.trainable_params for row in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(row.non_trainable_params for row in self.layers)

    @property
    def total_macs(self) -> int | None:
        """Multiply-accumulates for one sample; None when a size is unknown."""
        return total(row.macs for row in self.layers)

    @property
    def total_flops(self) -> int | None:
        """FLOPs = 2 × MACs."""
        return None if self.total_macs is None else 2 * self.total_macs

    @property
    def total_ops(self) -> int | None:
        return total(row.ops for row in self.layers)

    def memory(
        self,
        batch_size: int | None = None,
        optimizer: str | None = None,
        dtype: str | None = None,
    ) -> Memory:
        """Bytes for training and for inference on a batch (Keras's optimizer slot counts;
        the default batch is the spec's fixed one, else 1; the default optimizer is
        compile()'s, rmsprop; the default dtype the spec's, else float32)."""
        from .costs import DEFAULT_OPTIMIZER, estimate

        batch = batch_size if batch_size is not None else self.batch_size or 1
        return estimate(self, batch, optimizer or DEFAULT_OPTIMIZER, dtype)

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        """The model's output shape, batch dimension first: the last layer computed that no
        layer reads (a graph may list a head before the trunk it reads)."""
        read = {name for row in self.layers for name in row.inputs}
        order = self.order or range(len(self.layers))
        unread = [self.layers[i] for i in order if self.layers[i].name not in read]
        return (unread or self.layers)[-1].keras_output_shape

    def __getitem__(self, key: int | str) -> LayerRow:
        """A row by position or by layer name."""
        if isinstance(key, int):
            return self.layers[key]
        for row in self.layers:
            if row.name == key:
                return row
        names = [row.name for row in self.layers]
        raise KeyError(f"no layer named {key!r}{did_you_mean(str(key), names)}")

    def __repr__(self) -> str:
        """One line (the REPL's `>>> result`); print() gives the table."""
        shape, count = tuple_text(self.output_shape), len(self.layers)
        return (
            f"<Analysis {self.name or 'unnamed'}: {count} layer{'s' * (count != 1)}, "
            f"{self.total_params:,} params, output {shape}>"
        )

    def __iter__(self) -> Iterator[LayerRow]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def to_dict(self, explain: bool = False, memory: Memory | None = None) -> dict[str, Any]:
        """Every figure; `memory` defaults to a batch of 1, the spec's dtype and rmsprop."""
        memory = memory or self.memory()
        data = {
            "name": self.name,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [row.to_dict(explain) for row in self.layers],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "total_macs": self.total_macs,
            "total_flops": self.total_flops,
            "total_ops": self.total_ops,
            "memory": memory.to_dict(),
            "batch_size": self.batch_size,
            "dtype": self.dtype or DEFAULT_DTYPE,
        }
        if explain:
            data["memory_working"] = list(memory.working)
        return data

    def to_json(
        self, explain: bool = False, indent: int | None = 2, memory: Memory | None = None
    ) -> str:
        return json.dumps(self.to_dict(explain, memory), indent=indent, ensure_ascii=False)

    def to_table(
        self,
        fmt: str = "table",
        explain: bool = False,
        costs: Memory | None = None,
        expand_nested: bool = False,
    ) -> str:
        """The analysis as text: table, json, csv, markdown, html or latex; `costs` (a
        :meth:`memory` estimate) adds the cost columns and the memory totals;
        ``expand_nested`` lists nested models' layers as Keras's
        ``summary(expand_nested=True)`` does."""
        return render(self, fmt, explain, costs, expand_nested)

    def explain(self) -> str:
        """Every computation in the lecture's notation, numbers substituted."""
        return working_text(self)

    def draw(self, style: str | None = None, costs: bool = False) -> Diagram:
        """The architecture diagram (Jupyter shows it; ``.save("net.svg")`` writes it).

        ``style``: ``layers`` (the lecture's boxes; the default for chains) or ``graph``.
        """
        from .render.diagram import draw

        return draw(self, style, costs)

    def __str__(self) -> str:
        return self.to_table()

    def _repr_html_(self) -> str:
        return self.to_table("html")

    def _repr_markdown_(self) -> str:
        return self.to_table("markdown")
