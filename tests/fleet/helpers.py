"""Small registry files for the fleet tests."""

from __future__ import annotations

from pathlib import Path

from precinct.fleet.fleetno import FleetNumber

CG1 = str(FleetNumber.make("CG", 1))
CG2 = str(FleetNumber.make("CG", 2))
DY1 = str(FleetNumber.make("DY", 1))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def operators_csv(folder: Path, webhook: str = "") -> Path:
    return write(
        folder,
        "operators.csv",
        "code,name,hotline,remote_ops_contact,webhook_url\n"
        f"CG,车谷智行,027-84000110,王工 13871000001,{webhook}\n"
        "DY,东风悦行,027-84000220,值班台 13871000002,\n",
    )


def vehicles_csv(folder: Path) -> Path:
    return write(
        folder,
        "vehicles.csv",
        "车牌,车辆编号,车架号,车型,颜色,运营商编码\n"
        f"鄂A·D12345,{CG1},LFV00000000000001,RT-6,白色,CG\n"
        f"鄂a db1234,{CG2},LFV00000000000002,RT-6,白色,cg\n"
        f"鄂A·F54321,{DY1},LFV00000000000003,RT-6,白色,DY\n",
    )
