"""WSGI entry point for production servers: ``gunicorn app.wsgi:app``."""

from . import create_app

app = create_app()
