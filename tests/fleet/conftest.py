"""The workbench fixtures (a client over a database with one user per role) for the fleet's
HTTP tests."""

from ..web.conftest import app_db, client, users_template  # noqa: F401
