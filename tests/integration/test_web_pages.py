"""The web pages through Flask's test client: sign-in, sessions, CSRF, tenant walls,
language, the order-file template and the views over the services."""

from __future__ import annotations

import copy
import csv
import io
import re

import pytest
from support import BASE_EXPORT_ORDER, cbec_import_order, headers

PASSWORD = "correct horse battery"


def _csrf(client, path="/sign-in") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def pages(app):
    """A second app on the same database and Redis, serving the browsers of a test.

    The ``app`` fixture keeps an app context open for the test's own service calls; a
    request to that same app would share its ``g`` with every other request, which a real
    server never does. Requests to this app each get their own context.
    """
    from app import create_app

    keys = ("SILKPOST_DATA_DIR", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "TESTING")
    return create_app({k: app.config[k] for k in keys})


@pytest.fixture
def sign_in(pages, make_user):
    """Create a user with a password and a client signed in as that user."""
    from app.services import users

    def make(role="seller", name=None, client=None):
        auth = make_user(role, name)
        user = users.find_user(auth["_name"])
        users.set_password(user, PASSWORD)
        client = client or pages.test_client()
        r = client.post(
            "/sign-in",
            data={"username": user.name, "password": PASSWORD, "csrf_token": _csrf(client)},
        )
        assert r.status_code == 302, r.text
        client.auth = auth
        return client

    return make


