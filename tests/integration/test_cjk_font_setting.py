"""The operator's CJK font setting reaches the PDF forms; without a usable CJK font a form
with Chinese text is refused with a clear 409 (nothing stored), and served once it is set."""

from __future__ import annotations

import pytest
from support import headers

from app.config import ConfigError, load_config
from declarations.pdf import fonts

WQY = fonts.DEFAULT_CJK_FONTS[0][0]


@pytest.fixture
def restore_fonts():
    yield
    fonts.use_cjk_font(None)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("SILKPOST_CJK_FONT", "/srv/fonts/cjk.ttc")
    monkeypatch.setenv("SILKPOST_CJK_FONT_INDEX", "2")
    cfg = load_config()
    assert (cfg["CJK_FONT"], cfg["CJK_FONT_INDEX"]) == ("/srv/fonts/cjk.ttc", 2)
    monkeypatch.delenv("SILKPOST_CJK_FONT")
    monkeypatch.delenv("SILKPOST_CJK_FONT_INDEX")
    cfg = load_config()
    assert (cfg["CJK_FONT"], cfg["CJK_FONT_INDEX"]) == (None, 0)
    monkeypatch.setenv("SILKPOST_CJK_FONT_INDEX", "first")
    with pytest.raises(ConfigError, match="SILKPOST_CJK_FONT_INDEX"):
        load_config()


def test_the_app_draws_with_the_configured_face(restore_fonts, tmp_path):
    if not WQY.is_file():
        pytest.skip(f"{WQY} not installed ({fonts.HOW_TO_GET_CJK})")
    from app import create_app

    create_app({"SILKPOST_DATA_DIR": str(tmp_path), "CJK_FONT": str(WQY), "CJK_FONT_INDEX": 1})
    assert fonts.cjk_source() == fonts.CjkSource(WQY, 1, "WenQuanYiZenHeiMono")
    create_app({"SILKPOST_DATA_DIR": str(tmp_path)})
    assert fonts.cjk_source().index == 0


@pytest.mark.cjk_font
def test_a_missing_font_refuses_chinese_forms_until_one_is_set(
    app, client, make_user, order_payload, restore_fonts, tmp_path
):
    seller = make_user("seller")
    r = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201, r.json
    url = f"/api/v1/parcels/{r.json['parcels'][0]['id']}/cn23.pdf"
    fonts.use_cjk_font(tmp_path / "gone.ttc")
    refused = client.get(url, headers=headers(seller))
    assert refused.status_code == 409, refused.data[:200]
    assert "no TrueType CJK font" in refused.json["message"]
    assert any("SILKPOST_CJK_FONT" in p for p in refused.json["errors"]["problems"])
    fonts.use_cjk_font(None)
    served = client.get(url, headers=headers(seller))
    assert served.status_code == 200 and served.data.startswith(b"%PDF")


def test_a_label_batch_without_the_font_fails_saying_why(
    app, client, make_user, order_payload, restore_fonts, tmp_path
):
    from app.jobs.runner import make_worker

    seller, carrier = make_user("seller"), make_user("carrier")
    r = client.post("/api/v1/orders", json=order_payload(), headers=headers(seller))
    assert r.status_code == 201, r.json
    r = client.post(
        "/api/v1/labels/batches",
        json={"kind": "label", "parcel_ids": [r.json["parcels"][0]["id"]]},
        headers=headers(carrier),
    )
    assert r.status_code == 202, r.json
    fonts.use_cjk_font(tmp_path / "gone.ttc")
    make_worker(app, simple=True).work(burst=True, with_scheduler=False)
    b = client.get(f"/api/v1/labels/batches/{r.json['id']}", headers=headers(carrier)).json
    assert b["status"] == "failed" and b["download_url"] is None, b
    assert "no TrueType CJK font" in b["message"] and "fonts-wqy-zenhei" in b["message"]
    assert not list((tmp_path / "data" / "labels").glob("*"))
