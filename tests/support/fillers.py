"""Recordings with known fillers: real LibriVox speech with spoken "um" and "uh" spliced in at its pauses.

No packaged recording of real disfluent speech is at hand, so the speech is real and the fillers are
espeak-ng's, placed in the quiet stretches between words where a person hesitates: "umm", and for "uh" the
held vowel a hesitating speaker makes (phonemes [[V:]]; the spelling "uhh" is read by espeak-ng's letter
rules as a clipped word, not a hesitation). Everything is built at run time; nothing is stored.
"""

from __future__ import annotations

import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.speech import RATE, FloatArray, espeak_to_wav, librivox_clips, read_wav, silence
from tpm_coach.audio.resample import resample

_FRAME = 320  # 20 ms
_MIN_PAUSE_FRAMES = 8  # 160 ms of quiet: a gap between words
_EDGE_S = 0.5  # not at the very start or end of a clip


@dataclass(frozen=True)
class FillerCase:
    name: str
    audio: FloatArray
    reference: str  # the words said, fillers left out
    fillers: int  # how many fillers were spliced in


def filler_sound(word: str) -> FloatArray:
    """espeak-ng saying `word` slowly, at 16 kHz, trimmed to the sound and a little quieter than speech."""
    with tempfile.TemporaryDirectory(prefix="tpm-filler-") as folder:
        path = espeak_to_wav(word, Path(folder) / "filler.wav", speed=110)
        with wave.open(str(path), "rb") as reader:
            rate = reader.getframerate()
        audio = resample(read_wav(path), rate, RATE)
    loud = np.nonzero(np.abs(audio) > 0.01)[0]
    trimmed: FloatArray = (audio[loud[0] : loud[-1] + 1] * 0.6).astype(np.float32)
    return trimmed


def pause_points(audio: FloatArray) -> list[int]:
    """Sample offsets in the middle of the quiet stretches between words."""
    frames = len(audio) // _FRAME
    energy = np.sqrt(np.mean(audio[: frames * _FRAME].reshape(frames, _FRAME) ** 2, axis=1))
    quiet = energy < max(0.01, float(np.percentile(energy, 20)) * 2)
    points: list[int] = []
    start: int | None = None
    for index, is_quiet in enumerate([*quiet.tolist(), False]):
        if is_quiet and start is None:
            start = index
        elif not is_quiet and start is not None:
            if index - start >= _MIN_PAUSE_FRAMES:
                points.append((start + index) // 2 * _FRAME)
            start = None
    edge = round(_EDGE_S * RATE)
    return [p for p in points if edge < p < len(audio) - edge]


def splice(audio: FloatArray, at: int, filler: FloatArray) -> FloatArray:
    return np.concatenate([audio[:at], silence(0.25), filler, silence(0.3), audio[at:]]).astype(np.float32)


def filler_cases() -> list[FillerCase]:
    """Each LibriVox clip as read (no fillers) and, where it has a pause, with one "um" or "uh" in it;
    then all clips as one answer with a filler in every gap between clips and at each clip's first pause."""
    sounds = {"um": filler_sound("umm"), "uh": filler_sound("[[V:]]")}
    cases: list[FillerCase] = []
    answer: list[FloatArray] = [silence(0.3)]
    answer_words: list[str] = []
    answer_fillers = 0
    for index, clip in enumerate(librivox_clips()):
        audio = read_wav(clip.path)
        label = "um" if index % 2 == 0 else "uh"
        cases.append(FillerCase(f"{clip.path.stem[-4:]} as read", audio, clip.reference, 0))
        points = pause_points(audio)
        words = clip.reference.split()
        if points:
            at = points[len(points) // 2]
            spliced = splice(audio, at, sounds[label])
            cases.append(FillerCase(f"{clip.path.stem[-4:]} + {label}", spliced, clip.reference, 1))
            audio = splice(audio, points[0], sounds["uh" if label == "um" else "um"])
            answer_fillers += 1
        if index:
            answer.extend([sounds[label], silence(0.3)])
            answer_fillers += 1
        answer.extend([audio, silence(0.6)])
        answer_words.extend(words)
    cases.append(FillerCase("all clips as one answer", np.concatenate(answer), " ".join(answer_words), answer_fillers))
    return cases
