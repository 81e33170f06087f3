"""Turns an Analysis into text. No arithmetic happens here: every number comes from the rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

from ..formulas import num, product_text
from ..layers.base import IMPLICIT_INPUT, tuple_text
from .escaping import SafeCsvWriter, latex_text, markdown_fence, markdown_text, visible

if TYPE_CHECKING:  # the result object calls render, never the other way round
    from ..analysis import Analysis, LayerRow
    from ..costs import Memory

FORMATS = ("table", "json", "csv", "markdown", "html", "latex")

LEFT_OUT = (
    "Memory is estimated from the shapes: framework workspace, allocator overhead and "
    "fused kernels are left out"
)


def readable_size(n_bytes: float) -> str:
    """Keras's memory figure: '136.04 KB' (powers of 1024, two decimals).

    >>> readable_size(139_264), readable_size(4 * 10**400)
    ('136.00 KB', 'about 2^1330 B')
    """
    if isinstance(n_bytes, int) and n_bytes.bit_length() > 1000:  # beyond a float
        return f"about 2^{n_bytes.bit_length() - 1} B"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024:
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} PB"


def totals_lines(analysis: Analysis, costs: Memory | None = None) -> list[str]:
    """Keras's three footer lines, each weight sized by its dtype (float32: 4 bytes); with
    costs, the MACs and the memory estimate in Keras's units."""
    lines = [
        f"{label}: {count:,} ({readable_size(size)})"
        for label, count, size in (
            ("Total params", analysis.total_params, analysis.params_bytes),
            ("Trainable params", analysis.trainable_params, analysis.trainable_bytes),
            ("Non-trainable params", analysis.non_trainable_params, analysis.non_trainable_bytes),
        )
    ]
    if costs is None:
        return lines
    return [*lines, *cost_lines(analysis, costs)]


def cost_lines(analysis: Analysis, memory: Memory) -> list[str]:
    """The totals of --costs: compute for one sample, memory for the batch."""
    setting = f"batch size {memory.batch_size}, {memory.dtype}, optimizer {memory.optimizer}"
    return [
        f"Total MACs: {count_text(analysis.total_macs)} "
        f"(FLOPs = 2 × MACs = {count_text(analysis.total_flops)}; the bias is not counted)",
        f"Total ops: {count_text(analysis.total_ops)} (elementwise: bias, pooling, "
        "normalization, activations, merges)",
        f"Memory ({setting}):",
        f"  Params: {size_text(memory.params_bytes)}",
        f"  Gradients: {size_text(memory.gradients_bytes)}",
        f"  Optimizer params: {memory.optimizer_params:,} "
        f"({readable_size(memory.optimizer_bytes)})",
        f"  Activations: {size_text(memory.activations_bytes)}",
        f"  Training total: {size_text(memory.training_bytes)}",
        f"  Inference peak: {size_text(memory.inference_peak_bytes)}",
        f"  ({LEFT_OUT})",
    ]


