"""Reading answer files: every shape notation, counts with separators, blanks, bad files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import SpecError
from cnncalc.classroom.answers import Unreadable, read_answers, read_count, read_shape


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ([26, 26, 32], (26, 26, 32)),
        ([None, 26, 26, 32], (26, 26, 32)),
        ("(None, 26, 26, 32)", (26, 26, 32)),
        ("(None,26,26,32)", (26, 26, 32)),
        ("[26, 26, 32]", (26, 26, 32)),
        ("26x26x32", (26, 26, 32)),
        ("26X26X32", (26, 26, 32)),
        ("26 x 26 x 32", (26, 26, 32)),
        ("26×26×32", (26, 26, 32)),
        ("26 × 26 × 32", (26, 26, 32)),
        ("26*26*32", (26, 26, 32)),
        ("(None, 1600)", (1600,)),
        ("(1600,)", (1600,)),
        ("(1,600)", (1, 600)),  # in a shape a comma separates sizes
        (1600, (1600,)),
        ("", None),
        (None, None),
    ],
)
def test_shape_notations(value: Any, shape: Any) -> None:
    assert read_shape(value) == shape


@pytest.mark.parametrize(
    ("value", "count"),
    [
        (18496, 18496),
        ("18,496", 18496),
        ("16,010", 16010),
        ("18 496", 18496),
        ("16_010", 16010),
        ("1,234,567", 1234567),
        ("18496", 18496),
        (18496.0, 18496),
        ("3.20e2", 320),
        ("1.6e4", 16000),
        ("3.2E+2", 320),
        (1.6e4, 16000),
        ("", None),
        (None, None),
    ],
)
def test_count_notations(value: Any, count: Any) -> None:
    assert read_count(value) == count


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("lots", "not a count"),
        ("3²⁰", "not a count"),  # superscripts pass str.isdigit() but are no digits to int()
        ("１２３", "not a count"),  # full-width digits: the same
        ("1.5e0", "not a whole number"),
        ("3.14", "not a count"),
        ("1,60", "not a count"),  # a misplaced thousands separator is not guessed at
        ("9" * 5000, "more than 30 digits"),
        (10**40, "more than 30 digits"),
        ("1e999999999", "more than 30 digits"),
        (True, "a yes/no value"),
        (2.5, "not a whole number"),
    ],
)
def test_unreadable_counts_say_why(value: Any, reason: str) -> None:
    result = read_count(value)
    assert isinstance(result, Unreadable) and reason in result.reason


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("big", "the size 'big' is not a count"),
        ("(None; 10)", "is not a count"),
        ("26x26x", "a size is missing"),
        ("26,,32", "a size is missing"),
        ("()", "no sizes in it"),
        ([26, "a"], "the size 'a'"),
        ("x" * 500, "too long for a shape"),
    ],
)
def test_unreadable_shapes_say_why(value: Any, reason: str) -> None:
    result = read_shape(value)
    assert isinstance(result, Unreadable)
    assert reason in result.reason or reason in result.text


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


NOTATIONS = [
    lambda s: list(s),
    lambda s: "(None, " + ", ".join(map(str, s)) + ")",
    lambda s: "x".join(map(str, s)),
    lambda s: "X".join(map(str, s)),
    lambda s: " × ".join(map(str, s)),
    lambda s: "[" + ",".join(map(str, s)) + "]",
]
sizes = st.integers(min_value=1, max_value=10**9)


@given(st.lists(sizes, min_size=1, max_size=5), st.sampled_from(NOTATIONS))
def test_every_notation_of_any_shape_reads_back(shape: list[int], notation: Any) -> None:
    assert read_shape(notation(shape)) == tuple(shape)


@given(st.integers(min_value=0, max_value=10**29), st.sampled_from(["{:,}", "{:_}", "{}"]))
def test_any_count_with_separators_reads_back(count: int, form: str) -> None:
    assert read_count(form.format(count)) == count
    assert read_count(form.format(count).replace(",", " ")) == count


@given(st.text(max_size=60))
def test_any_text_is_a_count_a_blank_or_unreadable_never_an_error(text: str) -> None:
    assert read_count(text) is None or isinstance(read_count(text), (int, Unreadable))
    assert read_shape(text) is None or isinstance(read_shape(text), (tuple, Unreadable))


def test_docstring_examples() -> None:
    import doctest

    from cnncalc.classroom import answers, grading

    for module in (answers, grading):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
