"""Triage: find the spans of a file where something moves, without decoding every frame.

One demux pass reads every packet's time, size and keyframe flag, decoding nothing. In a static
night scene the predicted (P/B) frames carry little more than the noise; a mover adds residual
bytes. Each non-key frame is compared with the frames at the same GOP position (which cancels
the I/P/B pattern and the size decay after each keyframe) over a rolling window: its deviation
from their median in MAD units. A second's level is the mean deviation of its frames; it is
active when it stands out from the quiet tail of the window's seconds (which holds however busy
the window), on its own or as part of a run of lifted seconds that add up (a small, slow mover
lifts many seconds a little). Active seconds are merged and padded so that objects are caught
entering and leaving.

Packet sizes miss far, small and slow passers (their residual hides in the noise), so by
default keyframes are decoded alongside, small and grey, and each is compared with the empty
scene around it (`keyframes`): about a tenth of a full decode for keyframes every 2 s.
`KeyframeTriage` uses keyframes alone: the method for intra-only streams (every frame a
keyframe: packet sizes say nothing there).
Truncated or damaged files are read up to the damage, which the result records.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from precinct.video.keyframes import KeyframeSink
from precinct.video.pace import Pace, pace_of
from precinct.video.packets import PacketLog as PacketLog
from precinct.video.packets import read_packets as read_packets
from precinct.video.packets import stated_duration as stated_duration
from precinct.video.packets import video_stream as video_stream

Floats = NDArray[np.float64]

MAX_PHASE = 250
"""Frames up to this many after a keyframe get a floor per GOP position; later ones share one."""

MIN_GROUP = 5
"""GOP positions seen fewer times than this share the last group's floor."""

Z_CLIP = 20.0
"""Per-frame deviations are clipped to ±this (and each second drops its extreme frames), so one
rate-control outlier cannot make an active second."""


@dataclass(frozen=True)
class Span:
    """A stretch of the file, in seconds from its start; `end_t` is exclusive."""

    start_t: float
    end_t: float

    @property
    def duration(self) -> float:
        return self.end_t - self.start_t


@dataclass
class TriageConfig:
    window_s: float = 60.0  # the rolling window of the noise floor
    k_mad: float = 5.0  # a second is active above median + k_mad·MAD of the window's seconds
    min_z: float = 0.5  # … when its frames' mean deviation above their floor is at least this
    min_spread: float = 0.4  # the seconds' spread is taken as at least this (in those units)
    lift_z: float = 1.0  # runs of seconds scoring above this (one-second dips bridged) are
    k_sustained: float = 4.0  # active if they hold an active second, or Σ score/√length > this
    merge_gap_s: float = 2.0  # active stretches closer than this are merged
    pad_s: float = 1.5  # margin each side, so objects are caught entering and leaving
    intra_share: float = 0.5  # above this share of keyframes, the stream is intra-only
    keyframe_check: bool = True  # also judge keyframes against their neighbours (`keyframes`)
    keyframe_width: int = 320  # keyframes are decoded and reduced to this width (grey)
    keyframe_min_s: float = 1.0  # at most one keyframe per this many seconds is decoded
    keyframe_half: int = 12  # the background is the median of this many keyframes each side
    keyframe_refresh: int = 4  # ... recomputed every this many keyframes
    keyframe_threshold: float = 8.0  # a pixel differs by more than this many grey levels ...
    keyframe_sigmas: float = 4.0  # ... and this many sigmas of its noise over the keyframes
    keyframe_min_px: int = 5  # a keyframe is active with a differing patch this large (> 2×2)


@dataclass(frozen=True)
class TriageResult:
    spans: tuple[Span, ...]
    duration: float  # seconds readable (up to the damage in a truncated file)
    scores: tuple[float, ...]  # per second: activity in robust deviations above the floor
    method: str  # "packets", "packets+keyframes", "keyframes" or "all"
    damage: float | None = None  # where a truncated or corrupt file stops being readable
    pace: Pace | None = None  # frame rate and keyframe spacing (whether bursts suit the stream)

    @property
    def active_s(self) -> float:
        return sum(span.duration for span in self.spans)


