"""Throughput of declaration generation: CEB621 inventories and ITMATT messages.

Prints messages per second on one core for the project's builders against a floor: building
the same element tree with bare lxml ``SubElement`` calls and serialising it (for CEB621 the
tree without its signature). Three groups of figures:

(a) generation: the project checks, writing the message and XSD validation (the figure
    the targets below apply to). CEB621's schema requires ``ds:Signature``, so its figure runs
    the whole signing path too (parse, C14N, SHA-1 digest, signature element, writing it into
    the message) with the RSA private-key operation replaced by a constant; the signature is
    well-formed for the XSD, which validates the signed tree.
(b) signing: the RSA-2048 PKCS#1 v1.5 private-key operation on its own (a cryptographic cost
    no builder change removes), and the complete CEB621 path with real signing, as served.
(c) the floors and the ratios.

Each case runs for ``seconds-per-case`` in total, in ``rounds`` windows taken in turn with
the other cases; the best window is reported (the worst beside it shows the noise).

Run: ``.venv/bin/python bench/declarations.py [seconds-per-case [rounds]]``. The official CEB
schemas are read from ``CEB_XSD_DIR`` or ``../shared/reference/ceb-202205``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

from declarations import examples, itmatt, signing, xsd  # noqa: E402
from declarations.ceb import import_  # noqa: E402

TARGET_RATE = 2000
TARGET_RATIO = 3.0


def best_rates(
    cases: list[tuple[str, Callable[[], object]]], seconds: float, rounds: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Messages per second of each case: the best and the worst of ``rounds`` windows of
    ``seconds / rounds``, the cases taking turns, so a neighbour's burst of work on a shared
    machine hits every case alike instead of whichever happened to run then."""
    for _name, fn in cases:
        fn()
    best = {name: 0.0 for name, _fn in cases}
    worst = {name: float("inf") for name, _fn in cases}
    window = seconds / rounds
    for _ in range(rounds):
        for name, fn in cases:
            n, start = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - start) < window:
                for _ in range(20):
                    fn()
                n += 20
            best[name] = max(best[name], n / elapsed)
            worst[name] = min(worst[name], n / elapsed)
    return best, worst


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


@dataclass(frozen=True, slots=True)
class NoRsa:
    """E-Port's RSA-SHA1 URIs and SHA-1 digest, with a constant in place of the RSA
    private-key operation (bench only: the signature does not verify)."""

    signature_uri: str = signing.CHINAPORT_RSA_SHA1.signature_uri
    digest_uri: str = signing.CHINAPORT_RSA_SHA1.digest_uri

    def digest(self, data: bytes) -> bytes:
        return signing.CHINAPORT_RSA_SHA1.digest(data)

    def sign(self, key: object, data: bytes) -> bytes:
        return b"\x5a" * 256  # the length of an RSA-2048 signature

    def verify(self, certificate, signature: bytes, data: bytes) -> None:
        raise NotImplementedError


A_CEB = "(a) CEB621 checks+build+sign path+XSD, RSA op excluded"
A_ITM = "(a) ITMATT checks+build+XSD"
B_RSA = "(b) RSA-2048 private-key op alone"
B_CEB = "(b) CEB621 complete: checks+build+RSA sign+XSD"
F_CEB = "(c) CEB621 floor: bare SubElement + tostring"
F_ITM = "(c) ITMATT floor: bare SubElement + tostring"


def schema_dir() -> Path:
    ceb_dir = Path(
        os.environ.get("CEB_XSD_DIR") or ROOT / ".." / "shared" / "reference" / "ceb-202205"
    )
    if not (ceb_dir / "ceb-import.xsd").is_file():
        sys.exit(f"official CEB schemas not found at {ceb_dir} (set CEB_XSD_DIR)")
    return ceb_dir


def cases(ceb_dir: Path) -> list[tuple[str, Callable[[], object]]]:
    """The measured calls, on the three-line examples of each flow."""
    key, cert = signing.make_demo_key_and_certificate("bench (demo)")
    signer = signing.Signer(key, cert)
    no_rsa = signing.Signer(key, cert, algorithm=NoRsa())
    imp = examples.import_snapshot(3)
    exp = examples.export_snapshot(3)
    signed = import_.build_ceb621(imp, signer=signer, schema_dir=ceb_dir)
    ceb_schema = xsd.load(ceb_dir / "ceb-import.xsd")
    signed_root = etree.fromstring(signed)
    signed_info = etree.tostring(
        signed_root.find(".//{http://www.w3.org/2000/09/xmldsig#}SignedInfo"), method="c14n"
    )
    rsa_key = signer._key
    return [
        (A_CEB, lambda: import_.build_ceb621(imp, signer=no_rsa, schema_dir=ceb_dir)),
        (
            "    CEB621 checks+build only (no sign, no XSD)",
            lambda: import_.build_ceb621(imp, signer=None),
        ),
        ("    CEB621 official XSD validation alone", lambda: ceb_schema.validate(signed_root)),
        (A_ITM, lambda: itmatt.build(exp)),
        (
            B_RSA,
            lambda: rsa_key.sign(signed_info, padding.PKCS1v15(), hashes.SHA1()),  # noqa: S303
        ),
        (B_CEB, lambda: import_.build_ceb621(imp, signer=signer, schema_dir=ceb_dir)),
        (F_CEB, floor_builder(import_.build_ceb621(imp, signer=None))),
        (F_ITM, floor_builder(itmatt.build(exp))),
    ]


def report(names: list[str], results: dict[str, float], worst: dict[str, float]) -> None:
    print(f"{'case':56} {'msg/s':>8} {'(worst window)':>15}")
    for name in names:
        print(f"{name:56} {results[name]:8.0f} {worst[name]:15.0f}")
    print()
    for ours, floor in ((A_CEB, F_CEB), (A_ITM, F_ITM)):
        ratio = results[floor] / results[ours]
        met = results[ours] >= TARGET_RATE and ratio <= TARGET_RATIO
        print(
            f"{ours[4:]}: {results[ours]:.0f} msg/s, {ratio:.2f}x the floor"
            f" -> target (>= {TARGET_RATE}/s, <= {TARGET_RATIO:g}x) {'met' if met else 'NOT met'}"
        )
    combined = 1 / (1 / results[A_CEB] + 1 / results[B_RSA])
    print(
        f"CEB621 as served, with RSA-2048 signing: {results[B_CEB]:.0f} msg/s measured"
        f" ({combined:.0f} expected from (a) + RSA op), {results[F_CEB] / results[B_CEB]:.2f}x"
        " the floor; RSA alone caps it at"
        f" {results[B_RSA]:.0f}/s"
    )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    measured = cases(schema_dir())
    results, worst = best_rates(measured, seconds, rounds)
    report([name for name, _fn in measured], results, worst)


if __name__ == "__main__":
    main()
