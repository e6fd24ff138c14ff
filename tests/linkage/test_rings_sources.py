"""Ring inputs through source mappings: reports, transfers, calls, logins, accounts and solved
cases become transfers, shared-identifier links, cities and reports; bad cells fail the lot."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from precinct.cli import app
from precinct.core.tabular import TableError
from precinct.linkage.mapping import load_mapping
from precinct.linkage.rings_sources import read_ring_sources, ring_inputs_from

MAPPINGS = Path(__file__).parents[2] / "precinct" / "linkage" / "mappings"
V1, V2, V3 = "6222020000000001", "6222020000000002", "6222020000000003"
R1, R2, M1, C1 = "6217000000000011", "6217000000000012", "6228480000000021", "6225880000000031"
CALLER, HOLDER = "13800000001", "13900000002"
FILES = {
    "fraud_reports": (
        ["报案编号", "转账时间", "受害人账户", "收款账户", "损失金额", "来电号码", "诈骗类型/APP"],
        [
            ["R001", "2025-03-01 10:00", V1, R1, "50,000.00", CALLER, "虚假投资理财"],
            ["R002", "2025-03-01 10:30", V2, R2, "30000", CALLER, "刷单返利"],
            ["R003", "2025-03-02 09:00", V3, R1, "¥20000", "", "刷单返利"],
        ],
    ),
    "bank_transfers": (
        ["付款账户", "收款账户", "交易时间", "交易金额", "交易渠道"],
        [
            [V1, R1, "2025-03-01 10:00:20", "50000", "手机银行"],  # R001's payment
            [R1, M1, "2025-03-01 11:00", "49000", "网银"],
            [R2, M1, "2025-03-01 11:10", "29000", "网银"],
            [M1, C1, "2025-03-01 12:00", "70000", "网银"],
            [R1, C1, "2025-03-02 10:00", "19000", "网银"],
        ],
    ),
    "call_records": (
        ["主叫号码", "被叫号码", "通话时间", "基站所在城市"],
        [
            [CALLER, "13000000009", "2025-03-01 09:40", "南宁"],
            [HOLDER, CALLER, "2025-03-01 08:00", "南宁"],
        ],
    ),
    "device_logins": (
        ["账户", "登录时间", "设备号", "IP地址"],
        [
            [R2, "2025-03-01 11:09", "IMEI-7731", "10.1.2.3"],
            [C1, "2025-03-01 11:59", "IMEI-7731", ""],
        ],
    ),
    "bank_accounts": (
        ["账户", "开户人姓名", "预留手机号", "开户地"],
        [[M1, "黄某", HOLDER, "广州"]],
    ),
    "solved_cases": (
        ["案件编号", "报案编号", "嫌疑人姓名", "嫌疑人账户", "嫌疑人手机号"],
        [["A4201130000002025030001", "R002", "黄某", M1, HOLDER]],
    ),
}


def _write(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / f"{name}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _sources(tmp_path: Path) -> list[tuple[Path, Path]]:
    return [
        (_write(tmp_path, name, *content), MAPPINGS / f"{name}.yaml")
        for name, content in FILES.items()
    ]


def test_sources_become_transfers_links_cities_and_reports(tmp_path: Path) -> None:
    pairs = [(f, load_mapping(m)) for f, m in _sources(tmp_path)]
    data = ring_inputs_from(read_ring_sources(pairs))
    t, names = data.transfers, list(data.names)
    assert len(t) == 5 + 2  # R001 matched to its bank record; R002, R003 added from the reports
    assert int(t.reported.sum()) == 3 and int(t.cents[t.reported].sum()) == 100_000_00
    assert list(t.time) == sorted(t.time)
    assert data.links is not None
    shared = {}
    for a, v in zip(data.links.account.tolist(), data.links.value.tolist(), strict=True):
        shared.setdefault(v, set()).add(names[a])
    groups = [g for g in shared.values() if len(g) > 1]
    assert {R1, R2} in groups  # the same caller number in their reports
    assert {R2, C1} in groups  # the same phone
    assert data.cities_of(M1) == {"广州", "南宁"}  # registration + the holder's calls
    assert data.cities_of(R1) == {"南宁"}  # the caller whose victim paid into it
    assert data.phone[M1] == HOLDER
    solved = {r.number: r.solved for r in data.reports}
    assert solved == {"R001": False, "R002": True, "R003": False}


def test_a_bad_cell_in_any_file_fails_all_with_file_row_and_column(tmp_path: Path) -> None:
    header, rows = FILES["bank_transfers"]
    bad = [*rows, [R1, "12AB", "2025-03-01 13:00", "-5", ""]]
    files = [(f, load_mapping(m)) for f, m in _sources(tmp_path)]
    files[1] = (_write(tmp_path, "bank_transfers", header, bad), files[1][1])
    with pytest.raises(TableError) as caught:
        read_ring_sources(files)
    text = str(caught.value)
    assert "bank_transfers.csv:7:收款账户" in text and "bank_transfers.csv:7:交易金额" in text
    assert caught.value.count == 2
    people = (tmp_path / "x.csv", load_mapping(MAPPINGS / "rentals.yaml"))
    with pytest.raises(TableError, match="rental is not a ring source"):
        read_ring_sources([people])


def test_rings_load_finds_the_two_city_ring_from_mapped_files(data_dir: Path) -> None:
    args = [f"{f}={m}" for f, m in _sources(data_dir)]
    assert CliRunner().invoke(app, ["db", "upgrade"]).exit_code == 0
    result = CliRunner().invoke(app, ["link", "rings-load", *args, "--json"])
    assert result.exit_code == 0, result.output
    ring = json.loads(result.stdout)  # one ring: emit prints the object itself
    assert isinstance(ring, dict) and ring["accounts"] >= 4
    assert ring["cities"] == "南宁、广州" and ring["reports"] == 3 and ring["solved"] == 1
    refused = CliRunner().invoke(
        app, ["link", "load", args[0].split("=")[0], "--mapping", args[0].split("=")[1]]
    )
    assert refused.exit_code != 0 and "rings-load" in refused.output
