from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from precinct.cases.domain import (
    CaseStatus,
    PropertyStatus,
    TransitionError,
    check_case_transition,
    check_property_transition,
)
from precinct.cases.figures import AlarmClock, CaseClock, ItemValue, compute_figures

T0 = datetime(2024, 12, 15, 6, 40, tzinfo=UTC)


def alarm(dispatch_min: float | None, closed: bool) -> AlarmClock:
    dispatched = T0 + timedelta(minutes=dispatch_min) if dispatch_min is not None else None
    return AlarmClock(T0, dispatched, None, T0 + timedelta(hours=1) if closed else None)


def test_figures_from_clocks_and_values() -> None:
    alarms = [alarm(2, True), alarm(4, True), alarm(3, False), alarm(None, False)]
    cases = [
        CaseClock(T0, T0 + timedelta(hours=50), is_open=False),
        CaseClock(T0, T0 + timedelta(hours=10), is_open=False),
        CaseClock(T0, None, is_open=True),
    ]
    items = [ItemValue(Decimal("3000"), True), ItemValue(Decimal("1000.50"), False)]
    f = compute_figures(alarms, cases, items)
    assert (f.alarms, f.alarms_open, f.alarms_handled_rate) == (4, 2, 0.5)
    assert f.median_dispatch_min == 3.0
    assert (f.cases, f.cases_open, f.cases_solved) == (3, 1, 2)
    assert f.solve_rate == pytest.approx(0.6667)
    assert f.median_solve_hours == 30.0
    assert f.value_stolen_yuan == Decimal("4000.50")
    assert f.value_recovered_yuan == Decimal("3000")
    assert f.recovery_rate == pytest.approx(0.7499)


def test_figures_of_nothing_are_empty_not_zero_division() -> None:
    f = compute_figures([], [], [])
    assert f.solve_rate is None and f.recovery_rate is None and f.median_dispatch_min is None


def test_case_and_property_workflows() -> None:
    check_case_transition(CaseStatus.INVESTIGATING, CaseStatus.SOLVED)
    with pytest.raises(TransitionError):
        check_case_transition(CaseStatus.CLOSED, CaseStatus.INVESTIGATING)
    check_property_transition(PropertyStatus.STOLEN, PropertyStatus.SEIZED)
    with pytest.raises(TransitionError):
        check_property_transition(PropertyStatus.RETURNED, PropertyStatus.STOLEN)
