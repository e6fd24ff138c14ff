"""A route's write session commits before its response leaves: a redirect after a POST must
never reach the browser ahead of the data it points to."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from precinct.core.db import Database
from precinct.registry.store import Place
from precinct.web.deps import WriteSession


def _app(db: Database) -> FastAPI:
    app = FastAPI()
    app.state.db = db

    @app.post("/places")
    def add_place(session: WriteSession) -> StreamingResponse:
        session.add(Place(name="测试地点", address="", lat=30.0, lon=114.0))

        def body() -> Iterator[bytes]:  # runs while the response is being sent
            with db.read() as other:
                yield str(other.scalar(select(func.count(Place.id)))).encode()

        return StreamingResponse(body())

    return app


def test_write_session_is_committed_before_the_response_is_sent(db: Database) -> None:
    with TestClient(_app(db)) as client:
        response = client.post("/places")
    assert response.text == "1"
