"""`center export map`: the street's offline HTML map (spec/insight.md, "Heat map").

``center export map --kpi KEY [--layer forecast|history] [--category C|all] -o FILE``
writes one self-contained HTML page (folium; Leaflet inlined, no tiles unless the
setting ``tile_url`` names them): the grids shaded by the KPI in the wall's colours,
the heat layer in cases per 100 households (the next month's forecast or the last 30
days' cases), the hot spots and a legend. It makes no request off the machine.

``map`` is one more KIND of ``center export`` (:mod:`center.commands.interchange`):
:func:`register` extends that parser, so it must run after the interchange module.
The map is an aggregate: without ``--user`` it runs for a leader-level reader.
Only the standard library at module level: the services load when the command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from center.commands.messages import error, say

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from center.core.access import Actor

KIND = "map"
LAYERS = ("forecast", "history")
CATEGORIES = ("policy", "life", "dispute", "emergency", "all")
SUFFIXES = (".html", ".htm")
CATEGORY_NAMES_ZH = {
    "policy": "政策咨询",
    "life": "生活服务",
    "dispute": "矛盾调解",
    "emergency": "应急求助",
    "all": "全部类别",
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    export = sub.choices.get("export")
    if export is None:  # the interchange module registers `export` first
        raise RuntimeError("center.commands.export_map must follow center.commands.interchange")
    for action in export._actions:
        if action.dest == "kind" and action.choices is not None:
            action.choices = [*action.choices, KIND]
            action.help = f"{action.help}, or {KIND} (the offline HTML map)"
        elif action.dest == "file":
            action.nargs = "?"
            action.default = None
    export.description = (export.description or "") + (
        " KIND map writes the street's offline HTML map instead: "
        "center export map --kpi KEY [--layer forecast|history] "
        "[--category policy|life|dispute|emergency|all] -o FILE.html"
    )
    g = export.add_argument_group("map (KIND map)")
    g.add_argument("--kpi", metavar="KEY", help="map: the KPI that shades the grids")
    g.add_argument(
        "--layer", metavar="L", default="forecast", help="map: heat layer forecast | history"
    )
    g.add_argument(
        "--category",
        metavar="C",
        default="all",
        help="map: policy | life | dispute | emergency | all",
    )
    g.add_argument("--as-of", metavar="ISO8601", help="map: evaluation instant (default: now)")
    g.add_argument("-o", "--output", metavar="FILE", help="map: the HTML file to write")
    interchange_run = export.get_default("func")

    def run(args: argparse.Namespace) -> int:
        if args.kind == KIND:
            return run_map(args)
        if args.file is None:
            export.error("the following arguments are required: FILE")
        return int(interchange_run(args) or 0)

    export.set_defaults(func=run)


# ---------------------------------------------------------------------------
# Checks (before the database opens: nothing is written on a refusal)


def _checked(args: argparse.Namespace) -> tuple[str, str, tuple[str, ...], Path]:
    from center.wall.model import MAP_LAYERS

    key = (args.kpi or "").strip()
    if key not in MAP_LAYERS:
        raise error(args, "map_kpi", value=args.kpi, choices=", ".join(MAP_LAYERS))
    if args.layer not in LAYERS:
        raise error(args, "map_layer", value=args.layer, choices=" | ".join(LAYERS))
    if args.category not in CATEGORIES:
        raise error(args, "map_category", value=args.category, choices=" | ".join(CATEGORIES))
    target = args.output or args.file
    if not target:
        raise error(args, "map_output")
    path = Path(target)
    if path.suffix.lower() not in SUFFIXES:
        raise error(args, "map_suffix", value=target)
    cats = tuple(CATEGORIES[:-1]) if args.category == "all" else (args.category,)
    return key, args.layer, cats, path


def _reader(args: argparse.Namespace, engine: Engine) -> Actor:
    """The named user, logged in; without one a leader-level reader of aggregates."""
    from center.commands._auth import login, user_name
    from center.core.access import Actor, os_login, require_role

    if user_name(args):
        actor = login(args, engine, "read_aggregates", "export map")
        require_role(actor, "read_forecast")
        return actor
    return Actor(os_login(), "leader")


def run_map(args: argparse.Namespace) -> int:
    key, layer, cats, path = _checked(args)
    from center.commands.forecast import as_of_arg

    as_of = as_of_arg(args)
    from center.context import open_context

    ctx = open_context(args.db)
    try:
        actor = _reader(args, ctx.engine)
        page = build_page(ctx.engine, actor, as_of, key, layer, cats, ctx.settings.tile_url)
    finally:
        ctx.close()
    path.write_text(page, encoding="utf-8")
    print(say(args, "map_written", path=str(path)))
    return 0


# ---------------------------------------------------------------------------
# Assembly: the wall's geometry and KPI states, the insight heat, the report page


def _kpi_text(key: str, value: float | None) -> str:
    from center.core.kpis import KPIS

    if value is None:
        return "—"
    hours = any(k.key == key and k.in_hours for k in KPIS)
    return f"{value:.1f} 小时" if hours else f"{value * 100:.1f}%"


def _kpi_name(key: str) -> str:
    from center.core.kpis import KPIS
    from center.wall.model import PACE

    if key == PACE:
        return "走访进度 · 按进度完成的户数占比"
    return next((k.zh for k in KPIS if k.key == key), key)


def _bands(key: str, target: float, higher: bool) -> tuple[tuple[str, str], ...]:
    """The wall's legend bands of the KPI (center.windows.wall.mappanel.legend_payload)."""
    from center.wall.model import amber_limit

    amber = amber_limit(target, higher)

    def f(v: float) -> str:
        return _kpi_text(key, v)

    if higher:
        bands = [("ok", f"≥ {f(target)}"), ("warn", f"{f(amber)} – {f(target)}")]
        bands.append(("bad", f"< {f(amber)}"))
    else:
        bands = [("ok", f"≤ {f(target)}"), ("warn", f"{f(target)} – {f(amber)}")]
        bands.append(("bad", f"> {f(amber)}"))
    bands.append(("none", "无数据"))
    return tuple(bands)


