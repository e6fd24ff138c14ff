"""Post an alert to an operator's webhook, retrying with doubling waits; every attempt is
returned so that the service can record it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Attempt:
    attempt: int
    at: datetime
    status_code: int | None
    error: str

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Delivery:
    url: str
    payload: dict[str, Any]
    attempts: int = 4
    timeout_s: float = 5.0
    first_wait_s: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)


def _post_once(url: str, body: bytes, timeout_s: float) -> tuple[int | None, str]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as exc:
        return int(exc.code), f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))


def deliver(delivery: Delivery) -> list[Attempt]:
    """Post until one attempt answers 2xx or the attempts run out."""
    if not delivery.url.startswith(("http://", "https://")):
        return [Attempt(1, datetime.now(UTC), None, f"not an http(s) URL: {delivery.url!r}")]
    body = json.dumps(delivery.payload, ensure_ascii=False, default=str).encode("utf-8")
    attempts: list[Attempt] = []
    wait = delivery.first_wait_s
    for number in range(1, delivery.attempts + 1):
        code, error = _post_once(delivery.url, body, delivery.timeout_s)
        attempts.append(Attempt(number, datetime.now(UTC), code, error))
        if attempts[-1].ok:
            break
        if number < delivery.attempts:
            delivery.sleep(wait)
            wait *= 2
    return attempts
