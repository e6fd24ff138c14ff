"""The fraud data as the files a bureau actually receives, in the formats of the ring source
mappings (precinct/linkage/mappings): bank transfer records (Parquet; the bank's 调证回执),
fraud reports (the victim's time is approximate, and one loss in six includes the bank's fee),
call records of the callers (base station city), mobile-banking logins (device, IP), account
registrations and the offenders of solved cases. `precinct link rings-load` and the demo read
them through the mappings."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from precinct.demo.fraud import FraudData
from precinct.demo.fraud_common import CITIES, DEVICE, HOME_CITY, IP

MAPPINGS = Path(__file__).parents[1] / "linkage" / "mappings"


def _iso(seconds: np.ndarray) -> np.ndarray:
    stamps = (seconds.astype("datetime64[s]")).astype(str)
    return np.char.replace(stamps, "T", " ")


def _csv(path: Path, header: list[str], columns: list[np.ndarray]) -> None:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register("rows", {f"c{i}": c.astype(object) for i, c in enumerate(columns)})
    select = ", ".join(f'c{i}::VARCHAR AS "{h}"' for i, h in enumerate(header))
    quoted = str(path).replace("'", "''")
    con.execute(f"COPY (SELECT {select} FROM rows) TO '{quoted}' (HEADER, DELIMITER ',')")
    con.close()


def write_transfers_parquet(data: FraudData, path: Path) -> None:
    """银行交易流水: 付款账户, 收款账户, 交易时间, 交易金额, 交易渠道 (no word of any report)."""
    channels = np.array(["手机银行", "网银", "ATM", "柜面"], dtype=object)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.register(
        "t",
        {
            "f": data.src,
            "o": data.dst,
            "s": data.time,
            "c": data.cents,
            "k": (data.src % 7 > 1).astype(np.int64) + (data.dst % 11 == 0),
        },
    )
    quoted = str(path).replace("'", "''")
    con.execute(
        "COPY (SELECT f::VARCHAR AS 付款账户, o::VARCHAR AS 收款账户, "
        "make_timestamp(s * 1000000) AS 交易时间, (c / 100)::DECIMAL(18,2) AS 交易金额, "
        f"list_extract({list(channels)}, (k + 1)::INTEGER) AS 交易渠道 FROM t) "
        f"TO '{quoted}' (FORMAT parquet)"
    )
    con.close()


def _reports(data: FraudData, folder: Path, rng: np.random.Generator) -> Path:
    reps = data.reports
    n = len(reps)
    true_time = np.array([r.time for r in reps], dtype=np.int64)
    cents = np.array([r.cents for r in reps], dtype=np.int64)
    said = true_time + rng.integers(-20, 21, size=n) * 60  # "about ten past three"
    said -= said % 60
    fee = np.where(rng.random(n) < 1 / 6, np.minimum(cents // 1000, 5000), 0)  # 0.1%, <= ¥50
    loss = cents + fee
    path = folder / "fraud_reports.csv"
    _csv(
        path,
        [
            "报案编号",
            "转账时间",
            "受害人账户",
            "收款账户",
            "损失金额",
            "来电号码",
            "诈骗类型/APP",
            "诈骗链接",
        ],
        [
            np.array([r.number for r in reps]),
            _iso(said),
            np.array([str(r.victim_account) for r in reps]),
            np.array([str(r.receiving_account) for r in reps]),
            np.array([f"{c // 100}.{c % 100:02d}" for c in loss.tolist()]),
            np.array([str(r.caller_phone) for r in reps]),
            np.array([r.app for r in reps]),
            np.array([r.link for r in reps]),
        ],
    )
    return path


def _city_of(data: FraudData) -> dict[int, str]:
    city: dict[int, str] = {}
    for ring in data.rings:
        for account, place in zip(ring.accounts.tolist(), ring.cities, strict=True):
            city.setdefault(account, place)
    return city


def _calls(data: FraudData, folder: Path, rng: np.random.Generator) -> Path:
    """Each report's call: the caller's number, the victim's, minutes before, the caller's city."""
    city_of_phone = {
        int(p): c for r in data.rings for p, c in zip(r.phones.tolist(), r.cities, strict=True)
    }
    reps = data.reports
    when = np.array([r.time for r in reps], dtype=np.int64) - rng.integers(300, 7200, len(reps))
    path = folder / "call_records.csv"
    _csv(
        path,
        ["主叫号码", "被叫号码", "通话时间", "基站所在城市"],
        [
            np.array([str(r.caller_phone) for r in reps]),
            np.array([str(data.phone_of.get(r.victim_account, "")) for r in reps]),
            _iso(when),
            np.array([city_of_phone.get(r.caller_phone, CITIES[HOME_CITY]) for r in reps]),
        ],
    )
    return path


def _logins(data: FraudData, folder: Path, rng: np.random.Generator) -> Path:
    """One login per device and per IP an account was used from."""
    kind, value, account = data.link_kind, data.link_value, data.link_account
    seen = (kind == DEVICE) | (kind == IP)
    kind, value, account = kind[seen], value[seen], account[seen]
    device = np.where(kind == DEVICE, np.char.add("IMEI", value.astype(str)), "")
    octets = [(value >> shift) & 255 for shift in (24, 16, 8, 0)]
    dotted = np.char.add(np.char.add(octets[0].astype(str), "."), octets[1].astype(str))
    dotted = np.char.add(np.char.add(dotted, "."), octets[2].astype(str))
    dotted = np.char.add(np.char.add(dotted, "."), octets[3].astype(str))
    ip = np.where(kind == IP, dotted, "")
    start = int(data.time.min())
    when = start + rng.integers(0, int(data.time.max()) - start, size=len(kind))
    path = folder / "device_logins.csv"
    _csv(
        path,
        ["账户", "登录时间", "设备号", "IP地址"],
        [account.astype(str), _iso(when), device, ip],
    )
    return path


def _accounts(data: FraudData, folder: Path, rng: np.random.Generator) -> Path:
    """Registrations the banks returned: every account named in a report, the accounts they
    paid on (ring members), and a sample of the district's."""
    city = _city_of(data)
    named = {r.victim_account for r in data.reports} | {r.receiving_account for r in data.reports}
    sample = rng.choice(
        np.unique(data.src), size=min(2000, len(np.unique(data.src))), replace=False
    )
    wanted = sorted(named | set(city) | set(sample.tolist()))
    path = folder / "bank_accounts.csv"
    _csv(
        path,
        ["账户", "预留手机号", "开户地"],
        [
            np.array([str(a) for a in wanted]),
            np.array([str(data.phone_of.get(a, "")) for a in wanted]),
            np.array([city.get(a, CITIES[HOME_CITY]) for a in wanted]),
        ],
    )
    return path


