import pytest


def pytest_collection_modifyitems(items):
    """Everything under tests/integration uses the database: mark it for the PostgreSQL run."""
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def setup(app, client, make_user):
    """The clearance tests' start: the app configured for declaring, a seller and its
    broker, and the folder stand-in for customs. A module that starts otherwise defines its
    own ``setup``."""
    from clearance_support import Customs, configure, parties

    configure(app)
    seller, broker = parties(client, make_user)
    return app, client, seller, broker, Customs(app.config["GATEWAY_DIR"])
