"""The page in a real headless Chromium (Debian's, driven by Playwright) against a real
`cnncalc serve` process: what a student and a teacher do, and what they must never get."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import VIEWPORT
from tests.test_web_api import MNIST_ANSWERS, answer_sheet
from tests.webserver import Server, serving

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    """A fresh tab on cnncalc serve's page, MNIST loaded (the shared Chromium of
    tests/browser.py); fails the test on any script error or dialog."""
    context = browser.new_context(accept_downloads=True, viewport=VIEWPORT)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    tab.goto(server.url + "/")
    tab.wait_for_selector("body[data-ready=true]")
    expect(tab.locator("#total-params")).to_have_text("Total params: 34,826")
    yield tab
    context.close()
    assert problems == []


def expect(locator: Any) -> Any:
    return sync_api.expect(locator)


def shapes(page: Any) -> list[str]:
    return page.locator("#layers tbody td.shape").all_inner_texts()


def test_pick_vgg16_and_see_its_parameter_count(page: Any) -> None:
    page.select_option("#preset", "vgg16")
    # keras.applications.VGG16().summary(): Total params: 138,357,544
    expect(page.locator("#total-params")).to_have_text("Total params: 138,357,544")
    # 13 convolutions, 5 poolings, Flatten and 3 Dense (no InputLayer row in the spec)
    expect(page.locator("#layers tbody tr")).to_have_count(22)


def test_editing_a_kernel_size_changes_the_shapes(page: Any) -> None:
    assert shapes(page)[:3] == ["(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)"]
    page.get_by_label("layer 0 kernel_size").fill("5")
    page.get_by_label("layer 0 kernel_size").press("Enter")
    page.get_by_label("layer 0 kernel_size").blur()
    # 28 − 5 + 1 = 24; ⌊24/2⌋ = 12; 12 − 3 + 1 = 10; params (5·5·1 + 1)·32 = 832
    expect(page.locator("#layers tbody td.shape").first).to_have_text("(None, 24, 24, 32)")
    assert shapes(page)[:3] == ["(None, 24, 24, 32)", "(None, 12, 12, 32)", "(None, 10, 10, 64)"]
    page.locator("#layers tbody tr").first.click()
    expect(page.locator("#working")).to_contain_text("params = (5·5·1 + 1)·32 = 832")


def test_an_impossible_layer_shows_the_error_at_that_layer(page: Any) -> None:
    field = page.get_by_label("layer 2 kernel_size")
    field.fill("14")  # conv2d_1 reads 13×13: ⌊(13 − 14)/1⌋ + 1 = 0, nothing fits
    field.blur()
    error = page.locator("#error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("layer 2 'conv2d_1' (Conv2D): a 14×14 kernel does not fit")
    expect(page.locator('.layer-row[data-layer="2"]')).to_have_class("layer-row has-error")
    expect(page.locator('.layer-row[data-layer="2"] .row-error')).to_contain_text("14×14")
    expect(page.locator('.layer-row[data-layer="1"]')).not_to_have_class("layer-row has-error")


def test_an_invalid_argument_points_at_its_field(page: Any) -> None:
    field = page.get_by_label("layer 6 units")
    field.fill("-3")
    field.blur()
    expect(page.locator("#error")).to_contain_text("layers[6].units")
    expect(page.get_by_label("layer 6 units")).to_have_class("has-error")


def test_a_hostile_layer_name_is_text_and_never_runs(page: Any) -> None:
    name = "<img src=x onerror=alert(1)>"
    spec = {"input_shape": [4], "layers": [{"type": "Dense", "units": 2, "name": name}]}
    page.fill("#spec", json.dumps(spec))
    cell = page.locator("#layers tbody tr td").nth(1)
    expect(cell).to_have_text(f"{name} (Dense)")
    assert page.locator("#layers img, #builder img, #working img").count() == 0
    page.fill("#spec", json.dumps({**spec, "layers": [{**spec["layers"][0], "units": 0}]}))
    expect(page.locator("#error")).to_contain_text("layers[0].units")
    page.wait_for_timeout(300)  # an image that failed to load would have fired onerror by now
    assert page.locator("img[src=x]").count() == 0  # the page fixture also fails on any dialog


def fill_worksheet(page: Any, **wrong: str) -> None:
    """Open the MNIST worksheet and type MNIST_ANSWERS, with wrong params for some layers."""
    page.get_by_role("tab", name="Exercise").click()
    page.select_option("#exercise-network", "mnist")
    page.click("#exercise-new")
    for layer, (shape, params) in MNIST_ANSWERS.items():
        page.get_by_label(f"{layer} output shape", exact=True).fill(shape)
        page.get_by_label(f"{layer} params", exact=True).fill(wrong.get(layer, params))
    total = sum(int(wrong.get(k, v[1]).replace(",", "")) for k, v in MNIST_ANSWERS.items())
    page.get_by_label("total params").fill(str(total))


def test_the_mnist_exercise_names_a_forgotten_bias(page: Any) -> None:
    # 3·3·1·32 = 288: the bias forgotten; right is (3·3·1 + 1)·32 = 320
    fill_worksheet(page, conv2d="288")
    page.click("#exercise-check")
    conv = page.locator('#sheet tr[data-layer="conv2d"] .result')
    expect(conv).to_contain_text("params: wrong (missing_bias)")
    expect(conv).to_contain_text("Each filter (or unit) also has one bias")
    expect(page.locator('#sheet tr[data-total="total_params"] .result')).to_contain_text(
        "carried forward"
    )
    expect(page.locator("#exercise-score")).to_have_text("Score: 14/15")
    assert "320" not in conv.inner_text()  # the answer stays hidden until revealed
    page.click("#exercise-reveal")
    expect(conv).to_contain_text("Answer: 320.")  # in the hint, once


def test_a_class_is_graded_and_the_gradebook_downloads(page: Any, tmp_path: Path) -> None:
    files = {
        "alice.yaml": answer_sheet(),
        "bob.yaml": answer_sheet(conv2d="288"),
        "carol.yaml": answer_sheet(dense="16000"),  # (1600 + 1)·10 = 16,010, not 16,000
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    page.get_by_role("tab", name="Class").click()
    page.set_input_files("#class-files", [str(tmp_path / name) for name in files])
    page.click("#class-grade")
    expect(page.locator("#class-scores tbody tr")).to_have_count(3)
    expect(page.locator("#class-report")).to_contain_text("Most missed")
    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    assert download.suggested_filename == "gradebook.csv"
    rows = list(csv.DictReader(Path(download.path()).read_text(encoding="utf-8").splitlines()))
    # 15 items each; one slip each for bob and carol, their totals carried forward
    assert [(r["file"], r["score"], r["max_score"]) for r in rows] == [
        ("alice.yaml", "15", "15"),
        ("bob.yaml", "14", "15"),
        ("carol.yaml", "14", "15"),
    ]


def test_a_dropped_keras_model_json_is_analyzed(page: Any, tmp_path: Path) -> None:
    """Keras's model.to_json() format (the config only; no code is run)."""
    model = {
        "class_name": "Sequential",
        "config": {
            "name": "tiny",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_shape": [None, 8, 8, 3]}},
                {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3]}},
            ],
        },
    }
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    page.set_input_files("#model-file", str(path))
    # 8 − 3 + 1 = 6; params (3·3·3 + 1)·4 = 112
    expect(page.locator("#total-params")).to_have_text("Total params: 112")
    assert shapes(page)[-1] == "(None, 6, 6, 4)"


