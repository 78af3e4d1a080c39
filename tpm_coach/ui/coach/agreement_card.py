"""Agreement between coaches and the app on the Progress page: per skill and over all, with the counts behind
each figure. Hidden until some answer is graded by both. Loaded on a worker with its own connection."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFrame, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from tpm_coach.coach.graded import coach_graded, stored_agreement
from tpm_coach.scoring.agreement import Agreement, AgreementReport
from tpm_coach.storage import Database
from tpm_coach.ui.style import label
from tpm_coach.ui.tasks import QtTaskRunner
from tpm_coach.ui.workers import WorkerPool

COLUMNS = ("Skill", "Answers", "Grades", "Mean |diff|", "Kappa")


def load_agreement(database: Path) -> AgreementReport:
    with Database.open(database) as db:
        return stored_agreement(coach_graded(db))


def _cells(row: Agreement) -> tuple[str, ...]:
    return (
        row.label,
        str(row.answers),
        str(row.grades),
        "" if row.mean_abs_diff is None else f"{row.mean_abs_diff:.2f}",
        "–" if row.kappa is None else f"{row.kappa:.2f}",
    )


class AgreementCard(QFrame):
    def __init__(self, workers: WorkerPool, database: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        self.database = database
        self.runner = QtTaskRunner(workers, self)
        self.report: AgreementReport | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(label("Coach and app agreement", "SectionTitle", self))
        self.summary = label("", "Muted", self, wrap=True)
        layout.addWidget(self.summary)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setObjectName("coachAgreement")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        self.setVisible(False)

    def refresh(self) -> None:
        self.runner.submit(lambda: load_agreement(self.database), self.show_report, lambda _exc: self.setVisible(False))

    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        self.setVisible(report.overall is not None)
        if report.overall is None:
            return
        self.summary.setText(
            f"{report.answers} answers graded by a coach and the app. Kappa: 1 = full agreement, 0 = chance; "
            "mean |diff| in points of the bank's scale."
        )
        rows = [*report.skills, report.overall]
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(_cells(row)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def shutdown(self) -> None:
        self.runner.close()
