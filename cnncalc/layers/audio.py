"""Audio front ends: spectrograms computed inside the model.

STFTSpectrogram multiplies by weights (its DFT kernels, a strided convolution over time);
MelSpectrogram has none (its FFT and mel filters are constants: 0 MACs, not counted). Both
mix a frame's samples into frequencies: positions 'mixed'."""

import math
from typing import Any, Literal

from pydantic import Field, model_validator

from ..errors import LayerError
from ..formulas import count, num, window_output
from .base import DataFormat, OneInput, Outcome, PositiveInt, Shape, shape_text


class MelSpectrogram(OneInput):
    """(samples,) → (num_mel_bins, frames), frames = ⌊(samples + stride + 1)/stride⌋ as Keras
    computes it; no weights."""

    summary = "(samples,) → (num_mel_bins, ⌊(N + stride + 1)/stride⌋); no params"

    type: Literal["MelSpectrogram"] = "MelSpectrogram"
    positions = "mixed"
    passed_arguments = frozenset(
        {
            "window",
            "sampling_rate",
            "min_freq",
            "max_freq",
            "power_to_db",
            "top_db",
            "mag_exp",
            "min_power",
            "ref_power",
        }
    )
    fft_length: PositiveInt = 2048
    sequence_stride: PositiveInt = 512
    sequence_length: PositiveInt | None = Field(default=None, description="Defaults to fft_length.")
    num_mel_bins: PositiveInt = 128

    @model_validator(mode="after")
    def _fft_covers_the_frame(self) -> Any:
        if self.sequence_length is not None and self.sequence_length > self.fft_length:
            raise ValueError(
                f"fft_length ({self.fft_length}) must be at least sequence_length "
                f"({self.sequence_length})"
            )
        return self

    def apply(self, shape: Shape) -> Outcome:
        self.expect_rank(shape, 1, "(batch, samples)")
        (samples,), stride = shape, self.sequence_stride
        frames = None if samples is None else (samples + stride + 1) // stride
        working = (
            f"frames = ⌊({num(samples)} + {stride} + 1)/{stride}⌋ = {num(frames)}",
            f"output = (num_mel_bins, frames) = ({self.num_mel_bins}, {num(frames)}); params = 0",
        )
        return Outcome((self.num_mel_bins, frames), working=working)


class STFTSpectrogram(OneInput):
    """A short-time Fourier transform as a strided convolution over time: its DFT kernels are
    weights, frame_length·(fft_length/2 + 1) each (real and/or imaginary part)."""

    summary = (
        "frames as a convolution over time, fft_length/2 + 1 frequencies per channel; "
        "params frame_length·(fft/2 + 1) per kernel"
    )

    type: Literal["STFTSpectrogram"] = "STFTSpectrogram"
    positions = "mixed"
    passed_arguments = frozenset({"window", "periodic", "scaling"})
    mode: Literal["log", "magnitude", "psd", "real", "imag", "angle", "stft"] = "log"
    frame_length: PositiveInt = 256
    frame_step: PositiveInt | None = Field(default=None, description="Defaults to frame_length/2.")
    fft_length: PositiveInt | None = Field(
        default=None, description="Defaults to the power of two ≥ frame_length."
    )
    padding: Literal["valid", "same"] = "valid"
    expand_dims: bool = False
    data_format: DataFormat | None = None

    @model_validator(mode="after")
    def _frames_overlap_or_touch(self) -> Any:
        if self.frame_step is not None and self.frame_step > self.frame_length:
            raise ValueError(
                f"frame_step ({self.frame_step}) must be at most frame_length "
                f"({self.frame_length}): Keras refuses frames that skip samples"
            )
        return self

    def apply(self, shape: Shape) -> Outcome:
        first = self.data_format == "channels_first"
        self.expect_rank(
            shape, 2, "(batch, channels, time)" if first else "(batch, time, channels)"
        )
        time, channels = (shape[1], shape[0]) if first else shape
        if channels is None:
            raise LayerError(f"the channels of {shape_text(shape)} must be known")
        fft = self.fft_length or 2 ** math.ceil(math.log2(self.frame_length))
        if fft < self.frame_length:
            raise LayerError(f"fft_length {fft} is shorter than frame_length {self.frame_length}")
        step = self.frame_step or self.frame_length // 2
        bins = fft // 2 + 1
        freq = 2 * bins if self.mode == "stft" else bins
        frames = window_output("frames", time, self.frame_length, step, self.padding)
        if frames.value is not None and frames.value < 1:
            raise LayerError(f"a {self.frame_length}-sample frame does not fit: {frames.line}")
        t = frames.value
        if self.expand_dims:
            out = (channels, t, freq) if first else (t, freq, channels)
        else:
            out = (freq * channels, t) if first else (t, freq * channels)
        kernels = [
            k for k, on in (("real", self.mode != "imag"), ("imag", self.mode != "real")) if on
        ]
        params = len(kernels) * self.frame_length * bins
        working = (
            frames.line,
            f"frequencies = {fft}/2 + 1 = {bins}"
            + (" (×2: real and imaginary)" if freq != bins else ""),
            f"output = {shape_text(out)}",
            f"params ({' + '.join(kernels)} kernels) = {len(kernels)}·{self.frame_length}·{bins} "
            f"= {num(params)}",
        )
        macs = count(
            "macs",
            [[(channels, t, len(kernels) * bins), (self.frame_length,)]],
            "channels · frames · DFT kernels · frame_length",
        )
        return Outcome(out, params, 0, working).costing(macs)
