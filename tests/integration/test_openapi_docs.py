"""Swagger UI is served by the app itself: no external URL in the page, its assets here."""

import re


def test_api_docs_page_loads_only_local_assets(client):
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.text
    assert re.findall(r"https?://", html) == []
    assets = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert assets == [
        "/assets/vendor/swagger-ui/swagger-ui.css",
        "/assets/vendor/swagger-ui/swagger-ui-standalone-preset.js",
        "/assets/vendor/swagger-ui/swagger-ui-bundle.js",
    ]
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.data) > 100_000, url
    # the online validator badge would send the document to a third party
    assert 'var override_config = {"validatorUrl": null};' in html


def test_the_document_describes_amending_and_cancelling(client):
    spec = client.get("/api/v1/openapi.json").json
    one = spec["paths"]["/api/v1/orders/{order_id}"]
    assert set(one) >= {"get", "put", "patch", "delete"}
    for method in ("put", "patch", "delete"):
        assert "409" in one[method]["responses"], method
    patch_body = one["patch"]["requestBody"]["content"]
    assert list(patch_body) == ["application/merge-patch+json"]
    listing = {p["name"] for p in spec["paths"]["/api/v1/orders"]["get"]["parameters"]}
    assert listing == {
        "status",
        "order_no",
        "flow",
        "destination",
        "created_from",
        "created_to",
        "page",
        "per_page",
    }
