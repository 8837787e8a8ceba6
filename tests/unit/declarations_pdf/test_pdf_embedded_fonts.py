"""Every font a form names is embedded: CJK and Hangul come from a TrueType CJK font
(subset), never from a font the reader or printer must have; without one, CJK text is
refused with the fix in the message."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pdf_reading import need, page_texts, squash

from declarations import examples
from declarations import pdf as forms
from declarations.pdf import fonts
from declarations.snapshot import Party

SEOUL = Party(
    name="김민수",
    street="세종대로 110",
    city="서울특별시 중구",
    postcode="04524",
    country="KR",
    phone="+82 2 120",
)


def pdffonts(data: bytes, tmp_path: Path) -> list[dict[str, str]]:
    """poppler's ``pdffonts`` table, one dict per font row (columns cut at the dashes)."""
    src = tmp_path / "fonts.pdf"
    src.write_bytes(data)
    out = subprocess.run(
        [need("pdffonts"), str(src)], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    header, dashes, *body = out
    spans, start = [], 0
    for part in dashes.split(" "):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    names = [header[a:b].strip() for a, b in spans]
    return [{n: row[a:b].strip() for n, (a, b) in zip(names, spans, strict=True)} for row in body]


@pytest.fixture
def restore_fonts():
    yield
    fonts.use_cjk_font(None)


RENDERINGS = {
    "cn23-a4-import": lambda: forms.render_cn23(examples.import_snapshot(2)),
    "cn23-thermal-export": lambda: forms.render_cn23(examples.export_snapshot(3), page="thermal"),
    "label-export": lambda: forms.render_label(examples.export_snapshot(3)),
    "batch-export": lambda: forms.render_batch([examples.export_snapshot(1)] * 3, "cn23"),
}


@pytest.mark.parametrize("render", RENDERINGS.values(), ids=RENDERINGS.keys())
def test_pdffonts_lists_only_embedded_fonts_for_chinese_text(render, tmp_path):
    data = render()
    assert any(fonts.is_wide(ch) for ch in "".join(page_texts(data))), "no Chinese printed"
    rows = pdffonts(data, tmp_path)
    assert rows, "no fonts listed"
    assert [r["name"] for r in rows if r["emb"] != "yes"] == []
    assert all(r["sub"] == "yes" and r["type"] == "TrueType" for r in rows), rows
    family = fonts.cjk_source().family
    assert any(r["name"].split("+", 1)[1].startswith(family) for r in rows), rows
    assert not any(n in r["name"] for r in rows for n in ("STSong", "HYSMyeongJo", "Helvetica"))


def test_hangul_is_drawn_embedded_by_the_cjk_font(tmp_path):
    assert fonts.runs(SEOUL.street) == ((fonts.CJK, "세종대로"), (fonts.SANS, " 110"))
    assert fonts.covers(SEOUL.name + SEOUL.city)
    snap = examples.export_snapshot(1).with_changes(recipient=SEOUL)
    data = forms.render_cn23(snap, copies=1)
    text = squash(page_texts(data)[0])
    for field in (SEOUL.name, SEOUL.street, SEOUL.city):
        assert squash(field) in text, field
    assert all(r["emb"] == "yes" for r in pdffonts(data, tmp_path))


def test_the_cjk_font_draws_han_kana_hangul_and_full_width_punctuation():
    for text in ("李小宝", "电动牙刷", "ひらがな", "カタカナ", "（，。）", "서울"):
        assert fonts.runs(text) == ((fonts.CJK, text),)
        assert fonts.covers(text), text


@given(
    st.lists(st.sampled_from(["电话", " ", "8号", "Anna", "Müller", "서울", "—", "…"]), max_size=8)
)
def test_a_strings_width_is_the_sum_of_its_parts(parts):
    """Fitting measures words and pieces apart and adds them up; that only holds if a
    character's font does not depend on its neighbours."""
    whole = fonts.unit_width("".join(parts))
    assert whole == pytest.approx(sum(fonts.unit_width(p) for p in parts), abs=1e-9)


@pytest.mark.any_cjk_font
def test_a_face_of_a_collection_is_chosen_by_index(restore_fonts, export_cn22, tmp_path):
    default = fonts.DEFAULT_CJK_FONTS[0][0]
    if not default.is_file():
        pytest.skip(f"{default} not installed ({fonts.HOW_TO_GET_CJK})")
    fonts.use_cjk_font(default, 1)
    assert fonts.cjk_source() == fonts.CjkSource(default, 1, "WenQuanYiZenHeiMono")
    names = [r["name"] for r in pdffonts(forms.render_cn22(export_cn22), tmp_path)]
    assert any("WenQuanYiZenHeiMono" in n for n in names), names


@pytest.mark.any_cjk_font
def test_without_a_cjk_font_chinese_is_refused_and_latin_still_prints(restore_fonts, tmp_path):
    missing = tmp_path / "no-such-font.ttc"
    fonts.use_cjk_font(missing)
    assert fonts.cjk_source() is None and str(missing) in fonts.cjk_problem()
    with pytest.raises(fonts.MissingCjkFont, match="no TrueType CJK font") as err:
        forms.render_cn23(examples.import_snapshot(1))
    assert str(missing) in err.value.summary
    assert "fonts-wqy-zenhei" in err.value.problems[0]
    assert "SILKPOST_CJK_FONT" in err.value.problems[0]
    latin = _latin_only(examples.export_snapshot(1))
    text = page_texts(forms.render_cn23(latin, copies=1))[0]
    assert "Shenzhen Fashion Co" in text and "Anna Müller" in text


@pytest.mark.any_cjk_font
def test_a_file_that_is_no_truetype_font_is_named(restore_fonts, tmp_path):
    bogus = tmp_path / "font.ttf"
    bogus.write_bytes(b"not a font at all")
    fonts.use_cjk_font(bogus)
    with pytest.raises(fonts.MissingCjkFont) as err:
        fonts.runs("李小宝")
    assert f"{bogus} (face 0) is not a usable TrueType font" in err.value.summary


def _latin_only(snap):
    """``snap`` with every Chinese particular replaced by a Latin one."""
    sender = replace(
        snap.sender,
        name="Wang Fang",
        company="Shenzhen Fashion Co",
        street="Science Park 1",
        city="Shenzhen",
        state="Guangdong",
    )
    lines = tuple(replace(line, description_local="", spec="") for line in snap.lines)
    logistics = replace(snap.logistics, name="China Post EMS")
    seller = replace(snap.seller, name="Shenzhen Fashion Co", platform_name="Export Mall")
    broker = replace(snap.broker, name="Shenzhen Broker")
    return snap.with_changes(
        sender=sender, lines=lines, logistics=logistics, seller=seller, broker=broker
    )


def test_embedded_subsets_give_the_same_bytes_in_another_process():
    """Subset names and glyph order come from what is drawn, not from the process."""
    import hashlib
    import sys

    script = (
        "import hashlib, sys\n"
        "from declarations import examples, pdf\n"
        "sys.stdout.write(hashlib.sha256(pdf.render_cn23(examples.import_snapshot(2)))"
        ".hexdigest())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    assert other == hashlib.sha256(forms.render_cn23(examples.import_snapshot(2))).hexdigest()
