"""The command line speaks the user's language (issue 17): every command takes
``--lang zh_CN|en``; without it the setting ``lang`` (``CENTER_LANG`` or the config
file) decides and Chinese is the default, like the windows. Errors, confirmations and
summaries follow it; JSON output never does."""

from __future__ import annotations

import argparse
import json

import pytest
from builders import Builder

from center.cli import build_parser, main
from center.commands import messages
from db.engine import open_database

AS_OF = "2026-12-07T09:00:00"


def _leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


def test_every_command_takes_lang():
    leaves = dict(_leaves(build_parser()))
    assert len(leaves) > 40  # the whole tree was walked
    missing = [
        " ".join(path)
        for path, p in leaves.items()
        if not any("--lang" in a.option_strings for a in p._actions)
    ]
    assert missing == []
    for path, p in leaves.items():
        action = next(a for a in p._actions if "--lang" in a.option_strings)
        assert tuple(action.choices) == ("zh_CN", "en"), path


@pytest.fixture
def zh_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language configured: the product's default (the test suite reads English)."""
    monkeypatch.delenv("CENTER_LANG", raising=False)


@pytest.fixture
def street(db_url: str) -> str:
    engine = open_database(db_url)
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.household("H1", "G01", special_groups="solo_elderly")
    engine.dispose()
    return db_url


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_same_error_in_chinese_and_english(tmp_path, capsys, zh_default):
    db = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    argv = ["kpi", "--db", db, "--period", "2026-10"]
    code, out, err = _run(capsys, *argv)  # the default: Chinese
    assert (code, out) == (2, "")
    assert err == (
        "center：错误：缺少 --scope：可选 street（街道）、community（社区）、grid（网格）、"
        "department（部门）\n"
    )
    code, out, err = _run(capsys, *argv, "--lang", "en")
    assert (code, out) == (2, "")
    assert err == "center: error: --scope is required: one of street, community, grid, department\n"
    code, _, err_zh = _run(capsys, *argv, "--lang", "zh_CN")
    assert err_zh.startswith("center：错误：缺少 --scope")


def test_the_setting_decides_without_lang(tmp_path, capsys, monkeypatch, zh_default):
    db = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    argv = ["kpi", "--db", db, "--scope", "grid"]
    monkeypatch.setenv("CENTER_LANG", "en")
    assert _run(capsys, *argv)[2] == (
        "center: error: --period is required: YYYY-MM, YYYYQn or YYYY\n"
    )
    monkeypatch.delenv("CENTER_LANG")
    config = tmp_path / "center.ini"
    config.write_text("[center]\nlang = en\n", encoding="utf-8")
    monkeypatch.setenv("CENTER_CONFIG", str(config))
    assert _run(capsys, *argv)[2].startswith("center: error: --period is required")
    # the command line wins over the setting
    assert _run(capsys, *argv, "--lang", "zh_CN")[2] == (
        "center：错误：缺少 --period：YYYY-MM、YYYYQn 或 YYYY\n"
    )
    config.write_text("[center]\nlang = fr\n", encoding="utf-8")
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert err == (
        "center：错误：语言 'fr'（设置 lang）无效：请用 zh_CN, en 之一 / "
        "language 'fr' (setting lang): use one of zh_CN, en\n"
    )


def test_a_missing_database_in_both_languages(tmp_path, capsys, zh_default):
    path = tmp_path / "nowhere" / "c.sqlite3"
    argv = ["kpi", "--db", f"sqlite:///{path}", "--period", "2026-10", "--scope", "grid"]
    assert _run(capsys, *argv)[2] == (
        f"center：错误：没有数据库 {path}：请检查路径，或用 `center db upgrade` / "
        "`center demo` 新建\n"
    )
    assert _run(capsys, *argv, "--lang", "en")[2] == (
        f"center: error: no database at {path}: check the path, or create one with "
        "`center db upgrade` / `center demo`\n"
    )


