"""The summary parser and `compare`, on real printouts: the fixtures under data/summaries
(keras-io models printed by Keras 3 and tf-keras, and fixed-column Keras 2 printouts
transcribed from public pages, each citing its source), and summaries printed in the run."""

from __future__ import annotations

import contextlib
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cnncalc
from cnncalc import SpecError
from cnncalc.keras.compare import compare
from cnncalc.keras.summary import parse_summaries, parse_summary

from .conftest import needs_keras

DATA = Path(__file__).parent / "data"
FIXTURES = sorted((DATA / "summaries").glob("*.txt"))
TRANSCRIBED = [path for path in FIXTURES if path.name.endswith(".keras2_fixed.txt")]


def text_id(value: object) -> str | None:
    """A test id without the word "keras": the mutation run skips tests that build Keras
    models by that word (-k "not keras"), and these only read text (mnist_convnet.k3)."""
    if isinstance(value, Path):
        value = value.name
    if not isinstance(value, str):
        return None
    return re.sub("(?i)keras", "k", value.removesuffix(".txt"))


def fixture_spec(path: Path) -> str:
    """The spec a fixture names in its first lines ('spec: name.json')."""
    found = re.search(r"spec: (\S+\.json)", "\n".join(path.read_text("utf-8").split("\n")[:2]))
    assert found, f"{path.name} does not name its spec"
    return str(path.parent / found.group(1))


def compared(text: str, spec: Any, **options: Any) -> cnncalc.keras.compare.Comparison:
    return compare(cnncalc.analyze(spec), parse_summary(text), **options)