def test_a_saved_summary_is_compared_with_the_network(page: Any) -> None:
    summary = Path(__file__).parent / "data" / "lecture_mnist_summary.txt"  # Keras's printout
    page.set_input_files("#summary-file", str(summary))
    report = page.locator("#comparison pre")
    expect(report).to_contain_text("agree on every row and total the summary has")
    page.get_by_label("layer 2 filters").fill("32")  # the lecture's conv2d_1 has 64 filters
    page.get_by_label("layer 2 filters").blur()
    # 320 + (3·3·32 + 1)·32 + (5·5·32 + 1)·10 = 320 + 9,248 + 8,010
    expect(page.locator("#total-params")).to_have_text("Total params: 17,578")
    page.set_input_files("#summary-file", str(summary))  # the same file again: compared again
    # conv2d_1: 9,248 where Keras printed 18496
    expect(report).to_contain_text("9,248")
    expect(report).not_to_contain_text("agree on every row")


def test_a_spec_file_dropped_on_the_panel_is_opened(page: Any) -> None:
    yaml_spec = (
        "input_shape: [32, 32, 3]\nlayers:\n  - {type: Conv2D, filters: 6, kernel_size: 5}\n"
    )
    dropped = page.evaluate_handle(
        """text => { const data = new DataTransfer();
                     data.items.add(new File([text], "net.yaml")); return data; }""",
        yaml_spec,
    )
    page.dispatch_event("#calculator", "drop", {"dataTransfer": dropped})
    # 32 − 5 + 1 = 28; (5·5·3 + 1)·6 = 456
    expect(page.locator("#total-params")).to_have_text("Total params: 456")
    assert shapes(page) == ["(None, 28, 28, 6)"]
    expect(page.get_by_label("layer 0 filters")).to_have_value("6")


