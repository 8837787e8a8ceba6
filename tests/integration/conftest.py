import pytest


def pytest_collection_modifyitems(items):
    """Everything under tests/integration uses the database: mark it for the PostgreSQL run."""
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.db)
