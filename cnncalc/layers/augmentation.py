"""Image augmentation and resizing layers (the first layers of most image examples).

Augmentations change values, not shapes: output = input, no params. Crops and resizing set
the height and width; the channels stay.

Costs are those of inference, where the random augmentations pass their input through (Keras
transforms only when training): 0 operations, every position its own. AutoContrast runs at
inference too; its per-image statistics mix every position.
"""

from typing import Any, ClassVar, Literal

from ..errors import LayerError
from ..formulas import Step
from .base import Outcome, PositiveInt, Shape, Spatial, elementwise


class Augmentation(Spatial):
    """An image layer whose output has its input's shape (checked to be an image)."""

    summary = "output = input; no params"
    rank = 2
    positions = "own"
    """At inference the input passes through unchanged."""

    rgb_only: ClassVar[bool] = False
    """Keras refuses any other number of channels than 3 (red, green, blue)."""

    def apply(self, shape: Shape) -> Outcome:
        _, channels = self.split(shape)
        if self.rgb_only and channels not in (3, None):
            raise LayerError(f"{self.type} works on RGB images: 3 channels, got {channels}")
        outcome = Outcome(shape, working=("output shape = input shape; params = 0",))
        return outcome.costing(ops=self.inference_ops(shape))  # None: 0 ops, no line

    def inference_ops(self, shape: Shape) -> Step | None:
        """Operations at inference: none, the input passes through."""
        return None


class Resized(Spatial):
    """An image layer whose output is height × width, the channels kept."""

    summary = "(height, width, C); no params"
    rank = 2
    positions = "mixed"
    """Interpolation at a fractional stride that depends on the input's size: not traced."""
    height: PositiveInt
    width: PositiveInt

    def apply(self, shape: Shape) -> Outcome:
        _, depth = self.split(shape)
        out = self.join((self.height, self.width), depth)
        line = f"output = (height, width) = ({self.height}, {self.width}), channels {depth}"
        return Outcome(out, working=(line, "params = 0"))


class Resizing(Resized):
    type: Literal["Resizing"] = "Resizing"
    passed_arguments = frozenset({"antialias", "fill_mode", "fill_value"})
    crop_to_aspect_ratio: bool = False
    pad_to_aspect_ratio: bool = False


class CenterCrop(Resized):
    """Crops the centre; Keras resizes up first when the image is smaller."""

    type: Literal["CenterCrop"] = "CenterCrop"
    sign: ClassVar[int] = -1

    def reads_positions(self, inputs: list[Shape]) -> str:
        """A crop of (H − height)//2 rows before (Keras's split) when the image is at least
        as large; a smaller one is resized first (mixed)."""
        spatial, _ = self.split(inputs[0])
        fits = all(size is not None and size >= want for size, want in zip(spatial, self.target))
        return "edges" if fits else "mixed"

    @property
    def target(self) -> tuple[int, int]:
        return self.height, self.width

    def edges_of(self, shape: Shape) -> list[tuple[int, int]]:
        spatial, _ = self.split(shape)
        pairs = []
        for size, want in zip(spatial, self.target):
            assert size is not None
            before = (size - want) // 2
            pairs.append((before, size - want - before))
        return pairs


class RandomCrop(Resized):
    type: Literal["RandomCrop"] = "RandomCrop"


class AugMix(Augmentation):
    type: Literal["AugMix"] = "AugMix"
    passed_arguments = frozenset({"all_ops", "chain_depth", "factor", "num_chains", "value_range"})


class AutoContrast(Augmentation):
    type: Literal["AutoContrast"] = "AutoContrast"
    passed_arguments = frozenset({"value_range"})
    positions = "mixed"  # each channel is stretched by its minimum and maximum over the image

    def inference_ops(self, shape: Shape) -> Step | None:
        return elementwise(shape, 2, "subtract the minimum, scale; the extremes not counted")


class ContrastLimitedAdaptiveHistogramEqualization(Augmentation):
    type: Literal["ContrastLimitedAdaptiveHistogramEqualization"] = (
        "ContrastLimitedAdaptiveHistogramEqualization"
    )
    positions = "mixed"  # every tile's histogram, interpolated between tiles
    passed_arguments = frozenset({"clip_limit", "tile_grid_size", "value_range"})


