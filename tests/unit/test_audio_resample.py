"""Sample-rate conversion: accurate, alias-free, and independent of how the stream is cut into blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpm_coach.audio.resample import StreamResampler, resample


def sine(freq: float, rate: int, seconds: float, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(rate * seconds)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 11025, 22050, 44100, 48000, 96000])
def test_a_tone_keeps_its_shape_at_16k(rate: int) -> None:
    out = resample(sine(440, rate, 1.0), rate, 16000)
    assert len(out) == 16000
    expected = sine(440, 16000, 1.0)
    # Edges lack half a filter of context; everything else matches the ideal tone closely.
    assert np.max(np.abs(out[200:-200] - expected[200:-200])) < 2e-3


@pytest.mark.parametrize("rate", [44100, 48000])
def test_content_above_8k_does_not_fold_back_into_speech(rate: int) -> None:
    out = resample(sine(11000, rate, 1.0), rate, 16000)
    # An 11 kHz tone would alias to 5 kHz without the low-pass filter.
    assert np.sqrt(np.mean(out[200:-200] ** 2)) < 1e-3


def test_the_same_rate_passes_through() -> None:
    data = sine(440, 16000, 0.1)
    assert np.array_equal(resample(data, 16000, 16000), data)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=40),
    st.sampled_from([44100, 48000, 8000]),
)
def test_block_boundaries_do_not_change_the_output(sizes: list[int], rate: int) -> None:
    data = np.random.default_rng(len(sizes)).standard_normal(sum(sizes)).astype(np.float32) * 0.1
    whole = resample(data, rate, 16000)
    stream = StreamResampler(rate, 16000)
    pieces, start = [], 0
    for size in sizes:
        pieces.append(stream.process(data[start : start + size]))
        start += size
    pieces.append(stream.flush())
    joined = np.concatenate(pieces)[: len(whole)]
    assert len(joined) == len(whole)
    assert np.allclose(joined, whole, atol=1e-6)


def test_rates_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        StreamResampler(0, 16000)