class Triage:
    """Packet-size triage, with keyframe differencing alongside (or alone, for intra-only)."""

    def __init__(self, config: TriageConfig | None = None) -> None:
        self.config = config or TriageConfig()

    def spans(self, path: Path) -> TriageResult:
        cfg = self.config
        sink = KeyframeSink(cfg) if cfg.keyframe_check else None
        found = read_packets(path, sink)
        if found.key_share > cfg.intra_share or len(found.times) < 3:
            return keyframe_result(sink, found) if sink else KeyframeTriage(cfg).spans(path)
        scores, active = packet_activity(found, cfg)
        spans = _padded(active, cfg)
        if sink is None or not sink.enough:
            return _result(spans, scores, found, "packets")
        key_scores, key_spans = sink.judge(len(scores), 1 / found.fps)
        both = np.maximum(scores, key_scores)
        return _result(spans + key_spans, both, found, "packets+keyframes")


class KeyframeTriage:
    """Decode only keyframes, reduced, and mark the intervals whose picture changed."""

    def __init__(self, config: TriageConfig | None = None) -> None:
        self.config = config or TriageConfig()

    def spans(self, path: Path) -> TriageResult:
        sink = KeyframeSink(self.config)
        return keyframe_result(sink, read_packets(path, sink))


def keyframe_result(sink: KeyframeSink, found: PacketLog) -> TriageResult:
    """The keyframes' verdicts as the triage result (too few pictures: everything active)."""
    bins = int(np.ceil(found.duration))
    if not sink.enough:
        return _result([Span(0.0, found.duration)], np.zeros(bins), found, "all")
    scores, spans = sink.judge(bins, 1 / found.fps)
    return _result(spans, scores, found, "keyframes")


def packet_activity(found: PacketLog, cfg: TriageConfig) -> tuple[Floats, NDArray[np.bool_]]:
    """Per-second robust scores of non-key packet sizes above the floor, and the active seconds.

    Each non-key frame is compared with the frames at the same GOP position (so I/P/B patterns
    and the size decay after a keyframe cancel out) over the window: its deviation in MAD
    units. A second's level is its frames' mean deviation (less the extreme two), scored
    against the window's seconds.
    """
    order = np.argsort(np.asarray(found.times), kind="stable")
    times = np.asarray(found.times)[order]
    sizes = np.asarray(found.sizes, dtype=np.float64)[order]
    keys = np.asarray(found.keys, dtype=bool)[order]
    bins = int(np.ceil(max(found.duration, times[-1] + 1e-6)))
    phase = _phases(keys)
    z = np.zeros(len(times))
    for number in np.unique(phase[~keys]):
        chosen = np.flatnonzero((phase == number) & ~keys)
        z[chosen] = _deviations(sizes[chosen], times[chosen], cfg.window_s)
    second = np.minimum(times[~keys].astype(np.int64), bins - 1)
    level = _trimmed_means(z[~keys], second, bins)
    scores, excess = robust_scores(level, max(1, int(cfg.window_s / 2)), cfg.min_spread)
    return scores, _active(scores, excess, cfg)


def _phases(keys: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Each frame's position after the last keyframe (rare positions share the last group)."""
    index = np.arange(len(keys))
    phase = np.minimum(index - np.maximum.accumulate(np.where(keys, index, 0)), MAX_PHASE)
    rare = np.bincount(phase[~keys], minlength=MAX_PHASE + 1)[phase] < MIN_GROUP
    phase[rare] = MAX_PHASE  # e.g. streams without keyframe flags: one floor for all
    return phase


def _trimmed_means(values: Floats, second: NDArray[np.int64], bins: int) -> Floats:
    """Per second, the mean of its values without the highest and the lowest one."""
    order = np.lexsort((values, second))
    values, second = values[order], second[order]
    first = np.searchsorted(second, second, side="left")
    last = np.searchsorted(second, second, side="right") - 1
    place = np.arange(len(second))
    kept = ((place > first) & (place < last)) | (last - first < 4)  # few frames: keep all
    count = np.bincount(second[kept], minlength=bins)
    return np.bincount(second[kept], weights=values[kept], minlength=bins) / np.maximum(count, 1)


def _active(scores: Floats, excess: Floats, cfg: TriageConfig) -> NDArray[np.bool_]:
    """Runs of lifted seconds that hold a clearly active second, or whose scores (capped, so
    one strong second does not carry a run) add up: a small, slow mover lifts many seconds a
    little. Seconds outside runs are active only on their own strength."""
    strong = (scores > cfg.k_mad) & (excess > cfg.min_z)
    lifted = scores > cfg.lift_z
    lifted[1:-1] |= lifted[:-2] & lifted[2:]
    active = strong.copy()
    edges = np.diff(np.concatenate([[0], lifted.astype(np.int8), [0]]))
    for start, end in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1), strict=True):
        evidence = np.minimum(scores[start:end], 3.0).sum() / np.sqrt(end - start)
        active[start:end] = strong[start:end].any() or evidence > cfg.k_sustained
    return active


