"""Geometry of the demo street: a gap-free, non-overlapping tessellation of grid tiles.

The tiles are quadrilaterals on a jittered lattice: every lattice vertex is moved by
less than a quarter of a tile in each axis and is shared by all tiles that meet there,
so neighbouring tiles share their edges exactly (no gap, no overlap) and every tile
stays a simple polygon. Communities are contiguous blocks of tiles grown from seeds.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass

import shapely
from shapely.geometry import Polygon

M_PER_DEG_LAT = 110_574.0
JITTER = 0.22  # fraction of a tile; below 0.25 the tiles can never fold over
DECIMALS = 6  # about 0.1 m


@dataclass(frozen=True)
class Tile:
    row: int  # 0 = southernmost
    col: int  # 0 = westernmost
    ring: tuple[tuple[float, float], ...]  # closed, counter-clockwise lon/lat
    polygon: Polygon

    @property
    def geojson(self) -> str:
        coords = [[lon, lat] for lon, lat in self.ring]
        return json.dumps({"type": "Polygon", "coordinates": [coords]}, separators=(",", ":"))


def m_per_deg_lon(lat: float) -> float:
    return 111_320.0 * math.cos(math.radians(lat))


def lattice_shape(n: int) -> tuple[int, int]:
    """Columns and rows of a lattice holding ``n`` tiles, a little wider than tall."""
    cols = max(1, math.ceil(math.sqrt(n * 1.25)))
    rows = math.ceil(n / cols)
    return cols, rows


def tessellate(
    rng: random.Random,
    n: int,
    center: tuple[float, float],
    tile_m: tuple[float, float],
) -> list[Tile]:
    """``n`` tiles filling rows south to north; the last row is filled from the west."""
    if n < 1:
        raise ValueError("a tessellation needs at least one tile")
    cols, rows = lattice_shape(n)
    lon0, lat0 = center
    dx = tile_m[0] / m_per_deg_lon(lat0)
    dy = tile_m[1] / M_PER_DEG_LAT
    west = lon0 - cols * dx / 2
    south = lat0 - rows * dy / 2
    vertex: dict[tuple[int, int], tuple[float, float]] = {}
    for j in range(rows + 1):
        for i in range(cols + 1):
            jx = rng.uniform(-JITTER, JITTER) * dx
            jy = rng.uniform(-JITTER, JITTER) * dy
            vertex[(i, j)] = (
                round(west + i * dx + jx, DECIMALS),
                round(south + j * dy + jy, DECIMALS),
            )
    tiles = []
    for k in range(n):
        r, c = divmod(k, cols)
        corners = (vertex[(c, r)], vertex[(c + 1, r)], vertex[(c + 1, r + 1)], vertex[(c, r + 1)])
        ring = (*corners, corners[0])
        poly = Polygon(ring)
        if not poly.is_valid or poly.exterior.is_ccw is False:
            raise AssertionError(f"tile {r},{c} is not a valid counter-clockwise polygon")
        tiles.append(Tile(r, c, ring, poly))
    return tiles


def neighbours(tiles: list[Tile]) -> list[list[int]]:
    """Indices of the tiles sharing an edge with each tile."""
    where = {(t.row, t.col): k for k, t in enumerate(tiles)}
    out = []
    for t in tiles:
        adj = [
            where[p]
            for p in (
                (t.row - 1, t.col),
                (t.row + 1, t.col),
                (t.row, t.col - 1),
                (t.row, t.col + 1),
            )
            if p in where
        ]
        out.append(sorted(adj))
    return out


def group_tiles(rng: random.Random, tiles: list[Tile], n_groups: int) -> list[int]:
    """Group index per tile: ``n_groups`` contiguous, compact blocks of similar size.

    Seeds are spread by farthest-point selection; the groups then take turns claiming
    the unclaimed neighbour closest to their seed (with a little noise), so each group
    is connected by construction.
    """
    n = len(tiles)
    n_groups = max(1, min(n_groups, n))
    pos = [(t.row, t.col) for t in tiles]
    seeds = [rng.randrange(n)]
    nearest = [math.inf] * n  # squared distance of each tile to its nearest seed
    while True:
        sr, sc = pos[seeds[-1]]
        for k in range(n):
            nearest[k] = min(nearest[k], (pos[k][0] - sr) ** 2 + (pos[k][1] - sc) ** 2)
        if len(seeds) == n_groups:
            break
        seeds.append(max(range(n), key=lambda k: (nearest[k], -k)))
    adj = neighbours(tiles)
    group = [-1] * n
    members: list[list[int]] = []
    for g, s in enumerate(seeds):
        group[s] = g
        members.append([s])
    left = n - n_groups
    while left:
        progressed = False
        for g, s in enumerate(seeds):
            cands = sorted({nb for m in members[g] for nb in adj[m] if group[nb] < 0})
            if not cands:
                continue
            sr, sc = pos[s]
            pick = min(
                cands,
                key=lambda k: math.hypot(pos[k][0] - sr, pos[k][1] - sc) + rng.uniform(0, 1.2),
            )
            group[pick] = g
            members[g].append(pick)
            left -= 1
            progressed = True
            if not left:
                break
        if not progressed:  # cannot happen on a connected lattice
            raise AssertionError("tile grouping stalled")
    return group


class PointSampler:
    """Points inside one tile: uniform sites (kept ``margin_m`` off the edges) and points
    near a site, always verified to lie inside the tile after rounding."""

    def __init__(self, polygon: Polygon, margin_m: float) -> None:
        self.polygon = polygon
        lat = polygon.centroid.y
        self.kx = 1.0 / m_per_deg_lon(lat)
        self.ky = 1.0 / M_PER_DEG_LAT
        inner = polygon.buffer(-margin_m * self.ky)
        self.inner = inner if (not inner.is_empty and inner.geom_type == "Polygon") else polygon
        shapely.prepare(self.polygon)
        shapely.prepare(self.inner)
        self.bounds = self.inner.bounds

    def inside(self, lon: float, lat: float) -> bool:
        return bool(shapely.contains_xy(self.polygon, lon, lat))

    def site(self, rng: random.Random) -> tuple[float, float]:
        """A point uniform over the inner polygon (rejection sampling in the bounds)."""
        x0, y0, x1, y1 = self.bounds
        for _ in range(1000):
            lon = round(rng.uniform(x0, x1), DECIMALS)
            lat = round(rng.uniform(y0, y1), DECIMALS)
            if shapely.contains_xy(self.inner, lon, lat):
                return lon, lat
        c = self.inner.representative_point()
        return round(c.x, DECIMALS), round(c.y, DECIMALS)

    def near(
        self, rng: random.Random, lon: float, lat: float, dx_m: float, dy_m: float
    ) -> tuple[float, float]:
        """A point within ``dx_m`` × ``dy_m`` metres of (lon, lat), inside the tile."""
        for _ in range(20):
            x = round(lon + rng.uniform(-dx_m, dx_m) * self.kx, DECIMALS)
            y = round(lat + rng.uniform(-dy_m, dy_m) * self.ky, DECIMALS)
            if shapely.contains_xy(self.inner, x, y):
                return x, y
        return lon, lat