def test_a_random_worksheet_is_the_clis(page: Any, server: Server) -> None:
    page.get_by_role("tab", name="Exercise").click()
    page.select_option("#exercise-network", "random")
    page.select_option("#exercise-difficulty", "hard")
    page.fill("#exercise-seed", "7")
    page.click("#exercise-new")
    sheet = server.json("GET", "/api/exercise?spec=random:hard:7")
    names = [layer["name"] for layer in sheet["layers"]]
    expect(page.locator("#sheet tbody tr")).to_have_count(len(names) + 1)
    assert page.locator("#sheet tbody tr td:first-child").all_inner_texts()[:-1] == names


def test_costs_follow_the_network_and_the_options(page: Any) -> None:
    # MNIST's multiply-accumulates by hand: conv2d 26·26·32 positions × 3·3·1 = 194,688;
    # conv2d_1 11·11·64 × 3·3·32 = 2,230,272; dense 1600·10 = 16,000; total 2,440,960
    expect(page.locator("#total-macs")).to_have_text("MACs: 2,440,960 (FLOPs: 4,881,920)")
    assert page.locator("#layers tbody td.macs").first.inner_text() == "194,688"
    memory = page.locator("#cost-figures p").nth(1)
    expect(memory).to_contain_text("batch of 1 (float32, rmsprop)")
    one = memory.inner_text()
    page.fill("#batch-size", "32")
    page.fill("#optimizer", "adam")
    page.locator("#optimizer").blur()
    expect(memory).to_contain_text("batch of 32 (float32, adam)")
    assert memory.inner_text() != one
    page.fill("#dtype", "float33")
    page.locator("#dtype").blur()
    expect(page.locator("#cost-error")).to_contain_text("dtype: 'float33' is not a Keras dtype")
    expect(page.locator("#cost-options")).to_be_visible()  # still there to put right


def test_an_exercise_asking_macs_names_a_counted_bias(page: Any) -> None:
    page.get_by_role("tab", name="Exercise").click()
    page.check("input.ask-field[value=macs]")
    fill_worksheet(page)
    # MACs by hand: positions × kernel weights per output, the bias not counted
    macs = {
        "conv2d": 26 * 26 * 32 * (3 * 3 * 1 + 1),  # the bias counted: 216,320, not 194,688
        "conv2d_1": 11 * 11 * 64 * (3 * 3 * 32),
        "dense": 1600 * 10,
    }
    for layer in MNIST_ANSWERS:
        page.get_by_label(f"{layer} macs", exact=True).fill(str(macs.get(layer, 0)))
    page.get_by_label("total macs").fill(str(sum(macs.values())))
    page.click("#exercise-check")
    conv = page.locator('#sheet tr[data-layer="conv2d"] .result')
    expect(conv).to_contain_text("macs: wrong (macs_bias_counted)")
    expect(page.locator('#sheet tr[data-total="total_macs"] .result')).to_contain_text(
        "carried forward"
    )
    # 7 layers × 3 fields + total_params and total_macs; only conv2d macs is not credited
    expect(page.locator("#exercise-score")).to_have_text("Score: 22/23")


def test_the_diagram_follows_the_network(page: Any) -> None:
    image = page.locator("#diagram img")
    expect(image).to_be_visible()
    first = image.get_attribute("src")
    page.get_by_label("layer 0 filters").fill("16")
    page.get_by_label("layer 0 filters").blur()
    # (3·3·1 + 1)·16 + (3·3·16 + 1)·64 + (1600 + 1)·10 = 160 + 9,280 + 16,010
    expect(page.locator("#total-params")).to_have_text("Total params: 25,450")
    expect(image).not_to_have_attribute("src", first)
    assert image.evaluate("img => img.naturalWidth") > 0  # a real picture, drawn


def open_worksheet(page: Any, *asked: str) -> None:
    """The MNIST worksheet, asking output shapes, params and the given extra fields."""
    page.get_by_role("tab", name="Exercise").click()
    for field in asked:
        page.check(f"input.ask-field[value={field}]")
    page.select_option("#exercise-network", "mnist")
    page.click("#exercise-new")
    expect(page.locator("#sheet")).to_be_visible()


def test_the_worksheet_placeholders_give_no_answer_away(page: Any) -> None:
    open_worksheet(page, "macs", "receptive_field")
    placeholders = page.locator("#sheet input").evaluate_all(
        "inputs => inputs.map(input => input.placeholder)"
    )
    # MNIST's conv2d: 26×26×32, (3·3·1 + 1)·32 = 320 params, 26·26·32·9 = 194,688 MACs, 3×3
    # field: a greyed number reads as a hint, or as the expected answer for every row
    assert placeholders and all(not any(c.isdigit() for c in text) for text in placeholders)


