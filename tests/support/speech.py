"""Speech for tests and benchmarks: LibriVox clips with reference transcripts, and espeak-ng answers.

Real speech: Debian `pocketsphinx-testdata` (5 LibriVox clips, 16 kHz mono, plus a `transcription`
file). Longer answers: espeak-ng reading TPM-style answers, with sentence pauses like a person's.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

LIBRIVOX_DIR = Path("/usr/share/pocketsphinx/test/data/librivox")
RATE = 16000

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Clip:
    path: Path
    reference: str


def librivox_clips() -> list[Clip]:
    """The five LibriVox clips with their reference text (lower case, no punctuation)."""
    listing = (LIBRIVOX_DIR / "transcription").read_text(encoding="utf-8")
    clips = []
    for line in listing.splitlines():
        match = re.match(r"<s>\s*(.*?)\s*</s>\s*\((\S+)\)", line.strip())
        if match:
            clips.append(Clip(LIBRIVOX_DIR / f"{match.group(2)}.wav", match.group(1)))
    return clips


def have_librivox() -> bool:
    return (LIBRIVOX_DIR / "transcription").is_file()


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def read_wav(path: Path) -> FloatArray:
    """A 16-bit PCM WAV as float32 (mono; multi-channel is averaged). No resampling."""
    with wave.open(str(path), "rb") as reader:
        channels = reader.getnchannels()
        raw = reader.readframes(reader.getnframes())
    data = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    mono: FloatArray = data.reshape(-1, channels).mean(axis=1).astype(np.float32)
    return mono


def write_wav(path: Path, audio: FloatArray, rate: int = RATE, channels: int = 1) -> Path:
    pcm = np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(pcm.tobytes())
    return path


def silence(seconds: float) -> FloatArray:
    return np.zeros(round(seconds * RATE), dtype=np.float32)


def librivox_answer(repeats: int = 1, gap_s: float = 0.7) -> tuple[FloatArray, str]:
    """All LibriVox clips in order (`repeats` times), separated by pauses: real speech, ~25 s per round."""
    parts: list[FloatArray] = [silence(0.3)]
    texts = []
    for _ in range(repeats):
        for clip in librivox_clips():
            parts.extend([read_wav(clip.path), silence(gap_s)])
            texts.append(clip.reference)
    return np.concatenate(parts), " ".join(texts)


def librivox_story(seed: int, rounds: int = 3) -> tuple[FloatArray, str]:
    """The LibriVox clips strung together `rounds` times, each round in its own order, with pauses a person
    leaves between thoughts (0.3-1.5 s, drawn from `seed`): real speech long enough to need several chunks."""
    rng = random.Random(seed)
    clips = librivox_clips()
    parts: list[FloatArray] = [silence(0.3)]
    texts = []
    for _ in range(rounds):
        order = clips[:]
        rng.shuffle(order)
        for clip in order:
            parts.extend([read_wav(clip.path), silence(rng.choice((0.3, 0.5, 0.7, 0.9, 1.2, 1.5)))])
            texts.append(clip.reference)
    return np.concatenate(parts), " ".join(texts)


# Answers a TPM candidate might give, one sentence per line; numbers spelled out as spoken.
ANSWERS: list[list[str]] = [
    [
        "When I joined the payments platform team, we had a migration that was already three months late.",
        (
            "The goal was to move every merchant from the old billing system to the new ledger service before the"
            " contract with our old vendor expired at the end of the year."
        ),
        ("Nobody owned the whole picture, and each of the five engineering teams had its own plan and its own dates."),
        "My first step was to build a single view of the work.",
        (
            "I met with each engineering lead and asked three questions: what do you need from other teams, what "
            "do other teams need from you, and what would stop you from shipping."
        ),
        "From those conversations I built a dependency map and a shared schedule with clear milestones.",
        "The map showed that the real risk was not engineering effort at all.",
        "It was the data reconciliation between the old system and the new ledger.",
        ("Finance had to sign off on every batch of merchants, and they only had two analysts who could do that work."),
        (
            "So I proposed that we move finance reviews earlier and automate the reports they used, which cut "
            "review time from a week to two days."
        ),
        "I also set up a weekly risk review with the leads.",
        ("We kept a simple list of risks, each with an owner, a likelihood, an impact, and a plan to reduce it."),
        (
            "When the fraud team told us that their rules engine could not handle the new event format, we caught"
            " it six weeks before launch instead of during the cutover."
        ),
        "Communication was a big part of the job.",
        (
            "I sent a short written update every Friday to the executives, with the status of each milestone, the"
            " top three risks, and any decisions we needed from them."
        ),
        "When we had to push one milestone by two weeks, I explained the trade off in plain terms.",
        (
            "We could ship on time with manual reconciliation for the largest merchants, or we could wait two "
            "weeks and launch with full automation."
        ),
        "The leadership team chose to wait, and because they had the data, nobody was surprised.",
        "In the end we moved all merchants three weeks before the vendor contract expired.",
        "We had no billing incidents during the cutover, and finance closed the quarter on time.",
        (
            "Looking back, the biggest lesson for me was that the critical path often runs through a team that is"
            " not writing code."
        ),
        "Now I map people and approvals as carefully as I map systems.",
    ],
    [
        "The hardest trade off I made was on our mobile checkout redesign.",
        (
            "Product wanted to launch before the holiday season, but our load tests showed that the new payment "
            "service slowed down sharply at peak traffic."
        ),
        "I brought engineering, product, and support into one room and laid out the options with the data.",
        "Option one was to launch on time and accept the risk of slow payments on the busiest days.",
        "Option two was to delay the launch by a month and fix the service properly.",
        ("Option three was to launch the new design for ten percent of users and keep the old flow as a fallback."),
        "We chose the third option.",
        (
            "I wrote down the decision, the reasons, and the metrics that would make us roll back, and shared it "
            "with everyone involved."
        ),
        ("During the holidays the new flow held up for the smaller group, and conversion went up by four percent."),
        "We rolled it out to everyone in January, after the service fix was in place.",
        (
            "What I learned is that a hard choice becomes easier when you turn it into a few clear options with "
            "numbers attached."
        ),
        "People disagree much less about data than about opinions.",
        "I also learned to agree on the rollback rule before the launch, not during an incident.",
        "Since then I always ask the team to define what failure looks like before we ship anything risky.",
    ],
    [
        "Let me walk you through how I plan a large program.",
        "I start from the business goal and ask what has to be true for us to reach it.",
        (
            "Then I work backwards into milestones, and for each milestone I ask which teams and which decisions "
            "it depends on."
        ),
        "I keep the plan in one place that everyone can see, and I review it with the leads every week.",
        ("The plan is not a promise, it is a model of the work, so I update it as soon as we learn something new."),
        ("For estimates I ask engineers for a range instead of a single date, and I track how accurate we were."),
        "That history makes the next plan much better.",
        "I also reserve time for the unknowns, usually about twenty percent, and I say that openly.",
        "When scope grows, I do not hide it in the buffer.",
        "I bring the change to the stakeholders with its cost and let them decide what to drop or delay.",
        "Good planning is really about making trade offs visible early, while they are still cheap.",
    ],
]


def answer_sentences() -> list[str]:
    return [sentence for answer in ANSWERS for sentence in answer]


def espeak_to_wav(text_or_ssml: str, path: Path, *, voice: str = "en-us", speed: int = 165, ssml: bool = False) -> Path:
    args = ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path)]
    if ssml:
        args.append("-m")
    subprocess.run([*args, text_or_ssml], check=True, capture_output=True, timeout=120)
    return path


def espeak_answer(
    folder: Path, seconds: float, *, seed: int = 0, voice: str = "en-us", speed: int = 150
) -> tuple[FloatArray, str]:
    """About `seconds` of synthetic answer at 16 kHz with person-like pauses (0.4-1.2 s) between sentences.

    Returns the audio and the reference text (what was spoken).
    """
    rng = random.Random(seed)
    sentences = answer_sentences()
    start = rng.randrange(len(sentences))
    # espeak-ng speaks about 20% faster than its nominal words per minute.
    words_per_second = speed * 1.2 / 60.0
    chosen: list[str] = []
    total = 0.0
    index = start
    while total < seconds:
        sentence = sentences[index % len(sentences)]
        chosen.append(sentence)
        total += len(sentence.split()) / words_per_second + 0.8
        index += 1
    pieces = []
    for sentence in chosen:
        pause = rng.choice((400, 500, 600, 800, 1000, 1200))
        pieces.append(f'{_ssml_escape(sentence)} <break time="{pause}ms"/>')
    ssml = "<speak>" + " ".join(pieces) + "</speak>"
    raw = espeak_to_wav(ssml, folder / f"espeak-{seed}-{seconds:.0f}.raw.wav", voice=voice, speed=speed, ssml=True)
    with wave.open(str(raw), "rb") as reader:
        rate = reader.getframerate()
    from tpm_coach.audio.resample import resample

    audio = resample(read_wav(raw), rate, RATE)
    # espeak peaks near full scale; leave headroom like a real microphone level.
    audio = (audio * 0.7).astype(np.float32)
    return audio, " ".join(chosen)


def _ssml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
