"""The result of an analysis: one row per layer; totals are computed from the rows, never stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .layers.base import Shape
from .render import render, working_text


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

    @property
    def trainable_params(self) -> int:
        return self.params - self.non_trainable_params

    @property
    def keras_output_shape(self) -> tuple[int | None, ...]:
        """The output shape with Keras's batch dimension (None) first."""
        return (None, *self.output_shape)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        row: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "output_shape": list(self.keras_output_shape),
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "inputs": list(self.inputs),
        }
        if explain:
            row["working"] = list(self.working)
        return row


@dataclass(frozen=True)
class Analysis:
    """Every layer's output shape and parameters; renders as a table, JSON, CSV, ..."""

    name: str | None
    input_shape: Shape | None
    layers: tuple[LayerRow, ...]
    is_graph: bool = False

    @property
    def total_params(self) -> int:
        return sum(row.params for row in self.layers)

    @property
    def trainable_params(self) -> int:
        return sum(row.trainable_params for row in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(row.non_trainable_params for row in self.layers)

    @property
    def output_shape(self) -> tuple[int | None, ...]:
        """The last layer's output shape, batch dimension first."""
        return self.layers[-1].keras_output_shape

    def __getitem__(self, key: int | str) -> LayerRow:
        """A row by position or by layer name."""
        if isinstance(key, int):
            return self.layers[key]
        for row in self.layers:
            if row.name == key:
                return row
        raise KeyError(key)

    def __iter__(self) -> Iterator[LayerRow]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [row.to_dict(explain) for row in self.layers],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
        }

    def to_json(self, explain: bool = False, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(explain), indent=indent, ensure_ascii=False)

    def to_table(self, fmt: str = "table", explain: bool = False) -> str:
        """The analysis as text: table, json, csv, markdown, html or latex."""
        return render(self, fmt, explain)

    def explain(self) -> str:
        """Every computation in the lecture's notation, numbers substituted."""
        return working_text(self)

    def __str__(self) -> str:
        return self.to_table()

    def _repr_html_(self) -> str:
        return self.to_table("html")

    def _repr_markdown_(self) -> str:
        return self.to_table("markdown")
