"""The 经费管理 tab (spec/office.md "Budget"): funding lines and expenditures in
tables with entry forms, plan against actual by quarter and execution by category and
source (pyqtgraph), the forecast and the categories at risk, and value for money per
community beside its closure rate and satisfaction.

The ``finance`` role records, corrects and voids (with a reason), imports and exports;
a ``leader`` (or an admin) reads. Every form checks its values as they are typed with
the rules of the import (:func:`center.office.ledger.check_line`,
:func:`~center.office.ledger.check_expenditure`) and the service checks them again.
Reads and writes run on a worker thread; the GUI thread never waits on the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Engine

from center.core.access import Actor
from center.core.clock import now
from center.core.errors import USER_ERRORS
from center.interchange.budget import BudgetImportRejected
from center.office import ledger
from center.office.budget import CATEGORIES, SOURCES, BudgetSummary
from center.windows.runtime.faults import fault_message, fault_of
from center.windows.runtime.workers import TaskResult, TaskRunner
from center.windows.workstation import texts as tx
from db.types import CST

translate = tx.translate

CATEGORY_LABELS = {
    "personnel": ("Personnel", "人员经费"),
    "activities": ("Activities", "活动经费"),
    "equipment": ("Equipment", "设备经费"),
}
SOURCE_LABELS = {
    "fiscal": ("Fiscal budget", "财政预算"),
    "social_fund": ("Social fund", "社会资金"),
    "purchase_of_services": ("Purchase of services", "政府购买服务"),
}
BAD = "#A8071A"
WARN = "#874D00"


def _name(labels: Mapping[str, tuple[str, str]], key: str | None) -> str:
    if key is None:
        return "—"
    en, zh = labels.get(key, (key, key))
    return tx.pick(zh, en)


#: the ledger rules' messages (:data:`center.office.ledger.TEMPLATES`, same English
#: text and ``{name}`` fields), translated for the forms
PROBLEM_TEXTS = {
    "required": QT_TRANSLATE_NOOP("Workstation", "required"),
    "not_a_number": QT_TRANSLATE_NOOP("Workstation", "not a number"),
    "amount_text": QT_TRANSLATE_NOOP(
        "Workstation", "{text!r} is not a number (write yuan such as 1234.50)"
    ),
    "decimals": QT_TRANSLATE_NOOP(
        "Workstation", "{value} has more than 2 decimals (yuan and fen only)"
    ),
    "not_positive": QT_TRANSLATE_NOOP("Workstation", "{value} must be greater than 0"),
    "too_large": QT_TRANSLATE_NOOP("Workstation", "{value} is too large"),
    "not_year": QT_TRANSLATE_NOOP("Workstation", "{text!r} is not a year (YYYY)"),
    "too_long": QT_TRANSLATE_NOOP("Workstation", "longer than {n} characters"),
    "unknown_choice": QT_TRANSLATE_NOOP("Workstation", "unknown {what} {value!r} (use {choices})"),
    "code_fixed": QT_TRANSLATE_NOOP(
        "Workstation", "a line's code cannot be changed: void it and add a new line"
    ),
    "line_voided_reuse": QT_TRANSLATE_NOOP(
        "Workstation", "line {code} was voided: use another line_code"
    ),
    "code_used": QT_TRANSLATE_NOOP(
        "Workstation", "{code} is already used for another line: {differs}"
    ),
    "voucher_fixed": QT_TRANSLATE_NOOP(
        "Workstation", "a voucher number cannot be changed: void and re-enter"
    ),
    "unknown_line": QT_TRANSLATE_NOOP("Workstation", "unknown line {code!r}"),
    "line_voided": QT_TRANSLATE_NOOP("Workstation", "line {code} was voided"),
    "outside_year": QT_TRANSLATE_NOOP("Workstation", "{day} is outside the line's year {year}"),
    "after_today": QT_TRANSLATE_NOOP("Workstation", "{day} is after today ({today})"),
    "unknown_community": QT_TRANSLATE_NOOP("Workstation", "unknown community {code!r}"),
    "line_exists": QT_TRANSLATE_NOOP("Workstation", "line {code} already exists"),
    "duplicate_voucher": QT_TRANSLATE_NOOP("Workstation", "duplicate voucher number {voucher}"),
}
#: the columns a message names (year, category, source of a line; what is unknown)
COLUMN_NAMES = {
    "year": QT_TRANSLATE_NOOP("Workstation", "year"),
    "category": QT_TRANSLATE_NOOP("Workstation", "category"),
    "source": QT_TRANSLATE_NOOP("Workstation", "source"),
}


#: a rule's column as the tables head it (a refused write names the field)
FIELD_HEADS = {
    "line_code": QT_TRANSLATE_NOOP("Workstation", "Line"),
    "year": QT_TRANSLATE_NOOP("Workstation", "Year"),
    "category": QT_TRANSLATE_NOOP("Workstation", "Category"),
    "source": QT_TRANSLATE_NOOP("Workstation", "Source"),
    "amount": QT_TRANSLATE_NOOP("Workstation", "Amount"),
    "granted_on": QT_TRANSLATE_NOOP("Workstation", "Granted on"),
    "document": QT_TRANSLATE_NOOP("Workstation", "Document"),
    "note": QT_TRANSLATE_NOOP("Workstation", "Note"),
    "voucher_no": QT_TRANSLATE_NOOP("Workstation", "Voucher"),
    "spent_on": QT_TRANSLATE_NOOP("Workstation", "Date"),
    "payee": QT_TRANSLATE_NOOP("Workstation", "Payee"),
    "community_code": QT_TRANSLATE_NOOP("Workstation", "Community"),
}


def problem_text(message: str) -> str:
    """A ledger rule's message in the UI language (:class:`center.office.ledger.Msg`
    carries its kind and values; any other text is shown as it is)."""
    if isinstance(message, ledger.Msg) and message.kind == "bad_date":
        # parse_date's reasons (no time of day, not a real date …) say the same to a user
        return tx.pick("不是有效的日期（请写作 YYYY-MM-DD）", str(message))
    if not isinstance(message, ledger.Msg) or message.kind not in PROBLEM_TEXTS:
        return str(message)
    params = dict(message.params)
    kind = message.kind
    if kind == "unknown_choice":
        params["what"] = translate("Workstation", COLUMN_NAMES.get(params["what"], params["what"]))
    elif kind == "code_used":
        params["differs"] = tx.pick("，", ", ").join(
            translate("Workstation", "%1 %2 (not %3)")
            .replace("%1", translate("Workstation", COLUMN_NAMES.get(col, col)))
            .replace("%2", _value_name(col, old))
            .replace("%3", _value_name(col, new))
            for col, old, new in params.get("diffs", ())
        )
    return translate("Workstation", PROBLEM_TEXTS[kind]).format(**params)


def _value_name(col: str, value: Any) -> str:
    if col == "category":
        return _name(CATEGORY_LABELS, str(value))
    if col == "source":
        return _name(SOURCE_LABELS, str(value))
    return str(value)


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# ---------------------------------------------------------------------------
# Entry forms


class LedgerForm(QDialog):
    """A form for a funding line or an expenditure: each field is checked as it is
    typed with the import's rules; OK is enabled only when there is no problem."""

    def __init__(
        self,
        kind: str,
        refs: ledger.LedgerRefs,
        today: date,
        *,
        values: Mapping[str, Any] | None = None,
        correcting: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.refs = refs
        self.today = today
        self.correcting = correcting
        self.result_input: ledger.LineInput | ledger.ExpenditureInput | None = None
        if kind == "line":
            title = (
                translate("Workstation", "Correct funding line")
                if correcting
                else translate("Workstation", "New funding line")
            )
        else:
            title = (
                translate("Workstation", "Correct expenditure")
                if correcting
                else translate("Workstation", "New expenditure")
            )
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, label, widget in self._widgets():
            self.fields[name] = widget
            err = QLabel("")
            err.setStyleSheet(f"color: {BAD}")
            err.setWordWrap(True)
            err.hide()
            self.errors[name] = err
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(widget)
            box.addWidget(err)
            holder = QWidget()
            holder.setLayout(box)
            form.addRow(label, holder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if values:
            self.set_values(values)
        if correcting:
            key = "line_code" if kind == "line" else "voucher_no"
            self.fields[key].setEnabled(False)
            for frozen in ("year", "category", "source") if kind == "line" else ():
                self.fields[frozen].setEnabled(False)
        for w in self.fields.values():
            if isinstance(w, QLineEdit):
                w.textChanged.connect(self.validate)
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self.validate)
            elif isinstance(w, QDateEdit):
                w.dateChanged.connect(self.validate)
        self.validate()

    def _combo(self, labels: Mapping[str, tuple[str, str]], keys: tuple[str, ...]) -> QComboBox:
        box = QComboBox()
        for key in keys:
            box.addItem(_name(labels, key), key)
        return box

    def _widgets(self) -> list[tuple[str, str, QWidget]]:
        if self.kind == "line":
            year = QLineEdit(str(self.today.year))
            return [
                ("line_code", translate("Workstation", "Line code*"), QLineEdit()),
                ("year", translate("Workstation", "Year*"), year),
                (
                    "category",
                    translate("Workstation", "Category*"),
                    self._combo(CATEGORY_LABELS, CATEGORIES),
                ),
                (
                    "source",
                    translate("Workstation", "Source*"),
                    self._combo(SOURCE_LABELS, SOURCES),
                ),
                ("amount", translate("Workstation", "Amount (yuan)*"), QLineEdit()),
                ("granted_on", translate("Workstation", "Granted on (YYYY-MM-DD)"), QLineEdit()),
                ("document", translate("Workstation", "Document"), QLineEdit()),
                ("note", translate("Workstation", "Note"), QLineEdit()),
            ]
        lines = QComboBox()
        # this year's lines first
        for code, ref in sorted(self.refs.lines.items(), key=lambda kv: (-kv[1].year, kv[0])):
            if not ref.voided:
                lines.addItem(f"{code} · {_name(CATEGORY_LABELS, ref.category)}", code)
        community = QComboBox()
        community.addItem(translate("Workstation", "(whole street)"), "")
        for code, name in sorted(self.refs.communities.items()):
            community.addItem(f"{code} {name}", code)
        spent = QDateEdit(QDate(self.today.year, self.today.month, self.today.day))
        spent.setDisplayFormat("yyyy-MM-dd")
        spent.setCalendarPopup(True)
        return [
            ("voucher_no", translate("Workstation", "Voucher no.*"), QLineEdit()),
            ("line_code", translate("Workstation", "Funding line*"), lines),
            ("spent_on", translate("Workstation", "Spent on*"), spent),
            ("amount", translate("Workstation", "Amount (yuan)*"), QLineEdit()),
            ("payee", translate("Workstation", "Payee*"), QLineEdit()),
            ("community_code", translate("Workstation", "Community"), community),
            ("note", translate("Workstation", "Note"), QLineEdit()),
        ]

    def set_values(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            widget = self.fields.get(name)
            text = "" if value is None else str(value)
            if isinstance(widget, QLineEdit):
                widget.setText(text)
            elif isinstance(widget, QComboBox):
                i = widget.findData(text)
                if i < 0 and text:
                    widget.addItem(text, text)
                    i = widget.count() - 1
                widget.setCurrentIndex(max(i, 0))
            elif isinstance(widget, QDateEdit) and text:
                widget.setDate(QDate.fromString(text[:10], "yyyy-MM-dd"))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QLineEdit):
                out[name] = widget.text()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentData() or ""
            elif isinstance(widget, QDateEdit):
                out[name] = widget.date().toString("yyyy-MM-dd")
        return out

    def problems(self) -> list[tuple[str, str]]:
        values = self.values()
        if self.kind == "line":
            inp, found = ledger.check_line(values, self.refs, correcting=self.correcting)
            code = ledger.clean_text(values.get("line_code"))
            known = self.refs.lines.get(code or "")
            if known is not None and not self.correcting and inp is not None:
                found.append(("line_code", ledger.msg("line_exists", code=code)))
        else:
            sp, found = ledger.check_expenditure(
                values, self.refs, self.today, correcting=self.correcting
            )
            voucher = ledger.clean_text(values.get("voucher_no"))
            if voucher and not self.correcting and voucher in self.refs.vouchers:
                found.append(("voucher_no", ledger.msg("duplicate_voucher", voucher=voucher)))
            inp = sp  # type: ignore[assignment]
        self.result_input = inp if not found else None
        return found

    def validate(self) -> bool:
        found = self.problems()
        by_field: dict[str, list[str]] = {}
        for col, msg in found:
            by_field.setdefault(col, []).append(msg)
        for name, label in self.errors.items():
            # a required field left empty is not shouted at while the form is new
            msgs = [
                m for m in by_field.get(name, []) if not (m == "required" and not self._typed(name))
            ]
            label.setText(tx.pick("；", "; ").join(problem_text(m) for m in msgs))
            label.setVisible(bool(msgs))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not found)
        return not found

    def _typed(self, name: str) -> bool:
        w = self.fields[name]
        return bool(w.text()) if isinstance(w, QLineEdit) else True

    def _accept(self) -> None:
        if self.validate():
            self.accept()


