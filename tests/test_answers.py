"""Reading answer files: every shape notation, counts with separators, blanks, bad files."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from cnncalc import SpecError
from cnncalc.classroom.answers import (
    DEFAULT_FIELDS,
    FIELDS,
    WHOLE_INPUT,
    Answer,
    AnswerSheet,
    StatedLayer,
    Unreadable,
    read_answers,
    read_count,
    read_field,
    read_shape,
)


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


NOT_A_COUNT = "not a count: write digits, e.g. 18496 or 18,496"
TOO_LONG = "more than 30 digits: no layer has that many"
DOT_THOUSANDS = (
    "a '.' is read as a decimal point, never as a thousands separator: "
    "write digits, e.g. 18496 or 18,496"
)


@pytest.mark.parametrize(
    ("value", "text", "reason"),
    [
        ("lots", "lots", NOT_A_COUNT),
        (" lots ", "lots", NOT_A_COUNT),
        ("3²⁰", "3²⁰", NOT_A_COUNT),  # superscripts pass str.isdigit() but are no digits to int()
        ("１２３", "１２３", NOT_A_COUNT),  # full-width digits: the same
        ("1.5e0", "1.5e0", "not a whole number"),
        ("3.14", "3.14", NOT_A_COUNT),
        ("1,60", "1,60", NOT_A_COUNT),  # a misplaced thousands separator is not guessed at
        ("9" * 5000, "9" * 40, TOO_LONG),
        ("9" * 41, "9" * 40, TOO_LONG),  # longer than any count with separators: not parsed
        ("x" * 41, "x" * 40, TOO_LONG),
        ("x" * 40, "x" * 40, NOT_A_COUNT),  # 40 characters are still read
        ("9" * 31, "9" * 31, TOO_LONG),  # 31 digits: no layer has that many
        ("1" + ",000" * 10, ("1" + ",000" * 10)[:40], TOO_LONG),
        (10**40, "1" + "0" * 39, TOO_LONG),
        (10**30, "1" + "0" * 30, TOO_LONG),
        (-(10**30), "-1" + "0" * 30, TOO_LONG),
        ("1e999999999", "1e999999999", TOO_LONG),
        ("1e30", "1e30", TOO_LONG),
        (1e30, "1e+30", TOO_LONG),  # a whole number, but 31 digits long
        (True, "true", "a yes/no value, not a count"),
        (False, "false", "a yes/no value, not a count"),
        (2.5, "2.5", "not a whole number"),
        (float("inf"), "inf", "not a whole number"),
    ],
)
def test_unreadable_counts_say_why(value: Any, text: str, reason: str) -> None:
    """The text is what the hint quotes ("Could not read '3.14': ..."), the reason what it
    says."""
    assert read_count(value) == Unreadable(text, reason)


@pytest.mark.parametrize(
    ("value", "count"),
    [
        ("9" * 30, int("9" * 30)),  # 30 digits: the most a count may have
        ("999" + ",999" * 9, int("9" * 30)),
        (10**30 - 1, 10**30 - 1),
        ("1e29", 10**29),
        (1e29, int(1e29)),
        ("0", 0),
    ],
)
def test_the_longest_counts_read(value: Any, count: int) -> None:
    assert read_count(value) == count


@pytest.mark.parametrize(
    ("value", "text", "reason"),
    [
        # a decimal point is not a thousands separator: 1.5 is never 15, nor 1.500 1500
        ("1.5", "1.5", NOT_A_COUNT),
        ("1.500", "1.500", DOT_THOUSANDS),  # the reason says why it is not read as 1500
        ("18.496", "18.496", DOT_THOUSANDS),
        (1.5, "1.5", "not a whole number"),  # YAML's and JSON's 1.5
        ("1,5", "1,5", NOT_A_COUNT),
        ("3.205e2", "3.205e2", "not a whole number"),  # 320.5
    ],
)
def test_a_decimal_count_is_never_read_as_digits_run_together(
    value: Any, text: str, reason: str
) -> None:
    assert read_count(value) == Unreadable(text, reason)


@pytest.mark.parametrize(
    ("value", "text", "reason"),
    [
        ("big", "big", f"the size 'big' is {NOT_A_COUNT}"),
        ("(None; 10)", "(None; 10)", f"the size 'None;' is {NOT_A_COUNT}"),
        ("26x1.5x32", "26x1.5x32", f"the size '1.5' is {NOT_A_COUNT}"),
        ([26, 1.5], "[26, 1.5]", "the size '1.5' is not a whole number"),
        ((26, "a"), "[26, 'a']", f"the size 'a' is {NOT_A_COUNT}"),
        ([26, ""], "[26, '']", "the size '' is a blank size"),
        ([26, True], "[26, True]", "the size 'True' is a yes/no value, not a count"),
        (True, "True", f"the size 'True' is {NOT_A_COUNT}"),
        ("26x26x", "26x26x", "a size is missing between the separators"),
        ("26X26X", "26X26X", "a size is missing between the separators"),
        ("26,,32", "26,,32", "a size is missing between the separators"),
        ("()", "()", "no sizes in it"),
        (" [ ] ", "[ ]", "no sizes in it"),
        ("x" * 201, "x" * 40 + "…", "too long for a shape"),
    ],
)
def test_unreadable_shapes_say_why(value: Any, text: str, reason: str) -> None:
    assert read_shape(value) == Unreadable(text, reason)


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("[null, 10]", (10,)),
        ("(?, 10)", (10,)),
        ("(batch, 13, 13, 32)", (13, 13, 32)),
        ("(BATCH, 10)", (10,)),
        ([None, None, 10], (10,)),
        ("26 " * 66 + "26", (26,) * 67),  # 200 characters
    ],
)
def test_a_batch_dimension_written_any_way_is_dropped(value: Any, shape: Any) -> None:
    """None, null, ? or batch in front is Keras's batch dimension; a shape of 200 characters
    is still read."""
    assert read_shape(value) == shape


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("whole input", WHOLE_INPUT),
        (" Whole ", WHOLE_INPUT),
        ("ALL", WHOLE_INPUT),
        ("5x5", (5, 5)),
        ([7, 7], (7, 7)),
        ("", None),
        ("wholeinput", Unreadable("wholeinput", f"the size 'wholeinput' is {NOT_A_COUNT}")),
    ],
)
def test_a_receptive_field_answer(value: Any, read: Any) -> None:
    assert read_field(value) == read


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.yaml", "layers: [\n  {name: x,\n", "invalid YAML at line 3, column 1"),
        ("a.json", '{"layers": [}', "invalid JSON at line 1, column 13"),
        ("a.Json", "layers: []\n", "invalid JSON at line 1, column 1: Expecting value"),
        ("a.csv", "item,size\nx,1\n", "line 1: a CSV answer sheet has the columns name"),
        ("a.md", "no table here", "no markdown table"),
        ("a.md", "| item | size |\n|---|---|\n", "line 1: the table's header needs name"),
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


# Whole sheets, read back field by field: the lecture's MNIST answers (tests/test_grading.py's
# key, from the lecture's printout) as a student writes them in each format, with an
# InputLayer row (given, not asked), an unnamed row (matched by position when graded), a
# blank row, and the costs columns (MACs 26·26·32·3·3·1 = 194,688; receptive field 3×3).
YAML_SHEET = """\
exercise: ' mnist '
fields: [output_shape, params, macs, receptive_field]
input_shape: [28, 28, 1]
layers:
  - {name: image, type: InputLayer, given: {shape: [28, 28, 1]}}
  - name: conv2d
    type: Conv2D
    given: {filters: 32, kernel_size: 3}
    output_shape: 26x26x32
    params: '320'
    macs: 194,688
    receptive_field: 3x3
  - {output_shape: '(None, 13, 13, 32)', params: 0, receptive_field: ' Whole '}
  - {name: flatten, output_shape: 1600}
  - {name: dense, type: Dense}
  - {name: ' ', output_shape: [null, 10], params: 16_010, receptive_field: all}
