"""The workstation user's saved inbox filters (a preference file in the user config dir)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from center import config
from center.cases.inbox import InboxFilter
from center.windows.workstation import filters as saved


def test_saved_filters_round_trip():
    f = InboxFilter(
        statuses=("open",),
        grid="G01",
        received_from=date(2025, 11, 1),
        clock="at_risk",
        clock_kinds=("accept",),
        text="送餐",
    )
    saved.save_filter("alice", "我的网格", f)
    saved.save_filter("alice", "超时", InboxFilter(clock="overdue"))
    saved.save_filter("bob", "全部", InboxFilter())
    assert saved.saved_filters("alice") == {"我的网格": f, "超时": InboxFilter(clock="overdue")}
    saved.delete_filter("alice", "超时")
    assert list(saved.saved_filters("alice")) == ["我的网格"]
    assert list(saved.saved_filters("bob")) == ["全部"]
    assert saved.saved_filters("carol") == {}
    # entries this version cannot read are skipped, not fatal
    path = config.config_dir() / "workstation-filters.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["alice"]["old"] = {"statuses": ["lost"]}
    data["alice"]["broken"] = {"received_from": "yesterday"}
    path.write_text(json.dumps(data), encoding="utf-8")
    assert list(saved.saved_filters("alice")) == ["我的网格"]
    with pytest.raises(ValueError, match="needs a name"):
        saved.save_filter("alice", " ", f)
    with pytest.raises(ValueError, match="unknown clock filter"):
        saved.save_filter("alice", "x", InboxFilter(clock="soon"))
