"""敲门行动指挥中心 — the door-knocking command center."""

__version__ = "0.1.0"
