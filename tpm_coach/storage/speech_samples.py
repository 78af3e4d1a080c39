"""The candidate's most recent spoken answer long enough to measure a speech model on."""

from __future__ import annotations

from pathlib import Path

from tpm_coach.paths import DataPaths
from tpm_coach.storage.db import Database


def latest_spoken_recording(paths: DataPaths, min_seconds: float) -> Path | None:
    """The audio file of the newest spoken answer at least `min_seconds` long whose file is still there.

    Opens its own connection (callers are worker threads) and creates no database where there is none.
    """
    if not paths.database.is_file():
        return None
    with Database.open(paths.database) as db:
        rows = db.conn.execute(
            """SELECT audio_path FROM attempts
               WHERE answer_mode = 'spoken' AND audio_path IS NOT NULL AND duration_s >= ?
                 AND status != 'recording'
               ORDER BY created_at DESC, id DESC LIMIT 20""",
            (min_seconds,),
        ).fetchall()
    for row in rows:
        try:
            path = paths.absolute(str(row["audio_path"]))
        except ValueError:
            continue
        if path.is_file():
            return path
    return None
