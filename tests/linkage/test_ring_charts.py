from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from precinct.linkage.ring_charts import Dated, Flow, sankey_svg, timeline_svg

T0 = datetime(2025, 3, 1, 9, tzinfo=UTC)
PAID = [Flow("V1", "A", 100_000.0), Flow("V2", "A", 50_000.0), Flow("V3", "B", 30_000.0)]
FLOWS = [
    Flow("A", "M1", 90_000.0),
    Flow("A", "M2", 60_000.0),
    Flow("B", "M2", 30_000.0),
    Flow("M2", "C", 85_000.0),
    Flow("C", "A", 1_000.0),  # back along a cycle
]


def _widths(svg: str) -> list[float]:
    return [float(w) for w in re.findall(r'class="band"[^>]*stroke-width="([\d.]+)"', svg)]


def test_sankey_band_widths_follow_amounts_and_cycles_are_not_drawn() -> None:
    sankey = sankey_svg(FLOWS, PAID)
    assert sankey.shown == 4 and sankey.dropped == 1
    widths = _widths(sankey.svg)
    assert len(widths) == 2 + 4  # victims → A, victims → B, then the four forward flows
    by_title = dict(
        re.findall(r'stroke-width="([\d.]+)" fill="none"><title>([^<]+)</title>', sankey.svg)
    )
    width = {title.split(" ¥")[0]: float(w) for w, title in by_title.items()}
    assert abs(width["A → M1"] / width["受害人 → A"] - 90_000 / 150_000) < 0.001
    assert abs(width["A → M2"] / width["B → M2"] - 2.0) < 0.01


def test_sankey_keeps_only_the_largest_flows() -> None:
    assert sankey_svg(FLOWS, PAID, limit=2).shown == 2


def test_timeline_puts_reports_above_and_transfers_below_the_axis() -> None:
    reports = [Dated(T0, 100.0), Dated(T0 + timedelta(days=3), 50.0)]
    moved = [Dated(T0 + timedelta(days=1), 100.0)]
    svg = timeline_svg(reports, moved)
    bars = re.findall(
        r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#\w+)"', svg
    )
    assert sorted(c for _, _, c in bars) == ["#c0392b", "#c0392b", "#e67e22"]
    heights = {(c, float(h)) for _, h, c in bars}
    assert ("#c0392b", 80.0) in heights and ("#c0392b", 40.0) in heights
    assert ("#e67e22", 80.0) in heights
    assert "2025-03-01" in svg
    assert timeline_svg([], []) == ""
