"""Throughput of declaration generation: CEB621 inventories and ITMATT messages.

Prints messages per second on one core for the project's builders (structural checks, tree,
serialisation, and XSD validation; CEB621 also signing, which its schema makes mandatory)
against a floor: building the same element tree with bare lxml ``SubElement`` calls and
serialising it. Run: ``.venv/bin/python bench/declarations.py [seconds-per-case]``.
The official CEB schemas are read from ``CEB_XSD_DIR`` or ``../shared/reference/ceb-202205``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from declarations import examples, itmatt, signing, xsd  # noqa: E402
from declarations.ceb import import_  # noqa: E402


def rate(fn: Callable[[], object], seconds: float) -> float:
    fn()
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(50):
            fn()
        n += 50
    return n / elapsed


def floor_builder(sample: bytes) -> Callable[[], bytes]:
    """Replays the element tree of ``sample`` (tags, attributes, texts) with SubElement."""
    root = etree.fromstring(sample)

    def plan(el):
        return (el.tag, dict(el.attrib), el.text, [plan(c) for c in el])

    tree = plan(root)
    nsmap = root.nsmap

    def build() -> bytes:
        def add(parent, node):
            tag, attrib, text, children = node
            el = etree.SubElement(parent, tag, attrib)
            el.text = text
            for c in children:
                add(el, c)

        tag, attrib, text, children = tree
        top = etree.Element(tag, attrib, nsmap=nsmap)
        for c in children:
            add(top, c)
        return etree.tostring(top, xml_declaration=True, encoding="UTF-8")

    return build


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    ceb_dir = Path(
        os.environ.get("CEB_XSD_DIR") or ROOT / ".." / "shared" / "reference" / "ceb-202205"
    )
    have_ceb = (ceb_dir / "ceb-import.xsd").is_file()
    key, cert = signing.make_demo_key_and_certificate("bench (demo)")
    signer = signing.Signer(key, cert)

    imp = examples.import_snapshot(3)
    exp = examples.export_snapshot(3)
    schema_dir = ceb_dir if have_ceb else None

    signed = import_.build_ceb621(imp, signer=signer)
    unsigned_floor = floor_builder(signed.split(b"<ds:Signature")[0] + b"</ceb:CEB621Message>")
    ceb_schema = xsd.load(ceb_dir / "ceb-import.xsd") if have_ceb else None
    signed_root = etree.fromstring(signed)

    cases = [
        (
            "CEB621 checks+build+sign+validate",
            lambda: import_.build_ceb621(imp, signer=signer, schema_dir=schema_dir),
        ),
        ("CEB621 checks+build+sign (no XSD)", lambda: import_.build_ceb621(imp, signer=signer)),
        ("CEB621 checks+build (no sign, no XSD)", lambda: import_.build_ceb621(imp, signer=None)),
        ("CEB621 RSA-SHA1 signing alone", lambda: signer.sign(unsigned_floor())),
        (
            "CEB621 official XSD validation alone",
            (lambda: ceb_schema.validate(signed_root)) if ceb_schema else None,
        ),
        ("CEB621 floor: bare SubElement + tostring", unsigned_floor),
        ("ITMATT checks+build+validate", lambda: itmatt.build(exp)),
        ("ITMATT floor: bare SubElement + tostring", floor_builder(itmatt.build(exp))),
    ]
    results = {}
    print(f"{'case':45} {'msg/s':>10}")
    for name, fn in cases:
        if fn is None:
            print(f"{name:45} {'skipped (no CEB schemas)':>10}")
            continue
        results[name] = rate(fn, seconds)
        print(f"{name:45} {results[name]:10.0f}")

    def ratio(ours: str, floor: str) -> None:
        if ours in results:
            print(f"ratio {ours!r} / floor: {results[floor] / results[ours]:.2f}x slower")

    ratio("CEB621 checks+build+sign+validate", "CEB621 floor: bare SubElement + tostring")
    ratio("CEB621 checks+build+sign (no XSD)", "CEB621 floor: bare SubElement + tostring")
    ratio("ITMATT checks+build+validate", "ITMATT floor: bare SubElement + tostring")
    build, valid = "CEB621 checks+build (no sign, no XSD)", "CEB621 official XSD validation alone"
    if build in results and valid in results:
        combined = 1 / (1 / results[build] + 1 / results[valid])
        floor = results["CEB621 floor: bare SubElement + tostring"]
        print(
            f"CEB621 checks+build+XSD validation, signing excluded (derived): {combined:.0f} msg/s,"
            f" {floor / combined:.2f}x the floor"
        )
    if not have_ceb:
        print(f"note: official CEB schemas not found at {ceb_dir}; CEB621 not XSD-validated")


if __name__ == "__main__":
    main()
