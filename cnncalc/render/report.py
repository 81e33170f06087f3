"""One self-contained HTML page: the diagram, where the weights and compute sit, the summary
table, the costs where known, the working per layer (folded) and the totals.

It opens offline and loads nothing: no script at all, no external font, stylesheet or image,
and a Content-Security-Policy that forbids them even if a name smuggled markup past escaping.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..layers.base import shape_text
from .diagram import draw
from .plots import bars_svg
from .svg import attr, row_heading
from .tables import cost_lines, field_text, header, totals_lines

if TYPE_CHECKING:
    from ..analysis import Analysis

POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { margin: 0 0 .3rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
.pictures { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.pictures svg { max-width: 100%; height: auto; }
.diagram.layers { flex-basis: 100%; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { padding: .2rem .6rem; border-bottom: 1px solid #eee; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
details { margin: .2rem 0; } summary { cursor: pointer; font-family: monospace; }
pre { margin: .2rem 0 .6rem 1.2rem; background: #f7f7f7; padding: .4rem; }
.note { color: #8a4b00; }
.costs { white-space: pre-wrap; font-variant-numeric: tabular-nums; }
"""


def summary_table(analysis: Analysis) -> str:
    """Keras's summary columns, plus activations, MACs (where known) and receptive fields per
    layer: the columns of `cnncalc analyze --costs`."""
    macs = any(row.macs is not None for row in analysis.layers)
    columns = [*header(analysis), "Activations", *(["MACs"] if macs else []), "Receptive field"]
    lines = ["<table>", "<tr>" + "".join(f"<th>{attr(c)}</th>" for c in columns) + "</tr>"]
    for row in analysis.layers:
        cells = [
            f"<td>{attr(row.name)} ({attr(row.type)})</td>",
            f"<td>{attr(shape_text(row.output_shape))}</td>",
            f'<td class="number">{row.params:,}</td>',
        ]
        if analysis.is_graph:
            cells.append(f"<td>{attr(', '.join(row.inputs))}</td>")
        count = row.activations
        cells.append(f'<td class="number">{"?" if count is None else f"{count:,}"}</td>')
        if macs:
            value = row.macs
            cells.append(f'<td class="number">{"?" if value is None else f"{value:,}"}</td>')
        cells.append(f"<td>{attr(field_text(row))}</td>")
        lines.append(f'<tr data-row="{attr(row.name)}">' + "".join(cells) + "</tr>")
    lines.append("</table>")
    return "\n".join(lines)


def costs_section(analysis: Analysis) -> str:
    """The totals `cnncalc analyze --costs` prints under its table: MACs, FLOPs and ops for one
    sample, and the memory of a batch with its defaults (batch 1, rmsprop: compile()'s)."""
    lines = cost_lines(analysis, analysis.memory())
    return '<h2>Costs</h2>\n<p class="costs">' + "\n".join(attr(line) for line in lines) + "</p>"


def working_section(analysis: Analysis) -> str:
    """Each layer's working, folded: the summary line opens to the lecture's formulas."""
    blocks = []
    for row in analysis.layers:
        heading = row_heading(row)
        body = "\n".join(row.working) or "(no arithmetic: the shape passes through)"
        blocks.append(
            f'<details data-working="{attr(row.name)}"><summary>{attr(heading)}</summary>'
            f"<pre>{attr(body)}</pre></details>"
        )
    return "\n".join(blocks)


def report_html(analysis: Analysis, style: str | None = None) -> str:
    """The whole page, one string with everything inline."""
    diagram = draw(analysis, style, costs=True)
    name = analysis.name or "model"
    note = f'<p class="note">{attr(diagram.note)}</p>' if diagram.note else ""
    totals = "<br>\n".join(attr(line) for line in totals_lines(analysis))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{attr(name)}: cnncalc report</title>
<style>{STYLE}</style>
</head>
<body>
<h1>{attr(name)}</h1>
<p class="totals">{totals}</p>
<h2>Architecture</h2>
{note}
<div class="pictures">
<div class="diagram {diagram.style}">{diagram.svg}</div>
<div class="bars">{bars_svg(analysis)}</div>
</div>
<h2>Summary</h2>
{summary_table(analysis)}
{costs_section(analysis)}
<h2>Working</h2>
{working_section(analysis)}
<p><small>Made by cnncalc: every number is Keras's, computed without Keras.</small></p>
</body>
</html>"""