total_params: 34,826
total_macs: 2.44096e6
"""
TABLE_ROWS = [
    ["name", "type", "inputs", "given", "output_shape", "params", "macs", "receptive_field"],
    ["exercise", "", "", " mnist ", "", "", "", ""],
    ["input_shape", "", "", "[28, 28, 1]", "", "", "", ""],
    ["image", "InputLayer", "", "shape=[28, 28, 1]", "", "", "", ""],
    ["conv2d", "Conv2D", "", "filters=32, kernel_size=3", "26x26x32", "320", "194,688", "3x3"],
    ["", "", "", "", "(None, 13, 13, 32)", "0", "", " Whole "],
    ["flatten", "", "", "", "1600", "", "", ""],
    ["dense", "Dense", "", "", "", "", "", ""],
    ["", "", "", "", "", "", "", ""],  # a blank row: no answer
    ["", "", "", "", "[None, 10]", "16_010", "", "all"],
    ["total_params", "", "", "", "", "34,826", "2.44096e6", ""],
]
ANSWERS = [
    Answer("conv2d", (26, 26, 32), 320, 194688, (3, 3)),
    Answer(None, (13, 13, 32), 0, None, WHOLE_INPUT),
    Answer("flatten", (1600,)),  # states no type or givens: not among the stated layers
    Answer("dense"),
    Answer(None, (10,), 16010, None, WHOLE_INPUT),
]


def csv_sheet() -> str:
    # a header cell in another case, with spaces, is the same column
    rows = [["Name ", *TABLE_ROWS[0][1:]], *TABLE_ROWS[1:]]
    return "".join(
        ",".join(f'"{cell}"' if "," in cell else cell for cell in row) + "\n" for row in rows
    )


def markdown_sheet() -> str:
    lines = ["<!-- Fill in each layer's answers -->", ""]
    for number, row in enumerate(TABLE_ROWS):
        lines.append("| " + " | ".join(row) + " |")
        if number == 0:
            lines.append("|:---|---|---|---|---:|---|---|---|")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "text", "input_shape", "image_given", "conv_given"),
    [
        ("a.yaml", YAML_SHEET, [28, 28, 1], {"shape": [28, 28, 1]},
         {"filters": 32, "kernel_size": 3}),
        ("a.JSON", json.dumps(yaml.safe_load(YAML_SHEET)), [28, 28, 1], {"shape": [28, 28, 1]},
         {"filters": 32, "kernel_size": 3}),
        ("a.csv", csv_sheet(), "[28, 28, 1]", "shape=[28, 28, 1]", "filters=32, kernel_size=3"),
        ("a.md", markdown_sheet(), "[28, 28, 1]", "shape=[28, 28, 1]",
         "filters=32, kernel_size=3"),
        ("a.markdown", markdown_sheet(), "[28, 28, 1]", "shape=[28, 28, 1]",
         "filters=32, kernel_size=3"),
    ],
)  # fmt: skip
def test_a_whole_sheet_reads_back_in_every_format(
    tmp_path: Path, name: str, text: str, input_shape: Any, image_given: Any, conv_given: Any
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert read_answers(path) == AnswerSheet(
        str(path),
        exercise="mnist",
        layers=ANSWERS,
        total_params=34826,
        total_macs=2440960,
        fields=FIELDS,
        input_shape=input_shape,
        stated=[
            StatedLayer("image", "InputLayer", image_given),
            StatedLayer("conv2d", "Conv2D", conv_given),
            StatedLayer("dense", "Dense", None),
        ],
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("name,params\nconv2d,320\n", ("params",)),
        ("name,receptive_field,output_shape\nconv2d,3x3,26x26x32\n",
         ("output_shape", "receptive_field")),
        ("name,Output_Shape,\nconv2d,26x26x32,\n", ("output_shape",)),
    ],
)  # fmt: skip
def test_a_tables_columns_are_the_fields_it_asks(tmp_path: Path, text: str, fields: Any) -> None:
    path = tmp_path / "a.csv"
    path.write_text(text)
    assert read_answers(path).fields == fields


def test_a_cell_cnncalc_wrote_behind_an_apostrophe_reads_back(tmp_path: Path) -> None:
    """A layer named '=x' is written '=x behind an apostrophe (no spreadsheet formula); read
    back it is '=x' again."""
    path = tmp_path / "a.csv"
    path.write_text("name,params\n'=x,320\n'-y,1600\n")
    sheet = read_answers(path)
    assert [a.name for a in sheet.layers] == ["=x", "-y"]
    assert sheet.layers[0].params == 320 and sheet.layers[1].params == 1600


def test_an_escaped_pipe_in_a_markdown_cell_is_a_pipe(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("|name|params|\n|-|-|\n|X\\|Y|320|\n")
    assert read_answers(path).layers == [Answer("X|Y", None, 320)]


def test_a_markdown_table_without_its_rule_line_loses_no_row(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("| name | params |\n| conv2d | 320 |\n| dense | 16010 |\n")
    assert read_answers(path).layers == [Answer("conv2d", None, 320), Answer("dense", None, 16010)]


def test_a_tables_rows_may_come_in_any_order(tmp_path: Path) -> None:
    """The total's row first, the exercise's last: every row is still read."""
    path = tmp_path / "a.csv"
    path.write_text("name,given,params\ntotal_params,,320\nconv2d,,320\nexercise,mnist,\n")
    sheet = read_answers(path)
    assert (sheet.total_params, sheet.layers, sheet.exercise) == (
        320,
        [Answer("conv2d", None, 320)],
        "mnist",
    )


def test_a_table_with_only_its_header_is_a_blank_sheet(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name,macs\n")
    sheet = read_answers(path)
    assert (sheet.layers, sheet.fields, sheet.total_params) == ([], DEFAULT_FIELDS, None)


@pytest.mark.parametrize(
    ("value", "fields"),
    [
        (None, DEFAULT_FIELDS),
        ("macs", ("macs",)),
        (" output_shape , receptive_field ,", ("output_shape", "receptive_field")),
        (["params", " macs "], ("params", "macs")),
    ],
)
def test_the_fields_a_yaml_sheet_asks(tmp_path: Path, value: Any, fields: Any) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump({"fields": value, "layers": []}))
    assert read_answers(path).fields == fields


def test_a_sheet_without_a_fields_line_asks_shapes_and_params(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("layers: []\n")
    sheet = read_answers(path)
    assert (sheet.fields, sheet.exercise, sheet.total_params) == (DEFAULT_FIELDS, None, None)


@pytest.mark.parametrize(
    ("exercise", "read"),
    [
        ("random:easy:3", "random:easy:3"),
        ("  ", None),
        (7, "7"),
        ({"input_shape": [4], "layers": []}, {"input_shape": [4], "layers": []}),
    ],
)
def test_a_yaml_sheets_exercise(tmp_path: Path, exercise: Any, read: Any) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"exercise": exercise, "layers": []}))
    assert read_answers(path).exercise == read


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ('"{""input_shape"": [4], ""layers"": []}"', {"input_shape": [4], "layers": []}),
        ("vgg16", "vgg16"),
        ("", None),
    ],
)
def test_a_tables_exercise_row_names_or_embeds_the_network(
    tmp_path: Path, cell: str, read: Any
) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"name,given,params\nexercise,{cell},\ninput_shape, ,\n")
    sheet = read_answers(path)
    assert (sheet.exercise, sheet.input_shape, sheet.layers) == (read, None, [])


# Every message a broken sheet gets, in full: the file, the line where there is one, what
# is wrong and what to write instead.
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", "name,given,params\nexercise,{oops,\n", "the exercise row's spec is not "
         "valid JSON: Expecting property name enclosed in double quotes"),
        ("a.csv", "Layer, Size\nx,1\n", "line 1: a CSV answer sheet has the columns name, "
         "output_shape, params (found: layer, size)"),
        ("a.csv", "name,type\nx,Dense\n", "line 1: a CSV answer sheet has the columns name, "
         "output_shape, params (found: name, type)"),
        ("a.csv", f"name,{'q' * 300}\n", "line 1: a CSV answer sheet has the columns name, "
         f"output_shape, params (found: name, {'q' * 194})"),
        ("a.md", "text\n\n| name | type |\n|---|---|\n", "line 3: the table's header needs "
         "name, output_shape and params"),
        ("a.md", "| item | params |\n", "line 1: the table's header needs name, output_shape "
         "and params"),
        ("a.md", "no table here", "no markdown table (| name | output_shape | params |) in it"),
        ("a.yaml", "layers: 3\n", "an answer sheet has a 'layers' list (see cnncalc exercise)"),
        ("a.yaml", "- 1\n", "an answer sheet has a 'layers' list (see cnncalc exercise)"),
        ("a.yaml", "exercise: [mnist]\nlayers: []\n", "'exercise' names a network or holds its "
         "spec, not a list"),
        ("a.yaml", "exercise: yes\nlayers: []\n", "'exercise' names a network or holds its "
         "spec, not a list"),
        ("a.yaml", "layers: [{name: a}, 3]\n", "layers[1] is not a mapping with name, "
         "output_shape, params"),
        ("a.yaml", "fields: [params, flops, size]\nlayers: []\n", "fields: unknown flops, size; "
         "choose from output_shape, params, macs, receptive_field"),
        ("a.yaml", "fields: ' , '\nlayers: []\n", "fields: unknown (none given); choose from "
         "output_shape, params, macs, receptive_field"),
        ("a.yaml", f"fields: [{'q' * 300}]\nlayers: []\n", f"fields: unknown {'q' * 200}; "
         "choose from output_shape, params, macs, receptive_field"),
        ("a.csv", "Layer,,Size\nx,1\n", "line 1: a CSV answer sheet has the columns name, "
         "output_shape, params (found: , layer, size)"),
        ("a.yaml", "", "is empty; fill in a worksheet from cnncalc exercise"),
        ("a.markdown", "no table here", "no markdown table (| name | output_shape | params |)"),
        ("a.yaml", b"\x00\x01", "is a binary file, not an answer sheet"),
        ("a.yaml", b"\xff\xfe layers", "is not UTF-8 text (byte 0), so not an answer sheet"),
        ("a.json", '{"layers": [}', "invalid JSON at line 1, column 13"),
        ("a.Json", "layers: []\n", "invalid JSON at line 1, column 1: Expecting value"),
        ("a.yaml", "layers: [\n  {name: x,\n", "invalid YAML at line 3, column 1"),
    ],
)  # fmt: skip
def test_every_broken_sheet_gets_its_whole_message(
    tmp_path: Path, name: str, content: Any, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(SpecError) as raised:
        read_answers(path)
    assert str(raised.value).startswith(f"{path}: {message}"), str(raised.value)


def test_a_markdown_sheet_is_read_as_markdown_whatever_its_extension_case(tmp_path: Path) -> None:
    path = tmp_path / "a.MD"
    path.write_text("| name | params |\n|---|---|\n| conv2d | 320 |\n")
    assert read_answers(path).layers == [Answer("conv2d", None, 320)]


def test_a_missing_sheet_is_named() -> None:
    with pytest.raises(SpecError, match=r"^nowhere\.yaml: no such file$"):
        read_answers(Path("nowhere.yaml"))


def test_a_csv_cell_too_long_for_the_csv_reader_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name,params\nx,1\ny," + "9" * 140_000 + "\n")
    with pytest.raises(SpecError) as raised:
        read_answers(path)
    assert str(raised.value) == f"{path}: line 3: field larger than field limit (131072)"


# A receptive field after UpSampling by 2 is 7/2 (docs/costs.md); students write it as they can.
FIELD_ANSWERS = [
    ("7/2x7/2", (Fraction(7, 2), Fraction(7, 2))),
    # with the working first: the result is a size too, 7/2 = 3.5 and (3 + 4)/2 = 7/2
    ("7 / 2 = 3.5 x 3.5", (Fraction(7, 2), Fraction(7, 2))),
    ("(3 + 4)/2 = 7/2 x 7/2", (Fraction(7, 2), Fraction(7, 2))),
    ("7 / 2 x 7 / 2", (Fraction(7, 2), Fraction(7, 2))),  # spaces around the bar
    ("3.5 × 3.5", (Fraction(7, 2), Fraction(7, 2))),
    ([3.5, 4.0], (Fraction(7, 2), 4)),  # YAML's numbers: 4.0 is the count 4
    ([400.0], (400,)),
    ("8/2x4/1", (4, 4)),  # whole fractions are counts
    ("5x5", (5, 5)),
    ("whole input", "whole input"),
    ("7/0", Unreadable("7/0", "the size '7/0' is a fraction over 0")),
    ([float("nan")], Unreadable("[nan]", "the size 'nan' is not a size")),
    ([1e31], Unreadable("[1e+31]", "the size '1e+31' is not a size")),  # past 30 digits
    ("7/2/2", Unreadable("7/2/2", "the size '7/2/2' is not a count: write digits, e.g. 18496 "
                                  "or 18,496")),
]  # fmt: skip


@pytest.mark.parametrize(("written", "read"), FIELD_ANSWERS)
def test_a_receptive_field_may_be_a_fraction(written: Any, read: Any) -> None:
    found = read_field(written)
    assert found == read
    if isinstance(read, tuple):
        assert [type(size) for size in found] == [type(size) for size in read]


# How students really write their answers (a first use of `cnncalc exercise mnist`, filled in
# by hand): the lecture's 320 and 18,496 with a word after them, a European thousands dot, an
# abbreviation, a dash for "no parameters". What can be read is read; what cannot says why.


@pytest.mark.parametrize(
    ("value", "count"),
    [("320 params", 320), ("18,496 Parameters", 18496), ("0 params", 0), ("16010 param", 16010)],
)
def test_a_count_with_its_unit_word_is_the_count(value: str, count: int) -> None:
    assert read_count(value) == count


ABBREVIATION = "an abbreviation (k, M) is not an exact count: write digits, e.g. 18496 or 18,496"
NONE_WRITTEN = "not a count: write 0 if there are none"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1,6k", ABBREVIATION),  # 16,010 rounded, with a decimal comma: not gradable
        ("16k", ABBREVIATION),
        ("2.5M", ABBREVIATION),
        ("none", NONE_WRITTEN),  # a pooling layer's params
        ("-", NONE_WRITTEN),
        ("n/a", NONE_WRITTEN),
        ("params", NOT_A_COUNT),  # the word without a count
        ("18.496 params", DOT_THOUSANDS),
        ("1.5 params", NOT_A_COUNT),
    ],
)
def test_a_count_that_cannot_be_read_says_what_to_write(value: str, reason: str) -> None:
    assert read_count(value) == Unreadable(value, reason)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("a.yaml", "layers:\n  - name: conv2d\n    params: NUMBER\n"),
        ("a.json", '{"layers": [{"name": "conv2d", "params": NUMBER}]}'),
    ],
)
@pytest.mark.parametrize(
    ("written", "reason"),
    [("1.600", DOT_THOUSANDS), ("18.496", DOT_THOUSANDS), ("2.50", "not a whole number")],
)
def test_a_number_with_a_point_is_quoted_as_the_student_wrote_it(
    tmp_path: Path, name: str, text: str, written: str, reason: str
) -> None:
    """YAML and JSON read 1.600 as the float 1.6: the hint quotes '1.600', which the student
    wrote (meaning 1600), not '1.6', which they did not."""
    path = tmp_path / name
    path.write_text(text.replace("NUMBER", written))
    assert read_answers(path).layers[0].params == Unreadable(written, reason)


def test_a_sheets_network_arguments_stay_plain_numbers(tmp_path: Path) -> None:
    """Only answers keep their text: a given rate of 0.5 is the float 0.5 it always was."""
    path = tmp_path / "a.yaml"
    path.write_text(
        "exercise: {input_shape: [4], layers: [{type: Dropout, rate: 0.5}]}\n"
        "layers:\n  - {name: dropout, type: Dropout, given: {rate: 0.5}, params: 0}\n"
    )
    sheet = read_answers(path)
    assert type(sheet.stated[0].given["rate"]) is float  # type: ignore[index]
    assert isinstance(sheet.exercise, dict)
    assert type(sheet.exercise["layers"][0]["rate"]) is float


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_csv_from_a_spreadsheet_may_separate_with_semicolons_or_tabs(
    tmp_path: Path, separator: str
) -> None:
    """Excel in German or French saves 'CSV' with ';' (the comma is their decimal mark)."""
    path = tmp_path / "a.csv"
    rows = [["name", "output_shape", "params"], ["conv2d", "26, 26, 32", "320"]]
    path.write_text("\n".join(separator.join(row) for row in rows) + "\n")
    assert read_answers(path).layers == [Answer("conv2d", (26, 26, 32), 320)]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_the_separator_is_the_headers_though_the_rows_hold_more_commas(
    tmp_path: Path, separator: str
) -> None:
    """The header has 2 separators and no comma; the rows' shapes and 18,496 hold 3 + 4
    commas against their 2 + 2 separators: over the whole text the comma would win 7 to 6."""
    path = tmp_path / "a.csv"
    rows = [
        ["name", "output_shape", "params"],
        ["conv2d", "(None, 26, 26, 32)", "320"],  # (3·3·1 + 1)·32 = 320
        ["conv2d_1", "(None, 24, 24, 64)", "18,496"],  # (3·3·32 + 1)·64 = 289·64 = 18,496
    ]
    path.write_text("\n".join(separator.join(row) for row in rows) + "\n")
    assert read_answers(path).layers == [
        Answer("conv2d", (26, 26, 32), 320),
        Answer("conv2d_1", (24, 24, 64), 18496),
    ]


OVERFLOW = (
    "line 2 has more cells than the header: a shape with commas must be in quotes "
    '("26, 26, 32") or written 26x26x32'
)


@pytest.mark.parametrize(
    ("name", "text", "cells"),
    [
        ("a.csv", "name,output_shape,params\nconv2d,26,26,32,320\n", "26,26,32,320"),
        ("a.md", "| name | output_shape | params |\n| conv2d | 26 | 26 | 32 | 320 |\n",
         "26,26,32,320"),
        # a label before the shape: its ': ' is the student's, not the line number's
        ("a.csv", "name,output_shape,params\nconv2d,shape: 26,26,32,320\n",
         "shape: 26,26,32,320"),
        ("a.md", "| name | output_shape | params |\n| conv2d | shape: 26 | 26 | 32 | 320 |\n",
         "shape: 26,26,32,320"),
    ],
)  # fmt: skip
def test_a_row_with_more_cells_than_its_header_is_unreadable_not_misread(
    tmp_path: Path, name: str, text: str, cells: str
) -> None:
    """26,26,32 unquoted in a CSV is three cells: the row's output_shape would read as (26,)
    and its params as 26. Neither is what the student wrote."""
    path = tmp_path / name
    path.write_text(text)
    (answer,) = read_answers(path).layers
    assert answer.output_shape == Unreadable(cells, OVERFLOW)
    assert answer.params == Unreadable(cells, OVERFLOW)


@pytest.mark.parametrize(
    "header",
    [
        "Layer (type) | Output Shape | Param #",  # Keras's own headings
        "Layer | Output shape | Params",
        "layer | output-shape | parameters",
        "Name | Shape | # params",
    ],
)
def test_a_tables_headings_may_be_written_as_a_student_would(tmp_path: Path, header: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"| {header} |\n|---|---|---|\n| conv2d | (None, 26, 26, 32) | 320 |\n")
    assert read_answers(path).layers == [Answer("conv2d", (26, 26, 32), 320)]
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(header.replace(" | ", ",") + '\nconv2d,"(None, 26, 26, 32)",320\n')
    assert read_answers(csv_path).layers == [Answer("conv2d", (26, 26, 32), 320)]


@pytest.mark.parametrize(
    ("value", "read"),
    [
        # the lecture's (k·k·d + 1)·n with the MNIST numbers, then the answer
        ("(3·3·1 + 1)·32 = 320", 320),
        ("(3*3*32+1)*64=18,496", 18496),
        ("1601 x 10 = 16010 params", 16010),
        ("(3*3*1 + 1)*32 == 320", 320),  # Python's ==: (9 + 1)·32 = 320 after the last '='
        ("3·3 = lots", Unreadable("3·3 = lots", NOT_A_COUNT)),  # the result is what is read
        ("= 320", Unreadable("= 320", NOT_A_COUNT)),  # no working: not a worked answer
        ("320 =", Unreadable("320 =", NOT_A_COUNT)),
    ],
)
def test_a_count_with_its_working_is_the_result(value: str, read: Any) -> None:
    assert read_count(value) == read


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("5·5·64 = 1600", (1600,)),  # the lecture's Flatten: 5·5·64
        ("⌊(28 − 3)/1⌋ + 1 = 26 → 26x26x32", Unreadable(
            "⌊(28 − 3)/1⌋ + 1 = 26 → 26x26x32", "the size '→' is " + NOT_A_COUNT)),
        ("(28-3)/1+1 = 26x26x32", (26, 26, 32)),
    ],
)  # fmt: skip
def test_a_shape_with_its_working_is_the_result(value: str, read: Any) -> None:
    assert read_shape(value) == read


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("answers.txt", "# Jane\n\n| Layer | Output shape | Params |\n|---|---|---|\n"
         "| conv2d | 26x26x32 | 320 |\n"),  # a markdown table saved from a text editor
        ("answers.txt", "name,output_shape,params\nconv2d,26x26x32,320\n"),
        ("answers.tsv", "name\toutput_shape\tparams\nconv2d\t26x26x32\t320\n"),  # Google Sheets
        ("answers.TXT", "layers:\n  - name: conv2d\n    output_shape: 26x26x32\n    params: 320\n"),
        ("answers", '{"layers": [{"name": "conv2d", "output_shape": "26x26x32", "params": 320}]}'),
    ],
)  # fmt: skip
def test_a_sheet_saved_under_another_suffix_is_read_by_its_content(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert read_answers(path).layers == [Answer("conv2d", (26, 26, 32), 320)]


def test_a_sheet_of_two_columns_saved_as_tsv_is_read_by_its_content(tmp_path: Path) -> None:
    """A worksheet asking only the shapes has two headings: enough for a table."""
    path = tmp_path / "answers.tsv"
    path.write_text("name\toutput_shape\nconv2d\t26x26x32\n")
    sheet = read_answers(path)
    assert sheet.layers == [Answer("conv2d", (26, 26, 32))]
    assert sheet.fields == ("output_shape",)


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".YAML"])
def test_a_yaml_sheet_is_yaml_whatever_its_notes_hold(tmp_path: Path, suffix: str) -> None:
    """A student's notes may hold a markdown table; its lines start with '|' but the file is
    YAML by its name."""
    path = tmp_path / f"answers{suffix}"
    path.write_text(
        "notes: |\n  | layer | working |\n  |---|---|\n  | conv2d | (3·3·1 + 1)·32 |\n"
        "layers:\n  - {name: conv2d, output_shape: 26x26x32, params: 320}\n"
    )
    assert read_answers(path).layers == [Answer("conv2d", (26, 26, 32), 320)]


@pytest.mark.parametrize("content", [b"\xef\xbb\xbf\r\n", "\u2003\n".encode()])
def test_a_text_with_no_line_but_blanks_is_refused_in_one_message(
    tmp_path: Path, content: bytes
) -> None:
    """A byte order mark alone (Notepad's empty file), or a space the byte check does not see
    as one: no first line to take a table's headings from."""
    path = tmp_path / "answers.txt"
    path.write_bytes(content)
    with pytest.raises(SpecError, match=rf"^{re.escape(str(path))}: is empty; [^\n]+$"):
        read_answers(path)
