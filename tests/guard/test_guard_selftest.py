"""The guard guards: on a small made-up window its checks report a button that does
nothing, one that raises, one that shows an error box, a file dialog answered with a
written file, a modal dialog dismissed, and clipped label, button and cell text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from guardlib import Guard, clipped, describe
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from test_every_action import Walk, failures

pytestmark = pytest.mark.gui


class Panel(QWidget):
    """Stands for a product view (its buttons are found by walking, as in the guard)."""

    def __init__(self) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        self.quiet_btn = QPushButton("quiet")
        self.raise_btn = QPushButton("raises")
        self.error_btn = QPushButton("error box")
        self.save_btn = QPushButton("save")
        self.dialog_btn = QPushButton("dialog")
        self.label = QLabel("")
        for b in (self.quiet_btn, self.raise_btn, self.error_btn, self.save_btn, self.dialog_btn):
            lay.addWidget(b)
        lay.addWidget(self.label)
        self.raise_btn.clicked.connect(self._raise)
        self.error_btn.clicked.connect(
            lambda: QMessageBox.critical(self, "x", "the database could not be read")
        )
        self.save_btn.clicked.connect(self._save)
        self.dialog_btn.clicked.connect(lambda: QDialog(self).exec())

    def _raise(self) -> None:
        raise RuntimeError("boom")

    def _save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "save", "", "CSV (*.csv)")
        Path(path).write_text("a,b\n", encoding="utf-8")


Panel.__module__ = "center.guard_selftest"  # a "product" class: attributes name widgets


def test_guard_reports_what_each_button_did(qtbot: Any, guard: Guard) -> None:
    panel = Panel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    guard.root = panel
    guard.settle()
    outcomes: list[Any] = []
    walk = Walk(guard, "selftest", outcomes, set(), lambda: None)
    walk.walk_buttons(panel)
    by_text = {o.what.split("'")[1]: o for o in outcomes}
    assert set(by_text) == {"quiet", "raises", "error box", "save", "dialog"}
    assert not by_text["quiet"].observable
    assert any("RuntimeError: boom" in e for e in by_text["raises"].errors)
    assert by_text["error box"].errors == [
        "unexpected error box Critical: 'the database could not be read'"
    ]
    assert by_text["save"].files and by_text["save"].dialogs == ["file dialog → file0.csv"]
    assert by_text["dialog"].dialogs == ["QDialog ''"] and not by_text["dialog"].errors
    found = failures(outcomes)
    assert [f.split(" in Panel: ", 1)[1][:22] for f in found] == [
        "did nothing observable",  # quiet
        "exception: Traceback (",  # raises …
        "did nothing observable",  # … and did nothing else
        "unexpected error box C",  # error box
    ]
    assert found[0] == "QPushButton 'quiet' (.quiet_btn) in Panel: did nothing observable"


def test_clipped_text_is_found(qtbot: Any) -> None:
    w = QWidget()
    qtbot.addWidget(w)
    label = QLabel("一段放不下的很长很长的说明文字", w)
    label.setGeometry(0, 0, 60, 20)
    fits = QLabel("短", w)
    fits.setGeometry(0, 30, 60, 20)
    button = QPushButton("一个放不下的按钮", w)
    button.setGeometry(0, 60, 40, 24)
    table = QTableWidget(1, 2, w)
    table.setGeometry(0, 100, 300, 120)
    table.setHorizontalHeaderLabels(["网格", "一个非常长的列标题"])
    table.setItem(0, 0, QTableWidgetItem("G01网格 · 幸福社区第一网格"))
    table.setItem(0, 1, QTableWidgetItem("好"))
    table.setColumnWidth(0, 60)
    table.setColumnWidth(1, 60)
    w.resize(400, 300)
    w.show()
    found = clipped(w)
    assert len(found) == 4, found
    assert found[0].startswith(f"{describe(label)}: '一段放不下的很长很长的说明文字' needs")
    assert "QPushButton '一个放不下的按钮'" in found[1]
    assert "cell [0,网格] 'G01网格 · 幸福社区第一网格'" in found[2]
    assert "header '一个非常长的列标题'" in found[3]
