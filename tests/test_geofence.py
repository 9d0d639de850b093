"""Geofence rules for clock-in: boundary behaviour against geopy, and refusals."""

from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.domain.geofence import (
    Fence,
    Fix,
    GeofenceVerdict,
    decide,
    decide_any,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
# Central, Hong Kong.
HK = (22.2819, 114.1582)
STORE = Fence("central", HK[0], HK[1], 80.0)


def fix_at(lat: float, lon: float, accuracy: float = 10.0, age_s: float = 0.0, mocked=False):
    return Fix(lat, lon, accuracy, NOW - timedelta(seconds=age_s), mocked)


def point_from(origin: tuple[float, float], metres: float, bearing: float):
    p = geodesic(meters=metres).destination(origin, bearing)
    return p.latitude, p.longitude


@settings(max_examples=200, deadline=None)
@given(
    radius=st.floats(20.0, 500.0),
    offset=st.floats(-15.0, 15.0),
    accuracy=st.floats(0.0, 60.0),
    bearing=st.floats(0.0, 360.0),
    dlat=st.floats(-0.05, 0.05),
    dlon=st.floats(-0.05, 0.05),
)
def test_verdict_near_boundary_matches_geopy(radius, offset, accuracy, bearing, dlat, dlon):
    """Points at radius +- a few metres get the verdict the geopy distance implies."""
    centre = (HK[0] + dlat, HK[1] + dlon)
    fence = Fence("s", *centre, radius)
    true_dist = radius + offset
    assume(true_dist >= 0.0)
    lat, lon = point_from(centre, true_dist, bearing)
    # Keep clear of the exact comparison edges, where 0.5 m of tolerance could flip it.
    assume(abs(true_dist + accuracy - radius) > 0.5 and abs(true_dist - accuracy - radius) > 0.5)

    decision = decide(fix_at(lat, lon, accuracy), fence, now=NOW)

    assert abs(decision.distance_m - true_dist) <= 0.5
    assert abs(decision.distance_m - geodesic((lat, lon), centre).meters) <= 0.5
    if true_dist + accuracy <= radius:
        assert decision.verdict is GeofenceVerdict.INSIDE
        assert decision.reason is None
    elif true_dist - accuracy > radius:
        assert decision.verdict is GeofenceVerdict.OUTSIDE
    else:
        assert decision.verdict is GeofenceVerdict.UNCERTAIN
        assert decision.allowed


@settings(max_examples=100, deadline=None)
@given(offset=st.floats(0.6, 5.0), bearing=st.floats(0.0, 360.0))
def test_exact_point_just_inside_and_just_outside(offset, bearing):
    """With a perfect fix, a point just inside the radius is inside and just beyond is outside."""
    inside = point_from(HK, STORE.radius_m - offset, bearing)
    outside = point_from(HK, STORE.radius_m + offset, bearing)
    assert decide(fix_at(*inside, accuracy=0.0), STORE, now=NOW).verdict is GeofenceVerdict.INSIDE
    assert decide(fix_at(*outside, accuracy=0.0), STORE, now=NOW).verdict is GeofenceVerdict.OUTSIDE


def test_mocked_fix_refused_even_at_store_centre():
    """A fix flagged as mocked is refused with reason "mocked", wherever it claims to be."""
    d = decide(fix_at(*HK, mocked=True), STORE, now=NOW)
    assert d.verdict is GeofenceVerdict.REFUSED
    assert d.reason == "mocked"
    assert not d.allowed


def test_inaccurate_fix_refused():
    """A fix less accurate than max_accuracy_m is refused as "inaccurate" (retry near a window)."""
    d = decide(fix_at(*HK, accuracy=150.0), STORE, now=NOW)
    assert (d.verdict, d.reason) == (GeofenceVerdict.REFUSED, "inaccurate")
    ok = decide(fix_at(*HK, accuracy=150.0), Fence("big", *HK, 1000.0), now=NOW, max_accuracy_m=200)
    assert ok.verdict is GeofenceVerdict.INSIDE


def test_nan_accuracy_refused_as_inaccurate():
    """A NaN accuracy from a broken platform reading is refused, not trusted."""
    d = decide(fix_at(*HK, accuracy=float("nan")), STORE, now=NOW)
    assert (d.verdict, d.reason) == (GeofenceVerdict.REFUSED, "inaccurate")


def test_stale_fix_refused_and_fresh_one_accepted():
    """A fix older than max_age_s is refused as "stale"; one just within the limit passes."""
    stale = decide(fix_at(*HK, age_s=31.0), STORE, now=NOW)
    assert (stale.verdict, stale.reason) == (GeofenceVerdict.REFUSED, "stale")
    fresh = decide(fix_at(*HK, age_s=29.0), STORE, now=NOW)
    assert fresh.verdict is GeofenceVerdict.INSIDE


def test_fix_from_the_future_refused():
    """A fix stamped well after `now` (wrong or tampered clock) is refused as "future"."""
    d = decide(fix_at(*HK, age_s=-60.0), STORE, now=NOW)
    assert (d.verdict, d.reason) == (GeofenceVerdict.REFUSED, "future")
    assert decide(fix_at(*HK, age_s=-2.0), STORE, now=NOW).verdict is GeofenceVerdict.INSIDE


def test_refusal_order_mocked_before_inaccurate_before_stale():
    """When several refusal reasons apply, the most serious one is reported."""
    d = decide(fix_at(*HK, accuracy=500.0, age_s=600.0, mocked=True), STORE, now=NOW)
    assert d.reason == "mocked"
    d = decide(fix_at(*HK, accuracy=500.0, age_s=600.0), STORE, now=NOW)
    assert d.reason == "inaccurate"


def test_naive_datetimes_rejected():
    """Naive timestamps are a programming error: both Fix and decide() reject them."""
    with pytest.raises(ValueError):
        Fix(HK[0], HK[1], 5.0, datetime(2026, 11, 25, 9, 0))
    with pytest.raises(ValueError):
        decide(fix_at(*HK), STORE, now=datetime(2026, 11, 25, 9, 0))


def test_invalid_fence_and_coordinates_rejected():
    """Out-of-range coordinates and non-positive radii are rejected at construction."""
    with pytest.raises(ValueError):
        Fence("x", 95.0, 114.0, 50.0)
    with pytest.raises(ValueError):
        Fence("x", 22.0, 114.0, 0.0)
    with pytest.raises(ValueError):
        Fix(22.0, 190.0, 5.0, NOW)


def test_several_stores_best_verdict_wins():
    """decide_any picks inside over uncertain over outside, whatever the order of fences."""
    here = point_from(HK, 500.0, 90.0)
    far = Fence("far", *HK, 100.0)  # 500 m away: outside
    edge = Fence("edge", *point_from(here, 95.0, 0.0), 100.0)  # 95 m +- 10: uncertain
    home = Fence("home", *point_from(here, 40.0, 180.0), 100.0)  # 40 m +- 10: inside
    fix = fix_at(*here, accuracy=10.0)
    for fences in ([far, edge, home], [home, edge, far], [edge, far, home]):
        d = decide_any(fix, fences, now=NOW)
        assert (d.store_id, d.verdict) == ("home", GeofenceVerdict.INSIDE)
    d = decide_any(fix, [far, edge], now=NOW)
    assert (d.store_id, d.verdict) == ("edge", GeofenceVerdict.UNCERTAIN)
    assert d.reason == "near_boundary"


def test_several_stores_tie_broken_by_nearest():
    """Two stores with the same verdict: the nearer store is reported."""
    here = point_from(HK, 1000.0, 45.0)
    near = Fence("near", *point_from(here, 20.0, 0.0), 150.0)
    nearer = Fence("nearer", *point_from(here, 5.0, 90.0), 150.0)
    d = decide_any(fix_at(*here), [near, nearer], now=NOW)
    assert (d.store_id, d.verdict) == ("nearer", GeofenceVerdict.INSIDE)
    out = decide_any(fix_at(*here), [STORE, Fence("b", *point_from(HK, 300, 180), 80)], now=NOW)
    assert out.verdict is GeofenceVerdict.OUTSIDE
    assert out.store_id == "central"  # about 1000 m away versus about 1230 m


def test_several_stores_all_refused_for_mocked_fix():
    """A mocked fix is refused at every store, so decide_any refuses too."""
    d = decide_any(fix_at(*HK, mocked=True), [STORE, Fence("b", *HK, 500.0)], now=NOW)
    assert (d.verdict, d.reason) == (GeofenceVerdict.REFUSED, "mocked")


def test_decide_any_needs_a_fence():
    """A staff member with no store assigned is a configuration error, not a verdict."""
    with pytest.raises(ValueError):
        decide_any(fix_at(*HK), [], now=NOW)
