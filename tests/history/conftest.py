"""Fixtures of the history's tests: a real browser and a real PostgreSQL server."""

from tests.support.browser import browser  # noqa: F401 (fixtures)
from tests.support.postgres import postgres_server, postgres_url  # noqa: F401
