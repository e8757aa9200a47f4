"""The app's report dialog (报表): the file label's mnemonic, the builder's display
name, a draft built again is the same draft (已更新草稿), and an assessor approves a
draft whose period has ended (审核通过) with the service of `center report approve`;
a period that has not ended says why it cannot be approved."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from builders import account
from test_wall_service import build_wall_street

from center.windows.runtime.qtenv import prepare_environment

prepare_environment()

from PySide6.QtCore import Qt, QUrl  # noqa: E402

from center.reporting import snapshots as svc  # noqa: E402
from center.windows.app import reports  # noqa: E402
from center.windows.app.reports import ReportDialog  # noqa: E402
from center.windows.runtime.i18n import install_translators  # noqa: E402
from db.engine import open_database  # noqa: E402
from db.types import CST  # noqa: E402

pytestmark = pytest.mark.gui
WAIT = 90_000
OCT_15 = datetime(2026, 10, 15, 9, tzinfo=CST)


@pytest.fixture
def engine(tmp_path: Path):
    eng = open_database(f"sqlite:///{tmp_path / 'center.sqlite3'}")
    build_wall_street(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def assessor(engine):
    return replace(account(engine, "assess9", "assessor"), display_name="李考核")


def _dialog(qtbot: Any, engine, actor, tmp_path: Path) -> ReportDialog:
    opened: list[QUrl] = []
    d = ReportDialog(engine, actor, folder=tmp_path, open_url=lambda u: opened.append(u) or True)
    qtbot.addWidget(d)
    d.period.setText("2026-10")
    d.path.setText(str(tmp_path / "notice.pdf"))
    return d


def _build(qtbot: Any, d: ReportDialog) -> None:
    d.built = None
    assert d.build()
    qtbot.waitUntil(lambda: d.built is not None and not d.is_busy(), timeout=WAIT)


def test_the_file_label_has_a_buddy_and_the_builder_is_named(qtbot, engine, assessor, tmp_path):
    d = _dialog(qtbot, engine, assessor, tmp_path)
    assert d.path_label.buddy() is d.path
    assert d.path_label.text() == "Fi&le:"
    assert d.who.text() == "Built by 李考核 (assessor)"  # not the login name assess9


def test_building_again_updates_the_draft_and_an_assessor_approves_it(
    qtbot, engine, assessor, tmp_path
):
    d = _dialog(qtbot, engine, assessor, tmp_path)
    assert d.approve_button.isVisibleTo(d)  # an assessor approves in the dialog
    assert not d.approve_button.isEnabled()
    _build(qtbot, d)
    rec = svc.find_report(engine, "monthly", "2026-10")
    assert rec is not None and rec.status == "draft"
    pdf = tmp_path / "notice.pdf"
    assert d.status.text() == (
        f"Saved to {pdf}.\nSaved as draft no. {rec.id}.\nAn assessor may approve it now."
    )
    _build(qtbot, d)
    assert d.status.text().splitlines()[1] == f"Draft no. {rec.id} updated."
    assert d.approve_button.isEnabled()
    before = d.built
    qtbot.mouseClick(d.approve_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.built is not before and not d.is_busy(), timeout=WAIT)
    rec = svc.find_report(engine, "monthly", "2026-10")
    assert rec is not None and rec.status == "approved" and rec.approved_by == "assess9"
    assert d.status.text().splitlines()[1] == f"Approved: document number {rec.doc_number}."
    assert not d.approve_button.isEnabled()  # approved: nothing more to approve


def test_a_period_not_ended_cannot_be_approved_and_says_why(
    qtbot, engine, assessor, tmp_path, monkeypatch
):
    monkeypatch.setattr(reports, "clock_now", lambda: OCT_15)
    d = _dialog(qtbot, engine, assessor, tmp_path)
    _build(qtbot, d)
    assert not d.approve_button.isEnabled()
    assert d.status.text().splitlines()[2] == (
        "The period has not ended (it ends 2026-11-01 00:00): the draft can be approved "
        "once it has."
    )
    # the service refuses it too (the button is only a convenience)
    monkeypatch.setattr(svc, "clock_now", lambda: OCT_15)
    assert d.approve()
    qtbot.waitUntil(lambda: not d.is_busy(), timeout=WAIT)
    assert d.status.text() == (
        "Not approved: the period has not ended (it ends 2026-11-01 00:00): approve it once it has"
    )
    assert svc.find_report(engine, "monthly", "2026-10").status == "draft"


def test_only_an_assessor_sees_the_approve_button(qtbot, engine, tmp_path):
    admin_builder = account(engine, "lead9", "leader")
    d = ReportDialog(engine, admin_builder, folder=tmp_path)
    qtbot.addWidget(d)
    d.show()
    assert not d.approve_button.isVisible()
    d2 = ReportDialog(engine, account(engine, "assess8", "assessor"), folder=tmp_path)
    qtbot.addWidget(d2)
    d2.show()
    assert d2.approve_button.isVisible()


def test_the_dialog_reads_in_chinese(qtbot, qapp, engine, assessor, tmp_path):
    install_translators(qapp, "zh_CN")
    try:
        d = _dialog(qtbot, engine, assessor, tmp_path)
        d.show()
        assert d.path_label.text() == "文件(&L)："
        assert d.approve_button.text() == "审核通过(&A)"
        assert d.who.text() == "生成人：李考核（督导考核组）"
        _build(qtbot, d)
        rec = svc.find_report(engine, "monthly", "2026-10")
        assert d.status.text() == (
            f"已保存到 {tmp_path / 'notice.pdf'}。\n已存为草稿（编号 {rec.id}）。\n"
            "统计期已结束，可点击“审核通过”。"
        )
        # the dialog grows: the status lines are not squeezed
        status = d.status
        qtbot.waitUntil(
            lambda: status.height() >= status.heightForWidth(status.width()), timeout=5000
        )
        d.grab().save(str(tmp_path / "dialog.png"))
    finally:
        install_translators(qapp, "en")
