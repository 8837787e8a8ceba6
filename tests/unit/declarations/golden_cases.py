"""Golden cases for the declaration builders: every message kind built from the example
snapshots and from a few hundred hypothesis-drawn ones (including deliberately broken
variants), recorded as sha256 digests of the output bytes or of the error raised.

The snapshots, the signing key and the certificate are stored in the fixture itself
(``tests/golden/declarations/messages.json.gz``), so the test does not depend on hypothesis
drawing the same examples again. Re-record (only when an output change is intended) with
``.venv/bin/python tests/unit/declarations/golden_cases.py``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parents[2]
FIXTURE = ROOT / "tests" / "golden" / "declarations" / "messages.json.gz"
REFERENCE = ROOT / ".." / "shared" / "reference" / "ceb-202205"

for p in (str(ROOT), str(_HERE)):
    if p not in sys.path:
        sys.path.insert(0, p)

from declarations import dxp, examples, itmatt, signing  # noqa: E402
from declarations.ceb import export, import_  # noqa: E402
from declarations.ceb.common import Subscription, Transmitter  # noqa: E402
from declarations.errors import DeclarationError  # noqa: E402
from declarations.snapshot import DeclarationSnapshot  # noqa: E402

WHEN = datetime(2026, 4, 1, 9, 30, 0)


def outcome(fn: Callable[[], object]) -> str:
    """``ok:<sha256>`` of the bytes produced, or ``<ErrorClass>:<sha256>`` of the error text."""
    try:
        result = fn()
    except (DeclarationError, ValueError) as exc:
        # ValueError too: a few inputs (e.g. a 20-digit ITMATT amount) are refused that way.
        return f"{type(exc).__name__}:{hashlib.sha256(str(exc).encode()).hexdigest()}"
    if isinstance(result, list):
        result = b"\x00".join(result)
    return "ok:" + hashlib.sha256(result).hexdigest()


def _opts(mod, i: int):
    if i % 3 == 1:
        return mod.Options(app_type="2", app_status="1", app_time=WHEN)
    if i % 3 == 2:
        return mod.Options(
            transmitter=Transmitter("3301960ABC", "某某报关行", "DXPENT0000000001", "n"),
            subscriptions=(Subscription("DXPENT0000000002"), Subscription("DXPX", "RET", "x")),
        )
    return mod.Options()


def cases(
    snaps: list[DeclarationSnapshot], signer: signing.Signer, schema_dir: Path | None
) -> Iterator[tuple[str, Callable[[], object]]]:
    """(name, builder call) for every message each snapshot can give."""
    sd = schema_dir
    imports = [s for s in snaps if s.order.flow == "import"]
    exports = [s for s in snaps if s.order.flow == "export"]
    for i, s in enumerate(snaps):
        n = f"{i}"
        yield f"{n} itmatt", lambda s=s: itmatt.build(s)
        if i % 7 == 0:
            bad = s.with_changes(
                order=s.order.__class__(**{**s.order.to_json(), "incoterm": "ddp"})
            )
            yield f"{n} itmatt xsd", lambda s=bad: itmatt.build(s)
        yield (
            f"{n} itmatt ops",
            lambda s=s: itmatt.build(
                s, created=WHEN, sender_operator="CNPOST", recipient_operator="USPS"
            ),
        )
        if s.order.flow == "import":
            o = _opts(import_, i)
            yield f"{n} 311", lambda s=s, o=o: import_.build_ceb311(s, options=o, schema_dir=sd)
            yield f"{n} 411", lambda s=s, o=o: import_.build_ceb411(s, options=o, schema_dir=sd)
            yield f"{n} 511", lambda s=s, o=o: import_.build_ceb511(s, options=o, schema_dir=sd)
            yield (
                f"{n} 621",
                lambda s=s, o=o: import_.build_ceb621(s, signer=signer, options=o, schema_dir=sd),
            )
            yield f"{n} 621 nosig", lambda s=s: import_.build_ceb621(s, signer=None)
            if i % 5 == 0:  # the schema requires ds:Signature: refused with line-0 errors
                yield (
                    f"{n} 621 nosig xsd",
                    lambda s=s: import_.build_ceb621(s, signer=None, schema_dir=sd),
                )
            if i % 2 == 0:  # a declared inventory: cancel and return need its invtNo
                s = s.with_changes(
                    filing=s.filing.__class__(**{**s.filing.to_json(), "invt_no": f"5141{i:014d}"})
                )
            yield (
                f"{n} 623",
                lambda s=s, o=o: import_.build_ceb623(
                    s, reason="买家取消订单", signer=signer, options=o, schema_dir=sd
                ),
            )
            yield (
                f"{n} 625",
                lambda s=s, o=o: import_.build_ceb625(
                    s, reason="退货", signer=signer, options=o, schema_dir=sd
                ),
            )
            yield (
                f"{n} 625 part",
                lambda s=s: import_.build_ceb625(
                    s, reason="r", signer=signer, returned={1: Decimal("0.5"), 7: Decimal(1)}
                ),
            )
            yield (
                f"{n} dxp",
                lambda s=s: dxp.wrap(
                    import_.build_ceb621(s, signer=signer),
                    sender_id="DXPENT0000000001",
                    created=WHEN,
                    schema_dir=sd,
                ),
            )
        else:
            o = _opts(export, i)
            yield f"{n} 303", lambda s=s, o=o: export.build_ceb303(s, options=o, schema_dir=sd)
            yield f"{n} 603", lambda s=s, o=o: export.build_ceb603(s, options=o, schema_dir=sd)
            yield (
                f"{n} 603 sig",
                lambda s=s, o=o: export.build_ceb603(s, options=o, signer=signer, schema_dir=sd),
            )
            group = export.SummaryGroup(
                s.filing.customs_code, "", tuple(f"{s.filing.customs_code}{k:014d}" for k in (1, 2))
            )
            yield (
                f"{n} 701",
                lambda s=s, g=group, i=i: export.build_ceb701(
                    g,
                    seller=s.seller,
                    start=datetime(2026, 3, 1),
                    end=datetime(2026, 4, 1),
                    cop_no="SUM" + s.order.order_no[:20],
                    signer=signer,
                    schema_dir=sd,
                    max_per_message=1 + i % 2,
                ),
            )
    # Batches of several snapshots in one message.
    for k in range(0, min(len(imports), 40), 4):
        batch = imports[k : k + 4]
        yield f"batch{k} 621", lambda b=batch: import_.build_ceb621(b, signer=signer, schema_dir=sd)
        yield f"batch{k} 311", lambda b=batch: import_.build_ceb311(b, schema_dir=sd)
        yield f"batch{k} itmatt", lambda b=batch: itmatt.build(b)
    for k in range(0, min(len(exports), 40), 4):
        batch = exports[k : k + 4]
        yield f"batch{k} 603", lambda b=batch: export.build_ceb603(b, schema_dir=sd)
        yield f"batch{k} 303", lambda b=batch: export.build_ceb303(b, schema_dir=sd)
        yield f"batch{k} e-itmatt", lambda b=batch: itmatt.build(b)


def _broken(s: DeclarationSnapshot, i: int) -> DeclarationSnapshot:
    """A variant that some check or the XSD should refuse (or that just hits an edge)."""
    o, ln = s.order, s.lines[0]
    kind = i % 14
    if kind == 0:
        return s.with_changes(
            seller=s.seller.__class__(**{**s.seller.to_json(), "name": "长" * 120})
        )
    if kind == 1:
        return s.with_changes(lines=(ln.__class__(**{**ln.to_json(), "hs_code": "12345"}),))
    if kind == 2:
        big = Decimal("12345678901234567.123")
        return s.with_changes(lines=(ln.__class__(**{**ln.to_json(), "unit_value": big}),))
    if kind == 3:
        return s.with_changes(order=o.__class__(**{**o.to_json(), "discount": "999999"}))
    if kind == 4:
        return s.with_changes(lines=())
    if kind == 5:
        return s.with_changes(order=o.__class__(**{**o.to_json(), "note": "bad\x01char"}))
    if kind == 6:
        return s.with_changes(order=o.__class__(**{**o.to_json(), "currency": "usd"}))
    if kind == 7:
        return s.with_changes(lines=(ln.__class__(**{**ln.to_json(), "unit": "furlong"}),))
    if kind == 8:
        return s.with_changes(payment=None, logistics=None)
    if kind == 9:
        return s.with_changes(
            recipient=s.recipient.__class__(**{**s.recipient.to_json(), "phone": "", "name": " "})
        )
    if kind == 10:
        return s.with_changes(order=o.__class__(**{**o.to_json(), "comments": "x\x0by"}))
    if kind == 11:
        return s.with_changes(order=o.__class__(**{**o.to_json(), "note": "lone \ud800"}))
    if kind == 12:
        name = 'a\ufffeb & <c> "d" \r\n\t'
        return s.with_changes(
            recipient=s.recipient.__class__(**{**s.recipient.to_json(), "name": name})
        )
    # Text that needs escaping but is otherwise fine, and a lower-case Incoterm the XSD refuses.
    return s.with_changes(
        order=o.__class__(
            **{**o.to_json(), "note": "A&B <x> \"q\" 'a' \r\n\t ]]>", "incoterm": "ddp"}
        ),
        seller=s.seller.__class__(**{**s.seller.to_json(), "name": "S&P <有限公司> \r"}),
    )


def draw_snapshots(n_import: int, n_export: int) -> list[DeclarationSnapshot]:
    import decl_strategies as ds
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[DeclarationSnapshot] = []

    def collect(strategy, n):
        @settings(
            max_examples=n,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def run(snap):
            drawn.append(snap)

        run()

    for max_lines, share in ((6, 0.8), (99, 0.2)):
        collect(ds.import_snapshots(max_lines=max_lines), int(n_import * share))
    for max_lines, share in ((6, 0.8), (100, 0.2)):
        collect(ds.export_snapshots(max_lines=max_lines), int(n_export * share))
    return drawn


def record() -> None:
    key, cert = signing.make_demo_key_and_certificate("Silkpost golden fixture")
    snaps = [examples.import_snapshot(k) for k in (1, 2, 3, 12)]
    snaps += [examples.export_snapshot(k) for k in (1, 2, 3, 12)]
    drawn = draw_snapshots(180, 120)
    snaps += drawn
    snaps += [_broken(s, i) for i, s in enumerate(drawn[::2])]
    signer = signing.Signer(key, cert)
    schema_dir = REFERENCE if (REFERENCE / "ceb-import.xsd").is_file() else None
    assert schema_dir is not None, "record with the official schemas present"
    digests = {name: outcome(fn) for name, fn in cases(snaps, signer, schema_dir)}
    data = {
        "key_pem": key.decode(),
        "cert_pem": cert.decode(),
        "snapshots": [s.to_json() for s in snaps],
        "digests": digests,
    }
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(FIXTURE, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, sort_keys=True)  # ASCII: keeps lone surrogates
    ok = sum(v.startswith("ok:") for v in digests.values())
    print(f"{len(snaps)} snapshots, {len(digests)} cases ({ok} ok, {len(digests) - ok} refused)")


def load() -> dict:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


if __name__ == "__main__":
    record()
