"""Case series (串并案): cases of the same kind, close in space and time, clustered together.

Two cases are linked when they share the case type, lie within ``radius_m`` of each other and
happened within ``days`` of each other; a series is a connected group of linked cases
(single-linkage clustering in space-time, like DBSCAN with a minimum of one neighbour).  Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from precinct.linkage.geo import Point
from precinct.linkage.leads import mo_similarity


@dataclass(frozen=True)
class CaseFact:
    number: str
    case_type: str
    title: str
    where: Point
    at: datetime


@dataclass(frozen=True)
class SeriesCase:
    case: CaseFact
    metres: float  # from the case asked about
    days: float  # after (+) or before (-) it
    mo: float  # similarity of the titles


def _linked(a: CaseFact, b: CaseFact, radius_m: float, days: float) -> bool:
    if a.case_type != b.case_type:
        return False
    close_in_time = abs((a.at - b.at).total_seconds()) <= days * 86400
    return close_in_time and a.where.metres(b.where) <= radius_m


def series_of(
    target: CaseFact, cases: Sequence[CaseFact], radius_m: float = 700.0, days: float = 21.0
) -> list[SeriesCase]:
    """The other cases in ``target``'s series, in time order; the chain stays within twice the
    radius and the span of the case asked about."""
    pool = [
        c
        for c in cases
        if c.case_type == target.case_type
        and c.number != target.number
        and _linked(target, c, 2 * radius_m, 2 * days)
    ]
    member, frontier = {target.number}, [target]
    while frontier:
        current = frontier.pop()
        for c in pool:
            if c.number not in member and _linked(current, c, radius_m, days):
                member.add(c.number)
                frontier.append(c)
    found = [
        SeriesCase(
            c,
            round(target.where.metres(c.where)),
            round((c.at - target.at).total_seconds() / 86400, 1),
            round(mo_similarity(c.title, target.title), 2),
        )
        for c in pool
        if c.number in member
    ]
    return sorted(found, key=lambda s: s.case.at)
