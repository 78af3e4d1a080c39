"""Real parts and small fakes shared by the test suites and the benches."""

from pathlib import Path

# Tests run this checkout's code, and so do the processes they start (whatever their working folder).
REPO_ROOT = Path(__file__).resolve().parents[2]
