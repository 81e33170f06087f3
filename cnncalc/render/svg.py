"""What both diagram styles share: escaping, layer families and colours, labels, the Diagram.

The SVG is written here as text (no drawing library): text stays text, every layer's group
carries ``data-layer`` and a ``<title>`` with its working, every edge ``data-from``/``data-to``.
Conversion to PNG or PDF is the one step that needs a library (cairosvg, the ``draw`` extra).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SpecError
from ..layers.base import shape_text
from ..layers.index import KIND_MODULES

if TYPE_CHECKING:
    from ..analysis import Analysis, LayerRow

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
BOLD = ' font-weight="bold"'
CHAR_WIDTH = 0.61
"""A monospace character's advance in ems (DejaVu Sans Mono: 0.602): labels never overflow."""

FAMILY_COLOURS: dict[str, str] = {
    "input": "#b0bec5",
    "convolution": "#f4a259",
    "pooling": "#e76f51",
    "normalization": "#8ab17d",
    "activation": "#e9c46a",
    "dense": "#5b8def",
    "merge": "#9d79bc",
    "reshaping": "#a8dadc",
    "dropout": "#d9d9d9",
    "model": "#c7b198",
    "other": "#cccccc",
}
"""One colour per layer family, the same in both styles and in the legend."""

MODULE_FAMILIES = {
    "conv": "convolution",
    "pooling": "pooling",
    "normalization": "normalization",
    "merge": "merge",
    "reshaping": "reshaping",
    "models": "model",
    "activations": "activation",
}
CORE_FAMILIES = {
    "InputLayer": "input",
    "Dense": "dense",
    "EinsumDense": "dense",
    "Flatten": "reshaping",
    "Reshape": "reshaping",
    "Permute": "reshaping",
    "RepeatVector": "reshaping",
    "Activation": "activation",
    "ReLU": "activation",
    "LeakyReLU": "activation",
    "PReLU": "activation",
    "ELU": "activation",
    "Softmax": "activation",
}


def family(kind: str) -> str:
    """The colour family of a Keras layer kind (Dropout kinds by name, the rest by module)."""
    if kind in CORE_FAMILIES:
        return CORE_FAMILIES[kind]
    if "Dropout" in kind or "Noise" in kind:
        return "dropout"
    if "Pooling" in kind:
        return "pooling"
    return MODULE_FAMILIES.get(KIND_MODULES.get(kind, ""), "other")


NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters no XML 1.0 document may hold, even escaped: one in a layer name made the whole
SVG unreadable (a browser shows no image)."""


def attr(value: object) -> str:
    """An attribute value or text content, safe in SVG and in HTML (quotes escaped too); a
    character XML cannot hold is shown as Python's escape (\\x1b, \\x00)."""
    text = NOT_IN_XML.sub(lambda match: ascii(match.group())[1:-1], str(value))
    return escape(text, quote=True)


def text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def compact_shape(shape: tuple[int | None, ...]) -> str:
    """224×224×64: the figure's notation (Keras's batch dimension left out, '?' if unknown)."""
    return "×".join("?" if size is None else str(size) for size in shape) or "scalar"


def count_text(count: int | None) -> str:
    """1,792 / 12.8M / 3.86G: short enough for a box."""
    if count is None:
        return "?"
    for limit, suffix in ((10**9, "G"), (10**6, "M")):
        if count >= limit:
            return f"{count / limit:.3g}{suffix}"
    return f"{count:,}"


def row_heading(row: LayerRow) -> str:
    """'conv2d (Conv2D): (None, 28, 28, 1) → (None, 26, 26, 32)': what the working is about."""
    sources = ", ".join(shape_text(s) for s in row.input_shapes) or "declared"
    return f"{row.name} ({row.type}): {sources} → {shape_text(row.output_shape)}"


def tooltip(row: LayerRow) -> str:
    """The layer's working, as `--explain` prints it: shown on hover."""
    lines = [row_heading(row)]
    lines += [f"  {line}" for line in row.working]
    lines.append(f"  params {row.params:,} ({row.non_trainable_params:,} non-trainable)")
    return "\n".join(lines)


