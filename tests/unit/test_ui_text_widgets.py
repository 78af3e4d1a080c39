"""The desktop views build labels and text browsers only through the app's safe widgets.

A bare QLabel guesses its text format (rendering anything that looks like HTML) and a bare QTextBrowser loads
the images and style sheets a document names; read from the source, so a new view cannot slip one in.
"""

from __future__ import annotations

import re
from pathlib import Path

import tpm_coach

UI = Path(tpm_coach.__file__).parent / "ui"
ALLOWED = {
    "QLabel(": UI / "widgets" / "plain_label.py",
    "QTextBrowser": UI / "widgets" / "safe_text.py",
}


def test_only_the_safe_widgets_build_labels_and_text_browsers() -> None:
    found = []
    for path in sorted(UI.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        for needle, home in ALLOWED.items():
            if path != home and re.search(rf"\b{re.escape(needle)}", source):
                found.append(f"{path.relative_to(UI)} uses {needle}")
    assert found == [], "use style.label() / PlainLabel or SafeTextBrowser instead"