@pytest.mark.parametrize("path", FIXTURES, ids=text_id)
def test_every_fixture_compares_clean(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    summary = parse_summary(text, path.name)
    assert summary.style == ("keras3" if ".keras3" in path.name else "keras2")
    result = compare(cnncalc.analyze(fixture_spec(path)), summary)
    assert result.agrees, result.differences
    assert result.missing == []
    assert [c for c in result.rows if c.status != "agrees"] == []


def test_the_transcribed_printouts_cite_their_source() -> None:
    assert len(TRANSCRIBED) >= 4
    for path in TRANSCRIBED:
        assert re.match(r"# Transcribed from \S+", path.read_text("utf-8")), path.name


@pytest.mark.parametrize("path", FIXTURES, ids=text_id)
def test_a_tampered_count_is_caught_and_named(path: Path) -> None:
    """The largest count's first digit changed in place (the layout stays as it was)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    row = max(parse_summary("\n".join(lines)).rows, key=lambda r: r.params or 0)
    shown = row.params_text
    tampered = str((int(shown[0]) + 1) % 10) + shown[1:]
    line = lines[row.line - 1]
    at = line.rindex(shown[:3])  # the cell's start, in the row's first line
    lines[row.line - 1] = line[:at] + tampered[0] + line[at + 1 :]
    result = compared("\n".join(lines), fixture_spec(path))
    (check,) = [c for c in result.rows if c.problems]
    assert check.theirs is not None and check.theirs.line == row.line
    assert check.ours is not None and check.ours.params == row.params
    assert result.differences[0] == (
        f"row {check.position} '{check.ours.name}': "
        f"params: cnncalc {row.params:,}, Keras {int(tampered.replace(',', '')):,}"
    )


TAMPERED_SHAPES = [
    # fixture, text in the printout, changed to, the difference compare must report
    (
        "mnist_convnet.keras3.txt",
        "(None, 13, 13, 32)",
        "(None, 14, 14, 32)",
        "row 2 'max_pooling2d': output shape: cnncalc (None, 13, 13, 32), Keras (None, 14, 14, 32)",
    ),
    (
        "asl_letters.keras2_fixed.txt",
        "(None, 3, 3, 25)  ",
        "(None, 4, 4, 25)  ",
        "row 7 'max_pooling2d_2': output shape: cnncalc (None, 3, 3, 25), Keras (None, 4, 4, 25)",
    ),
    (
        "toy_resnet.tf_keras_narrow.txt",
        "(None, 9, 9, 64)        0       ['stem_2",
        "(None, 9, 9, 65)        0       ['stem_2",
        "row 4 'stem_pool': output shape: cnncalc (None, 9, 9, 64), Keras (None, 9, 9, 65)",
    ),
    (
        "toy_resnet.keras3_narrow.txt",
        "│ fc (Dense)         │ (None, 256)  ",
        "│ fc (Dense)         │ (None, 255)  ",
        "row 15 'fc': output shape: cnncalc (None, 256), Keras (None, 255)",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "difference"), TAMPERED_SHAPES, ids=text_id)
def test_a_tampered_shape_is_caught_and_named(
    name: str, old: str, new: str, difference: str
) -> None:
    path = DATA / "summaries" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    assert compared(text.replace(old, new), fixture_spec(path)).differences == [difference]


ROWS_AS_READ = [
    # fixture, line, (name, type, shapes, params, connected to, name cut, type cut, nested)
    (
        "residual_notes.keras2_fixed.txt",
        7,
        ("input_4", "InputLayer", ((None, 28, 28, 1),), 0, (), False, False, False),
    ),
    (
        "residual_notes.keras2_fixed.txt",
        19,
        (
            "add_2",
            "Add",
            ((None, 14, 14, 32),),
            0,
            ("max_pooling2d_5", "conv2d_16"),
            False,
            False,
            False,
        ),
    ),
    (
        "asl_letters.keras2_fixed.txt",
        16,
        ("max_pooling2d_1", "MaxPooling2", ((None, 7, 7, 64),), 0, (), False, True, False),
    ),
    (
        "toy_resnet.tf_keras_narrow.txt",
        7,
        ("img", "InputLayer", ((None, 32, 32, 3),), 0, (), False, False, False),
    ),
    (
        "toy_resnet.tf_keras_narrow.txt",
        34,
        (
            "block_3_projection_shortcut_bn",
            "BatchNormalization",
            ((None, 5, 5, 128),),
            512,
            ("block_3_projection_shortcut",),
            False,
            False,
            False,
        ),
    ),
    (
        "toy_resnet.tf_keras_narrow.txt",
        31,
        (
            "block_3_b",
            "Conv2D",
            ((None, 5, 5, 128),),
            147_584,
            ("block_3_a_bn",),
            False,
            False,
            False,
        ),
    ),
    (
        "toy_resnet.tf_keras_narrow.txt",
        38,
        (
            "block_3_add",
            "Add",
            ((None, 5, 5, 128),),
            0,
            ("block_3_b", "block_3_projection_shortcut_bn"),
            False,
            False,
            False,
        ),
    ),
    (
        "toy_resnet.keras3_narrow.txt",
        39,
        (
            "block_3_projectio…",
            "BatchNormalizati…",
            ((None, 5, 5, 128),),
            512,
            ("block_3_project…",),
            True,
            True,
            False,
        ),
    ),
    (
        "nested_head.keras3_nested.txt",
        17,
        ("dense_1", "Dense", ((None, 10),), 330, (), False, False, True),
    ),
    (
        "nested_head.tf_keras_nested.txt",
        15,
        ("dense", "Dense", ((None, 32),), 544, (), False, False, True),
    ),
]


@pytest.mark.parametrize(("name", "line", "expected"), ROWS_AS_READ, ids=text_id)
def test_rows_as_read(name: str, line: int, expected: tuple[Any, ...]) -> None:
    summary = parse_summary((DATA / "summaries" / name).read_text(encoding="utf-8"))
    (row,) = [r for r in summary.rows if r.line == line]
    assert (
        row.name,
        row.type,
        row.output_shapes,
        row.params,
        row.connected_to,
        row.cut,
        row.type_cut,
        row.nested,
    ) == expected


def test_notebook_html_and_optimizer_params() -> None:
    notebook = parse_summary((DATA / "summaries/mnist_convnet.keras3_notebook.txt").read_text())
    assert notebook.name == "sequential" and len(notebook.rows) == 7
    assert notebook.totals == {"total": 34_826, "trainable": 34_826, "non-trainable": 0}
    trained = (DATA / "summaries/mnist_convnet.keras3_trained.txt").read_text()
    result = compared(trained, "mnist")
    # Keras 3 counts the optimizer's variables in Total params: 104,480 = 34,826 + 69,654
    assert parse_summary(trained).totals["optimizer"] == 69_654
    assert result.totals[0] == ("total", 34_826, 104_480 - 69_654)
    assert result.skipped == ["Optimizer params: 69,654 (not in the model's total)"]


def test_the_lectures_printout_is_compared_as_far_as_it_goes() -> None:
    text = (DATA / "lecture_mnist_summary.txt").read_text(encoding="utf-8")
    summary = parse_summary(text)
    assert summary.style == "keras2" and summary.name == "sequential"
    assert [(r.name, r.type, r.params) for r in summary.rows] == [
        ("conv2d", "Conv2D", 320),
        ("max_pooling2d", "MaxPooling2D", 0),
        ("conv2d_1", "Conv2D", 18496),
        ("max_pooling2d_1", "MaxPooling2D", 0),
        ("flatten", "Flatten", 0),
        ("dropout", "Dropout", 0),
    ]
    result = compared(text, "mnist", partial=True)
    assert result.agrees
    assert result.missing == [
        "row 7 dense (Dense)",
        "total params",
        "trainable params",
        "non-trainable params",
    ]
    with pytest.raises(SpecError, match=r"no 'Total params:' line after the last row \(line 19\)"):
        compared(text, "mnist")


def two_summaries() -> str:
    return "\n".join(
        (DATA / "summaries" / name).read_text(encoding="utf-8")
        for name in ("mnist_convnet.keras3.txt", "toy_resnet.tf_keras.txt")
    )


def test_a_file_with_several_summaries_asks_which() -> None:
    text = two_summaries()
    assert [s.name for s in parse_summaries(text)] == ["sequential", "toy_resnet"]
    with pytest.raises(SpecError) as error:
        parse_summary(text, "both.txt")
    assert str(error.value) == (
        "both.txt holds 2 summaries: 'sequential' (line 4), 'toy_resnet' (line 27); "
        "pick one with --model NAME"
    )
    assert parse_summary(text, model="toy_resnet").rows[-1].name == "logits"
    assert parse_summary(text, model="1").name == "sequential"
    with pytest.raises(SpecError, match="no summary of a model named 'toy_resnt'; did you mean"):
        parse_summary(text, model="toy_resnt")


HEADER = " Layer (type)                Output Shape              Param #   "
UNREADABLE = [
    ("hello", "summary: no 'Layer \\(type\\)' header"),
    (f'Model: "x"\n{HEADER}\n====\n', "summary: no layer rows under .* header \\(line 2\\)"),
    (
        f"{HEADER}\n====\n conv2d (Conv2D)             (None, 26, 26, 32)        lots\n",
        "summary, line 3: expected a layer row, found 'conv2d .*' "
        "\\(its Param # cell 'lots' is not a number\\)",
    ),
    (
        "┃ Layer (type) ┃ Output Shape ┃ Param # ┃\n┡━━━━╇━━━━╇━━━━┩\n│ conv2d (Conv2D) │ ? │ "
        "0 (unbuilt) │\n└───┴───┴───┘\n Total params: 0 (0.00 B)\n",
        "summary, line 3: Keras printed the model unbuilt",
    ),
    (
        " Layer (type)   Output Shape\n====\n conv2d  (None, 3)\n",
        "summary, line 1: the header has no 'Layer \\(type\\)' or 'Param #' column",
    ),
    (  # Keras 3's table cropped inside its Param # column: 18,496 would read as 18
        "┃ Layer (type)      ┃ Output Shape       ┃  Param\n┡━━━━╇━━━━╇━━━━\n"
        "│ conv2d_1 (Conv2D) │ (None, 11, 11, 64) │     18\n",
        "summary, line 1: the table is cut off at the right \\(its header has no closing '┃'\\)",
    ),
]


@pytest.mark.parametrize(
    ("text", "message"),
    UNREADABLE,
    ids=["no-header", "no-rows", "not-a-count", "unbuilt", "no-param", "cropped"],
)
def test_unreadable_summaries_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        compare(cnncalc.analyze("mnist"), parse_summary(text), partial=True)


PATHOLOGICAL_CELLS = [" " * 160_000, "(" * 160_000, "<" * 160_000, "a[" * 80_000, "…" * 160_000]


@pytest.mark.parametrize("cell", PATHOLOGICAL_CELLS, ids=["spaces", "(", "<", "a[", "…"])
def test_a_huge_cell_is_read_in_linear_time(cell: str) -> None:
    rows = [
        f" conv2d (Conv2D){cell}  (None, 26, 26, 32)  320  ['input_1[0][0]{cell}']",
        f"│ conv2d{cell} (Conv2D) │ (None,{cell} 26, 26, 32) │ 320 │ in{cell}[0][0] │",
    ]
    for row in rows:
        header = (
            " Layer (type)   Output Shape   Param #   Connected to"
            if row.startswith(" ")
            else "┃ Layer (type) ┃ Output Shape ┃ Param # ┃ Connected to ┃"
        )
        started = time.perf_counter()
        with contextlib.suppress(SpecError):  # read or refused, but at once
            parse_summary(f"{header}\n{row}\nTotal params: 320\n")
        assert time.perf_counter() - started < 0.5


@given(st.text(alphabet=" ()[]<>│┃_=-…,'0123456789abN\n", max_size=400))
def test_any_text_parses_or_says_why(text: str) -> None:
    try:
        parse_summaries(" Layer (type)   Output Shape   Param #\n" + text)
    except SpecError as error:
        assert "line" in str(error) or "header" in str(error)


# Printed in this run by real Keras, at several widths.

LONG_NAMES = {
    "name": "wide_and_wrapped",
    "layers": [
        {"type": "InputLayer", "shape": [16, 16, 3], "name": "image"},
        {
            "type": "Conv2D",
            "filters": 8,
            "kernel_size": 3,
            "padding": "same",
            "name": "a_very_long_layer_name_that_wraps_around_the_cell",
            "inputs": ["image"],
        },
        {"type": "Conv2D", "filters": 8, "kernel_size": 3, "padding": "same", "inputs": ["image"]},
        {
            "type": "Concatenate",
            "inputs": ["a_very_long_layer_name_that_wraps_around_the_cell", "conv2d"],
        },
        {"type": "GlobalAveragePooling2D"},
        {"type": "Dense", "units": 100_000},
    ],
}
SPECS: dict[str, Any] = {"mnist": "mnist", "resnet50": "resnet50", "long_names": LONG_NAMES}


@needs_keras
@pytest.mark.parametrize("line_length", [None, 64, 250])
@pytest.mark.parametrize("spec", SPECS)
def test_keras3_summaries(spec: str, line_length: int | None) -> None:
    from cnncalc.keras.bridge import summary_text, to_keras

    summary = parse_summary(summary_text(to_keras(SPECS[spec]), line_length))
    assert summary.style == "keras3"
    result = compare(cnncalc.analyze(SPECS[spec]), summary)
    assert result.agrees, result.differences
    assert result.missing == []


@needs_keras
def test_a_printout_cropped_by_a_narrow_terminal_is_refused_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """model.summary(line_length=110, print_fn=...) on an 80-column terminal (or a script's
    output, which rich takes as 80 wide): rich crops the table, its right edge is gone."""
    from cnncalc.keras.bridge import to_keras

    monkeypatch.setenv("COLUMNS", "80")
    lines: list[str] = []
    to_keras("mnist").summary(line_length=110, print_fn=lambda t, **_: lines.append(t))
    text = "\n".join(lines)
    assert max(len(line) for line in text.splitlines()) == 80  # Keras really cropped it
    with pytest.raises(SpecError, match="the table is cut off at the right"):
        parse_summary(text)


@needs_keras
@pytest.mark.parametrize("line_length", [None, 75, 200])
@pytest.mark.parametrize("spec", SPECS)
def test_keras2_summaries(spec: str, line_length: int | None) -> None:
    from cnncalc.keras.bridge import to_keras

    tf_keras = pytest.importorskip("tf_keras")
    lines: list[str] = []
    to_keras(SPECS[spec], keras=tf_keras).summary(
        line_length=line_length, print_fn=lambda t, **_: lines.append(t)
    )
    summary = parse_summary("\n".join(lines))
    assert summary.style == "keras2"
    result = compare(cnncalc.analyze(SPECS[spec]), summary)
    assert result.agrees, result.differences
    assert result.missing == []


@needs_keras
def test_names_keras_cut_short_match_their_start() -> None:
    from cnncalc.keras.bridge import summary_text, to_keras

    summary = parse_summary(summary_text(to_keras(LONG_NAMES), line_length=64))
    assert any(row.cut and row.name.endswith("…") for row in summary.rows)
    notes = [n for c in compare(cnncalc.analyze(LONG_NAMES), summary).rows for n in c.notes]
    assert not [n for n in notes if n.startswith("named")]


MNIST_KERAS3 = DATA / "summaries" / "mnist_convnet.keras3.txt"


def test_a_different_name_alone_is_only_a_note() -> None:
    text = MNIST_KERAS3.read_text(encoding="utf-8").replace("conv2d_1 ", "my_conv  ")
    result = compared(text, "mnist")
    assert result.agrees
    assert result.rows[2].notes == ("named 'my_conv' in the summary",)


def test_names_counted_from_elsewhere_are_matched_by_rank() -> None:
    """Old Keras 2 counts from conv2d_1: its conv2d_1 is the spec's conv2d, not its conv2d_1."""
    text = MNIST_KERAS3.read_text(encoding="utf-8")
    text = text.replace("conv2d_1 (Conv2D)", "conv2d_2 (Conv2D)")
    text = text.replace("conv2d (Conv2D)  ", "conv2d_1 (Conv2D)")
    result = compared(text, "mnist")
    assert result.agrees, result.differences
    assert [(c.ours.name, c.theirs.name) for c in result.rows if c.ours and c.theirs][:3] == [
        ("conv2d", "conv2d_1"),
        ("max_pooling2d", "max_pooling2d"),
        ("conv2d_1", "conv2d_2"),
    ]


def test_auto_names_printed_out_of_number_order_pair_by_their_number() -> None:
    """A notebook cell run twice (real Keras printout): the poolings are max_pooling2d_3, _4,
    _5 in the order Keras made them, printed _4, _3, _5. The k-th by number is the spec's k-th
    (in the order written), not the k-th printed. By hand: ⌊(8 − 2)/2⌋ + 1 = 4,
    (8 − 2)/1 + 1 = 7, ⌊(7 − 3)/3⌋ + 1 = 2; Dense (4·4 + 2·2 + 1)·2 = 42."""
    path = DATA / "summaries" / "pooled_branches.keras3_rerun.txt"
    result = compared(path.read_text(encoding="utf-8"), fixture_spec(path))
    assert result.agrees, result.differences
    paired = [
        (c.ours.name, c.theirs.name, c.theirs.output_shape_text, c.theirs.params)
        for c in result.rows
        if c.ours and c.theirs
    ]
    assert paired == [
        ("max_pooling2d", "max_pooling2d_3", "(None, 4, 4, 1)", 0),
        ("max_pooling2d_1", "max_pooling2d_4", "(None, 7, 7, 1)", 0),
        ("max_pooling2d_2", "max_pooling2d_5", "(None, 2, 2, 1)", 0),
        ("flatten", "flatten_2", "(None, 16)", 0),
        ("flatten_1", "flatten_3", "(None, 4)", 0),
        ("concatenate", "concatenate_1", "(None, 20)", 0),
        ("dense", "dense_1", "(None, 2)", 42),
    ]


def test_a_row_with_a_difference_and_a_note_shows_both() -> None:
    """dense renamed 'head' and its count edited: the notes cell has the problem, then the
    note. By hand: (5·5·64 + 1)·10 = 16,010."""
    text = MNIST_KERAS3.read_text(encoding="utf-8")
    text = text.replace("dense (Dense)", "head (Dense) ").replace("16,010 │", "16,000 │")
    table = compared(text, "mnist").to_table().split("\n")
    (cells,) = [[c.strip() for c in line.split("│")[1:-1]] for line in table if "head" in line]
    assert cells == [
        "7",
        "✗",
        "dense",
        "(None, 10)",
        "(None, 10)",
        "16,010",
        "16,000",
        "params: cnncalc 16,010, Keras 16,000; named 'head' in the summary",
    ]


def test_an_extra_summary_row_is_a_difference() -> None:
    spec = {
        "input_shape": [28, 28, 1],
        "layers": [{"type": "Conv2D", "filters": 32, "kernel_size": 3}],
    }
    result = compared(MNIST_KERAS3.read_text(encoding="utf-8"), spec)
    assert result.exit_code == 1
    extra = "Keras has this row; cnncalc's spec has no layer of that name"
    assert result.differences[0] == f"summary line 8 'max_pooling2d': {extra}"
    assert result.to_dict()["rows"][1] == {
        "position": None,
        "keras_line": 8,
        "name": None,
        "keras_name": "max_pooling2d",
        "output_shape": None,
        "keras_output_shape": [[None, 13, 13, 32]],
        "params": None,
        "keras_params": 0,
        "status": "differs",
        "problems": [extra],
        "notes": [],
    }
    table = result.to_table().split("\n")
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table if "│" in line]
    assert cells[2] == ["", "✗", "max_pooling2d", "", "(None, 13, 13, 32)", "", "0", extra]
    # (3·3·1 + 1)·32 = 320 in the spec, 34,826 in the printout
    assert cells[-3] == ["", "✗", "total params", "", "", "320", "34,826", ""]


