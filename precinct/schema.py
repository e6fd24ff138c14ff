"""Every table of every capability, gathered for Alembic and for tests.

Capabilities add their `store` module here when they arrive.
"""

from __future__ import annotations

from precinct.cases import store as cases_store
from precinct.core import audit, auth
from precinct.core.db import Base
from precinct.fleet import store as fleet_store
from precinct.linkage import rings_store
from precinct.linkage import store as linkage_store
from precinct.registry import store as registry_store
from precinct.video import store as video_store

metadata = Base.metadata
STORES = (
    auth,
    audit,
    registry_store,
    cases_store,
    video_store,
    fleet_store,
    linkage_store,
    rings_store,
)
