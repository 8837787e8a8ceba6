"""Silkpost web application: ``create_app(config)`` builds a configured Flask app."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from declarations.pdf import fonts

from .config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Build the app; connects to nothing until a request, job or command needs it."""
    app = Flask(__name__, instance_path=None)
    app.config.update(load_config(config))
    if app.config["PROXY_HOPS"]:  # the client's address, scheme and host as forwarded
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    from .schemas.times import JSONProvider

    app.json = JSONProvider(app)  # ISO 8601 date-times with an offset
    app.json.sort_keys = False
    Path(app.config["SILKPOST_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    fonts.use_cjk_font(app.config["CJK_FONT"], app.config["CJK_FONT_INDEX"])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from . import (
        auth_failures,
        limiter,
        models,  # noqa: F401  (register the tables)
    )
    from .api import make_api
    from .errors import register_error_handlers
    from .extensions import db, migrate
    from .health import health
    from .jobs.queues import queues

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).with_name("migrations")))
    queues.init_app(app)
    api = make_api()
    api.init_app(app)
    register_error_handlers(app)
    app.register_blueprint(health)
    limiter.init_app(app)
    auth_failures.init_app(app)

    from .api import register_blueprints, require_json
    from .web import init_app as init_web

    app.before_request(require_json)
    register_blueprints(api)
    init_web(app)

    from .cli import register_commands

    register_commands(app)
    return app
