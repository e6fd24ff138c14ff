"""Charts of a ring drawn as SVG on the server (no script, no CDN): the timeline of reported
losses and traced transfers, and the money-flow Sankey diagram from the victims through the
mule layers. Also the backward trace over a ring's traced flows, from a known mule to the
reports whose money reached it.

Pure: plain tuples in, SVG text or dataclasses out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

VICTIMS = "受害人"
WIDTH = 920


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    yuan: float


@dataclass(frozen=True)
class Dated:
    at: datetime
    yuan: float


def _bucket(first: datetime, last: datetime) -> timedelta:
    span = last - first
    return timedelta(days=1 if span <= timedelta(days=60) else 7)


def _sums(items: list[Dated], start: datetime, step: timedelta, count: int) -> list[float]:
    sums = [0.0] * count
    for item in items:
        sums[min(count - 1, int((item.at - start) / step))] += item.yuan
    return sums


def timeline_svg(reports: list[Dated], transfers: list[Dated]) -> str:
    """Reported losses above the axis, traced transfers below, per day (per week if long)."""
    items = reports + transfers
    if not items:
        return ""
    first, last = min(i.at for i in items), max(i.at for i in items)
    step = _bucket(first, last)
    start = first.replace(hour=0, minute=0, second=0, microsecond=0)
    count = int((last - start) / step) + 1
    up, down = _sums(reports, start, step, count), _sums(transfers, start, step, count)
    top = max(up + down + [1.0])
    left, half, bar = 60, 80, (WIDTH - 70) / count
    parts = [f'<svg id="ring-timeline" viewBox="0 0 {WIDTH} {2 * half + 40}" role="img">']
    w = max(bar - 1, 1)
    for i, (u, d) in enumerate(zip(up, down, strict=True)):
        x, hu, hd, day = left + i * bar, half * u / top, half * d / top, start + step * i
        if u:
            parts.append(_rect((x, 10 + half - hu, w, hu), "#c0392b", f"{day:%Y-%m-%d} ¥{u:,.2f}"))
        if d:
            parts.append(_rect((x, 10 + half, w, hd), "#e67e22", f"{day:%Y-%m-%d} ¥{d:,.2f}"))
    axis = 10 + half
    parts.append(f'<line x1="{left}" y1="{axis}" x2="{WIDTH - 10}" y2="{axis}" stroke="#333"/>')
    parts.append(_text(4, 14, f"¥{top:,.0f}", "#c0392b"))
    parts.append(_text(4, 2 * half + 6, f"¥{top:,.0f}", "#e67e22"))
    for i in range(0, count, max(1, count // 6)):
        day = start + step * i
        parts.append(_text(left + i * bar, 2 * half + 34, f"{day:%Y-%m-%d}", "#333"))
    parts.append("</svg>")
    return "".join(parts)


def _rect(box: tuple[float, float, float, float], colour: str, tip: str) -> str:
    x, y, w, h = box
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def _text(x: float, y: float, text: str, colour: str) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="{colour}">{escape(text)}</text>'


def _columns(flows: list[Flow], entry: set[str]) -> dict[str, int]:
    """Hop depth of every account from the accounts the victims paid into (breadth first)."""
    depth = {a: 1 for a in entry}
    out: dict[str, list[str]] = defaultdict(list)
    for f in flows:
        out[f.source].append(f.target)
    frontier = sorted(entry)
    while frontier:
        nxt = []
        for a in frontier:
            for b in out[a]:
                if b not in depth:
                    depth[b] = depth[a] + 1
                    nxt.append(b)
        frontier = nxt
    return depth


@dataclass(frozen=True)
class Sankey:
    svg: str
    shown: int  # flows drawn
    dropped: int  # flows not drawn: smaller than the largest `limit`, or back along a cycle


def sankey_svg(flows: list[Flow], paid: list[Flow], limit: int = 60) -> Sankey:
    """Victims → receiving accounts → mule layers → cash-out, band width ∝ amount. `paid` are
    the victims' payments (source: victim, target: receiving account)."""
    entry = {p.target for p in paid}
    depth = _columns(flows, entry)
    depth[VICTIMS] = 0
    into: dict[str, float] = defaultdict(float)
    for p in paid:
        into[p.target] += p.yuan
    bands = [Flow(VICTIMS, a, y) for a, y in into.items()]
    forward = [f for f in flows if f.source in depth and depth.get(f.target, 0) > depth[f.source]]
    forward = sorted(forward, key=lambda f: -f.yuan)[:limit]
    bands += forward
    if not forward and not paid:
        return Sankey("", 0, len(flows))
    return Sankey(_draw(bands, depth), len(forward), len(flows) - len(forward))


def _draw(bands: list[Flow], depth: dict[str, int]) -> str:
    inflow: dict[str, float] = defaultdict(float)
    outflow: dict[str, float] = defaultdict(float)
    for b in bands:
        inflow[b.target] += b.yuan
        outflow[b.source] += b.yuan
    size = {n: max(inflow[n], outflow[n]) for n in {*inflow, *outflow}}
    columns: dict[int, list[str]] = defaultdict(list)
    for node in sorted(size, key=lambda n: -size[n]):
        columns[depth[node]].append(node)
    height, gap = 520.0, 4.0
    scale = min(
        (height - gap * len(nodes)) / max(sum(size[n] for n in nodes), 1.0)
        for nodes in columns.values()
    )
    step = (WIDTH - 160) / max(max(columns), 1)
    place: dict[str, tuple[float, float]] = {}
    parts = [f'<svg id="ring-sankey" viewBox="0 0 {WIDTH} {height + 20}" role="img">']
    for col, nodes in sorted(columns.items()):
        y = 10.0
        for node in nodes:
            h = max(size[node] * scale, 1.0)
            place[node] = (20 + col * step, y)
            parts.append(
                _rect((20 + col * step, y, 10, h), "#34495e", f"{node} ¥{size[node]:,.2f}")
            )
            if h >= 9:
                parts.append(_text(34 + col * step, y + min(h, 20) - 2, node[-6:], "#333"))
            y += h + gap
    parts += _links(bands, place, scale)
    parts.append("</svg>")
    return "".join(parts)


def _links(bands: list[Flow], place: dict[str, tuple[float, float]], scale: float) -> list[str]:
    out_at = {n: y for n, (_, y) in place.items()}
    in_at = dict(out_at)
    parts = []
    for b in sorted(bands, key=lambda b: (place[b.source][1], place[b.target][1])):
        w = max(b.yuan * scale, 0.5)
        (x0, _), (x1, _) = place[b.source], place[b.target]
        y0, y1 = out_at[b.source] + w / 2, in_at[b.target] + w / 2
        out_at[b.source] += w
        in_at[b.target] += w
        mid = (x0 + 10 + x1) / 2
        parts.append(
            f'<path class="band" d="M{x0 + 10:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} '
            f'{x1:.1f},{y1:.1f}" stroke="#c0392b" stroke-opacity="0.35" stroke-width="{w:.1f}" '
            f'fill="none"><title>{escape(b.source)} → {escape(b.target)} ¥{b.yuan:,.2f}</title>'
            "</path>"
        )
    return parts
