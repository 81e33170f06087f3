"""Adaptive pooling: a fixed output size, with Keras's uneven windows ⌊i·L/n⌋ … ⌈(i+1)·L/n⌉ − 1."""

from typing import Literal

from ..formulas import Step, product, product_text
from .base import Outcome, PerAxis, Shape
from .pooling import Reducing


def adaptive_windows(size: int, n: int) -> list[int]:
    """The window sizes of adaptive pooling along one axis, as Keras (and PyTorch) place
    them: window i covers ⌊i·L/n⌋ … ⌈(i + 1)·L/n⌉ − 1 (for i < n, inside 0 … L − 1)."""
    return [-(-(i + 1) * size // n) - i * size // n for i in range(n)]


class AdaptivePooling(Reducing):
    """Pools to a fixed output_size, whatever the input's size (windows adapt)."""

    summary = "every spatial axis becomes output_size; no params"
    positions = "mixed"
    """Windows of uneven sizes and starts: no single (r, S, P) describes them."""

    output_size: PerAxis

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split(shape)
        sizes = self.per_axis(self.output_size)
        working = [f"output_{axis} = output_size = {n}" for axis, n in zip(self.axis_names, sizes)]
        working += [f"output_depth = input_depth = {depth}", "params = 0"]
        outcome = Outcome(self.join(sizes, depth), working=tuple(working))
        return outcome.costing(ops=self.adaptive_ops(spatial, sizes, depth))

    def adaptive_ops(self, spatial: Shape, sizes: tuple[int, ...], depth: int | None) -> Step:
        """Every window of K values costs K − 1 comparisons (max) or K values summed and
        divided (average); the windows' areas add up axis by axis."""
        note = "K − 1 comparisons per window of K" if not self.averages else "K per window of K"
        if depth is None or None in spatial:
            return Step(None, "ops", f"? (a size is unknown)  ({note})")
        windows_per_axis = [adaptive_windows(int(size or 0), n) for size, n in zip(spatial, sizes)]
        covered = [sum(windows) for windows in windows_per_axis]
        sums = " · ".join("(" + " + ".join(map(str, w)) + ")" for w in windows_per_axis)
        areas = product(covered) or 0
        if self.averages:
            value = depth * areas
            return Step(value, "ops", f"{depth} · {sums} = {value}  ({note})")
        windows = product(sizes) or 0
        value = depth * (areas - windows)
        formula = f"{depth} · ({sums} − {product_text(sizes)}) = {value}  ({note})"
        return Step(value, "ops", formula)


class AdaptiveAveragePooling1D(AdaptivePooling):
    type: Literal["AdaptiveAveragePooling1D"] = "AdaptiveAveragePooling1D"
    averages = True
    rank = 1


class AdaptiveAveragePooling2D(AdaptivePooling):
    type: Literal["AdaptiveAveragePooling2D"] = "AdaptiveAveragePooling2D"
    averages = True
    rank = 2


class AdaptiveAveragePooling3D(AdaptivePooling):
    type: Literal["AdaptiveAveragePooling3D"] = "AdaptiveAveragePooling3D"
    averages = True
    rank = 3


class AdaptiveMaxPooling1D(AdaptivePooling):
    type: Literal["AdaptiveMaxPooling1D"] = "AdaptiveMaxPooling1D"
    rank = 1


class AdaptiveMaxPooling2D(AdaptivePooling):
    type: Literal["AdaptiveMaxPooling2D"] = "AdaptiveMaxPooling2D"
    rank = 2


class AdaptiveMaxPooling3D(AdaptivePooling):
    type: Literal["AdaptiveMaxPooling3D"] = "AdaptiveMaxPooling3D"
    rank = 3
