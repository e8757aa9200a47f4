"""A period that has not started at the evaluation instant is refused (issue 17):
`center kpi --period 2027-03` printed 0.0 % ✗ for every KPI with no warning, which a
street office takes for a real, failed result. `center kpi` and `center assess` now
say the period has not started and what to choose instead (the report builds already
refused it); a started period still computes."""

from __future__ import annotations

from datetime import datetime

import pytest
from builders import TEST_PASSWORD, Builder, account

from center.cli import main
from center.kpi import compute as kpi_service
from db.engine import open_database
from db.types import CST

AS_OF = "2026-12-07T09:00:00"


def _refusal(period: str, starts: str) -> str:
    return (
        f"the period {period} has not started at the evaluation instant 2026-12-07 09:00 "
        f"(it starts on {starts}): there is nothing to measure yet; choose a period up to "
        "2026-12, or a later instant (--as-of)"
    )


@pytest.fixture
def street(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CENTER_LANG", "en")
    engine = open_database(db_url)
    b = Builder(engine)
    b.grid("G01", community="C01")
    b.household("H1", "G01", special_groups="solo_elderly")
    engine.dispose()
    return db_url


@pytest.mark.parametrize(
    ("period", "starts"),
    [("2027-03", "2027-03-01"), ("2027Q1", "2027-01-01"), ("2027", "2027-01-01")],
)
def test_kpi_refuses_a_period_that_has_not_started(street, capsys, period, starts):
    for extra in ([], ["--json"]):
        argv = ["kpi", "--db", street, "--period", period, "--scope", "grid", "--as-of", AS_OF]
        code = main([*argv, *extra])
        out, err = capsys.readouterr()
        assert code == 2
        assert out == ""
        assert err == f"center: error: {_refusal(period, starts)}\n"


def test_assess_refuses_a_quarter_or_year_that_has_not_started(street, capsys):
    base = ["assess", "--db", street, "--scope", "grid", "--as-of", AS_OF]
    assert main([*base, "--quarter", "2027Q1"]) == 2
    assert capsys.readouterr().err == f"center: error: {_refusal('2027Q1', '2027-01-01')}\n"
    assert main([*base, "--year", "2027"]) == 2
    assert capsys.readouterr().err == f"center: error: {_refusal('2027', '2027-01-01')}\n"


def test_a_started_period_still_computes(street, capsys):
    for period in ("2026-12", "2026Q4", "2026", "2026-10"):
        argv = ["kpi", "--db", street, "--period", period, "--scope", "grid", "--as-of", AS_OF]
        assert main(argv) == 0, capsys.readouterr().err
        capsys.readouterr()
    # the first instant of a period is inside it; the service itself still computes an
    # unstarted period (kpi.md's values as of any instant): the commands refuse it
    december = kpi_service.parse_period("2026-12")
    kpi_service.check_started(december, datetime(2026, 12, 1, tzinfo=CST))
    with pytest.raises(kpi_service.PeriodNotStarted):
        kpi_service.check_started(december, datetime(2026, 11, 30, 23, 59, tzinfo=CST))


def test_a_report_of_a_period_that_has_not_started_is_refused(
    street, tmp_path, capsys, monkeypatch
):
    engine = open_database(street)
    account(engine, "李四", "assessor")
    engine.dispose()
    monkeypatch.setenv("CENTER_USER", "李四")
    monkeypatch.setenv("CENTER_PASSWORD", TEST_PASSWORD)
    out = tmp_path / "notice.pdf"
    argv = ["report", "monthly", "--db", street, "--month", "2027-03", "-o", str(out)]
    code = main([*argv, "--as-of", AS_OF])
    err = capsys.readouterr().err
    assert code == 2
    # the report service has its own wording; any refusal naming the period will do
    assert "2027-03" in err
    assert "nothing" in err
    assert not out.exists()