MASKED = DATA / "summaries" / "masked_sequences.keras3.txt"
MASK_ROWS = (
    "3 rows of ops computing Keras's masks, not layers, 0 params: not_equal_1, not_equal, any"
)


def test_the_rows_of_mask_ops_are_not_layers() -> None:
    """Keras 3 prints ops.not_equal (Masking, Embedding(mask_zero=True)) and ops.any (Masking)
    as rows; the spec has no such layers, so they are listed as not compared, in printed order.
    By hand: Embedding 100·8 = 800, LSTM 4·4·(8 + 4 + 1) = 208, SimpleRNN 4·(3 + 4 + 1) = 32,
    Dense (8 + 1)·2 = 18."""
    result = compared(MASKED.read_text(encoding="utf-8"), fixture_spec(MASKED))
    assert result.agrees, result.differences
    assert result.skipped == [MASK_ROWS]
    assert [(c.theirs.name, c.theirs.params) for c in result.rows if c.theirs] == [
        ("series", 0),
        ("mask_padding", 0),
        ("read_series", 32),
        ("tokens", 0),
        ("embed", 800),
        ("read_tokens", 208),
        ("both", 0),
        ("logits", 18),
    ]
    assert f"not compared: {MASK_ROWS}" in result.to_table().split("\n")


