"""The History page: past sessions, filtering, one session in detail, audio playback and report export."""