@pytest.mark.parametrize(
    ("period", "starts"),
    [("2027-03", "2027-03-01"), ("2027Q1", "2027-01-01"), ("2027", "2027-01-01")],
)
def test_a_future_period_is_refused_in_both_languages(street, capsys, zh_default, period, starts):
    argv = ["kpi", "--db", street, "--period", period, "--scope", "grid", "--as-of", AS_OF]
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == (
        f"center：错误：统计期 {period} 在评估时刻 2026-12-07 09:00 尚未开始（开始于 {starts}）："
        "还没有可统计的数据；请选择 2026-12 及以前的统计期，或更晚的评估时刻（--as-of）\n"
    )
    code, out, err = _run(capsys, *argv, "--json", "--lang", "en")
    assert (code, out) == (2, "")
    assert err == (
        f"center: error: the period {period} has not started at the evaluation instant "
        f"2026-12-07 09:00 (it starts on {starts}): there is nothing to measure yet; "
        "choose a period up to 2026-12, or a later instant (--as-of)\n"
    )


def test_assess_refuses_a_future_year_in_both_languages(street, capsys, zh_default):
    argv = ["assess", "--db", street, "--scope", "grid", "--year", "2027", "--as-of", AS_OF]
    assert _run(capsys, *argv)[2].startswith("center：错误：统计期 2027 在评估时刻")
    assert _run(capsys, *argv, "--lang", "en")[2].startswith(
        "center: error: the period 2027 has not started"
    )


def test_the_kpi_table_follows_the_language_and_json_does_not(street, capsys, zh_default):
    argv = ["kpi", "--db", street, "--period", "2026-11", "--scope", "grid", "--as-of", AS_OF]
    code, out, _ = _run(capsys, *argv)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("网格指标  周期 2026-11  截至 2026-12-07T09:00:00+08:00")
    assert lines[1].split()[:3] == ["代码", "名称", "走访覆盖率"]
    assert lines[-1].startswith("目标")
    code, out, _ = _run(capsys, *argv, "--lang", "en")
    lines = out.splitlines()
    assert lines[0].startswith("KPIs by grid  period 2026-11  as of 2026-12-07T09:00:00+08:00")
    assert lines[1].split()[:3] == ["code", "name", "Visit"]  # "Visit coverage"
    assert lines[-1].startswith("target")
    assert "走访覆盖率" not in out
    jsons = [_run(capsys, *argv, "--json", *lang)[1] for lang in ([], ["--lang", "en"])]
    assert jsons[0] == jsons[1] and json.loads(jsons[0])["period"] == "2026-11"


def test_a_login_refusal_in_both_languages(street, capsys, zh_default, tmp_path):
    argv = ["export", "households", str(tmp_path / "h.csv"), "--db", street]
    code, _, err = _run(capsys, *argv)
    assert code == 2
    assert err.startswith("center：错误：`center export households` 需要登录")
    assert _run(capsys, *argv, "--lang", "en")[2].startswith(
        "center: error: `center export households` needs a login"
    )


def test_every_message_has_both_languages_with_the_same_fields():
    import string

    for key, (zh, en) in messages.MESSAGES.items():
        assert zh and en, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (zh, en)]
        assert fields[0] == fields[1], key


def test_refused_logins_and_permissions_in_both_languages(
    street, capsys, zh_default, tmp_path, monkeypatch
):
    from builders import TEST_PASSWORD, account

    engine = open_database(street)
    account(engine, "coord", "coordinator")
    engine.dispose()
    path = tmp_path / "d.csv"
    path.write_text("code,name\nD09,民政\n", encoding="utf-8")
    argv = ["import", "departments", str(path), "--db", street, "--user", "coord"]
    monkeypatch.setenv("CENTER_PASSWORD", "wrong password!")
    assert _run(capsys, *argv)[2] == "center：错误：用户名或密码错误\n"
    assert _run(capsys, *argv, "--lang", "en")[2] == "center: error: wrong user name or password\n"
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    assert _run(capsys, *argv)[2] == "center：错误：用户 “coord”（角色：综合协调组）无权导入数据\n"
    assert _run(capsys, *argv, "--lang", "en")[2] == (
        "center: error: user 'coord' (role coordinator) may not import\n"
    )


def test_every_access_action_has_a_chinese_name():
    from center.core.access import ACTION_ROLES

    assert sorted(messages.ACTION_NAMES_ZH) == sorted(ACTION_ROLES)