ANY_ROW = "│ any (Any)           │ (None, 6)         │          0 │"


@pytest.mark.parametrize(
    "edited",
    [ANY_ROW.replace(" 0 │", " 1 │"), ANY_ROW.replace("(Any)", "(All)")],
    ids=["a count", "another type"],
)
def test_a_mask_ops_row_with_weights_or_another_type_is_compared(edited: str) -> None:
    """Only 0-parameter NotEqual and Any rows are passed over: anything else is a layer the
    spec lacks."""
    text = MASKED.read_text(encoding="utf-8")
    assert text.count(ANY_ROW) == 1
    result = compared(text.replace(ANY_ROW, edited), fixture_spec(MASKED))
    extra = "Keras has this row; cnncalc's spec has no layer of that name"
    assert result.differences == [f"summary line 21 'any': {extra}"]
    assert result.skipped == [
        "2 rows of ops computing Keras's masks, not layers, 0 params: not_equal_1, not_equal"
    ]


def test_different_wiring_in_the_summary_is_noted() -> None:
    path = DATA / "summaries" / "toy_resnet.keras3.txt"
    text = path.read_text(encoding="utf-8").replace("stem_1[0][0]", "img[0][0]   ")
    result = compared(text, fixture_spec(path))
    assert result.agrees
    (note,) = [note for row in result.rows for note in row.notes]
    assert note == "connected to img in the summary"


