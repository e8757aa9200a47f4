"""Building the reports from the main window (`center app` → 报表).

The same services as ``center report monthly|quarterly|annual``: the PDF is written by
:mod:`reports.build` and registered as a draft by
:func:`center.reporting.snapshots.save_draft`, as the assessor who logged in (the role
is checked before anything is built, and again by the service). The build runs on a
worker thread; the finished PDF opens in the desktop's PDF viewer
(:class:`~PySide6.QtGui.QDesktopServices`), and the dialog says where it was saved,
whether the draft is new or was updated, and whether it can be approved yet.

An assessor approves the draft in the dialog (审核通过) with the service of ``center
report approve`` (:func:`center.reporting.snapshots.approve`, which checks the role and
refuses a period that has not ended); the PDF is then built again with its number.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.core.access import Actor, require_role
from center.core.clock import now as clock_now
from center.core.errors import UserError
from center.windows.runtime.workers import TaskResult, TaskRunner
from db.types import to_local

log = logging.getLogger("center.app")
translate = QCoreApplication.translate

KINDS = ("monthly", "quarterly", "annual")
KIND_TEXTS = {
    "monthly": QT_TRANSLATE_NOOP("Reports", "Monthly notice"),
    "quarterly": QT_TRANSLATE_NOOP("Reports", "Quarterly scorecards"),
    "annual": QT_TRANSLATE_NOOP("Reports", "Annual review"),
}
KIND_FILES = {"monthly": "月通报", "quarterly": "季度考核", "annual": "年度评优"}


def kind_text(kind: str) -> str:
    return translate("Reports", KIND_TEXTS[kind])


def last_ended_period(kind: str, today: date) -> str:
    """The latest period of ``kind`` that has ended by ``today``: a report of it can
    be approved (a period still running is marked 统计期未结束 and cannot)."""
    if kind == "monthly":
        y, m = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
        return f"{y:04d}-{m:02d}"
    if kind == "quarterly":
        q = (today.month - 1) // 3  # the current quarter's index: the previous one ended
        return f"{today.year - 1}Q4" if q == 0 else f"{today.year}Q{q}"
    return str(today.year - 1)


@dataclass(frozen=True)
class BuiltReport:
    path: Path
    report_id: int
    status: str  # draft | approved
    doc_number: str | None
    kind: str = "monthly"
    period: str = ""
    #: the draft existed before this build (building again rewrites its PDF)
    updated: bool = False
    #: when the period ends (exclusive) and whether it had ended at the build
    ends: datetime | None = None
    ended: bool = True


def build_report(engine: Engine, actor: Actor, kind: str, period: str, path: Path) -> BuiltReport:
    """Write the report ``kind`` of ``period`` to ``path`` and register it, as
    ``actor`` (who must be allowed to build reports; checked before anything is
    written). Runs on a worker thread."""
    from center.reporting import snapshots as svc
    from reports import build
    from reports.base import ReportError

    require_role(actor, "build_report")
    earlier = svc.find_report(engine, kind, period) if kind in KINDS else None
    try:
        if kind == "monthly":
            written = build.build_monthly(engine, period, path)
        elif kind == "quarterly":
            written = build.build_quarterly(engine, period, "all", path)[0]
        elif kind == "annual":
            written = build.build_annual(engine, period, path)
        else:
            raise UserError(f"unknown report kind {kind!r}")
    except ReportError as exc:
        raise UserError(str(exc)) from None
    record = svc.save_draft(engine, kind, period, "all", actor)
    ends = svc.period_end(kind, record.period)
    return BuiltReport(
        written,
        record.id,
        record.status,
        record.doc_number,
        kind,
        record.period,
        updated=earlier is not None and not earlier.approved,
        ends=ends,
        ended=ends is None or clock_now() >= ends,
    )


def approve_report(engine: Engine, actor: Actor, built: BuiltReport) -> BuiltReport:
    """Approve the built draft as ``actor`` (the service checks the role and refuses a
    period that has not ended), then build its PDF again: it now carries the document
    number. Runs on a worker thread."""
    from center.reporting import snapshots as svc

    svc.approve(engine, built.report_id, actor)
    return build_report(engine, actor, built.kind, built.period, built.path)


def may_approve(actor: Actor) -> bool:
    """Whether ``actor`` may approve reports (the service checks it again)."""
    try:
        require_role(actor, "approve_report")
    except UserError:
        return False
    return True


def default_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home())


class ReportDialog(QDialog):
    """Kind, period and file; 生成 builds it on a worker and opens the PDF."""

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        today: date | None = None,
        folder: Path | None = None,
        open_url: Callable[[QUrl], bool] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("Reports", "Build a report"))
        self._engine = engine
        self._actor = actor
        self._today = today or to_local(datetime.now().astimezone()).date()
        self._folder = folder or default_folder()
        self._open_url = open_url  # default: QDesktopServices.openUrl (the desktop's viewer)
        self.built: BuiltReport | None = None
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)

        self.who = QLabel(
            translate("Reports", "Built by %1 (assessor)").replace(
                "%1", actor.display_name or actor.name
            )
        )
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(kind_text(kind), kind)
        self.period = QLineEdit()
        self.period.setPlaceholderText("2026-11 · 2026Q3 · 2026")
        self.path = QLineEdit()
        self.path.setMinimumWidth(380)
        self.browse = QPushButton(translate("Reports", "Browse…"))
        self.browse.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        form = QFormLayout()
        form.addRow(translate("Reports", "&Report:"), self.kind)
        form.addRow(translate("Reports", "&Period:"), self.period)
        # a label with a buddy: its mnemonic underlines (a plain row label shows "&")
        self.path_label = QLabel(translate("Reports", "Fi&le:"))
        self.path_label.setBuddy(self.path)
        form.addRow(self.path_label, path_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.build_button = QPushButton(translate("Reports", "&Build and open"))
        self.build_button.setDefault(True)
        self.build_button.clicked.connect(self.build)
        self.open_button = QPushButton(translate("Reports", "&Open the PDF"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_pdf)
        self.folder_button = QPushButton(translate("Reports", "Open the &folder"))
        self.folder_button.setEnabled(False)
        self.folder_button.clicked.connect(self.open_folder)
        self.approve_button = QPushButton(translate("Reports", "&Approve"))
        self.may_approve = may_approve(actor)
        self.approve_button.setVisible(self.may_approve)
        self.approve_button.setEnabled(False)
        self.approve_button.clicked.connect(self.approve)
        self.close_button = QPushButton(translate("Reports", "&Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.build_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.approve_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.who)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addLayout(buttons)
        self.setMinimumWidth(560)
        # the status grows by a line or two after a build: the dialog grows with it
        lay.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    # -- form ---------------------------------------------------------------------

    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        period = last_ended_period(kind, self._today)
        self.period.setText(period)
        self.path.setText(str(self._folder / f"{KIND_FILES[kind]}-{period}.pdf"))

    def choose_file(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, translate("Reports", "Save the report as"), self.path.text(), "PDF (*.pdf)"
        )
        if name:
            self.path.setText(name if name.lower().endswith(".pdf") else name + ".pdf")

    # -- building -----------------------------------------------------------------

    def build(self) -> bool:
        """Build the report on the worker; False when nothing was started."""
        if self._runner.busy("build"):
            return False
        period = self.period.text().strip()
        path = self.path.text().strip()
        if not period or not path:
            self._show(translate("Reports", "Enter the period and the file."), error=True)
            return False
        self.build_button.setEnabled(False)
        self.open_button.setEnabled(False)
        self.folder_button.setEnabled(False)
        self.approve_button.setEnabled(False)
        self._show(translate("Reports", "Building the report…"))
        self._runner.submit(
            "build",
            build_report,
            self._engine,
            self._actor,
            self.current_kind(),
            period,
            Path(path).expanduser(),
        )
        return True

    def approve(self) -> bool:
        """Approve the built draft on the worker (then its PDF is built again with the
        number); False when nothing was started."""
        built = self.built
        if built is None or built.status != "draft" or self._runner.busy():
            return False
        self.build_button.setEnabled(False)
        self.approve_button.setEnabled(False)
        self._show(translate("Reports", "Approving the report…"))
        self._runner.submit("approve", approve_report, self._engine, self._actor, built)
        return True

    def is_busy(self) -> bool:
        return self._runner.busy()

    def _show(self, text: str, *, error: bool = False) -> None:
        self.status.setStyleSheet("QLabel { color: #A8071A; }" if error else "")
        self.status.setText(text)

    def _on_finished(self, result: TaskResult) -> None:
        self.build_button.setEnabled(True)
        built: BuiltReport = result.value
        self.built = built
        self.open_button.setEnabled(True)
        self.folder_button.setEnabled(True)
        self.approve_button.setEnabled(built.status == "draft" and built.ended)
        lines = [translate("Reports", "Saved to %1.").replace("%1", str(built.path))]
        if built.status == "approved":
            lines.append(
                translate("Reports", "Approved: document number %1.").replace(
                    "%1", built.doc_number or ""
                )
            )
        else:
            lines.append(
                (
                    translate("Reports", "Draft no. %1 updated.")
                    if built.updated
                    else translate("Reports", "Saved as draft no. %1.")
                ).replace("%1", str(built.report_id))
            )
            if not built.ended and built.ends is not None:
                lines.append(
                    translate(
                        "Reports",
                        "The period has not ended (it ends %1): the draft can be approved "
                        "once it has.",
                    ).replace("%1", f"{built.ends:%Y-%m-%d %H:%M}")
                )
            elif self.may_approve:
                lines.append(translate("Reports", "An assessor may approve it now."))
            else:
                lines.append(translate("Reports", "An assessor approves it."))
        if not self.open_pdf():
            lines.append(translate("Reports", "No PDF viewer could be started."))
        self._show("\n".join(lines))

    def _on_failed(self, result: TaskResult) -> None:
        from center.reporting.snapshots import PeriodNotEnded

        self.build_button.setEnabled(True)
        exc = result.error
        if result.key == "approve":
            self.approve_button.setEnabled(self.built is not None)
            if isinstance(exc, PeriodNotEnded):
                text = translate(
                    "Reports", "the period has not ended (it ends %1): approve it once it has"
                ).replace("%1", f"{exc.ends:%Y-%m-%d %H:%M}")
            elif isinstance(exc, UserError):
                text = str(exc).splitlines()[0]
            else:
                log.error("approving a report failed:\n%s", result.traceback)
                text = translate("Reports", "details are in the log")
            self._show(translate("Reports", "Not approved: %1").replace("%1", text), error=True)
            return
        if isinstance(exc, (UserError, OSError)):
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        else:
            log.error("building a report failed:\n%s", result.traceback)
            text = translate("Reports", "The report could not be built; details are in the log.")
        self._show(translate("Reports", "Not built: %1").replace("%1", text), error=True)

    def open_pdf(self) -> bool:
        """Open the built PDF in the desktop's viewer; False when that failed."""
        if self.built is None:
            return False
        return self._open(QUrl.fromLocalFile(str(self.built.path)))

    def open_folder(self) -> bool:
        if self.built is None:
            return False
        return self._open(QUrl.fromLocalFile(str(self.built.path.parent)))

    def _open(self, url: QUrl) -> bool:
        opener = self._open_url or QDesktopServices.openUrl
        return bool(opener(url))

    def done(self, result: int) -> None:
        self._runner.shutdown()
        super().done(result)

    def shutdown(self) -> None:
        self._runner.shutdown()


def may_build(actor: Actor) -> bool:
    """Whether ``actor`` may build reports (the service checks it again)."""
    try:
        require_role(actor, "build_report")
    except UserError:
        return False
    return True
