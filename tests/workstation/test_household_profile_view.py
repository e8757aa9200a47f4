"""The household tab's profile editor with pytest-qt: the grid's worker edits members,
phones, special groups and notes through the dialog's buttons, confirms a profile, a
stale save shows what the other person changed, a refused value keeps the editor open,
and the grids' 30-day verification shares; plus the view rendered at 1366×768."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from builders import Builder, account
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import insert, select

from center.core.access import Actor
from center.visits import profile as vp
from center.windows.workstation.household_dialogs import (
    AddMemberDialog,
    PhoneDialog,
    RemoveMemberDialog,
    TagsDialog,
)
from center.windows.workstation.household_view import HouseholdView
from db.models import AuditLog, Household, Resident

pytestmark = pytest.mark.gui
WAIT = 20_000
NEW_PHONE = "13900001111"
SHOTS = Path("/tmp/household-shots")


@pytest.fixture
def db_url(tmp_path, _sqlite_template):
    """The window tests run on SQLite only (the services are tested on both)."""
    path = tmp_path / "center.sqlite3"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def street(ctx):
    b = Builder(ctx.engine)
    b.grid("G01")
    b.grid("G02")
    b.staff("S1", "G01")
    b.household("H1", "G01", address="幸福小区1号楼1单元101", members=2)
    b.household("H2", "G02", address="和平里5号楼")
    c = ctx.cipher
    with ctx.engine.begin() as conn:
        for code, name, phone in (("R1", "张三", "13812345678"), ("R2", "王五", None)):
            conn.execute(
                insert(Resident).values(
                    code=code,
                    household_id=b.id("household", "H1"),
                    name_enc=c.encrypt("name", name),
                    name_hash=c.lookup_hash("name", name),
                    phone_enc=c.encrypt("phone", phone) if phone else None,
                    phone_hash=c.lookup_hash("phone", phone) if phone else None,
                )
            )
    return b


@pytest.fixture
def worker(ctx, street):
    return account(ctx.engine, "gw1", "grid_worker", grid="G01")


def _view(qtbot, ctx, actor, code="H1"):
    hv = HouseholdView(ctx, actor)
    qtbot.addWidget(hv)
    hv.resize(1366, 700)
    hv.show()
    hv.load(code)
    qtbot.waitUntil(lambda: hv.profile is not None and hv.profile.code == code, timeout=WAIT)
    return hv


@pytest.fixture
def view(qtbot, ctx, worker):
    hv = _view(qtbot, ctx, worker)
    yield hv
    hv.shutdown()


def _answer(monkeypatch, cls, accepted=True, **values):
    """``cls``'s exec answers at once; its getters return ``values``."""
    code = QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected
    monkeypatch.setattr(cls, "exec", lambda self: code)
    for name, value in values.items():
        monkeypatch.setattr(cls, name, lambda self, v=value: v)


def _click(qtbot, button):
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _audit(ctx):
    with ctx.engine.connect() as conn:
        return [
            (actor, action, json.loads(detail))
            for actor, action, detail in conn.execute(
                select(AuditLog.actor, AuditLog.action, AuditLog.detail)
                .where(AuditLog.action.startswith("household."))
                .order_by(AuditLog.id)
            )
        ]


def _household(ctx, code="H1"):
    with ctx.engine.connect() as conn:
        return conn.execute(
            select(
                Household.members,
                Household.special_groups,
                Household.notes,
                Household.version,
                Household.verified_by,
            ).where(Household.code == code)
        ).one()


