"""Does a line's description read like its HS heading? A conservative word match.

Both texts are cut into words (lower case, "men's" → "men", "T-shirts" → "tshirt" and its
parts "shirt"), function words and HS boilerplate ("other", "thereof", "articles") are
dropped, and simple plurals are folded ("boxes" → "box", "knives"/"knife" → one form). A
description word matches a heading word when they are equal or one begins with the other
and the shorter has at least four letters ("knit" / "knitted", "electric" / "electrical").

The heading's wording is the heading text plus the texts of all its 6-digit subheadings,
from the HS 2022 tables the project ships (``tariff_tables.nomenclature``). Shops use words
the HS does not ("laptop" for "automatic data processing machines"), so a small retail
vocabulary (``data/retail_terms.csv``) also counts a term as matched when it names the line's
heading or chapter. The check only says a line *may* be misdescribed or misclassified when
no word at all matches; it never looks at how many did.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tariff_tables import nomenclature

TERMS_FILE = Path(__file__).with_name("data") / "retail_terms.csv"
_MIN_PREFIX = 4
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_POSSESSIVE = re.compile(r"['’]s\b")
STOP_WORDS = frozenset(
    """
    a an and or of the for with without in on to by from as at be being is are not no nor
    other others than such their its this that these those whether thereof therefor therein
    including excluding incl etc nec kind kinds type types used use similar like heading
    headings subheading chapter item items article articles part parts accessory accessories
    equipment product products goods new set sets pack packs pc pcs piece pieces size sizes
    colour colours color colors style styles premium quality mini small medium large xl xxl
    """.split()
)


def _fold(word: str) -> str:
    """One form for a word and its simple English plural: "boxes"/"box" → "box",
    "batteries"/"battery" → "batteri", "cookies"/"cookie" → "cooki", "knives"/"knife" →
    "knive". The form is only compared, never shown."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-2]
    elif len(word) > 3 and re.search(r"(ss|x|z|ch|sh)es$", word):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending, form in (("ie", "i"), ("y", "i"), ("fe", "ve"), ("f", "ve")):
        if word.endswith(ending) and len(word) > len(ending):
            return word[: -len(ending)] + form
    return word


def words(text: str) -> list[tuple[str, str]]:
    """(folded form, word as written) of the content words of ``text``, in order; a
    hyphenated word gives its joined form and then its parts."""
    found: list[tuple[str, str]] = []
    for raw in _WORD.findall(_POSSESSIVE.sub("", (text or "").lower())):
        parts = [raw.replace("-", "")] + (raw.split("-") if "-" in raw else [])
        for part in parts:
            if len(part) < 2 or any(c.isdigit() for c in part) or part in STOP_WORDS:
                continue
            found.append((_fold(part), raw))
    return found


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= _MIN_PREFIX and long_.startswith(short)


@lru_cache(maxsize=2048)
def heading_words(heading: str) -> frozenset[str]:
    """Folded words of a heading's text and of all its subheadings' texts."""
    texts = [nomenclature.description(heading) or ""]
    texts += [nomenclature.description(code) or "" for code in nomenclature.subheadings(heading)]
    return frozenset(form for text in texts for form, _ in words(text))


@lru_cache(maxsize=1)
def retail_terms() -> tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]:
    """(folded words of the term, the term, HS prefixes) rows of the retail vocabulary."""
    with TERMS_FILE.open(encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        return tuple(
            (tuple(form for form, _ in words(r["term"])), r["term"], tuple(r["hs"].split()))
            for r in rows
        )


@dataclass(frozen=True)
class WordingMatch:
    """How a description compares with the wording of its HS heading."""

    heading: str
    heading_text: str | None
    compared: tuple[str, ...]
    matched: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def plausible(self) -> bool:
        """False only when there were words to compare and none matched."""
        return bool(self.matched or self.terms or not self.compared or not self.heading_text)


@lru_cache(maxsize=4096)
def _terms_under(hs_code: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The retail terms listed for a code (under one of their HS prefixes)."""
    return tuple(
        (term_forms, term)
        for term_forms, term, prefixes in retail_terms()
        if any(hs_code.startswith(p) for p in prefixes)
    )


def _terms_for(forms: list[str], hs_code: str) -> tuple[str, ...]:
    hits = []
    for term_forms, term in _terms_under(hs_code):
        n = len(term_forms)
        if any(tuple(forms[i : i + n]) == term_forms for i in range(len(forms) - n + 1)):
            hits.append(term)
    return tuple(hits)


@lru_cache(maxsize=8192)
def match(description: str, hs_code: str) -> WordingMatch:
    """Compare ``description`` with the wording of the heading of ``hs_code`` (remembered:
    a seller ships the same goods under the same code again and again, and the comparison
    reads only the HS tables and retail terms, which do not change while a process runs)."""
    digits = nomenclature.normalise(hs_code)
    heading = digits[:4]
    described = words(description)
    vocabulary = heading_words(heading)
    matched = [
        written
        for form, written in described
        if form in vocabulary or any(_same_word(form, h) for h in vocabulary)
    ]
    return WordingMatch(
        heading=heading,
        heading_text=nomenclature.description(heading),
        compared=tuple(dict.fromkeys(written for _, written in described)),
        matched=tuple(dict.fromkeys(matched)),
        terms=_terms_for([form for form, _ in described], digits),
    )
