"""Speech to text: engines (local faster-whisper or a remote server), incremental transcription, metrics."""

from tpm_coach.transcription.engine import TranscriptionEngine
from tpm_coach.transcription.factory import create_engine

__all__ = ["TranscriptionEngine", "create_engine"]
