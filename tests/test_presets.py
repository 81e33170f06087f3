"""Every preset against the published totals and, row by row, against real Keras."""

from __future__ import annotations

import pytest

import cnncalc

from .conftest import assert_matches_keras, engine_table, keras_table

# Published parameter counts (papers, keras.applications docs, the lecture's summary).
PUBLISHED = {
    "mnist": 34_826,
    "lenet5": 61_706,
    "alexnet": 62_378_344,
    "alexnet_grouped": 60_965_224,
    "vgg16": 138_357_544,
    "vgg19": 143_667_240,
    "resnet50": 25_636_712,
}


def test_every_preset_has_a_published_total() -> None:
    assert set(cnncalc.preset_names()) == set(PUBLISHED)


@pytest.mark.parametrize(("name", "total"), PUBLISHED.items())
def test_preset_total_matches_the_published_figure(name: str, total: int) -> None:
    assert cnncalc.analyze(name).total_params == total


@pytest.mark.parametrize("name", ["mnist", "lenet5", "alexnet", "alexnet_grouped"])
def test_preset_matches_keras_built_from_the_spec(name: str) -> None:
    assert_matches_keras(name)


@pytest.mark.parametrize("name", ["vgg16", "vgg19", "resnet50"])
def test_preset_matches_keras_applications(keras, name: str) -> None:
    builder = {
        "vgg16": keras.applications.VGG16,
        "vgg19": keras.applications.VGG19,
        "resnet50": keras.applications.ResNet50,
    }[name]
    model = builder(weights=None)
    theirs = {k: v for k, v in keras_table(model).items() if not k.startswith("input")}
    ours = engine_table(cnncalc.analyze(name))
    assert ours == theirs
    assert [layer.name for layer in model.layers if layer.name in ours] == list(ours)


def test_mnist_matches_the_lecture_printout() -> None:
    """The rows the lecture's notebook printed (../shared/lecture.md)."""
    rows = [(r.name, r.keras_output_shape, r.params) for r in cnncalc.analyze("mnist")]
    assert rows[:6] == [
        ("conv2d", (None, 26, 26, 32), 320),
        ("max_pooling2d", (None, 13, 13, 32), 0),
        ("conv2d_1", (None, 11, 11, 64), 18496),
        ("max_pooling2d_1", (None, 5, 5, 64), 0),
        ("flatten", (None, 1600), 0),
        ("dropout", (None, 1600), 0),
    ]
