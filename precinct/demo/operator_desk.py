"""A robotaxi operator's alert desk for the demo and the tests: a webhook endpoint on 127.0.0.1
that answers 503 to the first N posts (so that retries show), then accepts and keeps them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    fail_first: int = 0
    payloads: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0


@contextmanager
def operator_endpoint(fail_first: int = 0) -> Iterator[tuple[str, Received]]:
    received = Received(fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.calls += 1
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            ok = received.calls > received.fail_first
            if ok:
                received.payloads.append(json.loads(body))
            self.send_response(200 if ok else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    finally:
        server.shutdown()
        server.server_close()
