"""Reports matched to the victims' payments: a time window and a fee tolerance, the best
candidate for each report, each transfer used once, ties reported as ambiguous."""

from __future__ import annotations

import csv
from pathlib import Path

from precinct.linkage.mapping import load_mapping
from precinct.linkage.rings_match import Candidate, MatchParams, fits, match_reports
from precinct.linkage.rings_sources import read_ring_sources, ring_inputs_from

MAPPINGS = Path(__file__).parents[2] / "precinct" / "linkage" / "mappings"
P = MatchParams()


def test_a_fee_and_a_remembered_time_still_fit() -> None:
    assert fits(P, 20_000_00, -25 * 60, -20_00)  # 25 min early, ¥20 fee on ¥20,000
    assert not fits(P, 20_000_00, 31 * 60, 0)  # more than 30 minutes off
    assert not fits(P, 20_000_00, 0, -300_00)  # ¥300 off is not a fee (1% = ¥200)


def test_the_closest_amount_then_time_wins_and_each_transfer_serves_one_report() -> None:
    candidates = [
        Candidate(0, 10, 600, 0, 1000),  # report 0: exact amount, 10 min off
        Candidate(0, 11, 60, -500, 1060),  # report 0: a fee off, 1 min off
        Candidate(1, 10, 1200, 0, 1000),  # report 1 wants transfer 10 too
        Candidate(1, 12, 1500, 0, 1300),
    ]
    m = match_reports(3, candidates)
    assert m.matched == {0: 10, 1: 12}
    assert m.unmatched == [2] and m.ambiguous == {}


def test_equally_good_candidates_take_the_earliest_and_are_reported() -> None:
    m = match_reports(1, [Candidate(0, 21, 300, 0, 2000), Candidate(0, 20, -300, 0, 1400)])
    assert m.matched == {0: 20}
    assert m.ambiguous == {0: [20, 21]}


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def test_reports_find_their_bank_transfer_in_mapped_files(tmp_path: Path) -> None:
    v, r1, r2 = "6222020000000001", "6217000000000011", "6217000000000012"
    transfers = _write(
        tmp_path / "t.csv",
        [
            ["付款账户", "收款账户", "交易时间", "交易金额"],
            [v, r1, "2025-03-01 10:12:40", "19990.00"],  # the victim's payment, less a fee
            [v, r2, "2025-03-01 11:00:00", "5000"],  # twice the same amount a minute apart
            [v, r2, "2025-03-01 11:02:00", "5000"],
        ],
    )
    reports = _write(
        tmp_path / "r.csv",
        [
            ["报案编号", "转账时间", "受害人账户", "收款账户", "损失金额"],
            ["R1", "2025-03-01 10:00", v, r1, "20000"],  # remembered as 10:00
            ["R2", "2025-03-01 11:01", v, r2, "5000"],
            ["R3", "2025-03-05 09:00", v, r1, "800"],  # no transfer: the report's own payment
        ],
    )
    sources = [
        (transfers, load_mapping(MAPPINGS / "bank_transfers.yaml")),
        (reports, load_mapping(MAPPINGS / "fraud_reports.yaml")),
    ]
    data = ring_inputs_from(read_ring_sources(sources))
    t = data.transfers
    assert len(t) == 4 and int(t.reported.sum()) == 3
    assert sorted(t.cents[t.reported].tolist()) == [800_00, 5000_00, 19_990_00]
    assert data.unmatched == ["R3"]
    assert data.ambiguous == {
        "R2": ["2025-03-01T11:00:00 ¥5,000.00", "2025-03-01T11:02:00 ¥5,000.00"]
    }
    first = int(t.time[t.reported & (t.cents == 5000_00)][0])
    assert first == int(t.time[t.cents == 5000_00].min())  # the earlier of the two


def test_the_fast_and_the_row_by_row_path_read_the_same(tmp_path: Path) -> None:
    header = ["付款账户", "收款账户", "交易时间", "交易金额"]
    plain = [["6222020000000001", "6217000000000011", "2025-03-01 10:00:00", "100.5"]]
    wide = [["6222 0200 0000 0001", "6217000000000011", "2025-03-01T10:00:00+08:00", "¥100.50"]]
    mapping = load_mapping(MAPPINGS / "bank_transfers.yaml")
    read = [
        ring_inputs_from(
            read_ring_sources([(_write(tmp_path / f"{k}.csv", [header, *rows]), mapping)])
        )
        for k, rows in enumerate((plain, wide))
    ]
    a, b = (r.transfers for r in read)
    assert list(read[0].names) == list(read[1].names)
    assert a.time.tolist() == b.time.tolist() and a.cents.tolist() == b.cents.tolist() == [10050]


def test_accounts_that_are_not_card_numbers_are_numbered_by_their_text(tmp_path: Path) -> None:
    """A leading zero or more than 19 digits: the accounts are joined as text, same result."""
    v, r = "0123456789012", "62170000000000112345678"
    transfers = _write(
        tmp_path / "t.csv",
        [["付款账户", "收款账户", "交易时间", "交易金额"], [v, r, "2025-03-01 10:00:00", "20000"]],
    )
    reports = _write(
        tmp_path / "r.csv",
        [
            ["报案编号", "转账时间", "受害人账户", "收款账户", "损失金额"],
            ["R1", "2025-03-01 10:05", v, r, "20000"],
        ],
    )
    sources = [
        (transfers, load_mapping(MAPPINGS / "bank_transfers.yaml")),
        (reports, load_mapping(MAPPINGS / "fraud_reports.yaml")),
    ]
    data = ring_inputs_from(read_ring_sources(sources))
    assert list(data.names) == [v, r]
    assert data.transfers.src.tolist() == [0] and data.transfers.reported.tolist() == [True]
