"""Where atomic file writing used to live; it moved to `tpm_coach.atomic` so settings need not import storage."""

from tpm_coach.atomic import atomic_write_bytes, fsync_dir

__all__ = ["atomic_write_bytes", "fsync_dir"]
