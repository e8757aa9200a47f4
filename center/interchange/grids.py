"""Grids as a GeoJSON FeatureCollection (WGS84 lon/lat), `spec/interchange.md` § grids.

One Feature per grid; its properties create or update the street, the community and
the grid. Each problem names the feature by its number (1-based) and grid_code and
gives the line of the file where the feature starts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select, update

from center.core.pii import PiiCipher
from center.interchange.base import (
    Col,
    Job,
    Kind,
    Plan,
    bulk_insert,
    bulk_update,
    code_ids,
    fetch_existing,
    max_len,
    table_of,
)
from center.interchange.files import (
    FileUnreadable,
    Problems,
    Table,
    decode_text,
    header_key,
    hidden_character,
    text_parser,
    write_bytes,
)
from db.models import Community, Grid, Street

DEFAULT_STREET = "未命名街道"
GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
GEOMETRY = "geometry"
FEATURE_NO = "#feature"

_WS = re.compile(r"[ \t\n\r]*")


def _feature_lines(text: str) -> list[int]:
    """The line where each element of the top-level ``features`` array starts.

    Best effort: an unusual layout gives an empty list (lines are then reported as 1).
    """
    dec = json.JSONDecoder()
    lines: list[int] = []
    line, last = 1, 0

    def skip(i: int) -> int:
        m = _WS.match(text, i)
        return m.end() if m else i

    try:
        i = skip(0)
        if text[i] != "{":
            return []
        i = skip(i + 1)
        while text[i] != "}":
            key, i = dec.raw_decode(text, i)
            i = skip(i)
            if text[i] != ":":
                return []
            i = skip(i + 1)
            if key == "features" and text[i] == "[":
                i = skip(i + 1)
                while text[i] != "]":
                    line += text.count("\n", last, i)
                    last = i
                    lines.append(line)
                    _, i = dec.raw_decode(text, i)
                    i = skip(i)
                    if text[i] == ",":
                        i = skip(i + 1)
                return lines
            _, i = dec.raw_decode(text, i)
            i = skip(i)
            if text[i] == ",":
                i = skip(i + 1)
    except (IndexError, ValueError):
        return []
    return []


def _geometry_problem(geometry: Any) -> str | None:
    """Why a GeoJSON geometry is not a valid grid polygon, or None when it is."""
    import shapely.geometry
    from shapely.validation import explain_validity

    if not isinstance(geometry, dict):
        return "missing (a Polygon or MultiPolygon is required)"
    gtype = geometry.get("type")
    if gtype not in GEOMETRY_TYPES:
        return f"must be a Polygon or MultiPolygon, not {gtype!r}"
    try:
        shape = shapely.geometry.shape(geometry)
    except Exception as exc:  # noqa: BLE001 - shapely raises many kinds for bad input
        return f"malformed coordinates ({exc})"
    if shape.is_empty:
        return "empty polygon"
    minx, miny, maxx, maxy = shape.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        return "coordinates outside WGS84 lon/lat range (lon -180..180, lat -90..90)"
    if not shape.is_valid:
        return f"invalid or self-intersecting polygon ({explain_validity(shape)})"
    return None


class Grids(Kind):
    name = "grids"
    title = "grids"
    code_column = "grid_code"
    domains = ("households",)
    columns = (
        Col("grid_code", text_parser(max_len(Grid.__table__.c.code)), True, strict_text=True),
        Col("grid_name", text_parser(max_len(Grid.__table__.c.name)), True, strict_text=True),
        Col(
            "community_code",
            text_parser(max_len(Community.__table__.c.code)),
            True,
            strict_text=True,
        ),
        Col(
            "community_name",
            text_parser(max_len(Community.__table__.c.name)),
            True,
            strict_text=True,
        ),
        Col("street_name", text_parser(max_len(Street.__table__.c.name)), strict_text=True),
    )

    def read(self, path: Path, label: str, problems: Problems, warnings: list[str]) -> Table:
        """Features become rows: the property columns, then the geometry and the number."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FileUnreadable([f"{label}:1: file: cannot be read ({exc.strerror})"]) from exc
        text = decode_text(data, label)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FileUnreadable([f"{label}:{exc.lineno}: json: {exc.msg}"]) from exc
        if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
            raise FileUnreadable([f"{label}:1: type: not a GeoJSON FeatureCollection"])
        features = doc.get("features")
        if not isinstance(features, list):
            raise FileUnreadable([f"{label}:1: features: missing or not a list"])
        lines = _feature_lines(text)
        if len(lines) != len(features):
            lines = [1] * len(features)
        names = [c.name for c in self.columns]
        known = {header_key(n): n for n in names}
        index = {n: i for i, n in enumerate(names)}
        index[GEOMETRY] = len(names)
        index[FEATURE_NO] = len(names) + 1
        table = Table(label, index)
        unknown: set[str] = set()
        for number, (feature, line) in enumerate(zip(features, lines, strict=True), start=1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                problems.add(line, "type", f"feature {number}: not a GeoJSON Feature")
                continue
            props = feature.get("properties") or {}
            if not isinstance(props, dict):
                problems.add(line, "properties", f"feature {number}: not an object")
                continue
            cells: list[Any] = [None] * len(names)
            for key, value in props.items():
                canon = known.get(header_key(key))
                if canon is None:
                    if key not in unknown:
                        unknown.add(key)
                        warnings.append(f"{label}:{line}: {key}: unknown property ignored")
                    continue
                cells[index[canon]] = value
            cells.append(feature.get("geometry"))
            cells.append(number)
            table.lines.append(line)
            table.cells.append(cells)
        return table

    def plan(self, conn: Connection, table: Table, job: Job, cipher: PiiCipher | None) -> Plan:
        add = job.problems.add
        grids: list[dict[str, Any]] = []
        communities: dict[str, tuple[str, int]] = {}  # code -> (name, line)
        street_names: list[tuple[str, int]] = []
        seen: dict[str, int] = {}
        for line, cells in zip(table.lines, table.cells, strict=True):
            number = cells[table.index[FEATURE_NO]]
            code_raw = cells[table.index["grid_code"]]
            where = f"feature {number} (grid_code {code_raw})" if code_raw else f"feature {number}"
            values: dict[str, Any] = {}
            ok = True
            for col in self.columns:
                raw = cells[table.index[col.name]]
                if isinstance(raw, str):
                    raw = raw.strip() or None
                if raw is None:
                    values[col.name] = None
                    if col.required:
                        add(line, col.name, f"{where}: value required")
                        ok = False
                    continue
                hidden = hidden_character(raw, True) if isinstance(raw, str) else None
                if hidden is not None:
                    add(line, col.name, f"{where}: {hidden}")
                    values[col.name] = None
                    ok = False
                    continue
                try:
                    values[col.name] = col.parse(raw)
                except ValueError as exc:
                    add(line, col.name, f"{where}: {exc}")
                    values[col.name] = None
                    ok = False
            geometry = cells[table.index[GEOMETRY]]
            reason = _geometry_problem(geometry)
            if reason is not None:
                add(line, GEOMETRY, f"{where}: {reason}")
                ok = False
            code = values["grid_code"]
            if code is not None:
                first = seen.setdefault(code, line)
                if first != line:
                    add(line, "grid_code", f"{where}: duplicate grid_code (first on line {first})")
                    ok = False
            com_code, com_name = values["community_code"], values["community_name"]
            if com_code is not None and com_name is not None:
                known = communities.setdefault(com_code, (com_name, line))
                if known[0] != com_name:
                    add(
                        line,
                        "community_name",
                        f"{where}: {com_name!r} differs from {known[0]!r} given for community "
                        f"{com_code} on line {known[1]}",
                    )
                    ok = False
            if values["street_name"] is not None:
                street_names.append((values["street_name"], line))
            if ok:
                grids.append(
                    {
                        "code": code,
                        "name": values["grid_name"],
                        "community_code": com_code,
                        "geometry": json.dumps(
                            {"type": geometry["type"], "coordinates": geometry["coordinates"]},
                            ensure_ascii=False,
                            separators=(",", ":"),
                        ),
                    }
                )
        job.step(len(table.lines))
        plan = Plan()
        if job.problems or not grids:
            return plan
        self._plan_street(conn, plan, street_names, job)
        self._plan_communities(conn, plan, communities)
        stmt = select(Grid.code, Grid.id, Grid.name, Community.code, Grid.geometry).join(
            Community, Community.id == Grid.community_id
        )
        existing = fetch_existing(conn, stmt, Grid.code, {g["code"] for g in grids})
        for row in grids:
            old = existing.get(row["code"])
            if old is None:
                plan.insert_list().append(row)
            elif (old[2], old[3], old[4]) == (row["name"], row["community_code"], row["geometry"]):
                plan.unchanged += 1
            else:
                plan.updates.append({"id": old[1], **row})
        return plan

    @staticmethod
    def _plan_street(conn: Connection, plan: Plan, names: list[tuple[str, int]], job: Job) -> None:
        """The database has one street: the stored one, else the first street_name."""
        stored = conn.execute(select(Street.id, Street.name).order_by(Street.id)).first()
        given = names[0][0] if names else None
        if stored is None:
            if given is None:
                job.warn(
                    1,
                    "street_name",
                    f"no street_name given and the database has no street: it is named "
                    f"{DEFAULT_STREET!r} until a file gives the name",
                )
            plan.extra["street"] = ("create", None, given or DEFAULT_STREET)
            plan.related_changes += 1
        elif stored.name == DEFAULT_STREET and given is not None:
            plan.extra["street"] = ("rename", stored.id, given)
            plan.related_changes += 1
        else:
            plan.extra["street"] = ("keep", stored.id, stored.name)
        street = plan.extra["street"][2]
        for name, line in names:
            if name != street:
                job.warn(line, "street_name", f"{name!r} ignored: the street is {street!r}")

    @staticmethod
    def _plan_communities(
        conn: Connection, plan: Plan, communities: dict[str, tuple[str, int]]
    ) -> None:
        stmt = select(Community.code, Community.id, Community.name, Community.street_id)
        existing = fetch_existing(conn, stmt, Community.code, set(communities))
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        street_id = plan.extra["street"][1]
        for code, (name, _line) in communities.items():
            old = existing.get(code)
            if old is None:
                new.append({"code": code, "name": name})
            elif old.name != name or (street_id is not None and old.street_id != street_id):
                changed.append({"id": old.id, "name": name})
        plan.extra["communities_new"] = new
        plan.extra["communities_changed"] = changed
        plan.related_changes += len(new) + len(changed)

    def write(self, conn: Connection, plan: Plan, job: Job) -> None:
        action, street_id, street_name = plan.extra["street"]
        if action == "create":
            street_id = conn.execute(
                insert(Street).values(name=street_name).returning(Street.id)
            ).scalar_one()
        elif action == "rename":
            conn.execute(update(Street).where(Street.id == street_id).values(name=street_name))
        com_table = table_of(Community)
        bulk_insert(
            conn,
            com_table,
            [{**c, "street_id": street_id} for c in plan.extra["communities_new"]],
            job,
        )
        bulk_update(
            conn,
            com_table,
            [{**c, "street_id": street_id} for c in plan.extra["communities_changed"]],
            job,
        )
        com_ids = code_ids(conn, Community.code, Community.id)

        def row(g: dict[str, Any]) -> dict[str, Any]:
            out = {k: v for k, v in g.items() if k != "community_code"}
            out["community_id"] = com_ids[g["community_code"]]
            return out

        bulk_insert(conn, table_of(Grid), [row(g) for g in plan.inserts], job)
        bulk_update(conn, table_of(Grid), [row(g) for g in plan.updates], job)

    def export_rows(self, conn: Connection, cipher: PiiCipher | None) -> list[list[Any]]:
        stmt = (
            select(Grid.code, Grid.name, Community.code, Community.name, Street.name, Grid.geometry)
            .join(Community, Community.id == Grid.community_id)
            .join(Street, Street.id == Community.street_id)
        )
        rows = [list(r) for r in conn.execute(stmt)]
        rows.sort(key=lambda r: r[0])
        return rows

    def write_file(self, path: Path, rows: list[list[Any]]) -> int:
        """A FeatureCollection with one feature per line (UTF-8, no BOM)."""
        lines = []
        for code, name, com_code, com_name, street, geometry in rows:
            feature = {
                "type": "Feature",
                "properties": {
                    "grid_code": code,
                    "grid_name": name,
                    "community_code": com_code,
                    "community_name": com_name,
                    "street_name": street,
                },
                "geometry": json.loads(geometry),
            }
            lines.append(json.dumps(feature, ensure_ascii=False))
        body = ",\n".join(lines)
        text = '{"type": "FeatureCollection", "features": [\n' + body + ("\n" if body else "")
        write_bytes(path, (text + "]}\n").encode("utf-8"))
        return len(rows)