def test_the_grid_worker_edits_the_profile_with_the_dialog(qtbot, view, ctx, monkeypatch):
    assert view.info["verified"].text() != "—"
    _click(qtbot, view.edit_btn)
    dlg = view.editor
    assert dlg is not None and dlg.isVisible()
    assert [dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())] == ["张*", "王*"]
    # the elderly man now lives alone: his wife passed away, his phone changed
    dlg.select_member("R1")
    _answer(monkeypatch, PhoneDialog, phone=NEW_PHONE)
    _click(qtbot, dlg.phone_btn)
    assert dlg.phones == {"R1": NEW_PHONE}
    assert dlg.table.item(0, 4).text().endswith("139****1111")
    dlg.select_member("R2")
    _answer(monkeypatch, RemoveMemberDialog, reason="died")
    _click(qtbot, dlg.remove_btn)
    assert dlg.removed == {"R2": "died"} and dlg.members.value() == 1
    assert dlg.table.item(1, 1).font().strikeOut()
    assert not dlg.phone_btn.isEnabled()  # a removed member's phone is not changed
    dlg.groups["solo_elderly"].setChecked(True)
    dlg.notes.setPlainText("子女在外地")
    _click(qtbot, dlg.save_btn)
    qtbot.waitUntil(lambda: view.editor is None and view.profile.version == 2, timeout=WAIT)
    assert _household(ctx) == (1, "solo_elderly", "子女在外地", 2, "gw1")
    ((actor, action, detail),) = _audit(ctx)
    assert (actor, action) == ("gw1", "household.edit")
    assert detail["changes"] == {
        "members": [2, 1],
        "is_special": [False, True],
        "special_groups": ["…", "…"],
        "notes": [None, "…"],
        "phone:R1": ["138****5678", "139****1111"],
        "member:R2": ["王*", None],
    }
    # the view shows the new record, masked, and that it was just verified
    assert [view.residents.item(r, 5).text() for r in range(view.residents.rowCount())] == [
        "139****1111"
    ]
    assert view.profile.verified.how == "profile" and "Gw1" in view.info["verified"].text()
    assert "子女在外地" in view.info["flags"].text()


def test_adding_a_member_and_undoing_a_change(qtbot, view, ctx, monkeypatch):
    _click(qtbot, view.edit_btn)
    dlg = view.editor
    _answer(monkeypatch, AddMemberDialog, member=vp.NewMember("李四", gender="F"))
    _click(qtbot, dlg.add_btn)
    assert dlg.members.value() == 3 and dlg.table.rowCount() == 3
    assert dlg.table.item(2, 1).text() == "李*"
    dlg.select_member("R1")
    _answer(monkeypatch, PhoneDialog, phone=NEW_PHONE)
    _click(qtbot, dlg.phone_btn)
    _click(qtbot, dlg.undo_btn)  # the phone change is taken back
    assert dlg.phones == {}
    dlg.select_member("+1")
    _click(qtbot, dlg.undo_btn)  # and the new member
    assert dlg.added == [] and dlg.members.value() == 2
    _answer(monkeypatch, AddMemberDialog, member=vp.NewMember("李四", gender="F"))
    _click(qtbot, dlg.add_btn)
    dlg.select_member("R1")  # he now lives alone
    _answer(monkeypatch, TagsDialog, tags=("独居老人",))
    _click(qtbot, dlg.tags_btn)
    assert dlg.tags == {"R1": ("独居老人",)} and dlg.table.item(0, 4).text().endswith("独居老人")
    _click(qtbot, dlg.save_btn)
    qtbot.waitUntil(lambda: view.editor is None, timeout=WAIT)
    with ctx.engine.connect() as conn:
        enc = conn.scalar(select(Resident.name_enc).where(Resident.code == "H1-01"))
        tags = conn.scalar(select(Resident.tags).where(Resident.code == "R1"))
    assert ctx.cipher.decrypt("name", bytes(enc)) == "李四"
    assert _household(ctx)[0] == 3 and tags == "独居老人"
    ((_actor, _action, detail),) = _audit(ctx)
    assert detail["changes"] == {
        "members": [2, 3],
        "tags:R1": [None, "…"],
        "member:H1-01": [None, "李*"],
    }


def test_a_refused_value_keeps_the_editor_open_with_what_was_typed(qtbot, view, ctx):
    _click(qtbot, view.edit_btn)
    dlg = view.editor
    dlg.notes.setPlainText("儿子电话13912345678")
    _click(qtbot, dlg.save_btn)
    qtbot.waitUntil(lambda: dlg.error.text() != "", timeout=WAIT)
    assert view.editor is dlg and dlg.isVisible() and dlg.save_btn.isEnabled()
    assert dlg.notes.toPlainText() == "儿子电话13912345678"
    assert _household(ctx)[3] == 1 and _audit(ctx) == []
    dlg.notes.setPlainText("儿子每周来看望")  # corrected: saved
    _click(qtbot, dlg.save_btn)
    qtbot.waitUntil(lambda: view.editor is None, timeout=WAIT)
    assert _household(ctx)[2] == "儿子每周来看望"


