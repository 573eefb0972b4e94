import math
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from werkstatt.engines.geo import EARTH_RADIUS_KM, NearestIndex, bounding_box, haversine_km

lats = st.floats(min_value=-89.9, max_value=89.9, allow_nan=False)
lons = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)
radii = st.floats(min_value=0.0, max_value=2000.0, allow_nan=False)


def test_known_distances():
    # Chemnitz to Dresden, centre to centre, is about 62 km.
    assert haversine_km(50.8357, 12.9292, 51.0509, 13.7383) == pytest.approx(62.0, abs=1.5)
    # A quarter of a meridian.
    assert haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM)
    # Half the equator: the antipode.
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@given(lats, lons, lats, lons)
def test_distance_is_symmetric(lat1, lon1, lat2, lon2):
    assert haversine_km(lat1, lon1, lat2, lon2) == pytest.approx(
        haversine_km(lat2, lon2, lat1, lon1), abs=1e-9
    )


@given(lats, lons)
def test_distance_to_itself_is_zero(lat, lon):
    assert haversine_km(lat, lon, lat, lon) == 0.0


@given(lats, lons, lats, lons)
def test_distance_is_never_more_than_half_the_circumference(lat1, lon1, lat2, lon2):
    distance = haversine_km(lat1, lon1, lat2, lon2)
    assert 0.0 <= distance <= math.pi * EARTH_RADIUS_KM + 1e-6


@given(lats, lons, lats, lons, lats, lons)
def test_triangle_inequality(lat1, lon1, lat2, lon2, lat3, lon3):
    direct = haversine_km(lat1, lon1, lat3, lon3)
    via = haversine_km(lat1, lon1, lat2, lon2) + haversine_km(lat2, lon2, lat3, lon3)
    assert direct <= via + 1e-6


def _point_at(lat, lon, distance_km, bearing_deg):
    """The point `distance_km` from (lat, lon) in direction `bearing_deg` (great circle)."""
    phi1, lam1 = math.radians(lat), math.radians(lon)
    delta = distance_km / EARTH_RADIUS_KM
    theta = math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1),
        math.cos(delta) - math.sin(phi1) * math.sin(phi2),
    )
    lon2 = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return math.degrees(phi2), lon2


@given(lats, lons, radii, st.floats(0, 1), st.floats(0, 360))
def test_bounding_box_contains_every_point_within_the_radius(lat, lon, radius, share, bearing):
    point_lat, point_lon = _point_at(lat, lon, radius * share, bearing)
    assume(haversine_km(lat, lon, point_lat, point_lon) <= radius)
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    assert min_lat <= point_lat <= max_lat
    assert min_lon <= point_lon <= max_lon


@given(st.floats(-60, 60), st.floats(-170, 170), st.floats(0.5, 200))
def test_bounding_box_is_tight_enough_to_be_useful(lat, lon, radius):
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    # Its corners lie outside the circle (the box does not cover half the world).
    assert haversine_km(lat, lon, max_lat, max_lon) > radius
    expected = 2 * math.degrees(radius / EARTH_RADIUS_KM)
    assert max_lat - min_lat == pytest.approx(expected, rel=1e-6, abs=1e-7)


def test_bounding_box_near_a_pole_spans_all_longitudes():
    assert bounding_box(89.5, 10.0, 100.0)[2:] == (-180.0, 180.0)


def test_bounding_box_rejects_a_negative_radius():
    with pytest.raises(ValueError):
        bounding_box(50.0, 12.0, -1.0)


points = st.lists(st.tuples(st.floats(47.0, 55.0), st.floats(5.0, 15.0)), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(points, st.floats(46.0, 56.0), st.floats(4.0, 16.0), st.sampled_from([0.05, 0.25, 1.0]))
def test_nearest_index_agrees_with_brute_force(coords, lat, lon, cell):
    index = NearestIndex(((a, b, i) for i, (a, b) in enumerate(coords)), cell_deg=cell)
    hit = index.nearest(lat, lon)
    assert hit is not None
    best = min(haversine_km(lat, lon, a, b) for a, b in coords)
    assert hit[1] == pytest.approx(best, abs=1e-9)
    assert haversine_km(lat, lon, *coords[hit[0]]) == pytest.approx(best, abs=1e-9)


def test_nearest_index_is_empty_or_out_of_reach():
    assert NearestIndex([]).nearest(50.0, 12.0) is None
    index = NearestIndex([(50.0, 12.0, "a")])
    assert index.nearest(51.0, 12.0, max_km=50) is None
    assert index.nearest(50.2, 12.0, max_km=50) == ("a", pytest.approx(22.24, abs=0.05))
    assert len(index) == 1


def test_nearest_index_with_many_points_is_exact():
    rng = random.Random(7)
    coords = [(rng.uniform(50, 52), rng.uniform(11, 15)) for _ in range(3000)]
    index = NearestIndex((a, b, i) for i, (a, b) in enumerate(coords))
    for _ in range(200):
        lat, lon = rng.uniform(49.5, 52.5), rng.uniform(10.5, 15.5)
        expected = min(range(len(coords)), key=lambda i: haversine_km(lat, lon, *coords[i]))
        assert index.nearest(lat, lon)[0] == expected
