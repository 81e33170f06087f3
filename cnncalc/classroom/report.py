"""Graded reports as text: a table for a student, a gradebook for a class, JSON, Gradescope."""

from __future__ import annotations

import io
import json
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

from ..render.escaping import SafeCsvWriter, visible
from .answers import value_text
from .grading import Item, Report

FORMATS = ("table", "json", "csv", "gradescope")
MARKS = {"correct": "✓", "carried_forward": "↪", "wrong": "✗", "unreadable": "?", "missing": "·"}


def render_reports(reports: list[Report], fmt: str, reveal: bool = False) -> str:
    if fmt == "json":
        data: Any = (
            reports[0].to_dict(reveal)
            if len(reports) == 1
            else {"submissions": [r.to_dict(reveal) for r in reports]}
        )
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "gradescope":
        data = (
            gradescope(reports[0])
            if len(reports) == 1
            else {"submissions": [{"file": r.file, **gradescope(r)} for r in reports]}
        )
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "csv":
        return gradebook_csv(reports)
    batch = len(reports) > 1  # a file not graded is a row of the class table
    parts = [student_table(r, reveal) for r in reports if not (batch and r.error is not None)]
    if batch:
        parts.append(class_summary(reports))
    return "\n\n".join(parts)


def given_text(item: Item) -> str:
    return item_text(item, item.given)


def expected_text(item: Item) -> str:
    return item_text(item, item.expected)


def item_text(item: Item, value: Any) -> str:
    """A receptive field as the --costs column writes it (3×3); anything else as written, on
    one line (a student's text may hold a newline or a terminal's escape code)."""
    if item.field == "receptive_field" and isinstance(value, tuple):
        return "×".join(map(str, value))
    return visible(value_text(value))


def student_table(report: Report, reveal: bool) -> str:
    from tabulate import tabulate

    if report.error is not None:
        return visible(f"{report.file}: could not be graded: {report.reason}")
    headers = ["#", "", "layer", "field", "given", *(["expected"] if reveal else []), "result"]
    rows = []
    hints = []
    for number, item in enumerate(report.items, 1):
        result = item.status.replace("_", " ") + (f" ({item.mistake})" if item.mistake else "")
        expected = [expected_text(item)] if reveal else []
        rows.append(
            [
                number,
                MARKS[item.status],
                visible(item.layer or ""),
                item.field,
                given_text(item),
                *expected,
                result,
            ]
        )
        if item.hint and item.status != "correct":
            hints.append(wrapped_hint(number, visible(item.hint)))
    flagged = f", {report.unreadable} unreadable" if report.unreadable else ""
    lines = [f"{submission(report)}: {report.score}/{report.max_score}{flagged}"]
    lines.append(tabulate(rows, headers=headers, tablefmt="simple_outline", disable_numparse=True))
    if hints:
        lines += ["Hints:", *hints]
    lines += [f"Note: {visible(note)}" for note in report.notes]
    return "\n".join(lines)


HINT_WIDTH = 95
"""A hint's lines fit a terminal (and docs/exercise.md's example)."""


def wrapped_hint(number: int, hint: str) -> str:
    """'  7. You wrote …', wrapped at spaces, its later lines under the text."""
    return textwrap.fill(
        f"{number}. {hint}",
        width=HINT_WIDTH,
        initial_indent="  ",
        subsequent_indent="     ",
        break_long_words=False,
        break_on_hyphens=False,
    )


def class_summary(reports: list[Report]) -> str:
    from tabulate import tabulate

    rows = [
        [submission(r), r.score, r.max_score, f"{100 * r.score / r.max_score:.0f}%"]
        if r.error is None
        else [submission(r), "", "", visible(f"not graded: {r.reason}")]
        for r in reports
    ]
    headers = ["file", "score", "max", "percent (or why not graded)"]
    parts = ["Class", tabulate(rows, headers=headers, tablefmt="simple")]
    top = most_missed([r for r in reports if r.error is None])
    if top:
        headers = ["item", "missed by", "of those asked", "how (students)"]
        parts += ["", "Most missed", tabulate(top, headers=headers, disable_numparse=True)]
    return "\n".join(parts)


def most_missed(graded: list[Report], limit: int = 10) -> list[list[str]]:
    """One row per item (a layer's field, or a total): how many students missed it, of how
    many were asked it (a class of random networks has different layers), and every way they
    missed it: a mistake code, else wrong, missing or unreadable."""
    asked: Counter[str] = Counter()
    ways: dict[str, Counter[str]] = {}
    for report in graded:
        for item in report.items:
            asked[item.label] += 1
            if not item.credited:
                ways.setdefault(item.label, Counter())[item.mistake or item.status] += 1
    ranked = sorted(ways, key=lambda label: -sum(ways[label].values()))  # stable: sheet order
    rows = []
    for label in ranked[:limit]:
        missed = sum(ways[label].values())
        how = ", ".join(f"{way} ×{count}" for way, count in ways[label].most_common())
        rows.append(
            [
                visible(label),
                f"{missed}",
                f"{100 * missed / asked[label]:.0f}% of {asked[label]}",
                how,
            ]
        )
    return rows


def submission(report: Report) -> str:
    """The sheet's name (and roster id) on one line, whatever the file was called."""
    return visible(f"{report.file} ({report.student})" if report.student else report.file)


def gradebook_csv(reports: list[Report]) -> str:
    """One row per student: the score, then each item's status and mistake (a class of random
    networks has different layers: each item label gets its columns, blank where absent)."""
    labels = list(dict.fromkeys(item.label for r in reports for item in r.items))
    header = ["file", "student", "score", "max_score", "percent", "unreadable", "error", "notes"]
    header += [f"{label} {part}" for label in labels for part in ("status", "mistake")]
    out = io.StringIO()
    writer = SafeCsvWriter(out)  # no cell opens as a formula (OWASP)
    writer.writerow(header)
    for r in reports:
        student = r.student or Path(r.file).stem
        if r.error is not None:
            row = [r.file, student, "", "", "", "", r.error, ""] + [""] * (2 * len(labels))
        else:
            items = {item.label: item for item in r.items}
            row = [r.file, student, r.score, r.max_score, f"{100 * r.score / r.max_score:.1f}"]
            row += [r.unreadable, "", "; ".join(r.notes)]
            for label in labels:
                item = items.get(label)
                row += [item.status, item.mistake or ""] if item else ["", ""]
        writer.writerow(row)
    return out.getvalue().rstrip("\n")


def gradescope(report: Report) -> dict[str, Any]:
    """Gradescope's autograder results.json: a score and one test per item."""
    if report.error is not None:
        return {
            "score": 0,
            "output": f"{report.file} could not be graded: {report.reason}",
            "tests": [],
        }
    tests = [
        {
            "name": f"{item.layer} {item.field}" if item.layer else "total_params",
            "score": 1 if item.credited else 0,
            "max_score": 1,
            "status": "passed" if item.credited else "failed",
            "output": item.hint or item.status.replace("_", " "),
        }
        for item in report.items
    ]
    return {"score": report.score, "output": f"{report.score}/{report.max_score}", "tests": tests}
