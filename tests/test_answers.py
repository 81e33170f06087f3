"""Reading answer files: every shape notation, counts with separators, blanks, bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cnncalc import SpecError
from cnncalc.classroom.answers import AnswerSheet, read_answers, read_count, read_shape


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ([26, 26, 32], (26, 26, 32)),
        ([None, 26, 26, 32], (26, 26, 32)),
        ("(None, 26, 26, 32)", (26, 26, 32)),
        ("[26, 26, 32]", (26, 26, 32)),
        ("26x26x32", (26, 26, 32)),
        ("26 x 26 x 32", (26, 26, 32)),
        ("26×26×32", (26, 26, 32)),
        ("(None, 1600)", (1600,)),
        (1600, (1600,)),
        ("", None),
        (None, None),
    ],
)
def test_shape_notations(value: Any, shape: Any) -> None:
    assert read_shape(AnswerSheet("x"), "layer", value) == shape


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (18496, 18496),
        ("18,496", 18496),
        ("18 496", 18496),
        ("18496", 18496),
        (18496.0, 18496),
        ("", None),
        (None, None),
        ("lots", -1),
    ],
)
def test_count_notations(value: Any, count: Any) -> None:
    assert read_count(AnswerSheet("x"), "layer", value) == count


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.yaml", "layers: [\n  {name: x,\n", "invalid YAML at line 3, column 1"),
        ("a.json", '{"layers": [}', "invalid JSON at line 1, column 13"),
        ("a.csv", "layer,shape\nx,1\n", "line 1: a CSV answer sheet has the columns name"),
        ("a.md", "no table here", "no markdown table"),
        ("a.md", "| layer | shape |\n|---|---|\n", "line 1: the table's header needs name"),
        ("a.yaml", "just text", "an answer sheet has a 'layers' list"),
        ("a.yaml", "", "is empty"),
        ("a.yaml", b"\x00\x01", "is a binary file"),
    ],
)
def test_unreadable_files_say_where(tmp_path: Path, name: str, content: Any, message: str) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(SpecError, match=message):
        read_answers(path)
