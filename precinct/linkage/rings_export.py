"""The freeze list as CSV or XLSX (what the bank's freezing desk asks for)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook

BANKS: dict[str, str] = {
    "622202": "中国工商银行",
    "621700": "中国建设银行",
    "622848": "中国农业银行",
    "621661": "中国银行",
    "622588": "招商银行",
    "622262": "交通银行",
}
FREEZE_COLUMNS = ("account", "bank", "amount", "last_seen", "hops")


def write_freeze(path: Path, rows: list[dict[str, Any]]) -> None:
    if path.suffix.lower() == ".xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "freeze"
        sheet.append(list(FREEZE_COLUMNS))
        for row in rows:
            sheet.append([row[c] for c in FREEZE_COLUMNS])
        book.save(path)
        return
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FREEZE_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row[c] for c in FREEZE_COLUMNS})
