"""The class's text report (cnncalc/classroom/report.py): the Class table and Most missed.

Reports are built here by hand, so the expected counts are this file's arithmetic."""

from __future__ import annotations

from cnncalc.classroom.grading import Item, Report
from cnncalc.classroom.report import class_summary, most_missed, student_table


def student(name: str, conv_params: str, total: str = "correct") -> Report:
    """One sheet: conv2d params graded as given (a mistake code or a status), and the total."""
    status, mistake = (
        (conv_params, None)
        if conv_params in ("correct", "missing", "wrong", "unreadable")
        else ("wrong", conv_params)
    )
    return Report(
        f"{name}.yaml",
        items=[
            Item("conv2d", "output_shape", (26, 26, 32), (26, 26, 32), "correct"),
            Item("conv2d", "params", 0, 320, status, mistake),
            Item(None, "total_params", 0, 34826, total),
        ],
    )


CLASS = [
    student("a", "missing_bias"),
    student("b", "missing_bias", total="wrong"),
    student("c", "wrong"),
    student("d", "correct"),
]


def test_most_missed_is_one_row_per_item_with_every_way_it_was_missed() -> None:
    assert most_missed(CLASS) == [
        ["conv2d params", "3", "75% of 4", "missing_bias ×2, wrong ×1"],  # 3 of the 4 students
        ["total_params", "1", "25% of 4", "wrong ×1"],
    ]


def test_the_percent_is_of_the_students_asked_the_item() -> None:
    """A class of random networks: only two sheets have a conv2d_1; one missed it."""
    extra = Item("conv2d_1", "params", 0, 18496, "missing")
    asked = [*CLASS[:2], *CLASS[2:]]
    asked[0] = Report("a.yaml", items=[*CLASS[0].items, extra])
    asked[3] = Report(
        "d.yaml", items=[*CLASS[3].items, Item("conv2d_1", "params", 1, 1, "correct")]
    )
    rows = {row[0]: row for row in most_missed(asked)}
    assert rows["conv2d_1 params"][1:] == ["1", "50% of 2", "missing ×1"]


def test_the_class_tables_label_every_column_and_no_item_twice() -> None:
    text = class_summary([*CLASS, Report("e.yaml", error="e.yaml: cannot be read")])
    assert "total total_params" not in text
    assert text.count("conv2d params") == 1
    header = text.splitlines()[1].split()
    assert header[:3] == ["file", "score", "max"] and len(header) > 3
    assert "e.yaml  " in text and "not graded: cannot be read" in text  # the file named once
    most = text.split("Most missed\n")[1].splitlines()[0]
    assert most.split("  ")[0] == "item" and "missed by" in most and "how" in most


def test_a_receptive_field_reads_as_the_costs_column_writes_it() -> None:
    """MNIST's conv2d_1 sees 3 + 1 + 2·2 = 8 pixels each way (3×3 conv, 2×2 pool, 3×3 conv)."""
    report = Report(
        "a.yaml",
        items=[
            Item("conv2d", "receptive_field", (3, 3), (3, 3), "correct"),
            Item("conv2d_1", "receptive_field", (6, 6), (8, 8), "wrong", "rf_stride_jump_ignored"),
        ],
    )
    table = student_table(report, reveal=True)
    assert "3×3" in table and "6×6" in table and "8×8" in table
    assert "(3, 3)" not in table


def test_long_hints_wrap_at_spaces_and_lose_nothing() -> None:
    hint = (
        "You wrote 23,040. Each filter (or unit) also has one bias: the + 1 in the lecture's "
        "(k·k·d + 1)·n. You computed: params = 2304·10 = 23040  (no bias). Compute from your "
        "own answer for 'dropout': params = (2304 + 1)·10 = ?."
    )
    report = Report("a.yaml", items=[Item("dense", "params", 23040, 16010, "wrong", None, hint)])
    table = student_table(report, reveal=False)
    lines = table.split("Hints:\n")[1].splitlines()
    assert len(lines) > 1 and all(len(line) <= 95 for line in lines)
    assert lines[0].startswith("  1. You wrote 23,040.")
    assert all(line.startswith("     ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines).split() == f"1. {hint}".split()


def test_a_table_report_keeps_names_and_answers_on_their_lines() -> None:
    """A sheet's name, a layer's name, a student's text and a note may hold a newline or a
    terminal's escape code (ESC [ 31 m turns the terminal red): each is shown as an escape,
    and the report's lines are the ones it writes."""
    from cnncalc.classroom.answers import Unreadable
    from cnncalc.classroom.report import render_reports

    odd = Unreadable("26\n\x1b[31m", "not a shape")
    sheet = Report(
        "ali\x1b[2Jce.yaml",
        [Item("con\nv", "output_shape", odd, (26, 26, 32), "unreadable", hint="Could not read.")],
        notes=["the answer for 'x\ry' matches no layer"],
    )
    broken = Report("bo\nb.yaml", error="bo\nb.yaml: is empty")
    for text in (render_reports([sheet], "table"), render_reports([sheet, broken], "table")):
        assert "\x1b" not in text and "\r" not in text
        assert "\\x1b" in text
        assert not any(line.startswith(("v ", "b.yaml", "ce.yaml")) for line in text.splitlines())
    single = render_reports([sheet], "table").splitlines()
    assert single[0] == "ali\\x1b[2Jce.yaml: 0/1, 1 unreadable"
    assert single[-1] == "Note: the answer for 'x\\ry' matches no layer"
