"""Matching fraud reports to the victims' payments in the bank records. A victim remembers the
time roughly and the bank may take a fee, so a report matches a transfer between the same two
accounts within a time window (30 minutes either side) whose amount equals the loss or is
within the fee tolerance (1% of it). Each report gets its best candidate (closest amount,
then closest time), each transfer at most one report. When two candidates are equally good the
earliest is taken and the report is listed as ambiguous, with every tied transfer, so that an
analyst can check it; a report without a candidate adds its own payment.

Pure: candidate pairs in, the matching out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MatchParams:
    window: int = 30 * 60  # seconds either side of the reported time
    fee_share: float = 0.01  # the transfer may differ from the loss by this share (fees)


@dataclass(frozen=True)
class Candidate:
    report: int  # index of the report
    transfer: int  # index (row) of the transfer
    seconds_off: int  # transfer time minus reported time
    cents_off: int  # transfer amount minus reported loss
    time: int  # the transfer's time (ties go to the earliest)

    @property
    def key(self) -> tuple[int, int, int]:
        return abs(self.cents_off), abs(self.seconds_off), self.time


@dataclass
class Matching:
    matched: dict[int, int] = field(default_factory=dict)  # report -> transfer
    ambiguous: dict[int, list[int]] = field(default_factory=dict)  # report -> tied transfers
    unmatched: list[int] = field(default_factory=list)  # reports without a candidate


def fits(params: MatchParams, loss: int, seconds_off: int, cents_off: int) -> bool:
    return abs(seconds_off) <= params.window and abs(cents_off) <= params.fee_share * loss


def match_reports(reports: int, candidates: list[Candidate]) -> Matching:
    """Best candidates first over all reports; a transfer taken by one report is gone for the
    others (two reports of the same amount get the two payments)."""
    result = Matching()
    used: set[int] = set()
    by_report: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_report.setdefault(c.report, []).append(c)
    for c in sorted(candidates, key=lambda c: (c.key[0], c.key[1], c.time, c.report)):
        if c.report in result.matched or c.transfer in used:
            continue
        result.matched[c.report] = c.transfer
        used.add(c.transfer)
        tied = [
            o.transfer
            for o in by_report[c.report]
            if o.key[:2] == c.key[:2] and o.transfer not in used - {c.transfer}
        ]
        if len(tied) > 1:
            result.ambiguous[c.report] = sorted(tied)
    result.unmatched = [r for r in range(reports) if r not in result.matched]
    return result