# ---------------------------------------------------------------------------
# Charts


class _Bars(pg.PlotWidget):  # type: ignore[misc]
    """Grouped bars with category labels (plain data in)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, background="w")
        self.setTitle(title, color="#262626", size="10pt")
        self.showGrid(y=True, alpha=0.25)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        # the legend goes in a row of its own under the bottom axis: never over a bar
        self.legend = pg.LegendItem(
            labelTextColor="#262626", labelTextSize="9pt", colCount=3, frame=False
        )
        self.plotItem.layout.addItem(self.legend, 4, 1)
        self.getAxis("left").setWidth(64)  # room for amounts in yuan
        self.series: list[tuple[str, list[float]]] = []

    def set_bars(
        self, labels: list[str], series: list[tuple[str, list[float], str]], limit: float | None
    ) -> None:
        self.clear()
        self.legend.clear()
        n = max(1, len(series))
        width = 0.8 / n
        for k, (name, values, colour) in enumerate(series):
            xs = [i - 0.4 + width * (k + 0.5) for i in range(len(values))]
            item = pg.BarGraphItem(x=xs, height=values, width=width * 0.9, brush=colour, name=name)
            self.addItem(item)
            self.legend.addItem(item, name)
        if limit is not None:
            self.addItem(
                pg.InfiniteLine(pos=limit, angle=0, pen=pg.mkPen(BAD, style=Qt.PenStyle.DashLine))
            )
        self.getAxis("bottom").setTicks([list(enumerate(labels))])
        self.series = [(name, values) for name, values, _ in series]


# ---------------------------------------------------------------------------
# The tab


def load_view(
    engine: Engine, actor: Actor, year: int, as_of: datetime | None
) -> tuple[ledger.LedgerView, ledger.CommunityResults]:
    """The tab's data (worker thread): the ledger view (read_budget) and the whole
    street's closure rate and satisfaction for the 全街道 row of value for money."""
    from center.kpi.compute import compute_kpis

    view = ledger.ledger_view(engine, actor, year, as_of)
    t = as_of or now()
    street = compute_kpis(
        engine, str(year), "street", min(t, datetime(year, 12, 31, 23, 59, tzinfo=CST))
    )
    unit = street.units[0] if street.units else None
    kpis = unit.kpis if unit is not None else {}
    return view, ledger.CommunityResults(
        kpis["closure_15wd"].value if "closure_15wd" in kpis else None,
        kpis["satisfaction"].value if "satisfaction" in kpis else None,
    )


