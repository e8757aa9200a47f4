"""The main window's menus, extensible through a small registry of providers.

A feature adds menu entries by naming its provider module in :data:`PROVIDERS`;
the module defines ``menu_entries() -> list[MenuEntry]``. Entries are plain data:
the menu id, the English source text (translated in context ``Menu``, so mark it
with ``QT_TRANSLATE_NOOP("Menu", …)``), and a handler that gets the main window.

Example (``center/windows/workstation/menu.py``)::

    def menu_entries():
        return [MenuEntry("tools", QT_TRANSLATE_NOOP("Menu", "&Workstation"),
                          open_workstation, shortcut="Ctrl+W")]
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

log = logging.getLogger("center.menus")

# (menu id, title) in menu-bar order
MENUS: tuple[tuple[str, str], ...] = (
    ("file", QT_TRANSLATE_NOOP("Menu", "&File")),
    ("view", QT_TRANSLATE_NOOP("Menu", "&View")),
    ("tools", QT_TRANSLATE_NOOP("Menu", "&Tools")),
    ("reports", QT_TRANSLATE_NOOP("Menu", "&Reports")),
    ("help", QT_TRANSLATE_NOOP("Menu", "&Help")),
)
MENU_IDS = tuple(m for m, _ in MENUS)

# Modules with ``menu_entries()``; features append theirs here.
PROVIDERS: list[str] = []


def menu_text(source: str) -> str:
    """A menu title or entry text (marked with QT_TRANSLATE_NOOP("Menu", …))."""
    return QCoreApplication.translate("Menu", source)


@dataclass(frozen=True)
class MenuEntry:
    menu: str  # one of MENU_IDS
    text: str  # English source text, translated in context "Menu"
    handler: Callable[[Any], None]  # called with the main window
    shortcut: str = ""
    order: int = 100  # position within the menu, lower first

    def __post_init__(self) -> None:
        if self.menu not in MENU_IDS:
            raise ValueError(f"menu entry {self.text!r}: unknown menu {self.menu!r}")


def collect_entries(providers: list[str] | None = None) -> list[MenuEntry]:
    """Entries of every provider module, sorted by menu position."""
    entries: list[MenuEntry] = []
    for name in PROVIDERS if providers is None else providers:
        entries.extend(importlib.import_module(name).menu_entries())
    return sorted(entries, key=lambda e: (MENU_IDS.index(e.menu), e.order))
