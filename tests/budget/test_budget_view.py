"""The 经费管理 tab with pytest-qt: the entry forms check as you type (the import's
refusals), every button works (new, correct, void, import, export on both tables),
the charts, forecast flags and value for money fill, leaders read only."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from builders import account
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

from center.office import ledger
from center.windows.workstation.budget_view import BudgetView, LedgerForm
from db.types import CST

pytestmark = pytest.mark.gui
WAIT = 20_000
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=CST)


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    """The window tests run on SQLite only (the services are tested on both)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


def _open(qtbot, engine, actor) -> BudgetView:
    v = BudgetView(engine, actor, clock_fn=lambda: NOW)
    qtbot.addWidget(v)
    v.resize(1400, 900)
    v.show()
    v.year.setValue(2026)
    with qtbot.waitSignal(v.loaded, timeout=WAIT):
        v.refresh()
    return v


@pytest.fixture
def view(qtbot, engine, year, finance):
    v = _open(qtbot, engine, finance)
    yield v
    v.shutdown()


def _type(qtbot, form: LedgerForm, name: str, text: str) -> None:
    w = form.fields[name]
    w.clear()
    if text.isascii():
        qtbot.keyClicks(w, text)
    else:  # QTest types ASCII only
        w.insert(text)


def _ok(form: LedgerForm) -> bool:
    from PySide6.QtWidgets import QDialogButtonBox

    return form.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_the_tab_shows_the_ledger_figures_and_flags(view):
    assert view.lines.rowCount() == 3  # L-X (2025) is not of the year
    assert view.spends.rowCount() == 5
    assert "100.15" in view.headline.text() and "158.21" in view.headline.text()
    assert "L-A1" in view.flags.text() and "L-E1" in view.flags.text()
    risk = [view.forecast.item(i, 5).text() for i in range(3)]
    assert risk[0] == "" and risk[1] and risk[2]
    assert view.value.item(0, 2).text() == "27.81"
    assert view.value.item(0, 4).text() == "9.27"
    assert view.value.rowCount() == 3  # C01, C02, the street
    assert view.quarter_chart.series[1][1] == [39.01, 0.0, 0.0, 0.0]
    assert len(view.category_chart.series) == 2 and len(view.source_chart.series) == 1


def test_entry_form_validates_as_you_type(qtbot, view):
    form = view.open_form("line")
    qtbot.addWidget(form)
    assert not _ok(form)
    assert not any(e.isVisible() for e in form.errors.values())  # nothing typed yet
    form.show()
    _type(qtbot, form, "line_code", "L-N1")
    _type(qtbot, form, "amount", "1.005")
    assert not _ok(form)
    assert "more than 2 decimals" in form.errors["amount"].text()
    _type(qtbot, form, "amount", "-3")
    assert "greater than 0" in form.errors["amount"].text()
    _type(qtbot, form, "amount", "88.80")
    _type(qtbot, form, "granted_on", "2026-02-30")
    assert "not a real date" in form.errors["granted_on"].text()
    _type(qtbot, form, "granted_on", "2026-02-03")
    assert _ok(form)
    _type(qtbot, form, "line_code", "L-P1")  # exists (another category)
    assert not _ok(form) and form.errors["line_code"].isVisible()
    _type(qtbot, form, "line_code", "L-N1")
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        view.submit_form(form)
    assert any(r.line_code == "L-N1" for r in view.data.lines)

    spend = view.open_form("expenditure")
    qtbot.addWidget(spend)
    _type(qtbot, spend, "voucher_no", "V1")
    _type(qtbot, spend, "amount", "5.00")
    _type(qtbot, spend, "payee", "服务中心")
    assert "duplicate voucher" in spend.errors["voucher_no"].text()
    _type(qtbot, spend, "voucher_no", "V9")
    spend.set_values({"line_code": "L-P1", "spent_on": "2026-04-02"})
    assert "after today" in spend.errors["spent_on"].text()
    spend.set_values({"spent_on": "2026-03-02"})
    assert _ok(spend)


def _fill_and_accept(values):
    def exec_(self):
        self.set_values(values)
        return QDialog.DialogCode.Accepted if self.validate() else QDialog.DialogCode.Rejected

    return exec_


def _select(table, key):
    for row in range(table.rowCount()):
        if table.item(row, 0).data(Qt.ItemDataRole.UserRole) == key:
            table.selectRow(row)
            return
    raise AssertionError(key)