class BudgetView(QWidget):
    """The 经费管理 tab; ``refresh()`` reloads it on a worker thread."""

    loaded = Signal()
    failed = Signal(str)
    notice = Signal(str)  # what a write did (the main window's status bar shows it)

    def __init__(
        self,
        engine: Engine,
        actor: Actor,
        *,
        clock_fn: Callable[[], datetime] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._actor = actor
        self._now = clock_fn
        self.data: ledger.LedgerView | None = None
        self.street_results = ledger.CommunityResults(None, None)
        self.last_message = ""
        self._written: tuple[str, str] | None = None  # (kind, key) to select once reloaded
        self.may_write = actor.may("manage_budget") and not actor.read_only
        self._runner = TaskRunner(self, threads=1)
        self._runner.finished.connect(self._on_finished)
        self._runner.failed.connect(self._on_failed)
        today = (clock_fn() if clock_fn else datetime.now()).date()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setPrefix(translate("Workstation", "Year "))
        self.year.valueChanged.connect(lambda _y: self.refresh())
        self.reload_button = QPushButton(translate("Workstation", "&Reload"))
        self.reload_button.clicked.connect(self.refresh)
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        self.flags = QLabel("")
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(f"color: {BAD}")
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.reload_button)
        top.addWidget(self.headline, 1)

        self.lines = self._table(
            [
                translate("Workstation", h)
                for h in (
                    QT_TRANSLATE_NOOP("Workstation", "Line"),
                    QT_TRANSLATE_NOOP("Workstation", "Year"),
                    QT_TRANSLATE_NOOP("Workstation", "Category"),
                    QT_TRANSLATE_NOOP("Workstation", "Source"),
                    QT_TRANSLATE_NOOP("Workstation", "Amount"),
                    QT_TRANSLATE_NOOP("Workstation", "Granted on"),
                    QT_TRANSLATE_NOOP("Workstation", "Funded"),
                    QT_TRANSLATE_NOOP("Workstation", "Spent"),
                    QT_TRANSLATE_NOOP("Workstation", "Execution"),
                    QT_TRANSLATE_NOOP("Workstation", "Document"),
                    QT_TRANSLATE_NOOP("Workstation", "Status"),
                )
            ]
        )
        self.spends = self._table(
            [
                translate("Workstation", h)
                for h in (
                    QT_TRANSLATE_NOOP("Workstation", "Voucher"),
                    QT_TRANSLATE_NOOP("Workstation", "Date"),
                    QT_TRANSLATE_NOOP("Workstation", "Line"),
                    QT_TRANSLATE_NOOP("Workstation", "Category"),
                    QT_TRANSLATE_NOOP("Workstation", "Source"),
                    QT_TRANSLATE_NOOP("Workstation", "Amount"),
                    QT_TRANSLATE_NOOP("Workstation", "Payee"),
                    QT_TRANSLATE_NOOP("Workstation", "Community"),
                    QT_TRANSLATE_NOOP("Workstation", "Note"),
                    QT_TRANSLATE_NOOP("Workstation", "Status"),
                )
            ]
        )
        self.buttons: dict[str, QPushButton] = {}
        lines_page = self._page(self.lines, "line")
        spends_page = self._page(self.spends, "expenditure")

        self.quarter_chart = _Bars(
            translate("Workstation", "Plan and actual spending by quarter (yuan)")
        )
        self.category_chart = _Bars(
            translate("Workstation", "Execution by category (% of funding)")
        )
        self.source_chart = _Bars(translate("Workstation", "Execution by source (% of funding)"))
        self.forecast = QTableWidget(0, 6)
        self.forecast.setHorizontalHeaderLabels(
            [
                translate("Workstation", h)
                for h in (
                    QT_TRANSLATE_NOOP("Workstation", "Category"),
                    QT_TRANSLATE_NOOP("Workstation", "Standard"),
                    QT_TRANSLATE_NOOP("Workstation", "Funded"),
                    QT_TRANSLATE_NOOP("Workstation", "Spent"),
                    QT_TRANSLATE_NOOP("Workstation", "Year-end forecast"),
                    QT_TRANSLATE_NOOP("Workstation", "At risk"),
                )
            ]
        )
        self._plain(self.forecast)
        charts = QWidget()
        grid = QVBoxLayout(charts)
        row = QHBoxLayout()
        row.addWidget(self.quarter_chart)
        row.addWidget(self.category_chart)
        row.addWidget(self.source_chart)
        grid.addLayout(row, 3)
        grid.addWidget(self.flags)
        grid.addWidget(self.forecast, 2)

        self.value = self._table(
            [
                translate("Workstation", h)
                for h in (
                    QT_TRANSLATE_NOOP("Workstation", "Community"),
                    QT_TRANSLATE_NOOP("Workstation", "Households"),
                    QT_TRANSLATE_NOOP("Workstation", "Cost"),
                    QT_TRANSLATE_NOOP("Workstation", "Met visits"),
                    QT_TRANSLATE_NOOP("Workstation", "Cost per visit"),
                    QT_TRANSLATE_NOOP("Workstation", "Closed cases"),
                    QT_TRANSLATE_NOOP("Workstation", "Cost per closed case"),
                    QT_TRANSLATE_NOOP("Workstation", "Closure rate"),
                    QT_TRANSLATE_NOOP("Workstation", "Satisfaction"),
                )
            ]
        )

        self.pages = QTabWidget()
        self.pages.addTab(lines_page, translate("Workstation", "Funding lines"))
        self.pages.addTab(spends_page, translate("Workstation", "Expenditures"))
        self.pages.addTab(charts, translate("Workstation", "Plan and actual"))
        self.pages.addTab(self.value, translate("Workstation", "Value for money"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pages, 1)

    # -- building blocks ---------------------------------------------------------

    def _table(self, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        self._plain(t)
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        return t

    @staticmethod
    def _plain(t: QTableWidget) -> None:
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().setVisible(False)
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)

    def _page(self, table: QTableWidget, kind: str) -> QWidget:
        page = QWidget()
        bar = QHBoxLayout()
        for action, label in (
            ("new", translate("Workstation", "&New…")),
            ("correct", translate("Workstation", "&Correct…")),
            ("void", translate("Workstation", "&Void…")),
            ("import", translate("Workstation", "&Import…")),
            ("export", translate("Workstation", "E&xport…")),
        ):
            b = QPushButton(label)
            b.clicked.connect(lambda _c=False, a=action, k=kind: self._act(k, a))
            b.setVisible(self.may_write)
            self.buttons[f"{kind}.{action}"] = b
            bar.addWidget(b)
        bar.addStretch(1)
        if not self.may_write:
            note = QLabel(
                translate("Workstation", "Read only: the finance role records the budget.")
            )
            note.setStyleSheet("color: #595959")
            bar.addWidget(note)
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        v.addLayout(bar)
        v.addWidget(table, 1)
        table.itemSelectionChanged.connect(self._update_buttons)
        return page

    # -- loading -----------------------------------------------------------------

    def refresh(self) -> None:
        as_of = self._now() if self._now else None
        self._runner.submit("load", load_view, self._engine, self._actor, self.year.value(), as_of)

    def is_busy(self) -> bool:
        return self._runner.busy()

    def shutdown(self) -> None:
        self._runner.shutdown()

    def _on_finished(self, result: TaskResult) -> None:
        if result.key == "load":
            self.data, self.street_results = result.value
            self._show(self.data)
            if self._written is not None:
                self._select_written(*self._written)
                self._written = None
            self.loaded.emit()
            return
        self.last_message = str(result.value)
        written = result.value
        if isinstance(written, ledger.LineRecord | ledger.ExpenditureRecord):
            kind, key = (
                ("line", written.line_code)
                if isinstance(written, ledger.LineRecord)
                else ("expenditure", written.voucher_no)
            )
            self._written = (kind, key)
            if written.voided:
                text = translate("Workstation", "Voided %1.")
            elif result.key == "write.new":
                text = (
                    translate("Workstation", "Funding line %1 recorded.")
                    if kind == "line"
                    else translate("Workstation", "Expenditure %1 recorded.")
                )
            else:
                text = translate("Workstation", "%1 corrected.")
            self.last_message = text.replace("%1", key)
            self.notice.emit(self.last_message)
        self.refresh()

    def _select_written(self, kind: str, key: str) -> None:
        """After a write: show its table, select its row and scroll to it."""
        table = self.lines if kind == "line" else self.spends
        for row in range(table.rowCount()):
            item = table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
                self.pages.setCurrentIndex(0 if kind == "line" else 1)
                table.selectRow(row)
                table.setCurrentCell(row, 0)
                table.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
                return

    def _on_failed(self, result: TaskResult) -> None:
        err = result.error
        if isinstance(err, BudgetImportRejected):
            text = str(err) + "\n" + "\n".join(err.problems[:30])
        elif isinstance(err, ledger.LedgerRejected):
            text = "\n".join(
                f"{translate('Workstation', FIELD_HEADS.get(col, col))}{tx.pick('：', ': ')}"
                f"{problem_text(msg)}"
                for col, msg in err.problems
            )
        elif isinstance(err, USER_ERRORS):
            text = str(err)
        elif err is not None and (fault := fault_of(err)) is not None:
            text = fault_message(fault)
        else:
            text = translate("Workstation", "The budget could not be read or written: %1").replace(
                "%1", type(err).__name__
            )
        self.last_message = text
        self.failed.emit(text)
        if self.isVisible():
            QMessageBox.warning(self, translate("Workstation", "Budget"), text)
        if result.key != "load":
            self.refresh()

    def _show(self, v: ledger.LedgerView) -> None:
        s = v.summary
        self.headline.setText(
            translate(
                "Workstation",
                "Standard %1 (households %2 × %3) · funded %4 · gap %5 (%6 of the standard) · "
                "spent %7 (%8 of the funding) · year-end forecast %9",
            )
            .replace("%1", money(s.standard))
            .replace("%2", str(s.households))
            .replace("%3", money(s.yuan_per_household))
            .replace("%4", money(s.funded))
            .replace("%5", money(s.gap))
            .replace("%6", pct(s.gap_rate))
            .replace("%7", money(s.spent))
            .replace("%8", pct(s.execution))
            .replace("%9", money(s.forecast))
        )
        funded = {r.key: r for r in s.lines}
        self._fill(
            self.lines,
            [
                (
                    [
                        r.line_code,
                        str(r.year),
                        _name(CATEGORY_LABELS, r.category),
                        _name(SOURCE_LABELS, r.source),
                        money(r.amount),
                        r.granted_on.isoformat() if r.granted_on else "—",
                        money(funded[r.line_code].funded) if r.line_code in funded else "—",
                        money(funded[r.line_code].spent) if r.line_code in funded else "—",
                        pct(funded[r.line_code].execution) if r.line_code in funded else "—",
                        r.document or "",
                        self._status(
                            r.voided, r.line_code in funded and funded[r.line_code].overspent
                        ),
                    ],
                    r.line_code,
                    r.voided,
                )
                for r in v.lines
            ],
        )
        names = v.refs.communities
        self._fill(
            self.spends,
            [
                (
                    [
                        e.voucher_no,
                        e.spent_on.isoformat(),
                        e.line_code,
                        _name(CATEGORY_LABELS, e.category),
                        _name(SOURCE_LABELS, e.source),
                        money(e.amount),
                        e.payee,
                        names.get(e.community_code or "", "") or "—",
                        e.note or "",
                        self._status(e.voided, False),
                    ],
                    e.voucher_no,
                    e.voided,
                )
                for e in v.expenditures
            ],
        )
        self._charts(s)
        rows = []
        for c in s.communities:
            r = v.results.get(c.code or "", ledger.CommunityResults(None, None))
            rows.append(
                (
                    [
                        f"{c.code} {c.name}",
                        str(c.households),
                        money(c.cost),
                        str(c.met_visits),
                        money(c.cost_per_visit),
                        str(c.closed_cases),
                        money(c.cost_per_closed_case),
                        pct(r.closure_rate),
                        pct(r.satisfaction),
                    ],
                    c.code or "",
                    False,
                )
            )
        if s.street is not None:
            st = s.street
            rows.append(
                (
                    [
                        translate("Workstation", "Street"),
                        str(st.households),
                        money(st.cost),
                        str(st.met_visits),
                        money(st.cost_per_visit),
                        str(st.closed_cases),
                        money(st.cost_per_closed_case),
                        pct(self.street_results.closure_rate),
                        pct(self.street_results.satisfaction),
                    ],
                    "",
                    False,
                )
            )
        self._fill(self.value, rows)
        self._update_buttons()

    def _status(self, voided: bool, overspent: bool) -> str:
        if voided:
            return translate("Workstation", "voided")
        return translate("Workstation", "overspent") if overspent else ""

    def _fill(self, table: QTableWidget, rows: list[tuple[list[str], str, bool]]) -> None:
        table.setRowCount(len(rows))
        for i, (cells, key, voided) in enumerate(rows):
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setData(Qt.ItemDataRole.UserRole, key)
                if voided:
                    item.setForeground(Qt.GlobalColor.gray)
                    f = item.font()
                    f.setStrikeOut(True)
                    item.setFont(f)
                elif text in (translate("Workstation", "overspent"),):
                    item.setForeground(Qt.GlobalColor.red)
                table.setItem(i, j, item)

    def _charts(self, s: BudgetSummary) -> None:
        self.quarter_chart.set_bars(
            [q.key for q in s.by_quarter],
            [
                (
                    translate("Workstation", "Plan (funding ÷ 4)"),
                    [float(q.funded) for q in s.by_quarter],
                    "#91CAFF",
                ),
                (
                    translate("Workstation", "Actual"),
                    [float(q.spent) for q in s.by_quarter],
                    "#1677FF",
                ),
            ],
            None,
        )
        self.category_chart.set_bars(
            [_name(CATEGORY_LABELS, r.key) for r in s.by_category],
            [
                (
                    translate("Workstation", "Execution"),
                    [100 * (r.execution or 0) for r in s.by_category],
                    "#52C41A",
                ),
                (
                    translate("Workstation", "Forecast"),
                    [
                        100 * float(r.forecast / r.funded)
                        if r.funded and r.forecast is not None
                        else 0
                        for r in s.by_category
                    ],
                    "#FAAD14",
                ),
            ],
            100.0,
        )
        self.source_chart.set_bars(
            [_name(SOURCE_LABELS, r.key) for r in s.by_source],
            [
                (
                    translate("Workstation", "Execution"),
                    [100 * (r.execution or 0) for r in s.by_source],
                    "#13C2C2",
                )
            ],
            100.0,
        )
        self.forecast.setRowCount(len(s.by_category))
        for i, r in enumerate(s.by_category):
            cells = [
                _name(CATEGORY_LABELS, r.key),
                money(r.standard),
                money(r.funded),
                money(r.spent),
                money(r.forecast),
                translate("Workstation", "at risk") if r.at_risk else "",
            ]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if r.at_risk and j >= 4:
                    item.setForeground(Qt.GlobalColor.red)
                self.forecast.setItem(i, j, item)
        flags = []
        for r in s.by_category:
            if r.at_risk:
                flags.append(
                    translate("Workstation", "%1: the year-end forecast %2 exceeds the funding %3")
                    .replace("%1", _name(CATEGORY_LABELS, r.key))
                    .replace("%2", money(r.forecast))
                    .replace("%3", money(r.funded))
                )
        over = s.overspent_lines
        if over:
            flags.append(
                translate("Workstation", "Overspent lines: %1").replace("%1", ", ".join(over))
            )
        self.flags.setText("\n".join(flags))

    # -- actions -----------------------------------------------------------------

    def selected(self, kind: str) -> str | None:
        table = self.lines if kind == "line" else self.spends
        row = table.currentRow()
        item = table.item(row, 0) if row >= 0 else None
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _record(self, kind: str, code: str) -> Any:
        if self.data is None:
            return None
        rows = self.data.lines if kind == "line" else self.data.expenditures
        key = "line_code" if kind == "line" else "voucher_no"
        return next((r for r in rows if getattr(r, key) == code), None)

    def _update_buttons(self) -> None:
        for kind in ("line", "expenditure"):
            code = self.selected(kind)
            rec = self._record(kind, code) if code else None
            usable = rec is not None and not rec.voided
            self.buttons[f"{kind}.correct"].setEnabled(usable)
            self.buttons[f"{kind}.void"].setEnabled(usable)
            self.buttons[f"{kind}.new"].setEnabled(self.data is not None)

    def open_form(self, kind: str, correcting: str | None = None) -> LedgerForm | None:
        """The entry form (not shown): new, or correcting the selected row."""
        if self.data is None:
            return None
        values = None
        if correcting is not None:
            rec = self._record(kind, correcting)
            values = rec.values() if rec is not None else None
        return LedgerForm(
            kind,
            self.data.refs,
            self.data.today,
            values=values,
            correcting=correcting,
            parent=self,
        )

    def submit_form(self, form: LedgerForm, correcting: str | None = None) -> None:
        values = form.values()
        e, a = self._engine, self._actor
        if form.kind == "line":
            if correcting is None:
                self._runner.submit("write.new", ledger.create_line, e, a, values)
            else:
                rec = self._record("line", correcting)
                self._runner.submit(
                    "write", ledger.correct_line, e, a, correcting, rec.version, values
                )
        elif correcting is None:
            self._runner.submit("write.new", ledger.create_expenditure, e, a, values)
        else:
            rec = self._record("expenditure", correcting)
            self._runner.submit(
                "write", ledger.correct_expenditure, e, a, correcting, rec.version, values
            )

    def void(self, kind: str, code: str, reason: str) -> None:
        rec = self._record(kind, code)
        if rec is None:
            return
        fn = ledger.void_line if kind == "line" else ledger.void_expenditure
        self._runner.submit("write", fn, self._engine, self._actor, code, rec.version, reason)

    def import_file(self, kind: str, path: str) -> None:
        from center.interchange.budget import import_budget

        what = "lines" if kind == "line" else "expenditures"
        self._runner.submit("write", import_budget, self._engine, self._actor, what, path)

    def export_file(self, kind: str, path: str) -> None:
        from center.interchange.budget import export_budget

        what = "lines" if kind == "line" else "expenditures"
        self._runner.submit("write", export_budget, self._engine, self._actor, what, path)

    def _act(self, kind: str, action: str) -> None:
        files = translate("Workstation", "Spreadsheets (*.csv *.xlsx)")
        if action in ("new", "correct"):
            code = self.selected(kind) if action == "correct" else None
            if action == "correct" and code is None:
                return
            form = self.open_form(kind, code)
            if form is not None and form.exec() == QDialog.DialogCode.Accepted:
                self.submit_form(form, code)
        elif action == "void":
            code = self.selected(kind)
            if code is None:
                return
            reason, ok = QInputDialog.getText(
                self,
                translate("Workstation", "Void"),
                translate(
                    "Workstation", "Why is %1 voided? (kept in the ledger, counted nowhere)"
                ).replace("%1", code),
            )
            if ok and reason.strip():
                self.void(kind, code, reason)
        elif action == "import":
            path, _ = QFileDialog.getOpenFileName(
                self, translate("Workstation", "Import"), "", files
            )
            if path:
                self.import_file(kind, path)
        elif action == "export":
            path, _ = QFileDialog.getSaveFileName(
                self, translate("Workstation", "Export"), "", files
            )
            if path:
                self.export_file(kind, path)
