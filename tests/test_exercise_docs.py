"""docs/exercise.md documents every mistake code the grader names, with an example.

Kept apart from tests/test_grading.py so that the mutation run of the grading modules, whose
scratch copy holds no docs/, can run every grading test.
"""

from __future__ import annotations

from pathlib import Path

from cnncalc.classroom.grading import LESSONS


def test_every_mistake_code_is_documented_with_an_example() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "exercise.md").read_text(encoding="utf-8")
    for code in LESSONS:
        row = next((line for line in docs.splitlines() if line.startswith(f"| `{code}` |")), "")
        assert row.count("|") == 4 and "→" in row, code