def test_a_stale_save_shows_what_the_other_person_changed(qtbot, view, ctx, monkeypatch):
    _click(qtbot, view.edit_btn)
    dlg = view.editor
    coord = account(ctx.engine, "coord", "coordinator")
    base = view.profile
    vp.edit_household(
        ctx,
        coord,
        "H1",
        1,
        vp.ProfileEdit(members=3, special_groups=(), moved_out_on=None, notes=None),
        base=base.state,
    )
    dlg.notes.setPlainText("独居")
    _click(qtbot, dlg.save_btn)
    qtbot.waitUntil(lambda: view.conflict is not None, timeout=WAIT)
    conflict = view.conflict
    top = conflict.tree.topLevelItem(0)
    assert top.text(1) == "coord"
    assert top.childCount() == 0 and top.text(2).endswith(": 2 → 3")  # members only
    assert _household(ctx)[2] is None  # nothing of the worker's was written
    _click(qtbot, conflict.reload_btn)
    qtbot.waitUntil(lambda: view.editor is None and view.profile.version == 2, timeout=WAIT)
    assert view.profile.members == 3


def test_confirming_the_profile_verifies_it(qtbot, view, ctx):
    assert view.profile.verified.at is None
    _click(qtbot, view.confirm_btn)
    qtbot.waitUntil(lambda: view.profile.version == 2, timeout=WAIT)
    assert view.profile.verified.how == "profile"
    assert _audit(ctx) == [("gw1", "household.confirm", {"version": 2, "changes": {}})]
    assert view.last_change is not None and view.last_change.action == "household.confirm"


def test_only_the_grids_worker_and_coordinators_get_the_edit_buttons(qtbot, ctx, street):
    coord = _view(qtbot, ctx, account(ctx.engine, "coord", "coordinator"), "H2")
    try:
        assert coord.edit_btn.isEnabled() and coord.confirm_btn.isEnabled()
    finally:
        coord.shutdown()
    assessor = _view(qtbot, ctx, account(ctx.engine, "ass", "assessor"))
    try:
        assert not assessor.edit_btn.isVisibleTo(assessor)
        assert assessor.edit_profile() is None
    finally:
        assessor.shutdown()
    # a worker holding the role elsewhere: the buttons stay disabled, the service refuses
    other = Actor.of("gw9", {"grid_worker", "assessor"}, grid_id=None, grid_code="G02")
    hv = _view(qtbot, ctx, other)
    try:
        assert hv.edit_btn.isVisibleTo(hv) and not hv.edit_btn.isEnabled()
        assert hv.edit_profile() is None
    finally:
        hv.shutdown()


def test_the_grids_verification_shares(qtbot, view, ctx):
    _click(qtbot, view.confirm_btn)
    qtbot.waitUntil(lambda: view.profile.version == 2, timeout=WAIT)
    share = view.profile.grid_share
    assert (share.grid_code, share.households, share.verified) == ("G01", 1, 1)
    assert "100.0%" in view.info["share"].text()
    _click(qtbot, view.shares_btn)
    qtbot.waitUntil(lambda: view.shares_dialog is not None, timeout=WAIT)
    t = view.shares_dialog.table
    rows = [[t.item(r, c).text() for c in range(1, 5)] for r in range(t.rowCount())]
    assert rows == [["G01 G01网格", "1", "1", "100.0%"], ["G02 G02网格", "1", "0", "0.0%"]]
    view.shares_dialog.close()
    qtbot.waitUntil(lambda: view.shares_dialog is None, timeout=WAIT)


def test_the_household_view_at_1366x768(qtbot, qapp, ctx, worker):
    """Rendered in Chinese for a look (PNGs under /tmp/household-shots): the household
    tab and the editor fit 1366×768."""
    from center.windows.runtime.i18n import install_translators
    from center.windows.workstation.main_window import WorkstationWindow

    install_translators(qapp, "zh_CN")
    w = WorkstationWindow(ctx, worker, live=False)
    qtbot.addWidget(w)
    w.resize(QSize(1366, 768))
    w.show()
    w.start()
    try:
        w.open_household("H1")
        hv = w.household
        qtbot.waitUntil(lambda: hv.profile is not None, timeout=WAIT)
        SHOTS.mkdir(exist_ok=True)
        assert w.grab().save(str(SHOTS / "household-1366x768.png"))
        dlg = hv.edit_profile()
        assert dlg is not None
        qtbot.waitUntil(dlg.isVisible, timeout=WAIT)
        assert dlg.grab().save(str(SHOTS / "profile-dialog.png"))
        assert dlg.height() <= 768 and dlg.width() <= 1366
        assert hv.minimumSizeHint().width() <= 1366
        dlg.reject()
        qtbot.waitUntil(lambda: hv.editor is None, timeout=WAIT)
    finally:
        w.shutdown()
        install_translators(qapp, "en")
