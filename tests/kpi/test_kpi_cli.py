"""`center kpi`, `center assess`, `center targets`: the JSON of `spec/kpi.md`, the
readable tables, and one-line errors with exit code 2."""

from __future__ import annotations

import json

import pytest
from builders import TEST_PASSWORD, Builder, account, at

from center.cli import main
from center.core.kpis import DEPARTMENT_KPIS, KPI_KEYS
from db.engine import open_database


@pytest.fixture
def street(db_url: str) -> str:
    engine = open_database(db_url)
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.grid("G02", community="C02")
    b.household("H1", "G01", special_groups="solo_elderly")
    b.visits([{"household": "H1", "visited_at": at(2026, 10, d, 9)} for d in (3, 17)])
    b.case(
        "H1",
        at(2026, 10, 5, 9),
        first_response_at=at(2026, 10, 5, 21, 30),
        dept="D01",
        assigned_at=at(2026, 10, 5, 10),
        accepted_at=at(2026, 10, 5, 11),
        closed_at=at(2026, 10, 9),
        satisfaction=4,
    )
    engine.dispose()
    return db_url


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_kpi_json(street, capsys):
    code, out, _ = run(
        capsys,
        "kpi",
        "--db",
        street,
        "--period",
        "2026-10",
        "--scope",
        "grid",
        "--as-of",
        "2026-11-05T09:00:00",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["period", "as_of", "scope", "units"]
    assert (doc["period"], doc["as_of"], doc["scope"]) == (
        "2026-10",
        "2026-11-05T09:00:00+08:00",
        "grid",
    )
    assert [u["code"] for u in doc["units"]] == ["G01", "G02"]
    g1 = doc["units"][0]
    assert g1["name"] == "G01网格"
    assert list(g1["kpis"]) == list(KPI_KEYS)
    assert g1["kpis"]["coverage"] == {
        "value": 1.0,
        "numerator": 1,
        "denominator": 1,
        "target": 0.95,
        "ok": True,
    }
    assert g1["kpis"]["avg_response_hours"] == {"value": 12.5, "target": 24.0, "ok": True}
    assert g1["kpis"]["proactive_share"]["ok"] is False
    assert doc["units"][1]["kpis"]["response_24h"]["value"] is None
    # an offset in --as-of is honoured
    code, out, _ = run(
        capsys,
        "kpi",
        "--db",
        street,
        "--period",
        "2026-10",
        "--scope",
        "street",
        "--as-of",
        "2026-11-05T01:00:00Z",
        "--json",
    )
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-05T09:00:00+08:00"
    assert [u["code"] for u in doc["units"]] == ["测试街道"]


def test_kpi_department_json_and_table(street, capsys):
    code, out, _ = run(
        capsys,
        "kpi",
        "--db",
        street,
        "--period",
        "2026Q4",
        "--scope",
        "department",
        "--as-of",
        "2026-11-05T09:00",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["period"] == "2026Q4"
    d01 = doc["units"][0]
    assert (d01["code"], d01["name"]) == ("D01", "民政")
    assert list(d01["kpis"]) == list(DEPARTMENT_KPIS)
    assert d01["kpis"]["dept_start_2h"]["numerator"] == 1
    code, out, _ = run(
        capsys,
        "kpi",
        "--db",
        street,
        "--period",
        "2026-10",
        "--scope",
        "grid",
        "--as-of",
        "2026-11-05T09:00",
        "--lang",
        "zh_CN",  # the readable table in the default language (the suite reads English)
    )
    assert code == 0
    lines = out.splitlines()
    assert "走访覆盖率" in lines[1] and "数据录入时效" in lines[1]
    g1 = next(line for line in lines if line.startswith("G01"))
    assert "100.0% ✓" in g1 and "12.5h ✓" in g1 and "0.0% ✗" in g1
    assert next(line for line in lines if line.startswith("G02")).count("—") == len(KPI_KEYS)


def test_assess_json(street, capsys):
    code, out, _ = run(
        capsys,
        "assess",
        "--db",
        street,
        "--quarter",
        "2026Q4",
        "--scope",
        "community",
        "--as-of",
        "2026-11-05T09:00",
        "--json",
    )
    assert code == 0
    doc = json.loads(out)
    assert list(doc) == ["quarter", "as_of", "scope", "units"]
    c1, c2 = doc["units"]
    assert set(c1) == {"code", "name", "score", "grade", "rank", "indicators"}
    assert list(c1["indicators"]) == [
        "coverage",
        "special_care",
        "response_24h",
        "closure_15wd",
        "satisfaction",
        "repeat_rate",
        "on_the_spot_rate",
    ]
    # Q4 as of 11-05: the special household has October only (coverage 0, special 0);
    # response, closure, satisfaction (4 of 4), repeats attained; on-the-spot null
    assert c1["indicators"]["on_the_spot_rate"] == {
        "value": None,
        "target": 0.6,
        "attainment": None,
        "weight": 5,
    }
    assert c1["score"] == pytest.approx(100 * 55 / 95)
    assert (c1["grade"], c1["rank"]) == ("fail", 1)
    assert (c2["code"], c2["score"], c2["grade"], c2["rank"]) == ("C02", None, None, None)
    code, out, _ = run(
        capsys,
        "assess",
        "--db",
        street,
        "--year",
        "2026",
        "--scope",
        "department",
        "--as-of",
        "2026-11-05T09:00",
        "--json",
    )
    doc = json.loads(out)
    assert doc["year"] == 2026 and "quarter" not in doc
    assert doc["units"][0]["score"] == 100.0
    code, out, _ = run(
        capsys,
        "assess",
        "--db",
        street,
        "--year",
        "2026",
        "--scope",
        "department",
        "--as-of",
        "2026-11-05T09:00",
        "--lang",
        "zh_CN",
    )
    assert code == 0 and "2026年度评优" in out and "优秀" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["kpi", "--period", "2026-13", "--scope", "grid"], "--period: invalid period '2026-13'"),
        (["kpi", "--period", "2026-10", "--scope", "city"], "--scope: invalid scope 'city'"),
        (["kpi", "--period", "2026-10"], "--scope is required"),
        (["kpi", "--scope", "grid"], "--period is required"),
        (
            ["kpi", "--period", "2026-10", "--scope", "grid", "--as-of", "tomorrow"],
            "--as-of: invalid as-of instant 'tomorrow'",
        ),
        (["assess", "--scope", "grid"], "give exactly one of --quarter"),
        (["assess", "--quarter", "2026-07", "--scope", "grid"], "--quarter: invalid quarter"),
        (["assess", "--year", "26", "--scope", "grid"], "--year: invalid year '26'"),
        (["assess", "--year", "2026", "--scope", "street"], "--scope: invalid scope 'street'"),
        (["targets", "set", "coverage", "1.5"], "must be between 0 and 1"),
        (["targets", "set", "entry_lag_hours", "0"], "must be greater than 0"),
        (["targets", "set", "speed", "1"], "unknown KPI 'speed'"),
        (["targets", "set", "coverage", "high"], "must be a number"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, argv, message):
    db = tmp_path / "never.sqlite3"
    code, out, err = run(capsys, *argv, "--db", f"sqlite:///{db}")
    assert not db.exists()  # refused before the database is touched
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("center: error: ")
    assert message in err


def test_targets_list_and_set(db_url, capsys, monkeypatch):
    engine = open_database(db_url)
    account(engine, "root", "admin")
    account(engine, "lead", "leader")
    engine.dispose()
    code, out, _ = run(capsys, "targets", "list", "--db", db_url, "--json")  # no login
    assert code == 0
    assert json.loads(out)[0] == {"key": "coverage", "value": 0.95, "higher_is_better": True}
    setting = ("targets", "set", "coverage", "0.9", "--db", db_url)
    code, _, err = run(capsys, *setting)
    assert code == 2 and "`center targets set` needs a login: name the user" in err
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    code, _, err = run(capsys, *setting, "--user", "lead")
    assert code == 2 and "user 'lead' (role leader) may not set target" in err
    monkeypatch.setenv("CENTER_PASSWORD", "wrong password")
    code, _, err = run(capsys, *setting, "--user", "root")
    assert code == 2 and "wrong user name or password" in err
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    monkeypatch.setenv("CENTER_USER", "root")
    code, out, _ = run(capsys, *setting)
    assert code == 0 and "≥90.0%" in out
    code, out, _ = run(capsys, "targets", "list", "--db", db_url, "--lang", "zh_CN")
    line = next(x for x in out.splitlines() if x.startswith("coverage"))
    assert "走访覆盖率" in line and "≥90.0%" in line and "默认" not in line
    code, out, _ = run(capsys, "targets", "list", "--db", db_url, "--json")
    assert json.loads(out)[0]["value"] == 0.9