def test_a_long_name_cut_by_its_column_matches_by_its_start() -> None:
    """Keras 2 before TF 2.9 cut 'name (Type)' one short of column 29, type and all."""
    text = "\n".join(
        [
            "Layer (type)                 Output Shape              Param #   ",
            "=" * 65,
            "a_very_long_layer_name_that_ (None, 26, 26, 8)         80        ",
            "_" * 65,
            "short (Conv2D)               (None, 24, 24, 8)         584       ",
            "=" * 65,
            "Total params: 664",
        ]
    )
    (long_row, _) = parse_summary(text).rows
    assert (long_row.name, long_row.type, long_row.cut) == (
        "a_very_long_layer_name_that_",
        "",
        True,
    )
    conv = {"type": "Conv2D", "filters": 8, "kernel_size": 3}
    spec = {
        "input_shape": [28, 28, 1],
        "layers": [
            {**conv, "name": "a_very_long_layer_name_that_is_cut"},
            {**conv, "name": "short"},
        ],
    }
    result = compared(text, spec)
    assert result.agrees, result.differences


UNRULED_BOX = """\
Model: "mnist"
┌────────────────────────────────┬────────────────────┬───────────┐
│ Layer (type)                   │ Output Shape       │   Param # │
├────────────────────────────────┼────────────────────┼───────────┤
│ conv2d (Conv2D)                │ (None, 26, 26, 32) │       320 │
│ max_pooling2d (MaxPooling2D)   │ (None, 13, 13, 32) │         0 │
│ conv2d_1 (Conv2D)              │ (None, 11, 11, 64) │    18,496 │
│ max_pooling2d_1 (MaxPooling2D) │ (None, 5, 5, 64)   │         0 │
│ flatten (Flatten)              │ (None, 1600)       │         0 │
│ dropout (Dropout)              │ (None, 1600)       │         0 │
│ dense (Dense)                  │ (None, 10)         │    16,010 │
└────────────────────────────────┴────────────────────┴───────────┘
 Total params: 34,826 (136.04 KB)
 Trainable params: 34,826 (136.04 KB)
 Non-trainable params: 0 (0.00 B)
"""
"""A box table with no rules between its rows (as `cnncalc analyze` prints it); the numbers are
the lecture's MNIST printout's (keras.io/examples/vision/mnist_convnet)."""


