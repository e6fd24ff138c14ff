"""Fleet numbers, plate rules and the confusion-aware matcher."""

from __future__ import annotations

import pytest

from precinct.fleet import fleetno, match
from precinct.fleet.plates import read_plate


def test_fleet_number_check_character_catches_a_wrong_digit() -> None:
    number = fleetno.FleetNumber.make("CG", 123)
    assert fleetno.FleetNumber.parse(str(number)) == number
    for i in range(2, 6):
        wrong = (
            number.compact[:i] + str((int(number.compact[i]) + 1) % 10) + number.compact[i + 1 :]
        )
        assert not fleetno.is_valid(wrong)


@pytest.mark.parametrize("bad", ["CG0123", "C10123X", "IO01234", "CG-01A3-4"])
def test_fleet_number_rejects_bad_shapes(bad: str) -> None:
    assert not fleetno.is_valid(bad)


def test_check_alphabet_has_no_lookalikes() -> None:
    assert not set(fleetno.CHECK_ALPHABET) & set("".join(match.CONFUSABLE_GROUPS))


def test_plate_rules_fix_serial_and_keep_missing_province() -> None:
    green = read_plate("鄂A·DI23O5")
    assert green is not None and green.text == "鄂AD12305" and green.valid
    assert read_plate("鄂A 12345") is not None
    missing = read_plate("AD12345")
    assert missing is not None and not missing.has_province and not missing.valid
    assert read_plate("鄂A123") is None
    assert read_plate("Robotaxi") is None


def _registry() -> match.Registry:
    plates = ["鄂AD10001", "鄂AD10081", "鄂AD1000B", "鄂AF20001", "鄂AD55555"]
    return match.Registry.of(
        match.Vehicle(i, p, fleetno.FleetNumber.make("CG", i).compact)
        for i, p in enumerate(plates, 1)
    )


def test_distance_is_cheap_for_lookalikes_and_missing_province() -> None:
    assert match.distance("鄂AD1OO01", "鄂AD10001") == pytest.approx(0.6)
    assert match.distance("AD10001", "鄂AD10001") == pytest.approx(0.5)
    assert match.distance("湘AD10001", "鄂AD10001") == pytest.approx(0.5)
    assert match.distance("鄂AD10002", "鄂AD10001") == pytest.approx(1.0)


def test_exact_plate_and_fleet_number_identify() -> None:
    reg = _registry()
    fleet = fleetno.FleetNumber.make("CG", 4).compact
    decision = match.identify(reg, [["鄂AF20001", fleet]])
    assert decision.vehicle is not None and decision.vehicle.key == 4


def test_lookalike_reads_still_identify() -> None:
    fleet = fleetno.FleetNumber.make("CG", 4).compact.replace("0", "D")  # CGDDD4…
    decision = match.identify(_registry(), [["AF2O0O1", fleet]])
    assert decision.vehicle is not None and decision.vehicle.key == 4


def test_ambiguous_read_gives_no_match_with_top_three() -> None:
    # 鄂AD1000B and 鄂AD10008 look alike (8/B): the read 鄂AD10008 is not one car.
    reg = match.Registry.of(
        [
            match.Vehicle(1, "鄂AD1000B", "CG0001X"),
            match.Vehicle(2, "鄂AD10008", "CG0002X"),
            match.Vehicle(3, "鄂AD10009", "CG0003X"),
        ]
    )
    decision = match.identify(reg, [["鄂AD1000B"]])
    assert not decision.matched
    assert {c.key for c in decision.candidates} == {1, 2, 3}
    assert len(decision.candidates) == 3


def test_plate_and_fleet_number_that_disagree_give_no_match() -> None:
    reg = _registry()
    other = fleetno.FleetNumber.make("CG", 5).compact
    assert not match.identify(reg, [["鄂AF20001", other]]).matched


def test_fleet_number_settles_a_misread_plate() -> None:
    reg = _registry()
    fleet1 = fleetno.FleetNumber.make("CG", 1).compact
    # the plate read is one real digit off car 2's... but the fleet number names car 1
    decision = match.identify(reg, [["鄂AD10081", fleet1], ["鄂AD10001"]])
    assert decision.vehicle is not None and decision.vehicle.key == 1


def test_votes_across_frames() -> None:
    reg = _registry()
    one = match.identify(reg, [["鄂AD1008"]])
    assert not one.matched
    many = match.identify(
        reg, [["鄂AD1008"], ["AD10081"], [fleetno.FleetNumber.make("CG", 2).compact]]
    )
    assert many.vehicle is not None and many.vehicle.key == 2


def test_nothing_readable_is_no_match() -> None:
    decision = match.identify(_registry(), [["车谷智行"], []])
    assert not decision.matched and decision.candidates == ()
