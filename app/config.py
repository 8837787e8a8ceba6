"""Settings read from the environment.

Development (the default, used by ``make run`` and the tests) works with no configuration:
SQLite and an embedded Redis under the data dir. Production refuses unsafe defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import json_columns

DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _env_list(name: str, default: str) -> tuple[str, ...]:
    raw = os.environ.get(name, default)
    return tuple(part.strip().upper() for part in raw.split(",") if part.strip())


def _helpers() -> int:
    """Import validation helpers: two on a multi-core machine (validation and quoting are
    most of an import's CPU time and run beside the writer), none on a single core."""
    cores = os.cpu_count() or 1
    return 0 if cores < 2 else min(2, cores)


def web_workers() -> int:
    """gunicorn worker processes: ``SILKPOST_WEB_WORKERS``, else one per core (at least 2)."""
    return max(1, int(os.environ.get("SILKPOST_WEB_WORKERS") or max(2, os.cpu_count() or 1)))


def web_threads() -> int:
    """Request threads per web process: ``SILKPOST_WEB_THREADS`` (1 = gunicorn's sync worker)."""
    return max(1, int(os.environ.get("SILKPOST_WEB_THREADS") or 4))


def engine_options(database_url: str) -> dict:
    """SQLAlchemy engine options: connections checked before use; on a server database a
    pool of one connection per request thread (``SILKPOST_WEB_THREADS``), so no thread of a
    web process waits for another's connection. JSON columns are written and read with
    :mod:`app.json_columns`."""
    options: dict = {"pool_pre_ping": True, **json_columns.engine_options()}
    if not database_url.startswith("sqlite"):
        options["pool_size"] = web_threads()
    return options


class ConfigError(RuntimeError):
    """A setting is missing or unsafe for the chosen environment."""


# Declaring: the service acts as the commissioned postal/express operator; filings go to
# one customs district. Each is read from ``SILKPOST_<NAME>``; unset values make the
# documents that need them answer 409 with the missing particular named.
DECLARING_DEFAULTS = {
    "OPERATOR_CODE": "",
    "OPERATOR_NAME": "",
    "OPERATOR_DXP_ID": "",
    "CUSTOMS_CODE": "",
    "PORT_CODE": "",
    "TRADE_MODE": "9610",
    "TRAF_MODE": "5",
    "EXPORT_POD": "",
    # CEB603 statisticsFlag: B 汇总申报 (summarised into export declarations, which the
    # export rebate is claimed on), A 简化申报 (never summarised: no rebate).
    "EXPORT_STATISTICS_FLAG": "B",
    "BROKER_NAME": "",
}

# Files an operator may point at with ``SILKPOST_<NAME>`` (None when unset).
OPTIONAL_FILES = ("FX_RATES_FILE", "SIGNING_KEY_FILE", "SIGNING_CERT_FILE")

# flask-smorest: where the OpenAPI document and its viewer are served. Swagger UI's
# scripts and styles are served by the app itself (npm swagger-ui-dist, vendored by
# `make assets` under app/web/static/vendor/swagger-ui), so the docs work offline; the
# online validator badge is off, since it would send the document elsewhere.
API_DOCS = {
    "API_TITLE": "Silkpost API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "v1/openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/assets/vendor/swagger-ui/",
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    "OPENAPI_REDOC_PATH": None,
}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment plus explicit overrides."""
    overrides = dict(overrides or {})
    env = overrides.get("SILKPOST_ENV", os.environ.get("SILKPOST_ENV", "development"))
    data_dir = Path(
        overrides.get("SILKPOST_DATA_DIR", os.environ.get("SILKPOST_DATA_DIR", "instance"))
    ).resolve()
    cfg: dict = {
        **_services(env, data_dir),
        **_intake(),
        **_gateway(data_dir),
        **_clearance(env),
        **_posts(env, data_dir),
        **{k: os.environ.get(f"SILKPOST_{k}", v) for k, v in DECLARING_DEFAULTS.items()},
        **{k: os.environ.get(f"SILKPOST_{k}") or None for k in OPTIONAL_FILES},
        "CEB_XSD_DIR": os.environ.get("CEB_XSD_DIR") or None,
        **API_DOCS,
        **_web(env),
        **_printing(),
        "JSON_SORT_KEYS": False,
    }
    cfg.update(overrides)
    if cfg["SILKPOST_ENV"] == "production" and (
        not cfg.get("SECRET_KEY") or cfg["SECRET_KEY"] == "dev-insecure-secret"
    ):
        raise ConfigError("SECRET_KEY must be set when SILKPOST_ENV=production")
    cfg["MAX_CONTENT_LENGTH"] = cfg["MAX_UPLOAD_BYTES"] + 64 * 1024
    return cfg


def _services(env: str, data_dir: Path) -> dict:
    """Where state lives: the data dir, the database and Redis (embedded by default)."""
    secret = os.environ.get("SECRET_KEY")
    return {
        "SILKPOST_ENV": env,
        "SILKPOST_DATA_DIR": str(data_dir),
        "SECRET_KEY": secret or ("dev-insecure-secret" if env != "production" else None),
        "SQLALCHEMY_DATABASE_URI": os.environ.get("DATABASE_URL")
        or f"sqlite:///{data_dir / 'silkpost.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(os.environ.get("DATABASE_URL") or "sqlite"),
        "REDIS_URL": os.environ.get("REDIS_URL") or None,
    }


def _intake() -> dict:
    """Order intake: upload bound, import chunking and helpers, S10 ranges, phone rule."""
    return {
        "MAX_UPLOAD_BYTES": int(
            os.environ.get("SILKPOST_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
        ),
        "IMPORT_CHUNK_ORDERS": int(os.environ.get("SILKPOST_IMPORT_CHUNK_ORDERS", 500)),
        # Helper processes validating import rows ahead of the writer (0 = inline).
        "IMPORT_PROCESSES": int(os.environ.get("SILKPOST_IMPORT_PROCESSES", _helpers())),
        # S10 ranges: "SERVICE:COUNTRY:FIRST-LAST" entries separated by commas. The first
        # entry is the default used for orders that arrive without an item id.
        "S10_RANGES": os.environ.get("SILKPOST_S10_RANGES", "HA:CN:00000001-99999999"),
        # Destinations whose customs data requires the recipient's phone number.
        "PHONE_REQUIRED_DESTINATIONS": _env_list(
            "SILKPOST_PHONE_REQUIRED_DESTINATIONS", "CN,BR,KR,RU,KZ,BY,SA,AE"
        ),
    }


def _clearance(env: str) -> dict:
    """Agent clearance: review claims, the customs gateway folders and the periodic ticks."""
    gateway = "filedrop" if env == "production" else "simulator"
    return {
        "CLAIM_MINUTES": int(os.environ.get("SILKPOST_CLAIM_MINUTES", 15)),
        # A case left in ``submitting`` longer than this (a killed worker) is handed on.
        "SUBMIT_STUCK_SECONDS": int(os.environ.get("SILKPOST_SUBMIT_STUCK_SECONDS", 120)),
        # Cases per prepare/submit job (a job has fixed costs: its transaction, its look-ups).
        "CLEARANCE_BATCH": int(os.environ.get("SILKPOST_CLEARANCE_BATCH", 100)),
        # Queues whose jobs a worker runs in its own process instead of a forked horse: the
        # short database batches, which keep their warm caches (compiled SQL, look-ups);
        # uploads (intake) and PDF batches (documents) keep a horse each, so a hostile file
        # or a large batch cannot grow the worker itself.
        "WORKER_INLINE_QUEUES": tuple(
            q.strip()
            for q in os.environ.get(
                "SILKPOST_WORKER_INLINE_QUEUES", "periodic,clearance,gateway"
            ).split(",")
            if q.strip()
        ),
        # The day of each month (1-28, China time) from which the previous month's summary
        # declarations are asked for by the hourly periodic task; 0: never (people ask).
        "SUMMARY_AUTO_DAY": _summary_day(os.environ.get("SILKPOST_SUMMARY_AUTO_DAY", "0")),
        # filedrop: the folders only; simulator: ``silkpost up`` also runs the simulator.
        "GATEWAY": os.environ.get("SILKPOST_GATEWAY", gateway),
        # Fault injection for the crash tests: seconds a submit sleeps after its first file.
        "FAULT_PAUSE_AFTER_FIRST_FILE": float(
            os.environ.get("SILKPOST_FAULT_PAUSE_AFTER_FIRST_FILE", 0)
        ),
    }


def _summary_day(raw: str) -> int:
    day = raw.strip() or "0"
    if not day.isdigit() or int(day) > 28:
        raise ConfigError(f"SILKPOST_SUMMARY_AUTO_DAY must be 0 (off) or a day 1-28, not {raw!r}")
    return int(day)


def _gateway(data_dir: Path) -> dict:
    """The customs gateway folders (outbox/inbox, ``GATEWAY_DIR``) and the customs simulator
    answering on them: its seed, the delay between successive receipts, the rates of manual
    review, inspection and random rejection, and how long an inventory waits for its order,
    payment and waybill."""
    env = os.environ.get
    return {
        "GATEWAY_DIR": env("SILKPOST_GATEWAY_DIR") or str(data_dir / "gateway"),
        "SIMULATOR_SEED": int(env("SILKPOST_SIMULATOR_SEED", 7)),
        "SIMULATOR_DELAY_SECONDS": float(env("SILKPOST_SIMULATOR_DELAY_SECONDS", 0.5)),
        "SIMULATOR_MANUAL_REVIEW_RATE": float(env("SILKPOST_SIMULATOR_MANUAL_REVIEW_RATE", 0)),
        "SIMULATOR_INSPECTION_RATE": float(env("SILKPOST_SIMULATOR_INSPECTION_RATE", 0)),
        "SIMULATOR_REJECT_RATE": float(env("SILKPOST_SIMULATOR_REJECT_RATE", 0)),
        "SIMULATOR_MATCH_WAIT_SECONDS": float(env("SILKPOST_SIMULATOR_MATCH_WAIT_SECONDS", 30)),
        "SIMULATOR_POLL_SECONDS": float(env("SILKPOST_SIMULATOR_POLL_SECONDS", 0.2)),
        "SIMULATOR_POSTAL_HOLD_RATE": float(env("SILKPOST_SIMULATOR_POSTAL_HOLD_RATE", 0)),
        "SIMULATOR_POSTAL_REFER_RATE": float(env("SILKPOST_SIMULATOR_POSTAL_REFER_RATE", 0)),
        "SIMULATOR_POSTAL_RETURN_RATE": float(env("SILKPOST_SIMULATOR_POSTAL_RETURN_RATE", 0)),
    }


def _posts(env: str, data_dir: Path) -> dict:
    """Tracking and webhooks: the partner-post folders (``POSTS_DIR``: inbox/, done/,
    quarantine/), the office the service's own events are recorded at, webhook retries
    (seconds between attempts), timeout and whether private addresses may receive them
    (never in production), and the public tracking lookups allowed per client a minute."""
    env_get = os.environ.get
    return {
        "POSTS_DIR": env_get("SILKPOST_POSTS_DIR") or str(data_dir / "posts"),
        "TRACKING_OFFICE": env_get("SILKPOST_TRACKING_OFFICE") or None,
        "WEBHOOK_BACKOFF_SECONDS": env_get(
            "SILKPOST_WEBHOOK_BACKOFF_SECONDS", "10,60,300,1800,7200,21600"
        ),
        "WEBHOOK_TIMEOUT_SECONDS": float(env_get("SILKPOST_WEBHOOK_TIMEOUT_SECONDS", 5)),
        "WEBHOOK_ALLOW_PRIVATE": env != "production"
        and env_get("SILKPOST_WEBHOOK_ALLOW_PRIVATE", "1") != "0",
        "TRACK_RATE_LIMIT": int(env_get("SILKPOST_TRACK_RATE_LIMIT", 60)),
        # Inbound postal items: the code this post presents CUSITM under and the customs
        # system it presents to (free codes of the project's CUSITM schema).
        "INBOUND_POST_CODE": env_get("SILKPOST_INBOUND_POST_CODE") or "CNA",
        "INBOUND_CUSTOMS_CODE": env_get("SILKPOST_INBOUND_CUSTOMS_CODE") or "CNCUSTOMS",
    }


def _proxy_hops() -> int:
    raw = os.environ.get("SILKPOST_PROXY_HOPS", "0").strip() or "0"
    if not raw.isdigit():
        raise ConfigError(f"SILKPOST_PROXY_HOPS must be a number of proxies (0, 1, …), not {raw!r}")
    return int(raw)


def _printing() -> dict:
    """The TrueType CJK font the PDF forms embed for Chinese, Japanese and Korean text:
    a file (unset: Debian's fonts-wqy-zenhei) and the face within a .ttc collection."""
    raw = os.environ.get("SILKPOST_CJK_FONT_INDEX", "0").strip() or "0"
    if not raw.isdigit():
        raise ConfigError(f"SILKPOST_CJK_FONT_INDEX must be a face number (0, 1, …), not {raw!r}")
    return {"CJK_FONT": os.environ.get("SILKPOST_CJK_FONT") or None, "CJK_FONT_INDEX": int(raw)}


def _web(env: str) -> dict:
    """Web pages: signed session cookies, CSRF on every form, English and Chinese; the limit
    on failed authentication (pages and API)."""
    return {
        "SESSION_COOKIE_NAME": "silkpost_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env != "development",
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SILKPOST_SESSION_SECONDS", 12 * 3600)),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("SILKPOST_TIMEZONE", "Asia/Shanghai"),
        # How often progress bars ask the server (import and label batches).
        "WEB_POLL_MS": int(os.environ.get("SILKPOST_WEB_POLL_MS", 1000)),
        # Failed authentications (API token or sign-in) per client address before 429;
        # empty = no limit.
        "AUTH_FAIL_LIMIT": os.environ.get("SILKPOST_AUTH_FAIL_LIMIT", "20 per minute"),
        # The store of every limit's counters (app.limiter): the app's Redis unless set.
        "RATE_LIMIT_STORAGE_URI": os.environ.get("SILKPOST_RATE_LIMIT_STORAGE_URI") or None,
        # Proxies in front of the web server whose X-Forwarded-For/-Proto/-Host/-Port are
        # trusted (0: none, the peer is the client); the limits key on the address they give.
        "PROXY_HOPS": _proxy_hops(),
    }