def node_lines(row: LayerRow, costs: bool) -> list[str]:
    """A layer's label: name; type and output shape; params (and MACs with costs)."""
    lines = [row.name, f"{row.type} · {compact_shape(row.output_shape)}"]
    counts = []
    if row.params:
        counts.append(f"params {row.params:,}")
    if costs and row.macs:
        counts.append(f"MACs {count_text(row.macs)}")
    if counts:
        lines.append(" · ".join(counts))
    return lines


def title_lines(analysis: Analysis) -> list[str]:
    name = analysis.name or "model"
    totals = f"{len(analysis)} layers · {analysis.total_params:,} params"
    macs = getattr(analysis, "total_macs", None)
    if macs:
        totals += f" · {macs:,} MACs"
    return [name, totals]


def heading(analysis: Analysis, families: list[str], margin: float) -> str:
    """The model's name, its totals and the legend of the families drawn: the top 64 px."""
    name, totals = title_lines(analysis)
    return (
        f'<text x="{margin}" y="{margin + 14}" font-size="17"{BOLD}>{attr(name)}</text>'
        f'<text x="{margin}" y="{margin + 32}" font-size="12">{attr(totals)}</text>'
        + legend(families, margin, margin + 50)
    )


def legend(families: list[str], x: float, y: float) -> str:
    """Swatches for the families the drawing uses, in one row."""
    parts = ['<g class="legend">']
    for name in families:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="12" rx="2" '
            f'fill="{FAMILY_COLOURS[name]}" stroke="#555" stroke-width="0.6"/>'
            f'<text x="{x + 16:.1f}" y="{y + 1:.1f}" font-size="11">{name}</text>'
        )
        x += 16 + text_width(name, 11) + 14
    parts.append("</g>")
    return "".join(parts)


def legend_width(families: list[str]) -> float:
    return sum(30 + text_width(name, 11) for name in families)


def document(width: float, height: float, body: list[str], label: str) -> str:
    """A standalone SVG with a white background (screenshots and PNGs are never transparent)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" role="img" '
        f'aria-label="{attr(label)}">'
        f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(body) + "</svg>"
    )


SAVE_FORMATS = ("svg", "png", "pdf")
PNG_LIMIT = 32000
"""Cairo's largest image side is 32,767 px: a taller drawing (DenseNet121) is scaled down."""


@dataclass(frozen=True)
class Diagram:
    """A drawing of a network: SVG text that Jupyter shows and that saves as SVG, PNG or PDF."""

    svg: str
    style: str
    width: float
    height: float
    note: str | None = None

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def to_bytes(self, fmt: str) -> bytes:
        """The drawing as an SVG, PNG (twice the SVG's size where cairo allows) or PDF file."""
        if fmt == "svg":
            return self.svg.encode("utf-8")
        if fmt not in SAVE_FORMATS:
            raise SpecError(f"cannot save a diagram as '{fmt}'; choose from svg, png, pdf")
        try:
            import cairosvg
        except (ImportError, OSError) as error:  # OSError: the cairo C library is missing
            raise SpecError(
                f"saving {fmt.upper()} needs cairosvg and the cairo library: "
                f'pip install "cnncalc[draw]" (and apt-get install libcairo2) ({error})'
            ) from None
        if fmt == "pdf":
            return cairosvg.svg2pdf(bytestring=self.svg.encode("utf-8"))
        scale = min(2.0, PNG_LIMIT / max(self.width, self.height))
        return cairosvg.svg2png(bytestring=self.svg.encode("utf-8"), scale=scale)

    def save(self, path: str | Path) -> Path:
        """Write the file; its suffix (.svg, .png, .pdf) chooses the format."""
        path = Path(path)
        path.write_bytes(self.to_bytes(path.suffix.lstrip(".").lower() or "svg"))
        return path
