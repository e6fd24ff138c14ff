"""The scan's settings: everything that changes what a scan finds. Their hash names the engine
in the index, so files scanned under other settings are scanned again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from precinct.video.busy import BusyConfig
from precinct.video.motion import MotionConfig
from precinct.video.people import PeopleConfig
from precinct.video.track import TrackerConfig
from precinct.video.triage import TriageConfig

SAMPLINGS = ("full", "burst")

ENGINE_VERSION = "scan-1"


@dataclass(frozen=True)
class ScanConfig:
    """Everything that changes what a scan finds; its hash names the engine in the index."""

    width: int = 384
    step: int = 1
    crop_candidates: int = 4  # full-resolution views tried per track; the sharpest is kept
    verify_crops: int = 1  # crops per track the person detector looks at (30-100 ms each)
    verify_below: float = 0.8  # … only when the kinematic confidence is below this (> 1: always)
    person_detector: bool = True
    onnx_model: str = ""
    motion: MotionConfig = field(default_factory=MotionConfig)
    tracker: TrackerConfig = field(default_factory=TrackerConfig)
    triage: TriageConfig = field(default_factory=TriageConfig)
    busy: BusyConfig = field(default_factory=BusyConfig)
    people: PeopleConfig = field(default_factory=PeopleConfig)
    sampling: str = "burst"  # the first `burst_s` of each active GOP (`bursts`); "full": all
    burst_s: float = 0.6  # seconds decoded after each keyframe of an active GOP
    burst_probe_s: float = 0.2  # … and on while something new has an unknown course
    burst_coast_s: float = 2.5  # a track unseen this long ends (it coasts across the gaps)
    burst_extend_share: float = 0.2  # decode a GOP's tail when a mover would cross this share
    burst_surge: float = 2.0  # … or when its packets grow this many times their usual size
    burst_quiet_s: float = 0.4  # a burst in which nothing moves ends after this (0: never)
    burst_sight_s: float = 0.2  # … and movers unseen this long no longer extend it (0: off)
    burst_course_points: int = 6  # … nor, past `burst_quiet_s`, movers it saw this often (0: off)

    def __post_init__(self) -> None:
        if self.sampling not in SAMPLINGS:
            raise ValueError(f"sampling must be one of {', '.join(SAMPLINGS)}: {self.sampling!r}")

    def engine_id(self) -> str:
        text = json.dumps(asdict(self), sort_keys=True, default=str)
        return f"{ENGINE_VERSION}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"
