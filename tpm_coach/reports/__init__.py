"""Session reports as Markdown and HTML (the desktop app prints the HTML to PDF). Never contains settings or keys."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from tpm_coach.atomic import atomic_write_bytes
from tpm_coach.errors import KnownError, StorageError
from tpm_coach.reports.content import (
    AnswerContent,
    SessionReport,
    answer_content,
    build_report,
    format_duration,
    format_score,
    format_when,
    load_report,
)
from tpm_coach.reports.html import answer_html, page, render_html
from tpm_coach.reports.markdown import render_markdown

__all__ = [
    "AnswerContent",
    "ReportFormat",
    "SessionReport",
    "answer_content",
    "answer_html",
    "build_report",
    "format_duration",
    "format_score",
    "format_when",
    "load_report",
    "page",
    "render_html",
    "render_markdown",
    "render_text",
    "write_text_report",
]


class ReportFormat(StrEnum):
    MARKDOWN = "md"
    HTML = "html"
    PDF = "pdf"

    @classmethod
    def from_path(cls, path: Path) -> ReportFormat:
        suffix = path.suffix.lower().lstrip(".")
        aliases = {"md": cls.MARKDOWN, "markdown": cls.MARKDOWN, "html": cls.HTML, "htm": cls.HTML, "pdf": cls.PDF}
        if suffix not in aliases:
            raise KnownError(f"cannot tell the report format from '{path.name}'", "name the file .md, .html or .pdf")
        return aliases[suffix]


def render_text(report: SessionReport, fmt: ReportFormat) -> str:
    if fmt is ReportFormat.MARKDOWN:
        return render_markdown(report)
    if fmt is ReportFormat.HTML:
        return render_html(report)
    raise ValueError(f"{fmt} is not a text format")


def write_text_report(report: SessionReport, path: Path, fmt: ReportFormat) -> None:
    """Write a Markdown or HTML report atomically (a failed write leaves any earlier file intact)."""
    try:
        atomic_write_bytes(path, render_text(report, fmt).encode("utf-8"))
    except OSError as exc:
        raise StorageError(
            f"cannot write the report to {path}: {exc.strerror or exc}", "choose another folder"
        ) from exc
