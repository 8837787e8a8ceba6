"""The Alembic migrations build exactly the schema the models declare."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext


def test_migrated_database_matches_the_models(app):
    """What ``flask db migrate`` would write after ``flask db upgrade``: nothing."""
    from app.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []
