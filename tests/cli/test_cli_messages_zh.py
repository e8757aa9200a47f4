"""The command line's words in Chinese (issue 17, walkthrough): a workstation snapshot
says 已写入 like the wall's, an approval of a period that has not ended is refused in
Chinese, a report built again says it updated its draft (已更新草稿), and `center kpi`
names the scopes in Chinese too."""

from __future__ import annotations

from datetime import datetime

import pytest
from builders import TEST_PASSWORD, Builder, account

from center.cli import main
from center.reporting import snapshots as svc
from db.types import CST

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
DEC_7 = datetime(2026, 12, 7, 10, tzinfo=CST)


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CENTER_LANG", raising=False)  # the product's default: Chinese


@pytest.fixture
def street(engine):
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.household("H1", "G01", special_groups="solo_elderly")
    return account(engine, "kao", "assessor")


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_an_unfinished_period_is_refused_in_chinese(
    db_url, engine, street, capsys, monkeypatch, zh
):
    monkeypatch.setattr(svc, "clock_now", lambda: DEC_7)
    draft = svc.save_draft(engine, "quarterly", "2026Q4", "all", street)
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    argv = ["report", "approve", str(draft.id), "--user", "kao", "--db", db_url]
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == (
        f"center：错误：报告 {draft.id}（季度考核 2026Q4）暂不能审批：统计期未结束"
        "（2027-01-01 00:00 结束，现在是 2026-12-07 10:00），数字还会变化。"
        "请在统计期结束后审批，或由管理员用 --override-reason 说明理由提前审批\n"
    )
    code, _, err = _run(capsys, *argv, "--lang", "en")
    assert code == 2 and "cannot be approved yet: its period has not ended" in err
    assert svc.find_report(engine, "quarterly", "2026Q4").status == "draft"


@sqlite_only
def test_building_a_draft_again_says_it_was_updated(
    db_url, engine, street, capsys, monkeypatch, tmp_path, zh
):
    monkeypatch.setenv("CENTER_USER", "kao")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    pdf = tmp_path / "m.pdf"
    argv = ["report", "monthly", "--month", "2026-11", "-o", str(pdf), "--db", db_url]
    argv += ["--as-of", "2026-12-01T09:00"]
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    assert out == (
        f"已写入 {pdf}：月通报 2026-11，草稿（报告 1；审批：`center report approve 1 "
        "--user NAME`）\n"
    )
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    assert out == (
        f"已写入 {pdf}：月通报 2026-11，已更新草稿（编号 1；审批：`center report approve 1 "
        "--user NAME`）\n"
    )
    code, out, _ = _run(capsys, *argv, "--lang", "en")
    assert "updated the DRAFT (report 1;" in out


@sqlite_only
def test_a_workstation_snapshot_says_written_in_chinese(
    db_url, engine, capsys, monkeypatch, tmp_path, zh
):
    from PySide6.QtCore import QCoreApplication

    from center.windows.runtime.i18n import install_translators

    account(engine, "li", "coordinator")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    out = tmp_path / "ws.png"
    argv = ["snapshot", "workstation", "--db", db_url, "--size", "1366x768", "-o", str(out)]
    try:
        code, text, _ = _run(capsys, *argv, "--user", "li")
    finally:  # the process-wide translators stay English for later tests
        install_translators(QCoreApplication.instance(), "en")
    assert code == 0 and out.exists()
    assert text == f"已写入 {out}（1366x768）\n"