def _deviations(sizes: Floats, times: Floats, window_s: float) -> Floats:
    """Each size's deviation from the floor of its group, in units of the floor's spread.

    A sparse group (one frame per GOP) rolls over its frames; a dense one (e.g. a stream
    without keyframe flags) over its per-second means, which keeps the window cheap."""
    span = times[-1] - times[0] + 1.0
    dense = len(sizes) > 1.5 * span
    slot = (times - times[0]).astype(np.int64) if dense else np.arange(len(sizes))
    half = max(2, int(window_s / 2 / (1.0 if dense else span / len(sizes))))
    count = np.bincount(slot)
    means = np.bincount(slot, weights=sizes) / np.maximum(count, 1)
    centre, spread = rolling_median(np.where(count > 0, means, np.nan), half)
    spread = np.maximum(spread[slot], 0.03 * centre[slot] + 4.0)
    return np.asarray(np.clip((sizes - centre[slot]) / spread, -Z_CLIP, Z_CLIP))


def rolling_median(values: Floats, half: int) -> tuple[Floats, Floats]:
    """The median and the MAD (scaled to a normal's σ) in a centred window of 2·half+1."""
    centre = _rolling(values, half, 50)[0]
    return centre, 1.4826 * _rolling(np.abs(values - centre), half, 50)[0]


def _rolling(values: Floats, half: int, *percents: float) -> list[Floats]:
    padded = np.pad(values.astype(np.float64), half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows give NaN
        if percents == (50,):
            return [np.nanmedian(windows, axis=1)]  # much quicker than nanpercentile
        return list(np.nanpercentile(windows, percents, axis=1))


def robust_scores(values: Floats, half: int, min_spread: float) -> tuple[Floats, Floats]:
    """Deviations from the rolling floor in units of its spread, and the raw excess over it."""
    centre, spread = rolling_floor(values, half)
    return (values - centre) / np.maximum(spread, min_spread), values - centre


def rolling_floor(values: Floats, half: int) -> tuple[Floats, Floats]:
    """The centre and spread of the quiet values in a centred window of 2·half+1 (NaN ignored).

    Activity only ever adds, so they come from the lower tail, as if the values were normal:
    the 10th and 30th percentiles lie 1.2816 and 0.5244 spreads below the centre. This holds
    while up to ~70% of the window is busy (a median would give way at 50%)."""
    low, high = _rolling(values, half, 10, 30)
    spread = (high - low) / (1.2816 - 0.5244)
    return high + 0.5244 * spread, spread


def _padded(active: NDArray[np.bool_], cfg: TriageConfig) -> list[Span]:
    """Active seconds as spans: nearby ones merged, then padded each side."""
    hits = [Span(float(s), float(s + 1)) for s in np.flatnonzero(active)]
    merged = merge_spans(hits, cfg.merge_gap_s)
    return [Span(s.start_t - cfg.pad_s, s.end_t + cfg.pad_s) for s in merged]


def _result(spans: list[Span], scores: Floats, found: PacketLog, method: str) -> TriageResult:
    end = found.duration
    clamped = [Span(max(0.0, s.start_t), min(end, s.end_t)) for s in merge_spans(spans)]
    kept = tuple(s for s in clamped if s.end_t > s.start_t)
    rounded = tuple(round(float(s), 2) for s in scores)
    return TriageResult(kept, end, rounded, method, found.damage, pace_of(found))


def merge_spans(spans: Sequence[Span], gap: float = 0.0) -> list[Span]:
    """Sorted spans with those overlapping (or closer than `gap`) merged into one."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start_t):
        if merged and span.start_t <= merged[-1].end_t + gap:
            last = merged.pop()
            span = Span(last.start_t, max(last.end_t, span.end_t))
        merged.append(span)
    return merged
