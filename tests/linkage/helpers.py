"""Small builders for linkage tests: CSV files and mappings written on the fly."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

from precinct.core.identifiers import ResidentId
from precinct.linkage.mapping import SourceMapping, parse_mapping

PEOPLE_MAPPING = {
    "source": "people",
    "kind": "rental",
    "title": "出租屋登记",
    "fields": {
        "name": {"column": "姓名", "required": True},
        "id_number": "身份证号",
        "phone": "电话",
        "address": "地址",
    },
}
HEADER = ["姓名", "身份证号", "电话", "地址"]
FAMILY, GIVEN = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林",
    "伟强磊军勇杰涛明超刚平辉鹏华飞芳娜敏静丽艳娟霞",
)


def mapping(**changes: object) -> SourceMapping:
    return parse_mapping(PEOPLE_MAPPING | changes)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def id_of(region: str, born: str, seq: int) -> str:
    return ResidentId.build(region, date.fromisoformat(born), seq).value


def typo(id_number: str, at: int = 15) -> str:
    """One digit wrong: the check character no longer fits."""
    digit = str((int(id_number[at]) + 1) % 10)
    return id_number[:at] + digit + id_number[at + 1 :]


def crowd(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    people = []
    for i in range(n):
        name = rng.choice(FAMILY) + rng.choice(GIVEN) + rng.choice(GIVEN)
        born = date(1970, 1, 1) + timedelta(days=rng.randrange(12000))
        phone = "139" + f"{rng.randrange(10**8):08d}"
        people.append((name, id_of("420113", born.isoformat(), 100 + i), phone))
    return people