def test_each_total_sits_under_its_own_column(page: Any) -> None:
    open_worksheet(page, "macs", "receptive_field")
    for total, column in (("total params", "conv2d params"), ("total macs", "conv2d macs")):
        under = page.get_by_label(total, exact=True).bounding_box()
        field = page.get_by_label(column, exact=True).bounding_box()
        assert abs(under["x"] - field["x"]) < 2, (total, under, field)


def test_an_emptied_spec_box_clears_the_summary_and_offers_the_form(page: Any) -> None:
    page.get_by_label("layer 6 units").fill("-3")
    page.get_by_label("layer 6 units").blur()
    expect(page.locator("#error")).to_be_visible()
    page.click("#new-network")
    expect(page.locator("#spec")).to_have_value("")
    expect(page.locator("#error")).to_be_hidden()  # the old error is about a network gone
    expect(page.locator("#layers")).to_be_hidden()
    expect(page.locator("#model-name")).to_contain_text("add layers in the form")
    page.fill("#input-shape", "8, 8, 3")
    page.locator("#input-shape").blur()
    page.select_option("#new-layer-type", "Conv2D")
    page.click("#add-layer")
    page.get_by_label("layer 0 filters").fill("4")
    page.get_by_label("layer 0 filters").blur()
    page.get_by_label("layer 0 kernel_size").fill("3")
    page.get_by_label("layer 0 kernel_size").blur()
    # 8 − 3 + 1 = 6; (3·3·3 + 1)·4 = 112
    expect(page.locator("#total-params")).to_have_text("Total params: 112")
    assert shapes(page) == ["(None, 6, 6, 4)"]


def test_a_comparison_goes_when_the_network_changes(page: Any) -> None:
    summary = Path(__file__).parent / "data" / "lecture_mnist_summary.txt"  # Keras's printout
    page.set_input_files("#summary-file", str(summary))
    report = page.locator("#comparison pre")
    expect(report).to_contain_text("agree on every row")
    # a box table wider than the column scrolls; wrapped, its │ rows break in two
    assert report.evaluate("pre => getComputedStyle(pre).whiteSpace") == "pre"
    page.select_option("#preset", "vgg16")
    expect(page.locator("#total-params")).to_have_text("Total params: 138,357,544")
    expect(page.locator("#comparison")).to_be_hidden()  # it was MNIST's, not VGG16's


def test_a_typo_in_a_cost_option_is_shown_at_that_field(page: Any) -> None:
    page.fill("#optimizer", "adamm")
    page.locator("#optimizer").blur()
    error = page.locator("#cost-error")
    expect(error).to_have_text("Optimizer: unknown 'adamm'; did you mean 'adam'?")
    expect(page.locator("#optimizer")).to_have_class("has-error")
    # the network is fine: its summary stays while the option is put right
    expect(page.locator("#total-params")).to_have_text("Total params: 34,826")
    expect(page.locator("#layers")).to_be_visible()
    page.fill("#batch-size", "-3")
    page.locator("#batch-size").blur()
    expect(error).to_contain_text("Batch size")
    expect(error).not_to_contain_text("batch_size")
    page.fill("#batch-size", "")
    page.fill("#optimizer", "adam")
    page.locator("#optimizer").blur()
    expect(error).to_be_hidden()
    expect(page.locator("#cost-figures p").nth(1)).to_contain_text("(float32, adam)")


def test_class_errors_name_the_pages_network_list_not_a_flag(page: Any, tmp_path: Path) -> None:
    (tmp_path / "alice.yaml").write_text(answer_sheet(), encoding="utf-8")  # MNIST's sheet
    page.get_by_role("tab", name="Class").click()
    page.select_option("#class-network", "vgg16")
    page.set_input_files("#class-files", str(tmp_path / "alice.yaml"))
    page.click("#class-grade")
    problem = page.locator("#class-scores tbody td").nth(4)
    expect(problem).to_contain_text("the Network list has")
    assert "--" not in problem.inner_text() + page.locator("#class-report").inner_text()


