"""`center snapshot wall` writes a real, non-blank PNG of the requested size."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from test_wall_service import build_wall_street

from center.cli import main
from db.engine import open_database
from widgets.theme import WALL

sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@sqlite_only
def test_snapshot_writes_the_wall_as_png(db_url: str, tmp_path: Path):
    engine = open_database(db_url)
    build_wall_street(engine)
    engine.dispose()
    out = tmp_path / "shots" / "wall.png"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "center",
            "snapshot",
            "wall",
            "--db",
            db_url,
            "--size",
            "1280x720",
            "--kpi",
            "coverage",
            "-o",
            str(out),
            "--as-of",
            "2026-10-20T12:00:00+08:00",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == f"wrote {out} (1280x720)"
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1280, 720)
    colours = {img.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 50  # not blank
    corner = img.pixelColor(2, 2)
    assert corner.name() == QColor(WALL.background).name()
    # the map (centre column) shows G01 red and G02 green: the state colours at 55 %
    # opacity over the map's background
    centre = [img.pixelColor(x, y) for x in range(420, 860, 2) for y in range(150, 600, 2)]
    assert any(_near(c, _blend(WALL.bad, WALL.background, 0.55)) for c in centre)
    assert any(_near(c, _blend(WALL.ok, WALL.background, 0.55)) for c in centre)
    # the open emergency K3: its red dot with a white ring
    assert any(_near(c, QColor(WALL.bad)) for c in centre)


def _blend(top: str, bottom: str, alpha: float) -> QColor:
    t, b = QColor(top), QColor(bottom)
    mix = [
        round(alpha * x + (1 - alpha) * y)
        for x, y in zip(t.getRgb()[:3], b.getRgb()[:3], strict=True)
    ]
    return QColor(*mix)


def _near(c: QColor, target: QColor, tol: int = 8) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c.getRgb()[:3], target.getRgb()[:3], strict=True))


def test_snapshot_refuses_a_bad_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["snapshot", "wall", "--size", "12", "-o", str(tmp_path / "x.png")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--size '12': expected WIDTHxHEIGHT" in err
    assert not (tmp_path / "x.png").exists()


def test_snapshot_refuses_a_non_png_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["snapshot", "wall", "-o", str(tmp_path / "x.jpg")])
    assert code == 2
    assert "the snapshot is a PNG file" in capsys.readouterr().err


def test_snapshot_heat_layer_choices_are_the_walls(capsys: pytest.CaptureFixture[str]):
    """`--layer` and `--category` offer exactly the wall's heat layers and categories
    (the parser spells them out so that building it imports no feature module)."""
    from center.cli import build_parser
    from center.wall.model import ALL_CATEGORIES, HEAT_CATEGORIES, HEAT_LAYERS

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    snapshot = sub.choices["snapshot"]  # type: ignore[index]
    wall = next(a for a in snapshot._actions if a.dest == "snapshot_what").choices["wall"]
    opts = {a.dest: a for a in wall._actions}
    assert tuple(opts["layer"].choices) == HEAT_LAYERS
    assert opts["layer"].default == "history"
    assert tuple(opts["category"].choices) == (ALL_CATEGORIES, *HEAT_CATEGORIES)
    assert opts["category"].default == ALL_CATEGORIES
    with pytest.raises(SystemExit) as exc:
        parser.parse_args(["snapshot", "wall", "-o", "x.png", "--layer", "weekly"])
    assert exc.value.code == 2
    assert "--layer: invalid choice: 'weekly'" in capsys.readouterr().err
