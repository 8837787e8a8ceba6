"""The web pages (server-rendered, over the same services as the API).

One blueprint (``web``) holds every page; each page family is a module in ``pages/`` that
adds its routes and navigation entries. ``init_app`` (in ``setup``) binds Babel and CSRF.
"""

from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for

web = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)


@web.get("/")
def index():
    return redirect(url_for("web.home"))


def init_app(app: Flask) -> None:
    from .setup import init_app as setup

    setup(app)
