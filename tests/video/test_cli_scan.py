"""The scan command's options choose the engine: `--triage fast` is packet sizes only."""

from __future__ import annotations

from precinct.video.cli import Triage, scan_config
from precinct.video.scan import ScanConfig


def test_thorough_triage_is_the_default_engine() -> None:
    thorough = scan_config(384, 1, Triage.THOROUGH, "")
    assert thorough.triage.keyframe_check
    assert thorough.engine_id() == ScanConfig().engine_id()


def test_fast_triage_drops_the_keyframe_check_and_is_another_engine() -> None:
    fast = scan_config(384, 1, Triage.FAST, "")
    assert not fast.triage.keyframe_check
    assert fast.engine_id() != scan_config(384, 1, Triage.THOROUGH, "").engine_id()


def test_negative_verify_crops_means_none() -> None:
    assert scan_config(384, -2, Triage.FAST, "").verify_crops == 0


def test_burst_sampling_is_the_default_and_full_another_engine() -> None:
    from precinct.video.cli import Sampling

    full = scan_config(384, 1, Triage.THOROUGH, "", Sampling.FULL)
    assert full.sampling == "full" and ScanConfig().sampling == "burst"
    assert scan_config(384, 1, Triage.THOROUGH, "").sampling == "burst"
    assert full.engine_id() != scan_config(384, 1, Triage.THOROUGH, "").engine_id()
