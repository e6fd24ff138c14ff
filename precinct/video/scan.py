"""The scan pipeline for one footage file: triage → decode active spans (in bursts by default)
→ motion → tracker → crops → classes → summaries. Reads the file, touches no database (the
index stores results). Its settings are `scan_config.ScanConfig`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.video import bursts, decode, features, link, pace, people
from precinct.video.busy import busy_spans
from precinct.video.classify import (
    Classifier,
    CropVerifier,
    Detector,
    OnnxDetector,
    PersonDetector,
    ssdlite_model,
)
from precinct.video.crops import CropRequest, TrackCrops, track_crops
from precinct.video.crops import crop_candidates as crop_candidates
from precinct.video.crops import make_crops as make_crops
from precinct.video.harvest import CropHarvest
from precinct.video.motion import MotionDetector
from precinct.video.scan_config import ENGINE_VERSION as ENGINE_VERSION
from precinct.video.scan_config import SAMPLINGS as SAMPLINGS
from precinct.video.scan_config import ScanConfig as ScanConfig
from precinct.video.stage_clock import StageClock
from precinct.video.track import Tracker, TrackerConfig
from precinct.video.triage import Span, Triage, TriageResult, merge_spans
from precinct.video.types import Calibration, Track, TrackSummary
from precinct.video.views import ViewCache


@dataclass(frozen=True)
class ScannedTrack:
    summary: TrackSummary
    boxes: NDArray[np.float32]  # rows: frame (0-based), left, top, width, height, weight
    crop_jpeg: bytes | None
    crop_frame: int | None


@dataclass(frozen=True)
class _Prepared:
    """A track ready to classify: observed points (summary), the points its shape is judged
    on (dense, when sampled), its stored boxes and its crops."""

    track: Track
    shape: Track
    boxes: NDArray[np.float32]
    crops: TrackCrops


@dataclass
class ScanOutcome:
    path: str
    duration_s: float
    active_s: float
    decoded_frames: int
    seconds: float
    tracks: list[ScannedTrack]
    timings: dict[str, float] = field(default_factory=dict)


SEED_START_S = 1.0  # a span starting this close to the file's start is seeded (`_seed`)


def build_classifier(config: ScanConfig, models_dir: Path) -> Classifier:
    """Kinematics, plus crop verification by the packaged person detector and/or a site's ONNX
    detector when configured."""
    detector: Detector | None = None
    if config.verify_crops <= 0:
        return Classifier()
    if config.onnx_model:
        detector = OnnxDetector(Path(config.onnx_model))
    elif config.person_detector and ssdlite_model() is not None:
        detector = PersonDetector(models_dir)
    if detector is None:
        return Classifier()
    return Classifier(verifier=CropVerifier(detector, pad=0.0, max_crops=config.verify_crops))


def encode_jpeg(image: NDArray[np.uint8]) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise ValueError("could not encode crop as JPEG")
    return bytes(data.tobytes())


class Scanner:
    """Scans one file at a time; holds the (expensive) classifier between files."""

    def __init__(
        self,
        config: ScanConfig,
        classifier: Classifier | None = None,
        calibration: Calibration | None = None,
    ) -> None:
        self.config = config
        self.classifier = classifier if classifier is not None else Classifier()
        self.calibration = calibration

    def scan(self, path: Path) -> ScanOutcome:
        clock, started = StageClock(), time.perf_counter()
        with clock.stage("triage"):
            triage = Triage(self.config.triage).spans(path)
            spans = self._guard_busy(path, triage)
            sampled = self._bursts_fit(path, triage)
        size = decode.video_size(path)
        if sampled:
            harvest = CropHarvest(self.config.crop_candidates, size)
            tracks, seen = self._sampled_pass(path, spans, clock, harvest)
            decoded = len(seen)
            prepared = [self._sampled(t, seen, size, harvest) for t in tracks]
        else:
            views = ViewCache(size, self.config.crop_candidates)
            tracks, decoded, keyframes = self._detail_pass(path, spans, clock, views)
            with clock.stage("crops"):
                crops = self._crops(path, tracks, size, keyframes, views)
            prepared = [_Prepared(t, t, link.observed_boxes(t), crops[t.track_id]) for t in tracks]
        with clock.stage("classify"):
            scanned = [self._finish_prepared(p, size) for p in prepared]
        return ScanOutcome(
            path=str(path),
            duration_s=triage.duration,
            active_s=sum(span.duration for span in spans),
            decoded_frames=decoded,
            seconds=time.perf_counter() - started,
            tracks=scanned,
            timings=clock.totals,
        )

    def _bursts_fit(self, path: Path, triage: TriageResult) -> bool:
        """Burst sampling, when asked for and the stream's pace suits it (see `pace`)."""
        c = self.config
        needs = pace.BurstNeeds(c.burst_s, c.burst_coast_s, 2 * c.tracker.min_hits)
        if c.sampling != "burst" or triage.pace is None:
            return False
        return pace.bursts_fit(triage.pace, needs, path.name)

    def _guard_busy(self, path: Path, triage: TriageResult) -> list[Span]:
        """Triage judges activity against the file's quiet stretches; a scene that is never
        quiet needs the keyframe check against the empty scene (see `busy`)."""
        if triage.active_s >= self.config.busy.min_active_share * triage.duration:
            return list(triage.spans)
        extra = [s for s in busy_spans(path, self.config.busy) if s.start_t < triage.duration]
        return merge_spans([*triage.spans, *extra])

    def _detail_pass(
        self, path: Path, spans: Sequence[Span], clock: StageClock, views: ViewCache | None = None
    ) -> tuple[list[Track], int, list[int]]:
        """Every frame of the spans through motion and the tracker; `views` holds regions of
        the pictures for the crops on the way."""
        motion, tracker = MotionDetector(self.config.motion), Tracker(self.config.tracker)
        with clock.stage("decode"):
            self._seed(motion, path, spans)
        decoded, keyframes = 0, set[int]()
        frames = decode.iter_pictured(
            path, spans, self.config.width, self.config.step, keyframes=keyframes
        )
        assist = people.assist_for(path, self.classifier.verifier, self.config.people)
        while True:
            with clock.stage("decode"):
                item = next(frames, None)
            if item is None:
                break
            frame, decoded = item.frame, decoded + 1
            with clock.stage("motion"):
                detections = motion.detect(frame)
            with clock.stage("people"):
                detections = assist.refine(frame, detections)
            with clock.stage("track"):
                tracker.update(detections, frame.t, frame.index)
            if views is not None:
                with clock.stage("crops"):
                    views.offer(tracker.movers(), frame.index, item.picture, item.lead)
        return assist.finish(tracker.finish(), self.config.step), decoded, sorted(keyframes)

    def _sampled_pass(
        self, path: Path, spans: Sequence[Span], clock: StageClock, harvest: CropHarvest
    ) -> tuple[list[Track], list[int]]:
        """Bursts at the start of each active GOP; crops are taken on the way (`harvest`),
        and the person detector assists motion in busy scenes (`people`). Returns the tracks
        and the indices of the frames decoded (in order)."""
        motion, tracker = MotionDetector(self.config.motion), Tracker(self._tracker_config())
        with clock.stage("decode"):
            self._seed(motion, path, spans)
        control = bursts.BurstControl(
            harvest.size,
            self.config.burst_s,
            self.config.burst_probe_s,
            self.config.burst_extend_share,
            self.config.burst_surge,
            self.config.burst_quiet_s,
            self.config.burst_sight_s,
            self.config.burst_course_points,
        )
        seen: list[int] = []
        samples = bursts.iter_bursts(path, spans, control, self.config.width)
        held = people.HeldPicture()
        assist = people.assist_for(path, self.classifier.verifier, self.config.people, held)
        while True:
            with clock.stage("decode"):
                sample = next(samples, None)
            if sample is None:
                break
            seen.append(sample.frame.index)
            with clock.stage("motion"):
                detections = motion.detect(sample.frame)
            with clock.stage("people"):
                held.hold(sample.frame.index, sample.picture)
                detections = assist.refine(sample.frame, detections)
            with clock.stage("track"):
                tracker.update(detections, sample.frame.t, sample.frame.index)
                movers = tracker.movers()
                control.extend = bursts.needs_more(movers, control, sample.frame.t)
                control.extend |= motion.settling(sample.frame.t, self.config.burst_quiet_s)
            with clock.stage("crops"):
                harvest.offer(movers, sample.frame.index, sample.picture)
        return tracker.finish(), seen  # (gaps: `link` interpolates them, as between bursts)

    def _seed(self, motion: MotionDetector, path: Path, spans: Sequence[Span]) -> None:
        """A span that starts with the file has no quiet stretch before it to learn the
        background from: whatever stands there may drive off. Its background is the median of
        the keyframes of its first `seed_s` seconds (see `MotionDetector.seed`)."""
        seconds = self.config.motion.seed_s
        if seconds <= 0 or not spans or min(s.start_t for s in spans) > SEED_START_S:
            return
        motion.seed(decode.keyframe_lumas(path, 0.0, seconds, self.config.width))

    def _tracker_config(self) -> TrackerConfig:
        """Sampled, a track must outlive the gap between two bursts."""
        config = self.config.tracker
        if self.config.sampling != "burst":
            return config
        return replace(config, max_missed=max(config.max_missed, self.config.burst_coast_s))

    def _sampled(
        self, track: Track, seen: list[int], size: tuple[int, int], harvest: CropHarvest
    ) -> _Prepared:
        """A sampled track: boxes interpolated across the gaps it was followed through and
        continued to the edge where it came or left unseen; the dense track for its shape."""
        gap = round(self.config.burst_coast_s * _fps(track))
        shape = link.dense_track(track, gap)
        ends = link.entry_and_exit(track, link.unseen_around(track, seen, size))
        boxes = np.concatenate([link.interpolated_boxes(track, gap), ends])
        boxes = boxes[np.argsort(boxes[:, 0], kind="stable")]
        context = harvest.context(track.points) if self._verify(shape, size) else []
        return _Prepared(track, shape, boxes, TrackCrops(harvest.tight(track.points), context))

    def _crops(
        self,
        path: Path,
        tracks: list[Track],
        size: tuple[int, int],
        keyframes: list[int],
        views: ViewCache | None = None,
    ) -> dict[int, TrackCrops]:
        """Each track's crops at its candidate frames (see `crops.track_crops`); the context
        crops only of the tracks the detector will look at."""
        verify = {t.track_id for t in tracks if self._verify(t, size)}
        wanted = CropRequest(size, self.config.crop_candidates, keyframes, verify)
        return track_crops(path, tracks, wanted, views)

    def _finish(self, track: Track, crops: TrackCrops, size: tuple[int, int]) -> ScannedTrack:
        """A fully decoded track: its observed boxes, judged on its own points."""
        return self._finish_prepared(
            _Prepared(track, track, link.observed_boxes(track), crops), size
        )

    def _finish_prepared(self, prepared: _Prepared, size: tuple[int, int]) -> ScannedTrack:
        found = prepared.crops.tight
        best = features.choose_best(found, frame_size=size) if found else None
        object_class, confidence = self.classifier.classify(
            prepared.shape, size, prepared.crops.context, self.calibration
        )
        colours = features.dominant_colours(best.image) if best is not None else ()
        summary = features.summarise(
            prepared.track, object_class, confidence, colours, self.calibration
        )
        return ScannedTrack(
            summary=summary,
            boxes=prepared.boxes,
            crop_jpeg=encode_jpeg(best.image) if best is not None else None,
            crop_frame=best.frame if best is not None else None,
        )

    def _verify(self, track: Track, size: tuple[int, int]) -> bool:
        """Whether the detector should look at this track: always, or (`verify_below` ≤ 1)
        only when kinematics and shape alone are not sure of its class."""
        if self.classifier.verifier is None:
            return False
        if self.config.verify_below > 1.0:
            return True
        kinematic = self.classifier.kinematic.classify(track, size, self.calibration)
        return kinematic[1] < self.config.verify_below


def _fps(track: Track) -> float:
    """Frames per second, from the track's own frame numbers and times (25 if unknown)."""
    first, last = track.points[0], track.points[-1]
    if last.frame > first.frame and last.t > first.t:
        return (last.frame - first.frame) / (last.t - first.t)
    return 25.0