class CutMix(Augmentation):
    type: Literal["CutMix"] = "CutMix"
    passed_arguments = frozenset({"factor"})


class Equalization(Augmentation):
    type: Literal["Equalization"] = "Equalization"
    passed_arguments = frozenset({"bins", "value_range"})


class MaxNumBoundingBoxes(Augmentation):
    type: Literal["MaxNumBoundingBoxes"] = "MaxNumBoundingBoxes"
    passed_arguments = frozenset({"fill_value"})
    max_number: Any


class MixUp(Augmentation):
    type: Literal["MixUp"] = "MixUp"


class RandAugment(Augmentation):
    type: Literal["RandAugment"] = "RandAugment"
    passed_arguments = frozenset({"factor", "num_ops", "value_range"})


class RandomBrightness(Augmentation):
    type: Literal["RandomBrightness"] = "RandomBrightness"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomColorDegeneration(Augmentation):
    type: Literal["RandomColorDegeneration"] = "RandomColorDegeneration"
    rgb_only = True
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomColorJitter(Augmentation):
    type: Literal["RandomColorJitter"] = "RandomColorJitter"
    passed_arguments = frozenset(
        {"brightness_factor", "contrast_factor", "hue_factor", "saturation_factor", "value_range"}
    )


class RandomContrast(Augmentation):
    type: Literal["RandomContrast"] = "RandomContrast"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomElasticTransform(Augmentation):
    type: Literal["RandomElasticTransform"] = "RandomElasticTransform"
    passed_arguments = frozenset({"factor", "fill_mode", "fill_value", "value_range"})


class RandomErasing(Augmentation):
    type: Literal["RandomErasing"] = "RandomErasing"
    passed_arguments = frozenset({"factor", "fill_value", "value_range"})


class RandomFlip(Augmentation):
    type: Literal["RandomFlip"] = "RandomFlip"
    passed_arguments = frozenset({"mode"})


class RandomGaussianBlur(Augmentation):
    type: Literal["RandomGaussianBlur"] = "RandomGaussianBlur"
    passed_arguments = frozenset({"factor", "kernel_size", "sigma", "value_range"})


class RandomGrayscale(Augmentation):
    type: Literal["RandomGrayscale"] = "RandomGrayscale"
    passed_arguments = frozenset({"factor"})


class RandomHue(Augmentation):
    type: Literal["RandomHue"] = "RandomHue"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomInvert(Augmentation):
    type: Literal["RandomInvert"] = "RandomInvert"
    passed_arguments = frozenset({"factor", "value_range"})


class RandomPerspective(Augmentation):
    type: Literal["RandomPerspective"] = "RandomPerspective"
    passed_arguments = frozenset({"factor", "fill_value"})


class RandomPosterization(Augmentation):
    type: Literal["RandomPosterization"] = "RandomPosterization"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomRotation(Augmentation):
    type: Literal["RandomRotation"] = "RandomRotation"
    passed_arguments = frozenset({"fill_mode", "fill_value"})
    factor: Any


class RandomSaturation(Augmentation):
    type: Literal["RandomSaturation"] = "RandomSaturation"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomSharpness(Augmentation):
    type: Literal["RandomSharpness"] = "RandomSharpness"
    passed_arguments = frozenset({"value_range"})
    factor: Any


class RandomShear(Augmentation):
    type: Literal["RandomShear"] = "RandomShear"
    passed_arguments = frozenset({"fill_mode", "fill_value", "x_factor", "y_factor"})


class RandomTranslation(Augmentation):
    type: Literal["RandomTranslation"] = "RandomTranslation"
    passed_arguments = frozenset({"fill_mode", "fill_value"})
    height_factor: Any
    width_factor: Any


class RandomZoom(Augmentation):
    type: Literal["RandomZoom"] = "RandomZoom"
    passed_arguments = frozenset({"fill_mode", "fill_value", "width_factor"})
    height_factor: Any


class Solarization(Augmentation):
    type: Literal["Solarization"] = "Solarization"
    passed_arguments = frozenset({"addition_factor", "threshold_factor", "value_range"})
