"""The wall's budget panel says what each percentage is of, keeps categories and
sources apart (each with its own title) and shows the run-rate forecast."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest

from center.wall.model import load_budget
from center.windows.wall.panels import BudgetPanel
from db.types import CST

pytestmark = pytest.mark.gui
T = datetime(2026, 3, 31, 10, 0, tzinfo=CST)  # the hand-computed year of conftest.py


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


def test_budget_panel_texts(qtbot, engine, year):
    panel = BudgetPanel()
    qtbot.addWidget(panel)
    panel.set_unit(1.0)
    panel.show_budget(load_budget(engine, T))
    panel.resize(500, 600)
    panel.show()
    assert "spent ÷ funded" in panel.category_title.text()
    assert "spent ÷ funded" in panel.source_title.text()
    assert "of funding" in panel.execution.text() and "of standard" in panel.execution.text()
    assert "158" in panel.forecast.text() and "Activities" in panel.forecast.text()
    assert panel.forecast.property("state") == "warn"
    cats = panel.by_category.rows()
    assert [r.label for r in cats] == ["Personnel", "Activities", "Equipment"]
    assert cats[2].state == "bad" and cats[1].note.startswith("⚠")
    assert [r.label for r in panel.by_source.rows()] == [
        "Fiscal budget",
        "Social fund",
        "Service purchase",
    ]
    image = panel.grab().toImage()
    assert not image.isNull() and image.width() == 500
