"""Data files of the product: styles, translations, map page, screenshots.

``path("map", "wall_map.js")`` gives the file's location inside the installed
package (the wheel ships these files as package data).
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Location of a shipped resource file (it may not exist: callers check)."""
    return ROOT.joinpath(*parts)