def count_text(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def size_text(n_bytes: int | None) -> str:
    return "? (a size is unknown)" if n_bytes is None else readable_size(n_bytes)


def field_text(row: LayerRow) -> str:
    return "whole input" if row.receptive_field is None else row.receptive_field.text


COST_COLUMNS = ["MACs", "Activations", "Receptive field"]


def model_name(analysis: Analysis) -> str:
    """The spec's name, else the name Keras gives an unnamed model of that kind."""
    return analysis.name or ("functional" if analysis.is_graph else "sequential")


def header(analysis: Analysis, costs: Memory | None = None) -> list[str]:
    columns = ["Layer (type)", "Output Shape", "Param #"]
    if costs is not None:
        columns += COST_COLUMNS
    return [*columns, "Connected to"] if analysis.is_graph else columns


def connections(row: LayerRow) -> str:
    """Keras 3's Connected to cell: each inbound tensor as name[node][tensor], or '-'."""
    return ", ".join(f"{source}[0][0]" for source in row.inputs) or "-"


def cells(
    analysis: Analysis, row: LayerRow, costs: Memory | None = None, level: int = 0
) -> list[str]:
    """One row as Keras prints it; ``level`` > 0 is a nested model's layer, indented."""
    prefix = "   " * level + "└ " if level else ""
    values = [
        f"{prefix}{row.name} ({row.type})",
        tuple_text(row.keras_output_shape),
        f"{row.params:,}",
    ]
    if costs is not None:
        values += [count_text(row.macs), count_text(row.activations), field_text(row)]
    if analysis.is_graph:
        values.append("-" if level else connections(row))
    return values


def table_rows(
    analysis: Analysis, costs: Memory | None = None, expand_nested: bool = False
) -> list[list[str]]:
    """The rows Keras's summary prints: a graph's implicit input as an InputLayer row first,
    and with ``expand_nested`` a nested model's layers under it, marked '└'."""
    rows = []
    if analysis.is_graph and analysis.input_shape is not None:
        shape = tuple_text((analysis.batch_size, *analysis.input_shape))
        blank = ["", "", ""] if costs is not None else []
        rows.append([f"{IMPLICIT_INPUT} (InputLayer)", shape, "0", *blank, "-"])

    def add(row: LayerRow, level: int) -> None:
        rows.append(cells(analysis, row, costs, level))
        if expand_nested:
            for inner in row.nested:
                add(inner, level + 1)

    for row in analysis.layers:
        add(row, 0)
    return rows


CELL_ESCAPES: dict[str, Callable[[str], str]] = {
    "github": markdown_text,
    "latex_raw": latex_text,
}
"""How each table format escapes a cell; the others show it visibly (html: tabulate escapes)."""


def table_text(
    analysis: Analysis, tablefmt: str, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    from tabulate import tabulate

    escape_cell = CELL_ESCAPES.get(tablefmt, visible)
    columns = header(analysis, costs)
    align = ["left", "left", "right"] + (["right", "right", "left"] if costs else [])
    return tabulate(
        [[escape_cell(cell) for cell in row] for row in table_rows(analysis, costs, expand_nested)],
        headers=[escape_cell(column) for column in columns],
        tablefmt=tablefmt,
        colalign=[*align, "left"][: len(columns)],
        disable_numparse=True,
        preserve_whitespace=True,  # the nested rows' indent is Keras's "   └ "
    )


def working_text(analysis: Analysis, costs: Memory | None = None) -> str:
    """The working for every layer, as the lecture writes it, and with ``costs`` (--costs) each
    layer's cost working and the memory's (one line per line: a name's control characters are
    shown as escapes)."""
    blocks = []
    for row in analysis.layers:
        shapes = (tuple_text((row.batch_size, *shape)) for shape in row.input_shapes)
        sources = ", ".join(shapes) or "declared"
        head = f"{row.name} ({row.type}): {sources} → {tuple_text(row.keras_output_shape)}"
        lines = [visible(head)]
        lines += [f"    {visible(line)}" for line in row.working]
        if row.non_trainable_params and row.params == row.non_trainable_params:
            lines.append("    (trainable=False: every weight is non-trainable)")
        if costs is not None:
            lines += [f"    {line}" for line in row.cost_working]
            lines.append(f"    activations = {shape_product(row)}")
        blocks.append("\n".join(lines))
    if costs is not None:
        blocks.append("\n".join(["memory:", *(f"    {line}" for line in costs.working)]))
    return "\n\n".join(blocks)


def shape_product(row: LayerRow) -> str:
    """'26·26·32 = 21632': the output elements per sample."""
    factors = product_text(row.output_shape)
    if len(row.output_shape) < 2:
        return num(row.activations)
    return f"{factors} = {num(row.activations)}"


def render_table(
    analysis: Analysis, explain: bool, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    parts = [f'Model: "{visible(model_name(analysis))}"']
    parts.append(table_text(analysis, "simple_outline", costs, expand_nested))
    parts.append("\n".join(f" {line}" for line in totals_lines(analysis, costs)))
    if explain:
        parts.append("\nWorking (the lecture's formulas, numbers substituted):\n")
        parts.append(working_text(analysis, costs))
    return "\n".join(parts)


def render_markdown(
    analysis: Analysis, explain: bool, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    title = f"**Model: {markdown_text(model_name(analysis))}**\n\n"
    text = title + table_text(analysis, "github", costs, expand_nested) + "\n\n"
    text += "\n".join(markdown_item(line) for line in totals_lines(analysis, costs))
    if explain:
        working = working_text(analysis, costs)
        fence = markdown_fence(working)
        text += f"\n\n### Working\n\n{fence}text\n{working}\n{fence}"
    return text


def markdown_item(line: str) -> str:
    """A footer line as a list item; the memory's indented lines nested under their heading
    ('-   Params' would be one more item of the outer list, not part of the memory)."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    return f"{indent}- {line.lstrip(' ')}"


def render_html(
    analysis: Analysis, explain: bool, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    title = f"<p><b>Model: {escape(visible(model_name(analysis)))}</b></p>\n"
    text = title + table_text(analysis, "html", costs, expand_nested) + "\n"
    footer = totals_lines(analysis, costs)
    text += "<p>" + "<br>\n".join(escape(line) for line in footer) + "</p>"
    if explain:
        text += "\n<pre>" + escape(working_text(analysis, costs)) + "</pre>"
    return text


def render_latex(
    analysis: Analysis, explain: bool, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    """A fragment for a pdflatex document with inputenc utf8 and fontenc T1 (see docs/cli.md):
    every text escaped, no verbatim, so nothing in a name is read as LaTeX."""
    text = table_text(analysis, "latex_raw", costs, expand_nested) + "\n"
    footer = totals_lines(analysis, costs)
    text += "\\\\\n".join(latex_text(line) for line in footer)
    if explain:
        lines = [
            latex_text(line) + r"\\" if line else r"\medskip"
            for line in working_text(analysis, costs).splitlines()
        ]
        text += "\n\n{\\ttfamily\\obeyspaces\\raggedright\n" + "\n".join(lines) + "\n\\par}"
    return text


def render_csv(
    analysis: Analysis, explain: bool, costs: Memory | None = None, expand_nested: bool = False
) -> str:
    """One row per layer and a last row named total_params (the worksheets' convention)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    columns = [
        "name",
        "type",
        "output_shape",
        "params",
        "trainable_params",
        "non_trainable_params",
        "inputs",
    ]
    cost_columns = ["macs", "flops", "ops", "activations", "receptive_field"] if costs else []
    writer.writerow([*columns, *cost_columns, *(["working"] if explain else [])])
    for row in analysis.layers:
        values = [
            row.name,
            row.type,
            tuple_text(row.keras_output_shape),
            row.params,
            row.trainable_params,
            row.non_trainable_params,
            " ".join(row.inputs),
        ]
        if costs:
            values += [row.macs, row.flops, row.ops, row.activations, field_text(row)]
        working = [*row.working, *row.cost_working]
        writer.writerow([*values, "; ".join(working)] if explain else values)
    totals = [
        "total_params",
        "",
        "",
        analysis.total_params,
        analysis.trainable_params,
        analysis.non_trainable_params,
        "",
    ]
    if costs:
        totals += [analysis.total_macs, analysis.total_flops, analysis.total_ops, "", ""]
    writer.writerow(totals)
    return out.getvalue().rstrip("\n")


RENDERERS: dict[str, Callable[..., str]] = {
    "table": render_table,
    "json": lambda analysis, explain, costs, expand_nested=False: analysis.to_json(
        explain, memory=costs
    ),
    "csv": render_csv,
    "markdown": render_markdown,
    "html": render_html,
    "latex": render_latex,
}


def render(
    analysis: Analysis,
    fmt: str = "table",
    explain: bool = False,
    costs: Memory | None = None,
    expand_nested: bool = False,
) -> str:
    """``expand_nested`` lists a nested model's layers under its row, as Keras's
    ``summary(expand_nested=True)`` does (the JSON always carries them)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}") from None
    return renderer(analysis, explain, costs, expand_nested=expand_nested)