def test_a_box_table_without_rules_between_rows_is_one_row_per_layer() -> None:
    summary = parse_summary(UNRULED_BOX)
    assert [(r.name, r.params) for r in summary.rows] == [
        ("conv2d", 320), ("max_pooling2d", 0), ("conv2d_1", 18496), ("max_pooling2d_1", 0),
        ("flatten", 0), ("dropout", 0), ("dense", 16010),
    ]  # fmt: skip
    assert summary.totals["total"] == 34826


MARKDOWN = """\
**Model: mnist**

| Layer (type)                   | Output Shape       |   Param # |
|--------------------------------|--------------------|-----------|
| conv2d (Conv2D)                | (None, 26, 26, 32) |       320 |
| max_pooling2d (MaxPooling2D)   | (None, 13, 13, 32) |         0 |
| conv2d_1 (Conv2D)              | (None, 11, 11, 64) |    18,496 |
| max_pooling2d_1 (MaxPooling2D) | (None, 5, 5, 64)   |         0 |
| flatten (Flatten)              | (None, 1600)       |         0 |
| dropout (Dropout)              | (None, 1600)       |         0 |
| dense (Dense)                  | (None, 10)         |    16,010 |

- Total params: 34,826 (136.04 KB)
- Trainable params: 34,826 (136.04 KB)
- Non-trainable params: 0 (0.00 B)
"""
"""The lecture's MNIST as a markdown table (`cnncalc analyze -f markdown`'s layout)."""


