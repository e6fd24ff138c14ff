"""The AV incident workflow and its figures (pure): states, allowed steps, and the times from
alert to operator acknowledgement to the car moved."""

from __future__ import annotations

import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final


class IncidentKind(StrEnum):
    STUCK = "stuck"
    MINOR_COLLISION = "minor_collision"
    OBSTRUCTION = "obstruction"
    OTHER = "other"


class IncidentStatus(StrEnum):
    OPEN = "open"
    OPERATOR_REQUESTED = "operator_requested"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLOSED = "closed"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class DataItem(StrEnum):
    TRAJECTORY = "trajectory"
    DRIVING_MODE = "driving_mode"
    REMOTE_OPERATOR_ACTIONS = "remote_operator_actions"
    VIDEO = "video"


S = IncidentStatus
NEXT: Final[dict[IncidentStatus, frozenset[IncidentStatus]]] = {
    S.OPEN: frozenset({S.OPERATOR_REQUESTED, S.RESOLVED}),
    S.OPERATOR_REQUESTED: frozenset({S.ACKNOWLEDGED, S.RESOLVED}),
    S.ACKNOWLEDGED: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}


class WorkflowError(ValueError):
    """A step the incident's current state does not allow."""


def check_step(current: IncidentStatus, wanted: IncidentStatus) -> None:
    if wanted not in NEXT[current]:
        allowed = ", ".join(sorted(NEXT[current])) or "nothing (closed)"
        raise WorkflowError(f"incident is {current}: cannot go to {wanted} (allowed: {allowed})")


def party_key(party: str) -> str:
    """One spelling of an other party: "鄂a·12345 " and "鄂A12345" are the same plate."""
    text = unicodedata.normalize("NFKC", party).upper()
    return "".join(c for c in text if c.isalnum())


def repeated_parties(parties: Iterable[str], at_least: int = 2) -> set[str]:
    """Other parties (plates, names), as `party_key`s, that appear in `at_least` AV collisions."""
    counts = Counter(party_key(p) for p in parties if p and party_key(p))
    return {p for p, n in counts.items() if n >= at_least}


@dataclass(frozen=True)
class AlertClock:
    raised_at: datetime
    acknowledged_at: datetime | None
    moved_at: datetime | None


@dataclass(frozen=True)
class AlertFigures:
    alerts: int
    acknowledged: int
    moved: int
    median_ack_s: float | None
    median_moved_s: float | None
    max_moved_s: float | None


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def alert_figures(clocks: Sequence[AlertClock]) -> AlertFigures:
    """Seconds from alert to acknowledgement and from alert to the car moved."""
    ack = [(c.acknowledged_at - c.raised_at).total_seconds() for c in clocks if c.acknowledged_at]
    moved = [(c.moved_at - c.raised_at).total_seconds() for c in clocks if c.moved_at]
    return AlertFigures(
        alerts=len(clocks),
        acknowledged=len(ack),
        moved=len(moved),
        median_ack_s=_median(ack),
        median_moved_s=_median(moved),
        max_moved_s=max(moved) if moved else None,
    )
