"""Turns an Analysis into text. No arithmetic happens here: every number comes from the rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from ..layers.base import shape_text

if TYPE_CHECKING:  # the result object calls render, never the other way round
    from ..analysis import Analysis, LayerRow

FORMATS = ("table", "json", "csv", "markdown", "html", "latex")


def readable_size(n_bytes: float) -> str:
    """Keras's memory figure: '136.04 KB' (powers of 1024, two decimals)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} PB"


def totals_lines(analysis: Analysis) -> list[str]:
    """Keras's three footer lines, with the float32 size of the weights."""
    return [
        f"{label}: {count:,} ({readable_size(4 * count)})"
        for label, count in (
            ("Total params", analysis.total_params),
            ("Trainable params", analysis.trainable_params),
            ("Non-trainable params", analysis.non_trainable_params),
        )
    ]


def header(analysis: Analysis) -> list[str]:
    columns = ["Layer (type)", "Output Shape", "Param #"]
    return [*columns, "Connected to"] if analysis.is_graph else columns


def cells(analysis: Analysis, row: LayerRow) -> list[str]:
    values = [f"{row.name} ({row.type})", shape_text(row.output_shape), f"{row.params:,}"]
    if analysis.is_graph:
        values.append(", ".join(row.inputs))
    return values


def table_text(analysis: Analysis, tablefmt: str) -> str:
    from tabulate import tabulate

    return tabulate(
        [cells(analysis, row) for row in analysis.layers],
        headers=header(analysis),
        tablefmt=tablefmt,
        colalign=("left", "left", "right", "left")[: len(header(analysis))],
        disable_numparse=True,
    )


def working_text(analysis: Analysis) -> str:
    """The working for every layer, as the lecture writes it."""
    blocks = []
    for row in analysis.layers:
        sources = ", ".join(shape_text(s) for s in row.input_shapes) or "declared"
        lines = [f"{row.name} ({row.type}): {sources} → {shape_text(row.output_shape)}"]
        lines += [f"    {line}" for line in row.working]
        if row.non_trainable_params and row.params == row.non_trainable_params:
            lines.append("    (trainable=False: every weight is non-trainable)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def render_table(analysis: Analysis, explain: bool) -> str:
    parts = []
    if analysis.name:
        parts.append(f'Model: "{analysis.name}"')
    parts.append(table_text(analysis, "simple_outline"))
    parts.append("\n".join(f" {line}" for line in totals_lines(analysis)))
    if explain:
        parts.append("\nWorking (the lecture's formulas, numbers substituted):\n")
        parts.append(working_text(analysis))
    return "\n".join(parts)


def render_markdown(analysis: Analysis, explain: bool) -> str:
    title = f"**Model: {analysis.name}**\n\n" if analysis.name else ""
    text = title + table_text(analysis, "github") + "\n\n"
    text += "\n".join(f"- {line}" for line in totals_lines(analysis))
    if explain:
        text += "\n\n### Working\n\n```text\n" + working_text(analysis) + "\n```"
    return text


def render_html(analysis: Analysis, explain: bool) -> str:
    title = f"<p><b>Model: {escape(analysis.name)}</b></p>\n" if analysis.name else ""
    text = title + table_text(analysis, "html") + "\n"
    text += "<p>" + "<br>\n".join(escape(line) for line in totals_lines(analysis)) + "</p>"
    if explain:
        text += "\n<pre>" + escape(working_text(analysis)) + "</pre>"
    return text


def render_latex(analysis: Analysis, explain: bool) -> str:
    text = table_text(analysis, "latex") + "\n"
    text += "\\\\\n".join(line.replace("%", "\\%") for line in totals_lines(analysis))
    if explain:
        text += "\n\\begin{verbatim}\n" + working_text(analysis) + "\n\\end{verbatim}"
    return text


def render_csv(analysis: Analysis, explain: bool) -> str:
    """One row per layer and a last row named total_params (the worksheets' convention)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = [
        "name",
        "type",
        "output_shape",
        "params",
        "trainable_params",
        "non_trainable_params",
        "inputs",
    ]
    writer.writerow([*columns, "working"] if explain else columns)
    for row in analysis.layers:
        values = [
            row.name,
            row.type,
            shape_text(row.output_shape),
            row.params,
            row.trainable_params,
            row.non_trainable_params,
            " ".join(row.inputs),
        ]
        writer.writerow([*values, "; ".join(row.working)] if explain else values)
    writer.writerow(
        [
            "total_params",
            "",
            "",
            analysis.total_params,
            analysis.trainable_params,
            analysis.non_trainable_params,
            "",
        ]
    )
    return out.getvalue().rstrip("\n")


RENDERERS: dict[str, Callable[[Analysis, bool], str]] = {
    "table": render_table,
    "json": lambda analysis, explain: analysis.to_json(explain),
    "csv": render_csv,
    "markdown": render_markdown,
    "html": render_html,
    "latex": render_latex,
}


def render(analysis: Analysis, fmt: str = "table", explain: bool = False) -> str:
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}") from None
    return renderer(analysis, explain)