def _order(client, no: str, **changes) -> str:
    body = copy.deepcopy(BASE_EXPORT_ORDER)
    body.update(order_no=no, **changes)
    r = client.application.test_client().post(
        "/api/v1/orders", json=body, headers=headers(client.auth)
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


# -- signing in --------------------------------------------------------------------------


def test_sign_in_with_password_and_out(pages, make_user):
    from app.services import users

    auth = make_user("seller", "Acme")
    users.set_password(users.find_user("Acme"), PASSWORD)
    client = pages.test_client()
    r = client.get("/orders")
    assert r.status_code == 302 and r.headers["Location"] == "/sign-in?next=/orders"
    token = _csrf(client)
    wrong = client.post(
        "/sign-in", data={"username": "Acme", "password": "wrong password", "csrf_token": token}
    )
    assert wrong.status_code == 200 and "The user name or the password is not right." in wrong.text
    unknown = client.post(
        "/sign-in", data={"username": "Nobody", "password": PASSWORD, "csrf_token": token}
    )
    assert "not right" in unknown.text
    ok = client.post(
        "/sign-in",
        data={"username": "Acme", "password": PASSWORD, "csrf_token": token, "next": "/orders"},
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/orders"
    assert "Acme" in client.get("/orders").text
    r = client.post("/sign-out", data={"csrf_token": _csrf(client, "/orders")})
    assert r.headers["Location"] == "/sign-in"
    assert client.get("/orders").status_code == 302
    # The API still wants its Bearer token, not the session.
    assert client.get("/api/v1/orders").status_code == 401
    assert client.get("/api/v1/orders", headers=headers(auth)).status_code == 200


def test_sign_in_never_redirects_off_site(app, sign_in):
    client = sign_in("seller")
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        client.post("/sign-out", data={"csrf_token": _csrf(client, "/home")})
        from app.services import users

        r = client.post(
            "/sign-in",
            data={
                "username": users.find_user(client.auth["_name"]).name,
                "password": PASSWORD,
                "csrf_token": _csrf(client),
                "next": target,
            },
        )
        assert r.headers["Location"] == "/home", target


def test_user_without_password_cannot_sign_in(pages, make_user):
    auth = make_user("seller")
    client = pages.test_client()
    r = client.post(
        "/sign-in",
        data={
            "username": auth["_name"],
            "password": "silkpost-no-such-user",
            "csrf_token": _csrf(client),
        },
    )
    assert "not right" in r.text


def test_changing_the_password_ends_other_sessions(app, sign_in):
    from app.services import users

    client = sign_in("seller")
    assert client.get("/home").status_code == 200
    users.set_password(users.find_user(client.auth["_name"]), "another long password")
    assert client.get("/home").status_code == 302


def test_passwords_are_stored_as_argon2id_and_length_is_checked(app, make_user):
    from app.errors import ValidationFailed
    from app.services import users

    auth = make_user("seller")
    user = users.find_user(auth["_name"])
    users.set_password(user, PASSWORD)
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert users.check_password(user.name, PASSWORD) == user
    assert users.check_password(user.name, PASSWORD + "x") is None
    with pytest.raises(ValidationFailed, match="10 to 1024 characters"):
        users.set_password(user, "short")


def test_cli_users_create_reads_the_password_from_stdin(app):
    from app.services import users

    runner = app.test_cli_runner()
    r = runner.invoke(
        args=["users", "create", "--role", "carrier", "--name", "Counter 1", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert r.exit_code == 0, r.output
    assert r.output.strip().splitlines()[-1].startswith("sp_")
    assert users.check_password("Counter 1", PASSWORD).role == "carrier"
    short = runner.invoke(
        args=["users", "create", "--role", "seller", "--name", "S", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1 and "10 to 1024 characters" in short.output


# -- cookies and CSRF ------------------------------------------------------------------------


def _set_cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


def test_session_cookie_flags_in_development(pages, make_user):
    from app.services import users

    auth = make_user("seller")
    users.set_password(users.find_user(auth["_name"]), PASSWORD)
    client = pages.test_client()
    r = client.post(
        "/sign-in",
        data={"username": auth["_name"], "password": PASSWORD, "csrf_token": _csrf(client)},
    )
    cookie = _set_cookies(r)["silkpost_session"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_outside_development(_migrated, database_url, redis_server, tmp_path):
    from app import create_app

    app = create_app(
        {
            "SILKPOST_ENV": "production",
            "SECRET_KEY": "a-test-secret-that-is-not-the-default",
            "SILKPOST_DATA_DIR": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": f"unix://{redis_server.socket_file}?db=3",
        }
    )
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://silkpost.test")
    session_cookie = _set_cookies(page)["silkpost_session"]
    assert all(f in session_cookie for f in ("Secure", "HttpOnly", "SameSite=Lax"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = client.post(
        "/language",
        data={"lang": "zh_Hans", "csrf_token": token},
        base_url="https://silkpost.test",
        headers={"Referer": "https://silkpost.test/sign-in"},
    )
    lang_cookie = _set_cookies(r)["silkpost_lang"]
    assert "Secure" in lang_cookie and "SameSite=Lax" in lang_cookie


def test_form_posts_without_the_csrf_token_are_refused(pages, sign_in):
    from app.extensions import db
    from app.models import ImportBatch

    anonymous = pages.test_client()
    r = anonymous.post("/sign-in", data={"username": "x", "password": "y"})
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert "security token is missing or expired" in r.text
    client = sign_in("seller")
    r = client.post(
        "/imports",
        data={"file": (io.BytesIO(b"order_no\nA\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "security token" in r.text
    forged = client.post(
        "/imports",
        data={"file": (io.BytesIO(b"order_no\nA\n"), "a.csv"), "csrf_token": "forged"},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400
    assert db.session.execute(db.select(ImportBatch)).first() is None
    assert client.post("/sign-out").status_code == 400
    assert client.get("/home").status_code == 200  # still signed in


def test_the_json_api_needs_no_csrf_token(app, make_user, order_payload):
    seller = make_user("seller")
    r = app.test_client().post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201


# -- tenant walls and roles ------------------------------------------------------------------


def test_a_seller_cannot_open_another_sellers_order_or_a_broker_page(app, sign_in):
    alice, bob = sign_in("seller"), sign_in("seller")
    order_id = _order(bob, "BOB-1")
    parcel_id = (
        app.test_client()
        .get(f"/api/v1/orders/{order_id}", headers=headers(bob.auth))
        .json["parcels"][0]["id"]
    )
    assert bob.get(f"/orders/{order_id}").status_code == 200
    for path in (
        f"/orders/{order_id}",
        f"/orders/{order_id}/documents/itmatt.xml",
        f"/parcels/{parcel_id}/cn23.pdf",
    ):
        r = alice.get(path)
        assert r.status_code == 404 and r.mimetype == "text/html", path
    assert "BOB-1" not in alice.get("/orders").text
    for path in ("/buyers/quota", "/parcels"):
        r = alice.get(path)
        assert r.status_code == 403 and "You may not open this page" in r.text, path


def test_staff_see_every_sellers_orders(app, sign_in):
    alice, bob = sign_in("seller"), sign_in("seller")
    a, b = _order(alice, "ALICE-1"), _order(bob, "BOB-1")
    for role in ("broker", "carrier", "admin"):
        staff = sign_in(role)
        listing = staff.get("/orders").text
        assert "ALICE-1" in listing and "BOB-1" in listing, role
        assert staff.get(f"/orders/{a}").status_code == 200
        assert staff.get(f"/orders/{b}").status_code == 200
    assert sign_in("broker").get("/buyers/quota").status_code == 200


def test_order_list_filters_by_status_like_the_api(app, sign_in):
    client = sign_in("seller")
    declared = _order(client, "DECL-1")
    _order(client, "RECV-1")
    assert client.get(f"/orders/{declared}/documents/itmatt.xml").status_code == 200
    assert "DECL-1" not in client.get("/orders?status=declared").text  # reading declares nothing
    from app.extensions import db
    from app.models import Order
    from app.services import clearance

    clearance.declare_order(db.session.get(Order, declared), None)  # what filing does
    db.session.commit()
    page = client.get("/orders?status=declared").text
    assert "DECL-1" in page and "RECV-1" not in page
    assert client.get("/orders?status=lost").status_code == 422


def test_order_list_has_the_filters_of_the_api(app, sign_in):
    client = sign_in("seller")
    _order(client, "F-DE-1")
    _order(client, "F-US-1", recipient=dict(BASE_EXPORT_ORDER["recipient"], country="US"))
    _order(client, "F-DE-2")
    api = client.application.test_client()
    for query in (
        {"destination": "de"},
        {"order_no": "F-US-1"},
        {"flow": "import"},
        {"created_from": "2000-01-01", "created_to": "2000-01-31"},
        {"destination": "DE", "per_page": "1", "page": "2"},
    ):
        page = client.get("/orders", query_string=query).text
        shown = re.findall(r'<a href="/orders/[0-9a-f-]{36}">([^<]+)</a>', page)
        listed = api.get("/api/v1/orders", query_string=query, headers=headers(client.auth)).json
        assert shown == [o["order_no"] for o in listed["items"]], query
    page = client.get("/orders", query_string={"destination": "DE", "per_page": "1"}).text
    assert "F-DE-2" in page and "F-DE-1" not in page
    assert 'href="/orders?page=2&amp;destination=DE&amp;per_page=1" rel="next"' in page
    assert client.get("/orders?created_from=2026-12-02&created_to=2026-12-01").status_code == 422


# -- the order page --------------------------------------------------------------------------


@pytest.mark.cjk_font
def test_order_page_shows_quote_rules_documents_and_timeline(app, sign_in):
    client = sign_in("seller")
    order_id = _order(client, "EU-1", currency="EUR")
    page = client.get(f"/orders/{order_id}").text
    assert "flat duty 3 EUR per distinct HS6 subheading (2 in this parcel)" in page
    assert "vat standard 19% on HS all goods" in page
    assert 'id="quote-total">€15.50<' in page
    assert f"/orders/{order_id}/documents/itmatt.xml" in page
    assert "No customs receipts yet." in page
    xml = client.get(f"/orders/{order_id}/documents/itmatt.xml")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    from_api = client.application.test_client().get(
        f"/api/v1/orders/{order_id}/declarations/itmatt", headers=headers(client.auth)
    )
    assert b"<ITMATT" in xml.data and xml.data == from_api.data  # the same stored document
    parcel = re.search(r"/parcels/([0-9a-f-]{36})/cn23\.pdf", page).group(1)
    pdf = client.get(f"/parcels/{parcel}/cn23.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/orders/{order_id}/documents/ceb311.xml").status_code == 409


def test_order_page_shows_the_clearance_timeline(app, sign_in, make_user):
    from clearance_support import SELLER_PROFILE as PROFILE
    from integration.test_receipts_api import inventory_receipt

    seller = sign_in("seller")
    api = app.test_client()
    api.put("/api/v1/profile", json=PROFILE, headers=headers(seller.auth))
    r = api.post(
        "/api/v1/orders", json=cbec_import_order(order_no="IM-TL"), headers=headers(seller.auth)
    )
    assert r.status_code == 201, r.json
    order_id = r.json["id"]
    api.post(f"/api/v1/orders/{order_id}/declarations", headers=headers(seller.auth))
    receipt = inventory_receipt("IM-TL", ("120", "20261128101000000"), ("800", "20261128120000000"))
    r = api.post(
        "/api/v1/receipts",
        data=receipt,
        headers={**headers(make_user("broker")), "Content-Type": "application/xml"},
    )
    assert r.status_code == 200, r.json
    page = seller.get(f"/orders/{order_id}").text
    events = re.search(r'<ol class="timeline" id="clearance-events">(.*?)</ol>', page, re.S)
    assert events and events.group(1).count("<li>") == 2
    assert "<code>120</code>" in events.group(1) and "<code>800</code>" in events.group(1)
    assert "状态800" in events.group(1) and 'class="status status-released"' in page


# -- language --------------------------------------------------------------------------------


def test_language_switch_is_remembered_and_formats_per_locale(app, sign_in):
    client = sign_in("seller")
    order_id = _order(client, "ZH-1", currency="EUR")
    assert "Orders" in client.get("/orders").text
    r = client.post(
        "/language",
        data={"lang": "zh_Hans", "next": "/orders", "csrf_token": _csrf(client, "/orders")},
    )
    assert r.status_code == 302 and r.headers["Location"] == "/orders"
    assert "silkpost_lang=zh_Hans" in _set_cookies(r)["silkpost_lang"]
    page = client.get(f"/orders/{order_id}").text
    assert '<html lang="zh-Hans"' in page and "到岸税费" in page and "订单 ZH-1" in page
    assert "€15.50" in page
    client.post("/language", data={"lang": "en", "csrf_token": _csrf(client, "/orders")})
    assert "Landed cost" in client.get(f"/orders/{order_id}").text


def test_browser_language_decides_without_a_cookie(pages):
    client = pages.test_client()
    zh = client.get("/sign-in", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "用户名" in zh.text and 'lang="zh-Hans"' in zh.text
    en = client.get("/sign-in", headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert "User name" in en.text


def test_money_and_numbers_follow_the_locale(app):
    from flask_babel import force_locale

    from app.web import i18n

    with app.test_request_context("/"):
        with force_locale("en"):
            assert i18n.money("1234.5", "CNY") == "CN¥1,234.50"
            assert i18n.number("1234.567") == "1,234.567"
        with force_locale("zh_Hans"):
            assert i18n.money("1234.5", "CNY") == "¥1,234.50"
            assert i18n.money("1234.5", "EUR") == "€1,234.50"


def test_every_page_text_has_a_chinese_translation():
    from pathlib import Path

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    web = Path(__file__).resolve().parents[2] / "app" / "web"
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    found = {
        m[2] if isinstance(m[2], str) else m[2][0]
        for m in extract_from_dir(str(web), method_map, keywords=keywords)
    }
    with (web / "translations/zh_Hans/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else m.string[0])
    }
    assert found and not sorted(found - translated)


# -- imports: template, upload, errors CSV ---------------------------------------------------


def _run_worker(app):
    from app.jobs.runner import make_worker

    make_worker(app, simple=True).work(burst=True)


def _upload(client, name: str, data: bytes):
    return client.post(
        "/imports",
        data={"file": (io.BytesIO(data), name), "csrf_token": _csrf(client, "/imports/new")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_has_every_column_and_imports_cleanly(app, sign_in, fmt):
    from app.services.order_files import ALL_COLUMNS

    client = sign_in("seller")
    template = client.get(f"/import-template.{fmt}")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(template.data.decode("utf-8-sig"))))
        assert tuple(rows[0]) == ALL_COLUMNS and len(rows) >= 2
    r = _upload(client, f"template.{fmt}", template.data)
    assert r.status_code == 303
    batch_path = r.headers["Location"]
    _run_worker(app)
    page = client.get(batch_path).text
    assert 'data-status="done"' in page and 'id="count-created">1<' in page
    assert 'id="count-failed">0<' in page and "import-errors" not in page


def test_upload_reports_row_errors_and_downloads_them(app, sign_in):
    from app.web.order_template import EXAMPLE_ORDER, rows_of

    client = sign_in("seller")
    good = rows_of(dict(copy.deepcopy(EXAMPLE_ORDER), order_no="G-1"))
    bad = rows_of(dict(copy.deepcopy(EXAMPLE_ORDER), order_no="-B-1"))  # a formula cell
    bad[0]["hs_code"] = "9999.10"
    from app.services.order_files import ALL_COLUMNS

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ALL_COLUMNS)
    writer.writeheader()
    writer.writerows(good + bad)
    r = _upload(client, "mixed.csv", out.getvalue().encode())
    batch_path = r.headers["Location"]
    queued = client.get(batch_path).text
    assert 'data-status="queued"' in queued and 'hx-trigger="every 1000ms"' in queued
    _run_worker(app)
    progress = client.get(batch_path + "/progress").text
    assert 'data-status="done"' in progress and "hx-trigger=" not in progress
    assert "chapter 99 does not exist" in progress
    download = client.get(batch_path + "/errors.csv")
    assert download.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert [(r["row"], r["order_no"], r["field"]) for r in rows] == [("3", "'-B-1", "hs_code")]
    other = sign_in("seller")
    assert other.get(batch_path).status_code == 404
    assert other.get(batch_path + "/errors.csv").status_code == 404


def test_upload_refuses_a_bad_file_with_the_reason(app, sign_in):
    client = sign_in("seller")
    r = _upload(client, "orders.txt", b"order_no\nA\n")
    assert r.status_code == 422 and "the file must be .csv or .xlsx" in r.text
    r = _upload(client, "orders.csv", b"order_no,colour\nA,red\n")
    assert r.status_code == 422 and "unknown columns: colour" in r.text


# -- parcels and label batches --------------------------------------------------------------


def test_parcel_search_by_scan_and_filters(app, sign_in):
    from app.services import parcel_search, users

    seller = sign_in("seller")
    ids = {no: _order(seller, no) for no in ("P-DE", "P-FR")}
    _order(seller, "P-US", recipient=dict(BASE_EXPORT_ORDER["recipient"], country="US"))
    api = app.test_client()
    item = {
        no: api.get(f"/api/v1/orders/{oid}", headers=headers(seller.auth)).json["item_id"]
        for no, oid in ids.items()
    }
    carrier = users.find_user(sign_in("carrier").auth["_name"])
    # Scan order is kept, a repeat counts once; a wrong check digit is not an S10 id.
    scan = (
        f"{item['P-FR']}\n{item['P-DE'].lower()}\n{item['P-FR']}\n"
        "RR473124829GB\nRR473124828GB\nnot-an-id\n"
    )
    found = parcel_search.find_parcels(carrier, scan)
    assert [p["order_no"] for p in found.parcels] == ["P-FR", "P-DE"]
    assert found.not_found == ["RR473124829GB"]
    assert [entry for entry, _ in found.invalid] == ["RR473124828GB", "not-an-id"]
    assert "check digit is 8, expected 9" in found.invalid[0][1]
    by_dest = parcel_search.find_parcels(carrier, "", parcel_search.ParcelFilter(destination="US"))
    assert [p["order_no"] for p in by_dest.parcels] == ["P-US"]
    other = users.find_user(sign_in("seller").auth["_name"])
    assert parcel_search.find_parcels(other, scan).parcels == []


@pytest.mark.cjk_font
def test_printing_a_batch_from_the_counter_page(app, sign_in):
    seller = sign_in("seller")
    order_ids = [_order(seller, f"L-{n}") for n in range(3)]
    api = app.test_client()
    items = [
        api.get(f"/api/v1/orders/{o}", headers=headers(seller.auth)).json["item_id"]
        for o in order_ids
    ]
    counter = sign_in("carrier")
    results = counter.get("/parcels/results", query_string={"scan": "\n".join(items)}).text
    parcel_ids = re.findall(r'name="parcel_id" value="([^"]+)"', results)
    assert len(parcel_ids) == 3
    token = _csrf(counter, "/parcels")
    r = counter.post(
        "/labels/batches", data={"kind": "label", "parcel_id": parcel_ids, "csrf_token": token}
    )
    assert r.status_code == 303
    batch_path = r.headers["Location"]
    _run_worker(app)
    page = counter.get(batch_path).text
    assert 'data-status="done"' in page
    pdf = counter.get(batch_path + "/download")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert sign_in("seller").get(batch_path).status_code == 404


def test_catalogues_are_compiled_under_the_data_dir_when_an_install_skipped_it(
    tmp_path, monkeypatch
):
    import shutil

    from app.web import i18n

    shipped = tmp_path / "shipped"
    shutil.copytree(i18n.SHIPPED_CATALOGUES, shipped, ignore=shutil.ignore_patterns("*.mo"))
    monkeypatch.setattr(i18n, "SHIPPED_CATALOGUES", shipped)
    found = i18n.catalogue_dir(tmp_path / "data")
    assert found == tmp_path / "data" / "translations"
    from babel.support import Translations

    zh = Translations.load(str(found), ["zh_Hans"])
    assert zh.gettext("Sign in") == "登录"
    (shipped / "zh_Hans/LC_MESSAGES/messages.mo").write_bytes(
        (found / "zh_Hans/LC_MESSAGES/messages.mo").read_bytes()
    )
    assert i18n.catalogue_dir(tmp_path / "data") == shipped  # compiled by the install step


def test_only_sellers_upload_and_admins_are_not_offered_it(app, sign_in):
    admin = sign_in("admin")
    assert ">Upload orders<" not in admin.get("/home").text
    r = _upload(admin, "orders.csv", b"order_no\nA\n")
    assert r.status_code == 403 and "Only sellers import orders." in r.text
    assert ">Upload orders<" in sign_in("seller").get("/home").text


def test_a_poll_after_the_session_ended_sends_the_page_to_sign_in(pages):
    r = pages.test_client().get("/imports/x/progress", headers={"HX-Request": "true"})
    assert r.status_code == 200 and r.headers["HX-Redirect"] == "/sign-in"
