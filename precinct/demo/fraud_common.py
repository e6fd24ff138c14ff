"""Shared pieces of the fraud generator: bank card numbers, banks, cities, the clock, and the
growing transfer and link lists that the normal-traffic and ring planters append to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from precinct.linkage.rings_export import BANKS  # card BINs of six Chinese banks

I64 = NDArray[np.int64]
BIN_CODES = np.array([int(b) for b in BANKS], dtype=np.int64)
CITIES = ("武汉", "广州", "南宁", "昆明", "长沙", "福州", "贵阳", "海口")
HOME_CITY = 0
# The clock: seconds since the Unix epoch of naive Asia/Shanghai wall time; two years from here.
START = int(datetime(2024, 12, 1).timestamp() - datetime(1970, 1, 1).timestamp())
DAY = 86_400
DAYS = 730

# Link kinds (shared identifiers between accounts).
PHONE, DEVICE, IP = 0, 1, 2
LINK_KINDS = ("phone", "device", "ip")


def luhn_complete(partial: I64) -> I64:
    """Append the Luhn check digit to each 18-digit number (vectorised)."""
    total = np.zeros(partial.shape, dtype=np.int64)
    rest = partial.copy()
    for position in range(18):  # rightmost digit of the partial number is doubled first
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    check = (10 - total % 10) % 10
    return partial * 10 + check


def card_numbers(rng: np.random.Generator, count: int, first_serial: int) -> I64:
    """`count` distinct 19-digit bank card numbers (BIN + 12-digit serial + Luhn digit)."""
    bins = BIN_CODES[rng.integers(0, len(BIN_CODES), size=count)]
    serials = np.arange(first_serial, first_serial + count, dtype=np.int64)
    return luhn_complete(bins * 1_000_000_000_000 + serials)


def bank_of(account: str) -> str:
    return BANKS.get(account[:6], "")


@dataclass
class Ledger:
    """Transfers (cents, seconds) and shared-identifier links, appended in blocks."""

    src: list[I64] = field(default_factory=list)
    dst: list[I64] = field(default_factory=list)
    time: list[I64] = field(default_factory=list)
    cents: list[I64] = field(default_factory=list)
    reported: list[NDArray[np.bool_]] = field(default_factory=list)
    link_account: list[I64] = field(default_factory=list)
    link_kind: list[I64] = field(default_factory=list)
    link_value: list[I64] = field(default_factory=list)

    def pay(self, src: I64, dst: I64, time: I64, cents: I64, reported: bool = False) -> None:
        n = len(src)
        self.src.append(np.asarray(src, dtype=np.int64))
        self.dst.append(np.broadcast_to(np.asarray(dst, dtype=np.int64), (n,)).copy())
        self.time.append(np.asarray(time, dtype=np.int64))
        self.cents.append(np.maximum(np.asarray(cents, dtype=np.int64), 1))
        self.reported.append(np.full(n, reported))

    def link(self, account: I64, kind: int, value: I64) -> None:
        self.link_account.append(np.asarray(account, dtype=np.int64))
        self.link_kind.append(np.full(len(account), kind, dtype=np.int64))
        self.link_value.append(np.asarray(value, dtype=np.int64))

    def link_kind_values(self, kind: int) -> dict[int, int]:
        """account -> value of its first link of `kind` (e.g. the holder's phone)."""
        out: dict[int, int] = {}
        for account, kinds, values in zip(
            self.link_account, self.link_kind, self.link_value, strict=True
        ):
            if len(kinds) and kinds[0] == kind:
                for a, v in zip(account.tolist(), values.tolist(), strict=True):
                    out.setdefault(a, v)
        return out
