"""Vocabulary of the case workflow: statuses, roles, types and the allowed transitions."""

from __future__ import annotations

from enum import StrEnum


class AlarmStatus(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    CLOSED = "closed"


class CaseStatus(StrEnum):
    ACCEPTED = "accepted"  # 受案
    OPENED = "opened"  # 立案
    INVESTIGATING = "investigating"  # 侦查
    SOLVED = "solved"  # 破案
    CLOSED = "closed"  # 结案


class CaseType(StrEnum):
    THEFT_FROM_VEHICLE = "theft_from_vehicle"
    BICYCLE_THEFT = "bicycle_theft"
    BURGLARY = "burglary"
    PICKPOCKETING = "pickpocketing"
    CARD_FRAUD = "card_fraud"
    TELECOM_FRAUD = "telecom_fraud"
    OTHER = "other"


class PartyRole(StrEnum):
    VICTIM = "victim"
    SUSPECT = "suspect"
    WITNESS = "witness"


class PropertyStatus(StrEnum):
    STOLEN = "stolen"
    SEIZED = "seized"
    RECOVERED = "recovered"
    RETURNED = "returned"


CASE_FLOW: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.ACCEPTED: frozenset({CaseStatus.OPENED, CaseStatus.CLOSED}),
    CaseStatus.OPENED: frozenset({CaseStatus.INVESTIGATING, CaseStatus.SOLVED}),
    CaseStatus.INVESTIGATING: frozenset({CaseStatus.SOLVED}),
    CaseStatus.SOLVED: frozenset({CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

PROPERTY_FLOW: dict[PropertyStatus, frozenset[PropertyStatus]] = {
    PropertyStatus.STOLEN: frozenset({PropertyStatus.SEIZED, PropertyStatus.RECOVERED}),
    PropertyStatus.SEIZED: frozenset({PropertyStatus.RETURNED}),
    PropertyStatus.RECOVERED: frozenset({PropertyStatus.RETURNED}),
    PropertyStatus.RETURNED: frozenset(),
}

OPEN_CASE_STATUSES = frozenset({CaseStatus.ACCEPTED, CaseStatus.OPENED, CaseStatus.INVESTIGATING})
SOLVED_CASE_STATUSES = frozenset({CaseStatus.SOLVED, CaseStatus.CLOSED})
RECOVERED_PROPERTY = frozenset(
    {PropertyStatus.SEIZED, PropertyStatus.RECOVERED, PropertyStatus.RETURNED}
)


class TransitionError(ValueError):
    """A status change that the workflow does not allow."""


def check_case_transition(current: CaseStatus, new: CaseStatus) -> None:
    if new not in CASE_FLOW[current]:
        raise TransitionError(f"a case cannot go from {current} to {new}")


def check_property_transition(current: PropertyStatus, new: PropertyStatus) -> None:
    if new not in PROPERTY_FLOW[current]:
        raise TransitionError(f"property cannot go from {current} to {new}")
