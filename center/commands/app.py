"""`center app`, `center wall` and `center snapshot wall`.

* ``center app [--db URL] [--lang en]``: the desktop application. On a database
  without a street it first builds the demo street (with progress, cancellable),
  then opens the main window with the wall inside.
* ``center wall [--screen N] [--kpi KEY] [--rotate SECONDS] [--pages LIST]``: the
  frameless full-screen wall for the video wall. Exit: Ctrl+Alt+Q, then the operator
  PIN (setting ``wall_pin``: ``CENTER_WALL_PIN`` or the config file; default 0000).
* ``center snapshot wall --size WxH -o FILE.png``: the wall rendered offscreen.

Qt (and every service) is imported only when one of these commands runs.
"""

from __future__ import annotations

import argparse
import re
from datetime import datetime
from pathlib import Path

from center.commands.messages import error, say
from center.core.kpis import MAP_KPIS

#: the map layers: the KPIs and "pace" (center.wall.model.PACE; not imported here: fast start)
MAP_CHOICES = (*MAP_KPIS, "pace")

PAGE_NAMES = ("overview", "lagging", "ranking")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "app",
        parents=[common],
        help="open the command center (builds the demo street into an empty database)",
    )
    p.set_defaults(func=run_app)

    w = sub.add_parser(
        "wall", parents=[common], help="full-screen command-center wall for the video wall"
    )
    w.add_argument(
        "--screen", type=int, default=0, metavar="N", help="screen number, 0 = primary (default 0)"
    )
    w.add_argument(
        "--kpi",
        choices=MAP_CHOICES,
        default="pace",
        help="what shades the map: a KPI, or pace (households on pace with their visit "
        "cadence so far; the default)",
    )
    w.add_argument(
        "--rotate",
        type=int,
        default=0,
        metavar="SECONDS",
        help="rotate the focus pages every SECONDS (default: no rotation)",
    )
    w.add_argument(
        "--pages",
        default="overview,lagging,ranking",
        metavar="LIST",
        help="focus pages to rotate, comma-separated from " + ", ".join(PAGE_NAMES),
    )
    w.add_argument(
        "--windowed",
        action="store_true",
        help="a normal window instead of full screen (for trying it out)",
    )
    w.add_argument(
        "--web-process",
        choices=("separate", "single"),
        default="separate",
        help="where the map page runs: separate (a renderer process of its own, renewed "
        "every 4 hours; the default) or single (in the wall's process: about 150 MB less "
        "memory after the start, but it grows while the wall runs; for a wall restarted "
        "every night whose map draws no tiles from another machine)",
    )
    w.set_defaults(func=run_wall)

    s = sub.add_parser("snapshot", help="render a view to a PNG file")
    ssub = s.add_subparsers(dest="snapshot_what", metavar="VIEW", required=True)
    sw = ssub.add_parser("wall", parents=[common], help="the wall, offscreen")
    sw.add_argument(
        "--size",
        default="1920x1080",
        metavar="WxH",
        help="image size in pixels (default 1920x1080)",
    )
    sw.add_argument("-o", "--output", required=True, metavar="FILE.png", type=Path)
    sw.add_argument(
        "--kpi",
        choices=MAP_CHOICES,
        default="pace",
        help="what shades the map: a KPI, or pace (households on pace with their visit "
        "cadence so far; the default)",
    )
    sw.add_argument(
        "--as-of", metavar="ISO8601", help="evaluation instant (default now; naive = +08:00)"
    )
    # literal choices (center.wall.model.HEAT_LAYERS / HEAT_CATEGORIES): building the
    # parser imports no feature module
    sw.add_argument(
        "--layer",
        choices=("history", "forecast"),
        default="history",
        help="the map's heat layer: history (cases of the last 30 days; the default) "
        "or forecast (next month)",
    )
    sw.add_argument(
        "--category",
        choices=("all", "policy", "life", "dispute", "emergency"),
        default="all",
        help="the heat layer's category (default all)",
    )
    sw.set_defaults(func=run_snapshot)


def parse_size(text: str, args: argparse.Namespace | None = None) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not m:
        raise error(args, "size_format", value=text)
    w, h = int(m.group(1)), int(m.group(2))
    if not (320 <= w <= 16384 and 240 <= h <= 16384):
        raise error(args, "size_range", value=text)
    return w, h


def parse_pages(text: str, args: argparse.Namespace | None = None) -> tuple[str, ...]:
    pages = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [p for p in pages if p not in PAGE_NAMES]
    if unknown:
        raise error(args, "pages_unknown", pages=", ".join(unknown), choices=", ".join(PAGE_NAMES))
    return pages


def _as_of(text: str | None, args: argparse.Namespace | None = None) -> datetime | None:
    if not text:
        return None
    from db.types import to_local

    try:
        return to_local(datetime.fromisoformat(text))
    except ValueError:
        raise error(args, "as_of_iso", value=text) from None


def _lang(args: argparse.Namespace) -> str:
    """``--lang`` (every command's), else the setting ``lang``; default zh_CN."""
    from center.commands.messages import lang_of

    return lang_of(args)


def run_app(args: argparse.Namespace) -> int:
    from center.windows.app.startup import run_app as start

    return start(args.db, _lang(args))


def run_wall(args: argparse.Namespace) -> int:
    if args.rotate and args.rotate < 3:
        raise error(args, "rotate_min", value=args.rotate)
    pages = parse_pages(args.pages, args) if args.rotate else ()
    from center.windows.app.startup import run_wall as start

    return start(
        args.db,
        _lang(args),
        screen=args.screen,
        map_kpi=args.kpi,
        rotate=args.rotate,
        pages=pages,
        windowed=args.windowed,
        web_process=args.web_process,
    )


def run_snapshot(args: argparse.Namespace) -> int:
    from center.core.errors import UserError

    width, height = parse_size(args.size, args)
    as_of = _as_of(args.as_of, args)
    if args.output.suffix.lower() != ".png":
        raise error(args, "png_only", path=args.output)
    from center.windows.runtime.qtenv import prepare_environment

    prepare_environment(offscreen=True)
    from PySide6.QtCore import QSize

    from center.context import open_context
    from center.logs import setup_logging
    from center.windows.runtime.qtenv import application
    from center.windows.wall.snapshot import SnapshotError, render_wall, save_png

    setup_logging()
    ctx = open_context(args.db)
    app = application(_lang(args))
    try:
        image = render_wall(
            ctx.engine,
            QSize(width, height),
            as_of=as_of,
            map_kpi=args.kpi,
            tile_url=ctx.settings.tile_url,
            heat_layer=args.layer,
            heat_category=args.category,
        )
        save_png(image, args.output)
    except SnapshotError as exc:
        raise UserError(str(exc)) from exc
    finally:
        app.processEvents()
        ctx.close()
    print(say(args, "wrote_png", path=args.output, w=image.width(), h=image.height()))
    return 0
