"""Graded reports as text: a table for a student, a gradebook for a class, JSON, Gradescope."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from .answers import value_text
from .grading import Item, Report

FORMATS = ("table", "json", "csv", "gradescope")
MARKS = {"correct": "✓", "carried_forward": "↪", "wrong": "✗", "missing": "·"}


def render_reports(reports: list[Report], fmt: str, reveal: bool = False) -> str:
    if fmt == "json":
        data: Any = (
            reports[0].to_dict(reveal)
            if len(reports) == 1
            else {"submissions": [r.to_dict(reveal) for r in reports]}
        )
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "gradescope":
        results = [gradescope(r) for r in reports]
        data = results[0] if len(results) == 1 else {"submissions": results}
        return json.dumps(data, indent=2, ensure_ascii=False)
    if fmt == "csv":
        return gradebook_csv(reports)
    parts = [student_table(r, reveal) for r in reports]
    if len(reports) > 1:
        parts.append(class_summary(reports))
    return "\n\n".join(parts)


def given_text(item: Item) -> str:
    return value_text(item.given)


def expected_text(item: Item) -> str:
    return value_text(item.expected)


def student_table(report: Report, reveal: bool) -> str:
    from tabulate import tabulate

    if report.error is not None:
        return f"{report.file}: could not be graded: {report.error}"
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
                item.layer or "",
                item.field,
                given_text(item),
                *expected,
                result,
            ]
        )
        if item.hint and item.status != "correct":
            hints.append(f"  {number}. {item.hint}")
    lines = [f"{report.file}: {report.score}/{report.max_score}"]
    lines.append(tabulate(rows, headers=headers, tablefmt="simple_outline", disable_numparse=True))
    if hints:
        lines += ["Hints:", *hints]
    lines += [f"Note: {note}" for note in report.notes]
    return "\n".join(lines)


def class_summary(reports: list[Report]) -> str:
    from tabulate import tabulate

    graded = [r for r in reports if r.error is None]
    rows = [
        [r.file, r.score, r.max_score, f"{100 * r.score / r.max_score:.0f}%"]
        if r.error is None
        else [r.file, "", "", f"not graded: {r.error}"]
        for r in reports
    ]
    parts = ["Class", tabulate(rows, headers=["file", "score", "max", ""], tablefmt="simple")]
    missed = Counter(
        (item.layer or "total", item.field, item.mistake)
        for report in graded
        for item in report.items
        if not item.credited
    )
    if missed:
        top = [
            [f"{layer} {field}", count, f"{100 * count / len(graded):.0f}%", mistake or ""]
            for (layer, field, mistake), count in missed.most_common(10)
        ]
        parts += ["", "Most missed", tabulate(top, headers=["item", "students", "", "mistake"])]
    return "\n".join(parts)


def gradebook_csv(reports: list[Report]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "score", "max_score", "percent", "error"])
    for r in reports:
        if r.error is None:
            writer.writerow(
                [r.file, r.score, r.max_score, f"{100 * r.score / r.max_score:.1f}", ""]
            )
        else:
            writer.writerow([r.file, "", "", "", r.error])
    return out.getvalue().rstrip("\n")


def gradescope(report: Report) -> dict[str, Any]:
    """Gradescope's autograder results.json: a score and one test per item."""
    if report.error is not None:
        return {
            "score": 0,
            "output": f"{report.file} could not be graded: {report.error}",
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
