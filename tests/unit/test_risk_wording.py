"""The description/heading word match on real store descriptions: what it matches and why,
that correctly classified goods pass, and that misclassified ones are caught."""

import pytest

from app.services.risk_rules import wording


def test_mens_cotton_tshirt_against_6109():
    found = wording.match("Men's cotton T-shirt", "6109100021")
    assert found.heading == "6109"
    assert found.heading_text == "T-shirts, singlets and other vests; knitted or crocheted"
    assert found.compared == ("men", "cotton", "t-shirt")
    # "cotton" is in subheading 610910's text; "t-shirt" folds to the heading's "T-shirts"
    assert found.matched == ("cotton", "t-shirt")
    assert found.terms == ()
    assert found.plausible


def test_words_fold_plurals_possessives_and_hyphens():
    assert wording.words("Men's T-shirts") == [
        ("men", "men"),
        ("tshirt", "t-shirts"),
        ("shirt", "t-shirts"),
    ]
    forms = {w: wording._fold(w) for w in ("batteries", "battery", "knives", "knife", "boxes")}
    assert forms == {
        "batteries": "batteri",
        "battery": "batteri",
        "knives": "knive",
        "knife": "knive",
        "boxes": "box",
    }
    # sizes, colours, counts and HS boilerplate are not compared
    assert wording.words("New 2 pcs XL other articles") == []


def test_retail_vocabulary_names_the_heading():
    found = wording.match("Laptop 14 inch", "8471300000")
    assert found.matched == () and found.terms == ("laptop",)
    assert found.plausible
    # a term only counts for the headings it names
    assert wording.match("Laptop", "4202210000").terms == ()


def test_prefix_match_needs_four_letters():
    assert wording.match("Knit beanie", "6505").matched == ("knit",)  # knitted
    # "car" does not match "care" (3304 "skin care preparations")
    assert not wording.match("Toy car", "3304990000").plausible


def test_nothing_to_compare_is_not_a_finding():
    assert wording.match("男士纯棉T恤", "6109100021").plausible  # no Latin words
    assert wording.match("2 pcs", "6109100021").compared == ()


# Store descriptions with the HS codes they are sold under, correctly classified.
CORRECT = [
    ("Women's knitted cotton sweater", "611020"),
    ("Wool cardigan", "611011"),
    ("Leather wallet", "420232"),
    ("Running shoes with rubber soles", "640411"),
    ("Smartphone 128GB", "851713"),
    ("Bluetooth wireless earbuds", "851830"),
    ("USB-C charging cable", "854442"),
    ("Porcelain coffee mug", "691110"),
    ("Stainless steel water bottle", "732393"),
    ("Plush teddy bear", "950300"),
    ("Silk scarf", "621410"),
    ("Baseball cap", "650500"),
    ("Sunglasses", "900410"),
    ("Face cream moisturiser", "330499"),
    ("Lipstick", "330410"),
    ("Perfume 50ml", "330300"),
    ("Shampoo", "330510"),
    ("Electric toothbrush", "850980"),
    ("Yoga mat", "950691"),
    ("Kitchen knife set", "821191"),
    ("LED desk lamp", "940521"),
    ("Power bank 10000mAh", "850760"),
    ("Vitamin C tablets", "210690"),
    ("Green tea", "090210"),
    ("Jeans denim", "620342"),
    ("Backpack nylon", "420292"),
    ("Necklace silver", "711311"),
    ("Drone with camera", "880699"),
    ("Gaming mouse", "847160"),
    ("Kids' sneakers", "640419"),
    ("Baby diapers", "961900"),
    ("Hoodie fleece", "611030"),
    ("Swimsuit", "611241"),
    ("Nail polish", "330430"),
    ("Gloves knitted", "611693"),
    ("Cookies", "190531"),
    ("Blender", "850940"),
    ("USB flash drive 64GB", "852351"),
    ("Bra", "621210"),
    ("Camping tent", "630622"),
    ("Jigsaw puzzle", "950300"),
    ("Ballpoint pens", "960810"),
    ("Scented candle jar", "340600"),
    ("Essential oil lavender", "330129"),
    ("Honey 500g", "040900"),
    ("Olive oil", "150920"),
]


@pytest.mark.parametrize("description, hs_code", CORRECT)
def test_correctly_classified_store_descriptions_pass(description, hs_code):
    assert wording.match(description, hs_code).plausible


MISCLASSIFIED = [
    ("Lithium battery 18650", "610910"),
    ("Cotton T-shirt", "851713"),
    ("Smartphone", "610910"),
    ("Perfume", "950300"),
    ("Leather wallet", "847130"),
    ("Laptop", "420221"),
    ("Green tea", "851830"),
    ("Silk scarf", "850760"),
    ("Running shoes", "330300"),
]


@pytest.mark.parametrize("description, hs_code", MISCLASSIFIED)
def test_misclassified_lines_are_caught(description, hs_code):
    found = wording.match(description, hs_code)
    assert not found.plausible
    assert found.matched == () and found.terms == ()
