"""Pooling: the convolution's output formula with the pool as kernel, and no parameters."""

from typing import ClassVar, Literal

from pydantic import Field

from ..formulas import Step, count, product, product_text
from .base import Outcome, Padded, PerAxis, Shape, Spatial


class Reducing(Spatial):
    """Pooling's elementwise work: a window of K values takes K − 1 comparisons (max), or
    K − 1 additions and a division (average), per output element."""

    averages: ClassVar[bool] = False

    def reduction(self, outputs: Shape, window: Shape) -> Step:
        area = product(window)
        per_window = None if area is None else area - (0 if self.averages else 1)
        k = product_text(window)
        note = (
            f"{k} − 1 additions and 1 division per window"
            if self.averages
            else f"{k} − 1 comparisons per window"
        )
        return count("ops", [[outputs, (per_window,)]], note)


class Pooling(Padded, Reducing):
    summary = "per axis ⌊(W + 2p − k)/s⌋ + 1, stride defaulting to pool_size; no params"

    window_name = "pool"
    pool_size: PerAxis = 2
    strides: PerAxis | None = Field(default=None, description="Defaults to pool_size.")

    def window(self) -> tuple[int, ...]:
        return self.per_axis(self.pool_size)

    def window_strides(self) -> tuple[int, ...]:
        """Keras's pooling strides default to the pool size."""
        return self.window() if self.strides is None else self.per_axis(self.strides)

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split(shape)
        steps = self.slide(spatial)
        working = [step.line for step in steps]
        if self.strides is None:
            working.insert(0, "stride = pool_size (Keras's default)")
        working += [f"output_depth = input_depth = {depth}", "params = 0  (pooling has none)"]
        out = self.join(tuple(s.value for s in steps), depth)
        ops = self.reduction(out, self.window())
        return Outcome(out, working=tuple(working)).costing(ops=ops)


class MaxPooling1D(Pooling):
    type: Literal["MaxPooling1D"] = "MaxPooling1D"
    rank = 1


class MaxPooling2D(Pooling):
    type: Literal["MaxPooling2D"] = "MaxPooling2D"
    rank = 2


class MaxPooling3D(Pooling):
    type: Literal["MaxPooling3D"] = "MaxPooling3D"
    rank = 3


class AveragePooling1D(Pooling):
    type: Literal["AveragePooling1D"] = "AveragePooling1D"
    averages = True
    rank = 1


class AveragePooling2D(Pooling):
    type: Literal["AveragePooling2D"] = "AveragePooling2D"
    averages = True
    rank = 2


class AveragePooling3D(Pooling):
    type: Literal["AveragePooling3D"] = "AveragePooling3D"
    averages = True
    rank = 3


class GlobalPooling(Reducing):
    """One value per channel: the spatial axes vanish (or become 1 with keepdims)."""

    summary = "(C,), or 1 on every spatial axis with keepdims; no params"
    positions = "mixed"

    keepdims: bool = False

    def apply(self, shape: Shape) -> Outcome:
        spatial, depth = self.split(shape)
        if self.keepdims:
            out = self.join((1,) * self.rank, depth)
            note = f"every spatial axis becomes 1 (keepdims): {len(spatial)} axes"
        else:
            out = (depth,)
            note = "the spatial axes are pooled away: one value per channel"
        working = (note, f"output_depth = input_depth = {depth}", "params = 0")
        ops = self.reduction((depth,), spatial)
        return Outcome(out, working=working).costing(ops=ops)


class GlobalAveragePooling1D(GlobalPooling):
    type: Literal["GlobalAveragePooling1D"] = "GlobalAveragePooling1D"
    averages = True
    rank = 1


class GlobalAveragePooling2D(GlobalPooling):
    type: Literal["GlobalAveragePooling2D"] = "GlobalAveragePooling2D"
    averages = True
    rank = 2


class GlobalAveragePooling3D(GlobalPooling):
    type: Literal["GlobalAveragePooling3D"] = "GlobalAveragePooling3D"
    averages = True
    rank = 3


class GlobalMaxPooling1D(GlobalPooling):
    type: Literal["GlobalMaxPooling1D"] = "GlobalMaxPooling1D"
    rank = 1


class GlobalMaxPooling2D(GlobalPooling):
    type: Literal["GlobalMaxPooling2D"] = "GlobalMaxPooling2D"
    rank = 2


class GlobalMaxPooling3D(GlobalPooling):
    type: Literal["GlobalMaxPooling3D"] = "GlobalMaxPooling3D"
    rank = 3