def test_every_button_works(qtbot, view, engine, finance, tmp_path, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)

    def click(name):
        with qtbot.waitSignal(view.loaded, timeout=WAIT):
            qtbot.mouseClick(view.buttons[name], Qt.MouseButton.LeftButton)

    new_line = {"line_code": "L-N2", "year": "2026", "category": "equipment",
                "source": "social_fund", "amount": "12.00", "granted_on": "2026-01-05"}  # fmt: skip
    monkeypatch.setattr(LedgerForm, "exec", _fill_and_accept(new_line))
    click("line.new")
    assert "L-N2" in {r.line_code for r in view.data.lines}

    _select(view.lines, "L-N2")
    monkeypatch.setattr(LedgerForm, "exec", _fill_and_accept({"amount": "13.00"}))
    click("line.correct")
    assert [r.amount for r in view.data.lines if r.line_code == "L-N2"] == [13]

    new_spend = {"voucher_no": "V10", "line_code": "L-N2", "spent_on": "2026-03-01",
                 "amount": "2.50", "payee": "康护公司", "community_code": "C02"}  # fmt: skip
    monkeypatch.setattr(LedgerForm, "exec", _fill_and_accept(new_spend))
    click("expenditure.new")
    assert "V10" in {e.voucher_no for e in view.data.expenditures}

    _select(view.spends, "V10")
    monkeypatch.setattr(LedgerForm, "exec", _fill_and_accept({"amount": "2.75"}))
    click("expenditure.correct")
    assert [e.amount for e in view.data.expenditures if e.voucher_no == "V10"] == [2.75]

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("录入错误", True))
    _select(view.spends, "V10")
    click("expenditure.void")
    assert [e.voided for e in view.data.expenditures if e.voucher_no == "V10"] == [True]
    _select(view.lines, "L-N2")
    click("line.void")
    assert [r.voided for r in view.data.lines if r.line_code == "L-N2"] == [True]
    _select(view.lines, "L-N2")
    assert not view.buttons["line.correct"].isEnabled()  # a voided line stays as it is

    for kind in ("line", "expenditure"):
        out = tmp_path / f"{kind}.csv"
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, o=out, **k: (str(o), ""))
        click(f"{kind}.export")
        assert out.read_text("utf-8-sig").count("\n") > 1
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, o=out, **k: (str(o), ""))
        click(f"{kind}.import")  # the export imports back unchanged
    assert "0 inserted" not in view.last_message  # the import's result object
    bad = tmp_path / "bad.csv"
    bad.write_text("line_code,year,category,source,amount\nZ,2026,x,fiscal,0\n", "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    with qtbot.waitSignal(view.failed, timeout=WAIT):
        qtbot.mouseClick(view.buttons["line.import"], Qt.MouseButton.LeftButton)
    assert f"{bad}:2: category" in view.last_message
    qtbot.waitUntil(lambda: not view.is_busy(), timeout=WAIT)
    view.year.setValue(2025)
    qtbot.waitUntil(lambda: view.data.year == 2025, timeout=WAIT)
    with qtbot.waitSignal(view.loaded, timeout=WAIT):
        qtbot.mouseClick(view.reload_button, Qt.MouseButton.LeftButton)
    assert [r.line_code for r in view.data.lines] == ["L-X"]


def test_a_leader_reads_only(qtbot, engine, year):
    lead = account(engine, "lead", "leader")
    v = _open(qtbot, engine, lead)
    try:
        assert v.lines.rowCount() == 3
        assert not any(b.isVisible() for b in v.buttons.values())
    finally:
        v.shutdown()


def test_the_workstation_has_the_tab_for_finance_and_leaders(qtbot, ctx, year, finance):
    from center.windows.workstation.main_window import WorkstationWindow

    w = WorkstationWindow(ctx, finance, live=False, clock_fn=lambda: NOW)
    qtbot.addWidget(w)
    try:
        assert w.has_tab("budget") and w.budget is not None
        w.show_tab("budget")
        assert w.tabs.currentWidget() is w.budget
        w.budget.notice.emit("Expenditure V99 recorded.")  # what a write did: the status bar
        assert w.statusBar().currentMessage() == "Expenditure V99 recorded."
    finally:
        w.shutdown()
    coord = account(ctx.engine, "coord", "coordinator")
    w2 = WorkstationWindow(ctx, coord, live=False)
    qtbot.addWidget(w2)
    try:
        assert not w2.has_tab("budget")
    finally:
        w2.shutdown()
    assert ledger  # the module the tab reads through


@pytest.fixture
def chinese(qapp):
    """The workstation as it ships: in Chinese."""
    from center.windows.runtime.i18n import install_translators

    install_translators(qapp, "zh_CN")
    yield
    install_translators(qapp, "en")


def test_the_forms_word_the_rules_in_chinese(qtbot, chinese, view):
    form = view.open_form("line")
    qtbot.addWidget(form)
    form.show()
    _type(qtbot, form, "line_code", "L-N1")
    _type(qtbot, form, "amount", "abc")
    assert form.errors["amount"].text() == "'abc' 不是数字（请以元为单位填写，如 1234.50）"
    _type(qtbot, form, "amount", "1.005")
    assert form.errors["amount"].text() == "1.005 超过 2 位小数（只到元、角、分）"
    _type(qtbot, form, "amount", "5")
    _type(qtbot, form, "granted_on", "2026-02-30")
    assert form.errors["granted_on"].text() == "不是有效的日期（请写作 YYYY-MM-DD）"
    _type(qtbot, form, "granted_on", "")
    form.set_values({"category": "equipment", "source": "social_fund"})
    _type(qtbot, form, "line_code", "L-P1")  # exists, for another category and source
    assert form.errors["line_code"].text() == (
        "编号 L-P1 已用于另一个资金项目：类别为人员经费（不是设备经费），"
        "来源为财政预算（不是社会资金）"
    )

    spend = view.open_form("expenditure")
    qtbot.addWidget(spend)
    _type(qtbot, spend, "voucher_no", "V1")
    assert spend.errors["voucher_no"].text() == "凭证号 V1 重复"
    spend.set_values({"line_code": "L-P1", "spent_on": "2026-04-02"})
    assert spend.errors["spent_on"].text() == "2026-04-02 晚于今天（2026-03-31）"


def test_a_refused_write_is_worded_in_chinese(qtbot, chinese, view, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    form = view.open_form("expenditure")
    qtbot.addWidget(form)
    form.set_values({"voucher_no": "V1", "amount": "5.00", "payee": "服务中心"})
    with qtbot.waitSignal(view.failed, timeout=WAIT) as failed:
        view.submit_form(form)  # the service checks again: V1 is taken
    assert failed.args == ["凭证号：凭证号 V1 重复"]


def test_the_english_windows_keep_the_rules_english_text():
    refs = ledger.LedgerRefs({}, {}, {})
    _, found = ledger.check_line({"line_code": "L", "year": "26", "category": "x",
                                  "source": "fiscal", "amount": "1,5"}, refs)  # fmt: skip
    from center.windows.workstation.budget_view import problem_text

    assert [(c, problem_text(m)) for c, m in found] == [
        ("year", "'26' is not a year (YYYY)"),
        ("category", "unknown category 'x' (use personnel, activities, equipment)"),
        ("amount", "'1,5' is not a number (write yuan such as 1234.50)"),
    ]
    assert [m for _, m in found] == [problem_text(m) for _, m in found]  # the service's text


def test_chart_legends_sit_outside_the_plots_in_dark_text(view):
    view.pages.setCurrentIndex(2)
    for chart in (view.quarter_chart, view.category_chart, view.source_chart):
        plot = chart.plotItem.vb.sceneBoundingRect()
        legend = chart.legend.sceneBoundingRect()
        assert chart.legend.items, "the legend lists the series"
        assert not plot.intersects(legend), (plot, legend)
        assert {label.opts["color"] for _, label in chart.legend.items} == {"#262626"}


def test_value_for_money_has_the_street_closure_rate_and_satisfaction(view, engine):
    from center.kpi.compute import compute_kpis

    street = compute_kpis(engine, "2026", "street", NOW).units[0].kpis
    last = view.value.rowCount() - 1
    assert view.value.item(last, 0).text() == "Street"
    closure, satisfaction = street["closure_15wd"].value, street["satisfaction"].value
    assert closure == 0.5 and satisfaction is None  # nobody rated a closed case
    assert view.value.item(last, 7).text() == "50.0%"
    assert view.value.item(last, 8).text() == "—"


def test_a_new_expenditure_is_selected_shown_and_announced(qtbot, view):
    view.pages.setCurrentIndex(0)
    view.spends.resize(600, 120)  # a short table: the new row must be scrolled to
    form = view.open_form("expenditure")
    qtbot.addWidget(form)
    form.set_values({"voucher_no": "V99", "line_code": "L-P1", "spent_on": "2026-01-02",
                     "amount": "1.00", "payee": "服务中心"})  # fmt: skip
    assert form.validate()
    with qtbot.waitSignal(view.notice, timeout=WAIT) as notice:
        view.submit_form(form)
    assert notice.args == ["Expenditure V99 recorded."]
    qtbot.waitUntil(lambda: view.selected("expenditure") == "V99", timeout=WAIT)
    assert view.pages.currentIndex() == 1
    row = view.spends.currentRow()
    rect = view.spends.visualItemRect(view.spends.item(row, 0))
    assert view.spends.viewport().rect().contains(rect.center())