def _solved(data: FraudData, folder: Path) -> Path:
    """A local case solved for one report in four: the mule who received the money caught."""
    solved = [r for r in data.reports if r.solved]
    path = folder / "solved_cases.csv"
    _csv(
        path,
        ["案件编号", "报案编号", "嫌疑人账户", "嫌疑人手机号", "角色"],
        [
            np.array([f"A42011300000{2025000000 + k}" for k in range(len(solved))]),
            np.array([r.number for r in solved]),
            np.array([str(r.receiving_account) for r in solved]),
            np.array([str(data.phone_of.get(r.receiving_account, "")) for r in solved]),
            np.array(["取款人"] * len(solved)),
        ],
    )
    return path


def write_sources(data: FraudData, folder: Path, seed: int = 1) -> list[tuple[Path, Path]]:
    """Every file with its mapping, ready for `precinct link rings-load FILE=MAPPING ...`."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    transfers = folder / "bank_transfers.parquet"
    write_transfers_parquet(data, transfers)
    return [
        (transfers, MAPPINGS / "bank_transfers.yaml"),
        (_reports(data, folder, rng), MAPPINGS / "fraud_reports.yaml"),
        (_calls(data, folder, rng), MAPPINGS / "call_records.yaml"),
        (_logins(data, folder, rng), MAPPINGS / "device_logins.yaml"),
        (_accounts(data, folder, rng), MAPPINGS / "bank_accounts.yaml"),
        (_solved(data, folder), MAPPINGS / "solved_cases.yaml"),
    ]
