"""Distances on the earth, bounding boxes for radius search, nearest-point lookup. No Django.

The earth is taken as a sphere of the mean radius (IUGG, 6371.0088 km); for distances within a
region the error against the ellipsoid is well under 0.5 %, far below what a radius search needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Generic, TypeVar

EARTH_RADIUS_KM = 6371.0088

# Bounding boxes are widened by this much so that points exactly on the circle are inside
# despite rounding (about 1 mm).
_MARGIN_DEG = 1e-8

T = TypeVar("T")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees (WGS 84 lat/lon).

    Uses the haversine formula, which is well conditioned for small distances.
    """
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    h = min(1.0, max(0.0, h))
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """The smallest lat/lon box holding every point within `radius_km` of (lat, lon).

    Returns (min_lat, max_lat, min_lon, max_lon) in degrees. Meant as a cheap index filter
    before the exact `haversine_km` check. Latitudes are clipped to [-90, 90]. If the circle
    contains a pole or crosses the antimeridian, the longitude range is the whole [-180, 180]
    (a box cannot wrap; a wider box is still correct as a filter).
    """
    if radius_km < 0:
        raise ValueError("radius_km must not be negative")
    angular = radius_km / EARTH_RADIUS_KM  # radians
    dlat = math.degrees(angular) + _MARGIN_DEG
    min_lat = max(-90.0, lat - dlat)
    max_lat = min(90.0, lat + dlat)
    phi = math.radians(lat)
    if angular >= math.pi / 2 - abs(phi) or max_lat >= 90.0 or min_lat <= -90.0:
        return (min_lat, max_lat, -180.0, 180.0)
    # The widest longitude on the circle (tangent point of a meridian), exact on the sphere.
    dlon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(phi)))) + _MARGIN_DEG
    min_lon = lon - dlon
    max_lon = lon + dlon
    if min_lon < -180.0 or max_lon > 180.0:
        return (min_lat, max_lat, -180.0, 180.0)
    return (min_lat, max_lat, min_lon, max_lon)


class NearestIndex(Generic[T]):
    """Find the item nearest a point among many fixed points, fast (a lat/lon grid).

    Build once with `NearestIndex(points)` where `points` yields (lat, lon, item); then
    `nearest(lat, lon)` returns (item, distance_km) or None if the index is empty or nothing
    lies within `max_km`. Exact: the answer equals a brute-force search (ties aside).
    """

    def __init__(self, points: Iterable[tuple[float, float, T]], cell_deg: float = 0.25) -> None:
        if cell_deg <= 0:
            raise ValueError("cell_deg must be positive")
        self.cell_deg = cell_deg
        self._cells: dict[tuple[int, int], list[tuple[float, float, T]]] = {}
        for lat, lon, item in points:
            self._cells.setdefault(self._cell(lat, lon), []).append((lat, lon, item))
        if self._cells:
            rows = [key[0] for key in self._cells]
            cols = [key[1] for key in self._cells]
            self._row_range = (min(rows), max(rows))
            self._col_range = (min(cols), max(cols))

    def __len__(self) -> int:
        return sum(len(points) for points in self._cells.values())

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat / self.cell_deg), math.floor(lon / self.cell_deg))

    def nearest(
        self, lat: float, lon: float, max_km: float | None = None
    ) -> tuple[T, float] | None:
        """The nearest item to (lat, lon) and its distance in km, or None."""
        if not self._cells:
            return None
        row, col = self._cell(lat, lon)
        # Rings of cells around the query cell; stop once no farther ring can hold a closer point.
        max_ring = max(
            abs(row - self._row_range[0]),
            abs(row - self._row_range[1]),
            abs(col - self._col_range[0]),
            abs(col - self._col_range[1]),
        )
        best: tuple[T, float] | None = None
        for ring in range(max_ring + 1):
            bound = self._ring_lower_bound_km(lat, ring)
            if best is not None and bound > best[1]:
                break
            if max_km is not None and bound > max_km:
                break
            for cell in self._ring_cells(row, col, ring):
                for plat, plon, item in self._cells.get(cell, ()):
                    distance = haversine_km(lat, lon, plat, plon)
                    if best is None or distance < best[1]:
                        best = (item, distance)
        if best is not None and max_km is not None and best[1] > max_km:
            return None
        return best

    def _ring_lower_bound_km(self, lat: float, ring: int) -> float:
        """No point in cells `ring` steps away is closer than this (a conservative bound)."""
        if ring <= 1:
            return 0.0
        gap = math.radians(min(180.0, (ring - 1) * self.cell_deg))
        # A point `ring` cells away differs by at least `gap` in latitude or in longitude, and
        # its latitude is within (ring + 1) cells of ours. From the haversine formula,
        # h >= cos(lat_max)^2 * sin(gap / 2)^2 bounds both cases.
        lat_max = min(90.0, abs(lat) + (ring + 1) * self.cell_deg)
        h = math.cos(math.radians(lat_max)) * math.sin(gap / 2)
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, max(0.0, h)))

    @staticmethod
    def _ring_cells(row: int, col: int, ring: int) -> Iterable[tuple[int, int]]:
        if ring == 0:
            yield (row, col)
            return
        for dc in range(-ring, ring + 1):
            yield (row - ring, col + dc)
            yield (row + ring, col + dc)
        for dr in range(-ring + 1, ring):
            yield (row + dr, col - ring)
            yield (row + dr, col + ring)
