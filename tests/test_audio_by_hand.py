"""Audio front ends worked by hand (no Keras needed), against Keras 3's published rules.

MelSpectrogram (keras/src/layers/preprocessing/mel_spectrogram.py, ``compute_output_shape``):
(samples,) → (num_mel_bins, ⌊(samples + sequence_stride + 1)/sequence_stride⌋), no weights;
its docstring's example: 16000 samples, stride 256, 64 mel bins → (64, 63).

STFTSpectrogram (stft_spectrogram.py): a convolution over time with frame_length taps and
stride frame_step (default frame_length // 2); fft_length defaults to the power of two
≥ frame_length and gives fft_length // 2 + 1 frequencies; ``build`` adds a real and an imaginary
kernel of shape (frame_length, 1, fft_length // 2 + 1) (the real one only in mode 'real', the
imaginary one only in 'imag'); mode 'stft' doubles the frequencies. Its docstring's examples:
160000 samples, frame 256, step 128, fft 512: 'valid' → (1249, 257), 'same' on 2 channels →
(1250, 514), 'same' with expand_dims on 3 channels → (1250, 257, 3).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cnncalc import CnncalcError, SpecError

from .conftest import one_layer

# (samples, layer arguments, output shape, frames line) — the frames by hand.
MEL: list[tuple[int | None, dict[str, Any], tuple[Any, ...], str]] = [
    # Keras's docstring: ⌊(16000 + 256 + 1)/256⌋ = ⌊16257/256⌋ = 63
    (16000, {"num_mel_bins": 64, "sequence_stride": 256}, (64, 63), "⌊(16000 + 256 + 1)/256⌋ = 63"),
    # defaults (stride 512, 128 bins): ⌊16513/512⌋ = 32
    (16000, {}, (128, 32), "⌊(16000 + 512 + 1)/512⌋ = 32"),
    # at the edges of the floor: 255 + 257 = 512 = 2·256, 254 + 257 = 511 < 2·256
    (255, {"sequence_stride": 256, "num_mel_bins": 8}, (8, 2), "⌊(255 + 256 + 1)/256⌋ = 2"),
    (254, {"sequence_stride": 256, "num_mel_bins": 8}, (8, 1), "⌊(254 + 256 + 1)/256⌋ = 1"),
    # stride 3: ⌊(10 + 4)/3⌋ = 4
    (10, {"sequence_stride": 3, "num_mel_bins": 5}, (5, 4), "⌊(10 + 3 + 1)/3⌋ = 4"),
    (None, {"num_mel_bins": 40}, (40, None), "⌊(? + 512 + 1)/512⌋ = ?"),
]


@pytest.mark.parametrize(("samples", "arguments", "shape", "frames"), MEL)
def test_mel_spectrogram_by_hand(
    samples: int | None, arguments: dict[str, Any], shape: tuple[Any, ...], frames: str
) -> None:
    row = one_layer([samples], "MelSpectrogram", **arguments)
    assert (row.output_shape, row.params, row.macs) == (shape, 0, 0)
    bins, count = shape
    output = f"output = (num_mel_bins, frames) = ({bins}, {'?' if count is None else count})"
    assert row.working == (f"frames = {frames}", f"{output}; params = 0")


def test_mel_spectrogram_takes_one_signal_per_sample() -> None:
    message = "MelSpectrogram expects a 2-D input (batch, samples), got (None, 100, 2)"
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer([100, 2], "MelSpectrogram")


def test_mel_spectrogram_window_must_fit_the_fft() -> None:
    """Keras refuses sequence_length > fft_length; equal is fine."""
    with pytest.raises(SpecError) as refused:
        one_layer([1000], "MelSpectrogram", fft_length=256, sequence_length=257)
    assert (
        str(refused.value) == "layers[0]: fft_length (256) must be at least sequence_length (257)"
    )
    row = one_layer([1000], "MelSpectrogram", fft_length=256, sequence_length=256)
    assert row.output_shape == (128, (1000 + 512 + 1) // 512)


# (input shape, layer arguments, output shape, params, frames line) — worked by hand.
STFT: list[tuple[list[Any], dict[str, Any], tuple[Any, ...], int, str]] = [
    # Keras's first example: ⌊(160000 − 256)/128⌋ + 1 = 1248 + 1 = 1249; 512/2 + 1 = 257;
    # real + imaginary kernels: 2·256·257
    (
        [160000, 1],
        {"frame_length": 256, "frame_step": 128, "fft_length": 512},
        (1249, 257),
        2 * 256 * 257,
        "output_frames = ⌊(160000 + 2·0 − 256)/128⌋ + 1 = 1249",
    ),
    # second: same, ⌈160000/128⌉ = 1250; 2 channels · 257 = 514
    (
        [160000, 2],
        {"frame_length": 256, "frame_step": 128, "fft_length": 512, "padding": "same"},
        (1250, 514),
        2 * 256 * 257,
        "output_frames = ⌈160000/128⌉ = 1250  (same: pads 64 before, 64 after)",
    ),
    # third: expand_dims keeps channels apart: (1250, 257, 3)
    (
        [160000, 3],
        {
            "frame_length": 256,
            "frame_step": 128,
            "fft_length": 512,
            "padding": "same",
            "expand_dims": True,
        },
        (1250, 257, 3),
        2 * 256 * 257,
        "output_frames = ⌈160000/128⌉ = 1250  (same: pads 64 before, 64 after)",
    ),
    # defaults: frame 256, step 128, fft 256 → 129; ⌊(1000 − 256)/128⌋ + 1 = 5 + 1 = 6
    ([1000, 1], {}, (6, 129), 2 * 256 * 129, "output_frames = ⌊(1000 + 2·0 − 256)/128⌋ + 1 = 6"),
    # frame 100: fft 2^⌈log2 100⌉ = 128 → 65, step 50; ⌊900/50⌋ + 1 = 19
    (
        [1000, 1],
        {"frame_length": 100},
        (19, 65),
        2 * 100 * 65,
        "output_frames = ⌊(1000 + 2·0 − 100)/50⌋ + 1 = 19",
    ),
    # a power of two is its own fft: 64 → 33, step 32; ⌊(100 − 64)/32⌋ + 1 = 2
    ([100, 1], {"frame_length": 64}, (2, 33), 2 * 64 * 33, ""),
    # mode stft: 2·65 = 130 frequencies per channel, both kernels
    ([1000, 1], {"frame_length": 100, "mode": "stft"}, (19, 130), 2 * 100 * 65, ""),
    # mode real / imag: one kernel each, 100·65
    ([1000, 2], {"frame_length": 100, "mode": "real"}, (19, 2 * 65), 100 * 65, ""),
    ([1000, 1], {"frame_length": 100, "mode": "imag"}, (19, 65), 100 * 65, ""),
    # an explicit step and fft: ⌊(1000 − 100)/30⌋ + 1 = 31; 200/2 + 1 = 101
    (
        [1000, 1],
        {"frame_length": 100, "frame_step": 30, "fft_length": 200},
        (31, 101),
        2 * 100 * 101,
        "output_frames = ⌊(1000 + 2·0 − 100)/30⌋ + 1 = 31",
    ),
    # channels_first: (channels, time) → (channels·65, frames); expand_dims (channels, frames, 65)
    (
        [2, 1000],
        {"frame_length": 100, "data_format": "channels_first"},
        (2 * 65, 19),
        2 * 100 * 65,
        "output_frames = ⌊(1000 + 2·0 − 100)/50⌋ + 1 = 19",
    ),
    (
        [2, 1000],
        {"frame_length": 100, "data_format": "channels_first", "expand_dims": True},
        (2, 19, 65),
        2 * 100 * 65,
        "",
    ),
    # exactly one frame fits: ⌊(100 − 100)/50⌋ + 1 = 1
    ([100, 1], {"frame_length": 100}, (1, 65), 2 * 100 * 65, ""),
    # unknown length: frames unknown, no refusal
    ([None, 1], {"frame_length": 100}, (None, 65), 2 * 100 * 65, ""),
]


@pytest.mark.parametrize(("input_shape", "arguments", "shape", "params", "frames"), STFT)
def test_stft_spectrogram_by_hand(
    input_shape: list[Any],
    arguments: dict[str, Any],
    shape: tuple[Any, ...],
    params: int,
    frames: str,
) -> None:
    row = one_layer(input_shape, "STFTSpectrogram", **arguments)
    assert (row.output_shape, row.params, row.non_trainable_params) == (shape, params, 0)
    if frames:
        assert row.working[0] == frames


# (layer arguments, working lines after the frames line) — written by hand.
STFT_WORKING: list[tuple[list[int], dict[str, Any], tuple[str, ...]]] = [
    (
        [1000, 1],
        {"frame_length": 100},
        (
            "frequencies = 128/2 + 1 = 65",
            "output = (None, 19, 65)",
            "params (real + imag kernels) = 2·100·65 = 13000",
        ),
    ),
    (
        [1000, 1],
        {"frame_length": 100, "mode": "stft"},
        (
            "frequencies = 128/2 + 1 = 65 (×2: real and imaginary)",
            "output = (None, 19, 130)",
            "params (real + imag kernels) = 2·100·65 = 13000",
        ),
    ),
    (
        [1000, 2],
        {"frame_length": 100, "mode": "real"},
        (
            "frequencies = 128/2 + 1 = 65",
            "output = (None, 19, 130)",
            "params (real kernels) = 1·100·65 = 6500",
        ),
    ),
    (
        [2, 1000],
        {"frame_length": 100, "mode": "imag", "data_format": "channels_first"},
        (
            "frequencies = 128/2 + 1 = 65",
            "output = (None, 130, 19)",
            "params (imag kernels) = 1·100·65 = 6500",
        ),
    ),
]


@pytest.mark.parametrize(("input_shape", "arguments", "lines"), STFT_WORKING)
def test_stft_spectrogram_working_by_hand(
    input_shape: list[int], arguments: dict[str, Any], lines: tuple[str, ...]
) -> None:
    row = one_layer(input_shape, "STFTSpectrogram", **arguments)
    assert row.working[1:] == lines


# (input shape, layer arguments, MACs line) — channels · frames · kernels·bins · frame_length
STFT_MACS: list[tuple[list[Any], dict[str, Any], str]] = [
    ([1000, 1], {"frame_length": 100}, "macs = 1·19·130 · 100 = 247000"),
    ([1000, 2], {"frame_length": 100, "mode": "real"}, "macs = 2·19·65 · 100 = 247000"),
    ([2, 1000], {"frame_length": 100, "data_format": "channels_first"}, "macs = 2·19·130 · 100"),
    ([None, 3], {"frame_length": 64, "mode": "imag"}, "macs = 3·?·33 · 64 = ?"),
]


@pytest.mark.parametrize(("input_shape", "arguments", "line"), STFT_MACS)
def test_stft_spectrogram_macs_by_hand(
    input_shape: list[Any], arguments: dict[str, Any], line: str
) -> None:
    row = one_layer(input_shape, "STFTSpectrogram", **arguments)
    note = "channels · frames · DFT kernels · frame_length"
    assert any(text.startswith(line) and text.endswith(f"({note})") for text in row.cost_working)
    assert row.receptive_field is None  # a frame's samples mix into every frequency


# (input shape, layer arguments, the message a user sees) — each number by hand.
STFT_REFUSED: list[tuple[list[Any], dict[str, Any], str]] = [
    ([1000], {}, "STFTSpectrogram expects a 3-D input (batch, time, channels), got (None, 1000)"),
    (
        [1000],
        {"data_format": "channels_first"},
        "STFTSpectrogram expects a 3-D input (batch, channels, time), got (None, 1000)",
    ),
    ([1000, None], {}, "the channels of (None, 1000, None) must be known"),
    ([None, 1000], {"data_format": "channels_first"}, "the channels of (None, None, 1000)"),
    ([1000, 1], {"frame_length": 100, "fft_length": 64}, "fft_length 64 is shorter than"),
    # ⌊(99 − 100)/50⌋ + 1 = −1 + 1 = 0 frames
    (
        [99, 1],
        {"frame_length": 100},
        "a 100-sample frame does not fit: output_frames = ⌊(99 + 2·0 − 100)/50⌋ + 1 = 0",
    ),
]


@pytest.mark.parametrize(("input_shape", "arguments", "message"), STFT_REFUSED)
def test_stft_spectrogram_refusals(
    input_shape: list[Any], arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(CnncalcError, match=re.escape(message)):
        one_layer(input_shape, "STFTSpectrogram", **arguments)


def test_stft_fft_as_long_as_the_frame_is_accepted() -> None:
    """fft_length = frame_length = 100 (not a power of two: Keras only warns): 100/2 + 1 = 51."""
    row = one_layer([1000, 1], "STFTSpectrogram", frame_length=100, fft_length=100)
    assert (row.output_shape, row.params) == ((19, 51), 2 * 100 * 51)


def test_stft_frames_may_not_skip_samples() -> None:
    """Keras's __init__ refuses frame_step > frame_length ("`frame_step` should be a positive
    integer not greater than `frame_length`"); cnncalc gave (3, 129) for 300 > 256. A step equal
    to the frame is fine: ⌊(1000 − 256)/256⌋ + 1 = 2 + 1 = 3."""
    message = (
        "layers[0]: frame_step (257) must be at most frame_length (256): Keras refuses frames "
        "that skip samples"
    )
    with pytest.raises(SpecError) as refused:
        one_layer([1000, 1], "STFTSpectrogram", frame_length=256, frame_step=257)
    assert str(refused.value) == message
    row = one_layer([1000, 1], "STFTSpectrogram", frame_length=256, frame_step=256)
    assert row.output_shape == (3, 129)


@pytest.mark.parametrize(
    ("arguments", "argument"),
    [
        ({"frame_length": 256, "frame_step": 257}, "frame_step"),
        ({"frame_length": 256, "frame_step": 256}, None),
    ],
)
def test_keras_refuses_a_step_longer_than_the_frame(
    keras: Any, arguments: dict[str, Any], argument: str | None
) -> None:
    """The refusal above is Keras's own (its constructor, not a build)."""
    if argument is None:
        keras.layers.STFTSpectrogram(**arguments)
        return
    with pytest.raises(ValueError, match=argument):
        keras.layers.STFTSpectrogram(**arguments)
