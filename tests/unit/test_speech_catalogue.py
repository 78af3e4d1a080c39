"""The catalogue's decoding beam: at least the model's own, never narrower than the setting."""

from __future__ import annotations

from tpm_coach.transcription.catalogue import beam_size


def test_larger_models_decode_with_a_beam_and_tiny_keeps_the_setting() -> None:
    assert beam_size("base", 1) == 5
    assert beam_size("small.en", 1) == 5
    assert beam_size("base", 8) == 8
    assert beam_size("tiny.en", 1) == 1
    assert beam_size("tiny.en", 3) == 3
    # A model folder of the candidate's own: only the setting is known.
    assert beam_size("/models/my-whisper", 2) == 2
