"""What every part of the demo district shares: its time zone, the night, "now" for the
demo, progress reporting and the seeded random streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

TZ: Final = ZoneInfo("Asia/Shanghai")
NIGHT_START: Final = datetime(2024, 12, 15, tzinfo=TZ)
#: "Now" for the demo: the evening after the night, two days before the arrest.
DEMO_NOW: Final = datetime(2024, 12, 15, 18, 0, tzinfo=TZ)

Progress = Callable[[str, int, int], None]


def stage_rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}/{stage}")  # str seeds are hashed with SHA-512: stable