def test_memory_is_shown_in_the_units_keras_prints(page: Any) -> None:
    """Keras's '136.04 KB': powers of 1024, two decimals (the CLI's --costs lines)."""
    memory = page.locator("#memory")
    # MNIST, batch 1, float32 (4 bytes), rmsprop (1 slot + int64 iteration + float32 rate):
    # params 34,826·4 = 139,304 B = 136.04 KB; gradients the same; optimizer
    # 34,826·4 + 8 + 4 = 139,316 B = 136.05 KB; activations (784 input + 21,632 + 5,408 +
    # 7,744 + 1,600·3 + 10 = 40,378)·4 = 161,512 B = 157.73 KB; training their sum 579,436 B
    # = 565.86 KB; inference peak 139,304 + (21,632 + 5,408)·4 = 247,464 B = 241.66 KB
    expect(memory).to_have_text(
        "Memory for a batch of 1 (float32, rmsprop): training 565.86 KB (params 136.04 KB, "
        "gradients 136.04 KB, optimizer 136.05 KB, activations 157.73 KB), "
        "inference peak 241.66 KB"
    )
    page.fill("#batch-size", "32")
    page.locator("#batch-size").blur()
    # activations 40,378·32·4 = 5,168,384 B = 4.93 MB; training 139,304·2 + 139,316 +
    # 5,168,384 = 5,586,308 B = 5.33 MB; inference 139,304 + 27,040·32·4 = 3,600,424 B = 3.43 MB
    expect(memory).to_contain_text("training 5.33 MB (")
    expect(memory).to_contain_text("activations 4.93 MB), inference peak 3.43 MB")
    spec = {"input_shape": [8], "layers": [{"type": "Dense", "units": 32}]}
    page.fill("#spec", json.dumps(spec))
    # (8 + 1)·32 = 288 weights, 1,152 B = 1.125 KB: a tie, to even as Python's '1.12 KB'
    expect(page.locator("#total-params")).to_have_text("Total params: 288")
    expect(memory).to_contain_text("(params 1.12 KB,")


def test_the_exercise_tab_opens_on_a_worksheet(page: Any) -> None:
    page.get_by_role("tab", name="Exercise").click()  # and nothing else
    expect(page.locator("#sheet")).to_be_visible()
    # the lecture's MNIST convnet: 7 layers and the total
    names = ["conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout"]
    expect(page.locator("#sheet tbody tr")).to_have_count(8)
    assert page.locator("#sheet tbody td:first-child").all_inner_texts() == [
        *names,
        "dense",
        "total_params",
    ]
    expect(page.locator("#exercise-intro")).to_contain_text("input shape (28, 28, 1)")
    expect(page.locator("#exercise-check")).to_be_enabled()


def test_a_revealed_answer_is_shown_once(page: Any) -> None:
    fill_worksheet(page, conv2d="288")  # the bias forgotten: (3·3·1 + 1)·32 = 320
    page.click("#exercise-reveal")
    conv = page.locator('#sheet tr[data-layer="conv2d"] .result')
    expect(conv).to_contain_text("Answer: 320.")
    assert conv.inner_text().lower().count("answer: 320") == 1
    # where no hint is shown (a right answer), the answer is still given, once
    conv_1 = page.locator('#sheet tr[data-layer="conv2d_1"] .result')
    assert conv_1.inner_text().lower().count("answer: 18,496") == 1  # (3·3·32 + 1)·64


def test_the_common_layer_types_come_first(page: Any, server: Server) -> None:
    """A student looks for Conv2D, MaxPooling2D, Dense, Flatten and Dropout (MNIST's)."""
    lecture = {"Conv2D", "MaxPooling2D", "Dense", "Flatten", "Dropout"}
    layer_union = server.json("GET", "/api/schema")["$defs"]["Layer"]["discriminator"]
    every = set(layer_union["mapping"])
    for select in (page.locator("#new-layer-type"), page.get_by_label("layer 0 type")):
        offered = select.locator("option").all_inner_texts()
        assert lecture <= set(offered[:5]), offered[:5]
        assert sorted(offered) == sorted(every)  # each type once, and only types ('Layer' is none)
        assert len(every) == 162


def test_a_long_diagram_scrolls_in_its_box(page: Any) -> None:
    page.select_option("#preset", "resnet50")
    # keras.applications.ResNet50().summary(): Total params: 25,636,712
    expect(page.locator("#total-params")).to_have_text("Total params: 25,636,712", timeout=30000)
    figure = page.locator("#diagram")
    expect(figure).to_be_visible(timeout=30000)
    expect(figure.locator("img")).to_have_attribute("src", re.compile("^blob:"))
    assert figure.locator("img").evaluate(
        "img => img.decode().then(() => img.naturalHeight)", timeout=30000
    ), "the picture did not load"
    box = figure.bounding_box()
    assert box is not None and box["height"] <= VIEWPORT["height"]
    # the rest of the picture is there, a scroll away inside the box
    assert figure.evaluate("f => f.scrollHeight > 2 * f.clientHeight")
