"""The night's shared-bike trips: the suspect's ride (from the same legs the video draws), a
few honest riders near the scene in the small hours, and 20,000+ ordinary trips."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from precinct.demo.common import TZ
from precinct.demo.geography import EW_STREETS, NS_STREETS, camera_sites, metres
from precinct.demo.video_cast import Leg
from precinct.demo.video_scene import to_metres
from precinct.demo.video_truth import DEFAULT_CAMERAS, NIGHT_FOOTAGE_START

_M_PER_DEG: Final = 111_320.0
_ORIGIN: Final = (EW_STREETS[0][1], NS_STREETS[0][1])
TRIPS_FROM: Final = datetime(2024, 12, 14, 17, 0, tzinfo=TZ)
TRIPS_UNTIL: Final = datetime(2024, 12, 15, 11, 0, tzinfo=TZ)
#: Relative number of trips starting in each hour from 17:00 to 10:00.
_HOURLY: Final = (9, 10, 8, 6, 5, 4, 3, 2, 0.6, 0.35, 0.25, 0.2, 0.3, 0.8, 4, 10, 9, 6)
SIGHTING_METRES: Final = 40.0


@dataclass(frozen=True)
class TripRow:
    trip_id: str
    account: str
    bike_id: str
    unlock_at: datetime
    lock_at: datetime
    start: tuple[float, float]
    end: tuple[float, float]

    def cells(self) -> list[str]:
        return [
            self.trip_id,
            self.account,
            self.bike_id,
            self.unlock_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{self.start[0]:.6f}",
            f"{self.start[1]:.6f}",
            self.lock_at.strftime("%Y-%m-%d %H:%M:%S"),
            f"{self.end[0]:.6f}",
            f"{self.end[1]:.6f}",
        ]


TRIP_HEADER: Final = [
    "订单号",
    "账户手机号",
    "车辆编号",
    "开锁时间",
    "开锁纬度",
    "开锁经度",
    "关锁时间",
    "关锁纬度",
    "关锁经度",
]


def from_metres(north: float, east: float) -> tuple[float, float]:
    lat = _ORIGIN[0] + north / _M_PER_DEG
    lon = _ORIGIN[1] + east / (_M_PER_DEG * math.cos(math.radians(_ORIGIN[0])))
    return round(lat, 6), round(lon, 6)


def _at(seconds: float) -> datetime:
    return (NIGHT_FOOTAGE_START + timedelta(seconds=round(seconds))).astimezone(TZ)


def suspect_trip(ride: Leg, account: str, bike_id: str) -> TripRow:
    """Unlocked where he took the bike, locked outside his rented room."""
    return TripRow(
        "QJ20241215" + "013601",
        account,
        bike_id,
        _at(ride.times[0]),
        _at(ride.times[-1] + 25.0),
        from_metres(*ride.points[0]),
        from_metres(*ride.points[-1]),
    )


def _closest(ride: Leg, north: float, east: float) -> tuple[float, float]:
    """(metres, seconds) of the ride's closest approach to a point, sampled each 0.5 s."""
    best = (math.inf, 0.0)
    pts, times = ride.points, ride.times
    for (n0, e0), (n1, e1), t0, t1 in zip(pts, pts[1:], times, times[1:], strict=False):
        steps = max(int((t1 - t0) / 0.5), 1)
        for k in range(steps + 1):
            f = k / steps
            d = math.hypot(n0 + f * (n1 - n0) - north, e0 + f * (e1 - e0) - east)
            best = min(best, (d, t0 + f * (t1 - t0)))
    return best


def _position(ride: Leg, t: float) -> tuple[float, float]:
    """Where the rider is at ``t`` (clamped to the ride), interpolated along the legs."""
    pts, times = ride.points, ride.times
    t = min(max(t, times[0]), times[-1])
    for (n0, e0), (n1, e1), t0, t1 in zip(pts, pts[1:], times, times[1:], strict=False):
        if t0 <= t <= t1:
            f = (t - t0) / (t1 - t0) if t1 > t0 else 0.0
            return n0 + f * (n1 - n0), e0 + f * (e1 - e0)
    return pts[-1]


def _heading(ride: Leg, t: float) -> float:
    """The compass heading of the ride around ``t`` (from 5 s before to 5 s after)."""
    (n0, e0), (n1, e1) = _position(ride, t - 5.0), _position(ride, t + 5.0)
    return round(math.degrees(math.atan2(e1 - e0, n1 - n0)) % 360, 1)


def ride_sightings(ride: Leg) -> list[tuple[str, datetime, float]]:
    """Where the footage cameras saw the rider: (camera, moment of closest approach, heading)."""
    found = []
    for site in camera_sites():
        if site.code in DEFAULT_CAMERAS:
            d, t = _closest(ride, *to_metres(site.lat, site.lon))
            if d <= SIGHTING_METRES:
                found.append((site.code, _at(t), _heading(ride, t)))
    return sorted(found, key=lambda s: s[1])


def _start_time(rng: random.Random) -> datetime:
    hour = rng.choices(range(len(_HOURLY)), weights=_HOURLY)[0]
    return TRIPS_FROM + timedelta(hours=hour, seconds=rng.randrange(3600))


def random_spot(rng: random.Random) -> tuple[float, float]:
    lat = rng.uniform(EW_STREETS[-1][1], EW_STREETS[0][1])
    lon = rng.uniform(NS_STREETS[0][1], NS_STREETS[-1][1])
    return round(lat, 6), round(lon, 6)


def ride(
    rng: random.Random, unlock_at: datetime, start: tuple[float, float], end: tuple[float, float]
) -> tuple[datetime, datetime]:
    north = abs(start[0] - end[0]) * _M_PER_DEG
    east = metres(start[0], start[1], start[0], end[1])
    seconds = (north + east) / rng.uniform(2.8, 5.2) + rng.uniform(30, 240)
    return unlock_at, unlock_at + timedelta(seconds=round(seconds))


def ordinary_trips(
    rng: random.Random, count: int, accounts: Sequence[str], homes: Sequence[tuple[float, float]]
) -> list[TripRow]:
    """Trips between homes and random kerbs, weighted to the evening and the morning rush."""
    trips = []
    for n in range(count):
        start = rng.choice(homes) if rng.random() < 0.4 else random_spot(rng)
        end = rng.choice(homes) if rng.random() < 0.4 else random_spot(rng)
        unlock, lock = ride(rng, _start_time(rng), start, end)
        account = accounts[
            min(int(rng.paretovariate(1.2)) - 1, len(accounts) - 1)
            if rng.random() < 0.3
            else rng.randrange(len(accounts))
        ]
        trips.append(
            TripRow(
                f"QJ{unlock:%Y%m%d}{n:06d}",
                account,
                f"QJ{rng.randrange(10**8):08d}",
                unlock,
                lock,
                start,
                end,
            )
        )
    return trips