def build_page(
    engine: Engine,
    actor: Actor,
    as_of: Any,
    key: str,
    layer: str,
    cats: tuple[str, ...],
    tile_url: str | None = None,
) -> str:
    """The map's HTML for ``key`` and the heat ``layer`` of the categories ``cats``."""
    from center.insight.heat import load_heat
    from center.wall.model import load_base, load_kpis
    from reports.street_map import HotSpotLabel, MapGrid, StreetMap, render

    heat = load_heat(engine, actor, as_of)
    base = load_base(engine)
    kpis = load_kpis(engine, as_of)
    target, higher = kpis.targets[key]
    labels = {g.code: (g.label_lat, g.label_lon) for g in base.grids}
    grids = []
    for shape in base.grids:
        try:
            values = kpis.grid(shape.code)
            state = values.states.get(key, "none")
            value = values.values.get(key)
        except KeyError:
            state, value = "none", None
        try:
            gh = heat.grid(shape.code)
            households, cases, rate = gh.households, gh.cases(layer, cats), gh.rate(layer, cats)
        except KeyError:
            households, cases, rate = 0, 0.0, None
        grids.append(
            MapGrid(
                code=shape.code,
                name=shape.name,
                community=shape.community_name,
                geometry=shape.geometry,
                label=(shape.label_lat, shape.label_lon),
                state=state,
                kpi_text=_kpi_text(key, value),
                households=households,
                cases=cases,
                rate=rate,
            )
        )
    spots = tuple(
        HotSpotLabel(h.grid, CATEGORY_NAMES_ZH[h.category], labels[h.grid], h.forecast, h.per_100)
        for h in heat.hot_spots
        if h.grid in labels
    )
    cat_name = CATEGORY_NAMES_ZH["all" if len(cats) > 1 else cats[0]]
    if layer == "forecast":
        heat_title = f"{heat.month} 预测 · {cat_name}"
        cases_label = f"{heat.month} 预测件数"
    else:
        heat_title = f"近30天案件 · {cat_name}"
        cases_label = "近30天件数"
    t = heat.as_of
    return render(
        StreetMap(
            title=f"{base.street or '街道'} · {_kpi_name(key)}",
            subtitle=f"截至 {t:%Y-%m-%d %H:%M} · 热力：{heat_title}（每百户）",
            kpi_name=_kpi_name(key),
            kpi_bands=_bands(key, target, higher),
            heat_title=heat_title,
            cases_label=cases_label,
            grids=tuple(grids),
            hot_spots=spots,
            bounds=base.bounds,
            tile_url=tile_url or None,
        )
    )
