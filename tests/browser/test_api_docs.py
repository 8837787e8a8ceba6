"""Swagger UI at /api/docs in Debian's Chromium with no way out to the internet: every
request stays on the server, and the API's operations are rendered."""

from __future__ import annotations


def test_api_docs_render_offline(context, live, output_dir):
    base = live[0]
    requests, refused = [], []

    def only_this_server(route) -> None:
        url = route.request.url
        requests.append(url)
        if url.startswith(base + "/"):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", only_this_server)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    assert page.goto("/api/docs").status == 200
    page.locator(".opblock").first.wait_for()

    spec = page.evaluate("async () => (await fetch('/api/v1/openapi.json')).json()")
    methods = ("get", "put", "post", "patch", "delete")
    operations = sum(1 for ops in spec["paths"].values() for m in ops if m in methods)
    assert page.locator(".opblock").count() == operations
    order_path = '[data-path="/api/v1/orders/{order_id}"]'
    for method in ("get", "put", "patch", "delete"):
        found = page.locator(f".opblock-{method} {order_path}")
        assert found.count() == 1 and found.first.is_visible(), method
    assert page.locator(".info .title").inner_text().startswith("Silkpost API")
    page.screenshot(path=output_dir / "screenshots" / "api-docs.png", full_page=False)

    assert refused == [] and errors == []
    assert {url.split("?")[0] for url in requests} == {
        f"{base}/api/docs",
        f"{base}/assets/vendor/swagger-ui/swagger-ui.css",
        f"{base}/assets/vendor/swagger-ui/swagger-ui-standalone-preset.js",
        f"{base}/assets/vendor/swagger-ui/swagger-ui-bundle.js",
        f"{base}/api/v1/openapi.json",
    }
