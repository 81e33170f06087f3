"""Renderings of an analysis. No arithmetic happens here: every number comes from the rows.

``tables``: the summary table in every text format (table, json, csv, markdown, html, latex)
and the working. An :class:`~cnncalc.analysis.Analysis` calls these for its text forms; render
knows the Analysis only as a type.
"""

from .tables import FORMATS, readable_size, render, working_text

__all__ = ["FORMATS", "readable_size", "render", "working_text"]