def test_a_markdown_table_is_read() -> None:
    summary = parse_summary(MARKDOWN)
    assert (summary.name, summary.style) == ("mnist", "markdown")
    assert [(r.name, r.type, r.params) for r in summary.rows][2] == ("conv2d_1", "Conv2D", 18496)
    assert [r.output_shapes for r in summary.rows][4] == ((None, 1600),)
    assert summary.totals == {"total": 34826, "trainable": 34826, "non-trainable": 0}
    assert compare(cnncalc.analyze("mnist"), summary).agrees


@pytest.mark.parametrize("fmt", ["table", "markdown"])
@pytest.mark.parametrize("spec", ["mnist", "lenet5", "vgg16", "resnet50", "alexnet_grouped"])
def test_compare_reads_cnncalcs_own_table(spec: str, fmt: str) -> None:
    """`cnncalc analyze X > t.txt; cnncalc compare X t.txt` agrees (the review's bug 3)."""
    from typer.testing import CliRunner

    from cnncalc.cli import app

    runner = CliRunner()
    table = runner.invoke(app, ["analyze", spec, "-f", fmt]).stdout
    result = compare(cnncalc.analyze(spec), parse_summary(table))
    assert result.agrees and not result.missing, result.differences
    assert len([r for r in parse_summary(table).rows if not r.nested]) >= len(
        [layer for layer in cnncalc.analyze(spec)]
    )


# ---- issue 14: edited totals and cut-short counts ---------------------------------------------

NESTED_HEAD = DATA / "summaries" / "nested_head.keras3_nested.txt"
"""A frozen Conv2D, (3·3·3 + 1)·16 = 448 non-trainable, beside a trainable nested head,
(16 + 1)·32 + (32 + 1)·10 = 874."""

EDITED_TOTALS = [
    (
        MNIST_KERAS3,
        [("Trainable params: 34,826", "Trainable params: 34,820")],
        ["trainable params: cnncalc 34,826, Keras 34,820"],
    ),
    (
        MNIST_KERAS3,
        [("Non-trainable params: 0 (0.00 B)", "Non-trainable params: 6 (24.00 B)")],
        ["non-trainable params: cnncalc 0, Keras 6"],
    ),
    (  # the trainable and non-trainable totals swapped
        NESTED_HEAD,
        [
            ("Trainable params: 874 (3.41 KB)", "Trainable params: 448 (1.75 KB)"),
            ("Non-trainable params: 448 (1.75 KB)", "Non-trainable params: 874 (3.41 KB)"),
        ],
        [
            "trainable params: cnncalc 874, Keras 448",
            "non-trainable params: cnncalc 448, Keras 874",
        ],
    ),
]


@pytest.mark.parametrize(
    ("path", "edits", "differences"), EDITED_TOTALS, ids=["trainable", "non-trainable", "swapped"]
)
def test_an_edited_total_is_a_difference(
    path: Path, edits: list[tuple[str, str]], differences: list[str]
) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1
        text = text.replace(old, new)
    result = compared(text, fixture_spec(path))
    assert result.differences == differences
    assert result.exit_code == 1
    rows = [line.split("│")[1:-1] for line in result.to_table().splitlines() if "│" in line]
    crossed = [cells[2].strip() for cells in rows if cells[1].strip() == "✗"]
    assert crossed == [difference.split(":")[0] for difference in differences]  # the totals


@pytest.mark.parametrize(
    ("shown", "problems", "notes"),
    [
        ("16,0…", (), ("Param # cut short in the summary (16,0…)",)),  # 16,010 begins so
        ("17,0…", ("params: cnncalc 16,010, Keras 17,0…",), ()),
        ("16,01…", (), ("Param # cut short in the summary (16,01…)",)),
        ("1,6…", ("params: cnncalc 16,010, Keras 1,6…",), ()),  # digits, not the same number
    ],
)
def test_a_count_cut_short_is_compared_as_far_as_it_shows(
    shown: str, problems: tuple[str, ...], notes: tuple[str, ...]
) -> None:
    """Keras 3 cuts a count too wide for its column with … (16,010 in the lecture's MNIST)."""
    text = MNIST_KERAS3.read_text(encoding="utf-8")
    cell = "16,010 │"
    assert text.count(cell) == 1
    text = text.replace(cell, shown.rjust(6) + " │")
    result = compared(text, "mnist")
    dense = result.rows[-1]
    assert dense.theirs is not None and (dense.theirs.params, dense.theirs.params_text) == (
        None,
        shown,
    )
    assert (dense.problems, dense.notes) == (problems, notes)
    assert result.agrees == (not problems)
    expected = [f"row 7 'dense': {p}" for p in problems]
    assert result.differences == expected


