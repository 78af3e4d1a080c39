"""Which recording a speech model is measured on: the newest spoken answer long enough whose file is there."""

from __future__ import annotations

import numpy as np

from tests.support.domain import sample_competency, sample_question
from tests.support.speech import write_wav
from tpm_coach.context import AppContext
from tpm_coach.storage.speech_samples import latest_spoken_recording


def _answer(ctx: AppContext, name: str, seconds: float, *, keep_file: bool = True) -> None:
    path = ctx.data_paths.audio / name
    write_wav(path, np.zeros(1600, dtype=np.float32))
    session = ctx.sessions.create(["default"])
    attempt = ctx.attempts.create(
        session, sample_question(), sample_competency(), audio_path=ctx.data_paths.relative(path)
    )
    ctx.attempts.set_recorded(attempt, seconds)
    if not keep_file:
        path.unlink()


def test_the_newest_long_answer_with_its_file_is_chosen() -> None:
    ctx = AppContext()
    try:
        assert latest_spoken_recording(ctx.data_paths, 33.0) is None  # no database yet: none is made
        assert not ctx.data_paths.database.exists()
        _answer(ctx, "old-long.wav", 90.0)
        _answer(ctx, "newer-long.wav", 40.0)
        _answer(ctx, "newest-gone.wav", 60.0, keep_file=False)
        _answer(ctx, "newest-short.wav", 12.0)
        ctx.sessions.create(["default"])
        found = latest_spoken_recording(ctx.data_paths, 33.0)
        assert found is not None and found.name == "newer-long.wav"
        assert latest_spoken_recording(ctx.data_paths, 100.0) is None
    finally:
        ctx.close()
