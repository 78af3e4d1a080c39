"""Microphone recording to crash-safe WAV files, audio file loading, and recovery after a crash."""