def edited_mnist() -> str:
    """The lecture's MNIST printout with dense's count changed to 16,000, max_pooling2d_1
    renamed pool_b, the dropout row and the Non-trainable line deleted."""
    text = MNIST_KERAS3.read_text(encoding="utf-8")
    text = text.replace("16,010 │", "16,000 │").replace(
        "max_pooling2d_1 (MaxPooling2D)", "pool_b (MaxPooling2D)         "
    )
    text = text.replace(" Non-trainable params: 0 (0.00 B)\n", "")
    return "\n".join(line for line in text.split("\n") if "dropout" not in line)


def test_the_comparison_table_cell_by_cell() -> None:
    """Counts by hand: (3·3·1 + 1)·32 = 320, (3·3·32 + 1)·64 = 18,496, (1600 + 1)·10 = 16,010;
    ✓ agrees, ✗ differs, · missing from the summary (a row or a total)."""
    table = compared(edited_mnist(), "mnist").to_table().split("\n")
    cells = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table if "│" in line]
    assert cells == [
        ["#", "", "layer", "cnncalc shape", "Keras shape", "cnncalc #", "Keras #", "notes"],
        ["1", "✓", "conv2d", "(None, 26, 26, 32)", "(None, 26, 26, 32)", "320", "320", ""],
        ["2", "✓", "max_pooling2d", "(None, 13, 13, 32)", "(None, 13, 13, 32)", "0", "0", ""],
        ["3", "✓", "conv2d_1", "(None, 11, 11, 64)", "(None, 11, 11, 64)", "18,496", "18,496", ""],
        ["4", "✓", "max_pooling2d_1", "(None, 5, 5, 64)", "(None, 5, 5, 64)", "0", "0",
         "named 'pool_b' in the summary"],
        ["5", "✓", "flatten", "(None, 1600)", "(None, 1600)", "0", "0", ""],
        ["6", "·", "dropout", "(None, 1600)", "", "0", "", ""],
        ["7", "✗", "dense", "(None, 10)", "(None, 10)", "16,010", "16,000",
         "params: cnncalc 16,010, Keras 16,000"],
        ["", "✓", "total params", "", "", "34,826", "34,826", ""],
        ["", "✓", "trainable params", "", "", "34,826", "34,826", ""],
        ["", "·", "non-trainable params", "", "", "0", "", ""],
    ]  # fmt: skip
    for line in table[3:-3]:
        if "│" in line and "─" not in line:
            raw = line.split("│")[1:-1]
            # numbers right-aligned (#, cnncalc #, Keras #), names left-aligned
            assert all(re.fullmatch(r" *[\d,]* ", raw[i]) for i in (0, 5, 6)), line
            assert re.fullmatch(r" [a-z].* ", raw[2]) and not raw[2].startswith("  "), line
    assert table[-3:] == [
        "not in the summary (· above): 1 row and 1 total",
        "1 difference(s):",
        "  row 7 'dense': params: cnncalc 16,010, Keras 16,000",
    ]


def test_the_comparison_as_json() -> None:
    result = compared(edited_mnist(), "mnist")
    data = json.loads(result.to_json())
    assert (data["agrees"], data["differences"], data["skipped"]) == (
        False,
        ["row 7 'dense': params: cnncalc 16,010, Keras 16,000"],
        [],
    )
    assert data["missing"] == ["row 6 dropout (Dropout)", "non-trainable params"]
    assert data["totals"] == {
        "total": {"cnncalc": 34826, "keras": 34826},
        "trainable": {"cnncalc": 34826, "keras": 34826},
        "non-trainable": {"cnncalc": 0, "keras": None},
    }
    renamed, missing, differs = data["rows"][3], data["rows"][5], data["rows"][6]
    assert renamed == {
        "position": 4,
        "keras_line": 12,  # the fixture's line
        "name": "max_pooling2d_1",
        "keras_name": "pool_b",
        "output_shape": [None, 5, 5, 64],
        "keras_output_shape": [[None, 5, 5, 64]],
        "params": 0,
        "keras_params": 0,
        "status": "agrees",
        "problems": [],
        "notes": ["named 'pool_b' in the summary"],
    }
    assert missing == {
        "position": 6,
        "keras_line": None,
        "name": "dropout",
        "keras_name": None,
        "output_shape": [None, 1600],
        "keras_output_shape": None,
        "params": 0,
        "keras_params": None,
        "status": "missing",
        "problems": [],
        "notes": [],
    }
    assert (differs["status"], differs["params"], differs["keras_params"]) == (
        "differs",
        16010,
        16000,
    )
    assert result.exit_code == 1
    clean = compared(MNIST_KERAS3.read_text("utf-8"), "mnist")
    assert clean.exit_code == 0
    assert clean.to_table().split("\n")[-1] == (
        "cnncalc and Keras agree on every row and total the summary has."
    )
