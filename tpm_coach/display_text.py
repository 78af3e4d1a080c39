"""Outside text (model replies, bank files, server errors) made safe to show on screen or to write in a report.

Qt-free: the desktop views and the report renderers both call it, so a character removed here is removed
everywhere that text appears.
"""

from __future__ import annotations

import html

_KEPT_CONTROLS = {"\t", "\n"}
# Embeddings, overrides and isolates reorder the characters around them: a reply could make a score or a name
# read differently from what it holds ("Trojan Source"). Marks (U+200E, U+200F, U+061C) only nudge neutral
# characters and are needed in right-to-left text, so they stay.
_BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# Zero-width joiners (U+200C, U+200D) and spaces stay: emoji sequences, Indic and Persian text need them, and the
# app never decides anything from how a text looks. A byte-order mark inside a text has no use and is dropped.
_BYTE_ORDER_MARK = 0xFEFF


def _table() -> dict[int, str | None]:
    table: dict[int, str | None] = {c: None for c in range(0x20) if chr(c) not in _KEPT_CONTROLS}
    table.update({c: None for c in range(0x7F, 0xA0)})  # DEL and the C1 controls
    table.update({c: None for c in _BIDI_CONTROLS})
    table[_BYTE_ORDER_MARK] = None
    table[ord("\r")] = "\n"  # a lone carriage return ends a line; "\r\n" is folded before the table applies
    # A lone surrogate (JSON allows "\ud800") cannot be shown or encoded as UTF-8: it becomes the replacement mark.
    table.update({c: "\ufffd" for c in range(0xD800, 0xE000)})
    return table


_TABLE = _table()


def display_safe(text: str) -> str:
    """`text` without control, direction-override and isolate characters; newlines and tabs stay."""
    return text.replace("\r\n", "\n").translate(_TABLE)


def escape_html(text: str) -> str:
    """Outside text as HTML element content or a quoted attribute value: cleaned, then escaped."""
    return html.escape(display_safe(text), quote=True)
