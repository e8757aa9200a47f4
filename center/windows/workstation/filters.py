"""The workstation user's saved inbox filters, kept in the user config dir (a
preference of this PC's user, not shared data)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from center import config
from center.cases.inbox import InboxFilter


def _filters_file() -> Path:
    return config.config_dir() / "workstation-filters.json"


def _read_all() -> dict[str, dict[str, Any]]:
    path = _filters_file()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def saved_filters(user: str) -> dict[str, InboxFilter]:
    """The user's saved filters by name (stored in the user config dir)."""
    out: dict[str, InboxFilter] = {}
    for name, raw in sorted(_read_all().get(user, {}).items()):
        try:
            f = InboxFilter.from_json(raw)
            f.validate()
        except (TypeError, ValueError, AttributeError):
            continue  # a filter from an older version that no longer applies
        out[name] = f
    return out


def save_filter(user: str, name: str, f: InboxFilter) -> None:
    name = name.strip()
    if not name:
        raise ValueError("a saved filter needs a name")
    f.validate()
    data = _read_all()
    data.setdefault(user, {})[name] = f.to_json()
    _write_all(data)


def delete_filter(user: str, name: str) -> None:
    data = _read_all()
    if data.get(user, {}).pop(name, None) is not None:
        _write_all(data)


def _write_all(data: dict[str, Any]) -> None:
    path = _filters_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
