"""API tokens: expiry (refused 401 once expired), last use recorded at most once a minute,
and ``silkpost tokens list|revoke|rotate`` / ``users create --expires-in``."""

from datetime import UTC, datetime, timedelta

from support import headers

from app.extensions import db
from app.models import ApiToken
from app.services import users


def _row(user_id: str) -> ApiToken:
    db.session.expire_all()
    return db.session.execute(db.select(ApiToken).where(ApiToken.user_id == user_id)).scalar_one()


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_an_expired_token_is_refused(app, client):
    user, token = users.create_user("soon", "seller", expires_in=timedelta(minutes=5))
    auth = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/orders", headers=auth).status_code == 200
    row = _row(user.id)
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    r = client.get("/api/v1/orders", headers=auth)
    assert r.status_code == 401
    assert r.json["message"] == "The API token is unknown, revoked or expired."


def test_last_use_is_recorded_at_most_once_a_minute(app, client, make_user):
    seller = make_user("seller")
    assert _row(seller["_user_id"]).last_used_at is None
    client.get("/api/v1/orders", headers=headers(seller))
    first = _aware(_row(seller["_user_id"]).last_used_at)
    assert datetime.now(UTC) - first < timedelta(minutes=1)
    client.get("/api/v1/orders", headers=headers(seller))
    assert _aware(_row(seller["_user_id"]).last_used_at) == first
    row = _row(seller["_user_id"])
    row.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/orders", headers=headers(seller))
    assert _aware(_row(seller["_user_id"]).last_used_at) > first - timedelta(minutes=1)


def test_cli_lists_revokes_and_rotates_tokens(app, client):
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=["users", "create", "--role", "broker", "--name", "Bo", "--expires-in", "2h"]
    )
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    (line,) = runner.invoke(args=["tokens", "list", "--user", "Bo"]).output.splitlines()
    token_id, name, label, state, created, expires, last_used = line.split("\t")
    assert (name, label, state, last_used) == ("Bo", "created", "active", "never")
    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert timedelta(hours=2) - timedelta(seconds=5) < lifetime <= timedelta(hours=2)

    rotated = runner.invoke(args=["tokens", "rotate", token_id])
    assert rotated.exit_code == 0, rotated.output
    new = rotated.output.strip().splitlines()[-1]
    assert (
        client.get("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )
    assert (
        client.get("/api/v1/orders", headers={"Authorization": f"Bearer {new}"}).status_code == 200
    )
    again = runner.invoke(args=["tokens", "rotate", token_id])
    assert again.exit_code == 1 and "is revoked" in again.output

    listing = runner.invoke(args=["tokens", "list"]).output.splitlines()
    new_id = [row.split("\t")[0] for row in listing if "\tactive\t" in row]
    assert len(new_id) == 1 and new_id[0] != token_id
    revoked = runner.invoke(args=["tokens", "revoke", new_id[0]])
    assert revoked.exit_code == 0 and revoked.output == f"revoked {new_id[0]} of Bo\n"
    assert (
        client.get("/api/v1/orders", headers={"Authorization": f"Bearer {new}"}).status_code == 401
    )
    bad = runner.invoke(
        args=["users", "create", "--role", "seller", "--name", "X", "--expires-in", "soon"]
    )
    assert bad.exit_code == 2 and "not a duration" in bad.output
    missing = runner.invoke(args=["tokens", "revoke", "nope"])
    assert missing.exit_code == 1 and "No token with id 'nope'" in missing.output
