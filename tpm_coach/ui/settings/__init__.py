"""The Settings page: LLM, transcription, audio and data sections."""
