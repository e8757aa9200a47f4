"""Colours and sizes shared by the widgets, loaded from ``resources/theme``.

A :class:`Palette` is plain data; a widget takes one through ``set_palette`` and
a size unit through ``set_unit`` (pixels per pixel of a 1080-pixel-high wall, so
``18 * unit`` is the smallest text on the wall).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import cache
from string import Template

from PySide6.QtGui import QColor, QFont

import resources

STATE_KEYS = ("ok", "warn", "bad", "none")
MIN_TEXT_PX = 18  # the smallest text on a 1080p wall


@dataclass(frozen=True)
class Palette:
    background: str
    panel: str
    accent: str
    text: str
    muted: str
    ok: str
    warn: str
    bad: str
    none: str
    track: str
    series: tuple[str, ...]

    def color(self, name: str) -> QColor:
        return QColor(getattr(self, name))

    def state(self, state: str) -> QColor:
        """Colour of a KPI state (ok, warn, bad, none)."""
        return QColor(getattr(self, state if state in STATE_KEYS else "none"))


@cache
def load_palette(name: str = "wall") -> Palette:
    file = resources.path("theme", f"{name}.json")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{file}: cannot read the palette: {exc}") from exc
    names = {f.name for f in fields(Palette)}
    missing = names - set(data)
    if missing:
        raise ValueError(f"{file}: missing colours {', '.join(sorted(missing))}")
    data["series"] = tuple(data["series"])
    return Palette(**{k: data[k] for k in names})


WALL = load_palette("wall")

_SIZE = re.compile(r"\$\{u(\d+)\}")


def render_qss(name: str, palette: Palette, unit: float) -> str:
    """The style sheet ``resources/theme/NAME.qss`` with colours and scaled sizes."""
    text = resources.path("theme", f"{name}.qss").read_text(encoding="utf-8")
    text = _SIZE.sub(lambda m: str(max(1, round(int(m.group(1)) * unit))), text)
    values = {f.name: getattr(palette, f.name) for f in fields(Palette) if f.name != "series"}
    return Template(text).substitute(values)


def font(px: float, *, bold: bool = False, base: QFont | None = None) -> QFont:
    """The application font at ``px`` pixels (at least 1)."""
    f = QFont(base) if base is not None else QFont()
    f.setPixelSize(max(1, round(px)))
    f.setBold(bold)
    return f
