"""Fitting text to a box never overflows; fonts are picked per script."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from declarations.pdf import fonts
from declarations.pdf.fit import ELLIPSIS, LEADING, fit_text

EPS = 1e-6

WORDS = st.sampled_from(
    [
        "Electric",
        "toothbrush,",
        "rechargeable",
        "Hauptstraße",
        "Ærøskøbing",
        "Москва",
        "ул. Тверская",
        "电动牙刷",
        "男式棉制针织T恤衫",
        "중국",
        "Supercalifragilisticexpialidociousnessnessness",
        "8号楼",
        "/",
        "—",
        "0.360",
    ]
)
TEXTS = st.one_of(
    st.lists(WORDS, max_size=40).map(" ".join),
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp", "Co", "Cn")
        ),
        max_size=120,
    ),
)


def _width(line: str, size: float) -> float:
    return fonts.string_width(line, size)


@settings(max_examples=300, deadline=None)
@given(
    text=TEXTS,
    width=st.floats(5, 400),
    height=st.floats(3, 120),
    max_size=st.floats(4, 14),
    min_size=st.floats(3, 8),
    max_lines=st.one_of(st.none(), st.integers(1, 5)),
)
def test_fitted_text_never_overflows_its_box(text, width, height, max_size, min_size, max_lines):
    fitted = fit_text(
        text, width, height, max_size=max_size, min_size=min_size, max_lines=max_lines
    )
    assert fitted.size <= max_size + EPS
    assert len(fitted.lines) * fitted.leading <= height + EPS
    assert fitted.leading == fitted.size * LEADING or not fitted.lines
    if max_lines is not None:
        assert len(fitted.lines) <= max_lines
    for line in fitted.lines:
        assert _width(line, fitted.size) <= width + EPS, (line, fitted)
    if not fitted.truncated:
        # nothing lost: the same characters, only the whitespace may differ
        assert re.sub(r"\s", "", "".join(fitted.lines)) == re.sub(r"\s", "", text)
    elif fitted.lines:
        # cut only at the minimum size (or below it when the box is lower than one line)
        assert fitted.size >= min(min_size, max_size) - EPS or height < min_size * LEADING


def test_text_that_fits_keeps_the_largest_size_on_one_line():
    fitted = fit_text("Hello world", 200, 20, max_size=9, min_size=5)
    assert fitted.lines == ("Hello world",) and fitted.size == 9 and not fitted.truncated


def test_shrinks_before_wrapping_and_wraps_before_cutting():
    text = "Electric toothbrush, sonic, rechargeable"
    natural = fonts.unit_width(text)
    # one line fits at 7 pt but not at 8 pt: shrunk, not wrapped
    shrunk = fit_text(text, natural * 7.2, 9, max_size=8, min_size=5)
    assert shrunk.lines == (text,) and shrunk.size == 7.0
    # too wide for one line even at the minimum, room for lines below: wrapped, at the
    # largest size whose lines fit the height
    wrapped = fit_text(text, natural * 3, 25, max_size=8, min_size=5)
    assert len(wrapped.lines) >= 2 and not wrapped.truncated and wrapped.size >= 5
    assert fit_text(text, natural * 3, 25, max_size=wrapped.size + 0.5, min_size=5) == wrapped
    # one line only, much too narrow: cut with an ellipsis
    cut = fit_text(text, natural * 2, 6, max_size=8, min_size=5)
    assert cut.truncated and len(cut.lines) == 1 and cut.lines[0].endswith(ELLIPSIS)


def test_chinese_wraps_between_characters_without_inventing_spaces():
    fitted = fit_text(
        "中关村软件园 8号楼", fonts.unit_width("中关村") * 6, 40, max_size=6, min_size=6
    )
    assert "".join(fitted.lines).replace(" ", "") == "中关村软件园8号楼"
    assert all(" " not in line.strip() or "园 8" in line for line in fitted.lines)


def test_degenerate_box_draws_nothing_rather_than_overflow():
    assert fit_text("text", 50, 1).lines == ()
    assert fit_text("text", 0, 50).lines == ()
    assert fit_text("", 50, 50).lines == ()


def test_runs_pick_a_font_per_script():
    assert fonts.runs("Anna Müller") == ((fonts.SANS, "Anna Müller"),)
    assert fonts.runs("李小宝") == ((fonts.CJK, "李小宝"),)
    assert fonts.runs("Tel 电话 8号") == (
        (fonts.SANS, "Tel "),
        (fonts.CJK, "电话"),
        (fonts.SANS, " 8"),
        (fonts.CJK, "号"),
    )
    assert fonts.runs("서울") == ((fonts.CJK, "서울"),)
    assert fonts.runs("Bold", bold=True) == ((fonts.SANS_BOLD, "Bold"),)


def test_main_font_source_is_reported():
    source = fonts.source()
    assert source.regular.is_file() and source.bold.is_file()
    assert source.family in {"PT Sans", "DejaVu Sans", "Bitstream Vera"}
