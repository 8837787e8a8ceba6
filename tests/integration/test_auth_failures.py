"""Failed authentication is limited per client address: past ``AUTH_FAIL_LIMIT`` failures a
bad token gets 429 (JSON envelope, ``Retry-After``) and a sign-in the HTML error page; a good
token from that address still works, and other addresses are not limited."""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.jobs.embedded_redis import socket_path
from app.limiter import storage_uri

PASSWORD = "correct horse battery"
LIMIT = 3
ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
NEIGHBOUR = {"REMOTE_ADDR": "198.51.100.9"}
BAD = {"Authorization": "Bearer sp_not-a-token"}


def _limited_app(app, **more):
    """Another app on the same database and Redis with a small limit (each request gets its
    own context, as in a real server)."""
    keys = ("SILKPOST_DATA_DIR", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "TESTING")
    return create_app(
        {**{k: app.config[k] for k in keys}, "AUTH_FAIL_LIMIT": f"{LIMIT} per minute", **more}
    )


def _assert_limited(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_failed_tokens_past_the_limit_get_429_and_a_good_token_still_works(app, make_user):
    client = _limited_app(app).test_client()
    seller = make_user("seller")
    good = {"Authorization": seller["Authorization"]}
    for _ in range(LIMIT):
        r = client.get("/api/v1/orders", headers=BAD, environ_base=ATTACKER)
        assert r.status_code == 401
    r = client.get("/api/v1/orders", headers=BAD, environ_base=ATTACKER)
    _assert_limited(r)
    assert r.json == {
        "code": 429,
        "status": "Too Many Requests",
        "message": "Too many failed authentication attempts from this address; try again later.",
        "errors": {},
    }
    missing = client.get("/api/v1/orders", environ_base=ATTACKER)
    _assert_limited(missing)
    assert client.get("/api/v1/orders", headers=good, environ_base=ATTACKER).status_code == 200
    other = client.get("/api/v1/orders", headers=BAD, environ_base=NEIGHBOUR)
    assert other.status_code == 401


def _csrf(client) -> str:
    page = client.get("/sign-in")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _sign_in(client, name: str, password: str, address: dict):
    form = {"username": name, "password": password, "csrf_token": _csrf(client)}
    return client.post("/sign-in", data=form, environ_base=address)


def test_failed_sign_ins_past_the_limit_get_the_error_page(app, make_user):
    from app.services import users

    pages = _limited_app(app)
    name = make_user("seller")["_name"]
    users.set_password(users.find_user(name), PASSWORD)
    attacker = pages.test_client()
    for _ in range(LIMIT):
        r = _sign_in(attacker, name, "wrong password", ATTACKER)
        assert r.status_code == 200 and "not right" in r.text
    r = _sign_in(attacker, name, "wrong password", ATTACKER)
    _assert_limited(r)
    assert r.mimetype == "text/html" and "Too many attempts" in r.text
    # While limited, the address cannot sign in at all: a right guess would otherwise still
    # be told apart from the wrong ones, and the limit would not slow guessing.
    _assert_limited(_sign_in(attacker, name, PASSWORD, ATTACKER))
    neighbour = pages.test_client()
    assert _sign_in(neighbour, name, PASSWORD, NEIGHBOUR).status_code == 302


def test_the_counters_are_shared_through_redis(app, redis_server):
    """Two web processes (two apps) on one Redis count the same address's failures."""
    shared = {"RATE_LIMIT_STORAGE_URI": f"redis+unix://{redis_server.socket_file}?db=3"}
    first = _limited_app(app, **shared).test_client()
    second = _limited_app(app, **shared).test_client()
    for client in (first, second, first):
        assert client.get("/api/v1/orders", headers=BAD, environ_base=ATTACKER).status_code == 401
    _assert_limited(second.get("/api/v1/orders", headers=BAD, environ_base=ATTACKER))


def test_where_the_counters_live(tmp_path):
    assert storage_uri({"TESTING": True, "REDIS_URL": "redis://r:6379/0"}) == "memory://"
    assert storage_uri({"REDIS_URL": "redis://r:6379/0"}) == "redis://r:6379/0"
    assert storage_uri({"REDIS_URL": "unix:///run/r.sock?db=2"}) == "redis+unix:///run/r.sock?db=2"
    embedded = storage_uri({"SILKPOST_DATA_DIR": str(tmp_path)})
    assert embedded == f"redis+unix://{socket_path(tmp_path.resolve())}"
    chosen = {"TESTING": True, "RATE_LIMIT_STORAGE_URI": "redis://x/1"}
    assert storage_uri(chosen) == "redis://x/1"


def test_a_limit_that_does_not_parse_is_refused(app):
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="SILKPOST_AUTH_FAIL_LIMIT"):
        _limited_app(app, AUTH_FAIL_LIMIT="twenty a minute")


PROXY = {"REMOTE_ADDR": "10.0.0.2"}


def _through_proxy(client, forwarded_for: str):
    headers = {**BAD, "X-Forwarded-For": forwarded_for}
    return client.get("/api/v1/orders", headers=headers, environ_base=PROXY)


def test_behind_a_trusted_proxy_the_limit_counts_the_forwarded_address(app):
    """With ``PROXY_HOPS=1`` every client arrives from the proxy's address; the limit keys
    on the address the proxy forwarded, so one client's failures do not lock out the rest."""
    client = _limited_app(app, PROXY_HOPS=1).test_client()
    for _ in range(LIMIT):
        assert _through_proxy(client, ATTACKER["REMOTE_ADDR"]).status_code == 401
    _assert_limited(_through_proxy(client, ATTACKER["REMOTE_ADDR"]))
    # a client may prepend anything; the proxy appends the peer it saw, which is what counts
    forged = f"{NEIGHBOUR['REMOTE_ADDR']}, {ATTACKER['REMOTE_ADDR']}"
    _assert_limited(_through_proxy(client, forged))
    assert _through_proxy(client, NEIGHBOUR["REMOTE_ADDR"]).status_code == 401


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored(app):
    """By default (no proxy) X-Forwarded-For is the client's own word: a client changing it
    on every request is still limited by its real address."""
    client = _limited_app(app).test_client()
    for n in range(LIMIT):
        assert _through_proxy(client, f"192.0.2.{n}").status_code == 401
    _assert_limited(_through_proxy(client, "192.0.2.200"))


def test_a_proxy_count_that_is_not_a_number_is_refused(app, monkeypatch):
    from app.config import ConfigError

    monkeypatch.setenv("SILKPOST_PROXY_HOPS", "one")
    with pytest.raises(ConfigError, match="SILKPOST_PROXY_HOPS"):
        _limited_app(app)
